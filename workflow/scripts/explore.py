"""Snakemake script of rule `explore`: the study's interactive page results/{study}/explore.html."""

import logging
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821 (injected by Snakemake)
logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

from pathlib import Path  # noqa: E402

import _library  # noqa: E402,F401 (cumex from this checkout when run in the conda env)

from cumex.explore import build_page  # noqa: E402
from cumex.io import read_dataset  # noqa: E402

ds = read_dataset(snakemake.input[0])  # noqa: F821
page = build_page(ds, dict(snakemake.config))  # noqa: F821
out = Path(snakemake.output[0])  # noqa: F821
tmp = out.with_name(f".{out.name}.part")  # written whole, then renamed: a killed job leaves no page
tmp.write_text(page, encoding="utf-8")
tmp.replace(out)
logging.getLogger("cumex.workflow.explore").info("wrote %s (%.1f MB)", out, len(page) / 1e6)
