rule solve:
    """Solve the grid points of one batch (pump ratios of one scaling, order and N) into one file."""
    output:
        f"{RESULTS}/points/{{batch}}.nc",
    log:
        f"{RESULTS}/logs/solve/{{batch}}.log",
    params:
        job=solve_job,
    threads: 1
    resources:
        mem_mb=solve_mem_mb,
        runtime=solve_runtime,
    conda:
        "../../envs/cumex.yaml"
    script:
        "../scripts/solve.py"
