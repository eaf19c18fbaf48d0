"""cflint probe against scripted servers (tests/fake_smtp.py): every step's outcome and
error, the certificate facts, verification, a client certificate, SMTPS, replays of
saved results. The real sendmail daemon judges the verdicts in test_judge_probe.py."""
from __future__ import annotations

import json
import ssl
from pathlib import Path

import pytest

import pki_fixtures as pki
from cflint.cli import main
from fake_smtp import FakeSMTP, Listener, Script
from judge_harness import free_port


@pytest.fixture(scope="module")
def tls(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("probe-tls")
    pki.materialize("good-rsa", d)
    return d


def probe(tmp_path, *argv) -> tuple[int, dict]:
    out = tmp_path / "probe.json"
    rc = main(["probe", *argv, "--format", "json", "-o", str(out)])
    return rc, json.loads(out.read_text())


def test_starttls_offered_and_certificate_reported(tls, tmp_path):
    with FakeSMTP(Script(cert=str(tls / "server.crt"), key=str(tls / "server.key"))) as srv:
        rc, doc = probe(tmp_path, f"127.0.0.1:{srv.port}")
    r = doc["probe"]["results"][0]
    assert rc == 0 and doc["findings"] == []
    assert r["status"] == "ok" and r["starttls_offered"] is True
    assert r["greeting"] == ["220 fake.example.test ESMTP test"]
    assert r["starttls_reply"].startswith("220")
    assert r["tls"]["protocol"].startswith("TLSv1") and r["tls"]["cipher"]
    c = r["certificate"]
    assert c["sha256"] == pki.cert_sha256(tls / "server.crt")
    assert f"CN={pki.HOST}" in c["subject"] and "CN=cflint test CA" in c["issuer"]
    assert c["not_after"] == pki.VALID_TO.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert r["verify"]["result"] == "not-checked"
    assert "PRIVATE KEY" not in json.dumps(doc)


def test_verify_ok_and_fail(tls, tmp_path):
    script = Script(cert=str(tls / "server.crt"), key=str(tls / "server.key"))
    with FakeSMTP(script) as srv:
        rc, doc = probe(tmp_path, f"127.0.0.1:{srv.port}", "--ca-file", str(tls / "ca.crt"))
        assert rc == 0, doc["findings"]
        assert doc["probe"]["results"][0]["verify"]["result"] == "ok"
        # the client certificate is no CA of the server's: verification fails, the
        # certificate is still reported (a second session that accepts it)
        rc, doc = probe(tmp_path, f"127.0.0.1:{srv.port}", "--ca-file",
                        str(tls / "client.crt"))
    r = doc["probe"]["results"][0]
    assert rc == 1
    assert r["verify"]["result"] == "fail" and "issuer" in r["verify"]["message"]
    assert r["certificate"]["sha256"] == pki.cert_sha256(tls / "server.crt")
    assert [f["code"] for f in doc["findings"]] == ["CF704"]
    assert "does not verify" in doc["findings"][0]["message"]


def test_ca_path_verification(tls, tmp_path):
    with FakeSMTP(Script(cert=str(tls / "server.crt"), key=str(tls / "server.key"))) as srv:
        rc, doc = probe(tmp_path, f"127.0.0.1:{srv.port}", "--ca-path", str(tls / "certs"))
    assert rc == 0 and doc["probe"]["results"][0]["verify"]["result"] == "ok"


def test_not_offered_is_cf701(tmp_path):
    with FakeSMTP(Script(ehlo=("fake Hello", "PIPELINING", "HELP"), starttls="454")) as srv:
        rc, doc = probe(tmp_path, f"127.0.0.1:{srv.port}")
    r = doc["probe"]["results"][0]
    assert rc == 1 and r["starttls_offered"] is False
    assert r["starttls_reply"].startswith("454")     # STARTTLS sent anyway: the evidence
    [f] = doc["findings"]
    assert f["code"] == "CF701" and f["path"] == f"smtp://127.0.0.1:{srv.port}"
    assert "454 4.3.3" in f["message"] and f["fix"]


@pytest.mark.parametrize("how,code,needle", [
    ("454", "CF704", "454 4.3.3"),
    ("close", "CF704", "handshake"),
    ("garbage", "CF704", "handshake"),
])
def test_starttls_trouble(how, code, needle, tls, tmp_path):
    script = Script(starttls=how, cert=str(tls / "server.crt"), key=str(tls / "server.key"))
    with FakeSMTP(script) as srv:
        rc, doc = probe(tmp_path, f"127.0.0.1:{srv.port}", "--timeout", "3")
    assert rc == 1
    assert [f["code"] for f in doc["findings"]] == [code]
    assert needle in doc["findings"][0]["message"]


def test_connection_refused(tmp_path, capsys):
    port = free_port()
    rc, doc = probe(tmp_path, f"127.0.0.1:{port}")
    assert rc == 2
    r = doc["probe"]["results"][0]
    assert r["status"] == "error" and r["error"]["step"] == "connect"
    assert "connection refused" in r["error"]["message"]
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"cflint: probe 127.0.0.1:{port}: connection refused: nothing listens "
                   f"on 127.0.0.1:{port}"]


@pytest.mark.parametrize("banner,needle", [
    (b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", "not an SMTP reply before its greeting: "
                                            "'SSH-2.0-OpenSSH_9.2p1 Debian-2'"),
    (b"HTTP/1.1 400 Bad Request\r\n\r\n", "not an SMTP reply"),
    (b"\x16\x03\x01\x00\x05hello", "TLS record"),
    (b"554 5.3.2 fake.example.test not accepting messages\r\n", "refuses the session"),
    (None, "no reply before its greeting within 1 s"),
])
def test_not_smtp(banner, needle, tmp_path):
    with Listener(banner) as srv:
        rc, doc = probe(tmp_path, f"127.0.0.1:{srv.port}", "--timeout", "1")
    r = doc["probe"]["results"][0]
    assert rc == 2 and r["error"]["step"] == "greeting", r
    assert needle in r["error"]["message"]


def test_client_certificate_presented(tls, tmp_path):
    script = Script(cert=str(tls / "server.crt"), key=str(tls / "server.key"),
                    client_ca=str(tls / "ca.crt"))
    with FakeSMTP(script) as srv:
        rc, doc = probe(tmp_path, f"127.0.0.1:{srv.port}", "--client-cert",
                        str(tls / "client.crt"), "--client-key", str(tls / "client.key"))
    assert rc == 0
    assert len(srv.client_certs) == 1
    assert srv.client_certs[0] == ssl.PEM_cert_to_DER_cert((tls / "client.crt").read_text())
    assert "client" in doc["probe"]["results"][0]["client_certificate"]["subject"]


def test_encrypted_client_key_is_a_usage_error(tmp_path, capsys):
    d = tmp_path / "enc"
    opts = pki.materialize("encrypted-pem", d)
    rc = main(["probe", "127.0.0.1:1", "--client-cert", str(d / opts["ServerCertFile"]),
               "--client-key", str(d / opts["ServerKeyFile"])])
    assert rc == 2
    err = capsys.readouterr().err
    assert "encrypted" in err and "PRIVATE" not in err


def test_smtps(tls, tmp_path):
    script = Script(smtps=True, cert=str(tls / "server.crt"), key=str(tls / "server.key"))
    with FakeSMTP(script) as srv:
        rc, doc = probe(tmp_path, f"smtps://127.0.0.1:{srv.port}")
    r = doc["probe"]["results"][0]
    assert rc == 0 and r["smtps"] and r["tls"]
    assert r["certificate"]["sha256"] == pki.cert_sha256(tls / "server.crt")


@pytest.mark.parametrize("given,expect", [
    ("mx.example.org", ["mx.example.org:25", "mx.example.org:587"]),
    ("mx.example.org:2525", ["mx.example.org:2525"]),
    ("[::1]:25", ["[::1]:25"]),
    ("smtps://mx.example.org", ["mx.example.org:465"]),
    ("192.0.2.1:465", ["192.0.2.1:465"]),
])
def test_targets(given, expect):
    from cflint.live.smtp import parse_target

    assert [t.name for t in parse_target(given)] == expect


@pytest.mark.parametrize("bad", ["host:0", "host:99999", "host:port", "[::1", "a b", ""])
def test_bad_targets_are_usage_errors(bad, capsys):
    assert main(["probe", bad]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("cflint: error: ")


def test_text_output(tls, tmp_path, capsys):
    with FakeSMTP(Script(cert=str(tls / "server.crt"), key=str(tls / "server.key"))) as srv:
        rc = main(["probe", f"127.0.0.1:{srv.port}", "--ca-file", str(tls / "ca.crt")])
    out = capsys.readouterr().out
    assert rc == 0
    assert "STARTTLS: offered" in out and "verify: ok" in out
    assert pki.cert_sha256(tls / "server.crt") in out


def test_sarif_output_carries_observations(tls, tmp_path):
    from sarif_check import validate_schema as validate

    with FakeSMTP(Script(ehlo=("fake Hello", "HELP"), starttls="454")) as srv:
        out = tmp_path / "p.sarif"
        assert main(["probe", f"127.0.0.1:{srv.port}", "-f", "sarif", "-o", str(out)]) == 1
    doc = json.loads(out.read_text())
    validate(doc)
    run = doc["runs"][0]
    assert run["results"][0]["ruleId"] == "CF701"
    loc = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc["uri"] == f"smtp://127.0.0.1:{srv.port}" and "uriBaseId" not in loc
    assert run["properties"]["observations"]["results"][0]["starttls_offered"] is False
