"""Steady states and attractors of real ODE systems (mean-field and cumulant equations)."""

from cumex.steady.system import RealODESystem

__all__ = ["RealODESystem"]
