"""cflint's built-in rule pack. It is registered through the ``cflint`` entry point,
exactly like a third-party pack (see pyproject.toml).

The rules are found, not listed: every class defined in a module of this package that
subclasses ``Rule`` and has a ``meta`` (a ``RuleMeta``) of its own is registered, one
instance each, in code order. Adding a rule is one module (in its family's package) plus
its fixtures in tests/rules/<CODE>/. ``support/`` holds what several families share and
defines no rule; no module imports a rule module (tests/test_rule_pack_structure.py checks
both).
"""
from __future__ import annotations

import pkgutil
import sys

from cflint.api import Rule, RuleMeta, hookimpl


def modules(name: str = __name__, path=__path__):
    """Every module below the package ``name`` (at ``path``), imported, depth first in
    name order."""
    for info in pkgutil.iter_modules(path):
        full = f"{name}.{info.name}"
        __import__(full)  # (not importlib.import_module: -X importtime would not show it)
        module = sys.modules[full]
        yield module
        if info.ispkg:
            yield from modules(full, module.__path__)


def rule_classes() -> list[type[Rule]]:
    """The concrete ``Rule`` subclasses the pack's modules define, by code (a mixin or a
    base class without a ``meta`` of its own is no rule)."""
    found = [obj for module in modules() for obj in vars(module).values()
             if isinstance(obj, type) and issubclass(obj, Rule)
             and obj.__module__ == module.__name__
             and isinstance(vars(obj).get("meta"), RuleMeta)]
    return sorted(found, key=lambda cls: cls.meta.code)


RULES = tuple(rule_classes())


@hookimpl
def cflint_register_rules():
    return [cls() for cls in RULES]
