"""The Snakemake workflow end to end on tiny studies in temporary folders, its lint, and config errors.

Each run uses the repository's Snakefile with ``--directory`` a temporary folder, so results never
land in the checkout.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml

from cumex.io import read_dataset
from cumex.study import solve_point

ROOT = Path(__file__).resolve().parents[1]
SNAKEFILE = ROOT / "Snakefile"

ORDERS = ["exact", "1", "2"]
TINY = {
    "study": "tiny",
    "grids": [
        {"scalings": ["fixed_g_sqrtN", "fixed_kappa_over_N"], "orders": ORDERS, "N": [1, 4], "pump_ratios": [0.4, 0.75]},
    ],
    "parameters": {"g_sqrtN": 2.5},
    "batching": {"group_by": "order"},  # 6 jobs: little start-up overhead in the test
    "figures": {"pump_ratio": 0.75, "N": 4, "formats": ["png"]},
}


def snakemake_cmd(workdir: Path, config: dict | None, *args: str, name: str = "study.yaml") -> list[str]:
    cmd = [sys.executable, "-m", "snakemake", "--snakefile", str(SNAKEFILE), "--directory", str(workdir)]
    if config is not None:
        configfile = workdir / name
        configfile.write_text(yaml.safe_dump(config))
        cmd += ["--configfile", str(configfile)]
    return cmd + list(args)


def run_parallel(cmds: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
    """Run independent Snakemake invocations side by side: name -> (return code, stdout + stderr)."""
    procs = {name: subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for name, cmd in cmds.items()}
    return {name: _finish(proc) for name, proc in procs.items()}


def _finish(proc: subprocess.Popen) -> tuple[int, str]:
    out, _ = proc.communicate(timeout=600)
    return proc.returncode, out


def snakemake(workdir: Path, config: dict, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run(snakemake_cmd(workdir, config, *args), capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise AssertionError(f"snakemake failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
    return proc


def planned_jobs(text: str) -> dict[str, int]:
    """rule -> count from the job table Snakemake prints for a (dry) run ({} when nothing is to be done)."""
    counts: dict[str, int] = {}
    header = re.search(r"^job\s+count\s*$", text, re.MULTILINE)
    if header is None:
        assert "Nothing to be done" in text, text[-2000:]
        return counts
    for line in text[header.end():].splitlines()[2:]:
        parts = line.split()
        if len(parts) != 2 or not parts[1].isdigit():
            break
        counts[parts[0]] = int(parts[1])
    return counts


FAILING = {
    "study": "failing",
    "grids": [{"scalings": ["fixed_kappa_over_N"], "orders": ["2"], "N": [3], "pump_ratios": [0.5, 0.75]}],
    "settings": {"timeout_seconds": 1e-6},  # every solve runs out of time
    "batching": {"group_by": "N", "points_per_job": 1},  # two jobs, one point each
    "figures": {"formats": ["png"]},
}


MODULE_STUDY = {
    "study": "as_module",
    "grids": [{"scalings": ["fixed_kappa_over_N"], "orders": ["2"], "N": [1, 2], "pump_ratios": [0.75]}],
    "figures": {"formats": ["png"]},
}


def module_workflow(folder: Path) -> list[str]:
    """A user's own Snakefile that uses this workflow as a Snakemake module (local path), with its own config."""
    (folder / "config.yaml").write_text(yaml.safe_dump(MODULE_STUDY))
    (folder / "Snakefile").write_text(
        'configfile: "config.yaml"\n\n\n'
        f'module cumex:\n    snakefile:\n        "{SNAKEFILE}"\n    config:\n        config\n\n\n'
        "use rule * from cumex as cumex_*\n"
    )
    return [sys.executable, "-m", "snakemake", "--snakefile", str(folder / "Snakefile"), "--directory", str(folder), "--cores", "1"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """The tiny study, a study whose every point fails and the workflow used as a module, side by side."""
    folders = {name: tmp_path_factory.mktemp(name) for name in ("tiny", "failing", "module")}
    results = run_parallel({
        "tiny": snakemake_cmd(folders["tiny"], TINY, "--cores", "2"),
        "failing": snakemake_cmd(folders["failing"], FAILING, "--cores", "1"),
        "module": module_workflow(folders["module"]),
    })
    for name, (returncode, out) in results.items():
        assert returncode == 0, f"{name} run failed:\n{out[-5000:]}"
    return folders


@pytest.fixture(scope="module")
def tiny_run(runs) -> Path:
    return runs["tiny"]


@pytest.fixture(scope="module")
def after_tiny(tiny_run: Path) -> dict[str, tuple[int, str]]:
    """Report and rerun dry runs on the finished tiny study, side by side (no locks: nothing is written but the report)."""
    return run_parallel({
        "report": snakemake_cmd(tiny_run, TINY, "--nolock", "--report", "results/report.html", name="report.yaml"),
        "same": snakemake_cmd(tiny_run, TINY, "--dry-run", "--nolock", name="same.yaml"),
        "changed": snakemake_cmd(tiny_run, {**TINY, "parameters": {"g_sqrtN": 2.0}}, "--dry-run", "--nolock", name="changed.yaml"),
    })


def test_dataset_has_the_grid(tiny_run: Path) -> None:
    ds = read_dataset(tiny_run / "results/tiny/dataset.nc")
    assert ds["central_population"].dims == ("scaling", "order", "N", "pump_ratio")
    assert list(ds["scaling"].values) == ["fixed_g_sqrtN", "fixed_kappa_over_N"]
    assert sorted(ds["order"].values) == sorted(ORDERS)
    assert list(ds["N"].values) == [1, 4] and list(ds["pump_ratio"].values) == [0.4, 0.75]
    assert (ds["converged"] == 1).all()
    # parameters are in the data, not only in paths: the override reached fixed_g_sqrtN only
    g = ds["g"].sel(order="2", pump_ratio=0.75)
    np.testing.assert_allclose(g.sel(scaling="fixed_g_sqrtN").values, 2.5 / np.sqrt([1, 4]), rtol=1e-12)
    np.testing.assert_allclose(g.sel(scaling="fixed_kappa_over_N").values, [0.75, 0.75], rtol=1e-12)
    assert ds.attrs["study"] == "tiny"


def test_aggregate_equals_xarray_reading_of_the_job_files(tiny_run: Path) -> None:
    """The aggregate rule reads job files with the fast NetCDF3 path; xarray's reader must give the same data."""
    from cumex.assemble import assemble

    job_files = sorted((tiny_run / "results/tiny/points").rglob("*.nc"))
    assert job_files and all(p.read_bytes()[:4] == b"CDF\x02" for p in job_files)  # NetCDF3, 64-bit offset
    ds = read_dataset(tiny_run / "results/tiny/dataset.nc")
    again = assemble([read_dataset(p) for p in job_files])
    xr.testing.assert_equal(ds[list(again.data_vars)], again)


def test_values_equal_the_library_called_directly(tiny_run: Path) -> None:
    ds = read_dataset(tiny_run / "results/tiny/dataset.nc")
    for order in ("exact", "2"):
        direct = solve_point(order=order, scaling="fixed_g_sqrtN", N=4, pump_ratio=0.4, overrides={"g_sqrtN": 2.5})
        via_workflow = ds.sel(scaling="fixed_g_sqrtN", order=order, N=4, pump_ratio=0.4)
        for name in ("central_population", "sz_satellite", "corr_satellite_satellite"):
            assert float(via_workflow[name]) == pytest.approx(float(direct[name].values.item()), abs=1e-10), name


def test_exact_agrees_with_order_2_at_N_1(tiny_run: Path) -> None:
    """At N = 1 the second-order cumulant equations are exact (no connected moment beyond second order exists)."""
    ds = read_dataset(tiny_run / "results/tiny/dataset.nc").sel(N=1)
    np.testing.assert_allclose(ds["central_population"].sel(order="2"), ds["central_population"].sel(order="exact"), atol=1e-6)


def test_figures_logs_and_report(tiny_run: Path, after_tiny) -> None:
    for name in ("convergence", "error", "pump_ratio", "stability"):
        assert (tiny_run / f"results/tiny/figures/{name}.png").stat().st_size > 5000
    assert (tiny_run / "results/tiny/logs/aggregate.log").stat().st_size > 0
    assert (tiny_run / "results/tiny/logs/solve/fixed_g_sqrtN/order_2/all.log").stat().st_size > 0
    assert after_tiny["report"][0] == 0, after_tiny["report"][1]
    assert (tiny_run / "results/report.html").stat().st_size > 100_000


def test_rerun_after_parameter_change_touches_only_that_scaling(after_tiny) -> None:
    assert after_tiny["same"][0] == 0 and after_tiny["changed"][0] == 0, after_tiny
    assert planned_jobs(after_tiny["same"][1]) == {}
    jobs = planned_jobs(after_tiny["changed"][1])
    # fixed_g_sqrtN: one job per order; fixed_kappa_over_N does not use g_sqrtN and stays
    assert jobs["solve"] == len(ORDERS) and jobs["aggregate"] == 1


def test_failed_points_are_recorded_and_do_not_stop_the_study(runs) -> None:
    folder = runs["failing"]
    assert (folder / "results/failing/points/fixed_kappa_over_N/order_2/N_3_part1.nc").exists()
    ds = read_dataset(folder / "results/failing/dataset.nc")
    assert (ds["converged"] == 0).all()
    assert np.isnan(ds["central_population"]).all()
    assert all(str(s).startswith("timeout") for s in ds["status"].values.ravel())
    assert (folder / "results/failing/figures/stability.png").stat().st_size > 0
    # a failed point is a result: a rerun does not recompute it
    proc = snakemake(folder, FAILING, "--dry-run")
    assert planned_jobs(proc.stdout + proc.stderr) == {}


def test_workflow_runs_as_a_snakemake_module(runs) -> None:
    """`module cumex: snakefile: ...` in a folder of the user's: the schema comes from the package, not a path."""
    ds = read_dataset(runs["module"] / "results/as_module/dataset.nc")
    direct = solve_point(order="2", scaling="fixed_kappa_over_N", N=2, pump_ratio=0.75)
    assert float(ds["central_population"].sel(N=2).squeeze()) == pytest.approx(direct["central_population"].item(), abs=1e-12)
    assert (runs["module"] / "results/as_module/figures/convergence.png").stat().st_size > 5000


BAD_CONFIGS = {
    "unknown key": ({**TINY, "colour": "red"}, ["colour", "allowed keys"]),
    "wrong type": ({**TINY, "grids": [{**TINY["grids"][0], "N": ["four"]}]}, ["grids[0].N[0]", "'four'", "integer"]),
    "N below 1": ({**TINY, "grids": [{**TINY["grids"][0], "N": [0]}]}, ["grids[0].N[0]", ">= 1"]),
    "pump ratio outside [0, 1]": ({**TINY, "grids": [{**TINY["grids"][0], "pump_ratios": [1.2]}]},
                                  ["grids[0].pump_ratios[0]", ">= 0 and <= 1"]),
    "unknown order": ({**TINY, "grids": [{**TINY["grids"][0], "orders": ["mf"]}]}, ["grids[0].orders[0]", "'mf'", "'exact'"]),
    "unknown scaling": ({**TINY, "grids": [{**TINY["grids"][0], "scalings": ["sqrtN"]}]}, ["grids[0].scalings[0]", "fixed_kappa_over_N"]),
}


@pytest.fixture(scope="module")
def checks_without_jobs(tmp_path_factory) -> dict[str, tuple[int, str]]:
    """Every bad study (dry run) and the lint, side by side."""
    base = tmp_path_factory.mktemp("bad")
    cmds = {}
    for i, (name, (config, _)) in enumerate(BAD_CONFIGS.items()):
        workdir = base / f"case{i}"
        workdir.mkdir()
        cmds[name] = snakemake_cmd(workdir, config, "--dry-run")
    cmds["lint"] = snakemake_cmd(ROOT, None, "--lint")
    return run_parallel(cmds)


@pytest.mark.parametrize("name", sorted(BAD_CONFIGS))
def test_bad_config_stops_before_any_job(name: str, checks_without_jobs, tmp_path_factory) -> None:
    """A bad study stops Snakemake with one line naming the key and what is allowed."""
    returncode, out = checks_without_jobs[name]
    assert returncode != 0, name
    line = next((l for l in out.splitlines() if "invalid study configuration" in l), "")
    assert line, f"{name}: no config error in\n{out[-2000:]}"
    for text in BAD_CONFIGS[name][1]:
        assert text in line, f"{name}: {text!r} not in {line!r}"
    assert "Job stats" not in out and "rule solve" not in out


def test_lint_is_clean(checks_without_jobs) -> None:
    returncode, out = checks_without_jobs["lint"]
    assert returncode == 0, out
    assert "Congratulations" in out


def test_snakefmt_is_clean() -> None:
    files = [str(ROOT / "Snakefile"), str(ROOT / "workflow" / "rules")]
    proc = subprocess.run([sys.executable, "-m", "snakefmt", "--check", *files], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
