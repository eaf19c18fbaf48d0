"""SARIF validation for tests: the SARIF 2.1.0 schema (vendored in ``tests/schemas``, see
its README for where it came from) plus the GitHub code-scanning ingestion rules the schema
does not express (linter-conventions §3.7, §3.9).
"""
from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema

# Without an RFC 3986 validator jsonschema skips "uri-reference" checks silently, and a
# URI with a raw space would pass. Refuse to run rather than pass vacuously.
assert importlib.util.find_spec("rfc3986_validator") is not None, (
    "rfc3986-validator must be installed: without it jsonschema does not check uri-reference formats"
)

MAX_TAGS = 20
MAX_DESCRIPTION = 1024
MAX_RULE_NAME = 255


def schema_path() -> Path:
    return Path(__file__).resolve().parent / "schemas" / "sarif-2.1.0.json"


@functools.lru_cache(maxsize=None)
def _validator_for(path: str):
    with open(path, encoding="utf-8") as fh:
        schema = json.load(fh)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    assert "uri-reference" in cls.FORMAT_CHECKER.checkers, "uri-reference format is not checked"
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def validator():
    """The schema validator, format checking on (cached per schema path)."""
    return _validator_for(str(schema_path()))


def validate_schema(doc: dict) -> None:
    """Raise ``jsonschema.ValidationError`` when ``doc`` does not match the SARIF schema."""
    validator().validate(doc)


def _check_uri(uri: object, where: str) -> None:
    assert isinstance(uri, str) and uri.strip(), f"{where}: empty or missing artifactLocation.uri"
    parts = urlsplit(uri)
    if parts.scheme:
        assert parts.scheme == "file", f"{where}: absolute URI with scheme {parts.scheme!r} (GitHub rejects it): {uri}"
    else:
        assert not uri.startswith("/"), f"{where}: relative URI must not start with '/': {uri}"


def check_github(doc: dict) -> None:
    """Assert the GitHub ingestion rules the schema does not express."""
    assert doc.get("$schema"), "$schema is missing"
    runs = doc.get("runs") or []
    assert runs, "no runs"
    assert len(runs) <= 20, "more than 20 runs"
    run_keys = set()
    for r_i, run in enumerate(runs):
        driver = run["tool"]["driver"]
        key = (driver.get("name"), (run.get("automationDetails") or {}).get("id"))
        assert key not in run_keys, f"runs[{r_i}]: duplicate tool + category {key}"
        run_keys.add(key)

        rules = driver.get("rules") or []
        ids = [rule["id"] for rule in rules]
        assert len(ids) == len(set(ids)), f"runs[{r_i}]: duplicate rule ids"
        for rule in rules:
            where = f"runs[{r_i}] rule {rule['id']}"
            short = (rule.get("shortDescription") or {}).get("text", "")
            full = (rule.get("fullDescription") or {}).get("text", "")
            assert short, f"{where}: shortDescription.text missing"
            assert full, f"{where}: fullDescription.text missing"
            assert len(short) <= MAX_DESCRIPTION, f"{where}: shortDescription over {MAX_DESCRIPTION} chars"
            assert len(full) <= MAX_DESCRIPTION, f"{where}: fullDescription over {MAX_DESCRIPTION} chars"
            assert (rule.get("help") or {}).get("text"), f"{where}: help.text missing"
            assert len(rule.get("name", "")) <= MAX_RULE_NAME, f"{where}: name over {MAX_RULE_NAME} chars"
            tags = (rule.get("properties") or {}).get("tags", [])
            assert len(tags) <= MAX_TAGS, f"{where}: {len(tags)} tags (more than {MAX_TAGS} rejects the file)"

        for i, res in enumerate(run.get("results") or []):
            where = f"runs[{r_i}].results[{i}]"
            assert "level" in res, f"{where}: level not written (absent means the rule default)"
            assert "suppressions" not in res, f"{where}: suppressions are not supported by GitHub"
            assert res.get("ruleId"), f"{where}: ruleId missing"
            if "ruleIndex" in res:
                idx = res["ruleIndex"]
                assert 0 <= idx < len(rules), f"{where}: ruleIndex {idx} out of range"
                assert rules[idx]["id"] == res["ruleId"], (
                    f"{where}: ruleIndex {idx} is {rules[idx]['id']}, ruleId is {res['ruleId']}"
                )
            locations = res.get("locations") or []
            assert locations, f"{where}: expected at least one location"
            for j, loc in enumerate(locations):
                phys = loc.get("physicalLocation")
                assert phys, f"{where}.locations[{j}]: expected a physical location"
                art = phys.get("artifactLocation")
                assert art, f"{where}.locations[{j}]: expected artifact location"
                _check_uri(art.get("uri"), f"{where}.locations[{j}]")
                start = (phys.get("region") or {}).get("startLine")
                assert isinstance(start, int) and start >= 1, f"{where}.locations[{j}]: startLine missing or < 1"
            assert len(locations) + len(res.get("relatedLocations") or []) <= 1000, f"{where}: too many locations"
            for j, loc in enumerate(res.get("relatedLocations") or []):
                art = (loc.get("physicalLocation") or {}).get("artifactLocation")
                if art is not None:
                    _check_uri(art.get("uri"), f"{where}.relatedLocations[{j}]")


def validate_sarif(doc: dict) -> None:
    """Schema validation (format checks on), then the GitHub ingestion checks."""
    validate_schema(doc)
    check_github(doc)
