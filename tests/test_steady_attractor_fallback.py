"""analyse() when no stable steady state is reached: the attractor's time averages, on systems whose
long-time behaviour is known in closed form (or from the literature, with its value cited)."""

from __future__ import annotations

import numpy as np
import pytest
from test_steady_toy import hopf

from cumex.errors import CumexInputError
from cumex.steady import analyse, find_steady_states
from cumex.steady.system import RealODESystem

MU, OMEGA = 2.0, 500.0


def fast_hopf(seed: float = 1e-12) -> RealODESystem:
    """dz/dt = (μ + iω) z - |z|² z (z = u + iv), dw/dt = |z|² - w; no rotation generator given.

    The origin is an unstable focus, λ = μ ± iω with Re λ ≪ |Im λ| as at the order-6 central-spin Hopf
    point; the attractor is the cycle |z|² = μ of period 2π/ω, on which w = μ. The initial state's
    unstable component (1e-12) lies below the integrator's atol: BDF relaxes onto the origin and its
    numerical damping keeps the trajectory there, while the exact flow leaves it within ~14 time units.
    """

    def rhs(s: np.ndarray) -> np.ndarray:
        u, v, w = s
        r2 = u * u + v * v
        return np.array([MU * u - OMEGA * v - r2 * u, OMEGA * u + MU * v - r2 * v, r2 - w])

    def jac(s: np.ndarray) -> np.ndarray:
        u, v, _ = s
        r2 = u * u + v * v
        return np.array([[MU - r2 - 2 * u * u, -OMEGA - 2 * u * v, 0.0],
                         [OMEGA - 2 * u * v, MU - r2 - 2 * v * v, 0.0],
                         [2 * u, 2 * v, -1.0]])

    return RealODESystem(["u", "v", "w"], rhs, jac,
                         lambda s: {"r2": float(s[0] ** 2 + s[1] ** 2), "w": float(s[2]), "u": float(s[0])},
                         np.array([seed, 0.0, 1.0]), lambda rng, k: rng.uniform(-0.1, 0.1, size=(k, 3)))


def test_bdf_relaxation_is_held_at_the_unstable_focus_and_stops():
    analysis = find_steady_states(fast_hopf(), n_random=2)
    assert analysis.relaxation.held and not analysis.converged
    assert np.linalg.norm(analysis.relaxation.x[:2]) < 1e-9  # still at the origin: the damping artefact
    # stopped after 50 e-folds of the growing mode (50/μ = 25), not after the full budget
    assert analysis.relaxation.t_end <= 2 * 50.0 / MU + 1e-9
    assert "damped by the integrator" in analysis.status


def test_fast_hopf_cycle_period_and_averages():
    result = analyse(fast_hopf(), {"n_random": 2})
    assert result.converged and result.status.startswith("ok: limit_cycle"), result.status
    assert result.n_steady_states == 1 and result.n_stable == 0
    phys = result.physical
    assert phys.info["period"] == pytest.approx(2 * np.pi / OMEGA, rel=1e-7)
    assert phys.info["amplitude_u"] == pytest.approx(np.sqrt(MU), rel=1e-4)
    # DOP853 at rtol 1e-9 keeps |z|² on the cycle to ~1e-8
    assert phys.observables["r2"] == pytest.approx(MU, abs=1e-7)
    assert phys.observables["w"] == pytest.approx(MU, abs=1e-7)
    assert abs(phys.observables["u"]) < 1e-6  # whole periods of a cosine


def test_held_rotating_system_finds_the_stable_rotating_state():
    """Hopf normal form with a U(1) generator (test_steady_toy.hopf, μ = 0.5): the only Newton start is
    the unstable origin and the seed 1e-13 is below BDF's atol, so the relaxation is held there; the
    attractor analysis leaves along the unstable mode and settles on the rotating state |z| = √μ."""
    system = hopf(0.5)
    system.initial_state = np.array([1e-13, 0.0, 0.0])
    result = analyse(system, {"n_random": 0})
    assert result.converged and result.attractor == "fixed_point", result.status
    assert "reached by the attractor analysis" in result.status
    assert result.n_steady_states == 2 and result.n_stable == 1
    assert result.physical.stable and result.physical.observables["r"] == pytest.approx(np.sqrt(0.5), abs=1e-10)
    assert result.physical.info["frequency"] == pytest.approx(1.3 - 0.4 * 0.5, abs=1e-10)


def test_without_attractor_analysis_the_point_fails_and_bad_keys_are_named():
    result = analyse(fast_hopf(), {"n_random": 2, "attractors": False})
    assert not result.converged and result.physical is None
    with pytest.raises(CumexInputError, match="t_window"):
        analyse(fast_hopf(), {"attractor_t_window": -1.0})
    with pytest.raises(CumexInputError, match="attractors"):
        analyse(fast_hopf(), {"attractors": "yes"})
    with pytest.raises(CumexInputError, match="attractor_max_work"):
        analyse(fast_hopf(), {"attractor_max_work": 0})


def test_cost_guard_skips_the_attractor_and_says_so():
    # ρ(J) = |μ + iω| ≈ 500 at the origin; t ≥ transient + window ≈ 34: work ≥ 1.7e4 > 1e3
    result = analyse(fast_hopf(), {"n_random": 2, "attractor_max_work": 1e3})
    assert not result.converged and result.physical is None
    assert "not attempted" in result.status and "attractor_max_work" in result.status


@pytest.mark.slow
def test_lorenz_is_irregular_with_its_known_lyapunov_exponent_and_mean_z():
    """σ = 10, ρ = 28, β = 8/3: every fixed point unstable; largest Lyapunov exponent 0.9056
    (Sprott, Chaos and Time-Series Analysis, 2003) and ⟨z⟩ ≈ 23.5 on the attractor."""
    s, r, b = 10.0, 28.0, 8.0 / 3.0
    lorenz = RealODESystem(
        ["x", "y", "z"],
        lambda x: np.array([s * (x[1] - x[0]), x[0] * (r - x[2]) - x[1], x[0] * x[1] - b * x[2]]),
        lambda x: np.array([[-s, s, 0.0], [r - x[2], -1.0, -x[0]], [x[1], x[0], -b]]),
        lambda x: {"z": float(x[2])}, np.array([1.0, 1.0, 1.0]), lambda rng, k: rng.normal(size=(k, 3)),
    )
    result = analyse(lorenz, {"n_random": 4})
    assert result.converged and result.status.startswith("ok: irregular") and result.n_stable == 0
    assert result.physical.info["lyapunov"] == pytest.approx(0.9056, abs=0.15)
    assert result.physical.observables["z"] == pytest.approx(23.55, abs=max(0.5, 5 * result.physical.info["error_z"]))
