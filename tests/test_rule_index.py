"""Rule discovery through the cached index (cflint.discovery): the first run imports
every module of a pack and writes the index; later runs know each rule's metadata from it
and import a rule's module only when the rule runs. A changed pack file is a new index,
never a stale one; without a writable cache every run imports every module."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cflint.discovery import LazyRule
from cflint_probe import run_cflint

RULE = """
from cflint.api import Rule, RuleMeta


class {name}(Rule):
    meta = RuleMeta(code="{code}", name="{slug}", level="note", impacts=("hygiene",),
                    summary="{summary}", rationale="r", fix="f")

    def check(self, model):
        yield self.finding(None, "{slug} ran")
"""


def make_pack(tmp_path: Path, name: str, rules: dict[str, tuple[str, str, str]]) -> Path:
    """A package ``name`` under tmp_path/site with one module per rule:
    {module path: (class, code, summary)}."""
    root = tmp_path / "site" / name
    (root / "fam").mkdir(parents=True, exist_ok=True)
    (root / "__init__.py").write_text("")
    (root / "fam" / "__init__.py").write_text("")
    for rel, (cls, code, summary) in rules.items():
        (root / rel).write_text(textwrap.dedent(RULE.format(
            name=cls, code=code, slug=cls.lower(), summary=summary)))
    return root


def register(tmp_path, name, cache):
    """discover() in a fresh interpreter: (type names, codes, summaries, imported modules
    of the pack after registration)."""
    code = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(tmp_path / 'site')!r})
        import {name}
        from cflint import discovery
        rules = discovery.discover({name!r}, {name}.__path__)
        print(json.dumps([[type(r).__name__ for r in rules], [r.meta.code for r in rules],
                          [r.meta.summary for r in rules],
                          sorted(m for m in sys.modules if m.startswith({name!r} + "."))]))
    """)
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_the_second_run_imports_no_rule_module(tmp_path):
    make_pack(tmp_path, "pk1", {"fam/one.py": ("One", "XX001", "first"),
                                "fam/two.py": ("Two", "XX002", "second")})
    types, codes, summaries, imported = register(tmp_path, "pk1", tmp_path / "cache")
    assert types == ["One", "Two"] and codes == ["XX001", "XX002"]
    assert imported == ["pk1.fam", "pk1.fam.one", "pk1.fam.two"]
    types, codes, summaries, imported = register(tmp_path, "pk1", tmp_path / "cache")
    assert types == ["LazyRule", "LazyRule"] and codes == ["XX001", "XX002"]
    assert summaries == ["first", "second"] and imported == []


def test_a_changed_file_is_a_new_index(tmp_path):
    root = make_pack(tmp_path, "pk2", {"fam/one.py": ("One", "XX001", "first")})
    register(tmp_path, "pk2", tmp_path / "cache")
    (root / "fam" / "one.py").write_text(textwrap.dedent(RULE.format(
        name="One", code="XX001", slug="one", summary="changed")))
    assert register(tmp_path, "pk2", tmp_path / "cache")[2] == ["changed"]
    make_pack(tmp_path, "pk2", {"fam/three.py": ("Three", "XX003", "new")})  # a new module
    assert register(tmp_path, "pk2", tmp_path / "cache")[1] == ["XX001", "XX003"]
    (root / "fam" / "three.py").unlink()
    assert register(tmp_path, "pk2", tmp_path / "cache")[1] == ["XX001"]


def test_without_a_writable_cache_every_module_is_imported(tmp_path):
    make_pack(tmp_path, "pk3", {"fam/one.py": ("One", "XX001", "first")})
    blocked = tmp_path / "cache"
    blocked.write_text("a file, not a directory: no cache")
    for _ in range(2):
        types, _, _, imported = register(tmp_path, "pk3", blocked)
        assert types == ["One"] and imported == ["pk3.fam", "pk3.fam.one"]


def test_a_lazy_rule_runs_the_real_one_with_the_stamped_meta(tmp_path, monkeypatch):
    make_pack(tmp_path, "pk4", {"fam/one.py": ("One", "XX001", "first")})
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    import pk4.fam.one as mod

    meta = mod.One.meta
    lazy = LazyRule("pk4.fam.one", "One", meta.__class__(**{
        **{f: getattr(meta, f) for f in meta.__dataclass_fields__}, "pack": "pk4 1.0"}))
    found = list(lazy.check(None))
    assert [f.message for f in found] == ["one ran"] and found[0].code == "XX001"
    assert lazy.real().meta.pack == "pk4 1.0"     # the engine's stamp reaches the real rule
    assert isinstance(lazy.real(), mod.One) and lazy.real() is lazy.real()


def test_an_index_that_no_longer_fits_is_an_error_not_a_wrong_rule(tmp_path, monkeypatch):
    """A file rewritten to the same size and time (a restored backup, say) is not seen as
    changed; a rule whose code then differs from the index's is refused, not run."""
    make_pack(tmp_path, "pk5", {"fam/one.py": ("One", "XX009", "first")})
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    import pk5.fam.one as mod

    meta = mod.One.meta.__class__(**{f: getattr(mod.One.meta, f)
                                     for f in mod.One.meta.__dataclass_fields__})
    object.__setattr__(meta, "code", "XX001")
    with pytest.raises(LookupError, match="is rule XX009, not XX001: remove cflint's cache"):
        LazyRule("pk5.fam.one", "One", meta).check(None)


def test_the_builtin_pack_registers_lazily_once_indexed(tmp_path):
    """cflint check --select CF0 with the index written: the CF0 rules run, and no module
    of the certificate, CA-directory or strength families (no CF0 rule among them) is
    imported."""
    (tmp_path / "sendmail.cf").write_text("V10/Berkeley\nO LogLevel=9\n")
    runs = []
    for _ in range(2):
        out, modules = run_cflint(["check", tmp_path / "sendmail.cf", "--select", "CF0",
                                   "--format", "json", "--fail-on", "never"],
                                  tmp_path / "cache")
        runs.append((json.loads(out)["findings"],
                     sorted(m for m in modules if m.startswith("cflint_rules."))))
    (cold_findings, cold_mods), (warm_findings, warm_mods) = runs
    assert cold_findings == warm_findings and cold_findings  # the same lint, lazily
    assert any(m.startswith("cflint_rules.certs.") for m in cold_mods)
    assert not any(m.startswith(("cflint_rules.certs.", "cflint_rules.cadir.",
                                 "cflint_rules.strength.")) for m in warm_mods)
    assert any(m.startswith("cflint_rules.framework.") for m in warm_mods)
