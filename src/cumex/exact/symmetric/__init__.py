"""Exact finite-N engine for central-spin models without U(1) symmetry: the whole permutation-symmetric space.

A central spin-½ and N identical bath spins-½, any single-site Hamiltonians and jumps and any exchange
Σ_i c_i A_i ⊗ Σ_k B_i^(k) (:mod:`.model`, e.g. Carollo's driven central spin :func:`carollo_model`), on the
basis |c⟩⟨d| ⊗ Sym(n) of 4·C(N+3, 3) elements (:mod:`.basis`) in reference-weighted Hilbert–Schmidt
coordinates; the generator is assembled vectorised (:mod:`.generator`) and used in its real form.

Modules: ``model`` (model data, Carollo and Fowler-Wright helpers), ``basis``, ``generator``, ``states``
(product states, real ↔ complex coordinates), ``observables`` (functionals, quadrature moments), ``problem``
(one (model, N) built once), ``steady`` (sparse solve of L r = 0 with Tr ρ = 1), ``krylov`` and ``dynamics``
(time evolution with observable output), ``settings``.
"""

from cumex.exact.symmetric.basis import SymmetricBasis, dimension
from cumex.exact.symmetric.dynamics import evolve, evolve_problem
from cumex.exact.symmetric.model import CentralSpinModel, bath_steady_state, carollo_model, fowler_wright_model
from cumex.exact.symmetric.observables import OBSERVABLE_NAMES
from cumex.exact.symmetric.problem import SymmetricProblem, build_problem
from cumex.exact.symmetric.settings import DYNAMICS_DEFAULTS, STEADY_DEFAULTS, read_settings
from cumex.exact.symmetric.states import ProductState, carollo_initial_state
from cumex.exact.symmetric.steady import solve_problem, steady_state

__all__ = [
    "CentralSpinModel",
    "carollo_model",
    "fowler_wright_model",
    "bath_steady_state",
    "SymmetricBasis",
    "dimension",
    "ProductState",
    "carollo_initial_state",
    "OBSERVABLE_NAMES",
    "SymmetricProblem",
    "build_problem",
    "steady_state",
    "solve_problem",
    "evolve",
    "evolve_problem",
    "read_settings",
    "STEADY_DEFAULTS",
    "DYNAMICS_DEFAULTS",
]
