"""Panel titles name what a scaling holds fixed: each ``Scaling.shown`` combination must not change with N
under its own scaling (computed from the model's resolved parameters at several N), and the title of a
dataset reads the value back from the data."""

import numpy as np
import pytest
import xarray as xr

from cumex.models import get_model, model_names
from cumex.plots.style import scaling_title

CASES = [
    (name, scaling.name)
    for name in model_names()
    for scaling in get_model(name).scalings
    if scaling.shown
]


def _resolved(model_name: str, scaling: str, N: int) -> dict[str, float]:
    model = get_model(model_name)
    point = {axis.name: axis.default for axis in model.axes}
    point["N"] = N
    return {**model.resolve(scaling, point), "N": float(N)}


@pytest.mark.parametrize(("model_name", "scaling"), CASES)
def test_shown_combinations_are_fixed_by_their_scaling(model_name, scaling):
    spec = get_model(model_name).scaling(scaling)
    values = np.array([[f(_resolved(model_name, scaling, N)) for _, f in spec.shown] for N in (2, 9, 50, 400)])
    np.testing.assert_allclose(values, np.broadcast_to(values[0], values.shape), rtol=1e-12)


@pytest.mark.parametrize(("model_name", "scaling"), [c for c in CASES if "N" in [a.name for a in get_model(c[0]).axes]])
def test_title_reads_the_fixed_combination_from_the_data(model_name, scaling):
    spec = get_model(model_name).scaling(scaling)
    Ns = np.array([4.0, 16.0])
    rows = [_resolved(model_name, scaling, int(N)) for N in Ns]
    data = {key: (("scaling", "N"), [[row[key] for row in rows]]) for key in rows[0] if key != "N"}
    ds = xr.Dataset(data, coords={"scaling": [scaling], "N": Ns}, attrs={"model": model_name})
    title = scaling_title(ds, scaling)
    for label, f in spec.shown:
        assert f"${label} = {f(rows[0]):.4g}$" in title
    assert title.startswith("no scaling: " if scaling == "none" else "fixed ")
