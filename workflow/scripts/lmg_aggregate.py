"""Snakemake script of rule `lmg_aggregate`: merge rows and cuts by their coordinates.

The mean-field rows tile the (J, lambda) grid, so they are combined by coordinates; the exact cuts
cross each other (a J sweep at one lambda, a lambda sweep at one J), so they are merged with an outer
join: points off every cut are NaN.
"""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821 (injected by Snakemake)

import xarray as xr  # noqa: E402

from cumex.io import combine, read_dataset, write_dataset  # noqa: E402

write_dataset(combine(snakemake.input.meanfield), snakemake.output.meanfield)  # noqa: F821
cuts = [read_dataset(path) for path in snakemake.input.exact]  # noqa: F821
exact = xr.merge(cuts, compat="no_conflicts", join="outer", combine_attrs="drop_conflicts")
write_dataset(exact, snakemake.output.exact)  # noqa: F821
