"""Real sendmail judges the shared corpus: cflint's daemon-fails findings must name exactly
the lines sendmail's config reader rejects, and cflint must never crash on any corpus file.

The corpus is read in place from the shared directory (never copied into the project).
Some corpus cf files were built for old sendmail versions; the installed sendmail is the
judge all the same, and cflint is run with --target-version set to its version.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

import sendmail_judge as sj


def _manifest() -> list[dict]:
    path = sj.shared_path() / "corpus" / "MANIFEST.tsv"
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


MANIFEST = _manifest()
CF_FILES = sorted(r["file"] for r in MANIFEST if r.get("kind") == "cf")
ALL_FILES = sorted(p.name for p in (sj.shared_path() / "corpus" / "files").glob("*")
                   if p.is_file()) if (sj.shared_path() / "corpus" / "files").is_dir() else []


@pytest.fixture(scope="module")
def corpus_dir(shared_dir) -> Path:
    d = shared_dir / "corpus" / "files"
    if not d.is_dir() or not MANIFEST:
        sj.unavailable(f"no corpus at {d} (set CFLINT_SHARED)")
    return d


def _target_or_none() -> str | None:
    """The installed version when sendmail can be asked; the crash tests need no judge."""
    try:
        sj.require_sendmail()
        return sj.installed_version()
    except pytest.skip.Exception:
        return None


@pytest.fixture(scope="module")
def lint_cache(tmp_path_factory):
    """One cflint run per corpus file, shared by the agreement and the crash tests."""
    out = tmp_path_factory.mktemp("cflint-corpus")
    target = _target_or_none()
    cache: dict[str, sj.LintResult] = {}

    def get(path: Path) -> sj.LintResult:
        if path.name not in cache:
            cache[path.name] = sj.lint(path, out, target=target)
        return cache[path.name]

    return get


@sj.corpus
def test_manifest_lists_cf_files(corpus_dir):
    assert CF_FILES, "MANIFEST.tsv lists no kind=cf file"
    assert set(CF_FILES) <= set(ALL_FILES), set(CF_FILES) - set(ALL_FILES)


@sj.corpus
@pytest.mark.parametrize("name", CF_FILES)
def test_cflint_agrees_with_sendmail(name, corpus_dir, sendmail, lint_cache):
    path = corpus_dir / name
    verdict = sj.judge(path, sendmail)
    assert not verdict.timed_out, verdict.output
    result = lint_cache(path)
    assert result.exit_code in (0, 1) and result.report is not None, \
        f"cflint failed: {result.describe()} {result.error or ''}"

    problems = sj.disagreements(verdict, result, sj.read_cf(path))
    assert not problems, f"{name}:\n  " + "\n  ".join(problems) + \
        f"\n  {verdict.describe()}\n  {result.describe(set())}"


@sj.corpus
@pytest.mark.parametrize("name", ALL_FILES)
def test_cflint_never_crashes(name, corpus_dir, lint_cache):
    result = lint_cache(corpus_dir / name)
    assert result.exit_code in (0, 1), f"{name}: {result.describe()}"
    assert result.report is not None, f"{name}: {result.error}"
    assert isinstance(result.report.get("findings"), list), f"{name}: no findings list"


# ------------------------------------------------------------------------- judge self-checks


def test_ensure_hostname_is_idempotent(tmp_path, monkeypatch):
    monkeypatch.setattr(sj, "_host_names", lambda: ["cflintbox"])
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost\n127.0.0.1 cflintbox")  # no dotted form, no newline
    assert sj.ensure_hostname(hosts) == ["127.0.1.1 cflintbox.example.test cflintbox"]
    assert sj.ensure_hostname(hosts) == []
    assert hosts.read_text() == ("127.0.0.1 localhost\n127.0.0.1 cflintbox\n"
                                 "127.0.1.1 cflintbox.example.test cflintbox\n")
    hosts.write_text("10.0.0.1 cflintbox.corp.example cflintbox  # ok\n")
    assert sj.ensure_hostname(hosts) == []
    hosts.write_text("# 127.0.1.1 cflintbox.example.test\n10.0.0.2 cflintbox.\n")
    assert len(sj.ensure_hostname(hosts)) == 1


def test_parse_output():
    out = ("/very/long/pa...h/sendmail.cf: line 86: readcf: unknown option name Bogus\n"
           "sendmail.cf: line 87: Option ServerCert used as abbreviation for ServerCertFile\n"
           "sendmail.cf: line 88: unknown configuration line \"\n"
           " indented\"\n"
           "Warning: Option: TLSSrvOptions unknown parameter 'X'\n"
           "Warning: .cf version level (11) exceeds sendmail version 8.17.1.9 "
           "functionality (10)\r\n"
           "ADDRESS TEST MODE (ruleset 3 NOT automatically invoked)\n"
           "Enter <ruleset> <address>\n> ")
    v = sj.Verdict("/x.cf", 70, out, sj.parse_output(out))
    assert v.fatal_lines == {86, 88} and v.notice_lines == {87}
    assert v.version_level_error and not v.unlocated
    assert v.expected_lines("# c\nV11/Berkeley\nO X=1\n") == {86, 88, 2}
    assert sj.v_line("V10/Berkeley\r\nV 11\r\nVx\r\n") == 2
