"""Snakemake script of rule `solve`: solve one batch of grid points and write it as one NetCDF file.

Every point is solved by cumex.study.solve_point, which records a numerical failure or a timeout in
the data (converged = 0, NaN values, status) instead of raising; the file is written atomically.
"""

import logging
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821 (injected by Snakemake)
logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

import _library  # noqa: E402,F401 (cumex from this checkout when run in the conda env)
from cumex.assemble import assemble  # noqa: E402

from cumex.io import write_dataset  # noqa: E402
from cumex.study import solve_point  # noqa: E402

job = dict(snakemake.params.job)  # noqa: F821
log = logging.getLogger("cumex.workflow.solve")
points = []
for N, pump_ratio in job["points"]:
    ds = solve_point(
        model=job["model"], order=job["order"], scaling=job["scaling"], N=int(N), pump_ratio=pump_ratio,
        overrides=job["overrides"], settings=job["settings"],
    )
    log.info(
        "%s order=%s N=%d r=%s: %s in %.3g s", job["scaling"], job["order"], N, pump_ratio,
        ds["status"].values.item(), ds["solve_seconds"].values.item(),
    )
    points.append(ds)

# attributes that differ between points (the concrete parameters) are dropped: they are data variables too.
# NetCDF3: quick to write here and quick to read for the aggregate step (cumex.table)
write_dataset(assemble(points), snakemake.output[0], format="NETCDF3_64BIT")  # noqa: F821
