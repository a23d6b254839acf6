"""The engines, each as one :class:`Engine`: how to solve a point and which settings it reads.

A model file names its engines by reference (``Model.engines``: "cumex.engines:EXACT_CENTRAL_SPIN"),
so that a model imports no engine. Every engine is called with the model, the parsed method, the
point's concrete parameters and the settings; it returns a :class:`~cumex.results.MethodResult`. Its
``settings`` are the keys it reads with their defaults and ``check`` validates their values (raising
:class:`~cumex.errors.CumexInputError` naming the key), so a study is checked before any job runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cumex.results import MethodResult

__all__ = ["Engine", "COMMON_SETTINGS", "EXACT_CENTRAL_SPIN", "HANDWRITTEN_CENTRAL_SPIN", "CUMULANTS",
           "LMG_MEAN_FIELD", "LMG_EXACT", "LIMIT",
           "EXACT_TAVIS_CUMMINGS", "MEAN_FIELD_TAVIS_CUMMINGS", "EXACT_SYMMETRIC", "symmetric_model_of", "MEAN_FIELD_MULTIMODE_DICKE",
           "steady_settings", "LIMIT_ALIASES", "limit_aliases"]

#: settings every point reads (cumex.study.solve_point): a wall-time limit and the choice of equations
COMMON_SETTINGS: dict[str, object] = {"timeout_seconds": None, "engine": "auto"}


@dataclass(frozen=True)
class Engine:
    name: str
    #: (model, method, concrete parameters, settings, scaling=..., point=..., overrides=...) -> MethodResult
    solve: Callable[..., MethodResult]
    #: the settings it reads, with defaults (a callable, so that defaults are imported lazily)
    defaults: Callable[[], Mapping[str, object]] = dict
    check: Callable[[Mapping[str, object]], object] = lambda settings: None
    description: str = ""
    #: False when one compiled call can run for minutes (a sparse LU): a time limit then runs the solve
    #: in a child process that can be killed (cumex.timeouts)
    interruptible: bool = True
    #: time evolution from the model's initial state, or None when the engine has no dynamics:
    #: (model, method, concrete parameters, times, settings, scaling=..., point=..., overrides=...) ->
    #: cumex.dynamics.TimeTraces; with the settings it reads (defaults) and their check (cumex.dynamics)
    evolve: Callable[..., object] | None = None
    evolve_defaults: Callable[[], Mapping[str, object]] = dict
    evolve_check: Callable[[Mapping[str, object]], object] = lambda settings: None


def _dynamics(name: str) -> Callable[..., Any]:
    """The object ``name`` of :mod:`cumex.dynamics.engines`, imported when first called (engines stay cheap)."""
    def call(*args, **kwargs):
        from cumex.dynamics import engines

        return getattr(engines, name)(*args, **kwargs)

    return call


# -- the steady-state analysis (Newton + stability + attractors), read by the ODE engines -----------
def steady_settings() -> dict[str, object]:
    from cumex.steady.analysis import DEFAULT_SETTINGS
    from cumex.steady.attractors import DEFAULT_SETTINGS as ATTRACTOR
    from cumex.steady.fallback import MAX_WORK, PREFIX

    return {**DEFAULT_SETTINGS, **{PREFIX + k: v for k, v in ATTRACTOR.items()}, PREFIX + "max_work": MAX_WORK}


def _check_steady(settings: Mapping[str, object]) -> None:
    from cumex.steady.analysis import read_settings
    from cumex.steady.fallback import attractor_settings

    read_settings(settings)
    attractor_settings(settings)


def _typed(params: Mapping[str, float]) -> dict[str, float]:
    """Concrete parameters as an engine's parameter dataclass takes them: N an integer, the rest floats."""
    return {k: (int(v) if k == "N" else float(v)) for k, v in params.items()}


# -- central spin: exact, hand-written orders 1 and 2, derived cumulants ----------------------------
def _central_spin_params(params: Mapping[str, float]):
    from cumex.models.central_spin import CentralSpinParameters

    return CentralSpinParameters(**_typed(params))  # type: ignore[arg-type]


def _solve_exact_central_spin(model, method, params, settings, **context):
    from cumex.exact.solver import solve

    return solve(_central_spin_params(params), settings)


def _exact_defaults():
    from cumex.exact.solver import DEFAULT_SETTINGS

    return DEFAULT_SETTINGS


def _check_exact(settings):
    from cumex.exact.solver import read_settings

    read_settings(settings)


EXACT_CENTRAL_SPIN = Engine(
    "exact_central_spin", _solve_exact_central_spin, _exact_defaults, _check_exact,
    "U(1)-reduced permutation-symmetric Liouvillian of a central spin and N satellites (cumex.exact)",
    interruptible=False, evolve=_dynamics("evolve_exact_central_spin"),
)


def _solve_handwritten(model, method, params, settings, **context):
    from cumex.handwritten.central_spin import solve_mean_field, solve_order2

    solver = solve_mean_field if method.order == 1 else solve_order2
    return solver(_central_spin_params(params), settings)


HANDWRITTEN_CENTRAL_SPIN = Engine(
    "handwritten_central_spin", _solve_handwritten, steady_settings, _check_steady,
    "hand-written mean-field and second-order equations of the central spin (cumex.handwritten)",
)

_CUMULANT_SETTINGS = {"compiled": None, "cache_dir": None, "seed": None, "lower_order_guess": None, "continue_in_N": True}


def _solve_cumulants(model, method, params, settings, **context):
    from cumex.cumulants.solver import solve_order

    return solve_order(method.label, params, settings, model=model.name)


def _check_cumulants(settings):
    from cumex.errors import CumexInputError

    _check_steady(settings)
    seed = settings.get("seed", 0.01)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, float))):
        raise CumexInputError("settings.seed", seed, "a real number (the symmetry-breaking seed of the initial state)")
    for key in ("compiled", "cache_dir"):
        value = settings.get(key)
        if value is not None and not isinstance(value, str):
            raise CumexInputError(f"settings.{key}", value, "a path (string) or null")
    if not isinstance(settings.get("continue_in_N", True), bool):
        raise CumexInputError("settings.continue_in_N", settings["continue_in_N"], "true or false")
    guess = settings.get("lower_order_guess")
    if guess is not None and not isinstance(guess, bool):
        raise CumexInputError("settings.lower_order_guess", guess, "true, false or null (default: on for U(1) orders >= 3)")


CUMULANTS = Engine(
    "cumulants", _solve_cumulants, lambda: {**steady_settings(), **_CUMULANT_SETTINGS}, _check_cumulants,
    "cumulant expansions of any order, derived from the model's operator data (cumex.cumulants)",
    evolve=_dynamics("evolve_cumulants"), evolve_defaults=_dynamics("cumulant_defaults"),
    evolve_check=_dynamics("check_cumulant_settings"),
)


# -- LMG dimer: mean-field fixed points and attractors (cumex.meanfield), exact (cumex.exact.lmg_dimer) ---
def _lmg_params(params: Mapping[str, float]):
    from cumex.models.lmg_dimer import LMGDimerParameters

    return LMGDimerParameters(J=params["J"], lam=params["lambda"], g=params["g"], gamma=params["gamma"], S=params["S"])


def _solve_lmg_mean_field(model, method, params, settings, **context):
    from cumex.meanfield.lmg_solve import solve_mean_field

    return solve_mean_field(_lmg_params(params), settings)


def _lmg_mean_field_defaults():
    from cumex.meanfield.lmg_solve import default_settings

    return default_settings()


def _check_lmg_mean_field(settings):
    from cumex.meanfield.lmg_solve import check_settings

    check_settings(settings)


def _solve_lmg_exact(model, method, params, settings, **context):
    from cumex.exact.lmg_dimer import solve

    return solve(_lmg_params(params), settings)


LMG_MEAN_FIELD = Engine("lmg_mean_field", _solve_lmg_mean_field, _lmg_mean_field_defaults, _check_lmg_mean_field,
                        "fixed points of the LMG-dimer mean-field equations on the Bloch spheres, and attractors")
LMG_EXACT = Engine("lmg_exact", _solve_lmg_exact, dict, lambda s: None,
                   "exact steady state of the LMG dimer for spin length S (parity sector)", interruptible=False)


# -- the exact N -> infinity limits (cumex.limits) ----------------------------------------------------
def _solve_limit(model, method, params, settings, *, scaling, point, overrides, **context):
    from cumex.limits.api import solve_limit

    values = {**dict(overrides), **{k: v for k, v in point.items() if k != model.size_axis}}
    result = solve_limit(model.name, scaling, values, settings)
    for state in result.states:
        state.observables.update(limit_aliases(state.observables))
    return result


#: the limit's names of the bath quadrature's moments -> the finite-N names (cumex.exact.symmetric.observables)
LIMIT_ALIASES = {"quadrature": "quadrature_mean", "quadrature_fourth_moment": "quadrature_central4",
                 "quadrature_fourth_cumulant": "quadrature_cumulant4"}


def limit_aliases(observables: Mapping[str, Any]) -> dict[str, Any]:
    """The finite-N names of the limit's quadrature observables (:data:`LIMIT_ALIASES`), for the one schema."""
    return {LIMIT_ALIASES[k]: v for k, v in observables.items() if k in LIMIT_ALIASES}


def _limit_defaults():
    from cumex.limits.jaynes_cummings import DEFAULT_SETTINGS

    return DEFAULT_SETTINGS


def _check_limit(settings):
    from cumex.limits.jaynes_cummings import read_settings

    read_settings(settings)


LIMIT = Engine("limit", _solve_limit, _limit_defaults, _check_limit,
               "the exact N -> infinity limit of the point's scaling: an open Jaynes-Cummings model (g ~ 1/sqrt(N)) "
               "solved in an adaptive Fock cutoff, or the N -> infinity mean-field state (cumex.limits)",
               evolve=_dynamics("evolve_limit_engine"), evolve_defaults=_limit_defaults, evolve_check=_check_limit)


# -- Tavis-Cummings: exact (permutation symmetry + U(1) + Fock cutoff) and mean-field closed form -----
def _tc_params(params: Mapping[str, float]):
    from cumex.exact.tavis_cummings import TavisCummingsParameters

    return TavisCummingsParameters(**_typed(params))  # type: ignore[arg-type]


def _solve_exact_tc(model, method, params, settings, **context):
    from cumex.exact.tavis_cummings import solve_exact

    return solve_exact(_tc_params(params), settings)


def _exact_tc_defaults():
    from cumex.exact.tavis_cummings import DEFAULT_SETTINGS

    return DEFAULT_SETTINGS


def _check_exact_tc(settings):
    from cumex.exact.tavis_cummings import read_settings

    read_settings(settings)


EXACT_TAVIS_CUMMINGS = Engine(
    "exact_tavis_cummings", _solve_exact_tc, _exact_tc_defaults, _check_exact_tc,
    "Tavis-Cummings: permutation-symmetric emitters in the Dicke (j, m) basis, U(1) sector, adaptive Fock cutoff, "
    "GMRES with block Gauss-Seidel (exact_method: dicke; sector_lu: the older coherence-cutoff LU) "
    "(cumex.exact.tavis_cummings)", interruptible=False,
)


def _solve_mean_field_tc(model, method, params, settings, **context):
    from cumex.handwritten.tavis_cummings import solve_mean_field

    return solve_mean_field(_tc_params(params), settings)


MEAN_FIELD_TAVIS_CUMMINGS = Engine(
    "mean_field_tavis_cummings", _solve_mean_field_tc, dict, lambda settings: None,
    "Tavis-Cummings mean-field steady states in closed form with their stability (cumex.handwritten.tavis_cummings)",
)


# -- any central spin + N spin-1/2 model from its operator data, without U(1): the whole symmetric space
def symmetric_model_of(model, params: Mapping[str, float]):
    """The model's operator data (central spin-1/2, N satellites) at concrete ``params`` as the symmetric
    engine's CentralSpinModel (one-site terms, exchange terms c·A ⊗ Σ_k B, jumps with their rates)."""
    import numpy as np

    from cumex.exact.dense import PAULI
    from cumex.exact.symmetric import CentralSpinModel

    values = {k: float(v) for k, v in params.items()}
    central, bath = np.zeros((2, 2), complex), np.zeros((2, 2), complex)
    coupling = []
    for term in model.operators.hamiltonian:
        c = complex(term.coefficient.evaluate(values))
        if term.satellite == "I":
            central += c * PAULI[term.central]
        elif term.central == "I":
            bath += c * PAULI[term.satellite]
        else:
            coupling.append((c, PAULI[term.central], PAULI[term.satellite]))
    jumps: dict[str, list] = {"central": [], "satellite": []}
    for jump in model.operators.jumps:
        jumps[jump.site].append((values[jump.rate], PAULI[jump.operator]))
    return CentralSpinModel(central, bath, tuple(jumps["central"]), tuple(jumps["satellite"]), tuple(coupling), 0.0,
                            name=model.name)


def _solve_exact_symmetric(model, method, params, settings, **context):
    from cumex.exact.symmetric import STEADY_DEFAULTS, steady_state

    own = {k: v for k, v in settings.items() if k in STEADY_DEFAULTS}
    return steady_state(symmetric_model_of(model, params), int(params["N"]), own)


def _symmetric_defaults():
    from cumex.exact.symmetric import STEADY_DEFAULTS

    return STEADY_DEFAULTS


def _check_symmetric(settings):
    from cumex.exact.symmetric import STEADY_DEFAULTS, read_settings

    read_settings({k: v for k, v in settings.items() if k in STEADY_DEFAULTS}, "steady")


EXACT_SYMMETRIC = Engine(
    "exact_symmetric", _solve_exact_symmetric, _symmetric_defaults, _check_symmetric,
    "a central spin-1/2 and N spins-1/2 from the model's operator data, without U(1): the whole "
    "permutation-symmetric space of 4 C(N+3, 3) elements (cumex.exact.symmetric)", interruptible=False,
    evolve=_dynamics("evolve_exact_symmetric"), evolve_defaults=_dynamics("symmetric_defaults"),
    evolve_check=_dynamics("check_symmetric_settings"),
)


# -- multimode Dicke pattern retrieval: mean-field with conserved spin lengths (cumex.meanfield) --------
def _solve_multimode_dicke(model, method, params, settings, **context):
    from cumex.meanfield.multimode_dicke import DEFAULT_SETTINGS, solve_multimode_dicke

    values = {"M": int(params["M"]), "omega": params["omega"], "kappa": params["kappa"], "g0": params["g0"]}
    own = {k: v for k, v in settings.items() if k in DEFAULT_SETTINGS}
    return solve_multimode_dicke(values, own).to_method_result()


def _multimode_dicke_defaults():
    from cumex.meanfield.multimode_dicke import DEFAULT_SETTINGS

    return DEFAULT_SETTINGS


def _check_multimode_dicke(settings):
    from cumex.meanfield.multimode_dicke import DEFAULT_SETTINGS, read_settings

    read_settings({k: v for k, v in settings.items() if k in DEFAULT_SETTINGS})


MEAN_FIELD_MULTIMODE_DICKE = Engine(
    "mean_field_multimode_dicke", _solve_multimode_dicke, _multimode_dicke_defaults, _check_multimode_dicke,
    "multimode Dicke mean-field (exact as N -> infinity): fixed points on the product of spheres, classified on "
    "the tangent space, and the overlap reached from each pattern-aligned start (cumex.meanfield)",
)
