rule derive:
    """Derive and compile the cumulant equations of one order and symmetry variant (once per study)."""
    output:
        f"{RESULTS}/derived/{{model}}-order{{M}}-{{symmetry}}.npz",
    log:
        f"{RESULTS}/logs/derive/{{model}}-order{{M}}-{{symmetry}}.log",
    wildcard_constraints:
        M=r"\d+",
        symmetry="u1|broken",
        model=r"[A-Za-z0-9_]+",
    conda:
        "../../envs/cumex.yaml"
    params:
        model=config["model"],
    shell:
        "cumex derive {params.model:q} --order {wildcards.M} --symmetry {wildcards.symmetry} --quiet --out {output:q} 2> {log:q}"


rule solve:
    """Solve the grid points of one batch (points of one scaling and order) into one file."""
    input:
        solve_inputs,
    output:
        f"{RESULTS}/points/{{batch}}.nc",
    log:
        f"{RESULTS}/logs/solve/{{batch}}.log",
    conda:
        "../../envs/cumex.yaml"
    threads: 1
    resources:
        mem_mb=solve_mem_mb,
        runtime=solve_runtime,
    params:
        job=solve_job,
    script:
        "../scripts/solve.py"
