"""Snakemake script of rule `plot`: one figure of a study (the model's FigureSpec) from its dataset."""

import logging
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821 (injected by Snakemake)
logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

import _library  # noqa: E402,F401 (cumex from this checkout when run in the conda env)

from cumex.io import read_dataset  # noqa: E402
from cumex.plots import draw_figure, save_figure  # noqa: E402

ds = read_dataset(snakemake.input[0])  # noqa: F821
choices = dict(snakemake.params.figures)  # noqa: F821
name = snakemake.wildcards.figure  # noqa: F821
paths = [snakemake.output[fmt] for fmt in choices["formats"]]  # noqa: F821
save_figure(draw_figure(ds, name, choices), paths)
logging.getLogger("cumex.workflow.plot").info("wrote %s", ", ".join(paths))
