"""Resource estimates of solve jobs (cumex.sweep.resources) against the peak memory measured here.

Each measurement runs in a fresh Python process (as a workflow job does) and reads its peak resident
memory (``ru_maxrss``) after solving; the estimate must lie within a factor 2 of it. No timing is asserted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from cumex.sweep.resources import (
    MEMORY_CAP_MB,
    RUNTIME_CAP_MINUTES,
    job_memory_mb,
    job_resources,
)

_CHILD = r"""
import json, resource, sys
import numpy as np
from cumex.sweep import batch_dataset, solve_batch
order, scaling, points = json.loads(sys.argv[1])
solved = solve_batch("central_spin", order, scaling, points)
batch_dataset(solved, "central_spin", order, scaling)
print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
                  "ok": all(bp.result.converged for bp in solved)}))
"""


def _measure(order: str, scaling: str, points: list[dict]) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", _CHILD, json.dumps([order, scaling, points])], capture_output=True,
                         text=True, env=env, timeout=600, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow  # fresh processes: ~10 s each on a loaded machine
@pytest.mark.parametrize("order,points", [
    ("2", [{"N": N, "pump_ratio": r} for N in (20, 21) for r in (0.1, 0.3, 0.5, 0.7, 0.9)]),
    ("exact", [{"N": 150, "pump_ratio": 0.75}]),
    ("exact", [{"N": 600, "pump_ratio": 0.75}]),
])
def test_memory_estimate_within_a_factor_2_of_the_measured_peak(order, points):
    measured = _measure(order, "fixed_kappa_over_N", points)
    assert measured["ok"]
    estimate = job_memory_mb("central_spin", order, "fixed_kappa_over_N", points)
    assert 0.5 <= estimate / measured["peak_mb"] <= 2.0, (estimate, measured)


def test_requests_are_capped_and_double_on_retry():
    far = [{"N": 10_000_000, "pump_ratio": 0.75}]  # the Dicke route's estimate (first-window elements) is ~2.4 TB here
    assert job_memory_mb("central_spin", "exact", "fixed_kappa_over_N", far) == MEMORY_CAP_MB
    small = [{"N": 600, "pump_ratio": 0.75}]
    mem1, t1 = job_resources("central_spin", "exact", "fixed_kappa_over_N", small, attempt=1)
    mem2, t2 = job_resources("central_spin", "exact", "fixed_kappa_over_N", small, attempt=2)
    assert (mem2, t2) == (2 * mem1, 2 * t1)
    mem, minutes = job_resources("central_spin", "exact", "fixed_kappa_over_N", far, attempt=3)
    assert mem == MEMORY_CAP_MB and minutes <= RUNTIME_CAP_MINUTES


_DRIVEN_CHILD = r"""
import json, resource, sys
import numpy as np
from cumex.dynamics import evolve_dataset, time_grid
from cumex.study import solve_point
kind, N = json.loads(sys.argv[1])
if kind == "dynamics":
    ds = evolve_dataset(model="driven_central_spin", order="exact", scaling="fixed_g_sqrtN", N=N,
                        times=time_grid(4.0, 801))
else:
    ds = solve_point(model="driven_central_spin", order="exact", scaling="fixed_g_sqrtN", N=N)
print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
                  "ok": bool(np.all(ds["converged"].values == 1))}))
"""


@pytest.mark.slow  # fresh processes, ~20-60 s each
@pytest.mark.parametrize("kind,N", [("steady", 20), ("steady", 30), ("dynamics", 40), ("dynamics", 60)])
def test_driven_central_spin_estimates_within_a_factor_2(kind, N):
    """Carollo's model: the steady (sparse LU) and the dynamics (Krylov) estimates of the exact engine,
    each against the peak of a fresh process doing that work."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", _DRIVEN_CHILD, json.dumps([kind, N])], capture_output=True,
                         text=True, env=env, timeout=900, check=True)
    measured = json.loads(out.stdout.strip().splitlines()[-1])
    assert measured["ok"]
    estimate = job_memory_mb("driven_central_spin", "exact", "fixed_g_sqrtN", [{"N": N}], dynamics=kind == "dynamics")
    assert 0.5 <= estimate / measured["peak_mb"] <= 2.0, (estimate, measured)


def test_dynamics_jobs_use_the_models_dynamics_estimate():
    """A dynamics job of N = 150 asks what Krylov evolution needs (GB), not the steady LU's (hundreds of GB),
    and a dynamics study at N = 150 is not refused by the steady estimate."""
    from cumex.config import MAX_POINT_MEMORY_MB, validate_study
    from cumex.models import get_model

    spec = get_model("driven_central_spin")
    point = [{"N": 150}]
    steady = job_memory_mb(spec, "exact", "fixed_g_sqrtN", point)
    dynamic = job_memory_mb(spec, "exact", "fixed_g_sqrtN", point, dynamics=True)
    assert dynamic == int(-(-spec.dynamics_cost("exact", {"N": 150})[1] // 1))
    assert dynamic < 8 * 1024 < steady
    study = {"study": "t", "model": "driven_central_spin", "study_type": "dynamics", "times": {"stop": 4.0, "num": 801},
             "grids": [{"scalings": ["fixed_g_sqrtN"], "orders": ["exact"], "N": [150]}]}
    validate_study(study)
    assert spec.cost("exact", {"N": 150})[1] < MAX_POINT_MEMORY_MB  # steady N = 150 is allowed, if costly


@pytest.mark.parametrize("scaling,N,r", [("fixed_kappa_over_N", 3000, 0.3), ("fixed_kappa_over_N", 3000, 0.75),
                                         ("fixed_g_sqrtN", 5000, 0.95), ("fixed_g_sqrtN", 777, 0.75)])
def test_window_element_count_matches_the_built_basis(scaling, N, r):
    """The Dicke memory estimate counts the first window's elements in closed form (trapezoid blocks): it must
    equal the dimension of the basis built element by element, for fock levels 1 and 3."""
    from cumex.exact.central_dicke_window import initial_window
    from cumex.exact.memory import _window_elements
    from cumex.exact.tavis_cummings.dicke import DickeBasis
    from cumex.models.central_spin import resolve_parameters

    window = initial_window(resolve_parameters(N, scaling, r))
    for fock in (1, 3):
        assert _window_elements(N, window, fock) == DickeBasis(N, fock, window).dim
