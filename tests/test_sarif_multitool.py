"""Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool, installed by
scripts/test.sh into .tools/) with GitHub's ingestion rules on (``--rule-kind
"Gh;Sarif"``): no error on any file of sarif-examples/ nor on the SARIF of a lint of an
.mc with its .cf (related locations, several files). A broken file shows the tool works."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from sendmail_judge import unavailable

ROOT = Path(__file__).resolve().parents[1]
LOCAL = ROOT / ".tools" / "node_modules" / "@microsoft" / "sarif-multitool-linux" / \
    "Sarif.Multitool"


def multitool() -> str:
    for cand in (os.environ.get("CFLINT_SARIF_MULTITOOL"), str(LOCAL),
                 shutil.which("sarif-multitool")):
        if cand and os.access(cand, os.X_OK):
            return cand
    unavailable("the SARIF Multitool is not installed (bash scripts/test.sh installs it "
                "with npm into .tools/)")


def validate(path: Path, tmp_path: Path) -> list[tuple[str, str, str]]:
    out = tmp_path / (path.stem + ".validation.sarif")
    out.unlink(missing_ok=True)
    r = subprocess.run([multitool(), "validate", "--rule-kind", "Gh;Sarif", "--output",
                        str(out), str(path.resolve())], capture_output=True, text=True,
                       timeout=300, env={**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"})
    assert out.exists(), r.stdout + r.stderr
    log = json.loads(out.read_text(encoding="utf-8-sig"))
    return [(res.get("level", "warning"), res["ruleId"], json.dumps(res["message"]))
            for run in log["runs"] for res in run.get("results", [])]


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "sarif-examples").glob("*.sarif")))
def test_examples_pass_the_multitool(name, tmp_path):
    problems = validate(ROOT / "sarif-examples" / name, tmp_path)
    assert [p for p in problems if p[0] == "error"] == [], problems


def test_a_pair_lint_passes_the_multitool(tmp_path, monkeypatch):
    from cflint.cli import main

    mail = tmp_path / "repo" / "mail"
    mail.mkdir(parents=True)
    (mail / "sendmail.mc").write_text(
        "divert(0)dnl\ndefine(`confSERVER_KEY', `tls/server.key')dnl\n"
        "define(`confLOG_LEVEL', `9')dnl\n")
    (mail / "sendmail.cf").write_text(
        "V10/Berkeley\nO ServerKeyFile=tls/server.key\nO LogLevel=14\n"
        "Mlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l\n")
    monkeypatch.chdir(tmp_path / "repo")
    main(["check", "mail", "--format", "sarif", "-o", "out.sarif", "--category", "cflint/t"])
    doc = json.loads(Path("out.sarif").read_text())
    assert {r["ruleId"] for r in doc["runs"][0]["results"]} >= {"CF101", "CF013"}
    problems = validate(Path("out.sarif"), tmp_path)
    assert [p for p in problems if p[0] == "error"] == [], problems


def test_the_multitool_does_find_errors(tmp_path):
    """A result with an absolute URI, no start line and an unknown message id: errors."""
    doc = json.loads((ROOT / "sarif-examples" / "broken.sarif").read_text())
    res = doc["runs"][0]["results"][0]
    loc = res["locations"][0]["physicalLocation"]
    loc["artifactLocation"] = {"uri": "file:///abs/x.cf"}
    del loc["region"]["startLine"]
    res["message"] = {"id": "nosuch"}
    bad = tmp_path / "bad.sarif"
    bad.write_text(json.dumps(doc))
    rules = {p[1] for p in validate(bad, tmp_path) if p[0] == "error"}
    assert any(r.startswith("GH") for r in rules) and any(r.startswith("SARIF") for r in rules)


def test_an_audit_sarif_passes_the_multitool(tmp_path):
    from cflint.cli import main
    from test_audit import NOW, make_host

    for h, fam in (("mx1", "typo"), ("mx2", "groupkey"), ("mx3", "good")):
        make_host(tmp_path / h, fam)
    out = tmp_path / "audit.sarif"
    main(["audit", *(str(tmp_path / h) for h in ("mx1", "mx2", "mx3")), "--now", NOW, "-q",
          "-f", "sarif", "-o", str(out)])
    problems = validate(out, tmp_path)
    assert [p for p in problems if p[0] == "error"] == [], problems


def _dot_segments(doc: dict) -> list[str]:
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"]
            for run in doc["runs"] for res in run["results"]
            for loc in res["locations"] + res.get("relatedLocations", [])]
    assert uris
    return [u for u in uris if {".", ".."} & set(u.split("://", 1)[-1].split("/"))]


def test_dot_segments_and_hostile_bytes_pass_the_multitool(tmp_path, monkeypatch):
    """A config named through '..' whose key path has '..', '.' and bytes that are not
    UTF-8 or are terminal controls: URIs normalised (SARIF1002), text escaped, messages
    keep the path as written; an audit of a host named through '..' too."""
    from cflint.cli import main

    mail = tmp_path / "repo" / "mail"
    mail.mkdir(parents=True)
    (mail / "sendmail.cf").write_bytes(
        b"V10/Berkeley\nO ServerKeyFile=/srv/mail/../mail/certs/k\x1b[2J\xff.pem\n"
        b"O ServerCertFile=/srv/mail/./certs/c.pem\n"
        b"Mlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l\n")
    monkeypatch.chdir(tmp_path / "repo")
    assert main(["check", "mail/../mail/sendmail.cf", "--format", "sarif", "-o", "out.sarif"]) == 1
    doc = json.loads(Path("out.sarif").read_text(encoding="utf-8"))
    assert _dot_segments(doc) == []
    key = next(r for r in doc["runs"][0]["results"] if r["ruleId"] == "CF204")
    assert "/srv/mail/../mail/certs/k\\x1b[2J\\xff.pem" in key["message"]["text"]
    assert key["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "file:///srv/mail/certs/k%5Cx1b%5B2J%5Cxff.pem"
    problems = validate(Path("out.sarif"), tmp_path)
    assert [p for p in problems if p[0] == "error"] == [], problems

    host = tmp_path / "snap" / "mx1" / "etc" / "mail"
    host.mkdir(parents=True)
    (host / "sendmail.cf").write_bytes((mail / "sendmail.cf").read_bytes())
    out = tmp_path / "audit.sarif"
    main(["audit", str(tmp_path / "snap" / ".." / "snap" / "mx1"), "-q", "-f", "sarif",
          "-o", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert _dot_segments(doc) == []
    problems = validate(out, tmp_path)
    assert [p for p in problems if p[0] == "error"] == [], problems
