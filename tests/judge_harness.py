"""The machinery of the sendmail-as-judge suites that run sendmail itself (reference
sendmail-tls.md §9), shared by test_judge_pki.py, test_judge_safety.py and test_judge_msp.py.

* ``SyslogCapture``: sendmail's syslog(3) lines, through a private mount namespace whose
  /dev/log is a listener in the scenario tree (``wrap(argv)`` gives the command line).
* ``smtp_probe()`` / ``Probe``: ``sendmail -bs -C cf`` spoken to on a pipe (220 greeting,
  EHLO, QUIT), every read bounded; whether STARTTLS is offered, and the evidence.
* ``make_tree(name)``: a fresh directory below a root-owned 0755 path (``/run/<name>/s-*``),
  where sendmail's directory checks pass; every component checked.
* ``base_cf_text()`` / ``scenario_cf()``: Debian's sendmail.cf (or submit.cf) with the
  scenario's options in place of its own.
* ``pack_root_fs()`` / ``finding_keys()``: a scenario as a tar archive of a root file
  system, and what a report says independent of where its files were read from.
"""
from __future__ import annotations

import io
import os
import re
import selectors
import shutil
import signal
import socket
import stat
import subprocess
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pki_fixtures as pki
import sendmail_judge as sj

GREETING_TIMEOUT = 15.0   # seconds to the 220 greeting (an encrypted key blocks before it)
REPLY_TIMEOUT = 15.0      # seconds for the EHLO reply
TLS_OPTIONS = ("ServerCertFile", "ServerKeyFile", "ClientCertFile", "ClientKeyFile",
               "CACertFile", "CACertPath", "DHParameters", "CRLFile", "CRLPath")
BASE_CANDIDATES = ("/run", "/var/lib", "/srv")   # root:root 0755 parents for the tree
SYSLOG = Path("/dev/log")

# The log lines worth showing as evidence
_EVIDENCE = re.compile(r"STARTTLS")
_ROUTINE = re.compile(r"CRLFile missing|Diffie-Hellman init")   # every scenario logs these
_STARTTLS = re.compile(r"^250[- ]STARTTLS\s*$", re.I)
_FINAL = re.compile(r"^\d{3}(?: |$)")


# ------------------------------------------------------------------------- syslog


class SyslogCapture:
    """Capture sendmail's syslog(3) lines; they are matched to a run by ``[PID]``.

    The listener is a datagram socket inside the scenario tree.  Preferred, touching
    nothing outside the tree (``namespace``): each sendmail runs in a private mount
    namespace (``unshare -m``) whose /dev is a directory of symbolic links to the real
    /dev entries (bind-mounted beside it) plus ``log`` pointing at the listener; a syslog
    daemon or another test session's listener at /dev/log is neither used nor disturbed.
    Else (``global``), when nothing is at /dev/log, the listener is bound there for the
    session and removed at the end (only if still ours).  Else nothing is captured
    (``note`` says why); the verdicts never depend on the log."""

    def __init__(self) -> None:
        self.lines: list[tuple[int | None, str]] = []
        self.mode = "none"
        self.note = ""
        self._sock: socket.socket | None = None
        self._path: Path | None = None
        self._ino: int | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._script = ""

    def start(self, tree: Path) -> None:
        sock = tree / "syslog.sock"
        if self._bind(sock) and self._namespace(tree, sock):
            self.mode = "namespace"
        else:
            self._close()
            if not os.path.lexists(SYSLOG) and self._bind(SYSLOG):
                self.mode = "global"
                self.note = ""
            else:
                self._close()
                self.note = self.note or "sendmail's log not captured"
                return
        self._thread = threading.Thread(target=self._run, name="syslog-capture", daemon=True)
        self._thread.start()

    def _bind(self, path: Path) -> bool:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            s.bind(str(path))
            os.chmod(path, 0o666)
        except OSError as e:
            s.close()
            self.note = f"cannot bind {path}: {e}: sendmail's log not captured"
            return False
        s.settimeout(0.2)
        self._sock, self._path, self._ino = s, path, os.lstat(path).st_ino
        return True

    def _namespace(self, tree: Path, sock: Path) -> bool:
        if shutil.which("unshare") is None or shutil.which("mount") is None:
            self.note = "unshare/mount missing"
            return False
        dev, real = tree / "dev", tree / "realdev"
        dev.mkdir(mode=0o755)
        real.mkdir(mode=0o755)
        for entry in os.listdir("/dev"):
            if entry != "log":
                os.symlink(real / entry, dev / entry)
        os.symlink(sock, dev / "log")
        self._script = (f"mount --bind /dev '{real}' 2>/dev/null && "
                        f"mount --bind '{dev}' /dev 2>/dev/null; exec \"$@\"")
        proc = subprocess.run(self.wrap(["readlink", str(SYSLOG)], force=True),
                              capture_output=True, timeout=20)
        if proc.stdout.decode("latin-1").strip() != str(sock):
            self.note = (f"a private /dev (unshare -m) did not work "
                         f"({proc.stderr.decode('latin-1').strip()[:200] or 'no error'})")
            return False
        return True

    def wrap(self, argv: list[str], force: bool = False) -> list[str]:
        """The command that runs ``argv`` with its syslog going to this listener (the same
        pid: unshare and sh exec; if a mount fails, sendmail still runs, unlogged)."""
        if self.mode != "namespace" and not force:
            return argv
        return ["unshare", "-m", "--propagation", "private", "sh", "-c", self._script, "sh",
                *argv]

    def _run(self) -> None:
        while True:
            sock = self._sock
            if sock is None:
                return
            try:
                data = sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            text = data.decode("latin-1").rstrip("\n\x00")
            m = re.search(r"\[(\d+)\]:\s?(.*)$", text, re.S)
            with self._lock:
                self.lines.append((int(m.group(1)), m.group(2)) if m else (None, text))

    def for_pid(self, pid: int) -> list[str]:
        with self._lock:
            return [t for p, t in self.lines if p == pid]

    def snapshot(self) -> list[tuple[int | None, str]]:
        """Every (pid, text) captured so far."""
        with self._lock:
            return list(self.lines)

    def _close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is None:
            return
        try:
            if self._path is not None and os.lstat(self._path).st_ino == self._ino:
                os.unlink(self._path)
        except OSError:
            pass
        if self._thread:
            self._thread.join(timeout=2)
        sock.close()

    def stop(self) -> None:
        self._close()


# ------------------------------------------------------------------------- SMTP probe


@dataclass
class Probe:
    scenario: str
    pid: int | None = None
    greeting: list[str] = field(default_factory=list)
    ehlo: list[str] = field(default_factory=list)
    timed_out: str | None = None      # "greeting" / "ehlo" when a read timed out
    stderr: str = ""
    returncode: int | None = None
    log: list[str] = field(default_factory=list)
    error: str | None = None          # the harness could not run sendmail

    @property
    def offered(self) -> bool:
        return any(_STARTTLS.match(ln) for ln in self.ehlo)

    @property
    def blocked(self) -> bool:
        """No greeting at all (e.g. sendmail waits for a passphrase)."""
        return self.timed_out == "greeting"

    @property
    def greeted(self) -> bool:
        return bool(self.greeting) and self.greeting[-1].startswith("220 ")

    def summary(self) -> str:
        if self.error:
            return f"harness error: {self.error}"
        if self.blocked:
            return f"no 220 greeting within {GREETING_TIMEOUT:.0f} s (killed): not offered"
        if not self.greeted:
            return f"greeting refused: {' / '.join(self.greeting) or '(none)'}"
        if self.timed_out:
            return f"EHLO reply timed out after {REPLY_TIMEOUT:.0f} s"
        return "STARTTLS offered" if self.offered else "STARTTLS not offered"

    def evidence(self) -> list[str]:
        """The STARTTLS lines of the log (minus the routine ones) and a passphrase prompt."""
        ev = [ln for ln in self.log if _EVIDENCE.match(ln) and not _ROUTINE.search(ln)]
        if "pass phrase" in self.stderr:
            ev.append("stderr: Enter PEM pass phrase:")
        return ev

    def brief(self) -> str:
        """The evidence in one line: file names without their directory, OpenSSL error
        codes and source positions left out."""
        out = []
        for ln in self.evidence():
            ln = re.sub(r":\.\./\S*?\.c:\d+:", ": ", ln)            # OpenSSL source position
            ln = ln.replace("STARTTLS=server", "").strip(", :")
            ln = re.sub(r"/\S*/([^/\s)]+)", r"\1", ln)              # directories
            ln = re.sub(r"error:[0-9A-F]{8}:[^:]*::", "", ln)        # OpenSSL error code
            out.append(ln.strip(" :"))
        return " | ".join(out)

    def describe(self) -> str:
        out = [f"sendmail -bs ({self.scenario}): {self.summary()}"]
        out += [f"    S: {ln}" for ln in self.greeting]
        if self.ehlo:
            out.append("    C: EHLO client.example.test")
            out += [f"    S: {ln}" for ln in self.ehlo]
        if self.stderr.strip():
            out += [f"    stderr: {ln}" for ln in self.stderr.strip().splitlines()]
        if self.log:
            out += [f"    log: {ln}" for ln in self.log]
        return "\n".join(out)


class _Pipes:
    """Line reader over the child's stdout, collecting stderr on the side."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.sel = selectors.DefaultSelector()
        for f in (proc.stdout, proc.stderr):
            os.set_blocking(f.fileno(), False)
            self.sel.register(f, selectors.EVENT_READ)
        self.buf = b""
        self.err = b""
        self.eof = False

    def _pump(self, until: float) -> bool:
        """Read whatever arrives before ``until``; False on timeout or EOF of stdout."""
        left = until - time.monotonic()
        if left <= 0 or self.eof:
            return False
        for key, _ in self.sel.select(timeout=left):
            try:
                chunk = os.read(key.fileobj.fileno(), 65536)
            except BlockingIOError:
                continue
            if key.fileobj is self.proc.stderr:
                if chunk:
                    self.err += chunk
                else:
                    self.sel.unregister(key.fileobj)
            elif chunk:
                self.buf += chunk
            else:
                self.eof = True
        return True

    def reply(self, timeout: float) -> tuple[list[str], bool]:
        """One SMTP reply (all its lines); (lines, complete)."""
        until = time.monotonic() + timeout
        lines: list[str] = []
        while True:
            while b"\n" in self.buf:
                raw, self.buf = self.buf.split(b"\n", 1)
                ln = raw.decode("latin-1").rstrip("\r")
                lines.append(ln)
                if _FINAL.match(ln):
                    return lines, True
            if not self._pump(until):
                return lines, False

    def drain_stderr(self, timeout: float) -> str:
        """The rest of stderr once the process has ended (stdout may be at EOF already)."""
        until = time.monotonic() + timeout
        fd = self.proc.stderr.fileno()
        while time.monotonic() < until:
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                time.sleep(0.02)
                continue
            except OSError:
                break
            if not chunk:
                break
            self.err += chunk
        return self.err.decode("latin-1")


def smtp_probe(binary: str, cf: Path, scenario: str,
               wrap: Callable[[list[str]], list[str]] = lambda argv: argv) -> Probe:
    """``sendmail -bs -C cf``: greeting, EHLO, QUIT; every read bounded."""
    probe = Probe(scenario)
    try:
        # a new session: no controlling terminal, so OpenSSL's passphrase prompt cannot
        # reach a tty of the test run (it goes to stderr and reads the SMTP input)
        proc = subprocess.Popen(wrap([binary, "-bs", "-C", str(cf)]), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd="/",
                                start_new_session=True)
    except OSError as e:
        probe.error = f"cannot run {binary}: {e}"
        return probe
    probe.pid = proc.pid
    pipes = _Pipes(proc)

    def send(text: str) -> bool:
        try:
            proc.stdin.write(text.encode("ascii"))
            proc.stdin.flush()
            return True
        except (BrokenPipeError, OSError):
            return False

    killed = False
    try:
        probe.greeting, ok = pipes.reply(GREETING_TIMEOUT)
        if not ok:
            probe.timed_out = "greeting" if not pipes.eof else None
        elif probe.greeted and send("EHLO client.example.test\r\n"):
            probe.ehlo, ok = pipes.reply(REPLY_TIMEOUT)
            if not ok and not pipes.eof:
                probe.timed_out = "ehlo"
            elif ok and send("QUIT\r\n"):
                pipes.reply(5.0)
    finally:
        if probe.timed_out:      # kill before closing stdin: EOF would answer the prompt
            _kill(proc)
            killed = True
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            probe.returncode = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _kill(proc)
            killed = True
            probe.returncode = proc.wait(timeout=10)
        probe.stderr = (pipes.drain_stderr(2.0)
                        + ("\n[killed by the harness]" if killed else ""))
        for f in (proc.stdout, proc.stderr):
            f.close()
    return probe


def _kill(proc: subprocess.Popen) -> None:
    """Kill the process group this probe started (start_new_session: pgid == pid)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


# ------------------------------------------------------------------------- the tree and cf


def _unsafe_component(path: Path) -> str | None:
    """Why sendmail's DIRCHECK would object to a directory on the way to ``path``."""
    resolved = Path(path).resolve()     # sendmail checks a symlinked component's target
    parts = resolved.parts
    for cur in [Path("/"), *(Path(*parts[:n]) for n in range(2, len(parts) + 1))]:
        st = os.lstat(cur)
        if st.st_uid != 0:
            return f"{cur} is owned by uid {st.st_uid}, not root"
        if st.st_mode & 0o022:
            return f"{cur} has mode {stat.S_IMODE(st.st_mode):04o} (group/other writable)"
    return None


def make_tree(name: str, purpose: str = "the scenarios") -> Path:
    """A fresh root-owned 0755 directory ``<base>/<name>/s-XXXX`` whose every component
    from / down is root-owned and not group/other writable (else unavailable())."""
    reasons = []
    for base in BASE_CANDIDATES:
        b = Path(base)
        if not b.is_dir():
            continue
        why = _unsafe_component(b)
        if why:
            reasons.append(why)
            continue
        parent = b / name
        parent.mkdir(mode=0o755, exist_ok=True)
        os.chmod(parent, 0o755)
        root = Path(tempfile.mkdtemp(prefix="s-", dir=parent))
        os.chmod(root, 0o755)
        why = _unsafe_component(root)
        if why is None:
            return root
        reasons.append(why)
        shutil.rmtree(root, ignore_errors=True)
    sj.unavailable(f"no root-owned 0755 directory tree for {purpose}: " + "; ".join(reasons))
    raise AssertionError("unreachable")


def remove_tree(root: Path) -> None:
    """Remove a make_tree() directory, and its parent when no other session uses it."""
    shutil.rmtree(root, ignore_errors=True)
    try:
        root.parent.rmdir()
    except OSError:
        pass


def base_cf_text(work: Path, name: str = "sendmail") -> str:
    """Debian's installed /etc/mail/<name>.cf, else one built from the packaged .mc by m4."""
    installed = Path("/etc/mail") / f"{name}.cf"
    if installed.is_file():
        return sj.read_cf(installed)
    cf = sj.build_cf_from_mc(sj.debian_mc_source(name), work, name)
    return sj.read_cf(cf)


def scenario_cf(base: str, options: dict[str, str], drop: Iterable[str] = (),
                extra_lines: Iterable[str] = ()) -> str:
    """The base cf without its TLS options, LogLevel and Dj (and the options named in
    ``drop``), plus the scenario's options and ``extra_lines`` (verbatim O lines)."""
    names = (*TLS_OPTIONS, "LogLevel", *drop)
    drop_re = re.compile(r"^O\s*(?:" + "|".join(map(re.escape, names)) + r")\s*(?:=|$)", re.I)
    lines = base.split("\n")
    kept: list[str] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        if drop_re.match(ln) or re.match(r"^Dj", ln):
            i += 1
            while i < len(lines) and lines[i][:1] in (" ", "\t"):   # continuation lines
                i += 1
            continue
        kept.append(ln)
        i += 1
    add = ["# --- cflint PKI scenario ---", "O LogLevel=14"]
    add += [f"O {name}={value}" for name, value in options.items()]
    add += list(extra_lines)
    # the D and O lines go right after the V line (before anything uses $j)
    v = next((n for n, ln in enumerate(kept) if re.match(r"^V\s*\d", ln)), None)
    at = 0 if v is None else v + 1
    kept[at:at] = [f"Dj{pki.HOST}"] + add
    return "\n".join(kept)


def print_past_capture(pytestconfig, text: str) -> None:
    """Print a session table even under pytest's output capture."""
    capman = pytestconfig.pluginmanager.getplugin("capturemanager")
    if capman is not None:
        with capman.global_and_fixture_disabled():
            print("\n" + text)
    else:
        print(text)


# ------------------------------------------------------------------------- tar archives


def archive_support() -> str | None:
    """Why cflint cannot lint a tar archive (None: it can)."""
    try:
        from cflint.tarfs import TarFS  # noqa: F401
    except ImportError as e:
        return f"cflint has no tar input (cflint.tarfs.TarFS): {e}"
    return None


def _add_path(tar: tarfile.TarFile, path: Path, seen: set[str]) -> None:
    """Add ``path`` at its absolute name, every parent directory first, with modes and
    owners as they are; symbolic links are stored as links, a second name of an inode
    already stored as a hard link (tarfile's gettarinfo does that)."""
    parts = path.parts[1:]
    for n in range(1, len(parts) + 1):
        p = Path("/", *parts[:n])
        arc = "/".join(parts[:n])
        if arc in seen:
            continue
        seen.add(arc)
        info = tar.gettarinfo(str(p), arcname=arc)
        if info.isreg():
            with open(p, "rb") as fh:
                tar.addfile(info, fh)
        else:
            tar.addfile(info)


def pack_root_fs(out: Path, trees: Iterable[Path] = (), files: Iterable[Path] = (),
                 etc_mail: dict[str, bytes] | None = None) -> Path:
    """A tar.gz of a root file system: /etc/passwd and /etc/group of this host (so names
    resolve as on disk), ``files`` and everything below ``trees`` at their absolute paths,
    and ``etc_mail`` ({name: bytes}) as etc/mail/<name> (root:root 0644)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    with tarfile.open(out, "w:gz", format=tarfile.GNU_FORMAT) as tar:
        for etc in ("/etc/passwd", "/etc/group"):
            _add_path(tar, Path(etc), seen)
        if etc_mail:
            if "etc/mail" not in seen:
                seen.add("etc/mail")
                info = tarfile.TarInfo("etc/mail")
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            for name, data in etc_mail.items():
                info = tarfile.TarInfo(f"etc/mail/{name}")
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
        for f in files:
            _add_path(tar, Path(f), seen)
        for top in trees:
            top = Path(top)
            if not top.is_dir():
                continue
            _add_path(tar, top, seen)
            for dirpath, dirnames, filenames in os.walk(top):
                for entry in sorted(dirnames + filenames):
                    _add_path(tar, Path(dirpath) / entry, seen)
    return out


def _file_of(f: dict) -> str | None:
    """The file a finding is about, without an archive prefix (``ARCHIVE!/path``)."""
    for p in ((f.get("related") or [{}])[0].get("path"), (f.get("evidence") or {}).get("path")):
        if p:
            return "/" + p.rsplit("!", 1)[-1].lstrip("/")
    return None


def finding_keys(result) -> set[tuple]:
    """(code, file, level, impacts) of every finding of a sendmail_judge.LintResult."""
    return {(f["code"], _file_of(f), f["level"], tuple(f.get("impacts") or ()))
            for f in result.findings}


def uid(name: str) -> int:
    """The host's uid of a user (the judges' trees use the host's users)."""
    import pwd

    return pwd.getpwnam(name).pw_uid


def gid(name: str) -> int:
    import grp

    return grp.getgrnam(name).gr_gid


def make_dir(base: Path, rel: str, mode: int = 0o755) -> Path:
    """A new directory under a scenario tree, with exactly ``mode`` (umask aside)."""
    p = base / rel
    p.mkdir(parents=True)
    os.chmod(p, mode)
    return p


# ------------------------------------------------------------------------- daemons


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def daemon_cf(directory: Path, base: str, tls_opts: dict[str, str], port: int,
              extra: Iterable[str] = ()) -> tuple[Path, Path]:
    """``directory``/sendmail.cf: the base cf with the TLS options, one daemon on
    127.0.0.1:``port``, its own pid file and queue (DeliveryMode=queueonly: it only
    queues), no load or connection throttle, LogLevel 14. (cf, pid file)."""
    queue = directory / "queue"
    queue.mkdir(mode=0o700)
    pidfile = directory / "sendmail.pid"
    text = scenario_cf(base, tls_opts, extra_lines=[
        f"O DaemonPortOptions=Name=MTA,Port={port},Addr=127.0.0.1",
        f"O PidFile={pidfile}", f"O QueueDirectory={queue}",
        "O DeliveryMode=queueonly", "O ConnectionRateThrottle=0", "O RefuseLA=1000",
        "O QueueLA=1000", *extra],
        drop=("DaemonPortOptions", "PidFile", "QueueDirectory", "StatusFile", "DeliveryMode",
              "ConnectionRateThrottle", "RefuseLA", "QueueLA", "TLSSrvOptions"))
    cf = directory / "sendmail.cf"
    cf.write_bytes(text.encode("latin-1"))
    os.chmod(cf, 0o644)
    return cf, pidfile


def start_daemon(binary: str, cf: Path, pidfile: Path, port: int, syslog: SyslogCapture,
                 timeout: float = 20.0) -> int:
    """``sendmail -bd -C cf`` (the cf names ``pidfile`` and listens on 127.0.0.1:``port``):
    its pid, once it accepts connections. Stop it with ``stop_daemon``."""
    proc = subprocess.run(syslog.wrap([binary, "-bd", "-C", str(cf)]), capture_output=True,
                          timeout=timeout, stdin=subprocess.DEVNULL, cwd="/")
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        if pidfile.exists() and pidfile.read_text().split():
            break
        time.sleep(0.05)
    else:
        raise RuntimeError(f"the daemon wrote no pid file (exit {proc.returncode}): "
                           f"{proc.stdout.decode('latin-1')} {proc.stderr.decode('latin-1')}")
    pid = int(pidfile.read_text().split()[0])
    while time.monotonic() < until:     # wait until it accepts connections
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.settimeout(5)
                s.recv(512)
                s.sendall(b"QUIT\r\n")
            break
        except OSError:
            time.sleep(0.1)
    return pid


def stop_daemon(pid: int | None, pidfile: Path | None) -> None:
    """SIGTERM the daemon (only while its pid file still names it), SIGKILL after 10 s."""
    if pid is None:
        return
    try:
        if pidfile is not None and pidfile.exists() and \
                int(pidfile.read_text().split()[0]) != pid:
            return   # not ours any more
        os.kill(pid, signal.SIGTERM)
    except (ProcessLookupError, ValueError, OSError):
        return
    until = time.monotonic() + 10
    while time.monotonic() < until:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


# ------------------------------------------------------------------------- the mail log

MAILLOG_DIR = Path(__file__).parent / "fixtures" / "maillog"
SAVE_MAILLOG = "CFLINT_SAVE_MAILLOG"     # set: the judges write their log fixtures


def syslog_lines(pid: int, texts: Iterable[str], prog: str = "sm-mta") -> list[str]:
    """What a syslog daemon writes for sendmail's datagrams (the capture keeps the text
    after ``[PID]:`` only)."""
    return [f"Dec  1 12:00:00 judge {prog}[{pid}]: {t}" for t in texts]


def explain_log(lines: list[str], out_dir: Path, config: Path | None = None) -> list[dict]:
    """``cflint logs`` on these lines (with --config when given): its CF705 findings."""
    import json

    from cflint.cli import main

    out_dir.mkdir(parents=True, exist_ok=True)
    log = out_dir / "mail.log"
    log.write_text("\n".join(lines) + "\n")
    out = out_dir / "logs.json"
    argv = ["logs", str(log), "-f", "json", "-o", str(out), "--fail-on", "never"]
    if config is not None:
        argv += ["--config", str(config), "--now", pki.NOW.strftime("%Y-%m-%dT%H:%M:%SZ")]
    rc = main(argv)
    assert rc == 0, f"cflint logs exited {rc}"
    return [f for f in json.loads(out.read_text())["findings"] if f["code"] == "CF705"]


def log_problems(lines: list[str]) -> list[str]:
    """The lines that report a TLS problem (not a session, init or routine line)."""
    from cflint.live.maillog import NOT_PROBLEMS, read_events

    events, _ = read_events(lines)
    return [e["text"] for e in events if e["kind"] not in NOT_PROBLEMS]


def save_maillog(suite: str, scenarios: dict[str, tuple[int, list[str], set[str]]],
                 others: Iterable[tuple[int | None, str]] = (),
                 meta_of: Callable[[str], dict] = lambda name: {}) -> None:
    """With $CFLINT_SAVE_MAILLOG set: tests/fixtures/maillog/<suite>.log (the lines
    sendmail logged, as a syslog file; ``others``: more (pid, text) lines, e.g. the TLS
    sessions of the daemons' children) and <suite>.json (scenario -> pid and the codes
    cflint check reported for it, plus ``meta_of(name)``), for tests/test_logs.py."""
    import json

    if not os.environ.get(SAVE_MAILLOG):
        return
    MAILLOG_DIR.mkdir(parents=True, exist_ok=True)
    lines, index = [], {}
    for name, (pid, texts, codes) in sorted(scenarios.items()):
        if not texts:
            continue
        lines += syslog_lines(pid, texts)
        index[name] = {"pid": pid, "static_codes": sorted(codes), **meta_of(name)}
    for pid, text in others:
        if pid is not None:
            lines += syslog_lines(pid, [text])
    (MAILLOG_DIR / f"{suite}.log").write_text("\n".join(lines) + "\n")
    (MAILLOG_DIR / f"{suite}.json").write_text(json.dumps(index, indent=1, sort_keys=True)
                                               + "\n")


def logs_disagree(suite: str, scenarios: dict[str, tuple[int, list[str], set[str]]],
                  out_dir: Path, others: Iterable[tuple[int | None, str]] = (),
                  config_of: Callable[[str], Path | None] = lambda name: None,
                  meta_of: Callable[[str], dict] = lambda name: {},
                  offered_of: Callable[[str], bool | None] = lambda name: None) -> list[str]:
    """Feed each scenario's log lines to ``cflint logs`` (with the scenario's config when
    ``config_of`` gives one): a problem line must give a CF705 finding, and each CF705
    must name a rule ``cflint check`` reports for that scenario; where ``offered_of``
    says whether the server offered STARTTLS, a starttls-off CF705 exactly when it did
    not. The disagreements, one line each; the lines are saved as fixtures
    (save_maillog) on the way."""
    bad = []
    for name, (pid, texts, codes) in scenarios.items():
        lines = syslog_lines(pid, texts)
        found = explain_log(lines, out_dir / name, config_of(name))
        problems = log_problems(lines)
        if bool(found) != bool(problems):
            bad.append(f"{name}: {len(problems)} problem line(s) {problems[:2]} but "
                       f"{len(found)} CF705 finding(s)")
        for f in found:
            code = f["evidence"]["explained_by"]
            if code not in codes:
                bad.append(f"{name}: the log line is explained by {code}, cflint check "
                           f"reports {sorted(codes)}: {f['message'][:300]}")
        offered = offered_of(name)
        off = [f["evidence"]["explained_by"] for f in found if "starttls-off" in f["impacts"]]
        if offered is not None and problems and bool(off) == offered:
            bad.append(f"{name}: sendmail {'offers' if offered else 'does not offer'} "
                       f"STARTTLS, cflint logs has starttls-off findings {off}")
    save_maillog(suite, scenarios, others, meta_of)
    return bad
