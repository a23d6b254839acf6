"""Snakemake script of rule `solve`: solve one batch of grid points and write it as one NetCDF file.

Every point is solved by cumex.study.solve_point, which records a numerical failure or a timeout in
the data (converged = 0, NaN values, status) instead of raising; the file is written atomically.
"""

import logging
import pathlib
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821 (injected by Snakemake)
logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

import _library  # noqa: E402,F401 (cumex from this checkout when run in the conda env)

from cumex.assemble import assemble  # noqa: E402
from cumex.integrity import DamagedFileError  # noqa: E402
from cumex.io import write_dataset  # noqa: E402
from cumex.study import solve_point  # noqa: E402

job = dict(snakemake.params.job)  # noqa: F821
log = logging.getLogger("cumex.workflow.solve")
points = []
for k, values in enumerate(job["points"], 1):
    point = dict(zip(job["axes"], values))
    try:
        ds = solve_point(
            model=job["model"], order=job["order"], scaling=job["scaling"], overrides=job["overrides"],
            settings=job["settings"], **point,
        )
    except DamagedFileError as exc:
        # the compiled system is damaged: remove it so that the next run derives it again; this job fails
        log.error("%s; removed it: run the same command again", exc)
        pathlib.Path(exc.path).unlink(missing_ok=True)
        raise
    log.info(
        "[%d/%d] %s order=%s %s: %s in %.3g s", k, len(job["points"]), job["scaling"], job["order"],
        " ".join(f"{a}={v}" for a, v in point.items()), ds["status"].values.item(), ds["solve_seconds"].values.item(),
    )
    points.append(ds)

# attributes that differ between points (the concrete parameters) are dropped: they are data variables too.
# NetCDF3: quick to write here and quick to read for the aggregate step (cumex.table)
write_dataset(assemble(points), snakemake.output[0], format="NETCDF3_64BIT")  # noqa: F821
