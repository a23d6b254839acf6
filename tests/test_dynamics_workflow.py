"""A dynamics study through the Snakemake workflow: solve jobs write time traces, aggregate combines them
(the target is the dataset: the plot jobs' figures are tested in-process in test_dynamics_study.py), and
after losing one job's file a rerun plans only that job and what depends on it (resumption as for steady
studies)."""

from __future__ import annotations

import numpy as np
import pytest
from test_workflow import planned_jobs, snakemake

from cumex.dynamics import evolve_point, time_grid
from cumex.io import read_dataset

STUDY = {
    "study": "dyn",
    "model": "driven_central_spin",
    "study_type": "dynamics",
    "times": {"stop": 2.0, "num": 11},
    "grids": [{"orders": ["exact", "limit"], "N": [2, 3]}],
    "figures": {"formats": ["png"]},
}


@pytest.mark.slow  # two Snakemake runs: about 60 s on the loaded 2-core machine (load 5)
def test_dynamics_study_runs_combines_and_resumes(tmp_path):
    target = "results/dyn/dataset.nc"
    snakemake(tmp_path, STUDY, "--cores", "2", target)
    results = tmp_path / "results" / "dyn"
    ds = read_dataset(results / "dataset.nc")
    assert dict(ds.sizes) == {"scaling": 1, "order": 2, "N": 3, "time": 11}
    direct = evolve_point("driven_central_spin", None, "exact", {"N": 3}, time_grid(2.0, 11))
    np.testing.assert_allclose(ds["sz_central"].sel(order="exact", N=3).values.ravel(), direct.observables["sz_central"], atol=1e-13)
    assert int((ds["converged"] == 1).sum()) == 3
    # an interrupted run: one job's file and the dataset never written
    (results / "points" / "fixed_g_sqrtN" / "order_limit" / "all.nc").unlink()
    (results / "dataset.nc").unlink()
    assert planned_jobs(snakemake(tmp_path, STUDY, "--cores", "2", "-n", target).stdout) == {"solve": 1, "aggregate": 1, "total": 2}
