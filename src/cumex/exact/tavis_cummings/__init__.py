"""Exact steady states of the driven-dissipative Tavis–Cummings model (permutation symmetry + U(1) sector).

Modules: ``parameters`` (the model and its concrete parameters), ``basis`` (Fock dyads ⊗ permutation-symmetric
emitter operators, the U(1) sector and its Fock/coherence truncation), ``liouvillian`` (the generator),
``ordering`` (grid nested dissection), ``steady`` (sparse LU with adaptive cutoffs), ``observables``,
``solver`` (``solve_exact``); test oracle ``brute_force`` (full Hilbert space, N ≤ 5).
The mean-field counterpart is :mod:`cumex.handwritten.tavis_cummings`.
"""

from cumex.exact.tavis_cummings.basis import TCBasis
from cumex.exact.tavis_cummings.observables import OBSERVABLE_NAMES, observables
from cumex.exact.tavis_cummings.parameters import TavisCummingsParameters, figure_parameters
from cumex.exact.tavis_cummings.solver import DEFAULT_SETTINGS, read_settings, solve_exact
from cumex.exact.tavis_cummings.steady import TCSteadyResult, solve_on_basis, steady_state

__all__ = [
    "TavisCummingsParameters",
    "figure_parameters",
    "TCBasis",
    "OBSERVABLE_NAMES",
    "observables",
    "steady_state",
    "solve_on_basis",
    "TCSteadyResult",
    "solve_exact",
    "read_settings",
    "DEFAULT_SETTINGS",
]
