"""cumex.assemble.assemble: batch files of any shape land on the union grid, value by value."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr
from synthetic import OBSERVABLES, central_spin_point

from cumex.assemble import assemble
from cumex.io import read_dataset, write_dataset
from cumex.results import MethodResult, SteadyState


def value(scaling: str, order: str, N: int, r: float) -> float:
    return 1000 * ("kappa" in scaling) + 100 * (order == "exact") + N + r


def point(scaling: str, order: str, N: int, r: float, failed: bool = False) -> xr.Dataset:
    if failed:
        result = MethodResult([], None, False, "error: synthetic")
    else:
        obs = {name: 0.0 for name in OBSERVABLES}
        obs["central_population"] = value(scaling, order, N, r)
        result = MethodResult([SteadyState(obs, True, 0.0)], SteadyState(obs, True, 0.0), True, f"ok {N} {r}")
    return central_spin_point(result, order=order, scaling=scaling, N=N, pump_ratio=r)


def test_ragged_union_of_batches(tmp_path: Path) -> None:
    # like config/fig2.yaml: an N sweep at one pump ratio, and a pump-ratio sweep at N = 50, as batch files
    sweep_N = assemble([point("fixed_g_sqrtN", "exact", N, 0.75) for N in (1, 2, 3)])
    sweep_r = assemble([point("fixed_kappa_over_N", "1", 50, r) for r in (0.0, 0.5, 0.75, 1.0)])
    single = point("fixed_kappa_over_N", "exact", 2, 0.75, failed=True)
    paths = []
    for i, ds in enumerate((sweep_N, sweep_r, single)):
        paths.append(write_dataset(ds, tmp_path / f"b{i}.nc"))
    combined = assemble([read_dataset(p) for p in paths]).drop_encoding()
    out = read_dataset(write_dataset(combined, tmp_path / "all.nc"))

    assert list(out["scaling"].values) == ["fixed_g_sqrtN", "fixed_kappa_over_N"]  # not truncated
    assert list(out["order"].values) == ["1", "exact"]
    assert list(out["N"].values) == [1, 2, 3, 50]
    assert list(out["pump_ratio"].values) == [0.0, 0.5, 0.75, 1.0]
    p0 = out["central_population"]
    held = 0
    for s in out["scaling"].values:
        for o in out["order"].values:
            for N in out["N"].values:
                for r in out["pump_ratio"].values:
                    v = float(p0.sel(scaling=s, order=o, N=N, pump_ratio=r))
                    in_sweeps = (s, o, r) == ("fixed_g_sqrtN", "exact", 0.75) and N in (1, 2, 3) or (
                        (s, o, N) == ("fixed_kappa_over_N", "1", 50)
                    )
                    if in_sweeps:
                        assert v == value(s, o, int(N), float(r))
                        held += 1
                    else:
                        assert np.isnan(v)
    assert held == 7
    failed = out.sel(scaling="fixed_kappa_over_N", order="exact", N=2, pump_ratio=0.75)
    assert int(failed["converged"]) == 0 and str(failed["status"].values) == "error"
    assert str(failed["status_detail"].values) == "error: synthetic"
    missing = out.sel(scaling="fixed_g_sqrtN", order="1", N=50, pump_ratio=0.0)
    assert np.isnan(float(missing["converged"])) and str(missing["status"].values) == ""
    # concrete parameters stay in the data
    assert float(out["g"].sel(scaling="fixed_g_sqrtN", order="exact", N=3, pump_ratio=0.75)) == 3 / np.sqrt(3)
