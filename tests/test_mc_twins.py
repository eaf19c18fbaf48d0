"""Every rule fixture again, written as an .mc: each finding of the .cf fixture must come
out of its .mc twin on the .mc line and column that set the option.

A twin turns each single-line ``O Name=value`` of the fixture's sendmail.cf into
``define(`confNAME', `value')dnl`` (when a conf macro writes that option) and every other
line into a LOCAL_CONFIG line, so the line and column every finding must have in the .mc
are known. Three ways of reading it:

- ``own``: sendmail-cf is not in the linted tree; cflint reads the .mc's own defines;
- ``m4``: sendmail-cf is readable and cflint's m4 interpreter builds the whole cf;
- ``pair``: the .mc beside the original .cf: the .cf is linted and each finding moves to
  the .mc line, with the .cf line as its related location.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cflint.cf.parser import option_key, parse as parse_cf
from cflint.mc.adapter import macro_table
from test_rules import build_scenario, fixtures, lint_many, lint_unprivileged, read_fixture

CF_DIR = Path("/usr/share/sendmail/cf")
HEADER = ["divert(-1)dnl", "divert(0)dnl", f"include(`{CF_DIR}/m4/cf.m4')dnl"]
# words m4 or sendmail-cf would expand inside a value proto.m4 rescans
M4_WORDS = {"define", "undefine", "defn", "ifdef", "ifelse", "include", "sinclude", "dnl",
            "divert", "undivert", "divnum", "len", "index", "substr", "translit", "eval",
            "incr", "decr", "shift", "format", "changequote", "changecom", "errprint",
            "syscmd", "esyscmd", "maketemp", "m4wrap", "pushdef", "popdef", "indir",
            "builtin", "lower", "strcasecmp"}
# Fixtures about what only a .cf can hold (its V line, a missing local mailer), about
# inputs (CF012), pairs (CF013) or comments (CF010, whose .mc form has fixtures of its
# own): no twin.
CF_ONLY = {"CF010", "CF012", "CF013", "CF001/bad_no_local_mailer.cf",
           "CF001/bad_orphan_and_version.cf"}
# In a pair, a .cf line with no .mc counterpart (a line syntax error) stays on the .cf.
NO_PAIR = {"CF001"}


def _macros():
    out = {}
    for macro, option in macro_table().items():
        out.setdefault(option.lower(), macro)
    return out


MACRO_FOR = _macros()


def twin(cf_text: str):
    """(.mc text, {cf line: (mc line, value-column shift or None)}). None: LOCAL_CONFIG,
    where the line is copied and columns stay."""
    doc = parse_cf(cf_text)
    lines = cf_text.split("\n")
    last: dict[str, int] = {}  # a repeated option: LOCAL_CONFIG lines, then a define for
    for o in doc.options:      # the last (as m4 emits them: LOCAL_CONFIG first)
        last[option_key(o).lower()] = o.first_line
    by_line = {o.first_line: o for o in doc.options}
    defines, local, where = [], [], {}
    i = 0
    while i < len(lines):
        n = i + 1
        text = lines[i]
        o = by_line.get(n)
        if o is not None:
            span = o.line - o.first_line + 1
            macro = MACRO_FOR.get(option_key(o).lower())
            value = o.value
            safe = (o.form == "long" and span == 1 and macro and last[option_key(o).lower()] == n
                    and "`" not in value and "'" not in value and "#" not in text
                    and not any(w in M4_WORDS for w in _words(value)))
            if safe:
                prefix = f"define(`{macro}', `"
                defines.append((n, prefix + value + "')dnl", o.value_column, len(prefix) + 1))
                i += 1
                continue
            for k in range(span):
                local.append((n + k, lines[i + k]))
            i += span
            continue
        if text.startswith("V") or not text.strip():
            i += 1
            continue
        local.append((n, text))
        i += 1
    out = list(HEADER)
    for n, line, cf_vcol, mc_vcol in defines:
        out.append(line)
        where[n] = (len(out), (cf_vcol, mc_vcol))
    out.append("MAILER(`local')dnl")
    if local:
        out.append("LOCAL_CONFIG")
        for n, line in local:
            out.append(line)
            where[n] = (len(out), None)
    return "\n".join(out) + "\n", where


def _words(value: str):
    import re

    return re.findall(r"[A-Za-z_][A-Za-z0-9_]*", value)


def _expected_position(where, line, column):
    mc_line, cols = where[line]
    if cols is None:
        return mc_line, column
    cf_vcol, mc_vcol = cols
    if column is None:
        return mc_line, None
    if column >= cf_vcol:
        return mc_line, mc_vcol + (column - cf_vcol)
    return mc_line, 1


def _cases():
    for p in fixtures():
        code, fx = p.values
        if code in CF_ONLY or f"{code}/{fx.name}" in CF_ONLY or fx.suffix in (".mc", ".m4") or (
                fx.is_dir() and not (fx / "scenario").exists()):
            continue  # .cf-only, already an .mc, or a hand-made tree
        for mode in ("own", "m4") if code in NO_PAIR else ("own", "m4", "pair"):
            yield pytest.param(code, fx, mode, id=f"{code}/{fx.name}/{mode}")


def _lint_cf_and_twin(code, fx, mode, tmp_path):
    """(findings of the .cf, findings of the twin, cf name, mc name, cf->mc line map)."""
    if (fx / "scenario").exists():
        targets, args, _exp, unprivileged = build_scenario(fx, tmp_path)
        run = lint_unprivileged if unprivileged else (
            lambda t, a, tp, s: lint_many(t, a, tp, s))
        root = Path(args[args.index("--root") + 1])
        mail = root / "etc" / "mail"
        cf_name = "sendmail.cf"
        before = run(targets, args, tmp_path, code)
        mc_text, where = twin((mail / cf_name).read_text())
        (mail / "sendmail.mc").write_text(mc_text)
        if mode != "pair":
            (mail / cf_name).unlink()
        if mode == "m4":
            shutil.copytree(CF_DIR, root / str(CF_DIR).lstrip("/"), symlinks=True)
        after = run(targets, args, tmp_path, code)
        return before, after, cf_name, "sendmail.mc", where
    args, _exp = read_fixture(fx)
    before = lint_many([str(fx)], args, tmp_path, code)
    work = tmp_path / "twin"
    work.mkdir()
    mc_path = work / (fx.stem + ".mc")
    mc_text, where = twin(fx.read_text(errors="surrogateescape"))
    mc_path.write_text(mc_text)
    targets = [str(mc_path)]
    if mode == "pair":
        shutil.copy(fx, work / (fx.stem + ".cf"))
    if mode == "own":
        targets, args = ["/" + mc_path.name], [*args, "--root", str(work)]
    after = lint_many(targets, args, tmp_path, code)
    return before, after, fx.name, mc_path.name, where


@pytest.mark.parametrize("code,fx,mode", list(_cases()))
def test_twin_finds_the_same_on_mc_lines(code, fx, mode, tmp_path):
    if mode == "m4" and not CF_DIR.is_dir():
        from sendmail_judge import unavailable

        unavailable("sendmail-cf is not installed (apt-get install sendmail-cf)")
    before, after, cf_name, mc_name, where = _lint_cf_and_twin(code, fx, mode, tmp_path)

    def on_cf(f):
        return Path(f["path"]).name == cf_name

    want = []  # (file, line, column); line None: any line of the .mc ("not set")
    for f in before:
        if f["code"] != code:
            continue
        if on_cf(f) and f["line"] in where:
            line, col = _expected_position(where, f["line"], f.get("column"))
            want.append((mc_name, line, col))
        elif not on_cf(f):
            want.append((Path(f["path"]).name, f["line"], f.get("column")))
        else:  # on a .cf line the twin does not have (the V line, for "not set")
            want.append((mc_name, None, None))
    got = [(Path(f["path"]).name, f["line"], f.get("column")) for f in after
           if f["code"] == code]
    unmatched = list(want)
    for g in sorted(got, key=lambda g: g not in unmatched):
        if g in unmatched:
            unmatched.remove(g)
        elif (g[0], None, None) in unmatched:
            unmatched.remove((g[0], None, None))
        else:
            pytest.fail(f"unexpected {g}; expected {want}; got {got}")
    assert not unmatched, f"missing {unmatched}; got {got}"
    if mode == "pair":  # every finding moved to the .mc keeps the .cf line
        for f in after:
            if f["code"] == code and Path(f["path"]).name == mc_name and \
                    (mc_name, None, None) not in want:
                assert any(Path(r["path"]).name == cf_name for r in f.get("related", [])), f
