"""The documented Ansible playbook (docs/ansible/cflint-fleet.yml), run for real with
ansible-core against localhost (-c local): cflint check on the host, the JSON fetched,
cflint audit --from-json building the report."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from sendmail_judge import unavailable
from test_audit import make_host

ROOT = Path(__file__).resolve().parents[1]
PLAYBOOK = ROOT / "docs" / "ansible" / "cflint-fleet.yml"


def test_playbook_feeds_the_audit(tmp_path):
    exe = shutil.which("ansible-playbook") or str(Path(sys.executable).parent /
                                                  "ansible-playbook")
    if not os.path.exists(exe):
        unavailable("ansible-core is not installed (pip install -e '.[test]')")
    cflint = shutil.which("cflint") or str(Path(sys.executable).parent / "cflint")
    make_host(tmp_path / "host", "typo")
    results = tmp_path / "results"
    env = {**os.environ, "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
           "ANSIBLE_REMOTE_TEMP": str(tmp_path / "ansible-tmp"), "ANSIBLE_NOCOLOR": "1",
           "ANSIBLE_HOST_KEY_CHECKING": "False"}
    r = subprocess.run(
        [exe, "-c", "local", "-i", "localhost,", str(PLAYBOOK),
         "-e", f"cflint={cflint}", "-e", f"cflint_local={cflint}",
         "-e", f"cflint_root={tmp_path / 'host'}", "-e", f"cflint_results={results}",
         "-e", f"ansible_python_interpreter={sys.executable}"],
        capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    check = json.loads((results / "localhost.json").read_text())
    assert {f["code"] for f in check["findings"]} == {"CF002"}
    report = json.loads((results / "report.json").read_text())
    assert [h["host"] for h in report["hosts"]] == ["localhost"]
    assert report["summary"]["starttls_off"] == 1
    assert "cflint audit" in (results / "report.html").read_text()
