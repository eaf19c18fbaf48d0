"""cflint audit on a generated fleet: 200 host snapshots (good hosts and one family per
failure kind, some as tar archives, one corrupt archive) whose counts in the JSON and CSV
must match the known mix; host names, --hosts-file, the inventory, --compare, --from-json
and SARIF runs per host."""
from __future__ import annotations

import csv
import io
import json
import re
import os
import tarfile
from pathlib import Path

import pytest

import pki_fixtures
from cflint.cli import main
from test_rules import GROUP, PASSWD, apply_modes

NOW = "2026-12-01T00:00:00Z"
MAIL = "Mlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l"

# family -> (recipe, modes, extra cf lines, options to drop, STARTTLS, secrets, codes)
FAMILIES = {
    "good": ("good-rsa", "", [], [], "on", False, set()),
    "groupkey": ("good-rsa", "etc/mail/tls/server.key 0640 root:root", [], [], "off", True,
                 {"CF501", "CF603"}),
    "mismatch": ("mismatch", "", [], [], "off", False, {"CF202"}),
    "noca": ("good-rsa", "", [], ["CACertFile"], "off", False, {"CF101"}),
    "typo": ("good-rsa", "", ["O LogLevl=9"], [], "off", False, {"CF002"}),
    "cakey": ("ca-key-left", "", [], [], "on", True, {"CF203"}),
    "expired": ("expired", "", [], [], "on", False, {"CF302"}),
}
MIX = {"good": 80, "groupkey": 25, "mismatch": 20, "noca": 20, "typo": 20, "cakey": 15,
       "expired": 19}  # + 1 corrupt archive = 200


def make_host(root: Path, family: str) -> None:
    recipe, modes, extra, drop, *_ = FAMILIES[family]
    tls = root / "etc" / "mail" / "tls"
    tls.mkdir(parents=True)
    opts = pki_fixtures.materialize(recipe, tls)
    lines = ["V10/Berkeley", "Djmail.example.test"]
    for opt, name in opts.items():
        if opt in drop:
            continue
        value = name if isinstance(name, pki_fixtures.Literal) else ",".join(
            f"/etc/mail/tls/{n}" for n in name.split(","))
        lines.append(f"O {opt}={value}")
    lines += extra + [MAIL]
    (root / "etc" / "mail" / "sendmail.cf").write_text("\n".join(lines) + "\n")
    (root / "etc" / "passwd").write_text(PASSWD)
    (root / "etc" / "group").write_text(GROUP)
    if modes:
        apply_modes(root, modes)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    base = tmp_path_factory.mktemp("fleet")
    hosts = {}
    i = 0
    for family, n in MIX.items():
        for _ in range(n):
            name = f"h{i:03d}-{family}"
            d = base / "trees" / name
            make_host(d, family)
            if i % 4 == 1:  # a quarter of the fleet as tar archives
                arc = base / f"{name}.tar.gz"
                with tarfile.open(arc, "w:gz") as t:
                    t.add(d / "etc", arcname="etc")
                hosts[name] = (arc, family)
            else:
                hosts[name] = (d, family)
            i += 1
    bad = base / "h199-corrupt.tar.gz"
    bad.write_bytes(b"\x1f\x8b not really gzip")
    hosts["h199-corrupt"] = (bad, "corrupt")
    assert len(hosts) == 200
    return base, hosts


@pytest.fixture(scope="module")
def audited(fleet, tmp_path_factory):
    base, hosts = fleet
    out = tmp_path_factory.mktemp("audit")
    inputs = [str(p) for p, _ in hosts.values()]
    code = main(["audit", *inputs, "--now", NOW, "-q", "-f", "json", "-o", str(out / "a.json"),
                 "-f", "csv", "-o", str(out / "a.csv"), "-f", "html", "-o", str(out / "a.html"),
                 "-f", "sarif", "-o", str(out / "a.sarif")])
    assert code == 0
    return out, json.loads((out / "a.json").read_text())


def test_counts_match_the_mix(fleet, audited):
    _base, hosts = fleet
    _out, doc = audited
    s = doc["summary"]
    assert s["hosts"] == 200
    off = sum(MIX[f] for f, spec in FAMILIES.items() if spec[4] == "off")
    assert s["starttls_off"] == off
    assert s["starttls_unknown"] == 1 and s["unreadable"] == 1
    assert s["secrets_exposed"] == sum(MIX[f] for f, spec in FAMILIES.items() if spec[5])
    assert s["clean"] == MIX["good"]
    by_host = {h["host"]: h for h in doc["hosts"]}
    assert set(by_host) == set(hosts)
    for name, (_path, family) in hosts.items():
        h = by_host[name]
        codes = {f["code"] for f in h["findings"]}
        if family == "corrupt":
            assert codes == {"CF012"} and h["starttls"] == "unknown"
            continue
        _r, _m, _e, _d, starttls, secret, want = FAMILIES[family]
        assert codes == want, (name, codes)
        assert h["starttls"] == starttls and h["secrets_exposed"] == secret, name


def test_csv_agrees_with_json(audited):
    out, doc = audited
    rows = list(csv.DictReader(io.StringIO((out / "a.csv").read_text())))
    assert len(rows) == sum(len(h["findings"]) for h in doc["hosts"])
    per_code: dict[str, int] = {}
    for r in rows:
        per_code[r["code"]] = per_code.get(r["code"], 0) + 1
    assert per_code == doc["summary"]["by_code"]
    assert {r["host"] for r in rows} == {h["host"] for h in doc["hosts"] if h["findings"]}


def test_certificate_inventory(audited, fleet):
    _out, doc = audited
    inv = doc["certificates"]
    dates = [c["not_after"] for c in inv]
    assert dates == sorted(dates)  # expiring soonest first
    expired = [c for c in inv if c["days_left"] is not None and c["days_left"] < 0]
    assert expired and all(h.endswith("-expired") for c in expired for h in c["hosts"])
    for c in inv:
        assert c["subject"] and c["issuer"] and c["hosts"]
        assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", c["sha256"])
    # the shared good server certificate is used by every good host
    good = [h for h in doc["hosts"] if h["host"].endswith("-good")]
    shared = [c for c in inv if set(x["host"] for x in good) <= set(c["hosts"])]
    assert shared


def test_sarif_one_run_per_host(audited):
    out, doc = audited
    log = json.loads((out / "a.sarif").read_text())
    ids = [r["automationDetails"]["id"] for r in log["runs"]]
    assert ids == [f"cflint/audit/{h['host']}/" for h in doc["hosts"]]
    from sarif_check import validate_schema

    validate_schema(log)  # (GitHub takes at most 20 runs a file: see the next test)


def test_sarif_of_a_small_audit_is_ready_for_github(tmp_path):
    from sarif_check import validate_sarif

    for h, fam in (("a", "typo"), ("b", "groupkey")):
        make_host(tmp_path / h, fam)
    out = tmp_path / "a.sarif"
    main(["audit", str(tmp_path / "a"), str(tmp_path / "b"), "--now", NOW, "-q", "-f",
          "sarif", "-o", str(out)])
    log = json.loads(out.read_text())
    validate_sarif(log)
    assert [len(r["results"]) for r in log["runs"]] == [1, 2]


def test_html_is_self_contained(audited):
    out, doc = audited
    page = (out / "a.html").read_text()
    assert "<script>" in page and "<style>" in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert f'id="summary-hosts">{doc["summary"]["hosts"]}<' in page
    assert "PRIVATE KEY" not in page


def test_hosts_file_and_names(tmp_path):
    make_host(tmp_path / "snap1", "good")
    arc = tmp_path / "mx.example.org.tar.xz"
    with tarfile.open(arc, "w:xz") as t:
        t.add(tmp_path / "snap1" / "etc", arcname="etc")
    (tmp_path / "hosts").write_text(f"# input host\n{tmp_path / 'snap1'} alpha.example.org\n")
    out = tmp_path / "o.json"
    assert main(["audit", str(tmp_path / "snap1"), str(arc), "--hosts-file",
                 str(tmp_path / "hosts"), "--now", NOW, "-q", "-f", "json", "-o", str(out)]) == 0
    assert [h["host"] for h in json.loads(out.read_text())["hosts"]] == [
        "alpha.example.org", "mx.example.org"]


def test_compare(tmp_path):
    make_host(tmp_path / "a", "typo")
    make_host(tmp_path / "b", "good")
    old = tmp_path / "old.json"
    main(["audit", str(tmp_path / "a"), str(tmp_path / "b"), "--now", NOW, "-q", "-f", "json",
          "-o", str(old)])
    cf = tmp_path / "a" / "etc" / "mail" / "sendmail.cf"
    cf.write_text(cf.read_text().replace("O LogLevl=9\n", ""))           # a fixed
    apply_modes(tmp_path / "b", "etc/mail/tls/server.key 0640 root:root")  # b broken
    new = tmp_path / "new.json"
    main(["audit", str(tmp_path / "a"), str(tmp_path / "b"), "--now", NOW, "-q", "-f", "json",
          "-o", str(new)])
    diff_out = tmp_path / "diff.json"
    assert main(["audit", "--compare", str(old), str(new), "-f", "json", "-o",
                 str(diff_out)]) == 0
    diff = json.loads(diff_out.read_text())
    hosts = {h["host"]: h for h in diff["hosts"]}
    assert [f["code"] for f in hosts["a"]["fixed"]] == ["CF002"] and hosts["a"]["new"] == []
    assert [f["code"] for f in hosts["b"]["new"]] == ["CF501", "CF603"]
    assert hosts["b"]["fixed"] == []
    assert main(["audit", "--compare", str(old), str(new), "--fail-on", "error"]) == 1


def test_from_json(tmp_path):
    make_host(tmp_path / "mx1", "typo")
    make_host(tmp_path / "mx2", "expired")
    outs = []
    for h in ("mx1", "mx2"):
        o = tmp_path / f"{h}.json"
        main(["check", "--root", str(tmp_path / h), "--now", NOW, "--format", "json",
              "--fail-on", "never", "-o", str(o)])
        outs.append(str(o))
    (tmp_path / "junk.json").write_text("[]")
    res = tmp_path / "fleet.json"
    assert main(["audit", "--from-json", *outs, str(tmp_path / "junk.json"), "--now", NOW,
                 "-f", "json", "-o", str(res)]) == 0
    doc = json.loads(res.read_text())
    by = {h["host"]: h for h in doc["hosts"]}
    assert {f["code"] for f in by["mx1"]["findings"]} == {"CF002"}
    assert by["mx1"]["starttls"] == "off" and by["mx2"]["starttls"] == "on"
    assert by["junk"]["error"] and doc["summary"]["unreadable"] == 1
    assert any(c["days_left"] < 0 for c in doc["certificates"])  # from CF302's evidence


def test_usage_errors(tmp_path, capsys):
    assert main(["audit"]) == 2
    assert main(["audit", str(tmp_path), "-f", "json", "-f", "csv"]) == 2
    assert main(["audit", str(tmp_path / "nope")]) == 2
    assert main(["audit", str(tmp_path), "--select", "CF999"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 4 and all(e.startswith("cflint: error:") for e in err)
    assert "CF999" in err[-1]


def test_progress_bar_only_when_asked(tmp_path, capsys):
    import datetime as dt

    from cflint import audit
    from cflint.model import Settings

    for h in ("a", "b"):
        make_host(tmp_path / h, "good")
    settings = Settings(now=dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc))
    audit.run([str(tmp_path / "a"), str(tmp_path / "b")], settings, jobs=1, progress=True)
    err = capsys.readouterr().err
    assert "2/2 hosts" in err and "\r[" in err
    # the command line shows it only on a terminal: under pytest stderr is not one
    main(["audit", str(tmp_path / "a"), "-f", "json", "-o", str(tmp_path / "o.json")])
    assert "hosts" not in capsys.readouterr().err


def test_probe_and_log_results_in_the_host_section(tmp_path):
    """cflint probe and cflint logs JSON outputs (--live) appear in the section of the host
    they name, their findings counted with the host's; a host seen only live gets one."""
    from fake_smtp import FakeSMTP, Script

    make_host(tmp_path / "mx1.example.org", "good")
    probe = tmp_path / "probe.json"
    with FakeSMTP(Script(ehlo=("fake Hello", "HELP"), starttls="454")) as srv:
        assert main(["probe", f"127.0.0.1:{srv.port}", "--host-name", "mx1.example.org",
                     "-f", "json", "-o", str(probe)]) == 1
    log = tmp_path / "mail.log"
    log.write_text("Dec  1 10:00:00 mx2 sm-mta[9]: STARTTLS=server: file /etc/mail/k.key "
                   "unsafe: Group readable file\nDec  1 10:00:01 mx2 sm-mta[10]: "
                   "STARTTLS=server, relay=peer [192.0.2.7], version=TLSv1.3, verify=NO, "
                   "cipher=TLS_AES_256_GCM_SHA384, bits=256/256\n")
    logs = tmp_path / "logs.json"
    assert main(["logs", str(log), "-f", "json", "-o", str(logs)]) == 1
    out, text, html = (tmp_path / n for n in ("a.json", "a.txt", "a.html"))
    assert main(["audit", str(tmp_path / "mx1.example.org"), "--live", str(probe), "--live",
                 str(logs), "--now", NOW, "-q", "-f", "json", "-o", str(out), "-f", "text",
                 "-o", str(text), "-f", "html", "-o", str(html)]) == 0
    doc = json.loads(out.read_text())
    hosts = {h["host"]: h for h in doc["hosts"]}
    assert set(hosts) == {"mx1.example.org", "mx2"}
    mx1, mx2 = hosts["mx1.example.org"], hosts["mx2"]
    assert mx1["input"] and mx1["starttls_live"] == "not offered"
    assert "CF701" in {f["code"] for f in mx1["findings"]} and mx1["counts"]["error"] >= 1
    assert mx1["live"][0]["results"][0]["starttls_offered"] is False
    assert mx2["input"] is None and [f["code"] for f in mx2["findings"]] == ["CF705"]
    assert mx2["live"][0]["verify"][0]["verify"] == {"NO": 1}
    assert doc["summary"]["by_code"]["CF705"] == 1 and doc["summary"]["hosts"] == 2
    t = text.read_text()
    assert f"probe smtp://127.0.0.1:{srv.port}: STARTTLS NOT offered" in t
    assert "log " in t and "peer [192.0.2.7] as server: NO=1" in t
    assert "STARTTLS NOT offered" in html.read_text()
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    assert main(["audit", "--live", str(bad)]) == 2
