"""Generated files are up to date, and real SARIF outputs are valid for GitHub."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sarif_check import validate_sarif

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("script", ["sarif-examples/regenerate.py", "docs/generate.py"])
def test_generated_files_are_fresh(script):
    r = subprocess.run([sys.executable, str(ROOT / script), "--check"], capture_output=True,
                       text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("name", ["good", "broken"])
def test_sarif_examples_validate(name):
    doc = json.loads((ROOT / "sarif-examples" / f"{name}.sarif").read_text())
    validate_sarif(doc)
    run = doc["runs"][0]
    assert run["automationDetails"]["id"] == f"cflint/examples-{name}/"
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids == sorted(ids) and "CF101" in ids  # every enabled rule is listed
    if name == "broken":
        results = run["results"]
        assert {r["ruleId"] for r in results} >= {"CF002", "CF003", "CF101", "CF102"}
        for r in results:
            loc = r["locations"][0]["physicalLocation"]
            assert loc["artifactLocation"]["uri"].startswith("examples/broken/etc/mail/")
            assert loc["region"]["startLine"] >= 1
            assert r["properties"]["impact"]
    else:  # clean, but for the note that a git checkout's modes were not judged
        assert [r["ruleId"] for r in run["results"]] == ["CF011"]


def test_sarif_of_every_fixture_validates(tmp_path):
    from cflint.cli import main

    from sarif_check import validate_schema
    from test_rules import build_scenario, is_live, run_live

    for i, fx in enumerate(sorted((ROOT / "tests" / "rules").glob("*/*"))):
        if is_live(fx):   # a probe's results sit on smtp:// URIs: SARIF, not for GitHub
            doc = run_live(None, fx, tmp_path / str(i), "sarif")
            (validate_sarif if (fx / "mail.log").exists() else validate_schema)(doc)
            continue
        out = tmp_path / "o.sarif"
        targets, args = [str(fx)], []
        if (fx / "scenario").exists():
            targets, args, _expected, _unreadable = build_scenario(fx, tmp_path / str(i))
        assert main(["check", *targets, "--format", "sarif", "--fail-on", "never",
                     "-o", str(out), *args]) == 0, fx
        validate_sarif(json.loads(out.read_text()))
