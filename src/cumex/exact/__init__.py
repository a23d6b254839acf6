"""Exact steady states and dynamics of the central spin model in the U(1)-reduced permutation-symmetric basis.

Modules: ``basis`` (the (N+1)(N+2)-element basis and its index arithmetic), ``liouvillian`` (the generator,
vectorised), ``steady`` (the rescaled sparse-LU steady-state solve, by default on the strip of
coherence ladder indices k ≤ K that carries the state; K chosen adaptively), ``ordering`` (nested dissection),
``ladder`` (the cutoff's per-line shifts and next K), ``checks`` (physical bounds of a computed state),
``memory`` (up-front peak-memory estimate), ``observables``, ``dynamics`` (time evolution, standard initial state),
``solver`` (the ``solve`` entry point of the order "exact"); test oracles ``brute_force`` (full Hilbert space, N ≤ 6) and ``unreduced``
(permutation-symmetric without the U(1) restriction).
"""

from cumex.exact.basis import SectorBasis, dimension
from cumex.exact.dynamics import evolve, evolve_observables, initial_state
from cumex.exact.memory import estimate_memory_bytes
from cumex.exact.observables import observables
from cumex.exact.steady import SteadyResult, steady_state

__all__ = [
    "SectorBasis",
    "dimension",
    "steady_state",
    "SteadyResult",
    "observables",
    "evolve",
    "evolve_observables",
    "initial_state",
    "estimate_memory_bytes",
]
