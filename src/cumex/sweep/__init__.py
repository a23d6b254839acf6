"""Batches of grid points solved by continuation along their grid (:mod:`cumex.sweep.batch`)."""

from cumex.sweep.batch import (
           BatchPoint,
           continuable,
           serpentine_order,
           solve_batch,
           solve_batch_datasets,
)
from cumex.sweep.closed_form import (
           central_spin_mean_field_states,
           central_spin_order2_states,
)
from cumex.sweep.layout import batch_dataset

__all__ = ["BatchPoint", "solve_batch", "solve_batch_datasets", "serpentine_order", "continuable",
           "central_spin_mean_field_states", "central_spin_order2_states", "batch_dataset"]
