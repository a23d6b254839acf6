# The LMG-dimer study (Kothe & Kirton 2025): mean-field stability-count phase diagram (Fig. 2) and
# Z_B cuts with exact results for several S (Fig. 3). Everything it reads is under config["lmg_dimer"]
# (see cumex.lmg.study). Included from the Snakefile, or standalone:
#   snakemake -s workflow/rules/lmg.smk --configfile config/lmg_dimer.yaml --cores 2
# Mean-field is batched one J row per job (81 jobs for the 81 x 61 grid), exact one (cut, S) per job.
# Without an `lmg_dimer` key in the config this file defines nothing, so including it from the
# Snakefile leaves the central-spin studies untouched.
if "lmg_dimer" in config:
    from cumex.io import format_float
    from cumex.lmg.study import axis_values, cut_axis, validate_study

    LMG = validate_study(config.get("lmg_dimer", {}))
    LMG_RESULTS = f"results/{LMG['study']}"
    LMG_J = [format_float(j) for j in axis_values(LMG, "J")]
    LMG_CUTS = sorted((LMG.get("cuts") or {}))
    LMG_S = [format_float(s) for s in (LMG.get("exact") or {}).get("S", [])]
    LMG_FORMATS = list((LMG.get("figures") or {}).get("formats", ["png"]))


    wildcard_constraints:
        lmg_J=r"-?[0-9.e+-]+",
        lmg_S=r"[0-9.]+",
        lmg_cut=r"[A-Za-z0-9_]+",
        lmg_figure="stability|cuts",


    rule lmg_all:
        """Every figure of the LMG-dimer study."""
        input:
            expand(f"{LMG_RESULTS}/figures/{{fig}}.{{fmt}}", fig=["stability", "cuts"], fmt=LMG_FORMATS),


    rule lmg_solve_row:
        """Mean-field attractor analysis of every lambda at one J."""
        output:
            f"{LMG_RESULTS}/points/meanfield/J_{{lmg_J}}.nc",
        log:
            f"{LMG_RESULTS}/logs/solve/meanfield/J_{{lmg_J}}.log",
        params:
            J=lambda wc: float(wc.lmg_J),
            lambdas=[float(x) for x in axis_values(LMG, "lambda")],
            parameters=dict(LMG.get("parameters") or {}),
            settings=dict(LMG.get("settings") or {}),
        threads: 1
        resources:
            runtime=60,
        script:
            "../scripts/lmg_solve_row.py"


    rule lmg_solve_cut:
        """Exact Z_A, Z_B of spin length S along one cut."""
        output:
            f"{LMG_RESULTS}/points/exact/{{lmg_cut}}_S_{{lmg_S}}.nc",
        log:
            f"{LMG_RESULTS}/logs/solve/exact/{{lmg_cut}}_S_{{lmg_S}}.log",
        params:
            cut=lambda wc: cut_axis(LMG, wc.lmg_cut),
            S=lambda wc: float(wc.lmg_S),
            parameters=dict(LMG.get("parameters") or {}),
        threads: 1
        resources:
            runtime=60,
        script:
            "../scripts/lmg_solve_cut.py"


    rule lmg_aggregate:
        """Merge the rows into the phase-diagram dataset and the exact cuts into another."""
        input:
            meanfield=expand(f"{LMG_RESULTS}/points/meanfield/J_{{J}}.nc", J=LMG_J),
            exact=expand(f"{LMG_RESULTS}/points/exact/{{cut}}_S_{{S}}.nc", cut=LMG_CUTS, S=LMG_S),
        output:
            meanfield=f"{LMG_RESULTS}/meanfield.nc",
            exact=f"{LMG_RESULTS}/exact.nc",
        log:
            f"{LMG_RESULTS}/logs/aggregate.log",
        script:
            "../scripts/lmg_aggregate.py"


    rule lmg_plot:
        """Fig. 2 (stability count with eqs. 12-13) and Fig. 3 (Z_B cuts, mean-field vs exact)."""
        input:
            meanfield=f"{LMG_RESULTS}/meanfield.nc",
            exact=f"{LMG_RESULTS}/exact.nc",
        output:
            stability=report(
                f"{LMG_RESULTS}/figures/stability.{{fmt}}",
                caption="../report/lmg_stability.rst",
                category="LMG dimer",
            ),
            cuts=report(
                f"{LMG_RESULTS}/figures/cuts.{{fmt}}",
                caption="../report/lmg_cuts.rst",
                category="LMG dimer",
            ),
        log:
            f"{LMG_RESULTS}/logs/plot_{{fmt}}.log",
        params:
            cuts=dict(LMG.get("cuts") or {}),
            parameters=dict(LMG.get("parameters") or {}),
        script:
            "../scripts/lmg_plot.py"
