"""Helpers for tests that run the project's Snakemake workflow on a small study in a temporary folder.

The workflow (Snakefile, workflow/, config/, profiles/) is copied into the folder so that a test can
change a copy of a rule's code without touching the checkout, and so that results never land in it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
import yaml

__all__ = [
    "REPO",
    "copy_workflow",
    "frozen_library",
    "write_study",
    "snakemake_command",
    "run",
    "dataset_path",
    "batch_files",
    "solved_values_equal",
    "planned_outputs",
]

REPO = Path(__file__).resolve().parents[2]
# varies from run to run by nature: wall times of the solves
_RUN_DEPENDENT = {"solve_seconds"}


def copy_workflow(dest: Path) -> Path:
    """Copy the workflow files of the checkout into ``dest``; returns the copied Snakefile."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "Snakefile", dest / "Snakefile")
    for folder in ("workflow", "config", "profiles", "envs"):
        shutil.copytree(REPO / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    return dest / "Snakefile"


def frozen_library(dest: Path) -> dict[str, str]:
    """Copy the library's source to ``dest/src`` and return the environment that makes jobs import it.

    Runs that a test compares then use the very same code even while the checkout is being edited.
    """
    shutil.copytree(REPO / "src" / "cumex", dest / "src" / "cumex", ignore=shutil.ignore_patterns("__pycache__"))
    path = [str(dest / "src"), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {"PYTHONPATH": os.pathsep.join(path)}


def write_study(path: Path, study: Mapping[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(dict(study), sort_keys=False))
    return path


def snakemake_command(workdir: Path, configfile: Path, *extra: str, timeout_s: int = 300) -> list[str]:
    """``snakemake`` on the copied workflow, wrapped in ``timeout -k 30`` (Snakemake can ignore SIGTERM)."""
    return [
        "timeout", "-k", "30", str(timeout_s),
        sys.executable, "-m", "snakemake", "--snakefile", str(workdir / "Snakefile"), "--directory", str(workdir),
        "--configfile", str(configfile), *extra,
    ]


def run(cmd: Sequence[str], *, env: Mapping[str, str] | None = None, log: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``cmd``; stdout+stderr go to ``log`` (if given) and are returned as text."""
    proc = subprocess.run(
        list(cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, **(env or {})},
    )
    if log is not None:
        log.write_text(proc.stdout)
    return proc


def dataset_path(workdir: Path, study: str) -> Path:
    return workdir / "results" / study / "dataset.nc"


def batch_files(workdir: Path, study: str) -> dict[str, float]:
    """Relative path -> mtime_ns of every finished batch file of the study."""
    root = workdir / "results" / study / "points"
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in sorted(root.rglob("*.nc"))} if root.exists() else {}


def solved_values_equal(a: xr.Dataset, b: xr.Dataset) -> list[str]:
    """Names of variables whose values differ in any bit (NaN equals NaN); [] when all agree.

    Every data variable and coordinate is compared except the solve wall times.
    """
    differing = []
    if set(a.variables) != set(b.variables):
        return [f"variables differ: {sorted(set(a.variables) ^ set(b.variables))}"]
    for name in sorted(a.variables):
        if name in _RUN_DEPENDENT:
            continue
        x, y = a[name].values, b[name].values
        if x.shape != y.shape or a[name].dims != b[name].dims:
            differing.append(f"{name}: shape {x.shape} vs {y.shape}")
        elif x.dtype.kind == "f":
            # bit-for-bit: compare the raw bytes, which also tells -0.0 from 0.0 and NaN payloads apart
            if x.tobytes() != y.tobytes():
                differing.append(name)
        elif not np.array_equal(x, y):
            differing.append(name)
    return differing


def planned_outputs(dry_run_output: str, folder: str = "points") -> list[str]:
    """The ``output:`` paths under ``folder`` of the jobs a ``snakemake --dry-run`` would run."""
    planned = []
    for line in dry_run_output.splitlines():
        line = line.strip()
        if line.startswith("output:"):
            planned += [p.strip() for p in line[len("output:"):].split(",") if f"/{folder}/" in p]
    return sorted(planned)
