"""Hand-written moment equations (mean-field and second-order cumulants) of the central spin model."""

from cumex.handwritten.central_spin import mean_field_system, order2_system, solve_mean_field, solve_order2

__all__ = ["mean_field_system", "order2_system", "solve_mean_field", "solve_order2"]
