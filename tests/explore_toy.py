"""A made-up study dataset for the interactive page's tests: a model the registry does not know (so the
page has to work from the dataset alone), a size axis with N = inf, failed points, text variables,
a constant parameter, a per-state variable and a vector observable along its own dimension."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

SCALINGS = ["s_one", "s_two"]
ORDERS = ["1", "2", "exact"]
NS = [1.0, 2.0, 5.0, 20.0, 100.0, np.inf]
COUPLINGS = [0.5, 1.0, 2.0]
STATES = 3
MODES = 2
#: (scaling, order, N, g) of the points whose solve failed
FAILED = {("s_two", "2", 5.0, 1.0), ("s_one", "exact", 20.0, 2.0)}
CONFIG = {"study": "toy", "model": "toy_model", "grids": [{"orders": ORDERS, "N": NS[:-1]}], "figures": {"g": 1.0}}


def signal(scaling: str, order: str, N: float, g: float) -> float:
    """Distinct made-up values, so that a plotted point can be traced back to its grid point."""
    return 0.5 + 0.1 * ORDERS.index(order) + 0.05 * SCALINGS.index(scaling) + g * (0.0 if np.isinf(N) else 0.3 / N)


def toy_study() -> xr.Dataset:
    dims = ("scaling", "order", "N", "g")
    shape = (len(SCALINGS), len(ORDERS), len(NS), len(COUPLINGS))
    values = np.empty(shape)
    converged = np.ones(shape)
    status = np.full(shape, "ok", dtype=object)
    detail = np.full(shape, "ok: residual below tolerance", dtype=object)
    for idx in np.ndindex(shape):
        point = (SCALINGS[idx[0]], ORDERS[idx[1]], NS[idx[2]], COUPLINGS[idx[3]])
        values[idx] = signal(*point)
        if point in FAILED:
            values[idx], converged[idx], status[idx], detail[idx] = np.nan, 0.0, "failed", "failed: no root found"
    states = np.stack([values * (1 + 0.1 * k) for k in range(STATES)], axis=-1)
    modes = np.stack([values * (k + 1) for k in range(MODES)], axis=-1)
    coupling_per_N = np.broadcast_to(np.array(COUPLINGS)[None, :] / np.sqrt(np.where(np.isinf(NS), 1.0, NS))[:, None],
                                     shape)  # varies along N and g only
    ds = xr.Dataset(
        {
            "signal": (dims, values, {"long_name": "a made-up observable", "units": "1/omega"}),
            "mode_signal": (dims + ("mode",), modes, {"long_name": "a made-up vector observable"}),
            "state_signal": (dims + ("state",), states, {"long_name": "signal of each steady state found"}),
            "converged": (dims, converged, {"long_name": "1 if the solve succeeded"}),
            "status": (dims, status.astype(str)),
            "status_detail": (dims, detail.astype(str)),
            "omega": (dims, np.full(shape, 1.0), {"long_name": "a constant parameter", "units": "omega"}),
            "g_eff": (dims, np.array(coupling_per_N), {"long_name": "an effective coupling"}),
        },
        coords={
            "scaling": ("scaling", SCALINGS),
            "order": ("order", ORDERS),
            "N": ("N", NS, {"long_name": "a number of spins", "units": "1"}),
            "g": ("g", COUPLINGS, {"long_name": "a coupling", "units": "omega"}),
            "mode": ("mode", np.arange(1, MODES + 1)),
            "state": ("state", np.arange(STATES)),
        },
        attrs={
            "title": "toy study", "model": "toy_model", "study": "toy", "cumex_version": "0.0-test",
            "git_commit": "0123456789abcdef", "solver_settings": json.dumps({"tol": 1e-10}),
            "study_config": json.dumps(CONFIG), "cumex_checksum": "checksum-7f3a9e",
        },
    )
    return ds
