"""The real sendmail as the judge of sendmail.cf files (reference/sendmail-tls.md §9).

``judge(cf)`` runs ``sendmail-mta -bt -C ABS </dev/null`` and reports what its config
reader said: the exit status, every ``<file>: line N: <text>`` message, and the messages
without a line number.  A line sendmail names is *fatal* unless the message is one of the
known notices that carry a line number but do not stop sendmail (``NONFATAL_NUMBERED``;
each is proven non-fatal by a mutation test that exits 0).

``lint(cf)`` runs cflint in-process (``cflint.cli.main`` writing JSON to a file), so the
suite does not pay for one interpreter per file.

Set-up that every test run needs (CI machines are fresh, and root):

* ``ensure_hostname()``: without a dotted form of the host name in /etc/hosts, sendmail
  sleeps ~60 s in *every* mode before it reads the cf (the "host-name stall").
* ``sendmail_binary()`` / ``installed_version()``: which sendmail judges; never assumed.
* ``require_sendmail()``: under CI (``CI=true``) a missing sendmail fails the tests; locally
  it skips them with the reason.
"""
from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

TIMEOUT = 20  # seconds for one sendmail run; a stall on the host name takes ~60 s
HOSTS = Path("/etc/hosts")
CANDIDATES = ("/usr/sbin/sendmail-mta", "/usr/sbin/sendmail")
M4_CF = Path("/usr/share/sendmail/cf/m4/cf.m4")
DEBIAN_MC_TEMPLATES = Path("/usr/share/sendmail/cf/debian")

# Numbered messages that do not stop sendmail (a file with only that line exits 0).
NONFATAL_NUMBERED = (
    re.compile(r"^Option \S+ used as abbreviation for \S+"),
    re.compile(r"^Invalid time unit `.'"),   # convtime(): the unit is ignored
)
# Unnumbered messages that do stop sendmail (exit 70) although no line is named.
VERSION_LEVEL_ERROR = re.compile(
    r"^Warning: \.cf version level \((\d+)\) exceeds sendmail version \S+ functionality \((\d+)\)")
FATAL_UNNUMBERED = (
    VERSION_LEVEL_ERROR,
    re.compile(r"^No local mailer defined"),
    re.compile(r"^No prog mailer defined"),
    re.compile(r"^Can't initialize mailbox database"),
)
# sendmail -bt's own chatter, never a message about the cf
_BANNER = re.compile(r"^(ADDRESS TEST MODE|Enter <ruleset> <address>|>\s*$)")
_NUMBERED = re.compile(r"^(?P<file>.*?): line (?P<line>\d+): (?P<text>.*)$")


def shared_path() -> Path:
    """The shared material: $CFLINT_SHARED, else X/shared beside the X/<project> checkout."""
    env = os.environ.get("CFLINT_SHARED")
    return Path(env).resolve() if env else Path(__file__).resolve().parents[2] / "shared"


def read_live(path: str) -> str | None:
    """A host file as text (None when it cannot be read): the include reader the .mc
    tests give cflint's m4 interpreter."""
    try:
        return Path(path).read_bytes().decode("utf-8", "surrogateescape")
    except OSError:
        return None


def corpus_files() -> Path:
    """The shared corpus's files directory (read in place, never copied)."""
    return shared_path() / "corpus" / "files"


# Tests that read the shared corpus. Outside CI, where the corpus is absent, conftest
# deselects them and says so in one line; under CI=true they run and fail.
corpus = pytest.mark.corpus


def corpus_mcs() -> list[Path]:
    """The .mc (and .m4, .mc.in) files of the shared corpus, read in place."""
    d = corpus_files()
    return sorted(p for p in d.iterdir() if not p.name.endswith(".cf")) if d.is_dir() else []


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def unavailable(reason: str):
    """Fail under CI, skip elsewhere: a judge or oracle must never silently vanish in CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: these tests must run)", pytrace=False)
    pytest.skip(reason)


# ------------------------------------------------------------------------- set-up


def _host_names() -> list[str]:
    return [n for n in {socket.gethostname(), os.uname().nodename} if n]


def hosts_has_dotted(host: str, hosts_text: str) -> bool:
    """True if some /etc/hosts entry names ``host.<domain>`` (or host is dotted itself)."""
    if "." in host:
        return True
    prefix = host.lower() + "."
    for raw in hosts_text.splitlines():
        fields = raw.split("#", 1)[0].split()
        if len(fields) >= 2 and any(f.lower().startswith(prefix) and len(f) > len(prefix)
                                    for f in fields[1:]):
            return True
    return False


def ensure_hostname(hosts: Path = HOSTS) -> list[str]:
    """Give the host name a dotted form in /etc/hosts (idempotent). Returns added lines.

    Raises PermissionError when a line is needed but /etc/hosts is not writable.
    """
    added: list[str] = []
    for host in _host_names():
        text = hosts.read_text(encoding="utf-8", errors="replace") if hosts.exists() else ""
        if hosts_has_dotted(host, text):
            continue
        line = f"127.0.1.1 {host}.example.test {host}"
        with open(hosts, "a", encoding="utf-8") as fh:
            if text and not text.endswith("\n"):
                fh.write("\n")
            fh.write(line + "\n")
        added.append(line)
    return added


def sendmail_binary() -> str | None:
    for cand in CANDIDATES:
        if os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    return None


@functools.lru_cache(maxsize=None)
def installed_version() -> str:
    """The judge's version, from ``sendmail -d0.1 -bt`` ("Version 8.17.1.9")."""
    binary = sendmail_binary()
    if binary is None:
        raise RuntimeError("no sendmail binary (" + ", ".join(CANDIDATES) + ")")
    proc = subprocess.run([binary, "-d0.1", "-bt"], stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=TIMEOUT)
    out = proc.stdout.decode("latin-1") + proc.stderr.decode("latin-1")
    m = re.search(r"^Version (\d+(?:\.\d+)+)", out, re.M)
    if not m:
        raise RuntimeError(f"{binary} -d0.1 -bt printed no version:\n{out[:500]}")
    return m.group(1)


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".") if p.isdigit())


def require_sendmail() -> str:
    """The sendmail binary, after the host-name set-up; fail (CI) or skip otherwise."""
    binary = sendmail_binary()
    if binary is None:
        unavailable("sendmail is not installed (apt-get install sendmail-bin sendmail-cf m4)")
    try:
        ensure_hostname()
    except PermissionError:
        unavailable("the host name has no dotted form in /etc/hosts and /etc/hosts is not "
                    "writable: sendmail would stall ~60 s per run")
    try:
        installed_version()
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        unavailable(f"cannot ask {binary} for its version: {e} (a timeout is the host-name "
                    "stall: /etc/hosts needs a dotted name for this host first)")
    return binary


# ------------------------------------------------------------------------- the judge


@dataclass(frozen=True)
class Message:
    line: int | None   # physical line sendmail names, None for unnumbered messages
    text: str
    fatal: bool


@dataclass(frozen=True)
class Verdict:
    path: str
    returncode: int | None     # None: timed out
    output: str
    messages: tuple[Message, ...] = field(default_factory=tuple)

    @property
    def timed_out(self) -> bool:
        return self.returncode is None

    @property
    def rejected(self) -> bool:
        """sendmail refused the cf (exit 70, or another EX_* for some config errors)."""
        return self.returncode not in (0, None)

    @property
    def fatal_lines(self) -> frozenset[int]:
        """Lines sendmail names in a rejected file, minus the known notices. A file that
        exits 0 has none, whatever was printed (a message is fatal only if it stops
        sendmail)."""
        if not self.rejected:
            return frozenset()
        return frozenset(m.line for m in self.messages if m.line is not None and m.fatal)

    @property
    def notice_lines(self) -> frozenset[int]:
        return frozenset(m.line for m in self.messages if m.line is not None) - self.fatal_lines

    @property
    def unnumbered_fatal(self) -> tuple[str, ...]:
        return tuple(m.text for m in self.messages if m.line is None and m.fatal)

    @property
    def version_level_error(self) -> bool:
        return any(VERSION_LEVEL_ERROR.match(t) for t in self.unnumbered_fatal)

    @property
    def unlocated(self) -> bool:
        """sendmail rejected the file for a reason it gives no line for (other than the
        version-level error, which belongs to the V line), e.g. exit 69 "Can't initialize
        mailbox database": then cflint may name the line it blames."""
        other = [t for t in self.unnumbered_fatal if not VERSION_LEVEL_ERROR.match(t)]
        return bool(other) or (self.rejected and not self.fatal_lines
                               and not self.version_level_error)

    def expected_lines(self, cf_text: str | None = None) -> frozenset[int]:
        """The lines cflint must report as daemon-fails: the numbered fatal lines, plus the
        V line when the unnumbered version-level error appeared."""
        lines = set(self.fatal_lines)
        if self.version_level_error:
            if cf_text is None:
                cf_text = read_cf(self.path)
            v = v_line(cf_text)
            if v is not None:
                lines.add(v)
        return frozenset(lines)

    def describe(self) -> str:
        return (f"sendmail exit {self.returncode}"
                + ("" if self.output.strip() else " (no output)")
                + "".join(f"\n    | {ln}" for ln in self.output.splitlines()
                          if ln.strip() and not _BANNER.match(ln)))


def parse_output(output: str) -> tuple[Message, ...]:
    msgs: list[Message] = []
    for raw in output.splitlines():
        ln = raw.rstrip("\r")
        if not ln.strip() or _BANNER.match(ln):
            continue
        ln = re.sub(r"^(> )+", "", ln)  # a prompt glued to the next line
        m = _NUMBERED.match(ln)
        if m:
            text = m.group("text")
            fatal = not any(p.match(text) for p in NONFATAL_NUMBERED)
            msgs.append(Message(int(m.group("line")), text, fatal))
        else:
            msgs.append(Message(None, ln, any(p.match(ln) for p in FATAL_UNNUMBERED)))
    return tuple(msgs)


def judge(cf_path: str | os.PathLike, binary: str | None = None) -> Verdict:
    binary = binary or sendmail_binary()
    if binary is None:
        raise RuntimeError("no sendmail binary")
    path = os.path.abspath(os.fspath(cf_path))
    try:
        proc = subprocess.run([binary, "-bt", "-C", path], stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired as e:
        out = (e.output or b"").decode("latin-1")
        return Verdict(path, None, out + f"\n[timed out after {TIMEOUT}s: host-name stall? "
                                         "see reference/sendmail-tls.md §9]")
    out = proc.stdout.decode("latin-1")
    return Verdict(path, proc.returncode, out, parse_output(out))


def disagreements(verdict: Verdict, result: "LintResult", cf_text: str) -> list[str]:
    """How cflint's daemon-fails findings differ from sendmail's verdict (empty: agree).

    * the lines cflint reports as daemon-fails are exactly the lines sendmail names as fatal
      (plus the V line for the version-level error); when sendmail also rejected the file
      without naming a line (``Verdict.unlocated``), cflint may name more lines;
    * sendmail rejecting the file coincides with cflint having any daemon-fails finding.
    """
    lines = cf_text.split("\n")

    def show(ns) -> str:
        return "".join(f"\n      line {n}: {lines[n - 1].rstrip(chr(13))!r}" if n and
                       n <= len(lines) else f"\n      line {n}" for n in
                       sorted(ns, key=lambda x: x or 0))

    expected, got = verdict.expected_lines(cf_text), result.daemon_fails_lines()
    out = []
    missing, extra = expected - got, got - expected
    if verdict.unlocated:
        extra = set()
    if missing:
        out.append("sendmail rejects, cflint has no daemon-fails finding:" + show(missing))
    if extra:
        out.append("cflint reports daemon-fails, sendmail accepts:" + show(extra))
    if verdict.rejected != bool(result.daemon_fails()):
        out.append(f"sendmail {'rejects' if verdict.rejected else 'accepts'} the file "
                   f"(exit {verdict.returncode}), cflint has "
                   f"{len(result.daemon_fails())} daemon-fails finding(s)")
    return out


def read_cf(path: str | os.PathLike) -> str:
    return Path(path).read_bytes().decode("latin-1")


def v_line(cf_text: str) -> int | None:
    """Physical number of the last V line with a level (the one whose level counts)."""
    found = None
    for n, ln in enumerate(cf_text.split("\n"), 1):
        if re.match(r"^V\s*\d", ln):
            found = n
    return found


# ------------------------------------------------------------------------- m4 (Debian)


def debian_mc_source(name: str) -> Path:
    """/etc/mail/<name>.mc as installed, else the packaged template (sendmail-cf)."""
    etc = Path("/etc/mail") / f"{name}.mc"
    return etc if etc.is_file() else DEBIAN_MC_TEMPLATES / f"{name}.mc"


def build_cf_from_mc(mc: Path, out_dir: Path, name: str | None = None,
                     extra_lines: tuple[str, ...] = ()) -> Path:
    """Build a cf the way /etc/mail/Makefile does: ``m4 X.mc > X.cf``, then append
    ``### X.mc ###`` and the .mc commented out.

    The .mc is copied to out_dir first; includes of files that only Debian's postinst
    creates (/etc/mail/m4/dialup.m4, provider.m4) point at empty copies when missing, so
    this works on a fresh machine.  extra_lines go before MAILER_DEFINITIONS (or the end).
    """
    if shutil.which("m4") is None:
        unavailable("m4 is not installed")
    if not M4_CF.is_file():
        unavailable(f"{M4_CF} is missing (apt-get install sendmail-cf)")
    name = name or mc.stem
    text = mc.read_text(encoding="latin-1")

    def fix_include(m: re.Match) -> str:
        target = Path(m.group(2))
        if target.is_file():
            return m.group(0)
        stub = out_dir / ("empty-" + target.name)
        stub.write_text("")
        return f"{m.group(1)}{stub}{m.group(3)}"

    text = re.sub(r"(include\(`)(/etc/mail/[^']+)('\))", fix_include, text)
    if extra_lines:
        block = "".join(ln + "\n" for ln in extra_lines)
        if "\nMAILER_DEFINITIONS" in text:
            text = text.replace("\nMAILER_DEFINITIONS", "\n" + block + "MAILER_DEFINITIONS", 1)
        else:
            text += block
    mc_copy = out_dir / f"{name}.mc"
    mc_copy.write_text(text, encoding="latin-1")
    cwd = "/etc/mail" if os.path.isdir("/etc/mail") else str(out_dir)
    proc = subprocess.run(["m4", str(mc_copy)], capture_output=True, cwd=cwd, timeout=60)
    if proc.returncode != 0 or proc.stderr.strip() or not proc.stdout.strip():
        raise RuntimeError(f"m4 {mc_copy} (from {mc}) failed, exit {proc.returncode}: "
                           f"{proc.stderr.decode('latin-1')[:1000]}")
    cf = out_dir / f"{name}.cf"
    tail = f"### {mc} ###\n" + "".join("# " + ln + "\n" for ln in text.splitlines())
    cf.write_bytes(proc.stdout + tail.encode("latin-1"))
    return cf


# ------------------------------------------------------------------------- cflint


@dataclass
class LintResult:
    exit_code: int
    stderr: str
    report: dict | None
    error: str | None = None   # why the JSON could not be read

    @property
    def findings(self) -> list[dict]:
        return list((self.report or {}).get("findings", []))

    def daemon_fails(self) -> list[dict]:
        return [f for f in self.findings if "daemon-fails" in (f.get("impacts") or [])]

    def daemon_fails_lines(self) -> frozenset[int | None]:
        return frozenset(f.get("line") for f in self.daemon_fails())

    def codes(self) -> set[str]:
        return {f.get("code") for f in self.findings}

    def by_code(self, code: str) -> list[dict]:
        return [f for f in self.findings if f.get("code") == code]

    def describe(self, only: set[str] | None = None) -> str:
        rows = [f for f in self.findings
                if only is None or f.get("code") in only or "daemon-fails" in f.get("impacts", [])]
        head = f"cflint exit {self.exit_code}" + (f", stderr: {self.stderr.strip()}"
                                                   if self.stderr.strip() else "")
        return head + "".join(
            f"\n    | {f.get('code')} line {f.get('line')} {f.get('level')} "
            f"{','.join(f.get('impacts') or [])}: {f.get('message')}" for f in rows)


def lint(path: str | os.PathLike, out_dir: str | os.PathLike, target: str | None = None,
         extra: tuple[str, ...] = ()) -> LintResult:
    """``cflint check PATH --format json --fail-on never`` in-process."""
    from cflint.cli import main

    out = Path(out_dir) / (Path(path).name + ".cflint.json")
    if out.exists():
        out.unlink()
    argv = ["check", os.fspath(path), "--format", "json", "--fail-on", "never",
            "--output", str(out), *extra]
    if target:
        argv += ["--target-version", target]
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as e:  # must not happen; report it as an error exit
            code = e.code if isinstance(e.code, int) else 2
            err.write(f"[SystemExit {e.code!r}]")
        except BaseException as e:  # noqa: BLE001 - a crash is a finding of this suite
            code = 2
            err.write(f"[exception escaped main(): {type(e).__name__}: {e}]")
    report, why = None, None
    if out.exists():
        try:
            report = json.loads(out.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            why = f"output is not JSON: {e}"
    else:
        why = "no output file written"
    return LintResult(code, err.getvalue(), report, why)
