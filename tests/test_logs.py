"""cflint logs: the log lines real sendmail wrote in the differential tests
(tests/fixtures/maillog/<suite>.log, saved by the judges with $CFLINT_SAVE_MAILLOG=1:
test_judge_pki, test_judge_safety, test_judge_msp, test_judge_probe) each map to a rule
cflint check reported for that scenario; and the reader's own behaviour: syslog forms,
gzip, stdin, the {verify} summary, the formats, errors."""
from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path

import pytest

from cflint.cli import main
from cflint.live.maillog import NOT_PROBLEMS, VERIFY_MEANINGS, read_events, verify_summary

FIXTURES = Path(__file__).parent / "fixtures" / "maillog"
SUITES = ("pki", "safety", "msp", "probe")


def logs(tmp_path, *argv) -> tuple[int, dict]:
    out = tmp_path / "logs.json"
    rc = main(["logs", *argv, "-f", "json", "-o", str(out)])
    return rc, json.loads(out.read_text())


def scenarios(suite: str):
    index = json.loads((FIXTURES / f"{suite}.json").read_text())
    lines = (FIXTURES / f"{suite}.log").read_text().splitlines()
    for name, meta in sorted(index.items()):
        mine = [ln for ln in lines if f"[{meta['pid']}]:" in ln]
        yield pytest.param(suite, name, mine, meta, id=f"{suite}/{name}")


ALL = [p for s in SUITES for p in scenarios(s)]


def _config(d: Path, meta: dict) -> Path | None:
    """The scenario's config naming its files, when the judge saved its options: a
    submit.cf (which config names a file decides the rule: an MSP key is CF601/CF602, an
    MTA key CF501/CF505), or a sendmail.cf (a second pair's file is logged only)."""
    for key, name in (("submit_options", "submit.cf"), ("options", "sendmail.cf")):
        if key in meta:
            d.mkdir()
            (d / name).write_text("V10/Berkeley\n" + "".join(
                f"O {k}={v}\n" for k, v in meta[key].items()))
            return d / name
    return None


def _explain(lines: list[str], meta: dict, tmp_path: Path) -> dict:
    """cflint logs (JSON) on a scenario's lines, with its config when saved."""
    log = tmp_path / "mail.log"
    log.write_text("\n".join(lines) + "\n")
    argv = [str(log), "--fail-on", "never"]
    cfg = _config(tmp_path / "cfg", meta)
    if cfg is not None:
        argv += ["--config", str(cfg)]
    rc, doc = logs(tmp_path, *argv)
    assert rc == 0
    return doc


@pytest.mark.parametrize("suite,name,lines,meta", ALL)
def test_each_saved_log_maps_to_the_static_rule(suite, name, lines, meta, tmp_path):
    assert lines, f"no lines of pid {meta['pid']} in {suite}.log"
    doc = _explain(lines, meta, tmp_path)
    found = [f for f in doc["findings"] if f["code"] == "CF705"]
    problems = [e for e in doc["logs"]["events"] if e["kind"] not in NOT_PROBLEMS]
    assert bool(found) == bool(problems), (problems, found)
    for f in found:
        assert f["evidence"]["explained_by"] in meta["static_codes"], (f, meta)
        assert f["fix"] and f["line"] >= 1 and f["path"] == str(tmp_path / "mail.log")
        assert "PRIVATE KEY" not in f["message"]


SERVER_OFF, CLIENT = ["starttls-off"], ["client-tls-degraded"]
# What cflint logs says for the file errors sendmail's tls.c logs (reference §2.5), on the
# lines the judges saved: {rule: impacts} of the CF705 findings, exactly. A
# check_private_key line is a mismatch (CF202) unless a file of its pair was not loaded
# (that line explains it): whatever else the process refused first.
LOGGED = {
    ("pki", "mismatch"): {"CF202": SERVER_OFF},
    ("pki", "second-pair-missing-key-mismatch"): {"CF204": SERVER_OFF, "CF202": SERVER_OFF},
    ("pki", "second-pair-mismatch"): {"CF202": ["hygiene"]},           # logged only
    ("pki", "second-pair-der-key"): {"CF204": ["hygiene"]},            # logged only
    ("pki", "der-key"): {"CF204": SERVER_OFF},
    ("pki", "der-cert"): {"CF301": SERVER_OFF},
    ("pki", "rsa1024"): {"CF205": SERVER_OFF},
    ("pki", "sha1-by-ca"): {"CF304": SERVER_OFF},
    ("pki", "cafile-empty-pem"): {"CF301": SERVER_OFF},
    ("pki", "dh-garbage"): {"CF107": ["weak-crypto"]},                 # logged only
    ("pki", "dh-keyword-illegal"): {"CF107": ["weak-crypto"]},
    ("pki", "crl-garbage"): {"CF108": ["verify-fails"]},
    ("msp", "key-mismatch.root"): {"CF202": CLIENT},
    ("msp", "key-mismatch.user"): {"CF202": CLIENT},
    ("msp", "key-mismatch-cafile-0666.root"): {"CF503": CLIENT, "CF202": CLIENT},
    ("msp", "key-mismatch-cafile-0666.user"): {"CF503": CLIENT, "CF202": CLIENT},
    ("msp", "der-key.root"): {"CF204": CLIENT},
    ("msp", "encrypted-key.user"): {"CF201": CLIENT},
    ("msp", "der-cert.root"): {"CF301": CLIENT},
    ("msp", "cert-0600-root.root"): {"CF505": CLIENT},
    ("msp", "cafile-empty.root"): {"CF301": CLIENT},
    ("msp", "crl-garbage.user"): {"CF108": ["verify-fails"]},
}


@pytest.mark.parametrize("suite,name", sorted(LOGGED))
def test_file_error_lines_map_to_their_rule(suite, name, tmp_path):
    [(lines, meta)] = [p.values[2:] for p in ALL if p.values[:2] == (suite, name)]
    doc = _explain(lines, meta, tmp_path)
    got = {f["evidence"]["explained_by"]: f["impacts"] for f in doc["findings"]
           if f["code"] == "CF705"}
    assert got == LOGGED[suite, name], "\n".join(f["message"] for f in doc["findings"])


def test_log_only_lines_map_to_their_rule(tmp_path):
    """The lines of options no static rule reports yet (tests/fixtures/maillog/files.*,
    saved by test_judge_pki)."""
    index = json.loads((FIXTURES / "files.json").read_text())
    lines = (FIXTURES / "files.log").read_text().splitlines()
    assert index
    for name, meta in index.items():
        (tmp_path / name).mkdir()
        doc = _explain([ln for ln in lines if f"[{meta['pid']}]:" in ln], meta,
                       tmp_path / name)
        got = {f["evidence"]["explained_by"]: f["impacts"] for f in doc["findings"]}
        assert got == meta["expect"], (name, doc["findings"])


def test_every_saved_error_line_is_read():
    """No STARTTLS error line the judges saw goes unread: each is an event, or an
    OpenSSL detail attached to the event before it."""
    for suite in (*SUITES, "files"):
        lines = (FIXTURES / f"{suite}.log").read_text().splitlines()
        events, _ = read_events(lines)
        read = {e["line"] for e in events} | {d["line"] for e in events
                                              for d in e.get("openssl", [])}
        for n, ln in enumerate(lines, 1):
            if re.search(r"STARTTLS=\w+[,:] error", ln):
                assert n in read, f"{suite}.log:{n} not read: {ln}"


def test_fixtures_cover_many_rules():
    """The saved logs exercise the mapping broadly (not one reason over and over)."""
    codes = set()
    for suite in SUITES:
        codes |= {c for m in json.loads((FIXTURES / f"{suite}.json").read_text()).values()
                  for c in m["static_codes"]}
    lines = "\n".join((FIXTURES / f"{s}.log").read_text() for s in SUITES)
    events, _ = read_events(lines.splitlines())
    kinds = {e["kind"] for e in events}
    assert {"unsafe", "key-load", "cert-load", "mismatch", "ca-load", "dh", "crl", "cipher",
            "init", "session"} <= kinds, kinds
    sides = {(e["kind"], e.get("side")) for e in events}
    assert {(k, "client") for k in ("unsafe", "key-load", "cert-load", "mismatch", "ca-load",
                                    "crl")} <= sides, sides
    assert {"CF201", "CF202", "CF204", "CF205", "CF301", "CF501", "CF502", "CF503", "CF504",
            "CF505", "CF601", "CF602"} <= codes


# The {verify} values sendmail 8.13-8.18 sets (reference sendmail-tls.md §4.8: the table's
# values, and the two 8.18.1 adds for DANE)
REFERENCE_VERIFY_VALUES = {"OK", "NO", "NOT", "FAIL", "NONE", "TEMP", "PROTOCOL", "SOFTWARE",
                           "CLEAR", "CONFIG", "FAILURE", "TRUSTED", "DANE_FAIL", "DANE_TEMP",
                           "DANE_NOTLS"}


def test_reference_verify_values_all_explained():
    """Every {verify} value sendmail sets has a meaning in the summary, and its sides."""
    assert REFERENCE_VERIFY_VALUES <= set(VERIFY_MEANINGS), \
        REFERENCE_VERIFY_VALUES - set(VERIFY_MEANINGS)
    for value, (sides, meaning) in VERIFY_MEANINGS.items():
        assert sides in ("both", "server", "client") and meaning, value


def _session(relay: str, verify: str, side: str = "server", pid: int = 100) -> str:
    return (f"Dec  1 10:00:0{pid % 10} mx sm-mta[{pid}]: 4B1A0001234567: STARTTLS={side}, "
            f"relay={relay}, version=TLSv1.3, verify={verify}, cipher=TLS_AES_256_GCM_SHA384, "
            f"bits=256/256")


def test_verify_summary_per_relay():
    lines = [_session("peer.example [192.0.2.7]", "OK", pid=101),
             _session("peer.example [192.0.2.7]", "NO", pid=102),
             _session("peer.example [192.0.2.7]", "NO", pid=103),
             _session("mx.example.org. [198.51.100.1]", "FAIL", "client", pid=104),
             _session("mx.example.org. [198.51.100.1]", "SOFTWARE", "client", pid=105)]
    events, stats = read_events(lines)
    rows = {(r["relay"], r["side"]): r for r in verify_summary(events)}
    peer = rows[("peer.example [192.0.2.7]", "server")]
    assert peer["verify"] == {"OK": 1, "NO": 2}
    assert peer["meanings"]["NO"].startswith("the client's certificate")
    mx = rows[("mx.example.org. [198.51.100.1]", "client")]
    assert mx["verify"] == {"FAIL": 1, "SOFTWARE": 1}
    assert "handshake failed" in mx["meanings"]["SOFTWARE"]
    assert stats["hosts"] == {"mx": 5}


@pytest.mark.parametrize("line", [
    "Dec  1 10:00:00 mx sm-mta[812]: STARTTLS=server: file /k.pem unsafe: Group readable file",
    "2026-12-01T10:00:00.123456+00:00 mx sm-mta[812]: STARTTLS=server: file /k.pem unsafe: "
    "Group readable file",
    "<22>Dec  1 10:00:00 sm-mta[812]: STARTTLS=server: file /k.pem unsafe: Group readable file",
    "Dec  1 10:00:00 mx sendmail[812]: NOQUEUE: STARTTLS=server: file /k.pem unsafe: Group "
    "readable file",
    "Dec 11 10:00:00 mx.example.org sm-mta[812]: 4B1A0001234567: STARTTLS=server: file /k.pem "
    "unsafe: Group readable file",
])
def test_syslog_forms(line):
    [ev] = read_events([line])[0]
    assert ev["kind"] == "unsafe" and ev["path"] == "/k.pem" and ev["pid"] == 812
    assert ev["reason"] == "Group readable file"


def test_openssl_detail_refines_the_rule(tmp_path):
    lines = ["Dec  1 10:00:00 mx sm-mta[9]: STARTTLS=server, error: "
             "SSL_CTX_use_certificate_file(/etc/mail/tls/c.pem) failed",
             "Dec  1 10:00:00 mx sm-mta[9]: STARTTLS=server: error:0A00018F:SSL routines::"
             "ee key too small:../ssl/ssl_rsa.c:221:"]
    log = tmp_path / "m.log"
    log.write_text("\n".join(lines) + "\n")
    rc, doc = logs(tmp_path, str(log))
    assert rc == 1
    [f] = doc["findings"]
    assert f["evidence"]["explained_by"] == "CF205" and "ee key too small" in f["message"]
    assert f["impacts"] == ["starttls-off"] and f["level"] == "error"


def test_logged_only_lines_are_warnings(tmp_path):
    log = tmp_path / "m.log"
    log.write_text("Dec  1 10:00:00 mx sm-mta[9]: STARTTLS=server, error: "
                   "SSL_CTX_set_cipher_list(NOT-A-CIPHER) failed, list ignored\n")
    rc, doc = logs(tmp_path, str(log))
    [f] = doc["findings"]
    assert f["evidence"]["explained_by"] == "CF104" and f["level"] == "warning"
    assert "starttls-off" not in f["impacts"]


def test_gzip_and_stdin(tmp_path, monkeypatch, capsys):
    line = ("Dec  1 10:00:00 mx sm-mta[9]: STARTTLS=server, error: SSL_CTX_check_private_key "
            "failed(/etc/mail/tls/k.pem): 0\n")
    gz = tmp_path / "mail.log.1.gz"
    gz.write_bytes(gzip.compress(line.encode()))
    rc, doc = logs(tmp_path, str(gz))
    assert [f["evidence"]["explained_by"] for f in doc["findings"]] == ["CF202"]

    class In:
        buffer = io.BytesIO(gzip.compress(line.encode()))

    monkeypatch.setattr("sys.stdin", In)
    assert main(["logs", "-", "-f", "json", "--fail-on", "never"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["findings"][0]["evidence"]["explained_by"] == "CF202"


def test_unreadable_log_is_one_error_line(tmp_path, capsys):
    bad = tmp_path / "broken.gz"
    bad.write_bytes(b"\x1f\x8b" + b"not gzip at all")
    assert main(["logs", str(bad)]) == 2
    assert main(["logs", str(tmp_path / "missing.log")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(e.startswith("cflint: error: cannot read ") for e in err)


def test_text_and_sarif(tmp_path, capsys):
    from sarif_check import validate_sarif

    src = FIXTURES / "safety.log"
    assert main(["logs", str(src), "--fail-on", "never"]) == 0
    text = capsys.readouterr().out
    assert "{verify} per relay:" in text or "sendmail TLS line(s)" in text
    assert "CF705" in text and "Explained by CF50" in text
    out = tmp_path / "l.sarif"
    assert main(["logs", str(src), "-f", "sarif", "-o", str(out), "--fail-on", "never"]) == 0
    doc = json.loads(out.read_text())
    validate_sarif(doc)     # log lines are files with lines: fit for GitHub code scanning
    assert doc["runs"][0]["properties"]["observations"]["kind"] == "logs"


def test_config_gives_the_exact_fix(tmp_path):
    """With --config, the static finding on that file supplies the fix (the chmod)."""
    root = tmp_path / "root"
    tls = root / "etc" / "mail" / "tls"
    tls.mkdir(parents=True)
    import pki_fixtures as pki

    opts = pki.materialize("good-rsa", tls)
    (root / "etc" / "mail" / "sendmail.cf").write_text(
        "V10/Berkeley\nDjmail.example.test\n" +
        "".join(f"O {k}=/etc/mail/tls/{v}\n" for k, v in opts.items()))
    (tls / "server.key").chmod(0o640)
    log = tmp_path / "mail.log"
    log.write_text("Dec  1 10:00:00 mx sm-mta[9]: STARTTLS=server: file "
                   "/etc/mail/tls/server.key unsafe: Group readable file\n")
    rc, doc = logs(tmp_path, str(log), "--config", "/etc/mail", "--root", str(root))
    [f] = doc["findings"]
    assert f["evidence"]["explained_by"] == "CF501"
    assert "chmod" in f["fix"] and "kill -HUP" in f["fix"]
    assert any(r["note"] == "CF501" for r in f["related"])
