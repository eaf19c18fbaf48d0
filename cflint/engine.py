"""The engine: loads rule packs through pluggy (entry-point group ``cflint``), selects
rules, runs them over a model and sorts the findings. It names no rule."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable

import pluggy

from .findings import LEVELS, Finding, RuleMeta
from .plugin import PROJECT, Rule, Specs

ENTRY_POINT_GROUP = "cflint"
CODE_RE = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")


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

    def select(self, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
        select = [s for s in select if s.strip()]
        chosen = {r.meta.code: r for r in self.rules}
        if select:
            chosen = {}
            for tok in select:
                for r in self._matches(tok):
                    chosen[r.meta.code] = r
        for tok in ignore:
            if not tok.strip():
                continue
            for r in self._matches(tok):
                chosen.pop(r.meta.code, None)
        return [chosen[c] for c in sorted(chosen)]

    def rule(self, code_or_name: str) -> Rule | None:
        for r in self.rules:
            if r.meta.code == code_or_name.upper() or r.meta.name == code_or_name.lower():
                return r
        return None

    # ---------------------------------------------------------------- running

    @staticmethod
    def run(model, rules: Iterable[Rule]) -> list[Finding]:
        findings: list[Finding] = []
        for rule in rules:
            try:
                findings.extend(rule.check(model))
            except Exception as e:
                raise RuleCrash(rule.meta.code, e) from e
        findings.sort(key=Finding.sort_key)
        return findings


class RuleCrash(Exception):
    def __init__(self, code: str, error: Exception):
        super().__init__(f"internal error in rule {code}: {type(error).__name__}: {error}")
        self.code = code


def _entry_points():
    """(name, distribution, version, loader) for every ``cflint`` entry point, sorted
    by name so loading order is deterministic."""
    from importlib.metadata import entry_points

    found = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(ep, "dist", None)
        dname = dist.metadata["Name"] if dist is not None else "?"
        version = dist.version if dist is not None else ""
        found.append((ep.name, dname, version, ep.load))
    found.sort(key=lambda t: t[0])
    # one distribution may be installed twice on sys.path (editable + site): keep first
    uniq, seen = [], set()
    for item in found:
        if item[0] in seen:
            continue
        seen.add(item[0])
        uniq.append(item)
    return uniq
