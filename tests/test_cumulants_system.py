"""Structure of the derived equation systems: paper equations, closure, invariants, compiled form, cache."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from scipy.linalg import expm

from cumex.cumulants.bind import BoundSystem, bind
from cumex.cumulants.cache import compiled_system, derive, load_compiled, write_compiled
from cumex.cumulants.closure import closure, closure_coefficient_sum
from cumex.cumulants.compile import compile_system
from cumex.cumulants.heisenberg import heisenberg
from cumex.cumulants.moments import ONE, Moment
from cumex.cumulants.system import derive_system, moment_symbol
from cumex.errors import CumexInputError
from cumex.models.central_spin_operators import CENTRAL_SPIN
from cumex.operators.many_to_one import HamiltonianTerm, ManyToOneModel
from cumex.operators.polynomial import Poly

u1 = lambda m: m.charge == 0  # noqa: E731
S = {n: sympy.Symbol(n, real=True) for n in ("omega", "epsilon", "g", "kappa", "gamma_up", "gamma_down", "N")}
GT = S["gamma_up"] + S["gamma_down"]
GD = S["gamma_up"] - S["gamma_down"]


def mom(central: str, *sats: str) -> sympy.Expr:
    return moment_symbol(Moment(central, tuple(sats)))


def Im(x: sympy.Expr) -> sympy.Expr:
    return (x - sympy.conjugate(x)) / (2 * sympy.I)


def test_closure_coefficient_sums_match_paper_remark():
    """⟨σ0+ σn- σm+ σk- ...⟩ under U(1): closure coefficients sum to 2, -3, 34, -455 at orders 3, 5, 7, 9
    (paper, after eq. 14), and to 1 when nothing vanishes (symmetry broken)."""
    sums = []
    for k in (2, 3, 4, 5):
        m = Moment("P", tuple(["M", "P"] * k)[: 2 * k - 1])
        sums.append(closure_coefficient_sum(m, u1))
        assert closure_coefficient_sum(m, lambda _: True) == 1
    assert sums == [2, -3, 34, -455]


def test_closure_eq14_and_exact_for_product_states():
    """Eq. 14: ⟨σ0+σn-σm+σk-⟩ ≈ 2⟨σ0+σn-⟩⟨σm+σk-⟩; for a product state the cumulant vanishes, so the
    closure must reproduce every (M+1)-site moment exactly from the single-site values."""
    assert closure(Moment("P", ("M", "M", "P")), u1) == {
        (Moment("I", ("P", "M")), Moment("P", ("M",))): 2
    }
    rng = np.random.default_rng(3)
    c = {"I": 1.0, "Z": 0.3, "P": 0.2 + 0.1j, "M": 0.2 - 0.1j}
    s = {"I": 1.0, "Z": -0.4, "P": -0.15 + 0.25j, "M": -0.15 - 0.25j}

    def value(m: Moment) -> complex:
        return c[m.central] * np.prod([s[x] for x in m.satellites])

    for _ in range(40):
        sats = tuple(sorted(rng.choice(["Z", "P", "M"], size=rng.integers(2, 5)), key="ZPM".index))
        m = Moment(str(rng.choice(["I", "Z", "P", "M"])), sats)
        approx = sum(k * np.prod([value(f) for f in fs]) for fs, k in closure(m, lambda _: True).items())
        assert abs(approx - value(m)) < 1e-12


def paper_order3() -> dict[Moment, sympy.Expr]:
    """Eqs. S1–S9 of the supplement, typed in by hand. S6 is illegible in the extracted text; its
    right-hand side below is our own derivation (i[H, σ0+σn-σm^z] and the dissipators by hand, then
    ⟨σ0^z σn^z σm+ σk-⟩ closed by its vanishing 4-site cumulant under U(1))."""
    N, g, k, w, e = S["N"], S["g"], S["kappa"], S["omega"], S["epsilon"]
    z0, zn = mom("Z"), mom("I", "Z")
    X = mom("P", "M")  # ⟨σ0+ σn-⟩
    C = mom("I", "P", "M")  # ⟨σn+ σm-⟩
    Y = mom("Z", "P", "M")  # ⟨σ0^z σn+ σm-⟩
    W = mom("P", "Z", "M")  # ⟨σ0+ σn- σm^z⟩
    V = mom("I", "Z", "P", "M")  # ⟨σn^z σm+ σk-⟩
    zz = mom("I", "Z", "Z")
    z0z = mom("Z", "Z")
    z0zpm = C * z0z + zn * Y + z0 * V - 2 * z0 * zn * C  # closure of ⟨σ0^z σn^z σm+ σk-⟩
    return {
        Moment("Z", ()): -k * (z0 + 1) + 4 * g * N * Im(X),  # S1
        Moment("I", ("Z",)): -GT * zn + GD - 4 * g * Im(X),  # S2
        Moment("P", ("M",)): (sympy.I * (w - e) - (k + GT) / 2) * X
        + sympy.I * g / 2 * zn - sympy.I * g / 2 * z0 - sympy.I * g * (N - 1) * Y,  # S3
        Moment("I", ("P", "M")): -GT * C + 2 * g * Im(W),  # S4
        Moment("Z", ("P", "M")): -(k + GT) * Y - k * C + 2 * g * Im(X) + 8 * g * (N - 2) * Im(X) * C,  # S5
        Moment("P", ("Z", "M")): (sympy.I * (w - e) - (k + 3 * GT) / 2) * W + GD * X - sympy.I * g * C
        + sympy.I * g / 2 * zz - sympy.I * g / 2 * z0z - sympy.I * g * (N - 2) * z0zpm,  # S6 (derived)
        Moment("I", ("Z", "P", "M")): -2 * GT * V + GD * C - 8 * g * Im(X) * C
        + 2 * g * (Im(X) * zz - 2 * Im(X) * zn**2 + 2 * Im(W) * zn),  # S7
        Moment("I", ("Z", "Z")): -2 * GT * zz + 2 * GD * zn - 8 * g * Im(W),  # S8
        Moment("Z", ("Z",)): -(k + GT) * z0z - k * zn + GD * z0 + 4 * g * (N - 1) * Im(W),  # S9
    }


def test_order3_equals_supplement_S1_to_S9():
    system = derive("central_spin", 3, "u1")
    paper = paper_order3()
    assert set(system.moments) == set(paper)
    for m, rhs in system.to_sympy().items():
        assert sympy.expand(rhs - paper[m]) == 0, m


def test_order2_equals_paper_eqs_3_4_10_11():
    """Second order (U(1)): eqs. 3, 4, 10 and 11 as printed (eq. 11 as in its legible second copy)."""
    N, g, k, w, e = S["N"], S["g"], S["kappa"], S["omega"], S["epsilon"]
    z0, zn, X, C = mom("Z"), mom("I", "Z"), mom("P", "M"), mom("I", "P", "M")
    paper = {
        Moment("Z", ()): -k * (z0 + 1) + 4 * g * N * Im(X),
        Moment("I", ("Z",)): -GT * zn + GD - 4 * g * Im(X),
        Moment("P", ("M",)): (sympy.I * (w - e) - (k + GT) / 2) * X
        + sympy.I * g / 2 * zn - sympy.I * g / 2 * z0 - sympy.I * g * (N - 1) * z0 * C,
        Moment("I", ("P", "M")): -GT * C + 2 * g * Im(X) * zn,
    }
    system = derive("central_spin", 2, "u1")
    assert set(system.moments) == set(paper)
    for m, rhs in system.to_sympy().items():
        assert sympy.expand(rhs - paper[m]) == 0, m


def test_order1_equals_mean_field_eqs_3_to_6():
    """Mean field (broken): eqs. 3–6 with second moments factorised."""
    N, g, k, w, e = S["N"], S["g"], S["kappa"], S["omega"], S["epsilon"]
    z0, zn, p0, pn = mom("Z"), mom("I", "Z"), mom("P"), mom("I", "P")
    X = p0 * sympy.conjugate(pn)
    paper = {
        Moment("Z", ()): -k * (z0 + 1) + 4 * g * N * Im(X),
        Moment("I", ("Z",)): -GT * zn + GD - 4 * g * Im(X),
        Moment("P", ()): (sympy.I * w - k / 2) * p0 - sympy.I * g * N * z0 * pn,
        Moment("I", ("P",)): (sympy.I * e - GT / 2) * pn - sympy.I * g * p0 * zn,
    }
    system = derive("central_spin", 1, "broken")
    assert set(system.moments) == set(paper)
    for m, rhs in system.to_sympy().items():
        assert sympy.expand(rhs - paper[m]) == 0, m


@pytest.mark.parametrize("order, symmetry", [(1, "broken"), (2, "u1"), (3, "broken"), (4, "u1"), (5, "u1"), (4, "broken")])
def test_derived_system_is_closed_and_conjugation_consistent(order, symmetry):
    system = derive("central_spin", order, symmetry)
    reps = set(system.moments)
    known = lambda m: m == ONE or m.representative() in reps  # noqa: E731
    for m in system.moments:
        assert m.order <= order and m == m.representative()
        if symmetry == "u1":
            assert m.charge == 0
        for mm in system.equations[m]:
            assert known(mm) or (mm.order == order + 1 and mm in system.closures), (m, mm)
        # the equation of m† is the complex conjugate of that of m (Hermitian averages stay real)
        adj = {mm.adjoint(): c.conjugate() for mm, c in system.equations[m].items()}
        direct = heisenberg(CENTRAL_SPIN, m.adjoint())
        if symmetry == "u1":
            direct = {mm: c for mm, c in direct.items() if mm == ONE or mm.charge == 0}
        assert adj == direct
    for factors in system.closures.values():
        assert all(known(f) for fs in factors for f in fs)


@pytest.mark.parametrize("order, symmetry", [(3, "u1"), (3, "broken")])
def test_compiled_rhs_matches_symbolic_and_hermitian_averages_real(order, symmetry):
    system = derive("central_spin", order, symmetry)
    compiled = compile_system(system)
    values = dict(omega=1.1, epsilon=0.9, g=0.7, kappa=2.0, gamma_up=1.3, gamma_down=0.6, N=37)
    b = BoundSystem(compiled, values)
    rng = np.random.default_rng(1)
    x = rng.normal(size=b.n_x)
    z = b.z_of_x(x)
    subs = {sympy.Symbol(n, real=True): v for n, v in values.items()}
    for k, m in enumerate(compiled.zmoments):
        if m == m.representative():
            subs[moment_symbol(m)] = z[k]
    F = b.complex_rhs(x)
    for i, m in enumerate(b.reps):
        expected = complex(system.closed_rhs(m).subs(subs).evalf())
        assert abs(F[i] - expected) < 1e-9 * max(1.0, abs(expected))
        if m.self_adjoint:
            assert abs(F[i].imag) < 1e-12  # a real average has a real time derivative


@pytest.mark.parametrize("order, symmetry", [(2, "u1"), (3, "broken"), (5, "u1")])
def test_jacobian_matches_finite_differences(order, symmetry):
    b = BoundSystem(compile_system(derive("central_spin", order, symmetry)),
                    dict(omega=1.0, epsilon=1.0, g=0.75, kappa=3.0, gamma_up=1.5, gamma_down=0.5, N=48))
    x = np.random.default_rng(2).uniform(-0.5, 0.5, b.n_x)
    h = 1e-6
    numeric = np.array([(b.rhs(x + h * e) - b.rhs(x - h * e)) / (2 * h) for e in np.eye(b.n_x)]).T
    np.testing.assert_allclose(b.jacobian(x), numeric, atol=1e-6 * max(1.0, np.abs(numeric).max()))


def test_rotation_generator_is_a_symmetry_of_the_broken_system():
    """F(expm(θG)x) = expm(θG)F(x): the U(1) generator handed to the steady-state engine is right."""
    s = bind(compiled_system("central_spin", 3, "broken"),
             dict(omega=1.0, epsilon=1.0, g=0.75, kappa=3.0, gamma_up=1.5, gamma_down=0.5, N=48),
             CENTRAL_SPIN.initial_sites)
    G = s.rotation
    assert G is not None and np.allclose(G, -G.T)
    x = np.random.default_rng(4).uniform(-0.5, 0.5, s.size)
    U = expm(0.7 * G)
    np.testing.assert_allclose(s.rhs(U @ x), U @ s.rhs(x), atol=1e-12)
    assert bind(compiled_system("central_spin", 3, "u1"), dict(s.meta["values"])).rotation is None


def test_u1_variant_detects_symmetry_breaking_models():
    drive = ManyToOneModel(
        name="driven", parameters=("f",),
        hamiltonian=(HamiltonianTerm(Poly.symbol("f"), "P", "I"), HamiltonianTerm(Poly.symbol("f"), "M", "I")),
        jumps=(),
    )
    with pytest.raises(CumexInputError, match="symmetry"):
        derive_system(drive, 2, "u1")
    assert derive_system(drive, 2, "broken").n_equations > 0


def test_text_latex_and_cache_roundtrip(tmp_path, monkeypatch):
    system = derive("central_spin", 2, "u1")
    text, latex = system.to_text(), system.to_latex()
    assert "4 moments" in text and "<Z0 P1 M2> = <Z0>*<P1 M2>" in text
    assert r"\partial_t \langle \sigma_0^z \rangle" in latex
    path = write_compiled(tmp_path / "c.npz", "central_spin", 4, "broken")
    loaded = load_compiled(path)
    direct = compile_system(derive("central_spin", 4, "broken"))
    values = dict(omega=1.0, epsilon=1.0, g=0.75, kappa=3.0, gamma_up=1.5, gamma_down=0.5, N=48)
    x = np.random.default_rng(5).normal(size=direct.n_real)
    np.testing.assert_array_equal(BoundSystem(loaded, values).rhs(x), BoundSystem(direct, values).rhs(x))
    monkeypatch.setenv("CUMEX_CACHE_DIR", str(tmp_path / "cache"))
    compiled_system("central_spin", 2, "u1")
    assert len(list((tmp_path / "cache").glob("central_spin-order2-u1-*-v*.npz"))) == 1
    with pytest.raises(CumexInputError):
        derive("central_spin", 0, "u1")
    with pytest.raises(CumexInputError):
        derive("no_such_model", 2, "u1")


def test_solver_reads_a_compiled_file_and_rejects_a_mismatch(tmp_path):
    from cumex.cumulants.solver import central_spin_system
    from cumex.models.central_spin import resolve_parameters

    p = resolve_parameters(30, "fixed_kappa_over_N", 0.75)
    path = write_compiled(tmp_path / "o3.npz", "central_spin", 3, "u1")
    from_file = central_spin_system("3", p, {"compiled": str(path)})
    from_cache = central_spin_system("3", p, {"cache_dir": str(tmp_path / "cache")})
    x = from_cache.initial_state
    np.testing.assert_array_equal(from_file.rhs(x), from_cache.rhs(x))
    with pytest.raises(CumexInputError, match="compiled"):
        central_spin_system("4", p, {"compiled": str(path)})


@pytest.mark.parametrize("lower, upper", [("1", "2"), ("2", "3"), ("3_broken", "4_broken"), ("4", "6")])
def test_lifting_a_product_state_gives_the_higher_order_product_state(lower, upper):
    """A product state has no cumulants, so lifting it through the closure must be exact."""
    from cumex.cumulants.lift import lift_state
    from cumex.cumulants.solver import central_spin_system
    from cumex.models.central_spin import resolve_parameters

    p = resolve_parameters(40, "fixed_kappa_over_N", 0.6)
    lo, up = central_spin_system(lower, p), central_spin_system(upper, p)
    centre = {"Z": 0.3, "P": 0.2 + 0.1j}
    sat = {"Z": -0.5, "P": 0.1 - 0.3j}
    if up.rotation is None:  # U(1) target: its product states carry no charge
        centre["P"] = sat["P"] = 0.0
    x_lo = lo.meta["bound"].product_state(centre, sat)
    np.testing.assert_allclose(
        lift_state(lo.meta["bound"], x_lo, up.meta["bound"]), up.meta["bound"].product_state(centre, sat), atol=1e-14
    )
