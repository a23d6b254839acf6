"""Attractor classification on systems whose long-time behaviour is known in closed form."""

from __future__ import annotations

import numpy as np
import pytest

from cumex.errors import CumexInputError
from cumex.steady.attractors import analyse_attractors, follow, read_settings, time_average
from cumex.steady.system import RealODESystem

MU, OMEGA = 1.0, 2.0  # Hopf normal form: stable cycle of radius sqrt(MU), period 2π/OMEGA


def hopf() -> RealODESystem:
    def rhs(x):
        r2 = x[0] ** 2 + x[1] ** 2
        return np.array([MU * x[0] - OMEGA * x[1] - x[0] * r2, OMEGA * x[0] + MU * x[1] - x[1] * r2])

    def jac(x):
        r2 = x[0] ** 2 + x[1] ** 2
        return np.array([[MU - r2 - 2 * x[0] ** 2, -OMEGA - 2 * x[0] * x[1]], [OMEGA - 2 * x[0] * x[1], MU - r2 - 2 * x[1] ** 2]])

    return RealODESystem(["x", "y"], rhs, jac, lambda x: {"x": x[0], "r2": x[0] ** 2 + x[1] ** 2},
                         np.array([0.1, 0.0]), lambda rng, k: rng.normal(size=(k, 2)))


def lorenz() -> RealODESystem:
    s, r, b = 10.0, 28.0, 8.0 / 3.0
    return RealODESystem(
        ["x", "y", "z"],
        lambda x: np.array([s * (x[1] - x[0]), x[0] * (r - x[2]) - x[1], x[0] * x[1] - b * x[2]]),
        lambda x: np.array([[-s, s, 0.0], [r - x[2], -1.0, -x[0]], [x[1], x[0], -b]]),
        lambda x: {"z": x[2]}, np.array([1.0, 1.0, 1.0]), lambda rng, k: rng.normal(size=(k, 3)),
    )


class _FP:
    def __init__(self, x, stable):
        self.x, self.stable = np.asarray(x, float), stable


def test_hopf_cycle_radius_period_and_averages():
    a = follow(hopf(), np.array([0.1, 0.0]), {"t_transient": 50.0, "t_window": 100.0})
    assert a.kind == "limit_cycle"
    assert a.period == pytest.approx(2 * np.pi / OMEGA, rel=1e-6)
    assert a.amplitude["x"] == pytest.approx(np.sqrt(MU), rel=1e-4)
    assert a.averages["r2"] == pytest.approx(MU, abs=1e-8)
    assert abs(a.averages["x"]) < 1e-3  # ⟨cos⟩ over whole periods
    # the origin is the only fixed point and it is unstable: the grid point is a limit cycle
    report = analyse_attractors(hopf(), [_FP([0, 0], False)], {"t_transient": 50.0, "t_window": 60.0, "n_starts": 1})
    assert report.attractor == "limit_cycle" and report.n_stable == 0


def test_time_average_error_falls_with_window():
    # x(t) = cos(ω t) on the cycle: exact average 0; a window that is not a whole number of periods
    t_step = 0.01
    errors, estimates = [], []
    for window in (10.3, 103.0, 1030.0):
        t = np.arange(0.0, window, t_step)
        mean, err = time_average(np.cos(OMEGA * t + 0.3)[:, None], 8)
        errors.append(abs(mean[0]))
        estimates.append(err[0])
    assert errors[2] < errors[1] < errors[0]
    assert estimates[2] < estimates[1] < estimates[0]
    assert errors[2] < 1e-3


def test_bistable_counts_two_stable_points():
    # dx/dt = x - x³, dy/dt = -y: stable at x = ±1, unstable at 0
    system = RealODESystem(
        ["x", "y"], lambda x: np.array([x[0] - x[0] ** 3, -x[1]]),
        lambda x: np.array([[1 - 3 * x[0] ** 2, 0.0], [0.0, -1.0]]), lambda x: {"x": x[0]},
        np.array([0.2, 0.5]), lambda rng, k: rng.normal(size=(k, 2)),
    )
    fps = [_FP([1, 0], True), _FP([-1, 0], True), _FP([0, 0], False)]
    report = analyse_attractors(system, fps, {"t_transient": 40.0, "t_window": 10.0})
    assert report.attractor == "bistable" and report.n_stable == 2 and report.n_fixed_points == 3
    assert report.physical.kind == "fixed_point"
    assert report.physical.averages["x"] == pytest.approx(1.0, abs=1e-9)


def test_lorenz_is_irregular_with_positive_lyapunov_exponent():
    a = follow(lorenz(), np.array([1.0, 1.0, 1.0]), {"t_transient": 50.0, "t_window": 100.0, "t_lyapunov": 200.0})
    assert a.kind == "irregular"
    # published value of the largest exponent at (10, 28, 8/3): 0.906
    assert a.lyapunov == pytest.approx(0.906, abs=0.1)
    # the long-time mean of z on the attractor is ≈ 23.5 (literature: 23.55)
    assert a.averages["z"] == pytest.approx(23.55, abs=4 * a.errors["z"] + 0.3)


def test_lorenz_average_error_estimate_falls_with_window():
    errs = [follow(lorenz(), np.array([1.0, 1.0, 1.0]), {"t_transient": 20.0, "t_window": w, "t_lyapunov": 5.0}).errors["z"]
            for w in (20.0, 320.0)]
    assert errs[1] < errs[0]


def test_bad_settings_name_the_key():
    with pytest.raises(CumexInputError, match="settings.t_window"):
        read_settings({"t_window": -1})
    with pytest.raises(CumexInputError, match="settings.n_starts"):
        read_settings({"n_starts": 1.5})
