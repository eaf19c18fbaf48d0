"""The engine: loads rule packs through pluggy (entry-point group ``cflint``), selects
rules, runs them over a model and sorts the findings. It names no rule."""
from __future__ import annotations

import os
import re
from dataclasses import replace
from typing import Iterable

import pluggy

from .findings import LEVELS, Finding, RuleMeta
from .plugin import PROJECT, Rule, Specs

ENTRY_POINT_GROUP = "cflint"
CODE_RE = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")
INPUTS = ("config", "probe", "logs")   # what a rule reads: cflint check, probe, logs


class PluginError(Exception):
    """A rule pack that fails to load or registers something invalid (exit 2)."""


class SelectionError(ValueError):
    """An unknown code, prefix or name in --select/--ignore (exit 2)."""


class Engine:
    def __init__(self, disabled: Iterable[str] = ()):
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(Specs)
        self.packs: dict[str, str] = {}  # plugin name -> "distribution version"
        disabled = set(disabled)
        for plugin_name, dist, version, load in _entry_points():
            if plugin_name in disabled:
                self.pm.set_blocked(plugin_name)
                continue
            try:
                module = load()
            except Exception as e:  # a broken third-party pack must not look like a crash
                raise PluginError(f"rule pack {plugin_name!r} from {dist} failed to load: "
                                  f"{type(e).__name__}: {e}") from None
            if self.pm.is_registered(module):
                continue
            self.pm.register(module, name=plugin_name)
            self.packs[plugin_name] = f"{dist} {version}".strip()
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as e:
            raise PluginError(str(e)) from None
        self.rules = self._collect()

    def _collect(self) -> list[Rule]:
        rules: list[Rule] = []
        seen: dict[str, str] = {}
        names: dict[str, str] = {}
        for impl in self.pm.hook.cflint_register_rules.get_hookimpls():
            try:
                provided = impl.function() or []
            except Exception as e:
                raise PluginError(f"rule pack {impl.plugin_name!r} failed to register its "
                                  f"rules: {type(e).__name__}: {e}") from None
            for rule in provided:
                meta = getattr(rule, "meta", None)
                if not isinstance(meta, RuleMeta):
                    raise PluginError(f"rule pack {impl.plugin_name!r} registered {rule!r}, "
                                      "which has no RuleMeta")
                if not CODE_RE.match(meta.code):
                    raise PluginError(f"rule pack {impl.plugin_name!r}: bad rule code "
                                      f"{meta.code!r} (expected letters and three digits)")
                if meta.level not in LEVELS:
                    raise PluginError(f"rule {meta.code}: bad level {meta.level!r}")
                if meta.inputs not in INPUTS:
                    raise PluginError(f"rule {meta.code}: bad inputs {meta.inputs!r} "
                                      f"(one of {', '.join(INPUTS)})")
                if meta.code in seen:
                    raise PluginError(f"duplicate rule code {meta.code}: registered by "
                                      f"{seen[meta.code]!r} and {impl.plugin_name!r}")
                if meta.name in names:
                    raise PluginError(f"duplicate rule name {meta.name!r}: {names[meta.name]} "
                                      f"and {meta.code}")
                seen[meta.code] = impl.plugin_name
                names[meta.name] = meta.code
                rule.meta = replace(meta, pack=self.packs.get(impl.plugin_name, impl.plugin_name))
                rules.append(rule)
        rules.sort(key=lambda r: r.meta.code)
        return rules

    def output_formats(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for result in self.pm.hook.cflint_output_formats():
            out.update(result or {})
        return out

    # ---------------------------------------------------------------- selection

    def _matches(self, token: str) -> list[Rule]:
        t = token.strip()
        if t.upper() == "ALL":
            return list(self.rules)
        up = t.upper()
        found = [r for r in self.rules if r.meta.code.startswith(up) or r.meta.name == t.lower()]
        if not found:
            raise SelectionError(f"unknown rule code, prefix or name: {token!r} "
                                 "(see 'cflint rules')")
        return found

    def select(self, select: Iterable[str] = (), ignore: Iterable[str] = (),
               extend: Iterable[str] = (), inputs: str = "config") -> list[Rule]:
        """The rules chosen by codes, prefixes or names, among those that read
        ``inputs`` ("config": cflint check; "probe"; "logs")."""
        select = [s for s in select if s.strip()]
        chosen = {r.meta.code: r for r in self.rules}
        if select:
            chosen = {}
            for tok in select:
                for r in self._matches(tok):
                    chosen[r.meta.code] = r
        for tok in extend:
            for r in self._matches(tok):
                chosen[r.meta.code] = r
        for tok in ignore:
            if not tok.strip():
                continue
            for r in self._matches(tok):
                chosen.pop(r.meta.code, None)
        return [chosen[c] for c in sorted(chosen) if chosen[c].meta.inputs == inputs]

    def rule(self, code_or_name: str) -> Rule | None:
        for r in self.rules:
            if r.meta.code == code_or_name.upper() or r.meta.name == code_or_name.lower():
                return r
        return None

    # ---------------------------------------------------------------- running

    def run(self, model, rules: Iterable[Rule]) -> list[Finding]:
        """Run the rules on one model: the ordinary rules, then findings on a .cf line
        moved to its .mc (``model.configuration.relocate``), then inline suppressions
        applied (``model.configuration.suppressions``), then the ``late`` rules, which
        judge what happened (the suppressions' own problems) and are never suppressed
        themselves. A model without configs (the live rules') has no ``configuration``."""
        rules = list(rules)
        findings: list[Finding] = []
        for rule in (r for r in rules if not getattr(r, "late", False)):
            findings.extend(self._check(rule, model))
        configuration = getattr(model, "configuration", None)
        if configuration is not None:
            # .cf findings onto the .mc line people edit
            findings = configuration.relocate(findings)
            from . import suppress

            model.rule_metas = {r.meta.code: r.meta for r in self.rules}
            model.selected_codes = {r.meta.code for r in rules}
            findings = suppress.apply(findings, configuration.suppressions(),
                                      model.rule_metas, lambda: model.now.date())
        for rule in (r for r in rules if getattr(r, "late", False)):
            findings.extend(self._check(rule, model))
        findings.sort(key=Finding.sort_key)
        return findings

    @staticmethod
    def _check(rule: Rule, model) -> list[Finding]:
        try:
            return list(rule.check(model))
        except Exception as e:
            raise RuleCrash(rule.meta.code, e) from e


class RuleCrash(Exception):
    def __init__(self, code: str, error: Exception):
        super().__init__(f"internal error in rule {code}: {type(error).__name__}: {error}")
        self.code = code


def _entry_points():
    """(name, distribution, version, loader) for every ``cflint`` entry point, sorted
    by name so loading order is deterministic.

    Reads the installed distributions' ``entry_points.txt`` directly from the sys.path
    folders: the same data importlib.metadata reads, without importing it and parsing
    every distribution's metadata (which would cost more than the lint of a whole cf).
    """
    import sys

    found: dict[str, tuple] = {}
    for folder in sys.path:
        try:
            entries = os.scandir(folder or ".")
        except OSError:
            continue
        with entries:
            for entry in entries:
                n = entry.name
                if not (n.endswith(".dist-info") or n.endswith(".egg-info")):
                    continue
                ep_file = os.path.join(entry.path, "entry_points.txt")
                try:
                    with open(ep_file, encoding="utf-8") as fh:
                        text = fh.read()
                except OSError:
                    continue
                for name, value in _group(text, ENTRY_POINT_GROUP):
                    if name not in found:  # first on sys.path wins, as for imports
                        dist, version = _dist_name(entry.path, n)
                        found[name] = (name, dist, version, _loader(value))
    return [found[k] for k in sorted(found)]


def _group(text: str, group: str):
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            continue
        if current == group and "=" in line:
            name, value = line.split("=", 1)
            yield name.strip(), value.strip()


def _dist_name(path: str, dirname: str) -> tuple[str, str]:
    meta = os.path.join(path, "METADATA" if dirname.endswith(".dist-info") else "PKG-INFO")
    name = version = ""
    try:
        with open(meta, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("Name:"):
                    name = line[5:].strip()
                elif line.startswith("Version:"):
                    version = line[8:].strip()
                elif not line.strip():
                    break
                if name and version:
                    break
    except OSError:
        pass
    if not name:
        stem = dirname.rsplit(".", 1)[0]
        name, _, version = stem.partition("-")
    return name, version


def _loader(value: str):
    """``module:attr`` (attr optional) -> a function importing it."""
    module, _, attr = value.partition(":")
    module = module.strip()
    attr = attr.split("[", 1)[0].strip()

    def load():
        import importlib

        obj = importlib.import_module(module)
        for part in filter(None, attr.split(".")):
            obj = getattr(obj, part)
        return obj

    return load
