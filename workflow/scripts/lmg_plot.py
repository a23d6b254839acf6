"""Snakemake script of rule `lmg_plot`: the LMG-dimer figures from the aggregated datasets."""

import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821 (injected by Snakemake)

from cumex.io import read_dataset  # noqa: E402
from cumex.plots.lmg import plot_cuts, plot_stability_diagram  # noqa: E402

p = snakemake.params  # noqa: F821
g = float(p.parameters.get("g", 1.0))
gamma = float(p.parameters.get("gamma", 0.5))
meanfield = read_dataset(snakemake.input.meanfield)  # noqa: F821
plot_stability_diagram(meanfield, snakemake.output.stability, g=g, gamma=gamma)  # noqa: F821
plot_cuts(meanfield, read_dataset(snakemake.input.exact), p.cuts, snakemake.output.cuts, g=g)  # noqa: F821
