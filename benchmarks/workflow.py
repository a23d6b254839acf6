"""Scale of the workflow: DAG build time, Snakemake overhead, aggregation of many files. Prints a table.

    python benchmarks/workflow.py                 # dag, overhead, aggregate (about 6 minutes on 2 cores)
    python benchmarks/workflow.py --only dag      # or: overhead, aggregate
    python benchmarks/workflow.py --only full     # the 100,000-point study to completion (wall and CPU time; not in the default run)

Targets (issue 6):
  dag        a dry run of a 100,000-point study (orders 1 and 2, 2 scalings x 250 N x 100 pump ratios)
             builds its DAG in <= 60 s, for several batch sizes (points per job; 1000 as in
             config/scale_100k.yaml); one job per point
             (100,000 jobs) is shown for comparison only: Snakemake's own per-job cost (script source
             caching, conda-directive handling) is ~0.8 ms per job, and batching is how studies run;
  overhead   `snakemake --cores 2` on the default study (config/config.yaml, up to its dataset) divided by
             one plain Python loop calling cumex.study.solve_point on the same points: <= 1.25;
  aggregate  merging 10,000 per-job files (10 points each) into one dataset in <= 30 s, the way the
             aggregate rule does it (cumex.assemble.assemble_files + write); beside it, reading the same
             kind of files through xarray.open_dataset (timed on a subset, per file).
  full       `snakemake --cores 2` on config/scale_100k.yaml (100,000 points, orders 1 and 2) to its dataset
             and figures; beside it the sum of the solvers' own times over 2 cores (what a perfectly
             parallel loop would need).
Each row is one measurement in this run; nothing is cached between runs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "config" / "schema.yaml"
BIG_STUDY = {
    "study": "scale",
    "grids": [
        {
            "scalings": ["fixed_g_sqrtN", "fixed_kappa_over_N"],
            "orders": ["1", "2"],
            "N_range": {"start": 1, "stop": 250},
            "pump_ratio_range": {"start": 0.0, "stop": 1.0, "num": 100},
        }
    ],
}


def _copy_workflow(dest: Path) -> Path:
    """The workflow files in a scratch folder, so that results never land in the checkout."""
    shutil.copy2(REPO / "Snakefile", dest / "Snakefile")
    for folder in ("workflow", "config", "profiles", "envs"):
        shutil.copytree(REPO / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def _snakemake(workdir: Path, configfile: Path, *args: str) -> float:
    """Wall time of one `snakemake` run in ``workdir``; raises with its log on failure."""
    cmd = [sys.executable, "-m", "snakemake", "--snakefile", str(workdir / "Snakefile"), "--directory", str(workdir),
           "--configfile", str(configfile), *args]
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}")
    return seconds


def bench_dag(scratch: Path) -> list[tuple[str, str, str, str]]:
    from cumex.config import grid_points, plan_batches, validate_study

    rows = []
    workdir = _copy_workflow(scratch)
    for group_by, per_job in (("order", 1000), ("N", 0), ("order", 100), ("order", 10), ("order", 1)):
        study = {**BIG_STUDY, "batching": {"group_by": group_by, "points_per_job": per_job}}
        checked = validate_study(yaml.safe_load(yaml.safe_dump(study)), SCHEMA)
        n_points, n_jobs = len(grid_points(checked)), len(plan_batches(checked))
        configfile = scratch / f"big_{group_by}_{per_job}.yaml"
        configfile.write_text(yaml.safe_dump(study))
        seconds = _snakemake(workdir, configfile, "--dry-run", "--quiet")
        rows.append((
            f"DAG dry run, {n_points:,} points, group_by={group_by}, points_per_job={per_job} ({n_jobs:,} solve jobs)",
            f"{seconds:.1f} s",
            *(("<= 60 s", "yes" if seconds <= 60 else "NO") if per_job != 1 else ("(comparison: a job per point)", "")),
        ))
    return rows


def _solve_loop(config: dict) -> tuple[float, int]:
    """One Python loop over the study's points, as a user without Snakemake would write it."""
    from cumex.config import grid_points, overrides_for, study_model
    from cumex.study import solve_point

    points = grid_points(config)
    model = study_model(config)
    start = time.perf_counter()
    for p in points:
        solve_point(
            model=config["model"], order=p.order, scaling=p.scaling, **p.point(model),
            overrides=overrides_for(p.scaling, config["parameters"], model), settings=dict(config["settings"]),
        )
    return time.perf_counter() - start, len(points)


def bench_overhead(scratch: Path, cores: tuple[int, ...], repeat: int) -> list[tuple[str, str, str, str]]:
    """Loop and Snakemake runs alternate, `repeat` rounds; the best of each is compared (shared machines
    are noisy, and the best time is the least disturbed one)."""
    import xarray as xr

    from cumex.config import load_study, plan_batches

    configfile = REPO / "config" / "config.yaml"
    config = load_study(configfile, SCHEMA)
    n_jobs = len(plan_batches(config))
    study = config["study"]
    loop_times: list[float] = []
    snake_times: dict[int, list[float]] = {n: [] for n in cores}
    solve_sum = 0.0
    for k in range(repeat):
        seconds, n_points = _solve_loop(config)
        loop_times.append(seconds)
        for n in cores:
            workdir = scratch / f"round{k}_cores{n}"
            workdir.mkdir()
            _copy_workflow(workdir)
            snake_times[n].append(_snakemake(workdir, configfile, "--cores", str(n), f"results/{study}/dataset.nc"))
            with xr.open_dataset(workdir / "results" / study / "dataset.nc") as ds:
                solve_sum = float(ds["solve_seconds"].sum())
    loop = min(loop_times)
    rows = [
        (f"plain Python loop, default study ({n_points} points), best of {repeat}", f"{loop:.1f} s", "", ""),
        ("  of which inside solvers (sum of solve_seconds, last Snakemake run)", f"{solve_sum:.1f} s", "", ""),
    ]
    for n in cores:
        seconds = min(snake_times[n])
        ratio = seconds / loop
        target = "<= 1.25" if n == 2 else "(for comparison)"
        ok = ("yes" if ratio <= 1.25 else "NO") if n == 2 else ""
        rows.append((f"snakemake --cores {n} ({n_jobs} solve jobs + aggregate), best of {repeat}", f"{seconds:.1f} s", "", ""))
        rows.append((f"  overhead ratio snakemake --cores {n} / loop", f"{ratio:.2f}", target, ok))
    return rows


def _write_files(folder: Path, n_files: int, per_file: int) -> list[Path]:
    """n_files batch files of per_file pump ratios each, laid out like the workflow's solve outputs."""
    import numpy as np
    import xarray as xr

    from cumex.io import write_dataset
    from cumex.study import solve_point

    template = xr.concat(
        [solve_point(order="1", N=4, pump_ratio=r) for r in np.linspace(0.0, 1.0, per_file)],
        dim="pump_ratio", data_vars="all", coords="different", compat="equals", join="outer",
        combine_attrs="drop_conflicts",
    )
    scalings, orders = ("fixed_g_sqrtN", "fixed_kappa_over_N"), ("1", "2")
    n_parts = max(1, n_files // (len(scalings) * len(orders) * 250))
    paths = []
    for scaling in scalings:
        for order in orders:
            for N in range(1, 251):
                for part in range(n_parts):
                    if len(paths) == n_files:
                        return paths
                    ratios = (part + np.arange(per_file) / per_file) / n_parts
                    ds = template.assign_coords(scaling=[scaling], order=[order], N=[N], pump_ratio=ratios)
                    path = folder / scaling / f"order_{order}" / f"N_{N}_part{part}.nc"
                    write_dataset(ds, path, format="NETCDF3_64BIT")  # as the solve rule writes them
                    paths.append(path)
    return paths


def bench_aggregate(scratch: Path, n_files: int) -> list[tuple[str, str, str, str]]:
    import xarray as xr

    from cumex.assemble import assemble, assemble_files
    from cumex.io import read_dataset, write_dataset

    start = time.perf_counter()
    paths = _write_files(scratch / "points", n_files, per_file=10)
    made = time.perf_counter() - start
    start = time.perf_counter()
    ds = assemble_files(paths)
    write_dataset(ds, scratch / "dataset.nc")
    seconds = time.perf_counter() - start
    with xr.open_dataset(scratch / "dataset.nc") as out:
        sizes = dict(out.sizes)
    subset = paths[: min(len(paths), 1000)]
    start = time.perf_counter()
    assemble([read_dataset(p) for p in subset])
    per_file = (time.perf_counter() - start) / len(subset)
    return [
        (f"writing {len(paths):,} per-job files (10 points each; setup, not a target)", f"{made:.1f} s", "", ""),
        (f"aggregating {len(paths):,} files -> one dataset {sizes}", f"{seconds:.1f} s", "<= 30 s", "yes" if seconds <= 30 else "NO"),
        (f"  per file: {1e3 * seconds / len(paths):.2f} ms; through xarray.open_dataset instead "
         f"(first {len(subset):,} files): {1e3 * per_file:.2f} ms",
         f"{per_file * len(paths):.1f} s", "(alternative, scaled to all files)", ""),
    ]


def bench_full(scratch: Path) -> list[tuple[str, str, str, str]]:
    import numpy as np
    import xarray as xr

    configfile = REPO / "config" / "scale_100k.yaml"
    import resource

    workdir = _copy_workflow(scratch)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = _snakemake(workdir, configfile, "--cores", "2")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU of every process of the run (Snakemake and its jobs): on a shared machine the fairer number
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    with xr.open_dataset(workdir / "results" / "scale_100k" / "dataset.nc") as ds:
        converged = ds["converged"].values
        inside = float(np.nansum(ds["solve_seconds"].values))
        sizes = dict(ds.sizes)
    figures = sorted(p.name for p in (workdir / "results" / "scale_100k" / "figures").iterdir())
    solved, failed = int((converged == 1).sum()), int((converged == 0).sum())
    return [
        (f"snakemake --cores 2, config/scale_100k.yaml {sizes} to dataset + {len(figures)} figures",
         f"{seconds / 60:.1f} min", "completes", "yes" if solved + failed == converged.size else "NO"),
        ("  points solved / failed (status kept) / missing", f"{solved:,} / {failed:,} / {converged.size - solved - failed:,}", "", ""),
        ("  sum of solve_seconds / 2 cores (a perfectly parallel loop)", f"{inside / 2 / 60:.1f} min", "", ""),
        ("  CPU time of all its processes / 2 cores (load-independent)", f"{cpu / 2 / 60:.1f} min", "<= 5 min",
         "yes" if cpu / 2 / 60 <= 5 else "NO"),
    ]


def _print(rows: list[tuple[str, str, str, str]]) -> None:
    head = ("measurement", "value", "target", "met")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    print(line)
    for row in [head, None, *rows]:
        print(line if row is None else "  ".join(c.ljust(w) for c, w in zip(row, widths)))
    print(line)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["dag", "overhead", "aggregate", "full"], action="append",
                        help="run only these parts (default: dag, overhead, aggregate)")
    parser.add_argument("--files", type=int, default=10_000, help="number of files to aggregate (default 10000)")
    parser.add_argument("--cores", type=int, action="append", help="snakemake --cores values to time (default 2 and 1)")
    parser.add_argument("--repeat", type=int, default=2, help="rounds of the overhead measurement (default 2)")
    args = parser.parse_args(argv)
    parts: dict[str, Callable[[Path], list]] = {
        "dag": bench_dag,
        "overhead": lambda d: bench_overhead(d, tuple(args.cores or (2, 1)), args.repeat),
        "aggregate": lambda d: bench_aggregate(d, args.files),
        "full": bench_full,
    }
    rows = []
    for name in args.only or ["dag", "overhead", "aggregate"]:
        with tempfile.TemporaryDirectory(prefix=f"cumex-bench-{name}-") as scratch:
            rows += parts[name](Path(scratch))
            _print(rows)  # partial table after each part, in case a later part is interrupted
    print(f"{sum(1 for r in rows if r[3] == 'NO')} target(s) missed; machine: {_machine()}")


def _machine() -> str:
    import os
    import platform

    return f"{platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


if __name__ == "__main__":
    main()
