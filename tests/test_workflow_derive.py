"""Derived cumulant orders in the workflow: one `derive` job per order and variant, solve jobs read it.

Independent check: order M is exact whenever the model has at most M sites (N + 1 <= M), so the
workflow's order-3 and order-4 values at N = 2 must equal its exact ones.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from test_workflow import snakemake

from cumex.io import read_dataset

STUDY = {
    "study": "derived",
    "grids": [
        {"scalings": ["fixed_kappa_over_N"], "orders": ["exact", "3", "4", "3_broken"], "N": [2, 6], "pump_ratios": [0.75]},
    ],
    "batching": {"group_by": "order"},
    "figures": {"pump_ratio": 0.75, "N": 6, "formats": ["png"]},
}


def test_each_order_is_derived_once_and_used(tmp_path: Path) -> None:
    proc = snakemake(tmp_path, STUDY, "--cores", "2")
    log = proc.stdout + proc.stderr
    folder = tmp_path / "results" / "derived" / "derived"
    derived = sorted(p.name for p in folder.iterdir() if p.is_file())
    assert derived == ["central_spin-order3-broken.npz", "central_spin-order3-u1.npz", "central_spin-order4-u1.npz"]
    # the lower orders used as Newton starts are compiled into the study's folder, not the home cache
    assert sorted(p.name.split("-")[1] for p in (folder / "cache").glob("*.npz")) == ["order2", "order3"]
    assert len(re.findall(r"rule derive:", log)) == 3, "one derive job per (order, variant)"

    ds = read_dataset(tmp_path / "results" / "derived" / "dataset.nc")
    p0 = ds.central_population.sel(scaling="fixed_kappa_over_N", pump_ratio=0.75)
    exact = float(p0.sel(order="exact", N=2))
    for order in ("3", "4", "3_broken"):
        assert abs(float(p0.sel(order=order, N=2)) - exact) < 1e-9, order
    assert bool((ds.converged == 1).all())
    assert np.isfinite(p0.sel(order="4", N=6)).item()
