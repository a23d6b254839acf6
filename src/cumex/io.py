"""Result files: atomic NetCDF writes, provenance, reading and combining a study.

The only module that writes or reads result files. A file is written to a temporary name in its
target folder and renamed into place once complete, so a killed job never leaves a file that looks
finished. Every file carries its provenance (package version, git commit, creation time, library
versions) as global attributes.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import subprocess
import tempfile
from collections.abc import Hashable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
import xarray as xr

import cumex
from cumex.integrity import CHECKSUM_ATTR, DamagedFileError, content_checksum, verify

__all__ = ["format_float", "provenance", "write_dataset", "read_dataset", "dataset_checksum", "combine", "to_json"]

_ENGINE = "netcdf4"
# per-job files: NetCDF3 is written ~10x and read ~10x faster than NetCDF4 for small files (cumex.table)
_WRITERS = {"NETCDF4": "netcdf4", "NETCDF3_64BIT": "scipy"}


def format_float(x: float) -> str:
    """Canonical text for a float in a path or label: 12 significant digits, no float noise.

    >>> format_float(0.1 + 0.2)
    '0.3'
    """
    text = f"{float(x):.12g}"
    return "0" if text == "-0" else text


def to_json(obj) -> str:
    """JSON for attributes NetCDF cannot hold natively (dicts, lists, None)."""
    return json.dumps(obj, sort_keys=True, default=_json_default)


def _json_default(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, Path):
        return str(obj)
    return repr(obj)


@lru_cache(maxsize=1)
def _git_commit() -> str:
    """The commit of the source tree cumex runs from (env CUMEX_GIT_COMMIT wins), or 'unknown'."""
    if os.environ.get("CUMEX_GIT_COMMIT"):
        return os.environ["CUMEX_GIT_COMMIT"]
    source = Path(cumex.__file__).resolve().parent
    try:
        out = subprocess.run(
            ["git", "-C", str(source), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(source), "status", "--porcelain", "--untracked-files=no", "--", "."],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()
        return out + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def provenance() -> dict[str, str]:
    """Global attributes that say what produced a file."""
    import scipy

    return {
        "cumex_version": cumex.__version__,
        "git_commit": _git_commit(),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "python_version": platform.python_version(),
        "numpy_version": np.__version__,
        "scipy_version": scipy.__version__,
        "xarray_version": xr.__version__,
        "host": platform.node(),
    }


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_dataset(ds: xr.Dataset, path: str | os.PathLike, format: str = "NETCDF4") -> Path:
    """Write ``ds`` to ``path`` atomically (temporary file in the same folder, then rename).

    ``format`` is "NETCDF4" (studies' datasets) or "NETCDF3_64BIT" (per-job files: small and fast to
    write and read; integers are stored as 32 bit, and a value that does not fit raises).
    """
    if format not in _WRITERS:
        raise ValueError(f"write_dataset: format must be one of {sorted(_WRITERS)}, not {format!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        # drop_encoding: string variables read from another file keep that file's fixed width, which
        # would truncate longer strings written beside them ('fixed_kappa_over_N' -> 'fixed_kappa_o')
        ds = ds.drop_encoding()
        ds.attrs[CHECKSUM_ATTR] = dataset_checksum(ds)
        ds.to_netcdf(tmp, engine=cast(Literal["netcdf4", "scipy"], _WRITERS[format]),
                     format=cast(Literal["NETCDF4", "NETCDF3_64BIT"], format), encoding=_encoding(ds, format))
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; collaborators on a cluster must read it
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _encoding(ds: xr.Dataset, format: str) -> dict[Hashable, dict[str, Any]]:
    """No fill value on coordinates (CF); NetCDF4 data variables compressed (zlib, shuffle)."""
    encoding: dict[Hashable, dict[str, Any]] = {name: {"_FillValue": None} for name in ds.coords if ds[name].dtype.kind == "f"}
    if format == "NETCDF4":
        for name, var in ds.data_vars.items():
            if var.dtype.kind in "fiu" and var.ndim:
                encoding[name] = {"zlib": True, "complevel": 4, "shuffle": True}
    return encoding


def dataset_checksum(ds: xr.Dataset) -> str:
    """The content checksum of a dataset (:mod:`cumex.integrity`)."""
    return content_checksum([(str(n), tuple(map(str, v.dims)), v.values, v.attrs) for n, v in ds.variables.items()], ds.attrs)


def read_dataset(path: str | os.PathLike, verify_checksum: bool = True) -> xr.Dataset:
    """Read a whole result file (NetCDF4 or NetCDF3) into memory and close it.

    A file cumex wrote carries a checksum of its content; a mismatch raises
    :class:`cumex.integrity.DamagedFileError` naming the file, as does a file that cannot be read.
    """
    try:
        with xr.open_dataset(path, engine=_ENGINE) as ds:
            ds = ds.load()
    except (OSError, ValueError, RuntimeError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise DamagedFileError(path, f"not a readable NetCDF file ({type(exc).__name__}: {exc})") from exc
    if verify_checksum:
        verify(path, [(str(n), tuple(map(str, v.dims)), v.values, v.attrs) for n, v in ds.variables.items()], ds.attrs)
    return ds


def combine(paths: Iterable[str | os.PathLike]) -> xr.Dataset:
    """Rebuild a study's grid from per-point (or per-batch) files by their coordinates alone.

    Grid points missing from ``paths`` become NaN. Global attributes that differ between files (the
    per-point parameters, creation times) are dropped from the result; per-point parameters survive as
    data variables.
    """
    datasets = [read_dataset(p) for p in paths]
    if not datasets:
        raise ValueError("combine: no files given")
    combined = xr.combine_by_coords(
        datasets, combine_attrs="drop_conflicts", data_vars="all", coords="different", compat="no_conflicts", join="outer",
    )
    return cast(xr.Dataset, combined)
