"""cflint's built-in rule pack. It is registered through the ``cflint`` entry point,
exactly like a third-party pack (see pyproject.toml).

The rules are found, not listed (``cflint.discovery``): every class defined in a module
of this package that subclasses ``Rule`` and has a ``meta`` (a ``RuleMeta``) of its own is
registered, one instance each, in code order; once the cache's index knows them, a
rule's module is imported only when the rule runs. Adding a rule is one module (in its
family's package) plus its fixtures in tests/rules/<CODE>/. ``support/`` holds what
several families share and defines no rule; no module imports a rule module
(tests/test_rule_pack_structure.py checks both).
"""
from __future__ import annotations

from cflint import discovery
from cflint.api import hookimpl


def modules():
    """Every module of the pack, imported (see :func:`cflint.discovery.modules`)."""
    return discovery.modules(__name__, __path__)


def rule_classes():
    """The pack's rule classes, by code (importing every module)."""
    return discovery.rule_classes(__name__, __path__)


@hookimpl
def cflint_register_rules():
    return discovery.discover(__name__, __path__)
