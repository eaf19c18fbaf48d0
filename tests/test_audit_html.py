"""The audit's HTML report in a real browser: Debian's headless Chromium driven by
Playwright. It loads with no console error, its summary equals the JSON, a click on a
column header re-sorts the host table, the filters hide non-matching hosts (asserted on
the DOM), and a screenshot is kept in test-artifacts/."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cflint.cli import main
from sendmail_judge import unavailable
from test_audit import NOW, make_host

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
MIX = ["good", "typo", "groupkey", "good", "expired", "mismatch", "cakey", "noca", "good",
       "groupkey", "typo", "good"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    base = tmp_path_factory.mktemp("html-fleet")
    inputs = []
    for i, fam in enumerate(MIX):
        d = base / f"mx{i:02d}-{fam}"
        make_host(d, fam)
        inputs.append(str(d))
    out = tmp_path_factory.mktemp("html-out")
    assert main(["audit", *inputs, "--now", NOW, "-q", "-f", "html", "-o", str(out / "r.html"),
                 "-f", "json", "-o", str(out / "r.json")]) == 0
    return out / "r.html", json.loads((out / "r.json").read_text())


@pytest.fixture(scope="module")
def page(report):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install -e '.[test]')")
    if not Path(CHROMIUM).exists():
        unavailable("chromium is not installed (apt-get install chromium)")
    html, _doc = report
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        pg.console_errors = []
        pg.on("console", lambda m: m.type == "error" and pg.console_errors.append(m.text))
        pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
        pg.goto(html.as_uri())
        pg.wait_for_load_state("load")
        yield pg
        browser.close()


def visible_hosts(pg) -> list[str]:
    return pg.eval_on_selector_all(
        "#hosts tbody tr", "rows => rows.filter(r => r.style.display !== 'none')"
        ".map(r => r.getAttribute('data-host'))")


def column(pg, i: int) -> list[str]:
    return pg.eval_on_selector_all(
        "#hosts tbody tr", f"rows => rows.map(r => r.cells[{i}].textContent)")


def test_loads_without_console_errors(page):
    assert page.title() == "cflint audit"
    assert page.console_errors == []


def test_summary_matches_the_json(page, report):
    _html, doc = report
    s = doc["summary"]
    for cid, want in (("hosts", s["hosts"]), ("starttls-off", s["starttls_off"]),
                      ("secrets-exposed", s["secrets_exposed"]), ("clean", s["clean"]),
                      ("errors", s["by_level"]["error"]), ("warnings", s["by_level"]["warning"]),
                      ("notes", s["by_level"]["note"])):
        assert page.inner_text(f"#summary-{cid}") == str(want), cid
    assert visible_hosts(page) == [h["host"] for h in doc["hosts"]]


def test_clicking_a_header_resorts(page, report):
    _html, doc = report
    page.click("#hosts thead th:nth-child(4)")  # errors
    errors = [int(x) for x in column(page, 3)]
    assert errors == sorted(errors) and len(set(errors)) > 1
    page.click("#hosts thead th:nth-child(4)")
    errors = [int(x) for x in column(page, 3)]
    assert errors == sorted(errors, reverse=True)
    assert "sorted-desc" in page.get_attribute("#hosts thead th:nth-child(4)", "class")
    page.click("#hosts thead th:nth-child(1)")  # back to host order
    assert column(page, 0) == sorted(h["host"] for h in doc["hosts"])


def test_filters_hide_hosts(page, report):
    _html, doc = report
    page.fill("#filter", "groupkey")
    shown = visible_hosts(page)
    assert shown and all("groupkey" in h for h in shown)
    assert len(shown) == sum("groupkey" in h["host"] for h in doc["hosts"])
    page.fill("#filter", "")
    page.select_option("#filter-starttls", "off")
    shown = visible_hosts(page)
    assert set(shown) == {h["host"] for h in doc["hosts"] if h["starttls"] == "off"}
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "audit-report.png"), full_page=False)
    assert (ARTIFACTS / "audit-report.png").stat().st_size > 10_000
    page.select_option("#filter-starttls", "")
    assert len(visible_hosts(page)) == len(doc["hosts"])
    assert page.console_errors == []
