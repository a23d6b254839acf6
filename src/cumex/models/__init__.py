"""Models as data (:mod:`cumex.models.spec`), one file each, and the registry that lists them.

``get_model(name)`` returns a registered model by name, or loads a user's model from a Python file
given as ``path/to/file.py:NAME`` (``NAME`` a :class:`~cumex.models.spec.Model` defined in that file).
The registry is the single source of model names: the study schema's model check, the CLI's choices
and the cumulant cache keys read it.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import re
import sys
from pathlib import Path

from cumex.errors import CumexInputError
from cumex.models.spec import Axis, FigureSpec, Model, ObservableInfo, Quantity, Scaling

__all__ = ["REGISTRY", "model_names", "get_model", "is_user_model", "Model", "Axis", "Quantity", "Scaling",
           "ObservableInfo", "FigureSpec"]

#: model name -> "module:attribute" of its Model (imported on first use, so the registry stays cheap)
REGISTRY: dict[str, str] = {
    "central_spin": "cumex.models.central_spin:MODEL",
    "lmg_dimer": "cumex.models.lmg_dimer:MODEL",
    "tavis_cummings": "cumex.models.tavis_cummings:MODEL",
    "driven_central_spin": "cumex.models.driven_central_spin:MODEL",
    "multimode_dicke": "cumex.models.multimode_dicke:MODEL",
}

_USER_MODEL = re.compile(r"\A(?P<path>[^:\n]+\.py):(?P<name>[A-Za-z_][A-Za-z0-9_]*)\Z")
_LOADED: dict[str, Model] = {}


def model_names() -> tuple[str, ...]:
    """Names of the registered models."""
    return tuple(REGISTRY)


def is_user_model(name: str) -> bool:
    return bool(_USER_MODEL.match(str(name)))


def get_model(name: str | Model) -> Model:
    """The model called ``name`` (a registered name or ``path.py:NAME``); CumexInputError if none."""
    if isinstance(name, Model):
        return name
    name = str(name)
    if name in _LOADED:
        return _LOADED[name]
    if name in REGISTRY:
        module, attr = REGISTRY[name].split(":")
        model = getattr(importlib.import_module(module), attr)
    elif is_user_model(name):
        model = _load_user_model(name)
        if model.name in REGISTRY or _LOADED.get(model.name, model) is not model:
            raise CumexInputError("model", name, f"a model whose name ({model.name!r}) is not taken by another model")
        _LOADED[model.name] = model  # engines and caches refer to it by name
    else:
        raise CumexInputError("model", name, f"one of {', '.join(REGISTRY)}, or a model file as path/to/file.py:NAME")
    _LOADED[name] = model
    return model


def _load_user_model(spec: str) -> Model:
    match = _USER_MODEL.match(spec)
    assert match is not None
    path = Path(match["path"]).expanduser()
    if not path.is_file():
        raise CumexInputError("model", spec, f"a model file that exists (no file {path})")
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    module_name = f"cumex_user_model_{digest}"
    loader_spec = importlib.util.spec_from_file_location(module_name, path)
    if loader_spec is None or loader_spec.loader is None:
        raise CumexInputError("model", spec, "a Python file")
    module = importlib.util.module_from_spec(loader_spec)
    sys.modules[module_name] = module
    loader_spec.loader.exec_module(module)
    model = getattr(module, match["name"], None)
    if not isinstance(model, Model):
        raise CumexInputError("model", spec, f"a cumex.models.Model named {match['name']} in {path}")
    return model
