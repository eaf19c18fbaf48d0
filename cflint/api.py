"""What a rule pack imports: ``from cflint.api import hookimpl, Rule, RuleMeta, Location``."""
from .findings import Finding, Location, RuleMeta
from .plugin import Rule, hookimpl

__all__ = ["Finding", "Location", "Rule", "RuleMeta", "hookimpl"]
