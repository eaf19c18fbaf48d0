"""Output formats. Each format is a module exposing ``render(report, **options) -> str``.

Formats are named by ``"module:function"`` strings and imported only when chosen, so the
start-up cost of a run is that of the format actually used.
"""
from __future__ import annotations

from typing import Callable

BUILTIN: dict[str, str] = {
    "text": "cflint.formats.text:render",
    "json": "cflint.formats.json:render",
    "sarif": "cflint.formats.sarif:render",
}


def load(spec: str) -> Callable[..., str]:
    """Import ``"package.module:function"`` (``function`` may be a dotted attribute path)
    and return the callable. A bare built-in name (``"text"``) is accepted as well."""
    import importlib

    if ":" not in spec and spec in BUILTIN:
        spec = BUILTIN[spec]
    module_name, sep, attr_path = spec.partition(":")
    if not sep or not module_name or not attr_path:
        raise ValueError(f"format spec must look like 'module:function', got {spec!r}")
    obj: object = importlib.import_module(module_name)
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ImportError(f"{module_name!r} has no attribute {attr_path!r} (format spec {spec!r})") from None
    if not callable(obj):
        raise TypeError(f"format spec {spec!r} does not name a callable")
    return obj  # type: ignore[return-value]
