"""Snakemake script of rule `solve`: solve one batch of grid points and write it as one NetCDF file.

The batch is solved by cumex.sweep.solve_batch: by continuation along its grid where the order's engine
allows it, else (and wherever a count of states can change) each point as cumex.study.solve_point
solves it alone, which records a numerical failure or a timeout in the data (converged = 0, NaN values,
status) instead of raising; the file is written atomically.
"""

import logging
import pathlib
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821 (injected by Snakemake)
logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

import _library  # noqa: E402,F401 (cumex from this checkout when run in the conda env)

from cumex.integrity import DamagedFileError  # noqa: E402
from cumex.io import write_dataset  # noqa: E402
from cumex.methods import parse_method  # noqa: E402
from cumex.models import get_model  # noqa: E402
from cumex.results import status_code  # noqa: E402
from cumex.sweep import solve_batch  # noqa: E402
from cumex.sweep.layout import batch_dataset  # noqa: E402

job = dict(snakemake.params.job)  # noqa: F821
log = logging.getLogger("cumex.workflow.solve")
points = [dict(zip(job["axes"], values)) for values in job["points"]]
try:
    solved = solve_batch(job["model"], job["order"], job["scaling"], points, job["overrides"], job["settings"])
except DamagedFileError as exc:
    # the compiled system is damaged: remove it so that the next run derives it again; this job fails
    log.error("%s; removed it: run the same command again", exc)
    pathlib.Path(exc.path).unlink(missing_ok=True)
    raise
for k, bp in enumerate(solved, 1):
    log.info(
        "[%d/%d] %s order=%s %s: %s (%s) in %.3g s", k, len(solved), job["scaling"], job["order"],
        " ".join(f"{a}={v}" for a, v in bp.point.items()), status_code(bp.result.status), bp.how, bp.seconds,
    )

# attributes that differ between points (the concrete parameters) are dropped: they are data variables too.
# NetCDF3: quick to write here and quick to read for the aggregate step (cumex.table)
label = parse_method(job["order"], get_model(job["model"])).label
write_dataset(batch_dataset(solved, job["model"], label, job["scaling"], job["overrides"]), snakemake.output[0],  # noqa: F821
              format="NETCDF3_64BIT")
