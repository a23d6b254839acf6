"""Snakemake script of rule `lmg_solve_row`: mean-field attractor analysis of one J row, one file."""

import logging
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821 (injected by Snakemake)
logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

from cumex.io import write_dataset  # noqa: E402
from cumex.lmg.study import solve_row  # noqa: E402

p = snakemake.params  # noqa: F821
ds = solve_row(p.J, p.lambdas, p.parameters, p.settings)
logging.getLogger("cumex.workflow.lmg").info(
    "J=%s: %d points, attractors %s, %.3g s", p.J, len(p.lambdas),
    sorted(set(ds["attractor"].values.ravel().tolist())), float(ds["solve_seconds"].sum()),
)
write_dataset(ds, snakemake.output[0])  # noqa: F821
