"""Exact N → ∞ limits of central spin models (Carollo, PRL 131, 227102 (2023)).

At g = g_sqrtN/√N the central spin couples to the bath's quantum fluctuations, which become a boson: the
limit is an open Jaynes–Cummings model (:mod:`.model`), solved exactly in an adaptive Fock cutoff
(:mod:`.fock`, :mod:`.jaynes_cummings`). At g ∝ 1/N, and at κ ∝ N in Fowler-Wright's model, the limit is
mean-field (:mod:`.meanfield`). :mod:`.api` is the public edge: :func:`solve_limit`, :func:`evolve_limit`.
"""

from cumex.limits.api import evolve_limit, limit_model, solve_limit
from cumex.limits.model import OpenJaynesCummings, emergent_jaynes_cummings

__all__ = ["solve_limit", "evolve_limit", "limit_model", "OpenJaynesCummings", "emergent_jaynes_cummings"]
