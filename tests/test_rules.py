"""Per-rule fixtures (tests/rules/<CODE>/bad_* and good_*) and the meta-test that every
registered rule is documented, has both kinds of fixture, and matches RULES.md."""
import json
import re
from pathlib import Path

import pytest

from cflint.cli import main
from cflint.engine import Engine

RULES_DIR = Path(__file__).parent / "rules"
ENGINE = Engine()
BUILTIN = [r for r in ENGINE.rules if r.meta.code.startswith("CF")]


def fixtures():
    for code_dir in sorted(RULES_DIR.iterdir()):
        for fx in sorted(code_dir.iterdir()):
            if fx.name.startswith(("bad_", "good_")):
                yield pytest.param(code_dir.name, fx, id=f"{code_dir.name}/{fx.name}")


def read_fixture(fx: Path):
    """(args, expected [(file, line)]) from '# args:' / '# expect:' header lines of a
    file fixture, or the 'args' / 'expect' files of a directory fixture."""
    args: list[str] = []
    expected: list[tuple[str, int]] = []
    if fx.is_dir():
        if (fx / "args").exists():
            args = (fx / "args").read_text().split()
        if (fx / "expect").exists():
            for ln in (fx / "expect").read_text().split():
                name, line = ln.rsplit(":", 1)
                expected.append((name, int(line)))
        return args, expected
    for ln in fx.read_text().splitlines():
        if ln.startswith("# args:"):
            args = ln.split(":", 1)[1].split()
        elif ln.startswith("# expect:"):
            expected = [(fx.name, int(x)) for x in re.findall(r"\d+", ln.split(":", 1)[1])]
    return args, expected


def lint(path: Path, args, tmp_path, select=None):
    out = tmp_path / "out.json"
    argv = ["check", str(path), "--format", "json", "--fail-on", "never", "-o", str(out), *args]
    if select:
        argv += ["--select", select]
    assert main(argv) == 0
    return json.loads(out.read_text())["findings"]


@pytest.mark.parametrize("code,fx", list(fixtures()))
def test_fixture(code, fx, tmp_path):
    args, expected = read_fixture(fx)
    found = lint(fx, args, tmp_path, select=code)
    got = sorted((Path(f["path"]).name, f["line"]) for f in found if f["code"] == code)
    if fx.name.startswith("good_"):
        assert got == [], f"{fx.name} must not trigger {code}: {found}"
    else:
        assert expected, f"{fx} declares no expected findings"
        assert got == sorted(expected), json.dumps(found, indent=1)
        for f in found:
            assert f["message"] and f["fix"], f  # every finding says what and how to fix


@pytest.mark.parametrize("rule", BUILTIN, ids=lambda r: r.meta.code)
def test_rule_is_documented_and_has_fixtures(rule):
    m = rule.meta
    for field in ("summary", "rationale", "fix", "bad_example", "good_example"):
        assert getattr(m, field).strip(), f"{m.code} lacks {field}"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", m.name)
    d = RULES_DIR / m.code
    assert d.is_dir(), f"{m.code} has no fixture directory tests/rules/{m.code}"
    names = [p.name for p in d.iterdir()]
    assert any(n.startswith("bad_") for n in names), f"{m.code} has no bad fixture"
    assert any(n.startswith("good_") for n in names), f"{m.code} has no good fixture"


def rules_md_table(shared_dir):
    rows = {}
    text = (shared_dir / "RULES.md").read_text()
    for m in re.finditer(r"^\| (CF\d{3}) \| ([a-z0-9-]+) \| ([a-z /]+) \| ([a-z ,/-]+) \|", text, re.M):
        rows[m.group(1)] = (m.group(2), m.group(3).strip(), m.group(4).strip())
    return rows


def test_registered_rules_match_rules_md(shared_dir):
    table = rules_md_table(shared_dir)
    assert len(table) > 50
    for rule in BUILTIN:
        m = rule.meta
        assert m.code in table, f"{m.code} is not in RULES.md"
        name, level, impacts = table[m.code]
        assert m.name == name
        assert m.level in level.split(" / ")
        for imp in m.impacts:
            assert imp in impacts, (m.code, imp, impacts)


def test_fixture_dirs_belong_to_registered_rules():
    codes = {r.meta.code for r in BUILTIN}
    for d in RULES_DIR.iterdir():
        assert d.name in codes, f"tests/rules/{d.name} has no registered rule"
