"""Mutations of Debian's sendmail.cf, judged by the real sendmail.

Each mutation inserts (or replaces) a few lines in the installed /etc/mail/sendmail.cf
(or one built with m4 when it is missing), then

* sendmail -bt judges the file once (``sendmail_judge.judge``);
* cflint checks it in-process with --target-version = the installed version;
* the lines cflint reports as ``daemon-fails`` must be exactly the lines sendmail names as
  fatal (plus the V line for the unnumbered version-level error), and sendmail rejecting the
  file must coincide with cflint having any daemon-fails finding;
* where the mutation has one, cflint's code must be among the expected codes: at sendmail's
  lines for a fatal mutation, at the inserted lines for an accepted one.

The expectation comes from sendmail's verdict (never from hand-written line numbers).
``intent`` only guards the mutation itself: a mutation meant to be fatal (or harmless) on
every sendmail that sendmail judges otherwise does not test what it says, and fails as such.
Build- or version-dependent mutations (DANE, CertOwner, CipherSuites, ...) have no intent:
the installed sendmail decides.
"""
from __future__ import annotations

import re
import shutil
import string
from dataclasses import dataclass
from pathlib import Path

import pytest

import sendmail_judge as sj

NO_USER = "cflint-no-such-user"
NO_GROUP = "cflint-no-such-group"

# where: "after_v" (right after the V line), "top" (before line 1), "replace_v",
# "in_ruleset" (right after the first S line), "end", "whole" (replaces the file)
Edit = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class Mutation:
    id: str
    edits: tuple[Edit, ...]
    intent: str | None = None            # "fatal", "ok" or None (the installed build decides)
    codes: frozenset[str] = frozenset()  # when fatal: a code cflint must give at each line
    ok_codes: frozenset[str] = frozenset()  # when accepted: a code cflint must give (inserted lines)
    ok_impact: str | None = None         # ... and that finding's impact (e.g. config-error)
    crlf: bool = False


def M(id, *lines, where="after_v", intent=None, codes=(), ok_codes=(), ok_impact=None,
      crlf=False, edits=None):
    return Mutation(id, tuple(edits) if edits else ((where, tuple(lines)),), intent,
                    frozenset(codes), frozenset(ok_codes), ok_impact, crlf)


FATAL, OK = "fatal", "ok"

MUTATIONS = [
    # ---- unknown option names (§2.4, §7)
    M("unknown-option-typo", "O ServerCertFiel=/etc/mail/tls/cert.pem", intent=FATAL,
      codes={"CF002"}),
    M("unknown-option-bogus", "O Bogus=1", intent=FATAL, codes={"CF002"}),
    M("usetls", "O UseTLS=True", intent=FATAL, codes={"CF002"}),
    # compiled out on Debian; another build may accept them: sendmail decides
    M("dane", "O DANE=true", codes={"CF002", "CF007"}),
    M("fipsmode", "O FIPSMode=true", codes={"CF002", "CF007"}),
    M("clientcacertfile", "O ClientCACertFile=/etc/ssl/certs/ca.pem", codes={"CF002", "CF007"}),
    M("clientcacertpath", "O ClientCACertPath=/etc/ssl/certs", codes={"CF002", "CF007"}),
    # ---- abbreviations (§5.2)
    M("ambiguous-cacert", "O CACert=/etc/ssl/certs", intent=FATAL, codes={"CF004"}),
    M("ambiguous-server", "O Server=/x", intent=FATAL, codes={"CF004"}),
    M("abbreviation-servercert", "O ServerCert=/x", intent=OK, ok_codes={"CF004"}),
    # ---- whitespace after O, null name
    M("o-tab", "O\tLogLevel=9", intent=FATAL, codes={"CF001"}),
    M("o-two-spaces", "O  LogLevel=9", intent=FATAL, codes={"CF001"}),
    M("o-null-name", "O =x", intent=FATAL, codes={"CF001"}),
    M("o-alone", "O", intent=FATAL, codes={"CF001"}),
    # ---- one-letter traps (§5.2)
    M("oneletter-servercertfile", "OServerCertFile=/x", intent=OK, ok_codes={"CF003"},
      ok_impact="config-error"),
    M("oneletter-loglevel", "OLogLevel=9", intent=OK, ok_codes={"CF003"}),
    M("oneletter-dhparameters", "ODHParameters=/x", intent=FATAL, codes={"CF003"}),
    M("oneletter-dontblame", "ODontBlameSendmail=GroupReadableKeyFile", intent=FATAL,
      codes={"CF003"}),
    M("oneletter-unknown-letter", "O~x", intent=FATAL, codes={"CF001", "CF002", "CF003"}),
    M("oneletter-L9", "OL9", intent=OK),
    # ---- name/value split
    M("spaces-around-equals", "O ServerKeyFile = /etc/mail/tls/key.pem", intent=OK),
    M("tab-before-equals", "O ServerKeyFile\t=/etc/mail/tls/key.pem", intent=FATAL,
      codes={"CF002"}),
    M("no-equals", "O ServerCertFile /etc/mail/tls/cert.pem", intent=FATAL, codes={"CF002"}),
    M("name-only-boolean", "O LogLevel", intent=OK),
    M("name-lowercase", "O serverkeyfile=/etc/mail/tls/key.pem", intent=OK),
    # ---- sub-options
    M("sub-on-plain-option", "O MaxHopCount.sub=20", intent=OK),
    M("timeout-unknown", "O Timeout.bogus=5m", intent=FATAL, codes={"CF009"}),
    M("timeout-unknown-no-value", "O Timeout.bogus", intent=FATAL, codes={"CF009"}),
    M("timeout-queuereturn-unknown-class", "O Timeout.queuereturn.bogus=5d", intent=FATAL,
      codes={"CF009"}),
    M("timeout-queuereturn-urgent", "O Timeout.queuereturn.urgent=5d", intent=OK),
    M("milter-unknown", "O Milter.bogus=5", intent=FATAL, codes={"CF002", "CF009"}),
    M("milter-macros-unknown", "O Milter.macros.bogus=j", intent=FATAL,
      codes={"CF002", "CF009"}),
    M("milter-macros-connect", "O Milter.macros.connect=j", intent=OK),
    # ---- DontBlameSendmail (§5.3)
    M("dontblame-unknown", "O DontBlameSendmail=Bogus", intent=FATAL, codes={"CF009"}),
    M("dontblame-hyphen", "O DontBlameSendmail=Group-ReadableKeyFile", intent=FATAL,
      codes={"CF009"}),
    M("dontblame-leading-comma", "O DontBlameSendmail=,GroupReadableKeyFile", intent=OK),
    M("dontblame-leading-tab", "O DontBlameSendmail=\tGroupReadableKeyFile", intent=OK),
    M("dontblame-lowercase", "O DontBlameSendmail=safe,groupreadablekeyfile", intent=OK),
    # ---- SSL options (§5.3)
    M("serversslopt-unknown", "O ServerSSLOptions=+SSL_OP_BOGUS", intent=FATAL,
      codes={"CF103"}),
    M("clientsslopt-unknown", "O ClientSSLOptions=SSL_OP_BOGUS", intent=FATAL,
      codes={"CF103"}),
    M("serversslopt-zero-number", "O ServerSSLOptions=0xZZ", intent=OK),
    M("serversslopt-lowercase", "O ServerSSLOptions=+ssl_op_no_tlsv1,-SSL_OP_NO_SSLv2",
      intent=OK),
    M("tlssrvoptions-unknown-letter", "O TLSSrvOptions=X", intent=OK, ok_codes={"CF103"}),
    M("tlssrvoptions-v-c", "O TLSSrvOptions=V,C", intent=OK),
    # ---- identities
    M("runasuser-unknown-user", f"O RunAsUser={NO_USER}", intent=FATAL, codes={"CF009"}),
    M("runasuser-unknown-group", f"O RunAsUser=root:{NO_GROUP}", intent=FATAL,
      codes={"CF009"}),
    M("trusteduser-unknown-user", f"O TrustedUser={NO_USER}", intent=FATAL, codes={"CF009"}),
    M("trusteduser-unknown-group", f"O TrustedUser=root:{NO_GROUP}", intent=FATAL,
      codes={"CF009"}),
    M("runasuser-numeric", "O RunAsUser=54321:54321", intent=OK),
    # ---- V line (§5.1)
    M("v-non-digit", "Vx/Berkeley", where="replace_v", intent=FATAL, codes={"CF001"}),
    M("v-empty", "V", where="replace_v", intent=FATAL, codes={"CF001"}),
    M("v-level-11", "V11/Berkeley", where="replace_v", intent=FATAL,
      codes={"CF001", "CF007"}),
    M("v-unknown-vendor", "V10/Bogus", where="replace_v", intent=FATAL, codes={"CF001"}),
    M("v-vendor-sun", "V10/Sun", where="replace_v", codes={"CF001"}),
    M("v-vendor-lowercase", "V10/berkeley", where="replace_v", intent=OK),
    M("v-no-vendor", "V10", where="replace_v", intent=OK),
    M("v-space", "V 10/Berkeley", where="replace_v", intent=OK),
    M("v-level-9", "V9/Berkeley", where="replace_v", intent=OK),
    # ---- line types
    M("lowercase-o", "o LogLevel=9", intent=FATAL, codes={"CF001"}),
    M("line-L", "L foo", codes={"CF001"}),
    M("line-G", "G foo", codes={"CF001"}),
    M("indented-first-line", "  O LogLevel=9", where="top", intent=FATAL, codes={"CF001"}),
    M("indented-after-empty", "", "\tO LogLevel=9", intent=FATAL, codes={"CF001"}),
    M("indented-after-comment", "# a comment", "\tthat goes on", intent=OK),
    M("p-without-equals", "Pfoo", intent=FATAL, codes={"CF001"}),
    M("r-without-tab", "R$* foo", where="in_ruleset", intent=FATAL, codes={"CF001"}),
    M("r-before-s", "R$*\t$@ foo", where="top", intent=FATAL, codes={"CF001"}),
    # ---- folding, comments, escapes (§5.1)
    M("folded-unknown-option", "O Bogus=1", "\tcontinued", intent=FATAL, codes={"CF002"}),
    M("folded-name", "O Bo", " gus=1", intent=FATAL, codes={"CF002"}),
    M("folded-good-option", "O ServerCertFile=/x", "  more", intent=OK),
    M("comment-cuts-name", "O Bog#us=1", intent=FATAL, codes={"CF002"}),
    M("escaped-hash-in-name", "O Bog\\#us=1", intent=FATAL, codes={"CF002"}),
    M("escaped-hash-in-value", "O ServerCertFile=/x\\#y", intent=OK),
    M("trailing-comment", "O ServerCertFile=/x # comment", intent=OK),
    M("comment-after-name-after-v", "O LogLevel#=9", intent=OK),
    M("hash-before-v-is-text", "O LogLevel#=9", where="top", intent=FATAL, codes={"CF002"}),
    # ---- several errors, CRLF
    M("multiple-errors", intent=FATAL, edits=[
        ("top", ("O Bogus1=1",)),
        ("after_v", ("O Bogus2=2", "o LogLevel=9", "O ServerCert=/x", "O MinQueueAge=5z")),
        ("in_ruleset", ("Rno tab here",)),
        ("end", ("O DontBlameSendmail=Bogus",)),
    ]),
    M("crlf-clean", where="end", crlf=True, intent=OK, edits=[("end", ())]),
    M("crlf-unknown-option", "O Bogus=1", crlf=True, intent=FATAL, codes={"CF002"}),
    # ---- found by probing sendmail 8.17.1.9 (beyond §2.4)
    # notices with a line number that do not stop sendmail
    M("invalid-time-unit", "O MinQueueAge=5z", intent=OK),
    M("invalid-time-unit-rejectloginterval", "O RejectLogInterval=x", intent=OK),
    # SSL option tokens: a TAB separates them; an empty token (leading TAB, lone sign,
    # doubled sign) is "option value  unrecognized"
    M("sslopt-tab-separated", "O ServerSSLOptions=+SSL_OP_NO_SSLv3\t+SSL_OP_NO_TLSv1",
      intent=OK),
    M("sslopt-tab-separated-unknown", "O ServerSSLOptions=+SSL_OP_NO_TLSv1\t+SSL_OP_BOGUS",
      intent=FATAL, codes={"CF103"}),
    M("sslopt-leading-tab", "O ServerSSLOptions=\t+SSL_OP_NO_TLSv1", intent=FATAL,
      codes={"CF103"}),
    M("sslopt-double-sign", "O ServerSSLOptions=++SSL_OP_NO_SSLv3", intent=FATAL,
      codes={"CF103"}),
    M("sslopt-sign-then-space", "O ServerSSLOptions=+ SSL_OP_NO_SSLv3", intent=FATAL,
      codes={"CF103"}),
    # identities
    M("runasuser-empty", "O RunAsUser=", intent=FATAL, codes={"CF009"}),
    M("runasuser-empty-user", "O RunAsUser=:root", intent=FATAL, codes={"CF009"}),
    M("trusteduser-empty", "O TrustedUser=", intent=FATAL, codes={"CF009"}),
    M("defaultuser-unknown-user", f"O DefaultUser={NO_USER}", intent=FATAL, codes={"CF009"}),
    M("defaultuser-unknown-group", f"O DefaultUser=mail:{NO_GROUP}", intent=FATAL,
      codes={"CF009"}),
    # the last V line counts
    M("v-level-11-then-10", "V11/Berkeley", where="top", intent=OK),
    # other line types
    M("macro-without-name", "D", intent=FATAL, codes={"CF001"}),
    M("class-without-name", "C", intent=FATAL, codes={"CF001"}),
    M("ruleset-without-name", "S", where="end", intent=FATAL, codes={"CF001"}),
    M("map-without-class", "Kfoo", intent=FATAL),
    M("header-syntax", "Hbogus", where="end", intent=FATAL, codes={"CF001"}),
    M("mailer-unknown-equate", "Mfoo, P=/bin/true, F=C, A=true, Z=bogus", where="end",
      intent=FATAL),
    M("milter-unknown-equate", "Xfoo, Z=1", where="end", intent=FATAL),
    M("queue-group-unknown-equate", "Qfoo, Z=1", where="end", intent=FATAL),
    # option values the reader refuses
    M("smtputf8-without-eai", "O SMTPUTF8"),
    M("deliverymode-unknown", "O DeliveryMode=z", intent=FATAL),
    M("eightbitmode-unknown", "O EightBitMode=z", intent=FATAL),
    M("queuesortorder-unknown", "O QueueSortOrder=z", intent=FATAL),
    M("privacyoptions-unknown", "O PrivacyOptions=bogus", intent=FATAL),
    M("resolveroptions-unknown", "O ResolverOptions=bogus", intent=FATAL),
    M("daemonportoptions-family", "O DaemonPortOptions=Family=bogus", intent=FATAL),
    M("daemonportoptions-parameter", "O DaemonPortOptions=Bogus=1", intent=FATAL),
    M("clientportoptions-family", "O ClientPortOptions=Family=bogus", intent=FATAL),
    M("connectonlyto-not-ip", "O ConnectOnlyTo=not-an-ip", intent=FATAL),
    M("mailboxdatabase-unknown", "O MailboxDatabase=bogus", intent=FATAL),
    M("milter-without-suboption", "O Milter=1", intent=FATAL, codes={"CF002", "CF009"}),
    # a NUL byte ends the line for sendmail's string handling: "O Log" is an abbreviation
    M("nul-in-name", "O Log\0Level=9", intent=OK),
    # a cf without mailers: "No local mailer defined" (exit 70, no line number)
    M("cf-without-local-mailer", "V10/Berkeley", where="whole", intent=FATAL),
]

# Options and words that exist only from a release on (reference §6): the installed
# sendmail decides whether they are known; a rejection must be CF007 (not in the target).
VERSIONED = [
    ("CipherSuites", "O CipherSuites=TLS_AES_256_GCM_SHA384", "8.17.1"),
    ("TLSFallbacktoClear", "O TLSFallbacktoClear=true", "8.16.1"),
    ("SSLEngine", "O SSLEngine=dynamic", "8.16.1"),
    ("SSLEnginePath", "O SSLEnginePath=/usr/lib/engines", "8.16.1"),
    ("CRLPath", "O CRLPath=/etc/ssl/crl", "8.16.1"),
    ("CertFingerprintAlgorithm", "O CertFingerprintAlgorithm=sha256", "8.15.1"),
    ("CipherList", "O CipherList=HIGH:!aNULL", "8.15.1"),
    ("ServerSSLOptions", "O ServerSSLOptions=+SSL_OP_NO_TLSv1", "8.15.1"),
    ("ClientSSLOptions", "O ClientSSLOptions=+SSL_OP_NO_TLSv1", "8.15.1"),
    ("DontBlameSendmail-CertOwner", "O DontBlameSendmail=CertOwner", "8.18.1"),
]
MUTATIONS += [M(f"versioned-{name}-since-{since}", line, codes={"CF007"})
              for name, line, since in VERSIONED]

IDS = [m.id for m in MUTATIONS]
assert len(IDS) == len(set(IDS)), "duplicate mutation ids"


# ------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def base_cf(tmp_path_factory, sendmail) -> list[str]:
    """Debian's sendmail.cf as lines: the installed one, else built with m4."""
    d = tmp_path_factory.mktemp("base")
    installed = Path("/etc/mail/sendmail.cf")
    if installed.is_file():
        path = d / "sendmail.cf"
        shutil.copyfile(installed, path)
    else:
        path = sj.build_cf_from_mc(sj.debian_mc_source("sendmail"), d, "sendmail")
    verdict = sj.judge(path, sendmail)
    assert verdict.returncode == 0 and not verdict.fatal_lines, \
        f"the base cf must be accepted: {verdict.describe()}"
    text = sj.read_cf(path)
    assert sj.v_line(text) is not None, "the base cf has no V line"
    return text.splitlines()


def _anchor(lines: list[str], where: str) -> tuple[int, int]:
    """(index to insert at, number of lines replaced) in the base."""
    if where == "top":
        return 0, 0
    if where == "end":
        return len(lines), 0
    if where == "whole":
        return 0, len(lines)
    v = next(i for i, ln in enumerate(lines) if ln.startswith("V"))
    if where == "after_v":
        return v + 1, 0
    if where == "replace_v":
        return v, 1
    if where == "in_ruleset":
        return next(i for i, ln in enumerate(lines) if ln.startswith("S")) + 1, 0
    raise ValueError(where)


@pytest.fixture(scope="module")
def judged(base_cf, tmp_path_factory, sendmail):
    """mutation -> (path, text, inserted lines, verdict); sendmail runs once per mutation."""
    root = tmp_path_factory.mktemp("mutations")
    cache: dict[str, tuple[Path, str, list[int], sj.Verdict]] = {}

    def get(mut: Mutation):
        if mut.id not in cache:
            text, inserted = build(base_cf, mut)
            d = root / mut.id
            d.mkdir()
            path = d / "sendmail.cf"
            path.write_bytes(text.encode("latin-1"))
            cache[mut.id] = (path, text, inserted, sj.judge(path, sendmail))
        return cache[mut.id]

    return get


def build(base: list[str], mut: Mutation) -> tuple[str, list[int]]:
    """The mutated text and the physical numbers of the inserted lines."""
    rows: list[tuple[str, bool]] = [(ln, False) for ln in base]
    # apply from the bottom up so that earlier anchors stay valid
    plan = sorted(((*_anchor(base, where), i, new) for i, (where, new) in enumerate(mut.edits)),
                  key=lambda t: (t[0], t[2]), reverse=True)
    for at, replaced, _, new in plan:
        rows[at:at + replaced] = [(ln, True) for ln in new]
    sep = "\r\n" if mut.crlf else "\n"
    text = sep.join(ln for ln, _ in rows) + sep
    return text, [n for n, (_, ins) in enumerate(rows, 1) if ins]


# ------------------------------------------------------------------------- tests


def test_base_cf_has_no_daemon_fails(base_cf, tmp_path, sendmail_version):
    path = tmp_path / "sendmail.cf"
    path.write_bytes(("\n".join(base_cf) + "\n").encode("latin-1"))
    result = sj.lint(path, tmp_path, target=sendmail_version)
    assert result.exit_code in (0, 1) and result.report is not None, result.describe()
    assert not result.daemon_fails(), result.describe(set())


@pytest.mark.parametrize("mut", MUTATIONS, ids=IDS)
def test_mutation(mut, judged, sendmail_version):
    path, text, inserted, verdict = judged(mut)
    assert not verdict.timed_out, verdict.output
    if mut.intent == FATAL:
        assert verdict.rejected, f"mutation meant to be fatal, sendmail accepts it: " \
                                 f"{verdict.describe()}"
    elif mut.intent == OK:
        assert not verdict.rejected, f"mutation meant to be harmless, sendmail rejects it: " \
                                     f"{verdict.describe()}"

    result = sj.lint(path, path.parent, target=sendmail_version)
    assert result.exit_code in (0, 1) and result.report is not None, \
        f"{result.describe()} {result.error or ''}"

    expected = verdict.expected_lines(text)
    context = (f"\n  inserted lines {inserted}: {[text.splitlines()[n - 1] for n in inserted]}"
               f"\n  {verdict.describe()}\n  {result.describe(set(mut.codes | mut.ok_codes))}")
    problems = sj.disagreements(verdict, result, text)
    assert not problems, "\n  ".join(problems) + context

    if verdict.rejected and mut.codes:
        for line in sorted(expected):
            at = {f["code"] for f in result.daemon_fails() if f.get("line") == line}
            assert at & mut.codes, \
                f"line {line}: expected one of {sorted(mut.codes)}, got {sorted(at)}{context}"
    if not verdict.rejected and mut.ok_codes:
        hits = [f for f in result.findings
                if f.get("code") in mut.ok_codes and f.get("line") in inserted]
        assert hits, f"expected {sorted(mut.ok_codes)} on {inserted}{context}"
        if mut.ok_impact:
            assert any(mut.ok_impact in f.get("impacts", []) for f in hits), \
                f"expected impact {mut.ok_impact}{context}"


@pytest.mark.parametrize("mid", ["abbreviation-servercert", "invalid-time-unit"])
def test_numbered_notice_is_not_fatal(mid, judged):
    """The judge treats some numbered messages ("Option X used as abbreviation for Y",
    "Invalid time unit") as notices (sendmail_judge.NONFATAL_NUMBERED): prove it, since a
    file with only that line must exit 0."""
    _, _, inserted, verdict = judged(next(m for m in MUTATIONS if m.id == mid))
    assert verdict.returncode == 0, verdict.describe()
    assert verdict.notice_lines == set(inserted) and not verdict.fatal_lines, verdict.describe()
    # and the judge knows the text as a notice, so it is not counted in a rejected file
    assert not any(m.fatal for m in verdict.messages if m.line is not None), \
        f"add the message to sendmail_judge.NONFATAL_NUMBERED: {verdict.describe()}"


def test_version_level_error_is_unnumbered(judged):
    """V11 is fatal without a line number: the judge maps it to the V line."""
    _, text, inserted, verdict = judged(next(m for m in MUTATIONS if m.id == "v-level-11"))
    assert verdict.rejected and verdict.version_level_error, verdict.describe()
    assert verdict.expected_lines(text) == set(inserted), verdict.describe()


# ------------------------------------------------------------------------- table sweeps
#
# cflint's knowledge of sendmail is data (cflint/sendmail/options.py).  Each sweep writes
# one line per entry of one table into a single file, ends it with a sentinel line that
# every sendmail rejects (proving sendmail read the whole block), and lets the installed
# sendmail judge all of them in one run: the lines it rejects must be exactly cflint's
# daemon-fails lines.  So an option, word or name that cflint places in the wrong release
# or build is caught, whatever the installed sendmail is.

_KIND_VALUES = {
    "bool": "False", "int": "1", "duration": "1h", "mode": "0600", "size": "1", "char": ".",
    "path": "/nonexistent/cflint", "paths": "/nonexistent/cflint", "dir": "/nonexistent",
    "list": "/nonexistent/cflint", "string": "x", "user": "root", "tlssrv": "V",
    "sslopts": "+SSL_OP_NO_SSLv3", "flags": "", "timeout": "1h",
}
_FIXED_VALUES = {
    "runasuser": "root", "trusteduser": "root", "defaultuser": "mail:mail",
    "daemonportoptions": "Name=Sweep, Port=2525, Addr=127.0.0.1",
    "clientportoptions": "Family=inet, Address=0.0.0.0",
}


def _value_for(spec, base: list[str]) -> str:
    """A value sendmail's reader accepts for that option: Debian's own (``O Name=v`` or the
    commented default ``#O Name=v`` in the base cf), else one by kind."""
    name = spec.name.lower()
    if name in _FIXED_VALUES:
        return _FIXED_VALUES[name]
    for ln in base:
        m = re.match(r"^#?O (\w+)(?:=(.*))?$", ln)
        if m and m.group(1).lower() == name:
            return m.group(2) or ""
    return _KIND_VALUES.get(spec.kind, "")


def _opt(name: str, value: str) -> str:
    return f"O {name}={value}" if value != "" else f"O {name}"


def _sweep_lines(kind: str, base: list[str]) -> list[str]:
    from cflint.sendmail import options as t

    if kind == "option-names":
        lines = []
        for spec in (*t.OPTIONS, *t.HPUX_EXTRA):
            if spec.suboptions:  # Timeout, Milter: swept below
                continue
            lines.append(_opt(spec.name, _value_for(spec, base)))
        return lines + ["O CflintSentinelOption=1"]
    if kind == "one-letter-names":
        by_name = {s.name: s for s in t.OPTIONS}
        lines = []
        for c in string.ascii_letters + string.digits + "!~":
            if c in t.SHORT_OPTIONS:
                lines.append(f"O{c}{_value_for(by_name[t.SHORT_OPTIONS[c]], base)}")
            elif c == "g":
                lines.append("Og0")
            elif c == "M":
                lines.append("OMX value")
            else:
                lines.append(f"O{c}x")
        return lines + ["O\x01x"]
    if kind == "timeout-names":
        return [f"O Timeout.{n}=1h" for n in t.TIMEOUT_NAMES] + ["O Timeout.cflintsentinel=1h"]
    if kind == "milter-names":
        return [f"O Milter.{n}={'1' if n.lower() == 'loglevel' else 'j'}"
                for n in t.MILTER_NAMES] + ["O Milter.cflintsentinel=1"]
    if kind == "dontblame-words":
        return [f"O DontBlameSendmail={w}" for w in t.DONT_BLAME_WORDS] + \
            ["O DontBlameSendmail=CflintSentinelWord"]
    if kind == "ssl-option-names":
        names = list(t.SSL_OP_NAMES)
        return [f"O ServerSSLOptions=+{n}" for n in names] + \
            [f"O ClientSSLOptions={' '.join('-' + n for n in names)}",
             "O ServerSSLOptions=+SSL_OP_CFLINT_SENTINEL"]
    raise ValueError(kind)


SWEEPS = {
    "option-names": {"CF002", "CF007"},
    "one-letter-names": {"CF001", "CF002", "CF003"},
    "timeout-names": {"CF009", "CF007"},
    "milter-names": {"CF002", "CF009", "CF007"},
    "dontblame-words": {"CF009", "CF007"},
    "ssl-option-names": {"CF103", "CF007"},
}


@pytest.mark.parametrize("kind", sorted(SWEEPS))
def test_table_sweep(kind, base_cf, judged, sendmail_version):
    mut = M(f"sweep-{kind}", *_sweep_lines(kind, base_cf))
    path, text, inserted, verdict = judged(mut)
    assert not verdict.timed_out, verdict.output
    assert inserted[-1] in verdict.fatal_lines, \
        f"sendmail did not reach the sentinel line {inserted[-1]}: {verdict.describe()}"
    outside = verdict.expected_lines(text) - set(inserted)
    assert not outside, f"sendmail rejects lines outside the sweep: {verdict.describe()}"

    result = sj.lint(path, path.parent, target=sendmail_version)
    assert result.exit_code in (0, 1) and result.report is not None, result.describe()
    expected = verdict.expected_lines(text)
    problems = sj.disagreements(verdict, result, text)
    assert not problems, "\n  ".join(problems) + \
        f"\n  {verdict.describe()}\n  {result.describe(set())}"
    for line in sorted(expected):
        at = {f["code"] for f in result.daemon_fails() if f.get("line") == line}
        assert at & SWEEPS[kind], f"line {line}: codes {sorted(at)}, expected one of " \
                                  f"{sorted(SWEEPS[kind])}"
