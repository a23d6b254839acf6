rule explore:
    """The study's interactive page: the whole dataset, its configuration and provenance in one HTML file."""
    input:
        dataset_path(),
    output:
        report(
            f"{RESULTS}/explore.html",
            caption="../report/explore.rst",
            category=f"Study {STUDY}",
            labels={"figure": "interactive page (explore.html)"},
        ),
    log:
        f"{RESULTS}/logs/explore.log",
    conda:
        "../../envs/cumex.yaml"
    script:
        "../scripts/explore.py"
