"""The cumulant engine with a bosonic central site: the driven-dissipative Tavis–Cummings model.

Independent references written here: truncated Fock-space matrices for a (exact on states far below the
cutoff), a dense Lindblad adjoint generator on mode ⊗ N emitters, the closed-form moments of a displaced
thermal state, the second-order equations derived by hand, and the mean-field lasing solution.
"""

from __future__ import annotations

import itertools
from math import comb, factorial

import numpy as np
import pytest

from cumex.cumulants.bind import BoundSystem
from cumex.cumulants.closure import closure, closure_by_partitions, nonzero_filter
from cumex.cumulants.compile import compile_system
from cumex.cumulants.heisenberg import heisenberg
from cumex.cumulants.moments import ONE, Moment, enumerate_moments
from cumex.cumulants.system import derive_system
from cumex.models.tavis_cummings_operators import TAVIS_CUMMINGS
from cumex.operators.boson import boson_powers, boson_product

PAULI = {
    "I": np.eye(2, dtype=complex),
    "Z": np.diag([1.0, -1.0]).astype(complex),
    "P": np.array([[0, 1], [0, 0]], dtype=complex),
    "M": np.array([[0, 0], [1, 0]], dtype=complex),
}
PARAMETER_SETS = [
    dict(omega=1.0, epsilon=1.0, g=0.45, kappa=1.0, gamma_up=0.375, gamma_down=0.125),  # Fig. 3b at N = 4
    dict(omega=1.3, epsilon=0.7, g=0.8, kappa=0.6, gamma_up=0.4, gamma_down=1.1),  # detuned, all different
]


def fig3b(N: float) -> dict[str, float]:
    return dict(omega=1.0, epsilon=1.0, g=0.9 / np.sqrt(N), kappa=1.0, gamma_up=0.375, gamma_down=0.125, N=float(N))


def ladder(D: int) -> np.ndarray:
    return np.diag(np.sqrt(np.arange(1, D)), 1).astype(complex)


def mode_op(label: str, D: int) -> np.ndarray:
    p, q = boson_powers(label)
    a = ladder(D)
    return np.linalg.matrix_power(a.conj().T, p) @ np.linalg.matrix_power(a, q)


def test_normal_ordered_products_match_fock_matrices():
    """a†^p a^q · a†^r a^s from the engine equals the matrix product on Fock states far below the cutoff."""
    D, low = 16, 6
    labels = ["I"] + ["A" * p + "a" * q for p in range(3) for q in range(3) if p + q]
    for x, y in itertools.product(labels, repeat=2):
        got = sum((float(c) * mode_op(lab, D) for lab, c in boson_product(x, y)), np.zeros((D, D), complex))
        np.testing.assert_allclose(got[:low, :low], (mode_op(x, D) @ mode_op(y, D))[:low, :low], atol=1e-9)


# brute force: mode (cutoff D) ⊗ N emitters ----------------------------------------------------------
def embed(mode: np.ndarray, spins: list[str], N: int) -> np.ndarray:
    out = mode
    for s in spins + ["I"] * (N - len(spins)):
        out = np.kron(out, PAULI[s])
    return out


def generator_terms(p: dict, N: int, D: int):
    a = embed(ladder(D), [], N)
    H = p["omega"] * a.conj().T @ a
    jumps = [(p["kappa"], a)]
    for n in range(N):
        site = lambda lab: embed(np.eye(D), ["I"] * n + [lab], N)  # noqa: E731
        H = H + 0.5 * p["epsilon"] * site("Z") + p["g"] * (a.conj().T @ site("M") + a @ site("P"))
        jumps += [(p["gamma_up"], site("P")), (p["gamma_down"], site("M"))]
    return H, jumps


def generator(rho: np.ndarray, H: np.ndarray, jumps) -> np.ndarray:
    """dρ/dt = -i[H, ρ] + Σ γ D[L]ρ; Tr(A dρ/dt) = Tr(ρ L†(A)) holds exactly in the truncated space too."""
    out = -1j * (H @ rho - rho @ H)
    for rate, L in jumps:
        LdL = L.conj().T @ L
        out = out + rate * (L @ rho @ L.conj().T - 0.5 * (LdL @ rho + rho @ LdL))
    return out


def average(rho: np.ndarray, A: np.ndarray) -> complex:
    return complex(np.sum(rho.T * A))


def symmetric_low_photon_state(N: int, D: int, K: int, rng: np.random.Generator) -> np.ndarray:
    """Random density matrix on Fock states n ≤ K (so no product below reaches the cutoff), symmetrised
    over permutations of the emitters."""
    d = D * 2**N
    X = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    P = embed(np.diag((np.arange(D) <= K).astype(complex)), [], N)
    rho = P @ X @ X.conj().T @ P
    T = rho.reshape([D] + [2] * N + [D] + [2] * N)
    acc = np.zeros_like(T)
    for perm in itertools.permutations(range(1, N + 1)):
        axes = [0, *perm]
        acc += T.transpose(axes + [N + 1 + ax for ax in axes])
    rho = acc.reshape(d, d)
    return rho / np.trace(rho)


@pytest.mark.parametrize("p", PARAMETER_SETS)
def test_heisenberg_equations_match_brute_force(p):
    """d⟨m⟩/dt from the engine equals Tr(m L(ρ)) for every moment of order ≤ 4 on ≤ N - 1 emitters,
    ρ a random emitter-symmetric state with ≤ 2 photons, cutoff 9 (products of ≤ 6 ladder operators
    stay below it, so the brute force is exact up to round-off)."""
    N, D, K = 3, 9, 2
    rho = symmetric_low_photon_state(N, D, K, np.random.default_rng(11))
    H, jumps = generator_terms(p, N, D)
    drho = generator(rho, H, jumps)
    values = {**p, "N": N}

    def op(m: Moment) -> np.ndarray:
        return embed(mode_op(m.central, D), list(m.satellites), N)

    checked = 0
    for m in enumerate_moments(4, "boson"):
        if len(m.satellites) > N - 1:
            continue
        brute = average(drho, op(m))
        derived = sum(
            c.evaluate(values) * (1.0 if mm == ONE else average(rho, op(mm))) for mm, c in heisenberg(TAVIS_CUMMINGS, m).items()
        )
        assert abs(derived - brute) < 1e-10 * max(1.0, abs(brute)), m
        checked += 1
    assert checked >= 80  # every moment of order ≤ 4 on ≤ 2 emitters


# closure ---------------------------------------------------------------------------------------------
def displaced_thermal(label: str, alpha: complex, nth: float) -> complex:
    """⟨a†^p a^q⟩ for a = α + b, b thermal with ⟨b†b⟩ = nth: Σ_k k! C(p,k) C(q,k) nth^k α*^(p-k) α^(q-k)."""
    p, q = boson_powers(label)
    return sum(factorial(k) * comb(p, k) * comb(q, k) * nth**k * np.conj(alpha) ** (p - k) * alpha ** (q - k) for k in range(min(p, q) + 1))


@pytest.mark.parametrize("symmetry, alpha", [("broken", 0.4 + 0.25j), ("u1", 0.0)])
def test_closure_is_exact_for_gaussian_mode_times_product_emitters(symmetry, alpha):
    """Every joint cumulant of order ≥ 3 of a, a† vanishes in a displaced thermal state (Gaussian), and
    a product state of emitters has no mixed cumulants: the closure must reproduce every moment of
    order 3..7 (broken: 3..6) exactly from the lower ones (and agree with the explicit sum over set
    partitions up to order 5)."""
    nth = 0.35
    spin = {"I": 1.0, "Z": -0.3, "P": 0.2 - 0.15j if symmetry == "broken" else 0.0}
    spin["M"] = np.conj(spin["P"])
    nonzero = nonzero_filter(symmetry)

    def value(m: Moment) -> complex:
        return displaced_thermal(m.central, alpha, nth) * np.prod([spin[s] for s in m.satellites])

    n_checked = 0
    for m in enumerate_moments(7, "boson"):
        if m.order < 3 or not nonzero(m) or len(m.satellites) > 3:
            continue
        if symmetry == "broken" and m.order == 7:
            continue  # the broken order-7 closures are large; orders 3..6 cover every structure
        terms = closure(m, nonzero)
        if m.order <= 5:
            assert terms == closure_by_partitions(m, nonzero), m
        approx = sum(k * np.prod([value(f) for f in fs]) for fs, k in terms.items())
        assert abs(approx - value(m)) < 1e-12 * max(1.0, abs(value(m))), m
        n_checked += 1
    assert n_checked > (100 if symmetry == "broken" else 30)


def test_closure_treats_each_ladder_operator_separately():
    """⟨a†a σ+σ-⟩ (order 4) under U(1): the pairings of the four operators that conserve charge,
    ⟨a†a⟩⟨σ+σ-⟩ + ⟨a†σ-⟩⟨aσ+⟩ (no ⟨a†σ+⟩-type pairings), as in QuantumCumulants.jl."""
    got = closure(Moment("Aa", ("P", "M")), nonzero_filter("u1"))
    assert got == {
        (Moment("I", ("P", "M")), Moment("Aa", ())): 1,
        (Moment("A", ("M",)), Moment("a", ("P",))): 1,
    }
    # ⟨a†² a²⟩ of order 4 from a thermal-like (charge-0) second moment: 2⟨a†a⟩²
    assert closure(Moment("AAaa", ()), nonzero_filter("u1")) == {(Moment("Aa", ()), Moment("Aa", ())): 2}


@pytest.mark.parametrize("order, symmetry",
                         [(1, "broken"), (2, "u1"), (2, "broken"), (3, "u1"), (3, "broken"), (4, "u1"), (5, "u1"), (6, "u1")])
def test_derived_system_is_closed(order, symmetry):
    """Every moment on a right-hand side is an unknown (or its adjoint), the constant, or a closure moment
    of order M + 1 whose factors are unknowns; U(1) systems hold no charged moment."""
    s = derive_system(TAVIS_CUMMINGS, order, symmetry)
    reps = set(s.moments)

    def known(m: Moment) -> bool:
        return m == ONE or m.representative() in reps

    for m in s.moments:
        assert m.order <= order and (symmetry == "broken" or m.charge == 0)
        for mm in s.equations[m]:
            assert known(mm) or (mm in s.closures and mm.order == order + 1), (m, mm)
    for m, terms in s.closures.items():
        assert all(known(f) and f.order <= order for fs in terms for f in fs), m
    compiled = compile_system(s)
    x = np.random.default_rng(2).normal(size=compiled.n_real)
    assert np.all(np.isfinite(BoundSystem(compiled, fig3b(7)).rhs(x)))


def test_order2_equals_hand_derived_equations():
    """U(1) order 2, derived by hand (n = ⟨a†a⟩, c = ⟨a†σn^-⟩, z = ⟨σn^z⟩, s = ⟨σn^+σm^-⟩, Γ_T = Γ↑ + Γ↓,
    Γ_Δ = Γ↑ - Γ↓; closures ⟨a†a σz⟩ ≈ n z, ⟨a† σz σ-⟩ ≈ z c):
        dn/dt = -κ n + 2gN Im c
        dc/dt = [i(ω - ε) - (κ + Γ_T)/2] c + ig[(N - 1) s + (1 + z)/2 + n z]
        dz/dt = Γ_Δ - Γ_T z - 4g Im c
        ds/dt = -Γ_T s + 2g z Im c"""
    s = derive_system(TAVIS_CUMMINGS, 2, "u1")
    assert set(s.moments) == {Moment("Aa", ()), Moment("A", ("M",)), Moment("I", ("Z",)), Moment("I", ("P", "M"))}
    compiled = compile_system(s)
    rng = np.random.default_rng(4)
    for p in PARAMETER_SETS:
        N = 7.0
        b = BoundSystem(compiled, {**p, "N": N})
        w, e, g, k = p["omega"], p["epsilon"], p["g"], p["kappa"]
        GT, GD = p["gamma_up"] + p["gamma_down"], p["gamma_up"] - p["gamma_down"]
        for _ in range(5):
            x = rng.normal(size=b.n_x)
            zv = dict(zip(compiled.zmoments, b.z_of_x(x)))
            n, c = zv[Moment("Aa", ())], zv[Moment("A", ("M",))]
            z, sp = zv[Moment("I", ("Z",))], zv[Moment("I", ("P", "M"))]
            hand = {
                Moment("Aa", ()): -k * n + 2 * g * N * c.imag,
                Moment("A", ("M",)): (1j * (w - e) - (k + GT) / 2) * c + 1j * g * ((N - 1) * sp + (1 + z) / 2 + n * z),
                Moment("I", ("Z",)): GD - GT * z - 4 * g * c.imag,
                Moment("I", ("P", "M")): -GT * sp + 2 * g * z * c.imag,
            }
            F = b.complex_rhs(x)
            for i, m in enumerate(b.reps):
                assert abs(F[i] - hand[m]) < 1e-12, m


def test_variance_observable_and_product_state_bounds():
    """photon_number_variance = ⟨a†²a²⟩ + ⟨a†a⟩ - ⟨a†a⟩², NaN below order 4; a coherent state has
    Poisson statistics (variance = mean) and is admissible; a state with ⟨a†a σz⟩ > ⟨a†a⟩ is not."""
    values = fig3b(5)
    low = BoundSystem(compile_system(derive_system(TAVIS_CUMMINGS, 3, "u1")), values)
    assert np.isnan(low.observables(np.zeros(low.n_x))["photon_number_variance"])
    b = BoundSystem(compile_system(derive_system(TAVIS_CUMMINGS, 4, "u1")), values)
    x = b.product_state({"a": 1.3}, {"Z": 0.2, "P": 0.0})
    obs = b.observables(x)
    assert abs(obs["photon_number"] - 1.69) < 1e-12 and abs(obs["photon_number_per_N"] - 1.69 / 5) < 1e-12
    assert abs(obs["photon_number_variance"] - 1.69) < 1e-12
    assert b.admissible(x)
    zv = b.z_of_x(x)
    k = b.compiled.zmoments.index(Moment("Aa", ("Z",)))
    zv[k] = 1.1 * 1.69
    assert not b.admissible(b.x_of_z(zv))


def mean_field_photons_per_N(p: dict) -> float:
    """Mean-field lasing solution (rotating at ν = (ωΓ_T + εκ)/(κ + Γ_T)): ⟨σz⟩ = κΓ_T(1 + (2δ/(κ+Γ_T))²)/(4g²N)
    with δ = ω - ε, and from the energy balance κ⟨a†a⟩ = N(Γ_Δ - Γ_T⟨σz⟩)/2; no photons below threshold."""
    GT, GD = p["gamma_up"] + p["gamma_down"], p["gamma_up"] - p["gamma_down"]
    delta = p["omega"] - p["epsilon"]
    z_lasing = p["kappa"] * GT * (1 + (2 * delta / (p["kappa"] + GT)) ** 2) / (4 * p["g"] ** 2 * p["N"])
    return max(GD - GT * z_lasing, 0.0) / (2 * p["kappa"])


@pytest.mark.parametrize(
    "p",
    [
        fig3b(10),  # above threshold (pump ratio 3/4)
        {**fig3b(10), "gamma_up": 0.3, "gamma_down": 0.2},  # closer to threshold
        {**fig3b(10), "gamma_up": 0.27, "gamma_down": 0.23},  # below: Γ_Δ/Γ_T = 0.08 < κΓ_T/(4g²N) = 0.154
        {**fig3b(6), "omega": 1.2, "kappa": 0.7},  # detuned
    ],
)
def test_mean_field_photon_number_against_lasing_threshold(p):
    from cumex.cumulants.solver import solve_model_order

    result = solve_model_order("tavis_cummings", "1", p, {})
    assert result.converged and result.physical is not None and result.physical.stable
    got = result.physical.observables["photon_number_per_N"]
    assert abs(got - mean_field_photons_per_N(p)) < 1e-8


def exact_photons_per_N(p: dict, N: int, D: int) -> float:
    """Steady state of the full master equation (Fock cutoff D) by a dense linear solve."""
    H, jumps = generator_terms(p, N, D)
    d = H.shape[0]
    eye = np.eye(d)
    L = -1j * (np.kron(eye, H) - np.kron(H.T, eye))
    for rate, J in jumps:
        JdJ = J.conj().T @ J
        L = L + rate * (np.kron(J.conj(), J) - 0.5 * np.kron(eye, JdJ) - 0.5 * np.kron(JdJ.T, eye))
    L[0, :] = eye.reshape(-1, order="F")  # one equation replaced by Tr ρ = 1
    b = np.zeros(d * d, dtype=complex)
    b[0] = 1.0
    rho = np.linalg.solve(L, b).reshape(d, d, order="F")
    a = embed(ladder(D), [], N)
    return float(np.real(np.trace(rho @ a.conj().T @ a))) / N


def test_fig3b_one_emitter_higher_orders_approach_exact():
    """Fig. 3b parameters at N = 1 (exact with 12 Fock levels; the 9-level result agrees to 1e-8):
    orders 4 and 5 lie within 0.01 of the exact ⟨a†a⟩/N and closer to it than order 2."""
    from cumex.cumulants.solver import solve_model_order

    p = fig3b(1)
    exact = exact_photons_per_N(p, 1, 12)
    assert abs(exact - exact_photons_per_N(p, 1, 9)) < 1e-8
    got = {}
    for order in ("2", "4", "5"):
        r = solve_model_order("tavis_cummings", order, p, {})
        assert r.physical is not None and r.physical.stable, r.status
        got[order] = r.physical.observables["photon_number_per_N"]
    assert abs(got["4"] - exact) < 0.01 and abs(got["5"] - exact) < 0.01
    assert abs(got["2"] - exact) > max(abs(got["4"] - exact), abs(got["5"] - exact))


@pytest.mark.slow
def test_fig3b_fifth_order_unstable_beyond_about_100():
    """The paper: the fifth-order solution becomes unstable for N ≳ 100. Here the stable physical branch
    exists at N = 90 and no stable steady state is left at N = 120 (the branch ends in a fold near 100)."""
    from cumex.cumulants.solver import model_system
    from cumex.steady import find_steady_states

    below = find_steady_states(model_system("tavis_cummings", "5", fig3b(90)), settings={})
    assert below.physical is not None and below.physical.stable
    above = find_steady_states(model_system("tavis_cummings", "5", fig3b(120)), settings={"n_random": 16}, find_physical=False)
    assert not any(fp.stable for fp in above.fixed_points)
