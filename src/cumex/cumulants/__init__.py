"""Cumulant expansions of any order for many-to-one models, derived automatically.

The central site is a spin-1/2 or a bosonic mode (normal-ordered a†^p a^q, :mod:`.boson`); the satellites
are N identical spin-1/2. The order counts operators (a Pauli label 1, a†^p a^q p + q).

Pipeline: a model as data (:mod:`.model`; :mod:`cumex.models.central_spin_operators`,
:mod:`cumex.models.tavis_cummings_operators`) →
exact Heisenberg equations of canonical moments (:mod:`.heisenberg`) → site-based closure at order M
(:mod:`.closure`, operator-based) → an exact :class:`EquationSystem` (:mod:`.system`, printable as text/LaTeX) →
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
