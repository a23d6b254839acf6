"""Everything one (model, N) needs, built once: basis, real generator, observable functionals, ε."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from cumex.errors import CumexInputError
from cumex.exact.symmetric.basis import SymmetricBasis
from cumex.exact.symmetric.generator import liouvillian
from cumex.exact.symmetric.model import CentralSpinModel, bath_steady_state
from cumex.exact.symmetric.observables import derived, functional_matrix
from cumex.exact.symmetric.states import ProductState, product_state_zeta, to_real

__all__ = ["SymmetricProblem", "build_problem", "reference_population"]

_P_CLIP = (0.02, 0.98)


def reference_population(model: CentralSpinModel, value: float | None = None) -> float:
    """The ζ reference population: ``value``, or the bath spin's steady up-population clipped to [0.02, 0.98]."""
    if value is not None:
        return float(value)
    p = float(bath_steady_state(model)[1, 1].real)
    return min(max(p, _P_CLIP[0]), _P_CLIP[1])


@dataclass
class SymmetricProblem:
    model: CentralSpinModel
    basis: SymmetricBasis
    conj: np.ndarray
    L: sp.csr_matrix  # real form, dr/dt = L r
    G: sp.csr_matrix  # functionals, rows observables.FUNCTIONALS
    epsilon: float  # single bath spin steady ⟨σ^z⟩
    build_seconds: float

    def initial_vector(self, initial: ProductState | np.ndarray) -> np.ndarray:
        """r of a product state, or a given r vector (checked for its length)."""
        if isinstance(initial, ProductState):
            return to_real(product_state_zeta(self.basis, initial), self.conj)
        r = np.asarray(initial)
        if r.shape != (self.basis.dim,) or not np.isrealobj(r) or not np.all(np.isfinite(r)):
            allowed = f"a ProductState or a finite real r vector of length {self.basis.dim}"
            raise CumexInputError("initial", f"array of shape {r.shape}", allowed)
        return r.astype(float)

    def observables(self, values: np.ndarray) -> dict[str, np.ndarray]:
        """Named observables from functional values G r (shape (..., rows of G))."""
        return derived(values, self.basis.N, self.epsilon)


def build_problem(model: CentralSpinModel, N: int, reference: float | None = None) -> SymmetricProblem:
    if not isinstance(model, CentralSpinModel):
        raise CumexInputError("model", type(model).__name__, "a CentralSpinModel")
    t0 = time.perf_counter()
    basis = SymmetricBasis(N, reference_population(model, reference))
    conj = basis.conjugate_index()
    L = liouvillian(model, basis, "real")
    G = functional_matrix(basis, conj)
    eps = float(np.trace(bath_steady_state(model) @ np.diag([-1.0, 1.0])).real)
    return SymmetricProblem(model, basis, conj, L, G, eps, time.perf_counter() - t0)
