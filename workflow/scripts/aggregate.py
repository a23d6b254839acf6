"""Snakemake script of rule `aggregate`: merge a study's batch files into results/{study}/dataset.nc."""

import json
import logging
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821 (injected by Snakemake)
logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

from pathlib import Path  # noqa: E402

import _library  # noqa: E402,F401 (cumex from this checkout when run in the conda env)

from cumex.assemble import assemble_files  # noqa: E402
from cumex.integrity import DamagedFileError  # noqa: E402
from cumex.io import write_dataset  # noqa: E402

# assemble, not xarray.combine_by_coords: batches of unequal shape (a union of grids) must combine too.
try:
    ds = assemble_files(snakemake.input)  # noqa: F821
except DamagedFileError as exc:
    # a damaged job file is removed, so that the next run of the same command solves that batch again
    logging.getLogger("cumex.workflow.aggregate").error("%s; removed it: run the same command again", exc)
    Path(exc.path).unlink(missing_ok=True)
    raise
ds.attrs["study"] = snakemake.params.study  # noqa: F821
ds.attrs["study_config"] = json.dumps(dict(snakemake.config), sort_keys=True, default=str)  # noqa: F821
logging.getLogger("cumex.workflow.aggregate").info(
    "%d files -> dims %s, %d points solved, %d failed", len(snakemake.input), dict(ds.sizes),  # noqa: F821
    int((ds["converged"] == 1).sum()), int((ds["converged"] == 0).sum()),
)
write_dataset(ds, snakemake.output[0])  # noqa: F821
