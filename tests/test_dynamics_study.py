"""Dynamics studies outside Snakemake: the dataset's time dimension and schema, study checks, the CLI, the
figures and the physical checks of a trace."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from cumex import get_model
from cumex.assemble import assemble, assemble_files
from cumex.cli import main
from cumex.config import plan_batches, settings_for, study_times, validate_study
from cumex.dynamics import TimeTraces, evolve_dataset, evolve_point, physical_problems, time_grid
from cumex.dynamics.traces import checked
from cumex.errors import CumexInputError
from cumex.io import read_dataset, write_dataset

DYNAMICS = {
    "study": "d",
    "model": "driven_central_spin",
    "study_type": "dynamics",
    "times": {"stop": 2.0, "num": 11},
    "grids": [{"orders": ["exact", "limit"], "N": [2, 3]}],
}


def test_dataset_has_a_time_dimension_and_the_common_schema(tmp_path):
    model = get_model("driven_central_spin")
    times = time_grid(2.0, 11)
    parts = [evolve_dataset("driven_central_spin", order, times=times, N=N) for order, N in (("exact", 2), ("exact", 3), ("limit", None))]
    paths = []
    for k, ds in enumerate(parts):
        assert ds.attrs["study_type"] == "dynamics" and "git_commit" in ds.attrs and "solver_settings" in ds.attrs
        assert ds["sz_central"].dims == ("scaling", "order", "N", "time")
        assert ds["time"].attrs["units"] == model.time_units
        paths.append(write_dataset(ds, tmp_path / f"p{k}.nc", format="NETCDF3_64BIT"))
    study = assemble_files(paths)
    assert dict(study.sizes) == {"scaling": 1, "order": 2, "N": 3, "time": 11}
    np.testing.assert_array_equal(study["time"].values, times)
    for name in model.observable_names:
        assert study[name].dims == ("scaling", "order", "N", "time"), name
    assert list(study["converged"].sel(order="exact").values.ravel()[:2]) == [1, 1]
    assert np.isnan(study["converged"].sel(order="exact", N=np.inf).item())  # not a point of the study
    np.testing.assert_allclose(study["sz_central"].sel(order="exact", N=3).values.ravel(), parts[1]["sz_central"].values.ravel())
    written = read_dataset(write_dataset(study, tmp_path / "dataset.nc"))
    np.testing.assert_array_equal(written["quadrature_central4"].values, study["quadrature_central4"].values)


def test_dynamics_study_validates_expands_and_reads_its_own_settings():
    config = validate_study(copy.deepcopy(DYNAMICS))
    np.testing.assert_allclose(study_times(config), np.linspace(0, 2, 11))
    assert sorted(b.order for b in plan_batches(config).values()) == ["exact", "limit"]
    assert "krylov_tol" in settings_for("exact", {"krylov_tol": 1e-12, "limit_fock_tol": 1e-10}, "driven_central_spin", "dynamics")
    assert "krylov_tol" not in settings_for("limit", {"krylov_tol": 1e-12}, "driven_central_spin", "dynamics")
    assert study_times(validate_study({"study": "s", "grids": [{"orders": ["exact"], "N": [2], "pump_ratios": [0.5]}]})) is None


@pytest.mark.parametrize("change, words", [
    ({"times": None}, ["times", "required for study_type: dynamics"]),
    ({"times": {"stop": 0, "num": 11}}, ["times.stop", "> 0"]),
    ({"times": {"stop": 1.0, "num": 1}}, ["times.num", ">= 2"]),
    ({"times": {"stop": 1.0, "num": 5, "step": 1}}, ["times", "step"]),
    ({"study_type": "transient"}, ["study_type", "steady, dynamics"]),
    ({"settings": {"method": "lu"}}, ["settings.method", "a dynamics setting", "krylov_tol"]),
    ({"settings": {"exact_integrator": "rk4"}}, ["settings.exact_integrator", "krylov, expm_multiply"]),
    ({"settings": {"ode_rtol": 0}}, ["settings.ode_rtol", "> 0"]),
])
def test_dynamics_config_errors_name_the_key(change, words):
    config = copy.deepcopy(DYNAMICS)
    config["grids"][0]["orders"] = ["exact", "limit", "2_broken"]
    for key, value in change.items():
        if value is None:
            config.pop(key)
        else:
            config[key] = value
    with pytest.raises(CumexInputError) as info:
        validate_study(config)
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_times_in_a_steady_study_and_orders_without_dynamics_are_refused():
    steady = {"study": "s", "model": "driven_central_spin", "times": {"stop": 1.0, "num": 3}, "grids": [{"orders": ["exact"], "N": [2]}]}
    with pytest.raises(CumexInputError, match="times.*set study_type: dynamics"):
        validate_study(steady)
    lmg = {"study": "l", "model": "lmg_dimer", "study_type": "dynamics", "times": {"stop": 1.0, "num": 3},
           "grids": [{"orders": [1], "J": [1.0], "lambda": [0.2]}]}
    with pytest.raises(CumexInputError, match=r"grids\[0\]\.orders\[0\].*with dynamics for lmg_dimer"):
        validate_study(lmg)


def test_cli_evolve_writes_time_traces(tmp_path, capsys):
    out = tmp_path / "e.nc"
    assert main(["evolve", "driven_central_spin", "--order", "exact", "--N", "3", "--set", "g0=3", "--t-stop", "2",
                 "--t-num", "21", "--out", str(out)]) == 0
    assert "status=ok" in capsys.readouterr().out
    ds = read_dataset(out)
    assert ds.sizes["time"] == 21 and float(ds["g"].item()) == pytest.approx(3 / np.sqrt(3))
    direct = evolve_point("driven_central_spin", None, "exact", {"N": 3}, time_grid(2.0, 21), overrides={"g0": 3})
    np.testing.assert_allclose(ds["sz_central"].values.ravel(), direct.observables["sz_central"], atol=1e-13)
    assert main(["evolve", "lmg_dimer", "--order", "1", "--t-stop", "2", "--t-num", "3", "--out", str(out)]) == 2
    assert "with dynamics for lmg_dimer" in capsys.readouterr().err
    assert main(["evolve", "driven_central_spin", "--order", "exact", "--t-stop", "2", "--t-num", "1", "--out", str(out)]) == 2


def test_a_trace_outside_the_physical_bounds_is_never_ok():
    t = np.linspace(0, 1, 3)
    good = {"central_population": np.array([0.0, 0.5, 1.0]), "sz_central": np.array([-1.0, 0.0, 1.0]), "trace": np.ones(3)}
    assert physical_problems(good) == []
    bad = checked(TimeTraces(t, {**good, "central_population": np.array([0.0, 0.5, 1.0 + 1e-8])}))
    assert not bad.converged and bad.status.startswith("inaccurate") and "central_population" in bad.status
    tilted = {"sx_central": np.full(3, 0.8), "sy_central": np.zeros(3), "sz_central": np.full(3, 0.8)}
    assert "Bloch vector" in " ".join(physical_problems(tilted))
    assert "trace" in " ".join(physical_problems({"trace": np.array([1.0, 1.0 + 1e-6, 1.0])}))


def test_trace_and_deviation_figures_state_the_fitted_slope():
    from cumex.plots import draw_figure
    from cumex.plots.dynamics import deviations

    model = get_model("driven_central_spin")
    times = time_grid(4.0, 41)
    ds = assemble([evolve_dataset("driven_central_spin", "exact", times=times, N=N) for N in (4, 8, 16)]
                  + [evolve_dataset("driven_central_spin", "limit", times=times)])
    table = deviations(ds, model, ["sz_central"])
    Ns, dev, slope = table[("fixed_g_sqrtN", "exact", "sz_central")]
    assert list(Ns) == [4, 8, 16] and np.all(np.diff(dev) < 0)
    assert slope == pytest.approx(np.polyfit(np.log(Ns), np.log(dev), 1)[0])
    fig = draw_figure(ds, "deviation")
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any(f"{slope:.2f}" in text for text in texts), texts
    traces = draw_figure(ds, "traces")
    first = traces.axes[0]
    assert len(first.lines) == 4 and first.lines[-1].get_linestyle() == "--"  # N = 4, 8, 16 and the limit dashed


def test_shipped_dynamics_study_is_carollo_fig2():
    """config/carollo_fig2.yaml as Snakemake reads it (extending config/config.yaml): N = 6..80 and the limit
    over 0 <= t <= 4 (Carollo's window), both figures of the model's dynamics."""
    from pathlib import Path

    import yaml

    from cumex.config import grid_points

    root = Path(__file__).resolve().parents[1]
    config = {**yaml.safe_load((root / "config" / "config.yaml").read_text()),
              **yaml.safe_load((root / "config" / "carollo_fig2.yaml").read_text())}
    config = validate_study(config)
    points = grid_points(config)
    exact = sorted(p.values[0] for p in points if p.order == "exact")
    assert exact[0] <= 10 and exact[-1] >= 80 and any(p.order == "limit" for p in points)
    assert study_times(config)[-1] == 4.0
    assert [f.name for f in get_model(config["model"]).dynamics_figures] == ["traces", "deviation"]
