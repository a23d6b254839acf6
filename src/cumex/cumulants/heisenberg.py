"""Exact Heisenberg equations of canonical moments from the Lindblad generator.

For an operator A the adjoint master equation gives

    dA/dt = i[H, A] + Σ_j γ_j ( L_j† A L_j - {L_j† L_j, A}/2 ).

For a moment on the central site and k distinct satellites, a sum Σ_n over satellites splits into
the k satellites already in the moment and N - k new ones, which are all equivalent: the new ones are
represented by one extra slot weighted by the exact polynomial N - k. Dissipators on a site where A is
the identity vanish, so satellite jumps only act on the k satellites of the moment.
The result is linear in moments of order ≤ order(A) + 1 with coefficients exact in N and the parameters
(for a bosonic central site the site products are those of normal-ordered a†^p a^q, :mod:`.boson`).
"""

from __future__ import annotations

from fractions import Fraction

from cumex.cumulants.moments import Moment, canonical
from cumex.operators.labels import label_adjoint, string_commutator, string_product
from cumex.operators.many_to_one import ManyToOneModel
from cumex.operators.polynomial import Poly

__all__ = ["heisenberg"]


def _add(out: dict[Moment, Poly], strings: dict[tuple[str, ...], Fraction], coef: Poly) -> None:
    for s, c in strings.items():
        m = canonical(s[0], s[1:])
        out[m] = out.get(m, Poly()) + coef.scale(c)


def _dissipator(L: tuple[str, ...], A: tuple[str, ...]) -> dict[tuple[str, ...], Fraction]:
    Ld = tuple(label_adjoint(x) for x in L)
    out: dict[tuple[str, ...], Fraction] = {}
    for s1, c1 in string_product(Ld, A).items():
        for s2, c2 in string_product(s1, L).items():
            out[s2] = out.get(s2, Fraction(0)) + c1 * c2
    for LdL, c1 in string_product(Ld, L).items():
        for s2, c2 in string_product(LdL, A).items():
            out[s2] = out.get(s2, Fraction(0)) - c1 * c2 / 2
        for s2, c2 in string_product(A, LdL).items():
            out[s2] = out.get(s2, Fraction(0)) - c1 * c2 / 2
    return {k: v for k, v in out.items() if v != 0}


def heisenberg(model: ManyToOneModel, moment: Moment) -> dict[Moment, Poly]:
    """d⟨moment⟩/dt as {moment: exact coefficient} (the identity moment ``ONE`` holds constants)."""
    k = len(moment.satellites)
    width = k + 2  # central, k explicit satellites, one slot standing for the N - k new satellites
    A = (moment.central, *moment.satellites, "I")
    identity = ("I",) * width
    out: dict[Moment, Poly] = {}

    def placed(central: str, slot: int | None, label: str) -> tuple[str, ...]:
        s = list(identity)
        s[0] = central
        if slot is not None:
            s[slot] = label
        return tuple(s)

    for term in model.hamiltonian:
        i_coef = term.coefficient.scale(0, 1)  # i · c_t
        if term.satellite == "I":
            _add(out, string_commutator(placed(term.central, None, "I"), A), i_coef)
            continue
        for slot in range(1, k + 1):
            _add(out, string_commutator(placed(term.central, slot, term.satellite), A), i_coef)
        new = i_coef * (Poly.symbol("N") + Poly.const(-k))
        _add(out, string_commutator(placed(term.central, k + 1, term.satellite), A), new)

    for jump in model.jumps:
        rate = Poly.symbol(jump.rate)
        slots = [0] if jump.site == "central" else range(1, k + 1)
        for slot in slots:
            L = list(identity)
            L[slot] = jump.operator
            _add(out, _dissipator(tuple(L), A), rate)
    return {m: c for m, c in out.items() if not c.is_zero()}
