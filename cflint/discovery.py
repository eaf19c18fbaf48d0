"""Rule discovery for a rule pack: every concrete ``Rule`` subclass that a module of the
pack's package defines is a rule (a class with a ``meta`` of its own; a mixin or base
class without one is not). The built-in pack registers this way, and a third-party pack
may too: ``return discover(__name__, __path__)`` from its ``cflint_register_rules``.

Finding the rules means importing every module of the pack. The result — each rule's
module, class and ``RuleMeta`` — is kept in cflint's cache as an index keyed by the pack's
files (path, size and modification time of every ``.py``, the test Python applies to its
own bytecode) and by cflint's and Python's versions. With the index, a rule is a
:class:`LazyRule`: its metadata is there for selection, listing and documentation, and
its module is imported only when the rule runs, so ``--select CF1`` imports the CF1
rules and nothing else. Without a usable cache directory every run imports every module.
"""
from __future__ import annotations

import importlib
import os
import sys

from .findings import RuleMeta
from .plugin import Rule

_CODE = ("discovery.py", "findings.py", "plugin.py", "__init__.py")


def modules(name: str, path) -> list:
    """Every module below the package ``name`` (at ``path``), imported, depth first in
    name order."""
    import pkgutil  # (an indexed run lists no module)

    out = []
    for info in pkgutil.iter_modules(path):
        full = f"{name}.{info.name}"
        __import__(full)  # (not importlib.import_module: -X importtime would not show it)
        module = sys.modules[full]
        out.append(module)
        if info.ispkg:
            out.extend(modules(full, module.__path__))
    return out


def rule_classes(name: str, path) -> list[type[Rule]]:
    """The concrete ``Rule`` subclasses the package's modules define, by code."""
    found = [obj for module in modules(name, path) for obj in vars(module).values()
             if isinstance(obj, type) and issubclass(obj, Rule)
             and obj.__module__ == module.__name__
             and isinstance(vars(obj).get("meta"), RuleMeta)]
    return sorted(found, key=lambda cls: cls.meta.code)


class LazyRule(Rule):
    """A rule known from the index: its ``meta`` now, its class when it runs (or when
    anything but ``meta`` is asked of it)."""

    def __init__(self, module: str, qualname: str, meta: RuleMeta):
        self._where = (module, qualname)
        self._rule: Rule | None = None
        self.meta = meta

    def real(self) -> Rule:
        if self._rule is None:
            module, qualname = self._where
            obj = importlib.import_module(module)
            for part in qualname.split("."):
                obj = getattr(obj, part)
            rule = obj()
            if rule.meta.code != self.meta.code:  # an index that no longer fits the files
                raise LookupError(f"{module}.{qualname} is rule {rule.meta.code}, "
                                  f"not {self.meta.code}: remove cflint's cache")
            rule.meta = self.meta  # as the engine stamped it (its pack)
            self._rule = rule
        return self._rule

    def check(self, model):
        return self.real().check(model)

    def __getattr__(self, name: str):
        if name.startswith("__") or name in ("_where", "_rule"):
            raise AttributeError(name)
        return getattr(self.real(), name)

    def __repr__(self) -> str:
        return f"<rule {self.meta.code} ({'.'.join(self._where)})>"


def _stamp(path) -> list[tuple[str, int, int]]:
    """(path, size, mtime_ns) of every .py file below the package directories."""
    out = []
    stack = list(path)
    while stack:
        d = stack.pop()
        try:
            with os.scandir(d) as it:
                for e in it:
                    if e.name.endswith(".py") and e.is_file():
                        s = e.stat()
                        out.append((e.path, s.st_size, s.st_mtime_ns))
                    elif e.is_dir(follow_symlinks=False) and e.name != "__pycache__":
                        stack.append(e.path)
        except OSError:
            out.append((d, -1, -1))
    return sorted(out)


def discover(name: str, path) -> list[Rule]:
    """One instance of every rule of the package ``name`` (its ``__path__``), by code:
    lazy ones from the cached index, else found by importing every module (and the index
    written for the next run)."""
    from . import cache

    d = cache.cache_dir()
    entry = None
    if d is not None:
        entry = cache.entry_path(d, "rule-index", cache.code_id(_CODE), name,
                                 repr(_stamp(path)))
        index = cache.load(entry)
        if isinstance(index, list):
            return [LazyRule(module, qualname, meta) for module, qualname, meta in index]
    classes = rule_classes(name, path)
    if entry is not None:
        cache.store(entry, [(c.__module__, c.__qualname__, c.meta) for c in classes])
    return [cls() for cls in classes]
