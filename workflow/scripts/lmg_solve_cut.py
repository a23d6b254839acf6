"""Snakemake script of rule `lmg_solve_cut`: exact steady states of spin length S along one cut."""

import logging
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821 (injected by Snakemake)
logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

from cumex.io import write_dataset  # noqa: E402
from cumex.lmg.study import solve_cut  # noqa: E402

p = snakemake.params  # noqa: F821
fixed_name, fixed_value, swept, values = p.cut
ds = solve_cut(p.S, {fixed_name: fixed_value}, swept, values, p.parameters)
logging.getLogger("cumex.workflow.lmg").info("S=%s %s=%s: %d points in %.3g s", p.S, fixed_name, fixed_value,
                                             len(values), float(ds["solve_seconds"].sum()))
write_dataset(ds, snakemake.output[0])  # noqa: F821
