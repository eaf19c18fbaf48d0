"""cflint probe against real sendmail daemons (``sendmail-mta -bd`` on loopback ports),
the verdicts judged by what the daemons do (reference sendmail-tls.md §2.2: TLS is set
up once, when the daemon starts).

Four daemons, each on its own port with Debian's sendmail.cf and the good-rsa material
of pki_fixtures (tests/judge_harness.daemon_cf), under a root-owned tree in /run:

* ``good``: nothing changes: STARTTLS offered, the ServerCertFile served, verified
  against the configured CA; no finding.
* ``key-group-readable``: the key is 0640 before the start: the daemon does not offer
  STARTTLS (CF701, as the static checks predict: no CF702); its log line maps to CF501.
* ``cert-replaced``: after the start the pair is renewed on disk (another key and a
  certificate by the same CA): STARTTLS still offered with the old certificate (CF703),
  the static checks find nothing (no CF702).
* ``key-made-group-readable``: after the start the key becomes 0640: the daemon keeps
  offering STARTTLS (it read the key at start), while the static checks predict it off
  (CF501): CF702.

Every daemon is stopped at the end (SIGTERM by its pid file, SIGKILL after 10 s).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import pki_fixtures as pki
import sendmail_judge as sj
from cflint.cli import main
from judge_harness import (SyslogCapture, base_cf_text, daemon_cf, explain_log, free_port,
                           make_tree, print_past_capture, remove_tree,
                           logs_disagree, start_daemon, stop_daemon, syslog_lines)

TREE = "cflint-probe"
NOW_ARG = pki.NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
BLOCKING = {"starttls-off", "daemon-fails"}


@dataclass
class Daemon:
    name: str
    directory: Path
    port: int
    cf: Path = None
    pidfile: Path = None
    pid: int | None = None
    probe: dict = field(default_factory=dict)       # cflint probe --format json
    exit_code: int | None = None
    log: list[str] = field(default_factory=list)
    client_probe: dict = field(default_factory=dict)

    @property
    def tls(self) -> Path:
        return self.directory / "tls"


class World(dict):
    """The daemons by name, and every line the capture saw (the children's sessions)."""

    def __init__(self, daemons: dict, log: list):
        super().__init__(daemons)
        self.log = log


def _renew(d: Daemon) -> None:
    """A renewal on disk: another key and its certificate by the same CA."""
    fresh = d.directory / "renewed"
    opts = pki.materialize("good-ec", fresh)
    for option, name in (("ServerCertFile", "server.crt"), ("ServerKeyFile", "server.key")):
        shutil.copyfile(fresh / opts[option], d.tls / name)
    os.chmod(d.tls / "server.key", 0o600)
    shutil.rmtree(fresh)


BEFORE = {"key-group-readable": lambda d: os.chmod(d.tls / "server.key", 0o640)}
AFTER = {"cert-replaced": _renew,
         "key-made-group-readable": lambda d: os.chmod(d.tls / "server.key", 0o640)}
NAMES = ("good", "key-group-readable", "cert-replaced", "key-made-group-readable")


def _probe(d: Daemon, out_dir: Path) -> None:
    out = out_dir / f"{d.name}.json"
    d.exit_code = main(["probe", f"127.0.0.1:{d.port}", "--config", str(d.cf), "--now",
                        NOW_ARG, "--timeout", "20", "-f", "json", "-o", str(out),
                        "--fail-on", "never"])
    d.probe = json.loads(out.read_text())


@pytest.fixture(scope="module")
def daemons(sendmail, sendmail_version, tmp_path_factory, pytestconfig):
    if os.geteuid() != 0:
        sj.unavailable("the probe judge starts sendmail daemons as root")
    root = make_tree(TREE, "the probe daemons")
    work = tmp_path_factory.mktemp("probe-work")
    syslog = SyslogCapture()
    started: list[Daemon] = []
    try:
        syslog.start(root)
        base = base_cf_text(work)
        for name in NAMES:
            d = Daemon(name, root / name, free_port())
            d.directory.mkdir(mode=0o755)
            opts = {k: str(d.tls / v) for k, v in pki.materialize("good-rsa", d.tls).items()
                    if not k.startswith("Client")}
            d.cf, d.pidfile = daemon_cf(d.directory, base, opts, d.port)
            BEFORE.get(name, lambda _d: None)(d)
            started.append(d)
        with ThreadPoolExecutor(max_workers=len(started)) as ex:
            pids = list(ex.map(lambda d: start_daemon(sendmail, d.cf, d.pidfile, d.port,
                                                      syslog), started))
        for d, pid in zip(started, pids):
            d.pid = pid
        for d in started:
            AFTER.get(d.name, lambda _d: None)(d)
        with ThreadPoolExecutor(max_workers=len(started)) as ex:
            list(ex.map(lambda d: _probe(d, work), started))
        # the good daemon once more, presenting the client certificate a peer MTA would
        good = started[0]
        out = work / "good-client.json"
        main(["probe", f"127.0.0.1:{good.port}", "--client-cert", str(good.tls / "client.crt"),
              "--client-key", str(good.tls / "client.key"), "-f", "json", "-o", str(out),
              "--fail-on", "never", "--timeout", "20"])
        good.client_probe = json.loads(out.read_text())
        time.sleep(0.5)        # the last datagrams
        for d in started:
            d.log = syslog.for_pid(d.pid)
        world_log = syslog.snapshot()
        rows = [f"sendmail {sendmail_version} daemons probed ({syslog.mode} log capture)"]
        for d in started:
            r = d.probe["probe"]["results"][0]
            rows.append(f"  {d.name:24} port {d.port:5}  offered={r.get('starttls_offered')}"
                        f"  codes={sorted({f['code'] for f in d.probe['findings']})}")
        print_past_capture(pytestconfig, "\n".join(rows))
        yield World({d.name: d for d in started}, world_log)
    finally:
        for d in started:
            stop_daemon(d.pid, d.pidfile)
        syslog.stop()
        remove_tree(root)


def _result(d: Daemon) -> dict:
    return d.probe["probe"]["results"][0]


def _codes(d: Daemon) -> set[str]:
    return {f["code"] for f in d.probe["findings"]}


def test_every_daemon_answered(daemons):
    assert len(daemons) == len(NAMES)
    for d in daemons.values():
        r = _result(d)
        assert r["status"] == "ok", (d.name, r)
        assert r["greeting"][-1].startswith("220 "), (d.name, r["greeting"])


def test_good(daemons):
    d = daemons["good"]
    r = _result(d)
    assert r["starttls_offered"] is True and r["tls"]["protocol"].startswith("TLSv1")
    assert r["certificate"]["sha256"] == pki.cert_sha256(d.tls / "server.crt")
    # verified against the configured CACertFile/CACertPath, by the real clock
    still_valid = dt.datetime.now(dt.timezone.utc) < pki.VALID_TO
    assert r["verify"]["result"] == ("ok" if still_valid else "fail"), r["verify"]
    assert "CACertFile" in r["verify"]["against"]
    assert _codes(d) == (set() if still_valid else {"CF704"}), d.probe["findings"]
    assert d.exit_code == 0 or not still_valid


def test_group_readable_key_is_not_offered_as_predicted(daemons):
    d = daemons["key-group-readable"]
    r = _result(d)
    assert r["starttls_offered"] is False
    assert r["starttls_reply"].startswith("454"), r   # "TLS not available after start"
    assert "CF701" in _codes(d) and "CF702" not in _codes(d), d.probe["findings"]
    [f] = [f for f in d.probe["findings"] if f["code"] == "CF701"]
    assert "As predicted" in f["message"] and "CF501" in f["message"], f


def test_group_readable_key_log_maps_to_cf501(daemons, tmp_path):
    d = daemons["key-group-readable"]
    lines = syslog_lines(d.pid, d.log)
    assert any("Group readable file" in ln for ln in lines), d.log
    for config in (None, d.cf):
        found = explain_log(lines, tmp_path / ("with" if config else "without"), config)
        assert {f["evidence"]["explained_by"] for f in found} == {"CF501"}, found
    [f] = explain_log(lines, tmp_path / "fix", d.cf)
    assert "chmod" in f["fix"] and str(d.tls / "server.key") in f["fix"], f["fix"]


def test_replaced_certificate_is_stale(daemons):
    d = daemons["cert-replaced"]
    r = _result(d)
    assert r["starttls_offered"] is True
    served = r["certificate"]["sha256"]
    assert served != pki.cert_sha256(d.tls / "server.crt")
    codes = _codes(d)
    assert "CF703" in codes and "CF702" not in codes and "CF701" not in codes, codes
    [f] = [f for f in d.probe["findings"] if f["code"] == "CF703"]
    assert served in f["message"] and "kill -HUP" in f["fix"]
    assert str(d.pidfile) in f["fix"]


def test_key_made_group_readable_after_start_is_a_mismatch(daemons):
    d = daemons["key-made-group-readable"]
    r = _result(d)
    assert r["starttls_offered"] is True      # the daemon read the key when it started
    codes = _codes(d)
    assert "CF702" in codes and "CF701" not in codes, d.probe["findings"]
    [f] = [f for f in d.probe["findings"] if f["code"] == "CF702"]
    assert "CF501" in f["message"] and "next restart" in f["message"]


def _static_at_start(daemons, tmp_path):
    """(daemon, cflint check result) for the daemons whose files did not change after the
    start."""
    for d in daemons.values():
        if d.name in AFTER:
            continue
        (tmp_path / d.name).mkdir()
        result = sj.lint(d.cf, tmp_path / d.name, extra=("--now", NOW_ARG))
        assert result.report is not None, result.describe()
        yield d, result


def test_static_prediction_agrees_with_each_daemon_at_start(daemons, tmp_path):
    """At its start each daemon offered STARTTLS exactly when cflint check of the files as
    they were then finds no starttls-off/daemon-fails finding (the scenarios changed
    after the start are judged by their probe: offered)."""
    for d, result in _static_at_start(daemons, tmp_path):
        blocking = [f for f in result.findings if BLOCKING & set(f.get("impacts") or [])]
        assert bool(_result(d)["starttls_offered"]) == (not blocking), (d.name, blocking)


def test_log_lines_explained_by_static_rules(daemons, tmp_path):
    """Every problem line the daemons logged at their start is explained by a rule cflint
    check reports for that daemon's files (saved as fixtures for test_logs.py with
    $CFLINT_SAVE_MAILLOG)."""
    scenarios = {d.name: (d.pid, d.log, result.codes())
                 for d, result in _static_at_start(daemons, tmp_path)}
    assert logs_disagree("probe", scenarios, tmp_path / "logs",
                         [(p, t) for p, t in daemons.log
                          if "relay=" in t and "STARTTLS=server" in t]) == []


def test_sessions_logged_with_verify(daemons, tmp_path):
    """The daemons' children log one line per TLS session; cflint logs summarises them
    per relay: the probe without a client certificate is verify=NO, with one (signed by
    the CA the daemon trusts) verify=OK."""
    assert daemons["good"].client_probe["probe"]["results"][0]["tls"]
    sessions = [(p, t) for p, t in daemons.log if "STARTTLS=server, relay=" in t]
    lines = [ln for p, t in sessions for ln in syslog_lines(p, [t])]
    log = tmp_path / "sessions.log"
    log.write_text("\n".join(lines) + "\n")
    out = tmp_path / "s.json"
    assert main(["logs", str(log), "-f", "json", "-o", str(out)]) == 0
    rows = json.loads(out.read_text())["logs"]["verify"]
    counts = {}
    for row in rows:
        for v, n in row["verify"].items():
            counts[v] = counts.get(v, 0) + n
    assert counts.get("OK") == 1, (counts, sessions)
    assert counts.get("NO", 0) >= 3, (counts, sessions)   # good, replaced, made-readable
