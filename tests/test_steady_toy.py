"""The steady-state engine on toy systems whose fixed points are known in closed form."""

from __future__ import annotations

import numpy as np
import pytest

from cumex.errors import CumexInputError
from cumex.steady import analyse, find_steady_states, integrate_trajectory
from cumex.steady.symmetry import distance_modulo_rotation, rotate
from cumex.steady.system import RealODESystem


def bistable() -> RealODESystem:
    """dx/dt = x - x³, dy/dt = -y: a saddle at (0, 0), stable nodes at (±1, 0)."""
    return RealODESystem(
        names=["x", "y"],
        rhs=lambda v: np.array([v[0] - v[0] ** 3, -v[1]]),
        jacobian=lambda v: np.array([[1 - 3 * v[0] ** 2, 0.0], [0.0, -1.0]]),
        observables=lambda v: {"x": float(v[0]), "y": float(v[1])},
        initial_state=np.array([0.1, 0.5]),
        sample_states=lambda rng, k: rng.uniform(-2, 2, size=(k, 2)),
    )


def hopf(mu: float, omega0: float = 1.3, beta: float = 0.4) -> RealODESystem:
    """dz/dt = (μ + iω0) z - (1 + iβ)|z|² z, dw/dt = |z|² - w, with z = u + iv of charge 1.

    For μ > 0: z = 0 (w = 0) is unstable and |z| = √μ rotating at ν = ω0 - βμ (w = μ) is stable.
    For μ < 0: only z = 0, stable.
    """

    def rhs(s: np.ndarray) -> np.ndarray:
        z = complex(s[0], s[1])
        dz = (mu + 1j * omega0) * z - (1 + 1j * beta) * abs(z) ** 2 * z
        return np.array([dz.real, dz.imag, abs(z) ** 2 - s[2]])

    def jac(s: np.ndarray) -> np.ndarray:
        u, v = s[0], s[1]
        r2 = u * u + v * v
        # d/du, d/dv of Re/Im of (μ + iω0) z - (1 + iβ) r² z
        a = mu - r2 - 2 * u * u + 2 * beta * u * v
        b = -omega0 - 2 * u * v + beta * r2 + 2 * beta * v * v
        c = omega0 - beta * r2 - 2 * beta * u * u - 2 * u * v
        d = mu - r2 - 2 * v * v - 2 * beta * u * v
        return np.array([[a, b, 0.0], [c, d, 0.0], [2 * u, 2 * v, -1.0]])

    G = np.zeros((3, 3))
    G[1, 0], G[0, 1] = 1.0, -1.0
    return RealODESystem(
        names=["Re z", "Im z", "w"],
        rhs=rhs,
        jacobian=jac,
        observables=lambda s: {"r": float(np.hypot(s[0], s[1])), "w": float(s[2])},
        initial_state=np.array([1e-3, 0.0, 0.0]),
        sample_states=lambda rng, k: rng.uniform(-1.5, 1.5, size=(k, 3)),
        rotation=G,
    )


def fd_jacobian(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(len(x))]).T


def test_toy_jacobians_match_finite_differences():
    rng = np.random.default_rng(1)
    for system in (bistable(), hopf(0.5)):
        for x in rng.uniform(-1, 1, size=(3, system.size)):
            np.testing.assert_allclose(system.jacobian(x), fd_jacobian(system.rhs, x), atol=1e-7)


def test_bistable_saddle_and_two_nodes():
    analysis = find_steady_states(bistable(), n_random=12, seed=3)
    xs = sorted(round(float(fp.x[0]), 12) for fp in analysis.fixed_points)
    assert xs == [-1.0, 0.0, 1.0]
    for fp in analysis.fixed_points:
        assert abs(fp.x[1]) < 1e-12 and fp.residual < 1e-10
        assert fp.stable == (abs(fp.x[0]) > 0.5)  # the saddle at 0 is unstable
    # from (0.1, 0.5) the flow goes to the node at x = +1
    assert analysis.converged and analysis.physical is not None
    assert analysis.physical.x[0] == pytest.approx(1.0, abs=1e-12)


def test_hopf_broken_state_radius_frequency_and_neutral_mode():
    mu, omega0, beta = 0.5, 1.3, 0.4
    analysis = find_steady_states(hopf(mu, omega0, beta), settings={"n_random": 10})
    assert len(analysis.fixed_points) == 2  # z = 0 and one orbit (all phases merged)
    sym = [fp for fp in analysis.fixed_points if fp.symmetric]
    brk = [fp for fp in analysis.fixed_points if not fp.symmetric]
    assert len(sym) == 1 and len(brk) == 1
    assert not sym[0].stable and sym[0].nu == 0.0
    b = brk[0]
    assert np.hypot(b.x[0], b.x[1]) == pytest.approx(np.sqrt(mu), abs=1e-10)
    assert b.x[2] == pytest.approx(mu, abs=1e-10)
    assert b.nu == pytest.approx(omega0 - beta * mu, abs=1e-10)
    assert b.stable and b.stability.neutral_modes == 1
    # remaining eigenvalues: radial -2μ and w-mode -1
    rest = sorted(np.delete(b.stability.eigenvalues, np.argmin(abs(b.stability.eigenvalues))).real)
    np.testing.assert_allclose(rest, sorted([-2 * mu, -1.0]), atol=1e-9)
    assert analysis.physical is b


def test_hopf_below_bifurcation_only_the_symmetric_state():
    analysis = find_steady_states(hopf(-0.3), settings={"n_random": 10})
    assert len(analysis.fixed_points) == 1
    fp = analysis.fixed_points[0]
    assert fp.symmetric and fp.stable and np.max(abs(fp.x)) < 1e-12
    assert analysis.physical is fp


def test_merge_modulo_rotation():
    G = hopf(0.5).rotation
    x = np.array([0.3, 0.4, 0.7])
    assert distance_modulo_rotation(x, rotate(x, G, 2.1), G) < 1e-12
    assert distance_modulo_rotation(x, rotate(x, G, 2.1) * 1.01, G) > 1e-3


def test_guesses_of_the_wrong_shape_are_reported_not_raised():
    analysis = find_steady_states(bistable(), guesses=[np.zeros(3), np.array([-0.9, 0.0])], settings={"n_random": 0})
    assert "guess 0 ignored" in analysis.status
    assert any("guess 1" in fp.sources for fp in analysis.fixed_points)


def test_deterministic_for_a_fixed_seed():
    a = find_steady_states(hopf(0.5), settings={"rng_seed": 7})
    b = find_steady_states(hopf(0.5), settings={"rng_seed": 7})
    assert [fp.sources for fp in a.fixed_points] == [fp.sources for fp in b.fixed_points]
    for fa, fb in zip(a.fixed_points, b.fixed_points):
        np.testing.assert_array_equal(fa.x, fb.x)


def test_analyse_builds_a_method_result():
    result = analyse(hopf(0.5), {"n_random": 4})
    assert result.converged and result.n_steady_states == 2 and result.n_stable == 1
    assert result.physical.observables["r"] == pytest.approx(np.sqrt(0.5), abs=1e-10)
    assert result.physical.info["neutral_modes"] == 1
    assert result.settings["n_random"] == 4
    assert result.attractor == "fixed_point"
    # x - x³: two stable nodes, the physical trajectory ends on one of them
    assert analyse(bistable(), {"n_random": 12, "rng_seed": 3}).attractor == "bistable"


def van_der_pol(m: float = 1.0) -> RealODESystem:
    """x'' - m (1 - x²) x' + x = 0: an unstable focus at the origin inside a stable limit cycle."""
    return RealODESystem(
        names=["x", "y"],
        rhs=lambda v: np.array([v[1], m * (1 - v[0] ** 2) * v[1] - v[0]]),
        jacobian=lambda v: np.array([[0.0, 1.0], [-2 * m * v[0] * v[1] - 1, m * (1 - v[0] ** 2)]]),
        observables=lambda v: {"x": float(v[0]), "x2": float(v[0] ** 2)},
        initial_state=np.array([0.5, 0.0]),
        sample_states=lambda rng, k: rng.uniform(-2, 2, size=(k, 2)),
    )


def test_limit_cycle_is_reported_with_time_averages():
    """Van der Pol (m = 1): no stable steady state; the cycle's period is 6.66329 and its x-amplitude
    2.00862 (classical values, e.g. Strogatz §7.5 / Andersen & Geer 1982); ⟨x⟩ = 0 by x → -x symmetry."""
    result = analyse(van_der_pol(), {"n_random": 4, "max_chunks": 2, "t_chunk": 20.0,
                                     "attractor_t_transient": 60.0, "attractor_t_window": 200.0})
    assert result.n_steady_states == 1 and result.n_stable == 0
    assert result.converged and result.status.startswith("ok: limit_cycle")
    assert result.attractor == "limit_cycle"
    phys = result.physical
    assert not phys.stable and np.isnan(phys.residual)
    assert phys.info["period"] == pytest.approx(6.663287, rel=1e-5)
    assert phys.info["amplitude_x"] == pytest.approx(2.00862, abs=2e-4)
    assert abs(phys.observables["x"]) < 5 * phys.info["error_x"] + 1e-6
    # without the attractor analysis the old report: no physical state
    off = analyse(van_der_pol(), {"n_random": 4, "max_chunks": 2, "t_chunk": 20.0, "attractors": False})
    assert not off.converged and off.physical is None and "did not settle" in off.status
    traj = integrate_trajectory(van_der_pol(), np.array([0.5, 0.0]), 30.0)
    assert traj.success and np.max(abs(traj.x[len(traj.t) // 2 :, 0])) == pytest.approx(2.0, abs=0.05)


def test_bad_settings_name_the_key():
    with pytest.raises(CumexInputError, match="n_random"):
        analyse(bistable(), {"n_random": -1})
    with pytest.raises(CumexInputError, match="residual_tol"):
        analyse(bistable(), {"residual_tol": "tiny"})


def test_rotating_state_is_stationary_in_its_co_rotating_frame():
    system = hopf(0.5)
    broken = next(fp for fp in find_steady_states(system, n_random=4).fixed_points if not fp.symmetric)
    co = integrate_trajectory(system, broken.x, 50.0, nu_frame=broken.nu)
    lab = integrate_trajectory(system, broken.x, 50.0)
    assert co.success and lab.success
    np.testing.assert_allclose(co.x[-1], broken.x, atol=1e-7)
    # in the lab frame the same state has turned by ν t, keeping its radius
    assert distance_modulo_rotation(lab.x[-1], broken.x, system.rotation) < 1e-6
    assert np.linalg.norm(lab.x[-1] - broken.x) > 0.1


def test_numerical_failure_is_a_status_not_an_exception():
    """F is NaN away from the origin's neighbourhood: no zero is found, nothing raises."""
    system = RealODESystem(
        names=["x"],
        rhs=lambda v: np.array([np.nan if abs(v[0]) > 0.0 else 1.0]),
        jacobian=lambda v: np.array([[np.nan]]),
        observables=lambda v: {"x": float(v[0])},
        initial_state=np.array([0.3]),
        sample_states=lambda rng, k: rng.uniform(-1, 1, size=(k, 1)),
    )
    result = analyse(system, {"n_random": 3})
    assert not result.converged and result.physical is None and result.n_steady_states == 0
    assert result.status.startswith("failed")


def test_inadmissible_zeros_are_set_aside():
    """Requiring x ≥ 0 sets the node at x = -1 aside and keeps the saddle and the other node."""
    system = bistable()
    system.admissible = lambda v: bool(v[0] >= -1e-9)
    analysis = find_steady_states(system, n_random=12, seed=3)
    assert sorted(round(float(fp.x[0]), 9) for fp in analysis.fixed_points) == [0.0, 1.0]
    assert len(analysis.discarded) == 1 and analysis.discarded[0].x[0] == pytest.approx(-1.0)
    assert "outside the physical bounds" in analysis.status
