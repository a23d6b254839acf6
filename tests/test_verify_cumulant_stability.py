"""Independent checks that the large-N instabilities of the order-5 and order-6 cumulant equations are
properties of the equations, not numerical artefacts of the stability test.

Parameters of Fig. 3(a) of Fowler-Wright et al. (2023): fixed_kappa_over_N, κ/N = 1/16, g = 3/4,
ω = ε = 1, Γ_T = 2, r = 0.75. The U(1)-symmetric physical branch is followed in N by Newton from the
state the trajectory reaches at N = 500.

Findings these tests pin down:
- order 6: a Hopf bifurcation near N ≈ 1,585. One complex pair λ = a ± ib with b ≈ N/4 crosses the
  imaginary axis; a grows linearly in N (≈ +1.87 at N = 2,000). Checked against a finite-difference
  Jacobian (rhs only), the eigenvalue condition number (rounding moves λ by ≲ 1e-7), a balanced
  eigensolve, 40-digit mpmath (slow tier), and the growth rate of a perturbation in a tightly
  toleranced explicit integration of the nonlinear equations. Beyond it the trajectory goes to a
  limit cycle of period ≈ 2π/b (slow tier: compared with an integration outside cumex.steady), born
  with zero amplitude (supercritical: amplitude² ∝ N - N_c).
- order 5: the stable branch ends at a saddle-node fold near N ≈ 2,107 (a real eigenvalue → 0 as
  √(N_c - N)); beyond it the flow has a long-period cycle through the ghost of the fold (slow tier).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np
import pytest
import scipy.linalg
from scipy.integrate import solve_ivp

from cumex.cumulants.solver import central_spin_system, solve_order
from cumex.models.central_spin import resolve_parameters
from cumex.steady import find_steady_states, newton_root

SCALING, R = "fixed_kappa_over_N", 0.75


def at(N: float):
    """Parameters at real-valued N (the equations are polynomial in N; κ = N/16)."""
    p = resolve_parameters(10, SCALING, R)
    return replace(p, N=N, kappa=p.kappa / 10 * N)


@cache
def branch(order: str, Ns: tuple[float, ...]) -> tuple[np.ndarray, ...]:
    """The physical branch continued by Newton in small steps of N through each of Ns (increasing)."""
    first = find_steady_states(central_spin_system(order, resolve_parameters(500, SCALING, R)), settings={})
    assert first.physical is not None and first.physical.stable, first.status
    x, N, out = first.physical.x, 500.0, []
    for target in Ns:
        for n in np.linspace(N, target, max(2, int(np.ceil((target - N) / 50.0)) + 1))[1:]:
            root = newton_root(central_spin_system(order, at(float(n))), x)
            assert root is not None, f"branch lost at N = {n}"
            x = root.x
        N = target
        out.append(x)
    return tuple(out)


def leading(A: np.ndarray) -> complex:
    w = np.linalg.eigvals(A)
    return complex(w[np.argmax(w.real)])


def growth_rate(system, x_star: np.ndarray, rate_guess: float, amplitude: float = 1e-8) -> float:
    """Log-slope of |x(t) - x*| for a kick along the leading eigenvector, integrated with DOP853 at
    rtol 1e-12 (explicit, step-size control resolves the oscillation) over 6 e-folding times."""
    w, V = np.linalg.eig(system.jacobian(x_star))
    v = V[:, np.argmax(w.real)].real
    x0 = x_star + amplitude * v / np.linalg.norm(v)
    T = 6.0 / abs(rate_guess)
    t = np.linspace(0.0, T, 301)
    sol = solve_ivp(lambda _, y: system.rhs(y), (0.0, T), x0, method="DOP853", t_eval=t, rtol=1e-12, atol=1e-16)
    assert sol.success
    dev = np.linalg.norm(sol.y.T - x_star, axis=1)
    late = t > T / 3  # after the other modes excited by the kick have decayed
    return float(np.polyfit(t[late], np.log(dev[late]), 1)[0])


def test_order6_hopf_pair_crosses_between_N_1500_and_1700():
    x1500, x1700, x2000 = branch("6", (1500.0, 1700.0, 2000.0))
    lams = [leading(central_spin_system("6", at(N)).jacobian(x)) for N, x in ((1500, x1500), (1700, x1700), (2000, x2000))]
    assert lams[0].real < -0.1 and lams[1].real > 0.1 and lams[2].real > 1.0
    for N, lam in zip((1500, 1700, 2000), lams):
        assert abs(lam.imag) == pytest.approx(N / 4, rel=0.01)  # a fast pair, b ≈ 4κ
    # Re λ linear in N: the crossing N_c from the two points either side, checked on the third
    slope = (lams[1].real - lams[0].real) / 200.0
    assert lams[2].real == pytest.approx(lams[1].real + 300.0 * slope, rel=0.01)
    N_c = 1500.0 - lams[0].real / slope
    assert 1550.0 < N_c < 1620.0


def test_order6_eigenvalue_is_not_a_conditioning_artefact():
    (x,) = branch("6", (2000.0,))
    system = central_spin_system("6", at(2000.0))
    J = system.jacobian(x)
    lam = leading(J)
    # (1) a Jacobian from the rhs alone (central differences) has the same leading eigenvalue
    h = 1e-6
    J_fd = np.array([(system.rhs(x + h * e) - system.rhs(x - h * e)) / (2 * h) for e in np.eye(len(x))]).T
    assert leading(J_fd) == pytest.approx(lam, rel=1e-6)
    # (2) eigenvalue condition number: rounding errors of size eps·|J| move λ by far less than Re λ
    w, vl, vr = scipy.linalg.eig(J, left=True, right=True)
    k = int(np.argmax(w.real))
    cond = np.linalg.norm(vl[:, k]) * np.linalg.norm(vr[:, k]) / abs(np.vdot(vl[:, k], vr[:, k]))
    assert cond * np.finfo(float).eps * np.linalg.norm(J, 2) < 1e-6 * lam.real
    # (3) after an explicit diagonal balancing (a similarity transform)
    B, _ = scipy.linalg.matrix_balance(J, permute=False)
    assert leading(B) == pytest.approx(lam, rel=1e-9)


def test_order6_perturbations_grow_and_decay_at_the_eigenvalue_rates():
    x1400, x2000 = branch("6", (1400.0, 2000.0))
    for N, x in ((1400.0, x1400), (2000.0, x2000)):
        system = central_spin_system("6", at(N))
        rate = leading(system.jacobian(x)).real
        measured = growth_rate(system, x, rate)
        assert np.sign(measured) == np.sign(rate)
        assert measured == pytest.approx(rate, rel=0.15 if rate < 0 else 0.03)


def test_order5_branch_ends_at_a_saddle_node_fold():
    """Near a fold the critical real eigenvalue vanishes like √(N_c - N): λ² is linear in N."""
    Ns = (1950.0, 2000.0, 2050.0, 2100.0)
    xs = branch("5", Ns)
    lams = [leading(central_spin_system("5", at(N)).jacobian(x)) for N, x in zip(Ns, xs)]
    assert all(lam.imag == 0.0 and lam.real < 0.0 for lam in lams)
    sq = np.array([lam.real**2 for lam in lams])
    fit = np.polyfit(Ns, sq, 1)
    assert np.max(np.abs(np.polyval(fit, Ns) - sq)) < 0.05 * sq[0]
    N_c = -fit[1] / fit[0]
    assert 2100.0 < N_c < 2130.0
    # no fixed point continues the branch past N_c: Newton from the last state fails at N_c + 40
    assert newton_root(central_spin_system("5", at(N_c + 40.0)), xs[-1]) is None


def _independent_cycle(order: str, N: float, x0: np.ndarray, t_transient: float, t_window: float, max_step: float):
    """Period and whole-period mean of p0↑ by DOP853 with a step cap (no cumex.steady code involved)."""
    system = central_spin_system(order, at(N))
    pre = solve_ivp(lambda _, y: system.rhs(y), (0.0, t_transient), x0, method="DOP853", rtol=1e-10, atol=1e-12,
                    max_step=max_step)
    t = np.arange(0.0, t_window, max_step / 4)
    sol = solve_ivp(lambda _, y: system.rhs(y), (0.0, t_window), pre.y[:, -1], method="DOP853", t_eval=t,
                    rtol=1e-10, atol=1e-12, max_step=max_step)
    p = np.array([system.observables(y)["central_population"] for y in sol.y.T])
    s = p - p.mean()
    i = np.flatnonzero((s[:-1] < 0) & (s[1:] >= 0))
    crossings = t[i] - s[i] * (t[i + 1] - t[i]) / (s[i + 1] - s[i])
    period = (crossings[-1] - crossings[0]) / (len(crossings) - 1)
    # mean over whole periods between the first and the last crossing
    keep = (t >= crossings[0]) & (t < crossings[-1])
    return period, float(p[keep].mean()), 0.5 * float(p.max() - p.min())


@pytest.mark.slow
def test_order6_beyond_hopf_limit_cycle_matches_independent_integration():
    result = solve_order("6", resolve_parameters(2000, SCALING, R), {})
    assert result.converged and result.status.startswith("ok: limit_cycle"), result.status
    (x,) = branch("6", (2000.0,))
    system = central_spin_system("6", at(2000.0))
    w, V = np.linalg.eig(system.jacobian(x))
    v = V[:, np.argmax(w.real)].real
    period, mean, amplitude = _independent_cycle("6", 2000.0, x + 1e-4 * v / np.linalg.norm(v), 20.0, 2.5, 2e-3)
    phys = result.physical
    assert phys.info["period"] == pytest.approx(period, rel=1e-4)
    assert phys.observables["central_population"] == pytest.approx(mean, abs=1e-4)
    assert phys.info["amplitude_central_population"] == pytest.approx(amplitude, rel=1e-3)
    assert abs(phys.observables["central_population"] - system.observables(x)["central_population"]) > 1e-3


@pytest.mark.slow
def test_order6_eigenvalue_in_40_digit_arithmetic():
    mpmath = pytest.importorskip("mpmath")
    (x,) = branch("6", (2000.0,))
    J = central_spin_system("6", at(2000.0)).jacobian(x)
    mpmath.mp.dps = 40
    values = mpmath.eig(mpmath.matrix(J.tolist()), left=False, right=False)
    assert max(float(mpmath.re(e)) for e in values) == pytest.approx(leading(J).real, rel=1e-9)


@pytest.mark.slow
def test_order5_beyond_the_fold_long_period_cycle():
    """Past the fold the flow lingers near the ghost of the saddle-node and fires a short excursion
    (a saddle-node-on-invariant-circle cycle): the paper's 'numerical noise' of order 5 at large N."""
    result = solve_order("5", resolve_parameters(2600, SCALING, R), {})
    assert result.converged and result.status.startswith("ok: limit_cycle"), result.status
    system = central_spin_system("5", at(2600.0))
    period, mean, _ = _independent_cycle("5", 2600.0, system.initial_state, 60.0, 200.0, 2e-2)
    assert result.physical.info["period"] == pytest.approx(period, rel=1e-3)
    assert result.physical.observables["central_population"] == pytest.approx(mean, abs=2e-4)


@pytest.mark.slow
def test_order6_hopf_is_supercritical():
    """A supercritical Hopf bifurcation: the cycle is born with zero amplitude, amplitude² ∝ N - N_c
    (N_c ≈ 1584.6 from the eigenvalue crossing), so amplitude²/(N - N_c) agrees just past N_c and far
    beyond it (to the O(N - N_c) correction of the normal form)."""
    x1500, x1700 = branch("6", (1500.0, 1700.0))
    re = [leading(central_spin_system("6", at(N)).jacobian(x)).real for N, x in ((1500.0, x1500), (1700.0, x1700))]
    N_c = 1500.0 - 200.0 * re[0] / (re[1] - re[0])
    ratios = []
    for N in (1600, 2000):
        result = solve_order("6", resolve_parameters(N, SCALING, R), {})
        assert result.attractor == "limit_cycle", result.status
        ratios.append(result.physical.info["amplitude_central_population"] ** 2 / (N - N_c))
    assert ratios[1] == pytest.approx(ratios[0], rel=0.15)
