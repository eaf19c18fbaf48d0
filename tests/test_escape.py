"""Bytes from what cflint reads never reach the output raw (cflint/escape.py): terminal
control sequences (OSC, CSI, BEL, C1) and bytes that are not UTF-8, in a config value, a
file name, an archive member's name, a certificate's subject, a mail log line and a
saved probe result, come out as ``\\x1b``/``\\xff`` escapes in every format of every
command; the output is valid UTF-8 (JSON and SARIF valid JSON holding the same escaped
text); our own colours still work; the exit codes are those of any run with findings."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

import pki_fixtures as pki
from cflint.cli import main
from cflint.escape import escape, escape_tree

# OSC "set the window title", BEL, CSI "clear the screen", C1 CSI (U+009B), a byte that
# is not UTF-8
HOSTILE = b"\x1b]0;pwned\x07\x1b[2J\xc2\x9b\xff"
SHOWN = "\\x1b]0;pwned\\x07\\x1b[2J\\x9b\\xff"      # what every output shows instead
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")    # anything but a newline
NOW = "2026-12-01"


def text_of(data: bytes) -> str:
    """The output as text: valid UTF-8 (strict) and no control character but newlines."""
    text = data.decode("utf-8")
    assert not RAW_CONTROL.search(text), repr(RAW_CONTROL.search(text).group())
    return text


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def json_text(data: bytes) -> str:
    """A JSON output: valid JSON whose strings hold no control character but newlines and
    no lone surrogate; returns all its strings joined."""
    joined = "\n".join(strings(json.loads(text_of(data))))
    assert not RAW_CONTROL.search(joined) and not re.search("[\ud800-\udfff]", joined)
    return joined


# ---------------------------------------------------------------- the function


@pytest.mark.parametrize("raw,shown", [
    ("\x1b]0;t\x07", "\\x1b]0;t\\x07"), ("\x1b[2J", "\\x1b[2J"), ("a\x00b\x7f", "a\\x00b\\x7f"),
    ("\x9b\x85", "\\x9b\\x85"), ("\r\n\t", "\\x0d\\x0a\\x09"),
    (b"\xff\xfe".decode("utf-8", "surrogateescape"), "\\xff\\xfe"), ("\ud800", "\\ud800"),
    ("été ✓ \\x1b", "été ✓ \\x1b"), ("", ""),
])
def test_escape(raw, shown):
    assert escape(raw) == shown
    assert escape(shown) == shown                   # idempotent: saved outputs read again
    shown.encode("utf-8")


def test_escape_keeps_newlines_only_when_asked():
    assert escape("fix:\n  chmod\x1b[0m", keep_newlines=True) == "fix:\n  chmod\\x1b[0m"
    tree = escape_tree({"a\x1b": ["b\n", ("c\x07",)], "fix": "x\ny\x1b", "n": 3, "z": None})
    assert tree == {"a\\x1b": ["b\\x0a", ("c\\x07",)], "fix": "x\ny\\x1b", "n": 3, "z": None}


def test_report_fields_are_escaped_and_fingerprints_unchanged():
    from cflint.findings import Finding, Location, Report

    bad = "/etc/mail/k\x1b[2J" + b"\xff".decode("utf-8", "surrogateescape") + ".pem"
    f = Finding("CF999", "error", f"file {bad}\nsecond line", Location(bad, 2, 3, note=bad),
                ("hygiene",), fix=f"chmod 600 {bad}\nsystemctl restart", anchor=bad,
                related=(Location(bad, note=bad),), evidence=(("path", bad),))
    r = Report([f], [], inputs=[bad], notifications=[bad], preamble=f"{bad}\n",
               observations={"kind": "logs", "events": [{"path": bad}]})
    g = r.findings[0]
    want = "/etc/mail/k\\x1b[2J\\xff.pem"
    assert g.message == f"file {want}\nsecond line" and g.fix == f"chmod 600 {want}\n" \
        "systemctl restart"
    assert g.location.path == g.location.note == g.anchor == g.related[0].path == want
    assert g.evidence == (("path", want),) and r.inputs == r.notifications == [want]
    assert r.preamble == want + "\n" and r.observations["events"][0]["path"] == want
    assert g.fingerprint == f.fingerprint           # baselines match before and after
    r.observations = {"kind": "logs", "x": bad}     # set later: escaped all the same
    assert r.observations["x"] == want


def test_own_colours_stay_hostile_ones_do_not():
    from cflint.findings import Finding, Location, Report, RuleMeta
    from cflint.formats.text import render

    meta = RuleMeta("CF999", "x", "error", ("hygiene",), "s", "r", "f")
    out = render(Report([Finding("CF999", "error", "value \x1b[2J\x1b]0;t\x07",
                                 Location("a\x1b[31m.cf", 1), ("hygiene",))], [meta]),
                 color=True)
    assert "\x1b[31merror\x1b[0m" in out and "\x1b[1mCF999\x1b[0m" in out   # ours
    assert out.count("\x1b") == 4 and "value \\x1b[2J\\x1b]0;t\\x07" in out
    assert out.startswith("a\\x1b[31m.cf:1:")


# ---------------------------------------------------------------- the commands


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """tmp/mx<HOSTILE>/etc/mail: a config quoting hostile bytes, its certificate under a
    hostile name with a hostile subject (expired at NOW); the same tree as a tar archive,
    and the config again under a hostile file name; a mail log and a saved probe."""
    base = tmp_path_factory.mktemp("hostile")
    root = base / os.fsdecode(b"mx" + HOSTILE)
    tls = root / "etc" / "mail" / "tls"
    tls.mkdir(parents=True)
    key = pki._key("hostile", "p256")
    cert = pki.leaf(key, None, cn="mx\x1b]0;pwned\x07\x1b[2J\u009b",
                    not_before=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
                    not_after=dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc))
    (tls / os.fsdecode(b"srv" + HOSTILE + b".crt")).write_bytes(pki.cert_pem(cert))
    (tls / "server.key").write_bytes(pki.key_bytes(key))
    os.chmod(tls / "server.key", 0o600)
    cf = (b"V10/Berkeley\nO ServerCertFile=/etc/mail/tls/srv" + HOSTILE + b".crt\n"
          b"O ServerKeyFile=/etc/mail/tls/server.key\n"
          b"O CACertFile=/etc/mail/tls/ca" + HOSTILE + b".pem\n"
          b"O CipherList=HIGH:\x1b[2J\x1b]0;pwned\x07\xff\n"
          b"Mlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l\n")
    (root / "etc" / "mail" / "sendmail.cf").write_bytes(cf)
    (root / "srv").mkdir()
    (root / "srv" / os.fsdecode(b"send" + HOSTILE + b".cf")).write_bytes(cf)
    with tarfile.open(base / "mx2.tar", "w", format=tarfile.GNU_FORMAT) as t:
        t.add(root / "etc", arcname="etc")
    relay = b"evil" + HOSTILE + b".example [192.0.2.7]"
    (base / "mail.log").write_bytes(
        b"Dec  1 10:00:00 mx sm-mta[9]: STARTTLS=server: file /etc/mail/tls/k" + HOSTILE +
        b".pem unsafe: Group readable file\n"
        b"Dec  1 10:00:01 mx sm-mta[10]: 4B1A0001234567: STARTTLS=server, relay=" + relay +
        b", version=TLSv1.3, verify=FAIL, cipher=TLS_AES_256_GCM_SHA384, bits=256/256\n")
    return base


def cli(tmp_path: Path, *argv, fmt: str = "text", ext: str = "out") -> tuple[int, bytes]:
    out = tmp_path / f"out.{fmt}.{ext}"
    rc = main([*argv, "-f", fmt, "-o", str(out)])
    return rc, out.read_bytes()


def check_all_formats(tmp_path, *argv):
    for fmt in ("text", "github", "json", "sarif"):
        rc, out = cli(tmp_path, "check", *argv, "--now", NOW, fmt=fmt)
        assert rc == 1, out                      # findings: exit 1, as for any input
        shown = json_text(out) if fmt in ("json", "sarif") else text_of(out)
        assert SHOWN in shown, (fmt, shown)
    rc, out = cli(tmp_path, "check", *argv, "--now", NOW, "--statistics")
    assert rc == 1 and "finding(s) in total" in text_of(out)
    assert cli(tmp_path, "check", *argv, "--now", NOW, "--exit-zero")[0] == 0


def test_check_tree(hostile, tmp_path):
    root = next(hostile.glob("mx*"))
    check_all_formats(tmp_path, "--root", str(root))
    _, out = cli(tmp_path, "check", "--root", str(root), "--now", NOW, fmt="json")
    doc = json.loads(out)
    cipher = next(f for f in doc["findings"] if f["code"] == "CF104")
    assert "HIGH:\\x1b[2J\\x1b]0;pwned\\x07" in cipher["message"]        # a config value
    expired = next(f for f in doc["findings"] if f["code"] == "CF302")
    assert expired["evidence"]["subject"].startswith("CN=mx\\x1b]0\\;pwned\\x07\\x1b[2J\\x9b")
    assert expired["related"][0]["path"].endswith(f"/etc/mail/tls/srv{SHOWN}.crt")


def test_check_archive(hostile, tmp_path):
    check_all_formats(tmp_path, str(hostile / "mx2.tar"))
    _, out = cli(tmp_path, "check", str(hostile / "mx2.tar"), "--now", NOW, fmt="json")
    related = [r["path"] for f in json.loads(out)["findings"] for r in f["related"]]
    assert any(p.endswith(f"mx2.tar!/etc/mail/tls/srv{SHOWN}.crt") for p in related)  # member


def test_check_file_name_not_utf8(hostile, tmp_path):
    root = next(hostile.glob("mx*"))
    check_all_formats(tmp_path, "--root", str(root), os.fsdecode(b"/srv/send" + HOSTILE + b".cf"))
    _, out = cli(tmp_path, "check", "--root", str(root), "--now", NOW,
                 os.fsdecode(b"/srv/send" + HOSTILE + b".cf"), fmt="json")
    assert {f["path"] for f in json.loads(out)["findings"]} >= {f"/srv/send{SHOWN}.cf"}


def test_check_on_a_terminal_stream(hostile):
    """Standard output (strict UTF-8 under C.UTF-8): no crash, nothing raw."""
    root = next(hostile.glob("mx*"))
    for fmt in ("text", "github"):
        r = subprocess.run([sys.executable, "-m", "cflint", "check", "--root", os.fsencode(root),
                            b"/srv/send" + HOSTILE + b".cf", "--now", NOW, "-f", fmt],
                           capture_output=True, timeout=120,
                           env={**os.environ, "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": ""})
        assert r.returncode == 1 and r.stderr == b"", r.stderr
        assert SHOWN in text_of(r.stdout)


def saved_probe(tmp_path: Path) -> Path:
    """A live probe of a server whose greeting and EHLO hold control sequences and a
    byte that is not UTF-8, saved as JSON; then a hostile edit of the saved file (raw
    escapes and a lone surrogate, as an older cflint or another tool could write)."""
    from fake_smtp import FakeSMTP, Script

    script = Script(greeting=b"220 mx" + HOSTILE + b" ESMTP\r\n",
                    ehlo=("fake\x1b]0;pwned\x07 Hello", "HELP"), starttls="454")
    with FakeSMTP(script) as srv:
        rc, saved = cli(tmp_path, "probe", f"127.0.0.1:{srv.port}", fmt="json")
        assert rc == 1
        shown = json_text(saved)
        assert "\\x1b]0;pwned\\x07\\x1b[2J\\x9b" in shown and "fake\\x1b]0;pwned\\x07" in shown
        rc, out = cli(tmp_path, "probe", f"127.0.0.1:{srv.port}")
        assert rc == 1 and "greeting: 220 mx\\x1b]0;pwned\\x07" in text_of(out)
    doc = json.loads(saved)
    r = doc["probe"]["results"][0]
    r["greeting"] = ["220 mx" + HOSTILE.decode("utf-8", "surrogateescape") + " ESMTP"]
    r["ehlo"][0] = "250-fake\x1b[2J\udcff Hello"
    path = tmp_path / "probe.json"
    path.write_text(json.dumps(doc))       # "\u001b", "\udcff" in the file
    return path


def test_probe_from_json(tmp_path):
    saved = saved_probe(tmp_path)
    for fmt in ("text", "json", "sarif"):
        rc, out = cli(tmp_path, "probe", "--from-json", str(saved), fmt=fmt)
        assert rc == 1, out
        shown = json_text(out) if fmt != "text" else text_of(out)
        assert "220 mx" + SHOWN in shown, (fmt, shown)
        if fmt == "json":
            assert "250-fake\\x1b[2J\\xff Hello" in shown


def test_logs(hostile, tmp_path):
    for fmt in ("text", "json", "sarif"):
        rc, out = cli(tmp_path, "logs", str(hostile / "mail.log"), fmt=fmt)
        assert rc == 1, out
        shown = json_text(out) if fmt != "text" else text_of(out)
        assert "/etc/mail/tls/k\\x1b]0;pwned\\x07\\x1b[2J\\x9b" in shown     # a finding
        assert "evil\\x1b]0;pwned\\x07\\x1b[2J\\x9b" in shown               # {verify} row


def test_logs_show_undecodable_bytes_as_hex(hostile, tmp_path):
    _, out = cli(tmp_path, "logs", str(hostile / "mail.log"), fmt="json")
    assert f"/etc/mail/tls/k{SHOWN}.pem" in json_text(out)


def test_audit_every_format(hostile, tmp_path):
    saved = saved_probe(tmp_path)
    logs = tmp_path / "logs.json"
    main(["logs", str(hostile / "mail.log"), "-f", "json", "-o", str(logs)])
    formats = ("text", "json", "csv", "sarif", "html")
    argv = ["audit", str(next(hostile.glob("mx*"))), str(hostile / "mx2.tar"), "--now", NOW,
            "-q", "--jobs", "1", "--live", str(saved), "--live", str(logs), "--fail-on", "warning"]
    for fmt in formats:
        argv += ["-f", fmt, "-o", str(tmp_path / f"audit.{fmt}")]
    assert main(argv) == 1
    for fmt in formats:
        out = (tmp_path / f"audit.{fmt}").read_bytes()
        shown = json_text(out) if fmt in ("json", "sarif") else text_of(out)
        assert f"mx{SHOWN}" in shown, fmt                         # the host (directory) name
        if fmt != "text":
            assert f"/etc/mail/tls/srv{SHOWN}.crt" in shown, fmt   # a member's, a file's name
    doc = json.loads((tmp_path / "audit.json").read_bytes())
    live = [e for h in doc["hosts"] for e in h.get("live", ())]
    assert any(r["greeting"] == ["220 mx" + SHOWN + " ESMTP"] for e in live
               for r in e.get("results", ()))
    # the audit document from check outputs that hold raw escapes and surrogates
    check = tmp_path / "mx3.json"
    check.write_text(json.dumps({"findings": [{
        "code": "CF101", "level": "error", "message": "m\x1b[2J", "path": "a\udcff.cf",
        "line": 1, "column": 1, "impacts": ["starttls-off"], "fix": "f\x07",
        "fingerprint": "0", "related": [], "evidence": {"subject": "CN=\x1b]0;x\x07"}}]}))
    rc, out = cli(tmp_path, "audit", "--from-json", str(check), "--fail-on", "error", fmt="csv")
    assert rc == 1 and "a\\xff.cf" in text_of(out) and "m\\x1b[2J" in text_of(out)


def test_stderr_line_is_escaped(tmp_path, capsys):
    """The one error line on stderr quotes what it was given: escaped too."""
    bad = tmp_path / os.fsdecode(b"no\x1b]0;pwned\x07such\xff.cf")
    assert main(["check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert "no\\x1b]0;pwned\\x07such\\xff.cf" in err
    assert main(["hash", str(bad)]) == 2
    assert "no\\x1b]0;pwned\\x07such\\xff.cf" in capsys.readouterr().err


def test_baseline_file_is_escaped(hostile, tmp_path):
    """A baseline stores the path and message as every output shows them."""
    base = tmp_path / "base.json"
    root = next(hostile.glob("mx*"))
    assert main(["check", "--root", str(root), "--now", NOW, "--write-baseline",
                 str(base)]) == 0
    text = base.read_bytes().decode("utf-8")
    assert "\\u001b" not in text and "\\udcff" not in text and "\\\\x1b" in text
    assert main(["check", "--root", str(root), "--now", NOW, "--baseline", str(base),
                 "--fail-on", "note"]) == 0  # every finding recognised by its fingerprint
