"""A closed set of real ODEs dx/dt = F(x): the common currency of mean-field and cumulant engines.

Every engine that produces moment equations (hand-written, derived by :mod:`cumex.cumulants`, or a
model's mean-field equations) hands the steady-state and attractor analysis a :class:`RealODESystem`
with all parameters (including N) already bound to numbers.

Unknowns are real: a complex moment m contributes Re m and Im m, and a moment and its adjoint are
one unknown, so the Jacobian dF/dx is a real matrix.

Continuous symmetry. If the system keeps moments of non-zero U(1) charge (symmetry-broken
variants), F is equivariant under the phase rotation x → expm(θ G) x, with ``rotation`` the real
antisymmetric generator G (a moment of charge q contributes the block q·[[0, -1], [1, 0]] on its
(Re, Im) pair). A symmetry-broken steady state then rotates, x(t) = expm(ν t G) x*, so it is a zero
of F(x) - ν G x with an unknown frequency ν, and its Jacobian J - ν G has one neutral mode along
G x* which does not count against stability. ``rotation`` is None when every unknown has charge 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["RealODESystem"]


@dataclass
class RealODESystem:
    names: list[str]
    rhs: Callable[[np.ndarray], np.ndarray]
    jacobian: Callable[[np.ndarray], np.ndarray]
    observables: Callable[[np.ndarray], dict[str, float]]
    #: the fixed physical initial state (for the symmetry-broken variants it carries a small seed)
    initial_state: np.ndarray
    #: k random physical states as a (k, n) array, for multi-start root finding
    sample_states: Callable[[np.random.Generator, int], np.ndarray]
    rotation: np.ndarray | None = None
    #: necessary physical bounds: False when x cannot be the moments of any density matrix (e.g.
    #: |<sigma^z>| > 1). Zeros of F that fail it are spurious roots of the closure and are set aside
    #: by the steady-state analysis. None: no check.
    admissible: Callable[[np.ndarray], bool] | None = None
    #: free-form description (model, order, variant, parameters) kept for provenance
    meta: dict[str, object] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.names)
