"""Snakemake script of rule `solve`: solve one batch of grid points and write it as one NetCDF file.

Every point is solved by cumex.study.solve_point, which records a numerical failure or a timeout in
the data (converged = 0, NaN values, status) instead of raising; the file is written atomically.
"""

import logging
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821 (injected by Snakemake)
logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

import xarray as xr  # noqa: E402

import _library  # noqa: E402,F401 (cumex from this checkout when run in the conda env)

from cumex.io import write_dataset  # noqa: E402
from cumex.study import solve_point  # noqa: E402

job = dict(snakemake.params.job)  # noqa: F821
log = logging.getLogger("cumex.workflow.solve")
points = []
for pump_ratio in job["pump_ratios"]:
    ds = solve_point(
        model=job["model"], order=job["order"], scaling=job["scaling"], N=job["N"], pump_ratio=pump_ratio,
        overrides=job["overrides"], settings=job["settings"],
    )
    log.info(
        "%s order=%s N=%d r=%s: %s in %.3g s", job["scaling"], job["order"], job["N"], pump_ratio,
        ds["status"].values.item(), ds["solve_seconds"].values.item(),
    )
    points.append(ds)

# per-point attributes that differ (the concrete parameters) are dropped here: they are data variables too
batch = xr.concat(points, dim="pump_ratio", data_vars="all", coords="different", compat="equals", join="outer", combine_attrs="drop_conflicts")
write_dataset(batch, snakemake.output[0])  # noqa: F821
