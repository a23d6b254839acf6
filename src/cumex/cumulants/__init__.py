"""Cumulant expansions of any order for many-to-one spin models, derived automatically.

Pipeline: a model as data (:mod:`.model`; e.g. :mod:`cumex.models.central_spin_operators`) →
exact Heisenberg equations of canonical moments (:mod:`.heisenberg`) → site-based closure at order M
(:mod:`.closure`) → an exact :class:`EquationSystem` (:mod:`.system`, printable as text/LaTeX) →
compiled arrays (:mod:`.compile`, cached on disk by :mod:`.cache`) → a bound real ODE system with the
exact Jacobian (:mod:`.bind`) → steady states (:mod:`cumex.steady`, via :mod:`.solver`).
"""

from cumex.cumulants.bind import bind
from cumex.cumulants.cache import cache_path, compiled_system, derive, load_compiled, write_compiled
from cumex.cumulants.system import EquationSystem

__all__ = [
    "EquationSystem",
    "derive",
    "write_compiled",
    "load_compiled",
    "compiled_system",
    "cache_path",
    "bind",
]
