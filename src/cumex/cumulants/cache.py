"""Derive once, reuse: compiled equation systems on disk, keyed by model (name and a hash of its operator
data), order, variant and version.

The cache folder is, in order of precedence, the ``cache_dir`` argument (the solver passes the
``cache_dir`` setting), the environment variable ``CUMEX_CACHE_DIR``, or ``$XDG_CACHE_HOME/cumex``
(default ``~/.cache/cumex``). Files are ``.npz`` archives written atomically (temporary name, then rename),
so a killed job never leaves a file that looks complete. A file whose stored key does not match the
request (e.g. made by another package version) is rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path

import numpy as np

import cumex
from cumex.cumulants.compile import CompiledSystem, compile_system
from cumex.cumulants.system import SYMMETRIES, EquationSystem, derive_system
from cumex.errors import CumexInputError
from cumex.integrity import DamagedFileError
from cumex.methods import MAX_ORDER
from cumex.models import model_names
from cumex.operators.many_to_one import ManyToOneModel

__all__ = [
    "fingerprint",
    "get_model",
    "derive",
    "cache_dir",
    "cache_path",
    "write_compiled",
    "load_compiled",
    "compiled_system",
]

def get_model(name: str) -> ManyToOneModel:
    """The operator data of a model of the registry (:func:`cumex.models.get_model`)."""
    from cumex.models import get_model as registered

    operators = registered(name).operators
    if operators is None:
        with_data = [m for m in model_names() if registered(m).operators is not None]
        raise CumexInputError("model", name, "a model with operator data for the cumulant engine: " + ", ".join(with_data))
    return operators


def fingerprint(model: str) -> str:
    """A short hash of a model's operator data (terms, jumps, observables): part of every cache key, so
    that a changed or user-written model never reads another's compiled system."""
    ops = get_model(model)
    text = repr((ops.name, ops.parameters, ops.hamiltonian, ops.jumps, sorted(ops.observables.items())))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _check(order: int, symmetry: str) -> None:
    if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= MAX_ORDER:
        raise CumexInputError("order", order, f"an integer 1..{MAX_ORDER}")
    if symmetry not in SYMMETRIES:
        raise CumexInputError("symmetry", symmetry, "'u1' or 'broken'")


def derive(model: str, order: int, symmetry: str = "u1") -> EquationSystem:
    """The exact equation system (print it with ``.to_text()`` or ``.to_latex()``)."""
    _check(order, symmetry)
    return derive_system(get_model(model), order, symmetry)


def cache_dir(directory: str | os.PathLike | None = None) -> Path:
    if directory:
        return Path(directory)
    if os.environ.get("CUMEX_CACHE_DIR"):
        return Path(os.environ["CUMEX_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cumex"


def _key(model: str, order: int, symmetry: str) -> str:
    return f"{get_model(model).name}-order{order}-{symmetry}-{fingerprint(model)}-v{cumex.__version__}"


def cache_path(model: str, order: int, symmetry: str, directory: str | os.PathLike | None = None) -> Path:
    return cache_dir(directory) / f"{_key(model, order, symmetry)}.npz"


def write_compiled(path: str | os.PathLike, model: str, order: int, symmetry: str = "u1") -> Path:
    """Derive and compile (model, order, symmetry) and write it atomically to ``path``."""
    _check(order, symmetry)
    compiled = compile_system(derive(model, order, symmetry))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = compiled.to_arrays()
    arrays["key"] = np.array(_key(model, order, symmetry))
    arrays["checksum"] = np.array(_checksum(arrays))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp.npz")
    os.close(fd)
    try:
        np.savez(tmp, **arrays)  # type: ignore[arg-type]
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file ordinary permissions
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _checksum(arrays) -> str:
    """SHA-256 of every array (name, dtype, shape, bytes) but the checksum itself."""
    h = hashlib.sha256()
    for name in sorted(k for k in arrays if k != "checksum"):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}|".encode() + a.tobytes())
    return h.hexdigest()


def load_compiled(path: str | os.PathLike) -> CompiledSystem:
    """Read a compiled system; :class:`~cumex.integrity.DamagedFileError` (naming the file) when it is
    truncated, unreadable, or its content does not match its checksum."""
    try:
        with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except FileNotFoundError:
        raise
    except Exception as exc:  # noqa: BLE001 (a truncated zip fails anywhere in numpy's reader)
        raise DamagedFileError(path, f"not a readable compiled system ({type(exc).__name__}: {exc})") from exc
    if "checksum" not in arrays or str(arrays["checksum"]) != _checksum(arrays):
        raise DamagedFileError(path, "compiled system does not match its checksum (damaged file)")
    try:
        return CompiledSystem.from_arrays(arrays)
    except (KeyError, ValueError, IndexError) as exc:
        raise DamagedFileError(path, f"incomplete compiled system ({exc!r})") from exc


def _stored_key(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as data:
            return str(data["key"])
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):  # missing or damaged: rebuild
        return None


@lru_cache(maxsize=64)
def _compiled_cached(model: str, order: int, symmetry: str, directory: str) -> CompiledSystem:
    path = cache_path(model, order, symmetry, directory)
    if _stored_key(path) != _key(model, order, symmetry):
        write_compiled(path, model, order, symmetry)
    try:
        return load_compiled(path)
    except DamagedFileError:  # a damaged cache entry is rebuilt, never used
        write_compiled(path, model, order, symmetry)
        return load_compiled(path)


def compiled_system(
    model: str, order: int, symmetry: str = "u1", directory: str | os.PathLike | None = None
) -> CompiledSystem:
    """The compiled system from the disk cache (built there on first use), memoised in-process."""
    _check(order, symmetry)
    return _compiled_cached(model, order, symmetry, str(cache_dir(directory)))
