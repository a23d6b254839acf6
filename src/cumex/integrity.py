"""Checksums of the content of result files, so that damage is detected where a file is read.

:func:`content_checksum` hashes every variable (name, dims, values) and every global attribute but the
checksum itself, in a form that survives a NetCDF round trip through xarray or SciPy (numbers as float64
bytes with one canonical NaN, strings as UTF-8). :func:`cumex.io.write_dataset` stores it as the global
attribute ``cumex_checksum``; :func:`cumex.io.read_dataset` and :func:`cumex.table.read_table` verify it
and raise :class:`DamagedFileError` (an ``OSError`` naming the file) on a mismatch or a missing checksum
in a file cumex wrote.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

__all__ = ["CHECKSUM_ATTR", "DamagedFileError", "content_checksum", "verify"]

CHECKSUM_ATTR = "cumex_checksum"


class DamagedFileError(OSError):
    """A result or compiled file whose content does not match its checksum (or cannot be read).

    ``path`` is the file; the message names it and what is wrong with it."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}; delete it to have it rebuilt")

    def __reduce__(self):  # pickles (e.g. from a solve's child process) with its two arguments
        return (type(self), (self.path, self.reason))


def _text(value: Any) -> str:
    """A string element as NetCDF stores it: bytes decoded, a missing value (NaN, None) as ''."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _update(h, values: Any) -> None:
    array = np.asarray(values)
    if array.dtype.kind in "OUS":
        text = "\x1f".join(_text(v) for v in array.ravel())
        h.update(b"s" + str(array.shape).encode() + text.encode("utf-8", "surrogatepass"))
        return
    numbers = np.asarray(array, dtype=np.float64).ravel()
    numbers = np.where(np.isnan(numbers), np.nan, numbers)  # one NaN bit pattern
    h.update(b"f" + str(array.shape).encode() + numbers.tobytes())


def _update_attrs(h, attrs: Mapping[str, Any]) -> None:
    for key in sorted(k for k in attrs if k != CHECKSUM_ATTR):
        h.update(f"{key}={attrs[key]}".encode("utf-8", "surrogatepass") + b"\0")


def content_checksum(variables: Iterable[tuple[str, tuple[str, ...], Any, Mapping[str, Any]]], attrs: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of (name, dims, values, attributes) of every variable and of the global attributes."""
    h = hashlib.sha256()
    for name, dims, values, var_attrs in sorted(variables, key=lambda v: v[0]):
        h.update(name.encode() + b"\0" + ",".join(dims).encode() + b"\0")
        _update(h, values)
        _update_attrs(h, {k: v for k, v in var_attrs.items() if k not in _ENCODING_ATTRS})
    _update_attrs(h, attrs)
    return h.hexdigest()


#: attributes a NetCDF writer adds or a reader consumes (encoding, not content)
_ENCODING_ATTRS = {"_FillValue", "_Encoding", "coordinates", "dtype", "missing_value"}


def verify(path, variables: Iterable[tuple[str, tuple[str, ...], Any, Mapping[str, Any]]], attrs: Mapping[str, Any]) -> None:
    """Raise DamagedFileError naming ``path`` unless the stored checksum matches the content."""
    stored = attrs.get(CHECKSUM_ATTR)
    if stored is None:
        if "cumex_version" in attrs:  # cumex writes a checksum into every file it writes
            raise DamagedFileError(path, f"no {CHECKSUM_ATTR} attribute in a cumex file (damaged, or written by an older cumex)")
        return
    if content_checksum(variables, attrs) != stored:
        raise DamagedFileError(path, "content does not match its checksum (damaged file)")
