rule plot:
    """The study's figures (convergence, error, pump ratio, stability count), from the dataset only."""
    input:
        dataset_path(),
    output:
        **figure_outputs(),
    log:
        f"{RESULTS}/logs/plot.log",
    params:
        figures=config["figures"],
        figure_names=FIGURES,
    conda:
        "../../envs/cumex.yaml"
    script:
        "../scripts/plot.py"
