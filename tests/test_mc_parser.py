"""The .mc (m4) front end: cflint.mc.parser.

Unit tests pin each construct with its positions; the corpus tests read every .mc/.m4
file of the shared corpus (in place, never copied; $CFLINT_SHARED overrides the shared
directory), the host's /etc/mail/*.mc and sendmail-cf's example .mc files, and compare
what cflint finds with what real GNU m4 does with the same file: a prefix file (below)
wraps m4's own define/undefine so that m4 prints each name and stored definition, with
include/sinclude, ifdef/ifelse, syscmd/esyscmd and the other side-effecting builtins
stubbed, so none of sendmail-cf's macro files is loaded and nothing is run.
"""
from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from cflint.mc.parser import McCall, McDocument, parse
from sendmail_judge import corpus, corpus_files, unavailable

CORPUS = corpus_files()
_CORPUS_MC = sorted(p for p in CORPUS.glob("*") if p.is_file() and (
    ".mc" in p.name or p.name.endswith((".m4", ".m4.in")))) if CORPUS.is_dir() else []
_HOST_MC = [Path("/etc/mail/sendmail.mc"), Path("/etc/mail/submit.mc")] + sorted(
    Path("/usr/share/sendmail/cf/cf").glob("*.mc"))
ALL_MC = _CORPUS_MC + [p for p in _HOST_MC if p.is_file()]


def mc_params(paths: list[Path]) -> list:
    """``paths`` as parameters, the corpus ones marked as such."""
    return [pytest.param(p, id=p.name, marks=corpus if p.is_relative_to(CORPUS) else ())
            for p in paths]


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "surrogateescape")


def call(doc: McDocument, name: str, n: int = 0) -> McCall:
    return [c for c in doc.calls if c.name == name][n]


# --------------------------------------------------------------------------- calls


def test_call_name_args_and_positions():
    doc = parse("dnl header\nFEATURE(`access_db', , `skip')dnl\n  MAILER(smtp)\n")
    assert [c.name for c in doc.calls] == ["FEATURE", "MAILER"]
    f = doc.calls[0]
    assert (f.line, f.column, f.end_line, f.end_column) == (2, 1, 2, 30)
    assert [a.value for a in f.args] == ["access_db", "", "skip"]
    assert [a.raw for a in f.args] == ["`access_db'", "", "`skip'"]
    assert [(a.line, a.column) for a in f.args] == [(2, 9), (2, 22), (2, 24)]  # empty: its comma
    assert [(a.quote_line, a.quote_column) for a in f.args] == [(2, 10), (None, None),
                                                                 (2, 25)]
    m = doc.calls[1]
    assert (m.line, m.column, m.args[0].value, m.args[0].quoted) == (3, 3, "smtp", False)
    assert f.raw == "FEATURE(`access_db', , `skip')"


def test_name_must_touch_the_parenthesis():
    doc = parse("FEATURE (`x')\n")
    assert doc.calls == []
    assert doc.text[0].text == "FEATURE (`x')"


def test_multiline_call_end_line_and_nested_parens():
    doc = parse("DAEMON_OPTIONS(`Port=smtp',\n  (a, b),\n  f(x, `y'))\n")
    c = doc.calls[0]
    assert (c.line, c.end_line, c.end_column) == (1, 3, 12)
    assert len(c.args) == 3                       # the comma in (a, b) does not split
    assert c.args[1].value == "(a, b)"
    assert (c.args[1].line, c.args[1].column) == (2, 3)
    assert c.args[2].value == "f(x, `y')"         # a call inside is kept as written
    inner = c.args[2].calls[0]
    assert (inner.name, inner.line, inner.column, inner.args[1].value) == ("f", 3, 3, "y")


def test_leading_white_space_skipped_trailing_kept():
    doc = parse("define(`a',\n\t  `x' )")
    d = doc.defines[0]
    assert d.value == "x " and d.stored == "x "
    assert (d.value_line, d.value_column) == (2, 5)


def test_bare_sendmail_macros_are_calls():
    doc = parse("LOCAL_CONFIG\nKfoo hash /x\nLOCAL_RULESETS\nSbar\nMAILER_DEFINITIONS\n")
    assert [(c.name, c.parens, c.args, c.line) for c in doc.calls] == [
        ("LOCAL_CONFIG", False, [], 1), ("LOCAL_RULESETS", False, [], 3),
        ("MAILER_DEFINITIONS", False, [], 5)]


def test_opaque_calls_keep_their_arguments():
    src = ("VERSIONID(`$Id$')OSTYPE(`linux')DOMAIN(generic)MODIFY_MAILER_FLAGS(`SMTP', `+O')"
           "EXPOSED_USER(`root')MASQUERADE_AS(`example.com')TRUST_AUTH_MECH(`PLAIN LOGIN')"
           "CLIENT_OPTIONS(`Family=inet6')esyscmd(`hostname')SITE_THING(a,b)")
    doc = parse(src)
    assert [(c.name, [a.value for a in c.args]) for c in doc.calls] == [
        ("VERSIONID", ["$Id$"]), ("OSTYPE", ["linux"]), ("DOMAIN", ["generic"]),
        ("MODIFY_MAILER_FLAGS", ["SMTP", "+O"]), ("EXPOSED_USER", ["root"]),
        ("MASQUERADE_AS", ["example.com"]), ("TRUST_AUTH_MECH", ["PLAIN LOGIN"]),
        ("CLIENT_OPTIONS", ["Family=inet6"]), ("esyscmd", ["hostname"]),
        ("SITE_THING", ["a", "b"])]


# --------------------------------------------------------------------------- quotes


def test_nested_quotes_keep_the_inner_level_once():
    doc = parse("define(`confCIPHER_LIST', ``HIGH:!aNULL'')dnl\n")
    d = doc.defines[0]
    assert d.name == "confCIPHER_LIST" and d.quoted_name
    assert d.value == "`HIGH:!aNULL'" and d.stored == "`HIGH:!aNULL'"
    assert d.raw_value == "``HIGH:!aNULL''"
    assert (d.line, d.column, d.name_line, d.name_column) == (1, 1, 1, 9)
    assert (d.value_line, d.value_column) == (1, 28)
    assert doc.expand(d.value) == "HIGH:!aNULL"


def test_quoted_comma_and_space_are_literal():
    doc = parse("define(`confSERVER_CERT', `/a.pem, /b.pem')dnl\n")
    d = doc.defines[0]
    assert d.value == "/a.pem, /b.pem"
    assert len(doc.calls[0].args) == 2
    assert doc.expand(d.value) == "/a.pem, /b.pem"


def test_stray_apostrophe_is_text():
    src = ("divert(0)dnl\n"
           "# Eric's config, won't break\n"
           "define(`confX', `1')dnl\n"
           "dnl it's fine here too\n"
           "define(`confY', `2')dnl\n")
    doc = parse(src)
    assert [(d.name, d.value, d.line) for d in doc.defines] == [("confX", "1", 3),
                                                                 ("confY", "2", 5)]
    assert doc.problems == []
    assert [(t.line, t.column, t.text) for t in doc.text] == [
        (2, 1, "# Eric's config, won't break")]


def test_stray_apostrophe_inside_an_argument():
    doc = parse("FEATURE(`a', Eric's)define(`b', `c')")
    assert [a.value for a in doc.calls[0].args] == ["a", "Eric's"]
    assert doc.defines[0].value == "c"


def test_unclosed_quote_at_eof():
    doc = parse("define(`a', `b')dnl\nOSTYPE(`linux)dnl\nMAILER(`smtp')dnl\n")
    assert [(p.line, p.column, p.kind) for p in doc.problems] == [(2, 8, "syntax")]
    assert "end of file in string" in doc.problems[0].sendmail
    assert [d.name for d in doc.defines] == ["a"]
    assert doc.calls[-1].name == "OSTYPE"          # it swallowed the rest


def test_unclosed_nested_quote_reports_the_outer_backtick():
    doc = parse("x\n  define(`a', ``b')\n")
    assert [(p.line, p.column) for p in doc.problems] == [(2, 15)]


def test_unclosed_paren_at_eof():
    doc = parse("dnl\ndefine(`a', `b'\nMAILER(`local')\n")
    assert [(p.line, p.column) for p in doc.problems] == [(2, 7)]
    assert "end of file in argument list" in doc.problems[0].sendmail
    assert "define(" in doc.problems[0].message
    assert doc.calls[0].name == "define" and doc.calls[0].end_line == 4


def test_unclosed_paren_reports_the_outermost_call():
    doc = parse("FEATURE(`x', foo(bar)\n  ifdef(`y', (\n")
    assert [(p.line, p.column) for p in doc.problems] == [(1, 8)]


def test_unclosed_paren_of_an_unknown_name_is_text():
    # m4 collects no arguments for a name that is no macro: the '(' is plain text
    doc = parse("# see mailertable(5\ndefine(`a', `b')dnl\n")
    assert doc.problems == []
    assert [d.name for d in doc.defines] == ["a"]


def test_no_problem_for_balanced_text():
    assert parse("a ) b , c ( d\n").problems == []


# --------------------------------------------------------------------------- # and dnl


def test_hash_is_not_a_comment_after_cf_m4():
    src = ("include(`../m4/cf.m4')\n"
           "# define(`confA', `1')\n"
           "define(`confB', `2')  # note\n")
    doc = parse(src)
    assert [(d.name, d.line, d.column) for d in doc.defines] == [("confA", 2, 3),
                                                                  ("confB", 3, 1)]
    assert [(t.line, t.column, t.text) for t in doc.text] == [
        (2, 1, "# "), (3, 21, "  # note")]


def test_hash_is_not_a_comment_in_a_fragment():
    doc = parse("# define(`confA', `1')\n")         # no cf.m4: read after it
    assert not doc.m4_comments
    assert [d.name for d in doc.defines] == ["confA"]


def test_hash_is_an_m4_comment_before_cf_m4_is_included():
    src = ("divert(-1)\n"
           "# use `make` and define(`confX', `1')\n"
           "#FEATURE(`authinfo')dnl\n"
           "divert(0)dnl\n"
           "include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n"
           "# it's text now: define(`confY', `2')\n")
    doc = parse(src)
    assert doc.m4_comments
    assert doc.problems == []
    assert [(d.name, d.line) for d in doc.defines] == [("confY", 6)]
    assert [c.name for c in doc.calls] == ["divert", "divert", "include", "define"]
    assert parse(src, m4_comments=False).problems != []   # the ` in line 2 opens a quote


def test_dnl_removes_through_the_newline():
    doc = parse("define(`a', `1')dnl # comment `with quote\nxdnl 1dnl gone\nend")
    assert [(t.line, t.column, t.text) for t in doc.text] == [(2, 1, "xdnl 1"), (3, 1, "end")]
    assert doc.problems == []


def test_dnl_inside_an_argument():
    src = "define(`confPRIVACY_FLAGS',dnl\n`needmailhelo,authwarnings')dnl\n"
    d = parse(src).defines[0]
    assert d.value == "needmailhelo,authwarnings"
    assert (d.value_line, d.value_column) == (2, 2)
    assert d.raw_value.startswith("dnl\n`needmail")


def test_dnl_argument_keeps_the_white_space_after_it():
    assert parse("define(`a',dnl\n  `x')").defines[0].value == "  x"


# --------------------------------------------------------------------------- defines


def test_defines_in_order_last_wins_and_undefine():
    src = ("define(`confA', `1')dnl\n"
           "define(`confB', `x')dnl\n"
           "define(`confA', `2')dnl\n"
           "undefine(`confB')dnl\n"
           "define(`_FLAG')dnl\n")
    doc = parse(src)
    assert [(d.name, d.value, d.line) for d in doc.defines] == [
        ("confA", "1", 1), ("confB", "x", 2), ("confA", "2", 3), ("_FLAG", "", 5)]
    assert [(u.name, u.line, u.column, u.name_line, u.name_column)
            for u in doc.undefines] == [("confB", 4, 1, 4, 11)]
    assert doc.macros == {"confA": "2", "_FLAG": ""}
    assert doc.last_define("confA").line == 3
    assert doc.last_define("confB") is None


def test_unquoted_name_and_value_are_expanded_at_define_time():
    src = ("define(`DIR', `/etc/mail')dnl\n"
           "define(confX, DIR/x.pem)dnl\n"
           "define(`DIR', `/elsewhere')dnl\n")
    doc = parse(src)
    d = doc.defines[1]
    assert (d.name, d.quoted_name, d.name_raw) == ("confX", False, "confX")
    assert d.value == "DIR/x.pem" and d.stored == "/etc/mail/x.pem"
    assert doc.expand("confX") == "/etc/mail/x.pem"


def test_defn_appends_to_an_earlier_definition():
    src = ("define(`confDONT_BLAME_SENDMAIL', `GroupWritableDirPathSafe')dnl\n"
           "define(`confDONT_BLAME_SENDMAIL',dnl\n"
           "\tdefn(`confDONT_BLAME_SENDMAIL')`,GroupReadableKeyFile')dnl\n")
    doc = parse(src)
    # m4 keeps the TAB after dnl (Debian's starttls.m4 value starts with TAB and comma)
    assert doc.defines[1].stored == "\tGroupWritableDirPathSafe,GroupReadableKeyFile"
    assert doc.expand("confDONT_BLAME_SENDMAIL") == \
        "\tGroupWritableDirPathSafe,GroupReadableKeyFile"


def test_define_nested_in_an_argument_runs_first():
    doc = parse("FEATURE(`x', define(`a', `1'))define(`b', `2')")
    assert [(d.name, d.nested) for d in doc.defines] == [("a", True), ("b", False)]


def test_conditional_defines_in_ifelse_branches():
    src = ("ifdef(`sm_version', `dnl',\n"
           "`include(`/usr/share/sendmail/cf/debian/autoconf.m4')dnl')\n"
           "ifelse(eval(sm_version_math >= 527104), `1', `dnl\n"
           "ifelse(sm_enable_tls, `yes', `dnl\n"
           "define(`confSERVER_CERT',     `/etc/mail/tls/sendmail-server.crt')dnl\n"
           "undefine(`confCRL')dnl\n"
           "')')dnl\n")
    doc = parse(src)
    assert [(d.name, d.value, d.line, d.column, d.value_line, d.value_column, d.conditional,
             d.guard.name, d.guard.line) for d in doc.defines] == [
        ("confSERVER_CERT", "/etc/mail/tls/sendmail-server.crt", 5, 1, 5, 32, True,
         "ifelse", 4)]
    assert [(u.name, u.line, u.conditional) for u in doc.undefines] == [
        ("confCRL", 6, True)]
    assert [(i.path, i.line, i.column, i.path_column, i.conditional, i.guard.name)
            for i in doc.includes] == [
        ("/usr/share/sendmail/cf/debian/autoconf.m4", 2, 2, 11, True, "ifdef")]
    outer = call(doc, "ifelse")
    assert outer.bodies and outer.bodies[0].calls[0].name == "ifelse"


def test_ifelse_comment_idiom_has_no_branch():
    doc = parse("ifelse(`define(`confX', `1')')dnl\n")
    assert doc.defines == []


def test_includes():
    doc = parse("include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n"
                "sinclude(`/etc/mail/tls/starttls.m4')dnl\n")
    assert [(i.path, i.optional, i.line, i.column, i.path_line, i.path_column)
            for i in doc.includes] == [
        ("/usr/share/sendmail/cf/m4/cf.m4", False, 1, 1, 1, 10),
        ("/etc/mail/tls/starttls.m4", True, 2, 1, 2, 11)]


# --------------------------------------------------------------------------- expand


def test_expand_rescans_unquoted_expansions():
    doc = parse("define(`CERTDIR', `/etc/mail/certs')"
                "define(`confSERVER_CERT', `CERTDIR/host.pem')")
    assert doc.defines[1].value == "CERTDIR/host.pem"
    assert doc.expand(doc.defines[1].value) == "/etc/mail/certs/host.pem"
    assert doc.expand("confSERVER_CERT") == "/etc/mail/certs/host.pem"


def test_expand_matches_whole_words_and_respects_quotes():
    doc = parse("define(`CERTDIR', `/c')")
    assert doc.expand("CERTDIRX/CERTDIR_2/xCERTDIR") == "CERTDIRX/CERTDIR_2/xCERTDIR"
    assert doc.expand("CERTDIR/a.pem") == "/c/a.pem"
    assert doc.expand("`CERTDIR'/a.pem") == "CERTDIR/a.pem"
    assert doc.expand("a dnl b\nc") == "a c"


def test_expand_arguments_and_bounded_recursion():
    doc = parse("define(`P', `/x/$1.pem')define(`LOOP', `LOOP')"
                "define(`A', `B')define(`B', `A')define(`BOMB', `BOMB BOMB')")
    assert doc.expand("P(`host')") == "/x/host.pem"
    assert doc.expand("LOOP") == "LOOP"           # stops after 20 levels
    assert doc.expand("A") in ("A", "B")
    t = time.perf_counter()
    assert len(doc.expand("BOMB")) < 4_000_000
    assert time.perf_counter() - t < 5


# --------------------------------------------------------------------------- LOCAL_CONFIG


def test_local_config_lines():
    src = ("include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n"   # 1
           "define(`CIPHERS', `HIGH:!aNULL')dnl\n"             # 2
           "LOCAL_CONFIG\n"                                    # 3
           "dnl# a comment\n"                                  # 4
           "O CipherList=CIPHERS\n"                            # 5
           "O CipherSuites=`TLS_AES_256_GCM_SHA384'\n"         # 6
           "MAILER(`local')dnl\n"                              # 7
           "Kafter hash /etc/mail/after\n"                     # 8
           "define(`confX', `1')  # note\n"                    # 9
           "LOCAL_RULESETS\n"                                  # 10
           "Sfoo\n")                                           # 11
    doc = parse(src)
    assert len(doc.local_config) == 1
    lc = doc.local_config[0]
    assert (lc.line, lc.end_line) == (3, 10)
    assert lc.lines == [(5, "O CipherList=HIGH:!aNULL"),
                        (6, "O CipherSuites=TLS_AES_256_GCM_SHA384"),
                        (8, "Kafter hash /etc/mail/after"), (9, "  # note")]
    assert [t for t in doc.text if t.line == 11][0].diversion == 9


def test_local_config_ends_at_divert_and_eof_and_restarts():
    src = ("LOCAL_CONFIG\nO A=1\ndivert(-1)\nO B=2\ndivert(0)\n"
           "LOCAL_CONFIG\r\nO C=3\r\n")
    doc = parse(src)
    assert [(b.line, b.end_line, b.lines) for b in doc.local_config] == [
        (1, 3, [(2, "O A=1")]), (6, 7, [(7, "O C=3")])]
    assert [(t.line, t.diversion) for t in doc.text] == [(2, 6), (4, -1), (7, 6)]


def test_local_config_dnl_joins_lines_as_m4_does():
    doc = parse("LOCAL_CONFIG\nO A=1 dnl comment\nO B=2\n")
    assert doc.local_config[0].lines == [(2, "O A=1 O B=2")]


# --------------------------------------------------------------------------- text


def test_stray_text_with_positions():
    src = "divert(0)dnl\ndefine(`confA', `1')  # note\nFEATURE(`x')\tjunk\n"
    doc = parse(src)
    assert [(t.line, t.column, t.text, t.diversion, t.blank) for t in doc.text] == [
        (2, 21, "  # note", 0, False), (3, 13, "\tjunk", 0, False)]


def test_crlf_and_nul():
    doc = parse("define(`a', `b\x00')dnl\r\nFEATURE(`x')\r\n\x00\r\n")
    assert doc.defines[0].value == "b\x00"
    assert [(t.line, t.text) for t in doc.text] == [(3, "\x00")]
    assert [(c.name, c.line) for c in doc.calls] == [("define", 1), ("FEATURE", 2)]


def test_non_utf8_through_surrogateescape():
    raw = b"define(`confX', `/etc/\xff\xfe.pem')dnl\n"
    doc = parse(raw.decode("utf-8", "surrogateescape"))
    assert doc.defines[0].value.encode("utf-8", "surrogateescape") == b"/etc/\xff\xfe.pem"


# --------------------------------------------------------------------------- hostile


@pytest.mark.parametrize("src", [
    "define(`x', " + "`" * 10000 + "v" + "'" * 10000 + ")dnl\n",
    "`" * 10000 + "v",
    "define(`x', `" + "a" * 1_000_000 + "')\n",
    "a b " * 250_000,
    "foo(" + "(" * 50_000 + ")" * 50_000 + ")",
    "define(" * 30_000,
    "define(" * 30_000 + ")" * 30_000,
    "zork(" * 30_000,
    ")))" * 100_000,
    "foo(" + "," * 100_000 + ")",
    "dnl\n" * 100_000,
    "ifelse(`a', `b', `" * 2000 + "define(`x', 1)" + "')" * 2000,
    "\x00" * 100_000 + "define(\x00",
], ids=["quotes-10k", "unclosed-quotes-10k", "1MB-value", "1MB-text", "parens-50k",
        "unclosed-calls", "nested-calls", "unknown-unclosed", "close-parens", "commas",
        "dnl", "ifelse-deep", "nul"])
def test_hostile_input_neither_crashes_nor_hangs(src):
    t = time.perf_counter()
    doc = parse(src)
    for d in doc.defines:
        doc.expand(d.stored)
    assert time.perf_counter() - t < 20
    assert len(doc.problems) <= 1


def test_nested_quotes_10k_value():
    doc = parse("define(`x', " + "`" * 10000 + "v" + "'" * 10000 + ")dnl\n")
    d = doc.defines[0]
    assert d.value == "`" * 9999 + "v" + "'" * 9999
    assert doc.expand(d.value) == "`" * 9998 + "v" + "'" * 9998


def test_random_text_never_raises():
    import hypothesis  # a test dependency (pyproject: test extras)
    st = hypothesis.strategies

    @hypothesis.settings(max_examples=300, deadline=None)
    @hypothesis.given(st.lists(st.sampled_from(
        ["`", "'", "(", ")", ",", "#", "dnl", "\n", "\r\n", " ", "define", "ifelse",
         "LOCAL_CONFIG", "divert", "x", "$1", "\x00", "include(`cf.m4')", "\udcff"]),
        max_size=60).map("".join))
    def check(src):
        doc = parse(src)
        for d in doc.defines:
            doc.expand(d.stored)
        for b in doc.local_config:
            assert all(isinstance(t, str) for _, t in b.lines)

    check()


# --------------------------------------------------------------------------- speed


def test_debian_sendmail_mc_parses_in_a_few_milliseconds():
    path = Path("/etc/mail/sendmail.mc")
    if not path.is_file():
        unavailable("no /etc/mail/sendmail.mc")
    src = _read(path)
    parse(src)                                    # tables loaded (from the cache)
    best = min(_timed(parse, src) for _ in range(5))
    assert best < 0.02, f"{best * 1000:.1f} ms"


def _timed(fn, *a) -> float:
    t = time.perf_counter()
    fn(*a)
    return time.perf_counter() - t


def test_tables_are_cached(tmp_path, monkeypatch):
    import cflint.mc.parser as P

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(P, "_parser", None)
    P.get_parser()
    files = list((tmp_path / "cflint").glob("mc-grammar-*.cache"))
    assert len(files) == 1
    monkeypatch.setattr(P, "_parser", None)
    assert parse("define(`a', `b')").defines[0].value == "b"   # loaded from the file


# --------------------------------------------------------------------------- corpus


@pytest.mark.parametrize("path", mc_params(ALL_MC))
def test_corpus_file_parses(path):
    doc = parse(_read(path), str(path))
    assert isinstance(doc, McDocument)
    assert doc.problems == [], doc.problems
    for d in doc.defines:
        doc.expand(d.stored)


@corpus
def test_corpus_is_there():
    if not CORPUS.is_dir():
        unavailable(f"no corpus at {CORPUS} (set CFLINT_SHARED)")
    assert len(_CORPUS_MC) >= 20


# Hand-checked against the files (and against m4's output).
@corpus
def test_corpus_expectations_freebsd_certdir():
    path = CORPUS / "dch__do__etc__mail__freebsd.mc"
    if not path.is_file():
        unavailable("corpus file missing")
    doc = parse(_read(path))
    d = doc.last_define("confSERVER_CERT")
    assert (d.line, d.value, d.value_line, d.value_column) == (63, "CERT_DIR/host.cert", 63, 28)
    assert doc.expand(d.stored) == "/etc/mail/certs/host.cert"
    assert doc.expand(doc.macros["confCACERT_PATH"]) == "/etc/mail/certs"


@corpus
def test_corpus_expectations_comments_before_cf_m4():
    path = CORPUS / "andk__pause__etc__mail__sendmail.mc"
    if not path.is_file():
        unavailable("corpus file missing")
    doc = parse(_read(path))
    assert doc.m4_comments and doc.problems == []     # "# `sendmailconfig`" is a comment
    assert [b.line for b in doc.local_config] == [50, 53]
    assert doc.local_config[1].lines[0] == (54, "Cwpause.perl.org")


@corpus
def test_corpus_expectations_local_config_cipherlist():
    path = CORPUS / "timb-machine__Ansible__tasks__roles__build_mail_secondary_role__files__" \
                    "sendmail.mc"
    if not path.is_file():
        unavailable("corpus file missing")
    doc = parse(_read(path))
    lines = [t for b in doc.local_config for t in b.lines]
    assert lines[0][0] == 134 and lines[0][1].startswith("O ServerSSLOptions=+SSL_OP_NO_SSLv2")
    assert lines[2][0] == 136 and lines[2][1].startswith("O CipherList=EDH+CAMELLIA")


@corpus
def test_corpus_expectations_unbalanced_quote_value():
    # define(`confMAX_DAEMON_CHILDREN', '50'): m4 stores '50' (apostrophes are text)
    path = CORPUS / "RafaelOstertag__ansible__roles__freebsd__mailserver-smarthost__files__" \
                    "sendmail.mc"
    if not path.is_file():
        unavailable("corpus file missing")
    doc = parse(_read(path))
    assert doc.macros["confMAX_DAEMON_CHILDREN"] == "'50'"


# --------------------------------------------------------------------------- m4 oracle

# Runs before the .mc. m4's define/undefine are wrapped: each call prints "@<D>@argc@<N>@
# name@<V>@definition@<E>@" on stderr (printed under other quotes, so a value with stray
# quotes comes out exactly), then does the real work. A bare "define" (argc 0) is text
# in real m4 and is dropped. include of cf.m4 only turns comments off, as cfhead.m4 does.
_PREFIX = r"""divert(-1)
define(`_cfl_def', defn(`define'))
define(`_cfl_undef', defn(`undefine'))
define(`_cfl_err', defn(`errprint'))
define(`_cfl_defn', defn(`defn'))
define(`_cfl_ifelse', defn(`ifelse'))
define(`_cfl_regexp', defn(`regexp'))
define(`_cfl_changecom', defn(`changecom'))
define(`_cfl_cq', defn(`changequote'))
define(`_cfl_undivert', defn(`undivert'))
define(`include', `_cfl_ifelse(_cfl_regexp(`$1', `cf\.m4$'), `-1', `', `_cfl_changecom()')')
define(`sinclude', defn(`include'))
define(`ifdef', `')
define(`ifelse', `')
define(`esyscmd', `')
define(`syscmd', `')
define(`maketemp', `')
define(`mkstemp', `')
define(`debugfile', `')
define(`debugmode', `')
define(`m4exit', `')
define(`m4wrap', `')
define(`undivert', `')
define(`traceon', `')
define(`traceoff', `')
define(`dumpdef', `')
define(`errprint', `')
define(`__file__', `')
_cfl_def(`undefine', `_cfl_cq(`@[',`]@')_cfl_err(@[@<U>@$#@<N>@$1@<E>@]@)_cfl_undef(@[$1]@)_cfl_cq(@[`]@,@[']@)')
_cfl_def(`define', `_cfl_cq(`@[',`]@')_cfl_def(@[$1]@,@[$2]@)_cfl_err(@[@<D>@$#@<N>@$1@<V>@]@)_cfl_err(_cfl_defn(@[$1]@))_cfl_err(@[@<E>@]@)_cfl_cq(@[`]@,@[']@)')
"""

# For LOCAL_CONFIG: sendmail-cf's diversion macros as cfhead.m4 defines them, its other
# macros as nothing; at the end diversion 6 is written out between two markers (m4
# writes the other diversions after them).
_LC_PREFIX = _PREFIX + "".join(
    f"_cfl_def(`{n}', `divert({d})')\n" for n, d in [
        ("LOCAL_CONFIG", 6), ("LOCAL_RULESETS", 9), ("LOCAL_RULE_0", 3), ("LOCAL_RULE_1", 9),
        ("LOCAL_RULE_2", 9), ("LOCAL_RULE_3", 2), ("LOCAL_NET_CONFIG", 1),
        ("MAILER_DEFINITIONS", 7), ("LOCAL_DNSBL", 8), ("LOCAL_UUCP", 4)]) + "".join(
    f"_cfl_def(`{n}', `')\n" for n in (
        "FEATURE", "MAILER", "OSTYPE", "DOMAIN", "VERSIONID", "DAEMON_OPTIONS", "HACK",
        "CLIENT_OPTIONS", "MODIFY_MAILER_FLAGS", "EXPOSED_USER", "MASQUERADE_AS",
        "MASQUERADE_DOMAIN", "TRUST_AUTH_MECH", "INPUT_MAIL_FILTER", "MAIL_FILTER",
        "LOCAL_USER", "LOCAL_DOMAIN", "RELAY_DOMAIN", "GENERICS_DOMAIN", "SITECONFIG",
        "UUCPSMTP"))
_LC_SUFFIX = "divert(0)@<LCBLOCK>@_cfl_undivert(6)@<LCEND>@"


def _m4(path: Path, prefix: str, suffix: str, comments: bool, tmp: Path):
    pre = tmp / "prefix.m4"
    pre.write_text(prefix + ("" if comments else "_cfl_changecom()") + "dnl\n")
    args = ["m4", str(pre), str(path.resolve())]
    if suffix:
        (tmp / "suffix.m4").write_text(suffix)
        args.append(str(tmp / "suffix.m4"))
    r = subprocess.run(args, cwd=tmp, capture_output=True, timeout=30)
    return (r.stdout.decode("utf-8", "surrogateescape"),
            r.stderr.decode("utf-8", "surrogateescape"))


def m4_defines(path: Path, comments: bool, tmp: Path) -> list[tuple]:
    _out, err = _m4(path, _PREFIX, "", comments, tmp)
    events = []
    for chunk in err.split("@<E>@"):
        for tag in ("@<D>@", "@<U>@"):
            if tag in chunk:
                n, _, rest = chunk.split(tag, 1)[1].partition("@<N>@")
                if n != "0":
                    if tag == "@<D>@":
                        name, _, value = rest.partition("@<V>@")
                        events.append(("D", name, value))
                    else:
                        events.append(("U", rest))
    return events


@pytest.fixture
def needs_m4():
    """The oracle tests need GNU m4: they fail under CI without it, skip elsewhere."""
    if shutil.which("m4") is None:
        unavailable("GNU m4 not installed (apt-get install m4)")


@pytest.mark.usefixtures("needs_m4")
@pytest.mark.parametrize("path", mc_params(ALL_MC))
def test_defines_equal_what_m4_sees(path, tmp_path):
    doc = parse(_read(path), str(path))
    events = m4_defines(path, doc.m4_comments, tmp_path)
    # m4 runs ifdef/ifelse branches only when taken (stubbed here): compare the rest
    assert [(d.name, d.stored) for d in doc.defines if not d.conditional] == \
        [e[1:] for e in events if e[0] == "D"]
    assert [u.name for u in doc.undefines if not u.conditional] == \
        [e[1] for e in events if e[0] == "U"]


@pytest.mark.usefixtures("needs_m4")
@pytest.mark.parametrize("path",
                         mc_params([p for p in ALL_MC if "LOCAL_CONFIG" in _read(p)]))
def test_local_config_equals_what_m4_writes(path, tmp_path):
    doc = parse(_read(path), str(path))
    out, _err = _m4(path, _LC_PREFIX, _LC_SUFFIX, doc.m4_comments, tmp_path)
    assert "@<LCBLOCK>@" in out
    got = out.split("@<LCBLOCK>@", 1)[1].split("@<LCEND>@", 1)[0]
    ours = "".join(b.text for b in doc.local_config)
    norm = lambda s: [ln.rstrip("\r") for ln in s.split("\n") if ln.strip()]  # noqa: E731
    assert norm(ours) == norm(got)


@pytest.mark.usefixtures("needs_m4")
def test_oracle_sees_the_tricky_cases(tmp_path):
    src = tmp_path / "t.mc"
    src.write_text("define(`A', '50')define('B', `x')define(`C', ``q'')define(D)"
                   "# define the\ndefine(`E', defn(`C')`,z')undefine(`A')\n")
    doc = parse(src.read_text())
    assert m4_defines(src, doc.m4_comments, tmp_path) == [
        ("D", "A", "'50'"), ("D", "'B'", "x"), ("D", "C", "`q'"), ("D", "D", ""),
        ("D", "E", "`q',z"), ("U", "A")]
    assert [(d.name, d.stored) for d in doc.defines] == [
        ("A", "'50'"), ("'B'", "x"), ("C", "`q'"), ("D", ""), ("E", "`q',z")]
