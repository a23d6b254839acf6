"""Multimode Dicke mean-field (Carollo & Lesanovsky 2021): equations against the master equation,
closed forms (g_crit, eq. 12) against numerics, two mappings, independent integration, fixed-point
counts against independent enumerations, and what perturbed starts do."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse
from scipy.integrate import solve_ivp
from scipy.optimize import brentq, fsolve

from cumex.errors import CumexInputError
from cumex.meanfield.multimode_dicke import overlap_roots, solve_multimode_dicke
from cumex.meanfield.multimode_dicke_equations import MultimodeDickeEquations
from cumex.meanfield.multimode_dicke_model import (
    g_crit,
    mode_occupation_closed_form,
    overlap_closed_form,
    pattern_matrix,
    resolve_parameters,
)
from cumex.steady.constrained import classify_on_manifold

NO_COUNT = {"count_fixed_points": False}


def test_pattern_matrices_are_the_papers_mappings():
    for M in range(1, 6):
        full, red = pattern_matrix(M, "ungauged"), pattern_matrix(M, "gauge_reduced")
        # eq. S26: orthogonal rows
        np.testing.assert_array_equal(full @ full.T, 2**M * np.eye(M))
        np.testing.assert_array_equal(red @ red.T, 2 ** (M - 1) * np.eye(M))
        # ungauged: every ±1 column once; gauge-reduced: those with G_1 = +1 (the gauge flips the rest)
        assert len({tuple(c) for c in full.T}) == 2**M
        np.testing.assert_array_equal(red, full[:, : 2 ** (M - 1)])
        assert np.all(red[0] == 1)
    # Fig. 2 (M = 3): rows 2 and 3 are ++-- and +-+-
    np.testing.assert_array_equal(pattern_matrix(3)[1:], [[1, 1, -1, -1], [1, -1, 1, -1]])
    with pytest.raises(CumexInputError, match="mapping"):
        pattern_matrix(3, "other")


def test_bad_parameters_name_the_key():
    for params, key in [({"M": 0}, "M"), ({"M": 2.5}, "M"), ({"omega": -1}, "omega"), ({"kappa": [1, 2]}, "kappa"),
                        ({"g0": "x"}, "g0"), ({"omega_modes": [1, 0, 1, 1]}, r"omega_modes\[1\]"), ({"beta": 1}, "beta")]:
        with pytest.raises(CumexInputError, match=key):
            resolve_parameters(params)
    with pytest.raises(CumexInputError, match="settings.mapping"):
        solve_multimode_dicke({}, {"mapping": "x"})
    assert resolve_parameters({}).omega_modes == (1.5, 2.0, 2.5, 3.0)  # Ω_μ = Ω(μ + 2), μ = 1..4


@pytest.mark.parametrize("mapping", ["gauge_reduced", "ungauged"])
def test_jacobian_conservation_and_symmetries(mapping):
    eq = MultimodeDickeEquations(resolve_parameters({"M": 3, "g0": 0.9, "kappa": [1.0, 0.7, 1.3]}), mapping)
    rng = np.random.default_rng(4)
    for x in rng.normal(size=(3, eq.n)):
        h = 1e-6
        numeric = np.array([(eq.rhs(x + h * e) - eq.rhs(x - h * e)) / (2 * h) for e in np.eye(eq.n)]).T
        np.testing.assert_allclose(eq.jacobian(x), numeric, atol=1e-8)
        f = eq.rhs(x)
        # d|m_k|²/dt = 2 m_k·ṁ_k = 0 for every group, off the unit sphere too
        assert np.abs(np.sum((x[: 3 * eq.G] * f[: 3 * eq.G]).reshape(eq.G, 3), axis=1)).max() < 1e-12
        for S in eq.symmetries():
            np.testing.assert_allclose(eq.rhs(S @ x), S @ f, atol=1e-12)
    X = rng.normal(size=(4, eq.n))
    np.testing.assert_allclose(eq.rhs(X), np.array([eq.rhs(x) for x in X]), atol=1e-14)


def _boson_ops(nb):
    return scipy.sparse.diags(np.sqrt(np.arange(1, nb)), 1, format="csr")


def test_mean_field_equations_are_the_master_equation_on_product_states():
    """Brute force: M = 2, gauge-reduced, two groups of ONE spin each (N = 1), bosons in Fock space.

    On a product state (spin Bloch vectors m_k, boson coherent states α_μ) the exact d⟨X⟩/dt =
    ⟨i[H, X] + Σ κ (a† X a - {n, X}/2)⟩ of the linear operators X = σ_a^(k), a_μ factorises exactly, so it must
    equal the mean-field right-hand side of eqs. 7 (H and D[] as in the model docstring)."""
    p = resolve_parameters({"M": 2, "omega": 0.7, "omega_modes": [1.1, 1.9], "kappa": [0.8, 1.3], "g0": 0.9})
    eq = MultimodeDickeEquations(p)
    nb = 14
    sx, sy, sz = np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.diag([1.0, -1.0])
    I2, Ib = np.eye(2), scipy.sparse.identity(nb, format="csr")
    a = _boson_ops(nb)

    def op(s1=I2, s2=I2, b1=Ib, b2=Ib):
        k = scipy.sparse.kron
        return k(k(k(scipy.sparse.csr_matrix(s1), scipy.sparse.csr_matrix(s2)), b1), b2, format="csr")

    spins = [[op(s1=s) for s in (sx, sy, sz)], [op(s2=s) for s in (sx, sy, sz)]]
    modes = [op(b1=a), op(b2=a)]
    g = eq.g  # N = 1: g/√N = g
    H = p.omega * (spins[0][0] + spins[1][0]) + sum(w * m.conj().T @ m for w, m in zip(p.omega_modes, modes))
    for mu in range(2):
        for k in range(2):
            H = H + g * eq.f[mu, k] * (modes[mu] + modes[mu].conj().T) @ spins[k][2]

    def heisenberg(X):
        out = 1j * (H @ X - X @ H)
        for kap, m in zip(p.kappa, modes):
            n = m.conj().T @ m
            out = out + kap * (m.conj().T @ X @ m - 0.5 * (n @ X + X @ n))
        return out

    rng = np.random.default_rng(2)
    for _ in range(3):
        m = rng.normal(size=(2, 3))
        m *= rng.uniform(0.3, 1.0, size=(2, 1)) / np.linalg.norm(m, axis=1, keepdims=True)
        alpha = 0.5 * (rng.normal(size=2) + 1j * rng.normal(size=2))
        rho_s = [0.5 * (I2 + mk[0] * sx + mk[1] * sy + mk[2] * sz) for mk in m]
        coh = []
        for al in alpha:
            v = np.array([al**n / np.sqrt(float(np.prod(np.arange(1, n + 1)))) for n in range(nb)], dtype=complex)
            v /= np.linalg.norm(v)
            coh.append(np.outer(v, v.conj()))
        rho = np.kron(np.kron(np.kron(rho_s[0], rho_s[1]), coh[0]), coh[1])
        x = eq.join(m, alpha)
        f = eq.rhs(x)
        expect = lambda X: complex(np.sum(rho.T * heisenberg(X).toarray()))  # tr(ρ X)  # noqa: E731
        exact_spin = np.array([[expect(X).real for X in spins[k]] for k in range(2)])
        exact_alpha = np.array([expect(X) for X in modes])
        dm, dalpha = eq.split(f)
        np.testing.assert_allclose(dm, exact_spin, atol=1e-9)
        np.testing.assert_allclose(dalpha, exact_alpha, atol=1e-9)


def _sector_basis(eq, nu):
    """Orthonormal basis of pattern ν's sector at the normal state: y_k, z_k ∝ f_{ν,k}, Re α_ν, Im α_ν."""
    P = np.zeros((eq.n, 4))
    P[1 : 3 * eq.G : 3, 0] = eq.f[nu] / np.sqrt(eq.G)
    P[2 : 3 * eq.G : 3, 1] = eq.f[nu] / np.sqrt(eq.G)
    P[3 * eq.G + 2 * nu, 2] = P[3 * eq.G + 2 * nu + 1, 3] = 1.0
    return P


def test_g_crit_is_where_the_normal_state_goes_unstable():
    base = {"M": 4, "omega": 0.5, "kappa": [1.0, 0.6, 1.4, 0.9]}
    gc = g_crit(resolve_parameters(base))
    normal = lambda eq: eq.join(np.tile([-1.0, 0.0, 0.0], (eq.G, 1)), np.zeros(eq.M))  # noqa: E731

    def growth(g0, nu):
        eq = MultimodeDickeEquations(resolve_parameters({**base, "g0": g0}))
        P = _sector_basis(eq, nu)
        J = eq.jacobian(normal(eq))
        np.testing.assert_allclose(J @ P, P @ (P.T @ J @ P), atol=1e-12)  # the sector is invariant
        return float(np.linalg.eigvals(P.T @ J @ P).real.max())

    for nu in range(4):
        crossing = brentq(growth, 0.2, 3.0, args=(nu,), xtol=1e-13)
        assert crossing == pytest.approx(gc[nu], abs=1e-8)
    # on the whole tangent space: one more growing mode past each g_crit; neutral (not asymptotic) below all
    for k, g0 in enumerate(np.r_[np.sort(gc) - 1e-6, np.sort(gc)[-1] + 1e-6]):
        eq = MultimodeDickeEquations(resolve_parameters({**base, "g0": g0}))
        st = classify_on_manifold(eq.system(), normal(eq))
        n_growing = int(np.sum(st.eigenvalues.real > 1e-9))
        assert n_growing == (k if k < 4 else 4)
        if k == 0:
            assert st.kind == "neutrally_stable"


def test_overlap_and_mode_occupation_follow_eq12():
    for g0 in (0.75, 1.2):
        r = solve_multimode_dicke({"g0": g0}, NO_COUNT)
        p = resolve_parameters({"g0": g0})
        assert r.converged and np.all(r.settled)
        np.testing.assert_allclose(r.overlap, overlap_closed_form(p), atol=1e-8)
        np.testing.assert_allclose(r.mode_occupation, mode_occupation_closed_form(p), atol=1e-8)
        assert np.all((r.overlap > 1e-6) == (g0 > r.g_crit))
    # the closed form itself: |z| → 0 at g_crit and |α|² ∝ |ξ|²
    p = resolve_parameters({"g0": float(g_crit(resolve_parameters({}))[2])})
    assert overlap_closed_form(p)[2] < 1e-7


def test_both_mappings_give_the_same_physics():
    a = solve_multimode_dicke({"M": 2, "g0": 1.1}, {**NO_COUNT, "mapping": "gauge_reduced"})
    b = solve_multimode_dicke({"M": 2, "g0": 1.1}, {**NO_COUNT, "mapping": "ungauged"})
    assert np.all(a.overlap > 0.5)
    np.testing.assert_allclose(a.overlap, b.overlap, atol=1e-9)
    np.testing.assert_allclose(a.mode_occupation, b.mode_occupation, atol=1e-9)


def _eq7_by_hand(p, f):
    """Eqs. 7 typed from the paper with the Levi-Civita tensor (independent of the engine's layout code)."""
    eps = np.zeros((3, 3, 3))
    for (i, j, k), s in {(0, 1, 2): 1, (1, 2, 0): 1, (2, 0, 1): 1, (0, 2, 1): -1, (2, 1, 0): -1, (1, 0, 2): -1}.items():
        eps[i, j, k] = s
    M, G = f.shape
    g = p.g0 / np.sqrt(G)

    def rhs(t, v):
        m = v[: 3 * G].reshape(G, 3)
        al = v[3 * G :: 2] + 1j * v[3 * G + 1 :: 2]
        coupling = f.T @ (al + al.conj()).real  # Σ_μ f_{μ,k} (α_μ† + α_μ)
        dm = -2 * p.omega * np.einsum("ab,kb->ka", eps[0], m) - 2 * g * coupling[:, None] * np.einsum("ab,kb->ka", eps[2], m)
        dal = -(1j * np.asarray(p.omega_modes) + np.asarray(p.kappa) / 2) * al - 1j * g * (f @ m[:, 2])
        return np.r_[dm.ravel(), np.stack([dal.real, dal.imag], axis=1).ravel()]

    return rhs


def test_independent_integration_reaches_the_fixed_point_found():
    p = resolve_parameters({"M": 3, "g0": 1.0})
    r = solve_multimode_dicke(p, NO_COUNT)
    eq = MultimodeDickeEquations(p)
    for mu in (2,):
        sol = solve_ivp(_eq7_by_hand(p, eq.f), (0.0, 400.0), eq.aligned_state(mu), method="LSODA", rtol=1e-11, atol=1e-13)
        assert sol.success
        np.testing.assert_allclose(sol.y[:, -1], r.physical_states[mu - 1], atol=1e-6)


def test_retrieved_states_are_neutral_at_large_coupling_and_the_weakest_is_unstable_at_g0_1():
    # the linear verdicts behind the slow dynamical test below
    for g0, kinds in ((1.5, ["neutrally_stable"] * 4), (1.0, ["neutrally_stable"] * 3 + ["unstable"])):
        p = resolve_parameters({"g0": g0})
        eq, z = MultimodeDickeEquations(p), overlap_closed_form(p)
        got = [classify_on_manifold(eq.system(), eq.state_from_overlaps(z[nu] * np.eye(4)[nu], -np.ones(eq.G))).kind
               for nu in range(4)]
        assert got == kinds


@pytest.mark.slow
def test_perturbed_retrieved_states_neither_decay_nor_leave_when_neutral_and_leave_when_unstable():
    """The paper suggests retrieved states have basins of attraction. What eqs. 7 do: at g0 = 1.5 each
    retrieved state is neutrally stable (spin modes orthogonal to all patterns are undamped), so a
    perturbed start stays close, keeps the overlap on average, but does not converge. At g0 = 1.0
    pattern 4 is retrieved (g0 > g_crit,4 = 0.878) yet linearly unstable: a perturbed start leaves it
    for the retrieved state of pattern 1."""
    rng = np.random.default_rng(7)
    p = resolve_parameters({"g0": 1.5})
    eq, z = MultimodeDickeEquations(p), overlap_closed_form(p)
    system = eq.system()
    fp = eq.state_from_overlaps(z[0] * np.eye(4)[0], -np.ones(eq.G))
    assert classify_on_manifold(system, fp).kind == "neutrally_stable"
    x0 = system.project(fp + 1e-3 * rng.normal(size=eq.n))
    sol = solve_ivp(lambda t, x: eq.rhs(x), (0.0, 600.0), x0, method="DOP853", rtol=1e-9, atol=1e-11,
                    t_eval=np.linspace(0.0, 600.0, 1201))
    dist = np.abs(sol.y.T - fp).max(axis=1)
    assert dist.max() < 10 * dist[0] and dist[-300:].min() > 0.1 * dist[0]
    assert abs(eq.overlaps(sol.y.T[-600:])[:, 0].mean() - z[0]) < 2e-3

    p = resolve_parameters({"g0": 1.0})
    eq, z = MultimodeDickeEquations(p), overlap_closed_form(p)
    fp4 = eq.state_from_overlaps(z[3] * np.eye(4)[3], -np.ones(eq.G))
    assert classify_on_manifold(eq.system(), fp4).kind == "unstable"
    x0 = eq.system().project(fp4 + 1e-4 * rng.normal(size=eq.n))
    end = solve_ivp(lambda t, x: eq.rhs(x), (0.0, 400.0), x0, method="DOP853", rtol=1e-9, atol=1e-11).y[:, -1]
    xi = eq.overlaps(end)
    assert abs(abs(xi[0]) - z[0]) < 1e-2 and np.abs(xi[1:]).max() < 1e-2


def _single_mode_matrix(p, s):
    """Linearisation of eqs. 7 for M = 1 about x = s (s = ±1), α = 0, typed by hand in (y, z, Re α, Im α)."""
    g, om, w, k = p.g0, p.omega, p.omega_modes[0], p.kappa[0]
    return np.array([[0.0, -2 * om, 4 * g * s, 0.0], [2 * om, 0.0, 0.0, 0.0], [0.0, 0.0, -k / 2, w], [0.0, -g, -w, -k / 2]])


def test_single_mode_counts_and_stability_in_closed_form():
    from cumex.steady.tangent_stability import classify_matrix

    for g0 in (0.5, 1.3):
        p = resolve_parameters({"M": 1, "omega": 0.5, "omega_modes": [1.0], "kappa": 1.0, "g0": g0})
        r = solve_multimode_dicke(p, {"n_random": 16})
        above = g0 > r.g_crit[0]
        # x = ±1 always; the retrieved pair (x = -Ω/λ < 0, z = ±|z|) above g_crit only
        assert r.n_steady_states == (4 if above else 2)
        kinds = {}
        for fp in r.fixed_points.fixed_points:
            if abs(fp.x[2]) < 1e-9:
                kinds[int(round(fp.x[0]))] = fp.kind
            else:
                assert fp.x[2] ** 2 == pytest.approx(overlap_closed_form(p)[0] ** 2, abs=1e-10)
        for s in (-1, 1):
            assert kinds[s] == classify_matrix(_single_mode_matrix(p, s)).kind


def _angle_roots(p):
    """Every fixed point of the M = 2 gauge-reduced equations by an independent search: y = 0 at any fixed
    point (ż = 2Ω y), so spin k sits at angle θ_k in its x-z plane; solve Ω sin θ_k = h_k(θ) cos θ_k
    with h_k = -Σ_μ f λ_μ ξ_μ from a 16×16 grid of starts (fsolve), unique modulo 2π."""
    eq = MultimodeDickeEquations(p)
    lam = 2 * p.g0**2 * np.asarray(p.omega_modes) / eq.D

    def F(th):
        z = np.sin(th)
        h = -((eq.f @ z / eq.G) * lam) @ eq.f
        return p.omega * z - h * np.cos(th)

    roots = []
    for start in itertools.product(np.linspace(0, 2 * np.pi, 16, endpoint=False), repeat=eq.G):
        th, info, ier, _ = fsolve(F, np.array(start), full_output=True, xtol=1e-13)
        if ier == 1 and np.abs(F(th)).max() < 1e-11:
            th = np.mod(th, 2 * np.pi)
            if not any(np.abs(np.angle(np.exp(1j * (th - r)))).max() < 1e-6 for r in roots):
                roots.append(th)
    return roots


@pytest.mark.parametrize("g0", [0.5, 0.85, pytest.param(1.4, marks=pytest.mark.slow)])
def test_two_mode_fixed_point_count_matches_an_independent_angle_search(g0):
    p = resolve_parameters({"M": 2, "g0": g0})
    r = solve_multimode_dicke(p, {"n_random": 32})
    assert r.counts_exhaustive
    assert r.n_steady_states == len(_angle_roots(p))


def test_result_lays_out_in_xarray_and_as_a_method_result():
    r = solve_multimode_dicke({"M": 2, "g0": 1.0}, {"n_random": 0, "mixture_starts": False})
    ds = r.to_dataset()
    assert ds["overlap"].dims == ("pattern",) and ds["mode_occupation"].dims == ("mode",)
    np.testing.assert_array_equal(ds["pattern"].values, [1, 2])
    np.testing.assert_allclose(ds["overlap"].values, r.overlap)
    assert int(ds["n_stable"]) == r.n_stable and int(ds["n_by_kind"].sum()) == r.n_steady_states
    mr = r.to_method_result()
    assert mr.n_steady_states == r.n_steady_states and mr.n_stable == r.n_stable
    assert mr.physical.observables["overlap_1"] == pytest.approx(r.overlap[0])
    assert mr.physical.observables["mode_occupation_2"] == pytest.approx(r.mode_occupation[1])


def test_overlap_equation_roots_are_eq12_and_lift_to_exact_fixed_points():
    p = resolve_parameters({"g0": 1.2})
    eq, z = MultimodeDickeEquations(p), overlap_closed_form(p)
    starts = 0.9 * np.eye(4)
    xi, ok = overlap_roots(eq, starts, -np.ones((4, eq.G)))
    assert ok.all()
    np.testing.assert_allclose(xi, np.diag(z), atol=1e-12)
    for x in eq.state_from_overlaps(xi, -np.ones((4, eq.G))):
        assert np.abs(eq.rhs(x)).max() < 1e-12
