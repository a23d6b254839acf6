"""Mean-field engines of models outside the central-spin family (the open multimode Dicke model)."""

from cumex.meanfield.multimode_dicke import MultimodeDickeResult, solve_multimode_dicke
from cumex.meanfield.multimode_dicke_model import MultimodeDickeParameters, g_crit, pattern_matrix, resolve_parameters

__all__ = ["solve_multimode_dicke", "MultimodeDickeResult", "MultimodeDickeParameters", "resolve_parameters",
           "pattern_matrix", "g_crit"]
