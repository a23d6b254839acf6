"""Mean-field equations of models with conserved quantities, and their fixed points."""

__all__ = []
