"""The MSP (submit.cf) and its TLS files (CF5xx/CF6xx, CF102, CF201), judged by real
submissions (reference sendmail-tls.md §2.3, §3.4 "Observed with a real MSP", §9).

Set-up, once per session, under a root-owned 0755 tree in /run (judge_harness.make_tree):

* A receiving daemon: ``sendmail-mta -bd -C <tree>/mta/sendmail.cf`` built from Debian's
  sendmail.cf with the good-rsa material of pki_fixtures (it offers STARTTLS and asks for a
  client certificate: no TLSSrvOptions=V), ``DaemonPortOptions=Name=MTA,Port=<free>,
  Addr=127.0.0.1`` in place of Debian's two, its own PidFile and queue directory,
  DeliveryMode=queueonly (it only queues what it accepts; the queue is removed at the
  end), LogLevel 14, no connection throttle.  It is stopped by the pid in its PidFile.
* Per scenario, ``<tree>/<scenario>/``: ``tls/`` (good-rsa material, then the scenario's
  one change), ``submit.cf`` (Debian's submit.cf with ClientCertFile, ClientKeyFile,
  CACertFile and CACertPath naming those files, its own queue directory smmsp:smmsp 2770,
  and the relay mailer's ``A=TCP $h`` turned into ``A=TCP $h <port>``: submit.cf relays
  everything through the ``relay`` mailer to ``D{MTAHost}[127.0.0.1]``, and the port is
  the second argument of A=TCP), and ``sendmail.cf`` (the MTA beside it, for cflint only:
  Debian's cf with the server pair of that directory and the scenario's MTA
  DontBlameSendmail words).

Each scenario submits one message twice, the envelope sender tagging the submission:

* (a) as root: ``sendmail -Ac -C submit.cf -odi -f <tag>@localhost root@localhost`` (the
  MSP then runs as submit.cf's RunAsUser, smmsp);
* (b) as an ordinary user through the set-group-ID smmsp binary: in a private mount
  namespace (``unshare -m``) the scenario's submit.cf is bind-mounted on
  /etc/mail/submit.cf, then ``setpriv --reuid=nobody --regid=nogroup --clear-groups``
  runs ``/usr/sbin/sendmail -Ac -odi ...`` (a non-root ``-C`` would drop the set-group-ID
  privilege).  nobody owns none of the scenario's files.

Both run in the syslog capture's namespace too.  The daemon's child that received the
message (found by ``from=<tag@``) logs ``STARTTLS=server, ..., verify=OK|NO``: whether the
MSP presented its certificate; the MSP logs ``STARTTLS=client, ..., verify=`` for the
server and any ``file ... unsafe:`` refusal.

Asserted: cflint (``cflint check <scenario dir>``: sendmail.cf and submit.cf together)
reports a submit.cf finding with impact client-tls-degraded exactly when one of the two
submissions arrived with verify=NO (no client certificate); its client-tls-degraded
CF5xx/CF6xx findings name as refused exactly the identities whose MSP logged a refusal of
the client certificate or key; a submit.cf finding with impact verify-fails exactly when
the MSP logged verify=FAIL for the server; and each scenario's codes; the reason the MSP
logs for each refused file is in a finding naming that file.
"""
from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

import pki_fixtures as pki
import sendmail_judge as sj
from judge_harness import (SyslogCapture, archive_support, base_cf_text, finding_keys,
                           make_tree, pack_root_fs, print_past_capture, remove_tree,
                           scenario_cf)

TREE = "cflint-msp"
NOW_ARG = pki.NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
LINT_ARGS = ("--now", NOW_ARG, "--check-permissions", "always")
SUBMIT_TIMEOUT = 45.0      # one submission, end to end
DAEMON_TIMEOUT = 20.0      # for the daemon's pid file
USER, GROUP = "nobody", "nogroup"        # the ordinary submitter
OTHER_OWNER = "daemon"                   # owns a file it should not (never a reader here)
MSP_BINARY = "/usr/sbin/sendmail"
MESSAGE = b"Subject: cflint MSP judge\n\nOne line.\n"
KINDS = ("root", "user")
IDENTITY = {"root": "when root submits", "user": "when an ordinary user submits"}
MSP_OPTIONS = ("ClientCertFile", "ClientKeyFile", "CACertFile", "CACertPath")
UNSAFE = re.compile(r"^STARTTLS=client: file (?P<path>\S+) unsafe: (?P<reason>.+?)\s*$")
SESSION = re.compile(r"^STARTTLS=(?P<side>server|client), relay=.*?verify=(?P<verify>[A-Z_]+)")


from judge_harness import daemon_cf, free_port, gid, logs_disagree, make_dir, start_daemon, stop_daemon, uid  # noqa: E402
from sendmail_judge import unavailable


# ------------------------------------------------------------------------- scenarios


@dataclass
class Ctx:
    d: Path
    tls: Path
    opts: dict[str, str]       # submit.cf's TLS options (absolute; mutations may drop some)

    def f(self, option: str) -> Path:
        return Path(self.opts[option])

    def key(self, mode: int, owner: str = "root", group: str = "smmsp") -> None:
        os.chown(self.f("ClientKeyFile"), uid(owner), gid(group))
        os.chmod(self.f("ClientKeyFile"), mode)

    def mkdir(self, rel: str, mode: int = 0o755) -> Path:
        return make_dir(self.d, rel, mode)


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[Ctx], None]
    server_verify: dict[str, str]       # the reference: kind -> verify= the daemon logs
    client_verify: str = "OK"           # the reference: verify= the MSP logs for the server
    codes: frozenset[str] = frozenset()
    submit_dbs: str | None = "GroupReadableKeyFile"
    mta_dbs: str | None = None
    note: str = ""


def C(name, mutate, root, user, client="OK", codes=(), submit_dbs="GroupReadableKeyFile",
      mta_dbs=None, note=""):
    return Case(name, mutate, {"root": root, "user": user}, client, frozenset(codes),
                submit_dbs, mta_dbs, note)


def recipe(c: Ctx) -> None:
    c.key(0o640)


def key(mode: int, owner: str = "root", group: str = "smmsp"):
    return lambda c: c.key(mode, owner, group)


def tls_dir(mode: int):
    def m(c: Ctx) -> None:
        recipe(c)
        os.chmod(c.tls, mode)
    return m


def _symlink_in_writable(c: Ctx) -> None:
    """tls (0777)/client.key -> ../keys/client.key (keys 0755, the recipe's modes)."""
    recipe(c)
    keys = c.mkdir("keys")
    shutil.move(c.f("ClientKeyFile"), keys / "client.key")
    os.symlink("../keys/client.key", c.f("ClientKeyFile"))
    os.chmod(c.tls, 0o777)


def _hardlink_in_writable(c: Ctx) -> None:
    recipe(c)
    keys = c.mkdir("keys")
    os.link(c.f("ClientKeyFile"), keys / "client.key.hard")
    os.chmod(c.tls, 0o777)


def _no_cafile(c: Ctx) -> None:
    recipe(c)
    del c.opts["CACertFile"]


def _no_client_pair(c: Ctx) -> None:
    del c.opts["ClientCertFile"]
    del c.opts["ClientKeyFile"]


def _encrypted(c: Ctx) -> None:
    c.f("ClientKeyFile").write_bytes(pki.key_bytes(pki._key("client"), "enc-pkcs8"))
    recipe(c)


def _cert(mode: int, owner: str = "root", group: str = "root", option="ClientCertFile"):
    def m(c: Ctx) -> None:
        recipe(c)
        os.chown(c.f(option), uid(owner), gid(group))
        os.chmod(c.f(option), mode)
    return m


def _write(option: str, data: Callable[[], bytes], then=recipe):
    """The file of ``option`` holds ``data()`` (the recipe's modes)."""
    def m(c: Ctx) -> None:
        c.f(option).write_bytes(data())
        then(c)
    return m


def _crl_garbage(c: Ctx) -> None:
    recipe(c)
    c.opts["CRLFile"] = str(c.tls / "ca.crl")
    c.f("CRLFile").write_bytes(b"not a CRL\n")


def _client_cert_der() -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    return pki._client_cert().public_bytes(Encoding.DER)


CASES = [
    C("recipe", recipe, "OK", "OK",
      note="key root:smmsp 0640, GroupReadableKeyFile in submit.cf (cf/README, MSP)"),
    C("recipe-0440", key(0o440), "OK", "OK"),
    C("recipe-lowercase-flag", recipe, "OK", "OK", submit_dbs="groupreadablekeyfile",
      note="the flag in lower case"),
    C("flag-only-in-sendmail-cf", recipe, "NO", "NO", codes=("CF602",), submit_dbs=None,
      mta_dbs="GroupReadableKeyFile",
      note="GroupReadableKeyFile in sendmail.cf only: Group readable file for the MSP"),
    C("key-root-root-0600", key(0o600, "root", "root"), "NO", "NO", codes=("CF601",),
      submit_dbs=None, note="the MTA's modes: Permission denied for the MSP"),
    C("key-root-root-0640", key(0o640, "root", "root"), "NO", "NO", codes=("CF601",)),
    C("key-smmsp-0600", key(0o600, "smmsp", "smmsp"), "OK", "NO", codes=("CF601",),
      submit_dbs=None, note="works when root submits (RunAsUser=smmsp), not for a user"),
    C("key-smmsp-0640", key(0o640, "smmsp", "smmsp"), "OK", "OK",
      note="owned by TrustedUser smmsp, group smmsp"),
    C("key-0644", key(0o644), "NO", "NO", codes=("CF502",),
      note="World readable file whoever submits"),
    C("key-0604", key(0o604), "NO", "NO", codes=("CF502",)),
    C("dir-group-writable", tls_dir(0o775), "NO", "OK", codes=("CF504",),
      note="tls/ 0775: Group writable directory when root submits, tolerated for a user"),
    C("dir-world-writable", tls_dir(0o777), "NO", "OK", codes=("CF504",)),
    C("symlink-in-writable-dir", _symlink_in_writable, "NO", "NO", codes=("CF504", "CF601"),
      note="tls/ 0777 and the key a symlink: the user's MSP refuses links there"),
    C("hardlink-in-writable-dir", _hardlink_in_writable, "NO", "NO",
      codes=("CF504", "CF601"), note="tls/ 0777 and the key has a second hard link"),
    C("cert-0664", _cert(0o664), "NO", "NO", codes=("CF503",),
      note="client certificate group-writable"),
    C("cert-0600-root", _cert(0o600), "NO", "NO", codes=("CF505",),
      note="client certificate root:root 0600: neither smmsp nor a user can read it"),
    C("cert-owner-daemon", _cert(0o644, OTHER_OWNER, OTHER_OWNER), "NO", "NO",
      codes=("CF505",), note="client certificate owned by daemon: owner rule"),
    C("cafile-0666", _cert(0o666, option="CACertFile"), "OK", "OK",
      note="CACertFile group-writable: the client logs it and loads it anyway"),
    C("no-cacertfile", _no_cafile, "OK", "OK", client="FAIL", codes=("CF102",),
      note="CACertPath only: the client loads no CA data, cannot verify the server"),
    C("no-client-pair", _no_client_pair, "NO", "NO", codes=("CF102",),
      note="no ClientCertFile/ClientKeyFile: no client certificate"),
    C("encrypted-key", _encrypted, "NO", "NO", codes=("CF201",),
      note="PKCS#8 encrypted key: a prompt on stderr, then no client certificate"),
    # the file errors of the client's TLS set-up (reference §2.5, client forms)
    C("key-mismatch", _write("ClientKeyFile", lambda: pki.key_bytes(pki._key("other"))),
      "NO", "NO", codes=("CF202",),
      note="client.key belongs to another pair: SSL_CTX_check_private_key failed"),
    C("key-mismatch-cafile-0666",
      _write("ClientKeyFile", lambda: pki.key_bytes(pki._key("other")),
             _cert(0o666, option="CACertFile")), "NO", "NO", codes=("CF202",),
      note="key-mismatch, and CACertFile group-writable (refused first, loaded anyway)"),
    C("der-key", _write("ClientKeyFile", lambda: pki.key_bytes(pki._key("client"), "der")),
      "NO", "NO", codes=("CF204",), note="client.key is DER: SSL_CTX_use_PrivateKey_file "
                                         "failed, and nothing to check the certificate with"),
    C("der-cert", _write("ClientCertFile", _client_cert_der), "NO", "NO", codes=("CF301",),
      note="client.crt is DER: SSL_CTX_use_certificate_file failed"),
    C("cafile-empty", _write("CACertFile", lambda: b""), "OK", "OK", client="FAIL",
      codes=("CF301",), note="CACertFile is empty: load verify locs failed, the server is "
                             "not verified"),
    C("crl-garbage", _crl_garbage, "OK", "OK", codes=("CF108",),
      note="CRLFile without a PEM CRL: PEM_read_bio_X509_CRL failed, logged only"),
]
CASES_BY_NAME = {c.name: c for c in CASES}
assert len(CASES_BY_NAME) == len(CASES)
NAMES = [c.name for c in CASES]


# ------------------------------------------------------------------------- the world


@dataclass
class Submission:
    kind: str
    tag: str
    pid: int | None = None
    returncode: int | None = None
    stderr: str = ""
    timed_out: bool = False
    client_log: list[str] = field(default_factory=list)
    server_log: list[str] = field(default_factory=list)

    def verify(self, side: str) -> str | None:
        for ln in (self.server_log if side == "server" else self.client_log):
            m = SESSION.match(ln)
            if m and m.group("side") == side:
                return m.group("verify")
        return None

    @property
    def sent(self) -> bool:
        return any("stat=Sent" in ln for ln in self.client_log)

    def unsafe(self) -> list[tuple[str, str]]:
        return [(m.group("path"), m.group("reason")) for m in
                (UNSAFE.match(ln) for ln in self.client_log) if m]

    def describe(self) -> str:
        out = [f"  submission as {self.kind} (pid {self.pid}, exit {self.returncode}"
               f"{', timed out' if self.timed_out else ''}): server verify="
               f"{self.verify('server')}, client verify={self.verify('client')}, "
               f"{'sent' if self.sent else 'NOT sent'}"]
        out += [f"    msp: {ln}" for ln in self.client_log if "STARTTLS" in ln or "stat=" in ln]
        out += [f"    mta: {ln}" for ln in self.server_log if "STARTTLS" in ln]
        if self.stderr.strip():
            out += [f"    stderr: {ln}" for ln in self.stderr.strip().splitlines()[:5]]
        return "\n".join(out)


@dataclass
class Built:
    case: Case
    d: Path
    submit_cf: Path
    mta_cf: Path
    opts: dict[str, str]
    subs: dict[str, Submission] = field(default_factory=dict)

    def describe(self) -> str:
        return "\n".join([f"{self.case.name}: {self.case.note}"] +
                         [s.describe() for s in self.subs.values()])


@dataclass
class World:
    root: Path
    lint_dir: Path
    version: str
    port: int
    built: dict[str, Built]
    daemon_log: list[str]
    _lint: dict = field(default_factory=dict)

    def lint(self, name: str) -> sj.LintResult:
        if name not in self._lint:
            b = self.built[name]
            self._lint[name] = _lint_pair(b.d, self.lint_dir / name, self.version)
        return self._lint[name]


def _lint_pair(directory: Path, out_dir: Path, target: str) -> sj.LintResult:
    """``cflint check DIR``: the directory holds sendmail.cf and submit.cf, which cflint
    lints as one installation."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return sj.lint(directory, out_dir, target=target, extra=LINT_ARGS)


def _msp_binary() -> str:
    """The set-group-ID smmsp binary behind /usr/sbin/sendmail."""
    real = os.path.realpath(MSP_BINARY)
    try:
        st = os.stat(real)
        smmsp = gid("smmsp")
    except (OSError, KeyError) as e:
        sj.unavailable(f"no MSP binary: {e}")
    if not (st.st_mode & stat.S_ISGID and st.st_gid == smmsp):
        sj.unavailable(f"{real} is not set-group-ID smmsp (mode {stat.S_IMODE(st.st_mode):o})")
    return MSP_BINARY


def _mta_cf(base: str, tls_opts: dict[str, str], extra: list[str],
            drop: tuple[str, ...] = ()) -> str:
    return scenario_cf(base, tls_opts, drop=drop, extra_lines=extra)


def _daemon(root: Path, base: str, port: int, syslog: SyslogCapture,
            binary: str) -> tuple[int, Path]:
    mta = root / "mta"
    mta.mkdir(mode=0o755)
    tls = mta / "tls"
    opts = {k: str(tls / v) for k, v in pki.materialize("good-rsa", tls).items()}
    opts = {k: v for k, v in opts.items() if not k.startswith("Client")}
    cf, pidfile = daemon_cf(mta, base, opts, port)
    return start_daemon(binary, cf, pidfile, port, syslog, DAEMON_TIMEOUT), pidfile


def _build(root: Path, submit_base: str, mta_base: str, port: int, case: Case) -> Built:
    d = root / case.name
    d.mkdir(mode=0o755)
    tls = d / "tls"
    all_opts = {k: str(tls / v) for k, v in pki.materialize("good-rsa", tls).items()}
    opts = {k: all_opts[k] for k in MSP_OPTIONS}
    ctx = Ctx(d, tls, opts)
    case.mutate(ctx)
    queue = d / "mqueue"
    queue.mkdir()
    os.chown(queue, uid("smmsp"), gid("smmsp"))
    os.chmod(queue, 0o2770)
    extra = [f"O QueueDirectory={queue}", f"O PidFile={d}/msp.pid", "O QueueLA=1000",
             "O RefuseLA=1000"]
    if case.submit_dbs:
        extra.append(f"O DontBlameSendmail={case.submit_dbs}")
    text = scenario_cf(submit_base, ctx.opts, extra_lines=extra,
                       drop=("QueueDirectory", "StatusFile", "PidFile", "DontBlameSendmail",
                             "QueueLA", "RefuseLA"))
    text, n = re.subn(r"^(Mrelay,.*?\n(?:[ \t].*\n)*?[ \t]+A=TCP \$h)[ \t]*$",
                      rf"\g<1> {port}", text, count=1, flags=re.M)
    if n != 1:
        raise RuntimeError("submit.cf has no relay mailer with A=TCP $h")
    submit = d / "submit.cf"
    submit.write_bytes(text.encode("latin-1"))
    os.chmod(submit, 0o644)
    server_opts = {k: all_opts[k] for k in ("ServerCertFile", "ServerKeyFile", "CACertFile",
                                            "CACertPath")}
    mta_extra = [f"O DontBlameSendmail={case.mta_dbs}"] if case.mta_dbs else []
    mta = d / "sendmail.cf"
    mta.write_bytes(_mta_cf(mta_base, server_opts, mta_extra).encode("latin-1"))
    os.chmod(mta, 0o644)
    return Built(case, d, submit, mta, dict(ctx.opts))


def _submit(b: Built, kind: str, binary: str, syslog: SyslogCapture) -> Submission:
    tag = f"{b.case.name}--{kind}"
    sub = Submission(kind, tag)
    args = ["-Ac", "-odi", "-f", f"{tag}@localhost", "root@localhost"]
    if kind == "root":
        argv = syslog.wrap([binary, "-C", str(b.submit_cf), *args])
    else:
        # own namespace for the bind mount (also when the log capture has none)
        script = (f"mount --bind '{b.submit_cf}' /etc/mail/submit.cf && exec setpriv "
                  f"--reuid={uid(USER)} --regid={gid(GROUP)} --clear-groups \"$@\"")
        argv = syslog.wrap(["unshare", "-m", "--propagation", "private", "sh", "-c", script,
                            "sh", binary, *args])
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd="/", start_new_session=True)
    sub.pid = proc.pid
    try:
        _out, err = proc.communicate(MESSAGE, timeout=SUBMIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        sub.timed_out = True
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _out, err = proc.communicate(timeout=10)
    sub.returncode = proc.returncode
    sub.stderr = err.decode("latin-1")
    return sub


def _collect(world_lines: list[tuple[int | None, str]], b: Built) -> None:
    by_pid: dict[int | None, list[str]] = {}
    for pid, text in world_lines:
        by_pid.setdefault(pid, []).append(text)
    for sub in b.subs.values():
        sub.client_log = by_pid.get(sub.pid, [])
        needle = f"from=<{sub.tag}@"
        for pid, lines in by_pid.items():
            if pid != sub.pid and any(needle in ln for ln in lines):
                sub.server_log = lines
                break


def _table(world: World) -> str:
    rows = [f"sendmail {world.version} MSP judge: daemon on 127.0.0.1:{world.port}, "
            f"{len(world.built)} scenarios x (root, user) under {world.root}",
            f"  {'scenario':26} {'root: srv/cli':14} {'user: srv/cli':14} MSP refusals"]
    for name, b in world.built.items():
        cells = []
        for k in KINDS:
            s = b.subs.get(k)
            cells.append(f"{s.verify('server')}/{s.verify('client')}" if s else "-")
        refusals = " | ".join(sorted({f"{k}: {Path(p).name} {r}" for k in KINDS
                                      for p, r in b.subs[k].unsafe()}))
        rows.append(f"  {name:26} {cells[0]:14} {cells[1]:14} {refusals}")
    return "\n".join(rows)


@pytest.fixture(scope="session")
def msp_world(sendmail, sendmail_version, tmp_path_factory, pytestconfig):
    if os.geteuid() != 0:
        sj.unavailable("the MSP judge needs root (daemon, owners, mount namespaces)")
    for tool in ("unshare", "mount", "setpriv"):
        if shutil.which(tool) is None:
            sj.unavailable(f"{tool} is not installed (util-linux)")
    for name in ("smmsp",):
        try:
            uid(name), gid(name)
        except KeyError:
            sj.unavailable(f"user/group {name} missing (sendmail-bin creates it)")
    try:
        uid(USER), gid(GROUP), uid(OTHER_OWNER)
    except KeyError as e:
        sj.unavailable(f"no user/group {e} for the ordinary submitter")
    if not Path("/etc/mail/submit.cf").is_file():
        sj.unavailable("/etc/mail/submit.cf is missing: the ordinary user's MSP reads it "
                       "(bind-mounted over it per submission)")
    msp_binary = _msp_binary()
    root = make_tree(TREE, "the MSP scenarios")
    work = tmp_path_factory.mktemp("msp-work")
    syslog = SyslogCapture()
    pid = pidfile = None
    try:
        syslog.start(root)
        if syslog.mode == "none":
            sj.unavailable(f"the MSP judge needs sendmail's log: {syslog.note}")
        mta_base = base_cf_text(work, "sendmail")
        submit_base = base_cf_text(work, "submit")
        port = free_port()
        pid, pidfile = _daemon(root, mta_base, port, syslog, sendmail)
        built = {c.name: _build(root, submit_base, mta_base, port, c) for c in CASES}
        jobs = [(b, k) for b in built.values() for k in KINDS]
        with ThreadPoolExecutor(max_workers=8) as ex:
            results = list(ex.map(lambda j: (j, _submit(j[0], j[1], msp_binary, syslog)),
                                  jobs))
        for (b, k), sub in results:
            b.subs[k] = sub
        # the daemon's children log their TLS line before the MSP's "stat=Sent"; wait for
        # the last datagrams
        until = time.monotonic() + 5
        while time.monotonic() < until:
            lines = syslog.snapshot()
            for b in built.values():
                _collect(lines, b)
            if all(s.verify("server") for b in built.values() for s in b.subs.values()):
                break
            time.sleep(0.2)
        world = World(root, tmp_path_factory.mktemp("msp-lint"), sendmail_version, port,
                      built, syslog.for_pid(pid))
        print_past_capture(pytestconfig, _table(world))
        yield world
    finally:
        stop_daemon(pid, pidfile)
        syslog.stop()
        remove_tree(root)


# ------------------------------------------------------------------------- helpers


def msp_findings(world: World, name: str) -> list[dict]:
    """The findings located in the scenario's submit.cf."""
    b = world.built[name]
    result = world.lint(name)
    return [f for f in result.findings if os.path.abspath(f.get("path") or "") ==
            str(b.submit_cf)]


def failing_part(message: str) -> str:
    """The part of a CF5xx/CF6xx message that names the identities refused."""
    return message.split("(it passes for", 1)[0]


def explain(world: World, name: str) -> str:
    b = world.built[name]
    return f"{b.describe()}\n{world.lint(name).describe()}"


# ------------------------------------------------------------------------- tests


def test_receiving_daemon(msp_world):
    """The daemon initialised its server TLS (it offers STARTTLS) and listened on the port."""
    log = "\n".join(msp_world.daemon_log)
    assert "STARTTLS=server, init=1" in log, log
    assert "starting daemon" in log, log


@pytest.mark.parametrize("name", NAMES)
def test_sendmail_reference(name, msp_world):
    """The harness: every submission is delivered over TLS (a client-side file problem
    never stops mail), and the verify= values are those the reference documents."""
    b = msp_world.built[name]
    print(b.describe())
    for kind, sub in b.subs.items():
        assert not sub.timed_out and sub.returncode == 0, b.describe()
        who = "root" if kind == "root" else USER
        assert any(f"connect from {who}@localhost" in ln for ln in sub.client_log), \
            f"the {kind} submission did not run as {who}:\n{b.describe()}"
        assert sub.sent, f"the {kind} submission was not delivered:\n{b.describe()}"
        assert sub.server_log, f"no daemon session found for {sub.tag}:\n{b.describe()}"
        got = sub.verify("server"), sub.verify("client")
        want = b.case.server_verify[kind], b.case.client_verify
        assert got == want, (f"{kind}: (server verify, client verify) = {got}, reference "
                             f"{want}\n{b.describe()}")


@pytest.mark.parametrize("name", NAMES)
def test_cflint_agrees_with_sendmail(name, msp_world):
    b = msp_world.built[name]
    result = msp_world.lint(name)
    both = explain(msp_world, name)
    print(both)
    assert result.report is not None and result.exit_code in (0, 1), \
        f"cflint did not produce a report ({result.error}):\n{both}"
    found = msp_findings(msp_world, name)
    no_cert = {k for k, s in b.subs.items() if s.verify("server") == "NO"}
    degraded = [f for f in found if "client-tls-degraded" in (f.get("impacts") or [])]
    assert bool(degraded) == bool(no_cert), (
        f"submissions that arrived without a client certificate (verify=NO): "
        f"{sorted(no_cert) or 'none'}; cflint has {len(degraded)} client-tls-degraded "
        f"finding(s) on submit.cf\n{both}")
    fails_for = {k for k in KINDS for f in found
                 if f["code"][:3] in ("CF5", "CF6")
                 and "client-tls-degraded" in (f.get("impacts") or [])
                 and IDENTITY[k] in failing_part(f.get("message") or "")}
    pair = {b.opts.get("ClientCertFile"), b.opts.get("ClientKeyFile")} - {None}
    refused = {k for k, s in b.subs.items() if any(p in pair for p, _r in s.unsafe())}
    assert refused <= no_cert, f"harness: a refused client pair but verify=OK\n{both}"
    assert fails_for == refused, (
        f"the MSP refused its certificate or key for {sorted(refused) or 'nobody'} "
        f"(verify=NO for {sorted(no_cert) or 'nobody'}); cflint's client-tls-degraded "
        f"CF5xx/CF6xx findings name {sorted(fails_for) or 'nobody'} as refused\n{both}")
    client_fail = any(s.verify("client") == "FAIL" for s in b.subs.values())
    # CF108: no CRL checking is a weaker verification, not a failed one (verify=OK)
    vf = [f for f in found if "verify-fails" in (f.get("impacts") or [])
          and f["code"] != "CF108"]
    assert bool(vf) == client_fail, (
        f"the MSP {'could not' if client_fail else 'could'} verify the server; cflint has "
        f"{len(vf)} verify-fails finding(s) on submit.cf\n{both}")
    missing = b.case.codes - result.codes()
    assert not missing, f"expected {', '.join(sorted(missing))} among the findings\n{both}"


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_refusal_reason_quoted(name, msp_world):
    """The reason the MSP logs for a refused file is in the message of a submit.cf finding
    naming that file."""
    b = msp_world.built[name]
    refusals = {(p, r) for s in b.subs.values() for p, r in s.unsafe()}
    found = msp_findings(msp_world, name)
    if not refusals:  # the MSP refused nothing: cflint claims no refusal either
        assert not [f for f in found if " is refused " in (f.get("message") or "")], \
            explain(msp_world, name)
        return
    for path, reason in sorted(refusals):
        named = [f for f in found if path in (f.get("message") or "") or path in
                 {(f.get("related") or [{}])[0].get("path"), (f.get("evidence") or {}).get("path")}]
        assert any(reason in (f.get("message") or "") for f in named), (
            f"the MSP logs 'file {path} unsafe: {reason}'; no submit.cf finding naming the "
            f"file has that reason\n{explain(msp_world, name)}")
    # a quoted "file X unsafe: R" line for a file the MSP refused is a line it logged
    logged = {ln.strip() for s in b.subs.values() for ln in s.client_log if UNSAFE.match(ln)}
    paths = {p for p, _r in refusals}
    for f in found:
        for q in re.findall(r'sendmail logs "([^"]+)"', f.get("message") or ""):
            m = UNSAFE.match(q)
            if m and m.group("path") in paths:
                assert q in logged, (f"{f['code']} quotes {q!r}; the MSP logged:\n    "
                                     + "\n    ".join(sorted(logged))
                                     + f"\n{explain(msp_world, name)}")


@pytest.mark.parametrize("name", NAMES)
def test_tar_archive_same_findings(name, msp_world, tmp_path):
    """The scenario as a tar archive of a root file system (its directory at its absolute
    path, sendmail.cf and submit.cf once more in etc/mail, the host's passwd and group)
    gives the same findings: as ``--root ARCHIVE <dir>`` and as ``cflint check ARCHIVE``."""
    why = archive_support()
    if why:
        unavailable(why)
    b = msp_world.built[name]
    archive = pack_root_fs(tmp_path / f"{name}.tar.gz", trees=(b.d,), etc_mail={
        "sendmail.cf": b.mta_cf.read_bytes(), "submit.cf": b.submit_cf.read_bytes()})
    disk = msp_world.lint(name)
    assert disk.report is not None, disk.describe()
    a = finding_keys(disk)
    for how, argv0, extra in (("--root ARCHIVE DIR", b.d, ("--root", str(archive))),
                              ("ARCHIVE", archive, ())):
        out = tmp_path / how.split()[-1].lower()
        out.mkdir()
        res = sj.lint(argv0, out, target=msp_world.version, extra=(*extra, *LINT_ARGS))
        assert res.report is not None and res.exit_code in (0, 1), \
            f"cflint check {how}: {res.error}\n{res.describe()}"
        outside = [f for f in res.findings if not (f.get("path") or "").startswith(
            str(archive) + "!")]
        assert not outside, f"cflint check {how}: findings outside the archive\n{res.describe()}"
        got = finding_keys(res)
        assert a == got, (f"cflint check {how}:\non disk only: {sorted(a - got, key=str)}\n"
                          f"in the archive only: {sorted(got - a, key=str)}")


def test_msp_log_lines_explained_by_static_rules(msp_world, tmp_path):
    """cflint logs --config <scenario> on each submission's MSP log lines: every client
    TLS problem the MSP logged is explained by a rule cflint check reports for the
    scenario (the submit.cf paths make them MSP rules: CF601/CF602, not CF501/CF505);
    saved as tests/fixtures/maillog/msp.* with $CFLINT_SAVE_MAILLOG."""
    scenarios, dirs, opts = {}, {}, {}
    for name, b in msp_world.built.items():
        codes = msp_world.lint(name).codes()
        for kind, sub in b.subs.items():
            if sub.pid is not None and sub.client_log:
                scenarios[f"{name}.{kind}"] = (sub.pid, sub.client_log, codes)
                dirs[f"{name}.{kind}"] = b.d
                opts[f"{name}.{kind}"] = {"submit_options": dict(b.opts)}
    assert len(scenarios) > 20
    assert logs_disagree("msp", scenarios, tmp_path, config_of=dirs.get,
                         meta_of=opts.get) == []
