"""The m4 interpreter against real GNU m4: the same output for language snippets, for
every sendmail-cf example .mc, Debian's .mc files and every .mc of the shared corpus; and
it stays a sandbox (runs nothing, writes nothing, stops runaway input)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from cflint.mc.m4eval import M4, M4Limit, reader
from sendmail_judge import corpus, corpus_mcs, read_live, unavailable

CF_DIR = Path("/usr/share/sendmail/cf")


@pytest.fixture(scope="module", autouse=True)
def need_m4():
    if shutil.which("m4") is None:
        unavailable("m4 is not installed (apt-get install m4)")


def real_m4(text: str, cwd: Path, name: str = "in.mc") -> str:
    (cwd / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    r = subprocess.run(["m4", "-D_NO_MAKEINFO_", name], cwd=cwd, capture_output=True,
                       timeout=60)
    return r.stdout.decode("utf-8", "surrogateescape")


def ours(text: str, cwd: Path, name: str = "in.mc") -> str:
    return M4(reader(read_live, str(cwd)), name, {"_NO_MAKEINFO_": ""}).run(text)


SNIPPETS = {
    "define-rescan": "define(`a', `b')define(`b', `c')a `a' ``a''\n",
    "args": "define(`f', `[$1|$2|$#|$*|$@|`$0']')f(x, (y, z) ,  w)f f()\n",
    "ifdef-ifelse": "define(`x')ifdef(`x', yes, no) ifdef(`y', yes, no) "
                    "ifelse(a, b, 1, a, a, 2, 3) ifelse(a, b, 1) ifelse(a, b, 1, 4)\n",
    "dnl-comments": "# a comment with define(`z', q) z\nz dnl gone\nkept\n",
    "divert": "divert(2)two\ndivert(1)one\ndivert(0)zero\nundivert(2)dnl\nend\n",
    "divert-discard": "divert(-1)\nhidden\ndivert(0)dnl\nshown divnum\n",
    "changequote": "changequote([, ])define([q], [Q])[q] q changequote`q'\n",
    "changecom": "changecom(`//')// define x\n# real text define(`w', W)w\n"
                 "changecom()# no comment w\n",
    "strings": "len(`hello') substr(`hello', 1, 3) substr(`hello', 2) index(`hello', `ll') "
               "translit(`Hello', `a-z', `A-Z') translit(`abc', `b')\n",
    "eval": "eval(1 + 2 * 3) eval((1 + 2) * 3) eval(7 / 2) eval(-7 / 2) eval(7 % 3) "
            "eval(2 ** 10) eval(1 < 2 && 3 >= 3) eval(!0 || 0) eval(0x10 | 1) incr(4) "
            "decr(4)\n",
    "pushdef": "define(`v', 1)pushdef(`v', 2)v popdef(`v')v undefine(`v')v\n",
    "defn": "define(`a', `$1 body')define(`b', defn(`a'))b(X)\n",
    "shift": "define(`rest', `shift($@)')rest(a, b, c)\n",
    "m4wrap": "m4wrap(`at the end\n')before\n",
    "blind": "define define(`x') undefine ifdef len\n",
    "nested-quotes": "define(`n', ``deep' `er'')n\n",
    "stray-apostrophe": "Eric's won't matter\n",
    "file-line": "__file__ __line__\n",
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippets_match_m4(name, tmp_path):
    text = SNIPPETS[name]
    assert ours(text, tmp_path) == real_m4(text, tmp_path)


def test_include_and_sinclude(tmp_path):
    (tmp_path / "inc.m4").write_text("define(`fromfile', `F')included __file__\n")
    text = "include(`inc.m4')fromfile sinclude(`missing.m4')done\n"
    assert ours(text, tmp_path) == real_m4(text, tmp_path)


def sendmail_mcs():
    found = sorted((CF_DIR / "cf").glob("*.mc")) if CF_DIR.is_dir() else []
    for debian in (Path("/etc/mail/sendmail.mc"), Path("/etc/mail/submit.mc")):
        if debian.exists():
            found.append(debian)
    return found


def _need_cf():
    if not CF_DIR.is_dir():
        unavailable("sendmail-cf is not installed (apt-get install sendmail-cf)")


@pytest.mark.parametrize("mc", sendmail_mcs(), ids=lambda p: str(p))
def test_whole_cf_matches_m4(mc, tmp_path):
    """The complete generated cf, byte for byte (less sendmail-cf's "built by" lines)."""
    _need_cf()
    text = mc.read_bytes().decode("utf-8", "surrogateescape")
    cwd = mc.parent
    args = ["m4", "-D_NO_MAKEINFO_", mc.name]
    if "m4/cf.m4" not in text:  # the examples are built with "m4 ../m4/cf.m4 x.mc"
        args[2:2] = ["../m4/cf.m4"]
        text = "include(`../m4/cf.m4')" + text
    want = subprocess.run(args, cwd=cwd, capture_output=True,
                          timeout=60).stdout.decode("utf-8", "surrogateescape")
    assert "\nV10/Berkeley" in want
    assert ours(text, cwd, mc.name) == want


@corpus
@pytest.mark.parametrize("mc", corpus_mcs(), ids=lambda p: p.name)
def test_corpus_mc_matches_m4(mc, tmp_path):
    """Every corpus .mc, its cf.m4 include pointed at the installed sendmail-cf (the
    paths they name are other systems' layouts), gives m4's output."""
    _need_cf()
    raw = mc.read_bytes().decode("utf-8", "surrogateescape")
    text = re.sub(r"include\(`[^']*m4/cf\.m4'\)", f"include(`{CF_DIR}/m4/cf.m4')", raw)
    assert ours(text, tmp_path) == real_m4(text, tmp_path)


# ---------------------------------------------------------------- the sandbox

def test_runs_nothing_and_writes_nothing(tmp_path):
    target = tmp_path / "pwned"
    text = (f"syscmd(`touch {target}')esyscmd(`touch {target}')"
            f"maketemp(`{tmp_path}/tmpXXXXXX')mkstemp(`{tmp_path}/tmpXXXXXX')\n")
    before = sorted(os.listdir(tmp_path))
    ours(text, tmp_path)
    assert not target.exists()
    assert sorted(os.listdir(tmp_path)) == before


@pytest.mark.parametrize("text", [
    "define(`a', `a')a",                       # rescans forever
    "define(`a', `a a')a",                     # doubles forever
    "define(`a', `a(')a",                      # arguments nest forever
    "define(`f', `include(`in.mc')')f",        # includes itself
])
def test_runaway_input_stops(text, tmp_path):
    (tmp_path / "in.mc").write_text(text)
    start = time.monotonic()
    with pytest.raises(M4Limit):
        ours(text, tmp_path)
    assert time.monotonic() - start < 30


def test_includes_read_only_through_the_reader(tmp_path):
    asked = []

    def read(p):
        asked.append(p)
        return "define(`x', `X')" if p.endswith("/lib/x.m4") else None

    out = M4(reader(read, "/conf/mail"), "/conf/mail/a.mc").run(
        "include(`../lib/x.m4')x include(`/abs/y.m4')\n")
    assert out == "X \n"
    assert asked == ["/conf/lib/x.m4", "/abs/y.m4"]


def test_origins_point_at_the_top_level_call(tmp_path):
    (tmp_path / "layer.m4").write_text("divert(-1)\ndefine(`confX', `1')\ndivert(0)dnl\n")
    m = M4(reader(lambda p: Path(p).read_text() if Path(p).exists() else None,
                  str(tmp_path)), "in.mc")
    m.run("dnl first\n  define(`LAYER', `include(`layer.m4')')dnl\n"
          "LAYER\ndefine(`confY', `2')\n")
    x, y = m.origins["confX"], m.origins["confY"]
    assert (x.file.endswith("layer.m4"), x.line, x.mc_line, x.mc_column) == (True, 2, 3, 1)
    assert (y.file, y.line, y.mc_line, y.mc_column) == ("in.mc", 4, 4, 1)


def test_an_included_private_key_never_reaches_the_model(tmp_path):
    """An .mc that includes a key file: the key is not read into the generated cf, so no
    finding can quote it."""
    import json

    from cflint.cli import main

    key = tmp_path / "server.key"
    key.write_text("-----BEGIN PRIVATE KEY-----\nOBVIOUSLYSECRETBASE64LINE\n"
                   "-----END PRIVATE KEY-----\n")
    mc = tmp_path / "sendmail.mc"
    mc.write_text(f"include(`{CF_DIR}/m4/cf.m4')dnl\ninclude(`{key}')dnl\n")
    from cflint.mc.adapter import mc_to_cf

    doc, info = mc_to_cf(mc.read_text(), str(mc),
                         lambda p: Path(p).read_text() if Path(p).is_file() else None)
    assert info.complete and "OBVIOUSLYSECRET" not in info.generated
    out = tmp_path / "out.json"
    main(["check", str(mc), "--format", "json", "--fail-on", "never", "-o", str(out)])
    assert "OBVIOUSLYSECRET" not in out.read_text()
    assert isinstance(json.loads(out.read_text())["findings"], list)
