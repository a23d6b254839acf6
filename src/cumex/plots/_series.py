"""Pull one line (values against N or against the pump ratio) out of a study dataset."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from cumex.plots.style import failed, present

__all__ = ["Series", "series"]


@dataclass
class Series:
    """x values of solved points with their y values, and x values of failed points."""

    x: np.ndarray
    y: np.ndarray
    x_failed: np.ndarray

    @property
    def empty(self) -> bool:
        return self.x.size == 0 and self.x_failed.size == 0


def series(line: xr.DataArray, ds_line: xr.Dataset, along: str) -> Series:
    """``line`` (1-D over ``along``) at the points the study solved; failed points separately."""
    coords = np.asarray(ds_line[along].values, dtype=float)
    is_present = np.asarray(present(ds_line).values, dtype=bool)
    is_failed = np.asarray(failed(ds_line).values, dtype=bool)
    values = np.asarray(line.values, dtype=float)
    ok = is_present & ~is_failed & np.isfinite(values)
    return Series(coords[ok], values[ok], coords[is_failed])
