"""The LMG dimer of Kothe & Kirton (2025): mean-field equations, fixed points, exact solver, boundaries."""

__all__ = ["meanfield", "fixed_points", "boundaries"]
