"""Exact steady states of the driven-dissipative Tavis–Cummings model (permutation symmetry + U(1) sector).

Default method (``exact_method: dicke``): ``dicke`` (the emitters' total-angular-momentum basis, blocks (j, E) of
fixed j and excitation number, the local jumps from Clebsch–Gordan coupling), ``dicke_solve`` (GMRES with
block Gauss–Seidel sweeps in E, every block inverted exactly as a Sylvester operator), ``dicke_steady``
(adaptive Fock cutoff, observables; no coherence truncation). The older method (``exact_method: sector_lu``),
modules: ``parameters`` (the model and its concrete parameters), ``basis`` (Fock dyads ⊗ permutation-symmetric
emitter operators, the U(1) sector and its Fock/coherence truncation), ``liouvillian`` (the generator),
``ordering`` (grid nested dissection), ``steady`` (sparse LU with adaptive cutoffs), ``observables``,
``solver`` (``solve_exact``); test oracle ``brute_force`` (full Hilbert space, N ≤ 5).
The mean-field counterpart is :mod:`cumex.handwritten.tavis_cummings`.
"""

from cumex.exact.tavis_cummings.basis import TCBasis
from cumex.exact.tavis_cummings.dicke import DickeBasis, dicke_generator
from cumex.exact.tavis_cummings.dicke_solve import solve_dicke
from cumex.exact.tavis_cummings.dicke_steady import dicke_observables, steady_state_dicke
from cumex.exact.tavis_cummings.observables import OBSERVABLE_NAMES, observables
from cumex.exact.tavis_cummings.parameters import TavisCummingsParameters, figure_parameters
from cumex.exact.tavis_cummings.solver import DEFAULT_SETTINGS, read_settings, solve_exact
from cumex.exact.tavis_cummings.steady import TCSteadyResult, solve_on_basis, steady_state

__all__ = [
    "TavisCummingsParameters",
    "figure_parameters",
    "TCBasis",
    "DickeBasis",
    "dicke_generator",
    "solve_dicke",
    "dicke_observables",
    "steady_state_dicke",
    "OBSERVABLE_NAMES",
    "observables",
    "steady_state",
    "solve_on_basis",
    "TCSteadyResult",
    "solve_exact",
    "read_settings",
    "DEFAULT_SETTINGS",
]
