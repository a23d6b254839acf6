"""Resumable reruns of the workflow: a killed run, a changed parameter, a failed point.

Each test runs the project's workflow (copied into a temporary folder) on a tiny study through
`snakemake`, the way a user does, and compares against an independent reference: an uninterrupted run
of the same study, or the library's `solve_point` called directly. Those runs take 30-60 s each
on 2 cores, so they are in the slow tier (`pytest -m slow tests/test_resume.py`).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

sys.path.insert(0, str(Path(__file__).resolve().parent / "slurm"))
import studyrun  # noqa: E402  (test helper next to the SLURM scripts)

# one solve job (and file) per (scaling, order, N): the tests below reason about which files rerun
PER_N = {"group_by": "N", "points_per_job": 0}
# mean-field and exact points of small N solve in milliseconds, so job start-up dominates each run
KILL_STUDY = {
    "study": "resume",
    "grids": [{"scalings": ["fixed_kappa_over_N"], "orders": ["exact", "1"], "N": [1, 2, 3, 4], "pump_ratios": [0.3, 0.8]}],
    "batching": PER_N,
}


def _run_ok(workdir: Path, configfile: Path, *extra: str, log_name: str, env: dict[str, str]) -> str:
    proc = studyrun.run(studyrun.snakemake_command(workdir, configfile, *extra), env=env, log=workdir / log_name)
    assert proc.returncode == 0, f"snakemake {' '.join(extra)} failed:\n{proc.stdout[-4000:]}"
    return proc.stdout


def _executed_solve_outputs(log: str) -> set[str]:
    """Output files of the solve jobs a run started (from Snakemake's job blocks in its log)."""
    outputs, current = set(), None
    for line in log.splitlines():
        stripped = line.strip()
        if stripped.endswith("rule solve:"):
            current = "solve"
        elif stripped.startswith("rule ") or stripped.startswith("localrule "):
            current = None
        elif current == "solve" and stripped.startswith("output:"):
            outputs.add(Path(stripped[len("output:"):].strip()).as_posix())
    return {o.split("/points/", 1)[1] for o in outputs}


def _finished_solve_outputs(log: str) -> set[str]:
    """Output files of solve jobs that Snakemake recorded as finished."""
    job_output, current_job_output = {}, None
    for line in log.splitlines():
        stripped = line.strip()
        if stripped.endswith("rule solve:"):
            current_job_output = ""
        elif current_job_output == "" and stripped.startswith("output:"):
            current_job_output = stripped[len("output:"):].strip().split("/points/", 1)[1]
        elif current_job_output and stripped.startswith("jobid:"):
            job_output[stripped.split(":", 1)[1].strip()] = current_job_output
            current_job_output = None
    finished = re.findall(r"Finished jobid: (\d+) \(Rule: solve\)", log)
    return {job_output[j] for j in finished if j in job_output}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every run of this module imports one frozen copy of the library (the checkout may change meanwhile)."""
    return studyrun.frozen_library(tmp_path_factory.mktemp("library"))


@pytest.fixture
def study_dir(tmp_path: Path) -> Path:
    studyrun.copy_workflow(tmp_path / "wf")
    return tmp_path / "wf"


@pytest.mark.slow  # several Snakemake runs: 30-60 s on 2 busy cores
def test_sigkilled_run_resumes_with_only_the_missing_points(study_dir: Path, tmp_path: Path, library: dict[str, str]) -> None:
    config = studyrun.write_study(tmp_path / "study.yaml", KILL_STUDY)
    all_batches = {
        f"fixed_kappa_over_N/order_{o}/N_{n}.nc" for o in ("exact", "1") for n in KILL_STUDY["grids"][0]["N"]
    }

    # reference: the same study run without interruption in its own folder
    reference_dir = studyrun.copy_workflow(tmp_path / "reference").parent
    _run_ok(reference_dir, config, "--cores", "2", "results/resume/dataset.nc", log_name="reference.log", env=library)
    reference = xr.load_dataset(studyrun.dataset_path(reference_dir, "resume"))

    # one job at a time, killed (SIGKILL, whole process group) once two jobs are recorded as finished
    cmd = studyrun.snakemake_command(study_dir, config, "--cores", "1", "results/resume/dataset.nc")[4:]
    log_path = study_dir / "killed.log"
    with open(log_path, "w") as log_file:
        proc = subprocess.Popen(
            cmd, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True, env={**os.environ, **library}
        )
        deadline = time.monotonic() + 240
        try:
            while time.monotonic() < deadline and proc.poll() is None:
                if len(_finished_solve_outputs(log_path.read_text())) >= 2:
                    break
                time.sleep(0.05)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed: make the study bigger"
    killed_log = log_path.read_text()
    finished = _finished_solve_outputs(killed_log)
    existing = set(studyrun.batch_files(study_dir, "resume"))
    assert 2 <= len(finished) and finished <= existing and existing < all_batches
    mtimes_before = studyrun.batch_files(study_dir, "resume")
    # whatever sits under a final name must be a complete, readable file (atomic writes)
    for name in existing:
        xr.load_dataset(study_dir / "results/resume/points" / name)

    # a killed Snakemake leaves its lock behind: clearing it is the documented first step of a resume
    _run_ok(study_dir, config, "--unlock", log_name="unlock.log", env=library)
    rerun_log = _run_ok(study_dir, config, "--cores", "2", "results/resume/dataset.nc", log_name="rerun.log", env=library)

    rerun = _executed_solve_outputs(rerun_log)
    assert rerun >= all_batches - existing, "a missing batch was not solved on resume"
    assert not rerun & finished, f"finished batches were solved again: {sorted(rerun & finished)}"
    mtimes_after = studyrun.batch_files(study_dir, "resume")
    assert set(mtimes_after) == all_batches
    assert all(mtimes_after[name] == mtimes_before[name] for name in finished)

    resumed = xr.load_dataset(studyrun.dataset_path(study_dir, "resume"))
    assert studyrun.solved_values_equal(resumed, reference) == []
    assert int(resumed["converged"].sum()) == resumed["converged"].size


def test_killed_write_leaves_no_file_under_the_final_name(tmp_path: Path) -> None:
    """SIGKILL during cumex.io.write_dataset: only the temporary '.part' file can be left behind."""
    target = tmp_path / "points" / "big.nc"
    writer = textwrap.dedent(
        f"""
        import os
        import numpy as np, xarray as xr
        from cumex.io import write_dataset
        ds = xr.Dataset({{"x": (("a", "b"), np.random.default_rng(0).random((3000, 3000)))}})
        print("ready", flush=True)
        for _ in range(50):  # write and delete again until killed
            write_dataset(ds, {str(target)!r})
            os.remove({str(target)!r})
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(target.parent.glob(".big.nc.*.part")):
            time.sleep(0.001)
        proc.kill()
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    assert list(target.parent.glob(".big.nc.*.part")), "the writer was never caught mid-write"
    # the kill can only race with the rename itself: then the file is whole, never partial
    if target.exists():
        assert xr.load_dataset(target)["x"].shape == (3000, 3000)


def _two_scaling_study(**parameters: float) -> dict:
    return {
        "study": "params",
        "grids": [{"scalings": ["fixed_g_sqrtN", "fixed_kappa_over_N"], "orders": ["1"], "N": [2, 6], "pump_ratios": [0.3, 0.9]}],
        "parameters": dict(parameters),
        "batching": PER_N,
    }


@pytest.mark.slow  # several Snakemake runs: 30-60 s on 2 busy cores
def test_changing_one_parameter_reruns_only_the_points_it_affects(study_dir: Path, tmp_path: Path, library: dict[str, str]) -> None:
    config = studyrun.write_study(tmp_path / "study.yaml", _two_scaling_study())
    _run_ok(study_dir, config, "--cores", "2", "results/params/dataset.nc", log_name="first.log", env=library)
    before = studyrun.batch_files(study_dir, "params")
    assert len(before) == 4

    # kappa_over_N is a parameter of fixed_kappa_over_N only: the params trigger must pick its batches
    changed = studyrun.write_study(tmp_path / "changed.yaml", _two_scaling_study(kappa_over_N=0.25))
    dry = _run_ok(study_dir, changed, "--dry-run", "results/params/dataset.nc", log_name="dry.log", env=library)
    planned = studyrun.planned_outputs(dry)
    assert planned == sorted(f"results/params/points/fixed_kappa_over_N/order_1/N_{n}.nc" for n in (2, 6))

    rerun_log = _run_ok(study_dir, changed, "--cores", "2", "results/params/dataset.nc", log_name="rerun.log", env=library)
    assert _executed_solve_outputs(rerun_log) == {f"fixed_kappa_over_N/order_1/N_{n}.nc" for n in (2, 6)}
    after = studyrun.batch_files(study_dir, "params")
    for name, mtime in before.items():
        assert (after[name] == mtime) == name.startswith("fixed_g_sqrtN/"), name

    # the rerun points carry the new parameter: equal to the command line `cumex solve` given it directly
    ds = xr.load_dataset(studyrun.dataset_path(study_dir, "params"))
    for n in (2, 6):
        for r in (0.3, 0.9):
            out = tmp_path / f"direct_{n}_{r}.nc"
            cli = [
                sys.executable, "-c", "from cumex.cli import main; main()", "solve", "central_spin", "--order", "1",
                "--scaling", "fixed_kappa_over_N", "--N", str(n), "--pump-ratio", str(r),
                "--set", "kappa_over_N=0.25", "--setting", "timeout_seconds=600", "--out", str(out),
            ]
            done = studyrun.run(cli, env=library)
            assert done.returncode == 0, done.stdout
            direct = xr.load_dataset(out)
            got = ds.sel(scaling="fixed_kappa_over_N", order="1", N=n, pump_ratio=r)
            for name in ("central_population", "kappa"):
                assert got[name].values.tobytes() == direct[name].values.ravel()[0].tobytes(), (name, n, r)


@pytest.mark.slow  # several Snakemake runs: 30-60 s on 2 busy cores
def test_code_and_settings_changes_rerun_every_solve_job(study_dir: Path, tmp_path: Path, library: dict[str, str]) -> None:
    """What triggers reruns besides parameters (recorded for the README): solver settings, the rule's script."""
    config = studyrun.write_study(tmp_path / "study.yaml", _two_scaling_study())
    _run_ok(study_dir, config, "--cores", "2", "results/params/dataset.nc", log_name="first.log", env=library)
    every = sorted(f"results/params/points/{name}" for name in studyrun.batch_files(study_dir, "params"))

    dry = _run_ok(study_dir, config, "--dry-run", "results/params/dataset.nc", log_name="same.log", env=library)
    assert studyrun.planned_outputs(dry) == [], "an unchanged study must have nothing to do"

    # figure choices do not feed the solve jobs
    figures = studyrun.write_study(tmp_path / "figures.yaml", {**_two_scaling_study(), "figures": {"pump_ratio": 0.3}})
    dry = _run_ok(study_dir, figures, "--dry-run", "results/params/dataset.nc", log_name="figures.log", env=library)
    assert studyrun.planned_outputs(dry) == []

    settings = studyrun.write_study(tmp_path / "settings.yaml", {**_two_scaling_study(), "settings": {"timeout_seconds": 300}})
    dry = _run_ok(study_dir, settings, "--dry-run", "results/params/dataset.nc", log_name="settings.log", env=library)
    assert studyrun.planned_outputs(dry) == every

    script = study_dir / "workflow" / "scripts" / "solve.py"
    script.write_text(script.read_text() + "\n# an edit of the rule's script\n")
    dry = _run_ok(study_dir, config, "--dry-run", "results/params/dataset.nc", log_name="code.log", env=library)
    assert studyrun.planned_outputs(dry) == every


@pytest.mark.slow  # several Snakemake runs: 30-60 s on 2 busy cores
def test_failed_points_are_recorded_and_not_recomputed_unless_forced(study_dir: Path, tmp_path: Path, library: dict[str, str]) -> None:
    # a 10 microsecond limit fails every solve deterministically (SIGALRM fires before any solver is done)
    study = {
        "study": "failing",
        "grids": [{"scalings": ["fixed_kappa_over_N"], "orders": ["1", "2"], "N": [3], "pump_ratios": [0.3, 0.8]}],
        "settings": {"timeout_seconds": 1e-5},
        "batching": PER_N,
    }
    config = studyrun.write_study(tmp_path / "study.yaml", study)
    _run_ok(study_dir, config, "--cores", "2", "results/failing/dataset.nc", log_name="first.log", env=library)
    ds = xr.load_dataset(studyrun.dataset_path(study_dir, "failing"))
    assert (ds["converged"] == 0).all()
    assert all(str(s).startswith("timeout") for s in ds["status"].values.ravel())
    assert np.isnan(ds["central_population"].values).all()
    before = studyrun.batch_files(study_dir, "failing")

    dry = _run_ok(study_dir, config, "--dry-run", "results/failing/dataset.nc", log_name="dry.log", env=library)
    assert studyrun.planned_outputs(dry) == [], "failed points must not be recomputed by a plain rerun"

    _run_ok(study_dir, config, "--cores", "2", "--forcerun", "solve", "results/failing/dataset.nc", log_name="forced.log", env=library)
    after = studyrun.batch_files(study_dir, "failing")
    assert set(after) == set(before) and all(after[k] > before[k] for k in before)
