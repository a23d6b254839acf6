"""Resuming: a run killed with SIGKILL part-way is completed by the next run, which solves only what is missing.

Slow tier (two full runs of a small study plus an interrupted one): ``pytest -m slow tests/test_workflow_resume.py``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from base64 import urlsafe_b64decode
from pathlib import Path

import numpy as np
import pytest
import yaml

from cumex.io import read_dataset

ROOT = Path(__file__).resolve().parents[1]
STUDY = {
    "study": "resume",
    "grids": [{"scalings": ["fixed_kappa_over_N"], "orders": ["exact", "2"], "N": [1, 2, 3, 4, 5, 6], "pump_ratios": [0.5, 0.75]}],
    "batching": {"group_by": "N", "points_per_job": 0},  # 12 jobs
    "figures": {"formats": ["png"]},
}
N_JOBS = 12


def command(workdir: Path, *args: str) -> list[str]:
    (workdir / "study.yaml").write_text(yaml.safe_dump(STUDY))
    return [
        sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), "--directory", str(workdir),
        "--configfile", str(workdir / "study.yaml"), *args,
    ]


def finished_points(workdir: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in (workdir / "results/resume/points").rglob("*.nc")}


def marked_incomplete(workdir: Path) -> set[Path]:
    """Outputs Snakemake had started but not registered as complete (it reruns them: --rerun-incomplete)."""
    marks = set()
    base = workdir / ".snakemake" / "incomplete"
    for mark in base.rglob("*"):
        if mark.is_file():
            encoded = "".join(part.lstrip("@") for part in mark.relative_to(base).parts)
            marks.add(workdir / urlsafe_b64decode(encoded).decode())
    return marks


def run(cmd: list[str]) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


@pytest.mark.slow
def test_sigkill_then_rerun_solves_only_missing_points(tmp_path: Path) -> None:
    reference, interrupted = tmp_path / "reference", tmp_path / "interrupted"
    reference.mkdir()
    interrupted.mkdir()
    run(command(reference, "--cores", "2"))

    proc = subprocess.Popen(
        command(interrupted, "--cores", "1"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 600
    while len(finished_points(interrupted)) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # Snakemake and its running job, at once
    proc.wait()
    # a job may have renamed its file into place just before the kill, unnoticed by Snakemake: such
    # outputs are marked incomplete and rerun; every other file present is complete and is kept
    before = {p: t for p, t in finished_points(interrupted).items() if p not in marked_incomplete(interrupted)}
    assert 2 <= len(before) < N_JOBS, "the run was not interrupted part-way; make the study larger"
    for path in before:
        assert read_dataset(path)["converged"].notnull().any()

    # after SIGKILL Snakemake's lock is stale: --unlock, then the same command again
    run(command(interrupted, "--unlock"))
    out = run(command(interrupted, "--cores", "2"))
    after = finished_points(interrupted)
    assert len(after) == N_JOBS
    assert all(after[p] == before[p] for p in before), "a finished point was recomputed"
    assert out.count("rule solve:") == N_JOBS - len(before)

    ds = read_dataset(interrupted / "results/resume/dataset.nc")
    ref = read_dataset(reference / "results/resume/dataset.nc")
    for name, var in ref.data_vars.items():
        if name == "solve_seconds":
            continue
        a, b = var.values, ds[name].values
        if a.dtype.kind in "fc":
            assert np.array_equal(a, b, equal_nan=True), name
        else:
            assert (a == b).all(), name
