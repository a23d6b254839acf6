rule plot:
    """One figure of the study (the model's figures: convergence, error, maps, ...), from the dataset only."""
    input:
        dataset_path(),
    output:
        **figure_outputs(),
    log:
        f"{RESULTS}/logs/plot/{{figure}}.log",
    conda:
        "../../envs/cumex.yaml"
    params:
        figures=config["figures"],
        caption=figure_caption,
    script:
        "../scripts/plot.py"
