"""Per-rule fixtures (tests/rules/<CODE>/bad_* and good_*) and the meta-test that every
registered rule is documented, has both kinds of fixture, and matches RULES.md."""
import json
import os
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


NOW = "2026-12-01T00:00:00Z"
# the users and groups of a scenario tree (etc/passwd, etc/group under --root)
IDS = {"root": (0, 0), "smmta": (115, 121), "smmsp": (116, 122), "mail": (8, 8),
       "nobody": (65534, 65534)}
PASSWD = "".join(f"{n}:x:{u}:{g}::/nonexistent:/usr/sbin/nologin\n" for n, (u, g) in IDS.items())
GROUP = ("root:x:0:\nsmmta:x:121:\nsmmsp:x:122:\nmail:x:8:\nnogroup:x:65534:\n"
         "ssl-cert:x:111:smmta\n")
GIDS = {"root": 0, "smmta": 121, "smmsp": 122, "mail": 8, "nogroup": 65534, "ssl-cert": 111}


def apply_modes(root: Path, spec: str) -> None:
    """'path mode [owner:group]' lines (paths relative to the tree; owners by the tree's
    names), 'path -> target' for a symbolic link, 'path mkdir', 'cp src dst', 'rmglob
    pattern', 'suffix pattern N', 'renameglob pattern new', 'concat dst src...',
    'path touch [text]',
    'git dir [file...]' (a git work tree at dir tracking the files, all if none named)."""
    import os

    for line in spec.splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        if parts[0] == "git":
            git_track(root / parts[1], parts[2:] or ["."])
            continue
        path = root / parts[0]
        if parts[1] == "->":
            if path.exists() or path.is_symlink():
                path.unlink()
            path.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(parts[2], path)
            continue
        if parts[1] == "mkdir":
            path.mkdir(parents=True, exist_ok=True)
            continue
        if parts[1] == "touch":  # 'path touch [text...]'
            path.write_text(" ".join(parts[2:]) + "\n" if parts[2:] else "")
            continue
        if parts[0] == "cp":
            import shutil

            shutil.copy2(root / parts[1], root / parts[2])
            continue
        if parts[0] == "rmglob":  # remove what matches (e.g. the hash link)
            for p in root.glob(parts[1]):
                p.unlink()
            continue
        if parts[0] == "suffix":  # X.0 -> X.<n>, keeping the hash
            for p in root.glob(parts[1]):
                p.rename(p.with_name(p.name.rsplit(".", 1)[0] + "." + parts[2]))
            continue
        if parts[0] == "renameglob":  # the (single) match gets a new name
            for p in root.glob(parts[1]):
                p.rename(root / parts[2])
            continue
        if parts[0] == "concat":  # concat DST SRC...
            (root / parts[1]).write_bytes(b"".join((root / x).read_bytes() for x in parts[2:]))
            continue
        os.chmod(path, int(parts[1], 8))
        if len(parts) > 2:
            user, group = parts[2].split(":")
            os.chown(path, IDS[user][0], GIDS[group], follow_symlinks=False)


def git_track(top: Path, names: list[str]) -> None:
    """A git work tree at ``top`` whose index lists ``names`` (real git, as a user has)."""
    import subprocess

    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", str(top)], check=True, env=env)
    subprocess.run(["git", "-C", str(top), "add", "-f", "--", *names], check=True, env=env)


def build_scenario(fx: Path, tmp_path: Path):
    """A directory fixture with a 'scenario' file: the key/certificate material comes from
    tests/pki_fixtures.py (the recipe), the cf from the scenario's options. Returns the
    lint target, the extra arguments and the expected (file, line) list."""
    import pki_fixtures

    root = tmp_path / "root"
    tls = root / "etc" / "mail" / "tls"
    tls.mkdir(parents=True)
    opts = pki_fixtures.materialize((fx / "scenario").read_text().strip(), tls)
    lines = ["V10/Berkeley", "Djmail.example.test"]
    where = {}
    for opt, name in opts.items():
        value = name if isinstance(name, pki_fixtures.Literal) else ",".join(
            f"/etc/mail/tls/{n}" for n in name.split(","))
        lines.append(f"O {opt}={value}")
        where[opt] = len(lines)
    if (fx / "sendmail.extra").exists():
        for extra in (fx / "sendmail.extra").read_text().splitlines():
            lines.append(extra)
            if extra.startswith("O "):
                where[extra[2:].split("=", 1)[0]] = len(lines)
    lines.append("Mlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l")
    (root / "etc" / "mail" / "sendmail.cf").write_text("\n".join(lines) + "\n")
    if (fx / "submit.cf").exists():
        (root / "etc" / "mail" / "submit.cf").write_text((fx / "submit.cf").read_text())
    (root / "etc" / "passwd").write_text(PASSWD)
    (root / "etc" / "group").write_text(GROUP)
    if (fx / "modes").exists():
        apply_modes(root, (fx / "modes").read_text())
    expected = []
    if (fx / "expect").exists():
        for tok in (fx / "expect").read_text().split():
            if tok.startswith("file:"):
                expected.append((tok[5:], 1))
            elif ":" in tok:
                name, line = tok.rsplit(":", 1)
                expected.append((name, int(line)))
            else:
                expected.append(("sendmail.cf", where[tok]))
    unreadable = []
    if (fx / "unreadable").exists():
        for name in (fx / "unreadable").read_text().split():
            (tls / name).chmod(0)
            unreadable.append(tls / name)
    return ["/etc/mail"], ["--root", str(root), "--now", NOW], expected, bool(unreadable)


def read_fixture(fx: Path):
    """(args, expected [(file, line)]) from '# args:' / '# expect:' header lines of a
    file fixture, or the 'args' / 'expect' files of a directory fixture."""
    args: list[str] = []
    expected: list[tuple[str, int]] = []
    if fx.is_dir():
        if (fx / "args").exists():  # {here}: the fixture directory (--root {here})
            args = [a.replace("{here}", str(fx)) for a in (fx / "args").read_text().split()]
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
    return lint_many([str(path)], args, tmp_path, select)


def lint_many(targets, args, tmp_path, select=None):
    out = tmp_path / "out.json"
    argv = ["check", *targets, "--format", "json", "--fail-on", "never", "-o", str(out), *args]
    if select:
        argv += ["--select", select]
    assert main(argv) == 0
    return json.loads(out.read_text())["findings"]


def lint_unprivileged(targets, args, tmp_path, select):
    """Run cflint without the capabilities that let root read any file."""
    import os
    import subprocess
    import sys

    out = tmp_path / "out.json"
    cmd = [sys.executable, "-m", "cflint", "check", *targets, "--format", "json",
           "--fail-on", "never", "-o", str(out), "--select", select, *args]
    if os.geteuid() == 0:
        cmd = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *cmd]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(out.read_text())["findings"]


def is_live(fx: Path) -> bool:
    return (fx / "probe.json").exists() or (fx / "mail.log").exists()


def run_live(code: str | None, fx: Path, tmp_path: Path, fmt: str = "json") -> dict:
    """A fixture of a probe or logs rule: probe.json (results of 'cflint probe', replayed
    with --from-json; "@SHA256:NAME@" is the SHA-256 of the scenario's file NAME) or
    mail.log, with the scenario's configuration (--config) when it has one."""
    import pki_fixtures

    argv: list[str] = []
    tmp_path.mkdir(parents=True, exist_ok=True)
    if (fx / "scenario").exists():
        _targets, args, _expected, _ = build_scenario(fx, tmp_path)
        argv += ["--config", "/etc/mail", *args]
    if (fx / "probe.json").exists():
        text = (fx / "probe.json").read_text()
        for name in set(re.findall(r"@SHA256:([\w.]+)@", text)):
            text = text.replace(f"@SHA256:{name}@", pki_fixtures.cert_sha256(
                tmp_path / "root" / "etc" / "mail" / "tls" / name))
        saved = tmp_path / "probe.json"
        saved.write_text(text)
        argv = ["probe", "--from-json", str(saved), *argv]
    else:
        argv = ["logs", str(fx / "mail.log"), *argv]
    out = tmp_path / f"out.{fmt}"
    assert main([*argv, *(["--select", code] if code else []), "-f", fmt, "-o", str(out),
                 "--fail-on", "never"]) == 0
    return json.loads(out.read_text())


def live_expected(fx: Path) -> list[tuple[str, int]]:
    out = []
    for tok in (fx / "expect").read_text().split() if (fx / "expect").exists() else []:
        name, line = tok.rsplit(":", 1)
        out.append((name, int(line)))
    return out


@pytest.mark.parametrize("code,fx", list(fixtures()))
def test_fixture(code, fx, tmp_path):
    if is_live(fx):
        found = run_live(code, fx, tmp_path)["findings"]
        got = sorted((Path(f["path"]).name, f["line"] or 0) for f in found
                     if f["code"] == code)
        if fx.name.startswith("good_"):
            assert got == [], f"{fx.name} must not trigger {code}: {found}"
        else:
            assert got == sorted(live_expected(fx)) and got, json.dumps(found, indent=1)
            assert all(f["message"] and f["fix"] for f in found)
        return
    if (fx / "scenario").exists():
        targets, args, expected, unprivileged = build_scenario(fx, tmp_path)
        if unprivileged:
            found = lint_unprivileged(targets, args, tmp_path, code)
        else:
            found = lint_many(targets, args, tmp_path, select=code)
    else:
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


@pytest.mark.parametrize("rule", BUILTIN, ids=lambda r: r.meta.code)
def test_rule_doc_has_every_section(rule):
    """cflint rule CODE, docs/rules.md and the SARIF help share these sections; none may
    be missing or empty (the examples need both a flagged and a clean one)."""
    import re as _re

    from cflint.ruledoc import SECTIONS, markdown, sarif_markdown

    page = markdown(rule.meta)
    found = _re.findall(r"^## (.+)$", page, _re.M)
    assert found == list(SECTIONS), (rule.meta.code, found)
    bodies = _re.split(r"^## .+$", page, flags=_re.M)[1:]
    assert all(b.strip() for b in bodies), rule.meta.code
    assert "Flagged:" in page and "Not flagged:" in page
    assert sarif_markdown(rule.meta).startswith("## What it checks")


def readme_catalog() -> dict[str, str]:
    """The README's rule table: code -> name ('CF302/CF303' rows name two codes)."""
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    rows = {}
    for m in re.finditer(r"^\| (CF\d{3}(?:/CF\d{3})*) \| ([a-z0-9 /-]+) \|", text, re.M):
        codes, names = m.group(1).split("/"), [n.strip() for n in m.group(2).split("/")]
        rows.update(zip(codes, names if len(names) == len(codes) else names * len(codes)))
    return rows


def test_registered_rules_match_the_readme_catalog():
    """Every registered rule is in the README's table under its name, and the table names
    no rule that does not exist (levels, impacts and texts: docs/rules.md, generated)."""
    table = readme_catalog()
    assert len(table) > 50
    registered = {r.meta.code: r.meta.name for r in BUILTIN}
    assert table == registered


def test_fixture_dirs_belong_to_registered_rules():
    codes = {r.meta.code for r in BUILTIN}
    for d in RULES_DIR.iterdir():
        assert d.name in codes, f"tests/rules/{d.name} has no registered rule"
