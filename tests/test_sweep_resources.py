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
    far = [{"N": 100_000, "pump_ratio": 0.75}]
    assert job_memory_mb("central_spin", "exact", "fixed_kappa_over_N", far) == MEMORY_CAP_MB
    small = [{"N": 600, "pump_ratio": 0.75}]
    mem1, t1 = job_resources("central_spin", "exact", "fixed_kappa_over_N", small, attempt=1)
    mem2, t2 = job_resources("central_spin", "exact", "fixed_kappa_over_N", small, attempt=2)
    assert (mem2, t2) == (2 * mem1, 2 * t1)
    mem, minutes = job_resources("central_spin", "exact", "fixed_kappa_over_N", far, attempt=3)
    assert mem == MEMORY_CAP_MB and minutes <= RUNTIME_CAP_MINUTES
