"""Derive once, reuse: compiled equation systems on disk, keyed by model, order, variant and version.

The cache folder is, in order of precedence, the ``cache_dir`` argument (the solver passes the
``cache_dir`` setting), the environment variable ``CUMEX_CACHE_DIR``, or ``$XDG_CACHE_HOME/cumex``
(default ``~/.cache/cumex``). Files are ``.npz`` archives written atomically (temporary name, then rename),
so a killed job never leaves a file that looks complete. A file whose stored key does not match the
request (e.g. made by another package version) is rebuilt.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np

import cumex
from cumex.cumulants.compile import CompiledSystem, compile_system
from cumex.cumulants.model import ManyToOneModel
from cumex.cumulants.system import SYMMETRIES, EquationSystem, derive_system
from cumex.errors import CumexInputError

__all__ = [
    "MODELS",
    "get_model",
    "derive",
    "cache_dir",
    "cache_path",
    "write_compiled",
    "load_compiled",
    "compiled_system",
]

#: model name -> "module:attribute" holding its ManyToOneModel (imported on first use)
MODELS: dict[str, str] = {
    "central_spin": "cumex.models.central_spin_operators:CENTRAL_SPIN",
    "tavis_cummings": "cumex.models.tavis_cummings_operators:TAVIS_CUMMINGS",
}


def get_model(name: str) -> ManyToOneModel:
    if name not in MODELS:
        raise CumexInputError("model", name, f"one of {', '.join(MODELS)}")
    module, attr = MODELS[name].split(":")
    return getattr(importlib.import_module(module), attr)


def _check(order: int, symmetry: str) -> None:
    if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= 12:
        raise CumexInputError("order", order, "an integer 1..12")
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
    return f"{model}-order{order}-{symmetry}-v{cumex.__version__}"


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
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp.npz")
    os.close(fd)
    try:
        np.savez(tmp, **arrays)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file ordinary permissions
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def load_compiled(path: str | os.PathLike) -> CompiledSystem:
    with np.load(path, allow_pickle=False) as data:
        return CompiledSystem.from_arrays({k: data[k] for k in data.files})


def _stored_key(path: Path) -> str | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            return str(data["key"])
    except (OSError, KeyError, ValueError):
        return None


@lru_cache(maxsize=64)
def _compiled_cached(model: str, order: int, symmetry: str, directory: str) -> CompiledSystem:
    path = cache_path(model, order, symmetry, directory)
    if _stored_key(path) != _key(model, order, symmetry):
        write_compiled(path, model, order, symmetry)
    return load_compiled(path)


def compiled_system(
    model: str, order: int, symmetry: str = "u1", directory: str | os.PathLike | None = None
) -> CompiledSystem:
    """The compiled system from the disk cache (built there on first use), memoised in-process."""
    _check(order, symmetry)
    return _compiled_cached(model, order, symmetry, str(cache_dir(directory)))
