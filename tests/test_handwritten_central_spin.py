"""Hand-written mean-field and second-order central-spin equations against independent references.

References: finite-difference Jacobians; the full Lindbladian of 1 + N spins (a tiny brute-force
solver written below, independent of cumex.exact); the mean-field closed form (paper eqs. 7–9,
re-derived in cumex.handwritten.central_spin's docstring conventions); the mean-field threshold Rc.
"""

from __future__ import annotations

import dataclasses
from functools import reduce

import numpy as np
import pytest

from cumex.handwritten.central_spin import mean_field_system, order2_system, solve_mean_field, solve_order2
from cumex.models.central_spin import CentralSpinParameters, resolve_parameters
from cumex.steady import classify_stability, find_steady_states

# ---------------------------------------------------------------- brute force (full Hilbert space)
SP = np.array([[0.0, 1.0], [0.0, 0.0]])  # σ+ in the basis (|↑>, |↓>)
SM = SP.T
SZ = np.diag([1.0, -1.0])
I2 = np.eye(2)


def site_op(op: np.ndarray, site: int, n_sites: int) -> np.ndarray:
    return reduce(np.kron, [op if k == site else I2 for k in range(n_sites)])


def hamiltonian_and_jumps(p: CentralSpinParameters):
    n = p.N + 1
    H = 0.5 * p.omega * site_op(SZ, 0, n)
    jumps = [(p.kappa, site_op(SM, 0, n))]
    for s in range(1, n):
        H = H + 0.5 * p.epsilon * site_op(SZ, s, n)
        H = H + p.g * (site_op(SP, 0, n) @ site_op(SM, s, n) + site_op(SM, 0, n) @ site_op(SP, s, n))
        jumps += [(p.gamma_up, site_op(SP, s, n)), (p.gamma_down, site_op(SM, s, n))]
    return H, jumps


def lindblad(p: CentralSpinParameters, rho: np.ndarray) -> np.ndarray:
    """dρ/dt = -i[H, ρ] + Σ γ (L ρ L† - {L†L, ρ}/2)."""
    H, jumps = hamiltonian_and_jumps(p)
    out = -1j * (H @ rho - rho @ H)
    for rate, L in jumps:
        LdL = L.conj().T @ L
        out += rate * (L @ rho @ L.conj().T - 0.5 * (LdL @ rho + rho @ LdL))
    return out


def exact_steady_state(p: CentralSpinParameters) -> np.ndarray:
    """Null vector of the Liouvillian superoperator (row-major vec: vec(AρB) = (A ⊗ Bᵀ) vec ρ)."""
    H, jumps = hamiltonian_and_jumps(p)
    d = H.shape[0]
    one = np.eye(d)
    sup = -1j * (np.kron(H, one) - np.kron(one, H.T))
    for rate, L in jumps:
        LdL = L.conj().T @ L
        sup += rate * (np.kron(L, L.conj()) - 0.5 * (np.kron(LdL, one) + np.kron(one, LdL.T)))
    _, _, vh = np.linalg.svd(sup)
    rho = vh[-1].conj().reshape(d, d)
    return rho / np.trace(rho)


def expect(op: np.ndarray, rho: np.ndarray) -> complex:
    return complex(np.trace(op @ rho))


def bloch_rho(z: float, sp: complex) -> np.ndarray:
    """Single spin with ⟨σz⟩ = z, ⟨σ+⟩ = sp, i.e. ρ = [[(1+z)/2, sp*], [sp, (1-z)/2]] in (|↑>, |↓>)."""
    return np.array([[(1 + z) / 2, np.conj(sp)], [sp, (1 - z) / 2]])


def random_params(rng: np.random.Generator, N: int) -> CentralSpinParameters:
    return CentralSpinParameters(
        N=N,
        omega=rng.uniform(0.5, 1.5),
        epsilon=rng.uniform(0.5, 1.5),  # ω ≠ ε on purpose
        g=rng.uniform(0.2, 1.0),
        kappa=rng.uniform(0.2, 2.0),
        gamma_up=rng.uniform(0.1, 2.0),
        gamma_down=rng.uniform(0.1, 2.0),
    )


def fd_jacobian(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(len(x))]).T


# ---------------------------------------------------------------- the equations themselves
@pytest.mark.parametrize("build", [mean_field_system, order2_system])
def test_jacobian_matches_finite_differences(build):
    rng = np.random.default_rng(11)
    for N in (1, 7, 200):
        system = build(random_params(rng, N))
        for x in system.sample_states(rng, 4):
            # central differences of a quadratic F are exact up to rounding
            np.testing.assert_allclose(system.jacobian(x), fd_jacobian(system.rhs, x), rtol=1e-7, atol=1e-6 * N)


def random_product_state(rng: np.random.Generator, N: int):
    """ρ0 ⊗ ρs^{⊗N} with random Bloch vectors inside the ball, and the two one-site states."""
    (z0, a), (zs, b) = [(z, r * np.sqrt(1 - z * z) / 2 * np.exp(1j * phi)) for z, r, phi in
                        zip(rng.uniform(-1, 1, 2), rng.uniform(0, 1, 2), rng.uniform(0, 2 * np.pi, 2))]
    rho = reduce(np.kron, [bloch_rho(z0, a)] + [bloch_rho(zs, b)] * N)
    return rho, z0, a, zs, b


def test_mean_field_rhs_is_exact_on_product_states():
    """On a product state ⟨σ0^α σn^β⟩ = ⟨σ0^α⟩⟨σn^β⟩ exactly, so the mean-field F equals the
    Lindbladian's d⟨·⟩/dt of the first moments (N = 3: a 16-dimensional Hilbert space)."""
    rng = np.random.default_rng(5)
    N, n = 3, 4
    for _ in range(3):
        p = random_params(rng, N)
        rho, z0, a, zs, b = random_product_state(rng, N)
        drho = lindblad(p, rho)
        d_a = expect(site_op(SP, 0, n), drho)
        d_b = expect(site_op(SP, 2, n), drho)  # any satellite
        exact = [expect(site_op(SZ, 0, n), drho).real, expect(site_op(SZ, 1, n), drho).real,
                 d_a.real, d_a.imag, d_b.real, d_b.imag]
        x = np.array([z0, zs, a.real, a.imag, b.real, b.imag])
        np.testing.assert_allclose(mean_field_system(p).rhs(x), exact, atol=1e-12)


def test_order2_rhs_is_exact_on_product_states():
    """On a product state every cumulant of order 3 vanishes, so the second-order closure
    ⟨σ0^z σm^+ σn^-⟩ = ⟨σ0^z⟩⟨σm^+σn^-⟩ and ⟨σ0^+ σn^z σm^-⟩ = ⟨σ0^+σm^-⟩⟨σn^z⟩ is exact; the
    U(1)-charged terms it drops cancel in these equations. This checks eqs. (3), (4), (10), (11)
    including every N-dependent coefficient against the Lindbladian of N = 3 satellites."""
    rng = np.random.default_rng(6)
    N, n = 3, 4
    c_op = site_op(SP, 0, n) @ site_op(SM, 1, n)
    s_op = site_op(SP, 1, n) @ site_op(SM, 3, n)
    for _ in range(3):
        p = random_params(rng, N)
        rho, z0, a, zs, b = random_product_state(rng, N)
        drho = lindblad(p, rho)
        d_c = expect(c_op, drho)
        exact = [expect(site_op(SZ, 0, n), drho).real, expect(site_op(SZ, 2, n), drho).real,
                 d_c.real, d_c.imag, expect(s_op, drho).real]
        c = a * np.conj(b)
        x = np.array([z0, zs, c.real, c.imag, abs(b) ** 2])
        np.testing.assert_allclose(order2_system(p).rhs(x), exact, atol=1e-12)
        assert abs(expect(s_op, drho).imag) < 1e-12  # ⟨σn^+σm^-⟩ stays real


# ---------------------------------------------------------------- mean-field closed form and threshold
FIG2C = dict(scaling="fixed_kappa_over_N")  # κ/N = 1/16, g = 3/4, Γ_T = 2, ω = ε = 1 by default


def rc(p: CentralSpinParameters) -> float:
    return 0.5 * (1 + p.gamma_T * p.kappa / (4 * p.g**2 * p.N))


def closed_form_sz0(p: CentralSpinParameters) -> float:
    """Eq. (7), the negative root of z² + (1 - Γ_Δ N/κ) z - Γ_T²/(4g²) = 0 (ω = ε)."""
    u = 1 - p.gamma_delta * p.N / p.kappa
    return -0.5 * u - 0.5 * np.sqrt(u * u + p.gamma_T**2 / p.g**2)


@pytest.mark.parametrize("N, scaling, r", [(50, "fixed_kappa_over_N", 0.6), (50, "fixed_kappa_over_N", 0.75),
                                           (50, "fixed_kappa_over_N", 0.95), (10, "fixed_g_sqrtN", 0.8),
                                           (3, "none", 0.7)])
def test_mean_field_matches_closed_form_above_threshold(N, scaling, r):
    p = resolve_parameters(N, scaling, r)
    assert r > rc(p)
    system = mean_field_system(p)
    analysis = find_steady_states(system)
    assert analysis.converged
    lasing = analysis.physical
    assert lasing is not None and not lasing.symmetric and lasing.stable
    z0, zn, ar, ai, br, bi = lasing.x
    a, b = complex(ar, ai), complex(br, bi)
    sz0 = closed_form_sz0(p)
    assert z0 == pytest.approx(sz0, abs=1e-10)                                          # eq. 7
    assert zn == pytest.approx(-p.kappa * p.gamma_T / (4 * p.g**2 * N * sz0), abs=1e-10)  # eq. 8
    assert b == pytest.approx(1j * p.kappa / (2 * p.g * N * sz0) * a, abs=1e-10)          # eq. 8
    assert abs(a) ** 2 == pytest.approx(-sz0 * (1 + sz0) / 2, abs=1e-10)                # eq. 9
    assert lasing.nu == pytest.approx(p.omega, abs=1e-9)  # rotates at ω = ε
    assert lasing.stability.neutral_modes == 1
    # the only other steady state is the normal state, unstable above threshold
    others = [fp for fp in analysis.fixed_points if fp is not lasing]
    assert len(others) == 1 and others[0].symmetric and not others[0].stable
    assert others[0].x[0] == pytest.approx(-1.0, abs=1e-12)


@pytest.mark.parametrize("r", [0.1, 0.4, 0.52])
def test_mean_field_below_threshold_is_the_normal_state(r):
    p = resolve_parameters(50, "fixed_kappa_over_N", r)
    result = solve_mean_field(p, {})
    assert result.converged and result.n_steady_states == 1 and result.n_stable == 1
    obs = result.physical.observables
    assert obs["central_population"] == pytest.approx(0.0, abs=1e-12)
    assert obs["sz_satellite"] == pytest.approx(p.gamma_delta / p.gamma_T, abs=1e-12)


def test_mean_field_threshold_at_rc():
    """Rc = (1 + Γ_T κ/(4g²N))/2 ≈ 0.528 at N = 50 (Fig. 2c parameters): the normal state's
    stability flips there and the count of stable states stays 1 on both sides."""
    p0 = resolve_parameters(50, "fixed_kappa_over_N", 0.5)
    r_c = rc(p0)
    assert r_c == pytest.approx(0.5 + 1 / 36, abs=1e-12)  # 0.52777...
    for r, expected_states in ((r_c - 0.005, 1), (r_c + 0.005, 2)):
        result = solve_mean_field(resolve_parameters(50, "fixed_kappa_over_N", r), {})
        assert result.converged and result.n_steady_states == expected_states and result.n_stable == 1
    normal = np.array([-1.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    for dr, stable in ((-1e-6, True), (1e-6, False)):
        p = resolve_parameters(50, "fixed_kappa_over_N", r_c + dr)
        system = mean_field_system(p)
        normal[1] = p.gamma_delta / p.gamma_T
        assert np.max(np.abs(system.rhs(normal))) < 1e-14
        assert classify_stability(system, normal).stable is stable


# ---------------------------------------------------------------- order 2 against exact and mean-field
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_order2_is_exact_for_one_satellite(seed):
    """At N = 1 the model has two sites: no moment on three sites exists, the (N - 1) term of
    eq. (10) vanishes and eqs. (3), (4), (10) for ⟨σ0^z⟩, ⟨σn^z⟩, ⟨σ0^+σn^-⟩ are the exact, closed
    Heisenberg equations, so order 2 must reproduce the exact steady state (here a 4×4 ρ)."""
    rng = np.random.default_rng(seed)
    p = random_params(rng, 1)
    rho = exact_steady_state(p)
    result = solve_order2(p, {})
    # the exact equations are linear at N = 1, and so is the s equation given them: one steady state
    assert result.converged and result.n_steady_states == 1 and result.n_stable == 1
    obs = result.physical.observables
    c = expect(site_op(SP, 0, 2) @ site_op(SM, 1, 2), rho)
    assert obs["sz_central"] == pytest.approx(expect(site_op(SZ, 0, 2), rho).real, abs=1e-9)
    assert obs["sz_satellite"] == pytest.approx(expect(site_op(SZ, 1, 2), rho).real, abs=1e-9)
    assert obs["corr_central_satellite_re"] == pytest.approx(c.real, abs=1e-9)
    assert obs["corr_central_satellite_im"] == pytest.approx(c.imag, abs=1e-9)


@pytest.mark.parametrize("scaling, r", [("fixed_kappa_over_N", 0.3), ("fixed_kappa_over_N", 0.75)])
def test_order2_exact_at_n1_for_the_named_scalings(scaling, r):
    p = resolve_parameters(1, scaling, r)
    rho = exact_steady_state(p)
    obs = solve_order2(p, {}).physical.observables
    assert obs["central_population"] == pytest.approx(expect(site_op(SP @ SM, 0, 2), rho).real, abs=1e-9)


def test_order2_and_mean_field_share_the_large_n_limit_at_fixed_kappa_over_n():
    """Fixed κ/N (Fig. 2b): eqs. (10), (11) reduce to mean-field as N → ∞ (paper eqs. 12–13), so
    p0↑(order 2) - p0↑(MF) → 0; the leading correction is O(1/N), so N·difference approaches a
    constant. Checked above (r = 0.75) and below (r = 0.3, where MF gives exactly 0) threshold."""
    for r in (0.3, 0.75):
        diffs = []
        for N in (1_000, 10_000, 100_000):
            p = resolve_parameters(N, "fixed_kappa_over_N", r)
            mf = solve_mean_field(p, {"n_random": 2}).physical.observables["central_population"]
            c2 = solve_order2(p, {"n_random": 2}).physical.observables["central_population"]
            diffs.append(c2 - mf)
        assert abs(diffs[-1]) < 1e-3
        assert diffs[0] / diffs[1] == pytest.approx(10, rel=0.15)
        assert diffs[1] / diffs[2] == pytest.approx(10, rel=0.05)


def test_order2_and_mean_field_differ_at_large_n_at_fixed_g_sqrt_n():
    """Fixed g√N (Fig. 2a): the (ig/2)(⟨σn^z⟩ - ⟨σ0^z⟩) term of eq. (10) does not vanish as N
    grows, and the two methods approach distinct limits."""
    gaps = []
    for N in (10_000, 100_000):
        p = resolve_parameters(N, "fixed_g_sqrtN", 0.75)
        mf = solve_mean_field(p, {"n_random": 2}).physical.observables["central_population"]
        c2 = solve_order2(p, {"n_random": 2}).physical.observables["central_population"]
        gaps.append(c2 - mf)
    assert min(gaps) > 0.1 and gaps[0] == pytest.approx(gaps[1], abs=0.01)


# ---------------------------------------------------------------- physical bounds on a small grid
@pytest.mark.parametrize("build", [mean_field_system, order2_system])
def test_physical_bounds_on_a_small_grid(build):
    """Every stable zero found (before any bound filtering) has populations in [0, 1] and
    |⟨σn^+σm^-⟩| ≤ 1; zeros outside the bounds are set aside by the analysis and are never stable."""
    for scaling in ("fixed_kappa_over_N", "fixed_g_sqrtN"):
        for N in (1, 10, 150):
            for r in (0.1, 0.75, 1.0):
                system = build(resolve_parameters(N, scaling, r))
                raw = find_steady_states(dataclasses.replace(system, admissible=None), settings={"n_random": 6},
                                         find_physical=False)
                kept = find_steady_states(system, settings={"n_random": 6}, find_physical=False)
                in_bounds = 0
                for fp in raw.fixed_points:
                    o = system.observables(fp.x)
                    ok = (-1e-9 <= o["central_population"] <= 1 + 1e-9 and abs(o["sz_satellite"]) <= 1 + 1e-9
                          and abs(o["corr_satellite_satellite"]) <= 1 + 1e-9)
                    in_bounds += ok
                    assert ok or not fp.stable, (scaling, N, r, o)
                assert len(kept.fixed_points) == in_bounds
                for fp in kept.fixed_points:
                    o = system.observables(fp.x)
                    assert 0 <= o["central_population"] <= 1 + 1e-9
                    assert abs(o["corr_satellite_satellite"]) <= 1 + 1e-9


def test_mean_field_lasing_frequency_is_pulled_off_resonance():
    """ω ≠ ε: in the frame rotating at ν, eqs. (5), (6) give (i(ω-ν) - κ/2)(i(ε-ν) - Γ_T/2) = -g²N z0 zn;
    its imaginary part fixes ν = (ω Γ_T + ε κ)/(Γ_T + κ) (frequency pulling), and its real part
    (κΓ_T/4 - (ω-ν)(ε-ν) = -g²N z0 zn) ties the two polarisations together."""
    p = resolve_parameters(50, "fixed_kappa_over_N", 0.8, {"omega": 1.3, "epsilon": 0.9})
    lasing = find_steady_states(mean_field_system(p)).physical
    assert lasing is not None and lasing.stable and not lasing.symmetric
    nu = (p.omega * p.gamma_T + p.epsilon * p.kappa) / (p.gamma_T + p.kappa)
    assert lasing.nu == pytest.approx(nu, abs=1e-9)
    z0, zn = lasing.x[:2]
    lhs = p.kappa * p.gamma_T / 4 - (p.omega - nu) * (p.epsilon - nu)
    assert lhs == pytest.approx(-p.g**2 * p.N * z0 * zn, rel=1e-9)


@pytest.mark.parametrize("solve", [solve_mean_field, solve_order2])
def test_state_count_does_not_change_when_the_starts_are_doubled(solve):
    for scaling in ("fixed_kappa_over_N", "fixed_g_sqrtN"):
        for N in (2, 25):
            for r in (0.3, 0.6, 0.9):
                p = resolve_parameters(N, scaling, r)
                few = solve(p, {"n_random": 6, "rng_seed": 1})
                many = solve(p, {"n_random": 12, "rng_seed": 2})
                assert (few.n_steady_states, few.n_stable) == (many.n_steady_states, many.n_stable)
                assert few.physical.observables["central_population"] == pytest.approx(
                    many.physical.observables["central_population"], abs=1e-10)


@pytest.mark.parametrize("N", [10**7, 10**8])
def test_mean_field_settles_at_very_large_N(N):
    """κ = N/16 is 10^7 times Γ_T here: the relaxation window must cover the slow rates too (it used to
    stop at t = 0.64 with 'did not settle'). The physical state is eq. 7's lasing state."""
    p = resolve_parameters(N, "fixed_kappa_over_N", 0.75)
    result = solve_mean_field(p)
    assert result.converged, result.status
    assert result.physical.observables["sz_central"] == pytest.approx(closed_form_sz0(p), abs=1e-9)
