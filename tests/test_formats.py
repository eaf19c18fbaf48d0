"""Output formats: text layout, JSON document, SARIF (schema + GitHub ingestion rules)."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

try:
    from sarif_check import check_github, validate_sarif, validate_schema
except ImportError:  # until a conftest puts tests/ on sys.path
    sys.path.insert(0, str(Path(__file__).parent))
    from sarif_check import check_github, validate_sarif, validate_schema

from cflint.findings import Finding, Location, Report, RuleMeta
from cflint.formats import BUILTIN, load
from cflint.formats import json as json_format
from cflint.formats import sarif, text

ROOT = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------------------- fixtures

CF101 = RuleMeta(
    code="CF101",
    name="server-tls-incomplete",
    level="error",
    impacts=("starttls-off",),
    summary="Server STARTTLS options incomplete",
    rationale="sendmail offers STARTTLS only when ServerCertFile, ServerKeyFile, CACertFile and CACertPath are all set.",
    fix="Set all four options to absolute paths.",
    references=("sendmail README.cf https://www.sendmail.org/~ca/email/doc8.12/cf/m4/starttls.html", "RFC 3207"),
    bad_example="O ServerCertFile=/etc/mail/tls/cert.pem",
    good_example="O ServerCertFile=/etc/mail/tls/cert.pem\nO CACertPath=/etc/mail/certs",
)
CF205 = RuleMeta(
    code="CF205",
    name="key-too-weak",
    level="error",
    impacts=("starttls-off",),
    summary="Private key too weak for OpenSSL security level 2",
    rationale="RSA under 2048 bits is refused.",
    fix="Generate a 3072-bit RSA key.",
)
CF311 = RuleMeta(
    code="CF311",
    name="self-signed-server-cert",
    level="note",
    impacts=("verify-fails",),
    summary="Self-signed server certificate",
    rationale="Public MX peers cannot verify it.",
    fix="Use a certificate from a public CA.",
)
CF004 = RuleMeta(
    code="CF004",
    name="abbreviated-option",
    level="warning",
    impacts=("hygiene",),
    summary="Abbreviated option name",
    rationale="sendmail accepts unique prefixes silently.",
    fix="Spell the option in full.",
)


def finding(code="CF101", level="error", path="mail/sendmail.cf", line=10, column=3, **kw) -> Finding:
    defaults = dict(
        message="CACertPath is not set: sendmail will not offer STARTTLS.",
        impacts=("starttls-off",),
        anchor="CACertPath",
    )
    defaults.update(kw)
    return Finding(code=code, level=level, location=Location(path, line, column), **defaults)


def report(findings=(), rules=(CF101, CF205, CF311, CF004), **kw) -> Report:
    kw.setdefault("inputs", ["mail/sendmail.cf"])
    kw.setdefault("tool_version", "0.1.0")
    return Report(findings=list(findings), rules=list(rules), **kw)


def sarif_doc(rep: Report, **options) -> dict:
    out = sarif.render(rep, **options)
    assert out.endswith("\n")
    doc = json.loads(out)
    validate_sarif(doc)
    return doc


def results(doc: dict) -> list[dict]:
    return doc["runs"][0]["results"]


def region(res: dict) -> dict:
    return res["locations"][0]["physicalLocation"]["region"]


def artifact(res: dict) -> dict:
    return res["locations"][0]["physicalLocation"]["artifactLocation"]


# ---------------------------------------------------------------------------- registry

def test_builtin_specs_load():
    assert load(BUILTIN["text"]) is text.render
    assert load(BUILTIN["json"]) is json_format.render
    assert load(BUILTIN["sarif"]) is sarif.render
    assert load("sarif") is sarif.render


@pytest.mark.parametrize("spec", ["cflint.formats.text", "no-colon", ":render", "cflint.formats.text:"])
def test_load_rejects_malformed_spec(spec):
    with pytest.raises(ValueError):
        load(spec)


def test_load_missing_attribute():
    with pytest.raises(ImportError):
        load("cflint.formats.text:nope")


def test_text_format_import_is_cheap():
    code = (
        "import sys, cflint.formats, cflint.formats.text\n"
        "heavy = [m for m in ('json', 'sarif_om', 'attr', 'jsonschema') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


# ---------------------------------------------------------------------------- text

def test_text_layout_exact():
    rep = report(
        [
            finding(
                fix="Add O CACertPath=/etc/mail/certs.",
                evidence=(("option", "CACertPath"), ("file", "sendmail.cf")),
                related=(Location("mail/sendmail.mc", 42, note="defined here"), Location("mail/certs")),
            ),
            finding(code="CF004", level="warning", line=7, column=None, message="ServerCert is an abbreviation.",
                    impacts=("hygiene", "config-error"), fix="Rename to ServerCertFile.\nThen rebuild.\n"),
            finding(code="CF311", level="note", path="certs/server.pem", line=None, column=None,
                    message="The server certificate is self-signed.", impacts=("verify-fails",)),
        ],
        inputs=["mail/sendmail.cf", "mail/submit.cf"],
    )
    assert text.render(rep) == (
        "mail/sendmail.cf:10:3: CF101 error CACertPath is not set: sendmail will not offer STARTTLS. [starttls-off]\n"
        "    fix: Add O CACertPath=/etc/mail/certs.\n"
        "    evidence: option=CACertPath, file=sendmail.cf\n"
        "    see: mail/sendmail.mc:42 (defined here)\n"
        "    see: mail/certs\n"
        "mail/sendmail.cf:7: CF004 warning ServerCert is an abbreviation. [hygiene, config-error]\n"
        "    fix: Rename to ServerCertFile.\n"
        "         Then rebuild.\n"
        "certs/server.pem: CF311 note The server certificate is self-signed. [verify-fails]\n"
        "3 findings (1 error, 1 warning, 1 note) in 2 files\n"
    )


def test_text_no_findings():
    assert text.render(report([], inputs=["a.cf", "b.cf", "c.mc"])) == "No findings in 3 files.\n"
    assert text.render(report([], inputs=["a.cf"])) == "No findings in 1 file.\n"


def test_text_summary_counts_plural():
    rep = report([finding(), finding(line=11), finding(code="CF004", level="warning")], inputs=["a", "b"])
    assert text.render(rep).splitlines()[-1] == "3 findings (2 errors, 1 warning, 0 notes) in 2 files"


def test_text_no_colour_by_default():
    rep = report([finding(), finding(code="CF004", level="warning"), finding(code="CF311", level="note")])
    assert "\x1b" not in text.render(rep)
    assert "\x1b" not in text.render(rep, color=False)


def test_text_colour():
    rep = report([finding(), finding(code="CF004", level="warning"), finding(code="CF311", level="note")])
    lines = text.render(rep, color=True).splitlines()
    assert lines[0] == (
        "mail/sendmail.cf:10:3: \x1b[1mCF101\x1b[0m \x1b[31merror\x1b[0m "
        "CACertPath is not set: sendmail will not offer STARTTLS. [starttls-off]"
    )
    assert "\x1b[1mCF004\x1b[0m \x1b[33mwarning\x1b[0m" in lines[1]
    assert "\x1b[1mCF311\x1b[0m \x1b[36mnote\x1b[0m" in lines[2]
    assert "\x1b" not in lines[-1]  # summary plain


def test_text_ignores_other_options():
    assert text.render(report([]), color=False, category="x") == "No findings in 1 file.\n"


# ---------------------------------------------------------------------------- json

def test_json_round_trip():
    f = finding(
        fix="Add it.",
        evidence=(("option", "CACertPath"),),
        related=(Location("mail/sendmail.mc", 42, 5, note="defined here"),),
    )
    g = finding(code="CF311", level="note", path="certs/a.pem", line=None, column=None, anchor="certs/a.pem",
                impacts=("verify-fails",))
    rep = report([f, g], inputs=["x", "y"], tool_version="1.2.3")
    out = json_format.render(rep)
    assert out.endswith("\n")
    assert out == json.dumps(json.loads(out), indent=2) + "\n"  # indent=2
    doc = json.loads(out)
    assert doc["version"] == 1
    assert doc["tool"] == {"name": "cflint", "version": "1.2.3"}
    assert doc["summary"] == {"errors": 1, "warnings": 0, "notes": 1, "files": 2}
    first, second = doc["findings"]
    assert first == {
        "code": "CF101",
        "name": "server-tls-incomplete",
        "level": "error",
        "message": f.message,
        "path": "mail/sendmail.cf",
        "line": 10,
        "column": 3,
        "impacts": ["starttls-off"],
        "fix": "Add it.",
        "fingerprint": f.fingerprint,
        "anchor": "CACertPath",
        "related": [{"path": "mail/sendmail.mc", "line": 42, "column": 5, "note": "defined here"}],
        "evidence": {"option": "CACertPath"},
    }
    assert second["code"] == "CF311" and second["name"] == "self-signed-server-cert"
    assert second["line"] is None and second["column"] is None and second["fix"] is None
    assert second["related"] == [] and second["evidence"] == {}


def test_json_keeps_given_order_and_is_stable():
    fs = [finding(path="z.cf"), finding(path="a.cf")]
    out = json_format.render(report(fs))
    assert [f["path"] for f in json.loads(out)["findings"]] == ["z.cf", "a.cf"]
    assert out == json_format.render(report(fs))


def test_json_empty():
    doc = json.loads(json_format.render(report([], inputs=[])))
    assert doc["findings"] == [] and doc["summary"] == {"errors": 0, "warnings": 0, "notes": 0, "files": 0}


# ---------------------------------------------------------------------------- sarif

def test_sarif_validates_and_shape():
    rep = report(
        [finding(fix="Set it.", evidence=(("option", "CACertPath"),),
                 related=(Location("mail/sendmail.mc", 42, note="defined here"), Location("/etc/mail/certs")))],
        root="/home/ci/repo",
    )
    doc = sarif_doc(rep)
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert doc["version"] == "2.1.0"
    assert len(doc["runs"]) == 1
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "cflint" and driver["semanticVersion"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///home/ci/repo/"}}
    assert run["automationDetails"] == {"id": "cflint/"}
    assert run["invocations"] == [{"executionSuccessful": True}]
    (res,) = results(doc)
    f = rep.findings[0]
    assert res["ruleId"] == "CF101" and res["level"] == "error"
    assert res["message"] == {"text": f.message}
    assert artifact(res) == {"uri": "mail/sendmail.cf", "uriBaseId": "%SRCROOT%"}
    assert region(res) == {"startLine": 10, "startColumn": 3}
    assert res["partialFingerprints"] == {"primaryLocationLineHash": f.fingerprint, "cflint/v1": f.fingerprint}
    assert res["properties"] == {"impact": ["starttls-off"], "evidence": {"option": "CACertPath"}, "fix": "Set it."}
    assert res["relatedLocations"] == [
        {
            "id": 1,
            "message": {"text": "defined here"},
            "physicalLocation": {
                "artifactLocation": {"uri": "mail/sendmail.mc", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 42},
            },
        },
        {"id": 2, "physicalLocation": {"artifactLocation": {"uri": "file:///etc/mail/certs"}}},
    ]
    for key in ("suppressions", "fixes", "kind", "rank"):
        assert key not in res


def test_sarif_properties_omitted_when_absent():
    (res,) = results(sarif_doc(report([finding()])))
    assert res["properties"] == {"impact": ["starttls-off"]}
    assert "relatedLocations" not in res


def test_sarif_rules_all_enabled_sorted_with_metadata():
    doc = sarif_doc(report([finding()], rules=[CF311, CF205, CF101, CF004]))
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["CF004", "CF101", "CF205", "CF311"]  # not only the one that fired
    r101 = rules[1]
    assert r101["name"] == "server-tls-incomplete"
    assert r101["shortDescription"] == {"text": CF101.summary}
    assert r101["fullDescription"] == {"text": CF101.rationale}
    assert r101["defaultConfiguration"] == {"level": "error"}
    assert r101["properties"] == {
        "tags": ["security", "starttls-off"],
        "precision": "very-high",
        "security-severity": "7.5",
        "problem.severity": "error",
    }
    help_ = r101["help"]
    for part in (CF101.summary, CF101.rationale, CF101.fix, "O CACertPath=/etc/mail/certs", "RFC 3207"):
        assert part in help_["text"]
        assert part in help_["markdown"]
    assert "[sendmail README.cf](https://www.sendmail.org/~ca/email/doc8.12/cf/m4/starttls.html)" in help_["markdown"]
    assert "```\nO ServerCertFile=/etc/mail/tls/cert.pem\n```" in help_["markdown"]
    # A warning-level rule writes its default level too (the attrs default is "warning").
    assert rules[0]["defaultConfiguration"] == {"level": "warning"}
    assert rules[0]["properties"]["problem.severity"] == "warning"
    assert rules[3]["properties"]["problem.severity"] == "recommendation"
    assert rules[3]["properties"]["security-severity"] == "2.0"


def test_sarif_explicit_warning_level_when_rule_default_is_error():
    doc = sarif_doc(report([finding(level="warning")]))
    (res,) = results(doc)
    assert doc["runs"][0]["tool"]["driver"]["rules"][res["ruleIndex"]]["defaultConfiguration"]["level"] == "error"
    assert res["level"] == "warning"


def test_sarif_rule_index_after_sorting():
    fs = [
        finding(code="CF311", level="note", path="a.pem", anchor="a"),
        finding(code="CF101"),
        finding(code="CF004", level="warning"),
        finding(code="CF205", path="k.pem"),
    ]
    doc = sarif_doc(report(fs, rules=[CF311, CF205, CF101, CF004]))
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    got = [(r["ruleId"], r["ruleIndex"]) for r in results(doc)]
    assert got == [("CF311", 3), ("CF101", 1), ("CF004", 0), ("CF205", 2)]
    for r in results(doc):
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]


def test_sarif_duplicate_rules_listed_once():
    doc = sarif_doc(report([finding()], rules=[CF101, CF101, CF004]))
    assert [r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]] == ["CF004", "CF101"]
    assert results(doc)[0]["ruleIndex"] == 1


def test_sarif_unknown_rule_code_is_an_error():
    with pytest.raises(ValueError, match="CF999"):
        sarif.render(report([finding(code="CF999")]))


def test_sarif_fingerprint_independent_of_line():
    a = results(sarif_doc(report([finding(line=10, column=3)])))[0]
    b = results(sarif_doc(report([finding(line=99, column=None)])))[0]
    assert region(a) != region(b)
    assert a["partialFingerprints"] == b["partialFingerprints"]
    c = results(sarif_doc(report([finding(anchor="ServerKeyFile")])))[0]
    assert c["partialFingerprints"] != a["partialFingerprints"]


def test_sarif_path_with_space_is_percent_encoded():
    (res,) = results(sarif_doc(report([finding(path="mail dir/send mail.cf")])))
    assert artifact(res)["uri"] == "mail%20dir/send%20mail.cf"


def test_sarif_relative_path_normalised_and_colon_encoded():
    (res,) = results(sarif_doc(report([finding(path="./mail//host:25.cf")])))
    # ':' must be encoded or "host:25.cf" would read as a URI scheme.
    assert artifact(res)["uri"] == "mail/host%3A25.cf"


def test_validator_rejects_raw_space_in_uri():
    doc = sarif_doc(report([finding(path="mail dir/sendmail.cf")]))
    bad = copy.deepcopy(doc)
    results(bad)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "mail dir/sendmail.cf"
    with pytest.raises(jsonschema.ValidationError) as exc:
        validate_schema(bad)
    assert exc.value.validator == "format"


def test_validator_rejects_start_line_zero():
    bad = sarif_doc(report([finding()]))
    region(results(bad)[0])["startLine"] = 0
    with pytest.raises(jsonschema.ValidationError):
        validate_schema(bad)


def test_sarif_absolute_path_is_file_uri():
    (res,) = results(sarif_doc(report([finding(path="/etc/mail/my certs/key.pem")])))
    assert artifact(res) == {"uri": "file:///etc/mail/my%20certs/key.pem"}


def test_sarif_line_none_gets_start_line_1():
    (res,) = results(sarif_doc(report([finding(line=None, column=None)])))
    assert region(res) == {"startLine": 1}
    (res,) = results(sarif_doc(report([finding(line=None, column=7)])))
    assert region(res) == {"startLine": 1}


def test_sarif_notifications():
    doc = sarif_doc(report([finding()], notifications=["cannot read /etc/mail/tls/key.pem"]))
    (inv,) = doc["runs"][0]["invocations"]
    assert inv["executionSuccessful"] is True  # partial problems keep the run successful
    assert inv["toolExecutionNotifications"] == [
        {"message": {"text": "cannot read /etc/mail/tls/key.pem"}, "level": "error"}
    ]
    doc = sarif_doc(report([], notifications=["crashed"], successful=False))
    (inv,) = doc["runs"][0]["invocations"]
    assert inv["executionSuccessful"] is False
    assert len(inv["toolExecutionNotifications"]) == 1
    (inv,) = sarif_doc(report([]))["runs"][0]["invocations"]
    assert inv == {"executionSuccessful": True}


@pytest.mark.parametrize(
    "category, expected", [(None, "cflint/"), ("", "cflint/"), ("cflint/mx1", "cflint/mx1/"), ("cflint/mx1/", "cflint/mx1/")]
)
def test_sarif_category(category, expected):
    doc = sarif_doc(report([]), category=category)
    assert doc["runs"][0]["automationDetails"]["id"] == expected


def test_sarif_no_root_no_base_ids():
    assert "originalUriBaseIds" not in sarif_doc(report([]))["runs"][0]


def test_sarif_deterministic_and_ignores_colour():
    rep = report([finding(), finding(code="CF311", level="note", line=None)], root="/r")
    assert sarif.render(rep) == sarif.render(rep, color=True)
    assert "Time" not in sarif.render(rep)


def test_sarif_empty_tool_version_omitted():
    doc = sarif_doc(report([], tool_version=""))
    assert "semanticVersion" not in doc["runs"][0]["tool"]["driver"]


def test_sarif_long_descriptions_and_many_tags_clipped():
    long_rule = RuleMeta(
        code="CF900",
        name="long",
        level="warning",
        impacts=("hygiene",),
        summary="word " * 400,
        rationale=("A sentence that goes on. " * 60) + "x" * 2000,
        fix="f",
        tags=tuple(f"tag{i}" for i in range(30)),
    )
    doc = sarif_doc(report([finding(code="CF900", level="warning")], rules=[long_rule]))
    (rule,) = doc["runs"][0]["tool"]["driver"]["rules"]
    assert len(rule["shortDescription"]["text"]) <= 1024
    assert rule["shortDescription"]["text"].endswith("word…")
    assert len(rule["fullDescription"]["text"]) <= 1024
    assert rule["fullDescription"]["text"].endswith("goes on.")
    assert len(rule["properties"]["tags"]) == 20


def test_clip():
    assert sarif.clip("short", 10) == "short"
    assert sarif.clip("aaaa bbbb cccc dddd", 12) == "aaaa bbbb…"
    assert len(sarif.clip("x" * 50, 10)) == 10


# ---------------------------------------------------------------------------- serializer

def test_serializer_keeps_level_and_extras_drops_defaults():
    import sarif_om as om

    bag = om.PropertyBag(tags=["security"])
    bag.__dict__["security-severity"] = "7.5"
    res = om.Result(message=om.Message(text="m"), level="warning", rule_id="CF1", rule_index=0, properties=bag)
    assert sarif.to_sarif(res) == {
        "message": {"text": "m"},
        "level": "warning",
        "properties": {"tags": ["security"], "security-severity": "7.5"},
        "ruleId": "CF1",
        "ruleIndex": 0,
    }
    assert sarif.to_sarif(om.Region(start_line=1)) == {"startLine": 1}  # byteOffset/charOffset -1 dropped
    assert sarif.to_sarif(om.ReportingConfiguration()) == {"level": "warning"}
    run = sarif.to_sarif(om.Run(tool=om.Tool(driver=om.ToolComponent(name="cflint"))))
    assert run == {"tool": {"driver": {"name": "cflint"}}}  # no language, newlineSequences


# ---------------------------------------------------------------------------- the checker itself

def test_check_github_catches_ingestion_errors():
    good = sarif_doc(report([finding()]))

    def broken(mutate):
        doc = copy.deepcopy(good)
        mutate(doc)
        return doc

    cases = [
        lambda d: results(d)[0].pop("level"),
        lambda d: results(d)[0].__setitem__("locations", []),
        lambda d: results(d)[0].__setitem__("suppressions", [{"kind": "inSource"}]),
        lambda d: results(d)[0].__setitem__("ruleIndex", 0),  # CF004 sorts first
        lambda d: artifact(results(d)[0]).__setitem__("uri", ""),
        lambda d: artifact(results(d)[0]).__setitem__("uri", "https://example.com/sendmail.cf"),
        lambda d: region(results(d)[0]).pop("startLine"),
        lambda d: d["runs"][0]["tool"]["driver"]["rules"][0]["properties"].__setitem__(
            "tags", [f"t{i}" for i in range(21)]
        ),
        lambda d: d["runs"][0]["tool"]["driver"]["rules"][0]["fullDescription"].__setitem__("text", "x" * 1025),
        lambda d: d["runs"].append(copy.deepcopy(d["runs"][0])),
    ]
    for mutate in cases:
        with pytest.raises(AssertionError):
            check_github(broken(mutate))
    check_github(good)


def test_vendored_schema_is_sarif_2_1_0():
    """The suite validates against its own copy of the schema (nothing outside the repo)."""
    import sarif_check

    path = sarif_check.schema_path()
    assert path.parent == Path(__file__).resolve().parent / "schemas"
    schema = json.loads(path.read_text())
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    validate_sarif(json.loads(sarif.render(report([finding()]))))
