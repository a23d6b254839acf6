"""The cumulant-expansion equation system of a model at a given order, as exact data.

``derive(model, order, symmetry)`` starts from the model's first moments and observables and follows
the Heisenberg equations (:mod:`heisenberg`) until the set of moments of order ≤ M is closed; moments of
order M + 1 are replaced by their closure (:mod:`closure`). In the ``"u1"`` variant moments of non-zero
U(1) charge vanish (the model's U(1) symmetry is verified, not assumed); ``"broken"`` keeps them all.

Unknowns: one per pair {m, m†} of moments (the representative with the smaller sort key); a moment
equal to its own adjoint is real.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import sympy

from cumex.cumulants.closure import closure, nonzero_filter
from cumex.cumulants.heisenberg import heisenberg
from cumex.cumulants.moments import ONE, Moment, canonical
from cumex.errors import CumexInputError
from cumex.operators.boson import boson_latex, is_boson
from cumex.operators.many_to_one import ManyToOneModel
from cumex.operators.polynomial import Poly

__all__ = ["EquationSystem", "derive_system", "SYMMETRIES", "moment_symbol", "moment_latex", "nonzero_filter"]

SYMMETRIES = ("u1", "broken")
_LATEX_OP = {"Z": "z", "P": "+", "M": "-"}
_SAT_INDEX = "nmklpqrstuvw"


def moment_latex(m: Moment) -> str:
    if m == ONE:
        return "1"
    if is_boson(m.central):
        parts = [boson_latex(m.central)]
    else:
        parts = [rf"\sigma_0^{_LATEX_OP[m.central]}"] if m.central != "I" else []
    parts += [rf"\sigma_{_SAT_INDEX[i]}^{_LATEX_OP[s]}" for i, s in enumerate(m.satellites)]
    return r"\langle " + " ".join(parts) + r" \rangle"


def moment_symbol(m: Moment) -> sympy.Expr:
    """Sympy value of ⟨m⟩: a symbol for a representative (real if self-adjoint), else its conjugate."""
    if m == ONE:
        return sympy.Integer(1)
    rep = m.representative()
    sym = sympy.Symbol(str(rep), real=rep.self_adjoint)
    return sym if rep == m else sympy.conjugate(sym)


@dataclass
class EquationSystem:
    """d⟨m⟩/dt = Σ c · ⟨m'⟩ for every representative m (c exact in N and parameters), where moments m'
    of order ``order + 1`` stand for their closure Σ k · Π⟨factors⟩ (integer k)."""

    model: str
    order: int
    symmetry: str
    parameters: tuple[str, ...]
    moments: list[Moment]
    equations: dict[Moment, dict[Moment, Poly]]
    closures: dict[Moment, dict[tuple[Moment, ...], int]]
    #: observable name -> (Observable spec) kept for the compiled system
    observables: dict[str, object] = field(default_factory=dict)

    @property
    def n_equations(self) -> int:
        return len(self.moments)

    @property
    def n_real(self) -> int:
        return sum(1 if m.self_adjoint else 2 for m in self.moments)

    def nonzero(self) -> Callable[[Moment], bool]:
        return nonzero_filter(self.symmetry)

    # exact symbolic form -------------------------------------------------------------------------
    def closed_rhs(self, m: Moment) -> sympy.Expr:
        """The closed right-hand side of d⟨m⟩/dt as a sympy expression in the moment symbols."""
        expr = sympy.Integer(0)
        for mm, coef in self.equations[m].items():
            expr += coef.to_sympy() * self._value(mm)
        return sympy.expand(expr)

    def _value(self, m: Moment) -> sympy.Expr:
        if m.order > self.order:
            return sum(
                (k * sympy.Mul(*(moment_symbol(f) for f in fs)) for fs, k in self.closures[m].items()),
                sympy.Integer(0),
            )
        return moment_symbol(m)

    def to_sympy(self) -> dict[Moment, sympy.Expr]:
        return {m: self.closed_rhs(m) for m in self.moments}

    # printing ------------------------------------------------------------------------------------
    def _header(self) -> str:
        return (
            f"{self.model}: cumulant expansion of order {self.order} ({self.symmetry}), "
            f"{self.n_equations} moments, {self.n_real} real unknowns"
        )

    def to_text(self) -> str:
        lines = [self._header(), "sites: 0 central (a†, a for a mode), 1, 2, ... distinct satellites; N satellites in total", ""]
        for m in self.moments:
            rhs = " + ".join(f"({sympy.sstr(sympy.factor(c.to_sympy()))})*{mm}" for mm, c in self.equations[m].items())
            lines.append(f"d{m}/dt = {rhs or '0'}")
        if self.closures:
            lines += ["", f"closure (joint cumulants of order {self.order + 1} set to zero):"]
            for m, terms in self.closures.items():
                rhs = " + ".join(("" if k == 1 else f"{k}*") + "*".join(map(str, fs)) for fs, k in terms.items())
                lines.append(f"{m} = {rhs or '0'}")
        return "\n".join(lines) + "\n"

    def to_latex(self) -> str:
        lines = [f"% {self._header()}", r"\begin{align}"]
        rows = []
        for m in self.moments:
            rhs = " + ".join(
                rf"\left({sympy.latex(sympy.factor(c.to_sympy()))}\right) {moment_latex(mm)}"
                for mm, c in self.equations[m].items()
            )
            rows.append(rf"\partial_t {moment_latex(m)} &= {rhs or '0'}")
        for m, terms in self.closures.items():
            rhs = " + ".join(("" if k == 1 else f"{k} ") + " ".join(moment_latex(f) for f in fs) for fs, k in terms.items())
            rows.append(rf"{moment_latex(m)} &\approx {rhs or '0'}")
        lines.append(" \\\\\n".join(rows))
        lines.append(r"\end{align}")
        return "\n".join(lines) + "\n"


def derive_system(model: ManyToOneModel, order: int, symmetry: str) -> EquationSystem:
    """Derive the closed equation system of ``model`` at cumulant order ``order`` (operators per moment)."""
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise CumexInputError("order", order, "an integer >= 1")
    if symmetry not in SYMMETRIES:
        raise CumexInputError("symmetry", symmetry, "'u1' or 'broken'")
    if symmetry == "u1" and model.u1_violations():
        raise CumexInputError("symmetry", symmetry, f"'broken' ({'; '.join(model.u1_violations())})")
    nonzero = nonzero_filter(symmetry)
    seeds = [canonical(c, ()) for c in model.single_operator_labels()] + [Moment("I", ("Z",)), Moment("I", ("P",))]
    seeds += [canonical(c, s) for o in model.observables.values() for c, s in o.moments()]
    queue: deque[Moment] = deque()
    seen: set[Moment] = set()

    def visit(m: Moment) -> None:
        if m == ONE or not nonzero(m) or m.order > order:
            return
        rep = m.representative()
        if rep not in seen:
            seen.add(rep)
            queue.append(rep)

    for s in seeds:
        visit(s)
    equations: dict[Moment, dict[Moment, Poly]] = {}
    closures: dict[Moment, dict[tuple[Moment, ...], int]] = {}
    while queue:
        m = queue.popleft()
        rhs = {mm: c for mm, c in heisenberg(model, m).items() if mm == ONE or nonzero(mm)}
        equations[m] = rhs
        for mm in rhs:
            if mm.order <= order:
                visit(mm)
            elif mm not in closures:
                if mm.order > order + 1:
                    raise ValueError(f"{mm} in d{m}/dt is of order {mm.order} > {order + 1}: H raises the order by more than one")
                closures[mm] = closure(mm, nonzero)
                for factors in closures[mm]:
                    for f in factors:
                        visit(f)
    moments = sorted(equations, key=Moment.sort_key)
    return EquationSystem(
        model=model.name,
        order=order,
        symmetry=symmetry,
        parameters=model.parameters,
        moments=moments,
        equations={m: equations[m] for m in moments},
        closures=dict(sorted(closures.items(), key=lambda kv: kv[0].sort_key())),
        observables=dict(model.observables),
    )
