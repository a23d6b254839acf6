rule aggregate:
    """Merge a study's batch files into one dataset with dims (scaling, order, *model axes)."""
    input:
        batch_paths(),
    output:
        dataset_path(),
    log:
        f"{RESULTS}/logs/aggregate.log",
    conda:
        "../../envs/cumex.yaml"
    params:
        study=STUDY,
    script:
        "../scripts/aggregate.py"
