"""Snakemake script of rule `plot`: every figure of a study from its aggregated dataset."""

import logging
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821 (injected by Snakemake)
logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

import _library  # noqa: E402,F401 (cumex from this checkout when run in the conda env)

from cumex.io import read_dataset  # noqa: E402
from cumex.plots import plot_convergence, plot_error, plot_pump_ratio, plot_stability, save_figure  # noqa: E402

ds = read_dataset(snakemake.input[0])  # noqa: F821
choices = snakemake.params.figures  # noqa: F821
figures = {
    "convergence": lambda: plot_convergence(ds, pump_ratio=choices["pump_ratio"]),
    "error": lambda: plot_error(ds, pump_ratio=choices["pump_ratio"]),
    "pump_ratio": lambda: plot_pump_ratio(ds, N=choices["N"]),
    "stability": lambda: plot_stability(ds),
}
for name in snakemake.params.figure_names:  # noqa: F821
    paths = [snakemake.output[f"{name}_{fmt}"] for fmt in choices["formats"]]  # noqa: F821
    save_figure(figures[name](), paths)
    logging.getLogger("cumex.workflow.plot").info("wrote %s", ", ".join(paths))
