rule aggregate:
    """Merge a study's batch files into one dataset with dims (scaling, order, N, pump_ratio)."""
    input:
        batch_paths(),
    output:
        dataset_path(),
    log:
        f"{RESULTS}/logs/aggregate.log",
    params:
        study=STUDY,
    conda:
        "../../envs/cumex.yaml"
    script:
        "../scripts/aggregate.py"
