"""A JSON-schema validation error in words: the key, the value given and what is allowed (one line)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cumex.errors import CumexInputError

__all__ = ["explain_validation_error", "format_validation_error"]


def _path_text(path: Iterable[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "<top level>"


def explain_validation_error(error) -> tuple[str, Any, str]:
    """(key, value, what is allowed) for a ``jsonschema.ValidationError``, in words."""
    key = _path_text(error.absolute_path)
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    kind = error.validator
    if kind == "additionalProperties":
        allowed_keys = sorted(schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed_keys))
        where = "" if key == "<top level>" else f"{key}."
        return f"{where}{extra[0]}", error.instance[extra[0]], f"no such key here; allowed keys: {', '.join(allowed_keys)}"
    if kind == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        where = "" if key == "<top level>" else f"{key}."
        return f"{where}{missing[0]}", "nothing", "a required key: " + _describe(schema.get("properties", {}).get(missing[0], {}))
    if kind == "enum":
        allowed = "one of " + ", ".join(map(str, error.validator_value))
    elif kind == "type":
        expected = error.validator_value
        allowed = "of type " + (" or ".join(expected) if isinstance(expected, list) else str(expected))
    elif kind in _BOUNDS:
        noun = "an integer" if schema.get("type") == "integer" else "a number"
        allowed = f"{noun} " + " and ".join(f"{_BOUNDS[k]} {schema[k]}" for k in _BOUNDS if k in schema)
    elif kind == "pattern":
        if _describe(schema):  # the description says it in words; the regular expression would not
            return key, error.instance, _describe(schema)
        allowed = f"a string matching {error.validator_value}"
    else:
        allowed = error.message
    description = _describe(schema)
    return key, error.instance, allowed + (f" ({description})" if description else "")


def _describe(schema: Mapping) -> str:
    return " ".join(str(schema.get("description", "")).split())


_BOUNDS = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}


def format_validation_error(error) -> str:
    """One readable line for a ``jsonschema.ValidationError``: the key, the value and what is allowed."""
    return str(CumexInputError(*explain_validation_error(error)))
