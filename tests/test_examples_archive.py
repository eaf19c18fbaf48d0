"""The README's first command: the bundled broken example as a host snapshot that records
modes and owners, so the permission rules run on it even in a clone (where git tracks
examples/broken and CF011 skips them)."""
import json
import subprocess
import sys
from pathlib import Path

from cflint import gitindex
from cflint.cli import main

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = ROOT / "examples" / "broken-host.tar.gz"
NOW = ["--now", "2026-12-01"]


def lint(args, tmp_path) -> list[dict]:
    out = tmp_path / "out.json"
    assert main(["check", *args, *NOW, "--format", "json", "-o", str(out)]) == 1
    return json.loads(out.read_text())["findings"]


def test_archive_is_the_tree():
    """examples/broken-host.tar.gz is what make-archive.py makes of examples/broken now."""
    r = subprocess.run([sys.executable, str(ROOT / "examples" / "make-archive.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_archive_shows_the_permission_mistakes(tmp_path):
    found = lint([str(ARCHIVE)], tmp_path)
    by_code = {f["code"]: f for f in found}
    assert {"CF502", "CF504", "CF601"} <= set(by_code), sorted(by_code)
    assert "CF011" not in by_code  # an archive records modes and owners
    assert "chmod" in by_code["CF502"]["fix"] and "/etc/mail/tls/server.key" in \
        by_code["CF502"]["fix"]
    assert "/etc/mail/msp" in by_code["CF504"]["message"]
    assert "ordinary user" in by_code["CF601"]["message"]


def test_tracked_tree_skips_them_and_says_so(tmp_path):
    top = gitindex.work_tree(str(ROOT))
    tracked = top is not None and b"examples/broken/etc/mail/tls/server.key" in \
        gitindex.tracked(top)
    codes = {f["code"] for f in lint(["--root", str(ROOT / "examples" / "broken")], tmp_path)}
    if tracked:
        assert "CF011" in codes and not codes & {"CF502", "CF504", "CF601"}
    else:  # an export without git: the tree's own modes are checked
        assert "CF011" not in codes


def test_readme_first_command_lints_the_archive():
    first = (ROOT / "README.md").read_text().split("```sh", 1)[1].split("\n")[1]
    assert "cflint check examples/broken-host.tar.gz" in first
