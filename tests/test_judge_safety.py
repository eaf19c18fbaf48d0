"""File safety of the server's TLS files (CF5xx), judged by the real sendmail
(reference sendmail-tls.md §3: safefile(), identities, run modes).

Every scenario starts from the ``good-rsa`` material of ``pki_fixtures`` (keys 0600
root:root, certificates 0644, directories 0755) in ``<tree>/<scenario>/tls`` below a
root-owned 0755 tree in /run, and changes ONE thing: a mode, an owner, a path (symbolic or
hard link, a directory in place of a file), or a DontBlameSendmail / TrustedUser /
RunAsUser line.  The cf is Debian's sendmail.cf with its TLS options, DontBlameSendmail
(Debian's has TrustStickyBit) and TrustedUser (smmta) removed, so that each scenario says
exactly which words apply; its access map points at a root-owned copy of access.db (the
installed one is owned by smmta, which only TrustedUser=smmta allows).

The judge is ``sendmail-mta -bs -C cf`` as root (judge_harness.smtp_probe), with the log
captured.  Tests per scenario:

* ``test_sendmail_reference``: the harness — sendmail's verdict (STARTTLS offered or not)
  and the first ``STARTTLS=server: file <path> unsafe: <reason>`` line it logs are what
  the reference documents (``Case.offered`` / ``reason`` / ``blamed``).
* ``test_cflint_agrees_with_sendmail``: cflint (``--check-permissions always``) has a
  finding with impact starttls-off or daemon-fails exactly when sendmail does not offer
  STARTTLS; when it is not offered, the file sendmail names in its first unsafe line is
  among the files cflint blames (a finding's ``related``/``evidence`` path, or its
  message), with sendmail's reason text in that finding's message; the scenario's codes
  are reported.
* ``test_quoted_log_line``: where cflint's message says what sendmail logs
  (``sendmail logs "..."``) for the file sendmail refused, the quote is sendmail's line.
* ``test_tar_archive_same_findings``: the scenario packed as a tar archive of a root file
  system (members at their absolute paths with modes and owners, etc/passwd and etc/group
  from the host, the cf as etc/mail/sendmail.cf) gives the same (code, file) pairs.
"""
from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Callable

import pytest

import pki_fixtures as pki
import sendmail_judge as sj
from judge_harness import (Probe, SyslogCapture, archive_support, base_cf_text, finding_keys,
                           make_tree, pack_root_fs, print_past_capture, remove_tree,
                           scenario_cf, smtp_probe)

TREE = "cflint-safety"
NOW_ARG = pki.NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
BLOCKING = {"starttls-off", "daemon-fails"}
LINT_ARGS = ("--now", NOW_ARG, "--check-permissions", "always")
# Options of the base cf that each scenario sets itself (or not at all)
DROP = ("DontBlameSendmail", "TrustedUser", "RunAsUser")
UNSAFE = re.compile(r"^STARTTLS=(?P<side>server|client): file (?P<path>\S+) unsafe: "
                    r"(?P<reason>.+?)\s*$")
QUOTED = re.compile(r'sendmail logs "([^"]+)"')
OTHER_USER = "nobody"       # owns files it should not; never the reading identity here


from judge_harness import gid, logs_disagree, make_dir, uid  # noqa: E402
from sendmail_judge import unavailable


# ------------------------------------------------------------------------- scenarios


@dataclass
class Ctx:
    """One scenario's directory while it is being mutated."""

    d: Path                  # <tree>/<scenario>         (0755, the TLS directory's parent)
    tls: Path                # <tree>/<scenario>/tls     (the good-rsa material)
    opts: dict[str, str]     # the cf options, absolute paths (mutations may change them)

    def f(self, option: str) -> Path:
        return Path(self.opts[option])

    def chmod(self, option: str, mode: int) -> None:
        os.chmod(self.f(option), mode)

    def chown(self, option: str, user: str | None, group: str | None = None) -> None:
        os.chown(self.f(option), uid(user) if user else -1, gid(group) if group else -1)

    def mkdir(self, rel: str, mode: int = 0o755) -> Path:
        return make_dir(self.d, rel, mode)


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[Ctx], None]
    offered: bool                       # the reference: STARTTLS offered
    reason: str | None = None           # the first "file ... unsafe: <reason>" sendmail logs
    blamed: str | None = None           # ... for the file of this option
    codes: frozenset[str] = frozenset()  # cflint codes expected among the findings
    options: tuple[tuple[str, str], ...] = ()   # extra O lines (name, value), in order
    fatal: bool = False                 # the cf itself is rejected (daemon-fails)
    note: str = ""


def C(name, mutate, offered, reason=None, blamed=None, codes=(), options=(), fatal=False,
      note=""):
    if reason and blamed is None:
        blamed = "ServerKeyFile"
    return Case(name, mutate, offered, reason, blamed, frozenset(codes), tuple(options),
                fatal, note)


def key(mode: int, owner: str | None = None, group: str | None = None):
    def m(c: Ctx) -> None:
        c.chown("ServerKeyFile", owner, group)
        c.chmod("ServerKeyFile", mode)
    return m


def cert(mode: int, owner: str | None = None, group: str | None = None,
         option: str = "ServerCertFile"):
    def m(c: Ctx) -> None:
        c.chown(option, owner, group)
        c.chmod(option, mode)
    return m


def tls_dir(mode: int, owner: str | None = None):
    def m(c: Ctx) -> None:
        os.chmod(c.tls, mode)
        if owner:
            os.chown(c.tls, uid(owner), -1)
    return m


def parent_dir(mode: int):
    def m(c: Ctx) -> None:
        os.chmod(c.d, mode)
    return m


def nothing(c: Ctx) -> None:
    pass


def _key_symlink(target_dir_mode: int):
    """tls/server.key -> ../<dir>/server.key, the real key in a directory of that mode."""
    def m(c: Ctx) -> None:
        real = c.mkdir("keys" if target_dir_mode == 0o755 else "open", target_dir_mode)
        k = c.f("ServerKeyFile")
        shutil.move(k, real / "server.key")
        os.symlink(f"../{real.name}/server.key", k)
    return m


def _cert_symlink_into_writable(c: Ctx) -> None:
    real = c.mkdir("open", 0o777)
    crt = c.f("ServerCertFile")
    shutil.move(crt, real / "server.crt")
    os.symlink("../open/server.crt", crt)


def _dir_symlink_unsafe(c: Ctx) -> None:
    """ServerKeyFile=<sc>/link/server.key, link -> open/real (open is 0777)."""
    open_ = c.mkdir("open", 0o777)
    real = open_ / "real"
    real.mkdir(mode=0o755)
    shutil.move(c.f("ServerKeyFile"), real / "server.key")
    os.symlink("open/real", c.d / "link")
    c.opts["ServerKeyFile"] = str(c.d / "link" / "server.key")


def _hard_link(c: Ctx) -> None:
    keys = c.mkdir("keys")
    os.link(c.f("ServerKeyFile"), keys / "server.key.hard")


def _key_is_directory(c: Ctx) -> None:
    d = c.tls / "keydir"
    d.mkdir(mode=0o755)
    c.opts["ServerKeyFile"] = str(d)


def _key_missing(c: Ctx) -> None:
    c.f("ServerKeyFile").unlink()


def _dh_0666(c: Ctx) -> None:
    p = c.tls / "dh.pem"
    p.write_bytes(pki.dh_pem(pki.FFDHE2048_P))
    os.chmod(p, 0o666)
    c.opts["DHParameters"] = str(p)


def _crl_0666(c: Ctx) -> None:
    p = c.tls / "ca.crl"
    p.write_bytes(pki.crl_pem(pki.NOW + timedelta(days=20)))
    os.chmod(p, 0o666)
    c.opts["CRLFile"] = str(p)


def _key_path(spelling: str, mode: int = 0o600, open_dir: bool = False):
    """ServerKeyFile spelt another way ({d} the scenario directory): sendmail lstat()s
    each prefix of the string as written ("/a/../b" walks "/a" first)."""
    def m(c: Ctx) -> None:
        c.chmod("ServerKeyFile", mode)
        if open_dir:
            c.mkdir("open", 0o777)
        c.opts["ServerKeyFile"] = spelling.format(d=c.d)
    return m


def _dotdot_after_dir_symlink(c: Ctx) -> None:
    """ServerKeyFile=<sc>/link/../server.key, link -> keys/inner: the kernel takes '..'
    after the link to keys/, where the key is (a lexical clean-up would look in <sc>/)."""
    inner = c.mkdir("keys/inner")
    shutil.move(c.f("ServerKeyFile"), inner.parent / "server.key")
    os.symlink("keys/inner", c.d / "link")
    c.opts["ServerKeyFile"] = str(c.d / "link" / ".." / "server.key")


DBS = "DontBlameSendmail"
GRKF = ((DBS, "GroupReadableKeyFile"),)
G, W = "Group readable file", "World readable file"
GW, WW = "Group writable file", "World writable file"
GWD, WWD = "Group writable directory", "World writable directory"
PD = "Permission denied"

CASES = [
    C("baseline", nothing, True, note="good-rsa as materialized"),
    # ---- key modes (§3.3 steps 8, 9, 11)
    C("key-0640-root-root", key(0o640), False, G, codes=("CF501",)),
    C("key-0640-root-smmsp", key(0o640, "root", "smmsp"), False, G, codes=("CF501",)),
    C("key-0640-smmsp-grkf", key(0o640, "root", "smmsp"), True, options=GRKF,
      codes=("CF603",), note="the recipe, for an MTA whose keys no submit.cf names"),
    C("key-0640-smmsp-grkf-lowercase", key(0o640, "root", "smmsp"), True,
      options=((DBS, "groupreadablekeyfile"),), codes=("CF603",),
      note="DontBlameSendmail words are case-insensitive"),
    C("key-0640-smmsp-grkf-mixedcase", key(0o640, "root", "smmsp"), True,
      options=((DBS, "GroupReadableKeyfile"),), codes=("CF603",)),
    C("key-0640-dbs-hyphenated", key(0o640, "root", "smmsp"), False,
      options=((DBS, "Group-ReadableKeyFile"),), fatal=True, codes=("CF009",),
      note="two unknown words: the cf is rejected"),
    C("key-0640-dbs-other-word", key(0o640, "root", "smmsp"), False, G,
      options=((DBS, "GroupReadableSASLDBFile"),), codes=("CF501",),
      note="another word does not let a group-readable key pass"),
    C("key-0640-grkf-then-safe", key(0o640, "root", "smmsp"), False, G,
      options=GRKF + ((DBS, "Safe"),), codes=("CF501",),
      note="Safe clears the words before it"),
    C("key-0440-smmsp-grkf", key(0o440, "root", "smmsp"), True, options=GRKF,
      codes=("CF603",)),
    C("key-0644", key(0o644), False, G, codes=("CF501",),
      note="sendmail names the group bit first"),
    C("key-0644-grkf", key(0o644, "root", "smmsp"), False, W, options=GRKF,
      codes=("CF502",)),
    C("key-0604", key(0o604), False, W, codes=("CF502",)),
    C("key-0400", key(0o400), True),
    C("key-0000", key(0o000), False, PD, codes=("CF505",),
      note="root needs the owner read bit"),
    C("key-0660", key(0o660), False, GW, codes=("CF503",)),
    C("key-0602", key(0o602), False, WW, codes=("CF503",)),
    C("key-missing", _key_missing, False, "No such file or directory"),
    C("key-is-directory", _key_is_directory, False, "Regular files only", codes=("CF506",)),
    # ---- certificate modes and owners
    C("cert-0664", cert(0o664), False, GW, "ServerCertFile", codes=("CF503",)),
    C("cert-0666", cert(0o666), False, GW, "ServerCertFile", codes=("CF503",),
      note="0666 gives 'Group writable file' too"),
    C("cert-0600", cert(0o600), True),
    C("cert-0640-root-smmsp", cert(0o640, "root", "smmsp"), True),
    C("cert-0000", cert(0o000), False, PD, "ServerCertFile", codes=("CF505",)),
    C("cert-owner-nobody", cert(0o644, OTHER_USER), False, PD, "ServerCertFile",
      codes=("CF505",), note="owner rule: root, the RunAsUser or TrustedUser"),
    C("cert-owner-nobody-trusted", cert(0o644, OTHER_USER), True,
      options=(("TrustedUser", OTHER_USER),)),
    C("cafile-0666", cert(0o666, option="CACertFile"), False, GW, "CACertFile",
      codes=("CF503",)),
    C("cafile-owner-nobody", cert(0o644, OTHER_USER, option="CACertFile"), False, PD,
      "CACertFile", codes=("CF505",)),
    # ---- TrustedUser and RunAsUser (§3.2, §3.4)
    C("key-smmta-trusted", key(0o600, "smmta", "smmta"), True,
      options=(("TrustedUser", "smmta"),)),
    C("key-smmta-untrusted", key(0o600, "smmta", "smmta"), False, PD, codes=("CF505",)),
    C("runas-key-root-0600", nothing, False, PD, options=(("RunAsUser", "smmta"),),
      codes=("CF505",), note="RunAsUser: the other bit is tested for root's file"),
    C("runas-key-smmta-0600", key(0o600, "smmta", "smmta"), True,
      options=(("RunAsUser", "smmta"),)),
    C("runas-key-root-smmta-0640-grkf", key(0o640, "root", "smmta"), True,
      options=(("RunAsUser", "smmta"),) + GRKF),
    C("runas-cert-root-0600", lambda c: (key(0o600, "smmta", "smmta")(c), cert(0o600)(c)),
      False, PD, "ServerCertFile", options=(("RunAsUser", "smmta"),), codes=("CF505",)),
    # ---- directories on the path (DIRCHECK)
    C("dir-0775", tls_dir(0o775), False, GWD, "ServerCertFile", codes=("CF504",),
      note="the certificate is checked first"),
    C("dir-0775-gwdps", tls_dir(0o775), True, options=((DBS, "GroupWritableDirPathSafe"),)),
    C("dir-0777", tls_dir(0o777), False, WWD, "ServerCertFile", codes=("CF504",)),
    C("dir-0757", tls_dir(0o757), False, WWD, "ServerCertFile", codes=("CF504",)),
    C("dir-1777", tls_dir(0o1777), False, WWD, "ServerCertFile", codes=("CF504",)),
    C("dir-1777-truststickybit", tls_dir(0o1777), True, options=((DBS, "TrustStickyBit"),)),
    C("dir-owner-nobody", tls_dir(0o755, OTHER_USER), True,
      note="directory ownership is not checked"),
    C("parent-0775", parent_dir(0o775), False, GWD, "ServerCertFile", codes=("CF504",)),
    C("parent-0775-gwdps", parent_dir(0o775), True,
      options=((DBS, "GroupWritableDirPathSafe"),)),
    # ---- links
    C("key-symlink-safe", _key_symlink(0o755), True,
      note="tls/server.key -> ../keys/server.key"),
    C("key-symlink-into-writable", _key_symlink(0o777), True, codes=("CF507",),
      note="tls/server.key -> ../open/server.key, open is 0777: sendmail accepts it"),
    C("cert-symlink-into-writable", _cert_symlink_into_writable, True),
    C("dir-symlink-unsafe", _dir_symlink_unsafe, False, WWD, codes=("CF504",),
      note="ServerKeyFile=<sc>/link/server.key, link -> open/real, open is 0777"),
    C("key-hard-link", _hard_link, True,
      note="a second name keys/server.key.hard: root never checks hard links"),
    # ---- the path as written: '.', '..', repeated and trailing slashes
    C("key-path-dotdot-0600", _key_path("{d}/tls/../tls/server.key"), True),
    C("key-path-dotdot-0640", _key_path("{d}/tls/../tls/server.key", 0o640), False, G,
      codes=("CF501",)),
    C("key-path-dot-slashes-0640", _key_path("{d}//tls/./server.key", 0o640), False, G,
      codes=("CF501",)),
    C("key-path-dotdot-through-open", _key_path("{d}/open/../tls/server.key",
                                                open_dir=True), False, WWD,
      codes=("CF504",), note="'open' (0777) is on the path as written"),
    C("key-path-dotdot-after-dir-symlink", _dotdot_after_dir_symlink, True),
    # ---- files that are not required (logged only)
    C("dh-0666", _dh_0666, True, codes=("CF503",),
      note="DHParameters file 0666: sendmail falls back to its default group"),
    C("crl-0666", _crl_0666, True, codes=("CF503",), note="CRLFile 0666: advisory"),
    C("client-key-0644", lambda c: c.chmod("ClientKeyFile", 0o644), True, codes=("CF501",),
      note="the MTA's client key: relaying without a client certificate, never starttls-off"),
]
CASES_BY_NAME = {c.name: c for c in CASES}
assert len(CASES_BY_NAME) == len(CASES), "duplicate scenario names"


# ------------------------------------------------------------------------- the world


@dataclass
class Built:
    case: Case
    cf: Path
    opts: dict[str, str]
    probe: Probe | None = None

    def unsafe_lines(self) -> list[re.Match]:
        if self.probe is None:
            return []
        return [m for m in (UNSAFE.match(ln) for ln in self.probe.log) if m]

    def first_unsafe(self) -> re.Match | None:
        lines = [m for m in self.unsafe_lines() if m.group("side") == "server"]
        return lines[0] if lines else None


@dataclass
class World:
    root: Path
    lint_dir: Path
    version: str
    built: dict[str, Built]
    log_captured: bool
    log_note: str
    base: str
    _lint: dict = field(default_factory=dict)

    def lint(self, name: str) -> sj.LintResult:
        if name not in self._lint:
            self._lint[name] = sj.lint(self.built[name].cf, self.lint_dir,
                                       target=self.version, extra=LINT_ARGS)
        return self._lint[name]


def _access_map(root: Path, base: str) -> str:
    """A root-owned copy of the access map (readable by smmta for RunAsUser=smmta)."""
    m = re.search(r"^(Kaccess\s+\S+.*?\s)(/\S+)\s*$", base, re.M)
    if not m:
        return base
    src = Path(m.group(2) + ".db")
    maps = root / "maps"
    maps.mkdir(mode=0o755)
    for s in (src, Path(m.group(2))):      # access.db, and its text source for cflint
        if s.is_file():
            dst = maps / s.name
            shutil.copyfile(s, dst)
            os.chown(dst, 0, gid("smmta"))
            os.chmod(dst, 0o640)
    return base[:m.start(2)] + str(maps / "access") + base[m.end(2):]


def _build(root: Path, base: str, case: Case) -> Built:
    d = root / case.name
    d.mkdir(mode=0o755)
    tls = d / "tls"
    opts = {k: str(tls / v) for k, v in pki.materialize("good-rsa", tls).items()}
    ctx = Ctx(d, tls, opts)
    case.mutate(ctx)
    text = scenario_cf(base, ctx.opts, drop=DROP,
                       extra_lines=[f"O {n}={v}" for n, v in case.options])
    cf = root / "cf" / f"{case.name}.cf"
    cf.write_bytes(text.encode("latin-1"))
    os.chmod(cf, 0o644)
    return Built(case, cf, dict(ctx.opts))


def _table(world: World) -> str:
    rows = [f"sendmail {world.version} as judge of file safety (-bs, EHLO), "
            f"{len(world.built)} scenarios under {world.root}; {world.log_note}"]
    for name, b in world.built.items():
        p = b.probe
        m = b.first_unsafe()
        ev = ""
        if m:
            path = m.group("path").replace(f"{world.root / name}/", "")
            ev = f"file {path} unsafe: {m.group('reason')}"
        if p is not None and not p.greeted:
            ev = " / ".join(p.greeting)[:90] or p.stderr.strip()[:90]
        rows.append(f"  {name:32} {p.summary() if p else '-':22} {ev}")
    return "\n".join(rows)


@pytest.fixture(scope="session")
def safety_world(sendmail, sendmail_version, tmp_path_factory, pytestconfig):
    if os.geteuid() != 0:
        sj.unavailable("the file-safety judge runs sendmail -bs as root and sets owners")
    for name in ("smmsp", "smmta"):
        try:
            gid(name)
            uid(name)
        except KeyError:
            sj.unavailable(f"user/group {name} missing (sendmail-bin creates it)")
    root = make_tree(TREE, "the file-safety scenarios")
    work = tmp_path_factory.mktemp("safety-work")
    syslog = SyslogCapture()
    try:
        base = _access_map(root, base_cf_text(work))
        (root / "cf").mkdir(mode=0o755)
        built = {c.name: _build(root, base, c) for c in CASES}
        syslog.start(root)
        if syslog.mode == "none":
            sj.unavailable(f"the file-safety judge compares sendmail's log: {syslog.note}")
        with ThreadPoolExecutor(max_workers=16) as ex:
            futures = {n: ex.submit(smtp_probe, sendmail, b.cf, n, syslog.wrap)
                       for n, b in built.items()}
            for n, f in futures.items():
                built[n].probe = f.result()
        time.sleep(0.3)
        for b in built.values():
            if b.probe.pid is not None:
                b.probe.log = syslog.for_pid(b.probe.pid)
        world = World(root, tmp_path_factory.mktemp("safety-lint"), sendmail_version, built,
                      syslog.mode != "none",
                      syslog.note or f"log captured ({syslog.mode} /dev/log)", base)
        print_past_capture(pytestconfig, _table(world))
        yield world
    finally:
        syslog.stop()
        remove_tree(root)


# ------------------------------------------------------------------------- helpers


def blocking(result: sj.LintResult) -> list[dict]:
    return [f for f in result.findings if BLOCKING & set(f.get("impacts") or [])]


def finding_files(f: dict) -> set[str]:
    """The files a finding blames: related[0], evidence.path, and paths in its message."""
    out = set()
    rel = f.get("related") or []
    if rel and rel[0].get("path"):
        out.add(rel[0]["path"])
    ev = f.get("evidence") or {}
    if ev.get("path"):
        out.add(ev["path"])
    out.update(re.findall(r"(/[^\s\"'(),:;]+)", f.get("message") or ""))
    return out


def explain(b: Built, result: sj.LintResult) -> str:
    return f"{b.case.name}: {b.case.note}\n{b.probe.describe()}\n{result.describe()}"


NAMES = [c.name for c in CASES]


# ------------------------------------------------------------------------- tests


@pytest.mark.parametrize("name", NAMES)
def test_sendmail_reference(name, safety_world):
    """The harness: sendmail's verdict and first unsafe line are the reference's."""
    b = safety_world.built[name]
    p, case = b.probe, b.case
    print(p.describe())
    assert p.error is None, p.describe()
    if case.fatal:
        assert not p.offered and not p.greeted, f"the cf should be rejected:\n{p.describe()}"
        return
    assert p.greeted and p.ehlo and p.ehlo[-1].startswith("250 "), \
        f"sendmail did not greet/answer EHLO (cf or harness broken):\n{p.describe()}"
    assert p.offered == case.offered, (
        f"reference: STARTTLS {'offered' if case.offered else 'not offered'}\n{p.describe()}")
    if not safety_world.log_captured:
        return
    m = b.first_unsafe()
    if case.reason is None:
        if case.offered and m is not None:
            # only advisory files may be logged as unsafe while STARTTLS is offered
            assert m.group("path") not in (b.opts.get("ServerCertFile"),
                                           b.opts.get("ServerKeyFile"),
                                           b.opts.get("CACertFile")), p.describe()
        return
    assert m is not None, f"no 'file ... unsafe:' line logged:\n{p.describe()}"
    assert m.group("reason") == case.reason, p.describe()
    assert m.group("path") == b.opts[case.blamed], p.describe()


@pytest.mark.parametrize("name", NAMES)
def test_cflint_agrees_with_sendmail(name, safety_world):
    b = safety_world.built[name]
    p = b.probe
    assert p.error is None, p.describe()
    result = safety_world.lint(name)
    both = explain(b, result)
    print(both)
    assert result.report is not None and result.exit_code in (0, 1), \
        f"cflint did not produce a report ({result.error}):\n{both}"
    block = blocking(result)
    assert p.offered == (not block), (
        f"sendmail {'offers' if p.offered else 'does not offer'} STARTTLS, cflint has "
        f"{len(block)} starttls-off/daemon-fails finding(s) "
        f"({', '.join(sorted({f['code'] for f in block})) or 'none'})\n{both}")
    m = b.first_unsafe() if not p.offered else None
    if m is not None:
        path, reason = m.group("path"), m.group("reason")
        blamers = [f for f in block if path in finding_files(f)]
        assert blamers, (f"sendmail refuses {path} ({reason}); no starttls-off finding of "
                         f"cflint names that file\n{both}")
        assert any(reason in f["message"] for f in blamers), (
            f"sendmail's reason {reason!r} is in no message of the findings naming {path}"
            f"\n{both}")
    missing = b.case.codes - result.codes()
    assert not missing, f"expected {', '.join(sorted(missing))} among the findings\n{both}"
    for f in result.findings:   # files sendmail never requires: never starttls-off
        if f["code"].startswith("CF5") and (set(finding_files(f)) & {
                b.opts.get("DHParameters"), b.opts.get("CRLFile"), b.opts.get("ClientKeyFile"),
                b.opts.get("ClientCertFile")}) and not (set(finding_files(f)) & {
                b.opts.get("ServerKeyFile"), b.opts.get("ServerCertFile"),
                b.opts.get("CACertFile")}):
            assert not BLOCKING & set(f["impacts"]), (
                f"{f['code']} on a file sendmail does not require claims "
                f"{f['impacts']}\n{both}")


@pytest.mark.parametrize("name", NAMES)
def test_quoted_log_line(name, safety_world):
    """What cflint says sendmail logs (``sendmail logs "..."``) is what this sendmail
    logged: every quote of a starttls-off finding when STARTTLS was not offered is in the
    log, and a quoted ``file <path> unsafe: <reason>`` line for a file sendmail logged as
    unsafe (the refused file, or an advisory DH/CRL file) is sendmail's line."""
    b = safety_world.built[name]
    if not safety_world.log_captured:
        pytest.fail(f"sendmail's log was not captured: {safety_world.log_note}")
    p = b.probe
    result = safety_world.lint(name)
    assert result.report is not None, result.describe()
    if not p.greeted:  # sendmail rejected the cf before any TLS file: cflint says so
        assert any("daemon-fails" in (f.get("impacts") or []) for f in result.findings), \
            explain(b, result)
        return
    logged = {m.group("path"): m.group(0).strip() for m in b.unsafe_lines()
              if m.group("side") == "server"}
    wrong, checked = [], 0
    for f in result.findings:
        for q in QUOTED.findall(f.get("message") or ""):
            m = UNSAFE.match(q)
            if not p.offered and BLOCKING & set(f.get("impacts") or []):
                checked += 1
                if not any(q in ln for ln in p.log):
                    wrong.append(f"{f['code']} quotes a line sendmail did not log: {q}")
            elif m and m.group("path") in logged:
                checked += 1
                if q != logged[m.group("path")]:
                    wrong.append(f"{f['code']} quotes {q!r}; sendmail logged "
                                 f"{logged[m.group('path')]!r}")
    if not checked:  # nothing quoted to compare: then nothing blocked on either side
        assert p.offered and not [f for f in result.findings
                                  if BLOCKING & set(f.get("impacts") or [])], explain(b, result)
    assert not wrong, "\n".join(wrong) + f"\n{explain(b, result)}"


# ------------------------------------------------------------------------- tar archives


def pack(world: World, name: str, out: Path) -> Path:
    """The scenario as a root file system: its tree, its cf and the access map at their
    absolute paths, the cf once more as etc/mail/sendmail.cf."""
    b = world.built[name]
    return pack_root_fs(out, trees=(world.root / name, world.root / "maps"), files=(b.cf,),
                        etc_mail={"sendmail.cf": b.cf.read_bytes()})


@pytest.mark.parametrize("name", NAMES)
def test_tar_archive_same_findings(name, safety_world, tmp_path):
    """The scenario as a tar archive of a root file system gives the same findings (code,
    file, level, impacts): linted as ``--root ARCHIVE <cf at its absolute path>`` and as
    ``cflint check ARCHIVE`` (which finds etc/mail/sendmail.cf by itself)."""
    why = archive_support()
    if why:
        unavailable(why)
    archive = pack(safety_world, name, tmp_path / f"{name}.tar.gz")
    disk = safety_world.lint(name)
    assert disk.report is not None, disk.describe()
    b = safety_world.built[name]
    for sub in ("root", "found"):
        (tmp_path / sub).mkdir()
    by_root = sj.lint(b.cf, tmp_path / "root", target=safety_world.version,
                      extra=("--root", str(archive), *LINT_ARGS))
    found = sj.lint(archive, tmp_path / "found", target=safety_world.version, extra=LINT_ARGS)
    a = finding_keys(disk)
    for how, res in (("--root ARCHIVE CF", by_root), ("ARCHIVE", found)):
        assert res.report is not None and res.exit_code in (0, 1), \
            f"cflint check {how}: {res.error}\n{res.describe()}"
        outside = [f for f in res.findings if not (f.get("path") or "").startswith(
            str(archive) + "!")]
        assert not outside, (f"cflint check {how}: findings not located in the archive "
                             f"(was the host read?)\n{res.describe()}")
        t = finding_keys(res)
        assert a == t, (f"cflint check {how}:\non disk only: {sorted(a - t, key=str)}\n"
                        f"in the archive only: {sorted(t - a, key=str)}\ndisk:\n"
                        f"{disk.describe()}\narchive:\n{res.describe()}")


def test_log_lines_explained_by_static_rules(safety_world, tmp_path):
    """cflint logs on each scenario's log lines, with and without the scenario's cf:
    every "file ... unsafe: ..." line (and any other TLS problem line) is explained by a
    rule cflint check reports for that scenario (saved as tests/fixtures/maillog/safety.*
    with $CFLINT_SAVE_MAILLOG)."""
    if not safety_world.log_captured:
        pytest.fail(f"sendmail's log could not be captured: {safety_world.log_note}")
    scenarios = {}
    for name, b in safety_world.built.items():
        if b.probe is None or b.probe.pid is None or not b.probe.log:
            continue
        result = safety_world.lint(name)
        assert result.report is not None, result.describe()
        scenarios[name] = (b.probe.pid, b.probe.log, result.codes())
    assert len(scenarios) > 20
    assert logs_disagree("safety", scenarios, tmp_path / "plain") == []
    built = safety_world.built
    assert logs_disagree("safety", scenarios, tmp_path / "config",
                         config_of=lambda name: built[name].cf) == []
