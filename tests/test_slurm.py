"""The workflow on a real (one-node) SLURM cluster: `pytest -m slurm`, as root on Debian.

The fixture starts munge, slurmctld and slurmd with tests/slurm/start-slurm.sh and stops them by their
PID files afterwards, also when a test fails. The test runs a small study through
`snakemake --profile profiles/slurm`, checks that its jobs really went through SLURM (job ids in
Snakemake's log, COMPLETED in squeue, SLURM's own log files naming the solve outputs) and that the
aggregated dataset equals the one of a local run of the same study in every bit of every solved value.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import xarray as xr

sys.path.insert(0, str(Path(__file__).resolve().parent / "slurm"))
import studyrun  # noqa: E402  (test helper next to the SLURM scripts)

pytestmark = pytest.mark.slurm

SCRIPTS = Path(__file__).resolve().parent / "slurm"
STUDY = {
    "study": "slurm",
    "grids": [
        {"scalings": ["fixed_g_sqrtN", "fixed_kappa_over_N"], "orders": ["exact", "1", "2"], "N": [2, 4], "pump_ratios": [0.3, 0.8]}
    ],
    "batching": {"group_by": "N", "points_per_job": 0},
}
N_BATCHES = 2 * 3 * 2  # one solve job per (scaling, order, N)
GROUP_SIZE = 5  # solve jobs per SLURM job in this test: 3 group jobs (aggregate is a local rule)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def slurm_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A running one-node cluster; yields the environment its clients need."""
    if os.geteuid() != 0:
        pytest.fail("the slurm tier starts SLURM daemons and must run as root (CI does)")
    base = Path(os.environ.get("CUMEX_SLURM_BASE") or tmp_path_factory.mktemp("slurm-cluster"))
    env = {**os.environ, "CUMEX_SLURM_BASE": str(base)}
    started = subprocess.run(["bash", str(SCRIPTS / "start-slurm.sh")], env=env, capture_output=True, text=True)
    pids = {p.stem: int(p.read_text()) for p in (base / "run").glob("*.pid")}
    try:
        assert started.returncode == 0, f"start-slurm.sh failed:\n{started.stderr[-3000:]}"
        conf = started.stdout.strip().splitlines()[-1].removeprefix("export SLURM_CONF=")
        yield {"SLURM_CONF": conf, "CUMEX_SLURM_BASE": str(base)}
    finally:
        stopped = subprocess.run(["bash", str(SCRIPTS / "stop-slurm.sh")], env=env, capture_output=True, text=True)
        assert stopped.returncode == 0, stopped.stderr
        still = {name: pid for name, pid in pids.items() if _alive(pid)}
        assert not still, f"daemons left running after stop-slurm.sh: {still}"


def _squeue_states(job_ids: list[str], env: dict[str, str]) -> dict[str, str]:
    out = subprocess.run(
        ["squeue", "-h", "-t", "all", "-j", ",".join(job_ids), "-o", "%i %T"],
        capture_output=True, text=True, env={**os.environ, **env}, check=True,
    ).stdout
    return dict(line.split() for line in out.splitlines() if line.strip())


def test_study_through_slurm_equals_local_run(slurm_cluster: dict[str, str], tmp_path: Path) -> None:
    config = studyrun.write_study(tmp_path / "study.yaml", STUDY)
    target = "results/slurm/dataset.nc"
    library = studyrun.frozen_library(tmp_path)  # both runs use the same library code

    cluster_dir = studyrun.copy_workflow(tmp_path / "cluster").parent
    cmd = studyrun.snakemake_command(
        cluster_dir, config, "--profile", str(cluster_dir / "profiles" / "slurm"),
        # only what makes a test on an empty one-node cluster quick; the rest is the profile as shipped
        "--group-components", f"solve={GROUP_SIZE}",
        "--slurm-init-seconds-before-status-checks", "2", "--seconds-between-status-checks", "2",
        "--slurm-keep-successful-logs", target,
        timeout_s=900,
    )
    proc = studyrun.run(cmd, env={**slurm_cluster, **library}, log=tmp_path / "slurm-run.log")
    assert proc.returncode == 0, f"snakemake through SLURM failed:\n{proc.stdout[-5000:]}"

    # 1. every job went through SLURM: its id is in Snakemake's log and SLURM ran it to completion
    job_ids = re.findall(r"submitted with SLURM jobid (\d+)", proc.stdout)
    n_groups = -(-N_BATCHES // GROUP_SIZE)
    assert len(job_ids) == n_groups, proc.stdout[-3000:]
    assert "localrule aggregate" in proc.stdout  # quick: it runs where Snakemake runs (Snakefile localrules)
    states = _squeue_states(job_ids, slurm_cluster)
    assert states == {j: "COMPLETED" for j in job_ids}
    # ... and SLURM's own job logs (written by slurmd) name every solve output
    slurm_logs = "".join(p.read_text() for p in (cluster_dir / ".snakemake" / "slurm_logs").rglob("*.log"))
    for name in studyrun.batch_files(cluster_dir, "slurm"):
        assert f"results/slurm/points/{name}" in slurm_logs, name
    assert len(studyrun.batch_files(cluster_dir, "slurm")) == N_BATCHES

    # 2. the same study run locally gives the same data, bit for bit
    local_dir = studyrun.copy_workflow(tmp_path / "local").parent
    local = studyrun.run(studyrun.snakemake_command(local_dir, config, "--cores", "2", target), env=library, log=tmp_path / "local-run.log")
    assert local.returncode == 0, local.stdout[-5000:]
    on_cluster = xr.load_dataset(studyrun.dataset_path(cluster_dir, "slurm"))
    on_laptop = xr.load_dataset(studyrun.dataset_path(local_dir, "slurm"))
    assert studyrun.solved_values_equal(on_cluster, on_laptop) == []
    assert dict(on_cluster.sizes) == {"scaling": 2, "order": 3, "N": 2, "pump_ratio": 2, "state": on_cluster.sizes["state"]}
