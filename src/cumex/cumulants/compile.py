"""Compile an :class:`EquationSystem` into vectorised numeric functions (rhs and exact Jacobian).

Layout. z holds every complex moment value the equations use (each representative, and the adjoint
of each complex representative), then the constant 1; w holds the closure moments (order M + 1),
w_j = Σ_t k_t Π_p z[f_tp] (integer k_t, factors padded with the constant). The equations are linear
in (z, w): F = A_z z + A_w w, with A bound from exact coefficients once per parameter point.

Real unknowns x: for each representative, Re m and (unless self-adjoint) Im m, in this order; z = R x.
The real rhs and Jacobian rows are (Re F_m, Im F_m); by the chain rule dF/dx = (A_z + A_w dw/dz) R,
which is exact because F is a polynomial in z with each z entry a linear function of x.
The structure depends only on model, order and variant; parameters and N enter through ``bind``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from cumex.cumulants.closure import closure, nonzero_filter
from cumex.cumulants.moments import ONE, Moment, canonical
from cumex.cumulants.system import EquationSystem
from cumex.operators.many_to_one import Observable
from cumex.operators.polynomial import Monomial

__all__ = ["CompiledSystem", "compile_system", "moment_to_str", "moment_from_str"]


def moment_to_str(m: Moment) -> str:
    return m.central + "|" + "".join(m.satellites)


def moment_from_str(s: str) -> Moment:
    c, sats = s.split("|")
    return Moment(c, tuple(sats))


def _poly_terms(factor_lists: list[tuple[int, tuple[int, ...], complex]], one: int) -> dict[str, np.ndarray]:
    """Pack (target, factor indices, coefficient) rows into padded arrays."""
    degree = max((len(f) for _, f, _ in factor_lists), default=1) or 1
    target = np.array([t for t, _, _ in factor_lists], dtype=np.int64)
    factors = np.full((len(factor_lists), degree), one, dtype=np.int64)
    for i, (_, f, _) in enumerate(factor_lists):
        factors[i, : len(f)] = f
    coef = np.array([c for _, _, c in factor_lists], dtype=np.complex128)
    return {"target": target, "factors": factors, "coef": coef}


@dataclass
class CompiledSystem:
    """Numeric structure of an equation system (see module docstring); cheap to save and load."""

    model: str
    order: int
    symmetry: str
    parameters: tuple[str, ...]
    reps: list[Moment]
    zmoments: list[Moment]  # z entries (without the trailing constant)
    wmoments: list[Moment]
    monomials: list[Monomial]
    #: linear part: row (rep), column (z index incl. constant at len(z), or len(z)+1+j for w_j), monomial, coef
    lin_row: np.ndarray
    lin_col: np.ndarray
    lin_mono: np.ndarray
    lin_coef: np.ndarray
    #: closure polynomials for w
    clo: dict[str, np.ndarray]
    #: observables: name -> (terms packed like clo with target 0, part, scale, offset, n_power, min_order)
    observables: dict[str, tuple[dict[str, np.ndarray], str, float, float, int, int]] = field(default_factory=dict)

    @property
    def n_real(self) -> int:
        return sum(1 if m.self_adjoint else 2 for m in self.reps)

    def names(self) -> list[str]:
        out = []
        for m in self.reps:
            out.append(f"Re {m}")
            if not m.self_adjoint:
                out.append(f"Im {m}")
        return out

    # persistence ---------------------------------------------------------------------------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        meta = {
            "model": self.model,
            "order": self.order,
            "symmetry": self.symmetry,
            "parameters": list(self.parameters),
            "reps": [moment_to_str(m) for m in self.reps],
            "zmoments": [moment_to_str(m) for m in self.zmoments],
            "wmoments": [moment_to_str(m) for m in self.wmoments],
            "monomials": [list(map(list, m)) for m in self.monomials],
            "observables": {k: list(rest) for k, (_, *rest) in self.observables.items()},
        }
        arrays = {
            "meta": np.array(json.dumps(meta)),
            "lin_row": self.lin_row,
            "lin_col": self.lin_col,
            "lin_mono": self.lin_mono,
            "lin_coef": self.lin_coef,
        }
        arrays.update({f"clo_{k}": v for k, v in self.clo.items()})
        for name, (terms, *_rest) in self.observables.items():
            arrays.update({f"obs_{name}__{k}": v for k, v in terms.items()})
        return arrays

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> CompiledSystem:
        meta = json.loads(str(arrays["meta"]))
        observables = {}
        for name, spec in meta["observables"].items():
            terms = {k: arrays[f"obs_{name}__{k}"] for k in ("target", "factors", "coef")}
            part, scale, offset, n_power, min_order = [*spec, 0, 1][:5]  # files before n_power/min_order
            observables[name] = (terms, part, scale, offset, int(n_power), int(min_order))
        return cls(
            model=meta["model"],
            order=meta["order"],
            symmetry=meta["symmetry"],
            parameters=tuple(meta["parameters"]),
            reps=[moment_from_str(s) for s in meta["reps"]],
            zmoments=[moment_from_str(s) for s in meta["zmoments"]],
            wmoments=[moment_from_str(s) for s in meta["wmoments"]],
            monomials=[tuple((n, int(p)) for n, p in m) for m in meta["monomials"]],
            lin_row=arrays["lin_row"],
            lin_col=arrays["lin_col"],
            lin_mono=arrays["lin_mono"],
            lin_coef=arrays["lin_coef"],
            clo={k: arrays[f"clo_{k}"] for k in ("target", "factors", "coef")},
            observables=observables,
        )


def _observable_terms(
    system: EquationSystem, obs: Observable, zindex: dict[Moment, int], one: int
) -> list[tuple[int, tuple[int, ...], complex]]:
    """⟨obs⟩ as a polynomial in z: directly, zero by symmetry, or through the closure (recursively)."""
    nonzero = nonzero_filter(system.symmetry)

    def expand(m: Moment) -> list[tuple[tuple[int, ...], complex]]:
        if m == ONE:
            return [((), 1.0)]
        if not nonzero(m):
            return []
        if m in zindex:
            return [((zindex[m],), 1.0)]
        if m.order <= system.order:
            raise ValueError(f"observable moment {m} is not in the derived system")
        out: list[tuple[tuple[int, ...], complex]] = []
        for factors, k in closure(m, nonzero).items():
            partial: list[tuple[tuple[int, ...], complex]] = [((), float(k))]
            for f in factors:
                partial = [(a + b, ca * cb) for a, ca in partial for b, cb in expand(f)]
            out += partial
        return out

    terms = [(0, f, c) for f, c in expand(canonical(obs.central, obs.satellites))]
    for coef, moments in obs.extra:
        partial: list[tuple[tuple[int, ...], complex]] = [((), float(coef))]
        for central, sats in moments:
            partial = [(a + b, ca * cb) for a, ca in partial for b, cb in expand(canonical(central, sats))]
        terms += [(0, f, c) for f, c in partial]
    return terms


def compile_system(system: EquationSystem) -> CompiledSystem:
    reps = list(system.moments)
    zmoments: list[Moment] = []
    for m in reps:
        zmoments.append(m)
        if not m.self_adjoint:
            zmoments.append(m.adjoint())
    zindex = {m: i for i, m in enumerate(zmoments)}
    one = len(zmoments)
    wmoments = list(system.closures)
    windex = {m: one + 1 + j for j, m in enumerate(wmoments)}
    monomials: list[Monomial] = []
    mono_index: dict[Monomial, int] = {}
    rows, cols, monos, coefs = [], [], [], []
    for r, m in enumerate(reps):
        for mm, poly in system.equations[m].items():
            col = one if mm == ONE else zindex[mm] if mm in zindex else windex[mm]
            for mono, (re, im) in poly.terms.items():
                if mono not in mono_index:
                    mono_index[mono] = len(monomials)
                    monomials.append(mono)
                rows.append(r)
                cols.append(col)
                monos.append(mono_index[mono])
                coefs.append(complex(float(re), float(im)))
    clo_rows = []
    for j, m in enumerate(wmoments):
        for factors, k in system.closures[m].items():
            clo_rows.append((j, tuple(zindex[f] for f in factors), float(k)))
    observables = {
        name: (
            _poly_terms(_observable_terms(system, obs, zindex, one), one),  # type: ignore[arg-type]
            obs.part, obs.scale, obs.offset, obs.n_power, obs.min_order,  # type: ignore[attr-defined]
        )
        for name, obs in system.observables.items()
    }
    return CompiledSystem(
        model=system.model,
        order=system.order,
        symmetry=system.symmetry,
        parameters=tuple(system.parameters),
        reps=reps,
        zmoments=zmoments,
        wmoments=wmoments,
        monomials=monomials,
        lin_row=np.array(rows, dtype=np.int64),
        lin_col=np.array(cols, dtype=np.int64),
        lin_mono=np.array(monos, dtype=np.int64),
        lin_coef=np.array(coefs, dtype=np.complex128),
        clo=_poly_terms(clo_rows, one),  # type: ignore[arg-type]
        observables=observables,
    )
