"""``cflint check --root DIR`` on the top of a repository with no etc/mail (as the
cflint-tree pre-commit hook runs it): the sendmail/submit .cf/.mc files of the repository
are found and grouped into installations, through the view only, bounded and sorted. A
tree that is not a repository (a host snapshot) without etc/mail stays an error."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cflint import inputs
from sendmail_judge import unavailable

CHECKOUT = Path(__file__).resolve().parents[1]
GOOD = "V10/Berkeley\nO LogLevel=9\nMlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l\n"
BAD = "V10/Berkeley\nO LogLevl=9\nMlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l\n"


@pytest.fixture
def repo(tmp_path):
    put(tmp_path, "repo/.git/HEAD", "ref: refs/heads/main\n")  # what marks a repository
    return tmp_path / "repo"


def put(root: Path, rel: str, text: str = GOOD) -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def run(root: Path, *args):
    return subprocess.run([sys.executable, "-m", "cflint", "check", "--root", ".", *args,
                           "--now", "2026-12-01", "--format", "json"],
                          cwd=root, capture_output=True, text=True, timeout=120)


def groups(root: Path, monkeypatch):
    monkeypatch.chdir(root)
    return [(mta, msp, display) for _fs, mta, msp, display in inputs.discover([], ".")]


def test_configs_at_the_top_are_one_installation(repo, monkeypatch):
    for name in ("sendmail.cf", "sendmail.mc", "submit.cf", "submit.mc"):
        put(repo, name)
    [(mta, msp, display)] = groups(repo, monkeypatch)
    assert (mta, msp) == ("/sendmail.cf", "/submit.cf")
    assert display["/sendmail.cf"] == "sendmail.cf" and display["/submit.cf"] == "submit.cf"


def test_two_installations_in_one_repository(repo, monkeypatch):
    put(repo, "mail/sendmail.mc")
    put(repo, "mail/submit.mc")
    put(repo, "ansible/files/mx1/sendmail.cf")
    put(repo, "ansible/files/mx1/sendmail.mc")
    put(repo, "ansible/files/mx1/submit.cf")
    found = groups(repo, monkeypatch)
    assert sorted((mta, msp) for mta, msp, _ in found) == [
        ("/ansible/files/mx1/sendmail.cf", "/ansible/files/mx1/submit.cf"),
        ("/mail/sendmail.mc", "/mail/submit.mc")]
    shown = found[0][2]
    assert shown["/ansible/files/mx1/submit.cf"] == "ansible/files/mx1/submit.cf"
    assert shown["/mail/sendmail.mc"] == "mail/sendmail.mc"


def test_what_the_walk_leaves_alone(repo, monkeypatch):
    put(repo, "mail/sendmail.cf")
    for rel in (".git/x/sendmail.cf", "node_modules/p/sendmail.cf", ".tox/py/sendmail.cf",
                ".venv/lib/sendmail.cf", "myenv/lib/sendmail.cf",   # a virtualenv by its marker
                "templates/sendmail.mc.j2", "mail/sendmail.cf.orig", "mail/sendmail.cf~",
                "mail/Sendmail.cf", "mail/mysendmail.cf", "mail/sendmail.cf.bak",
                "/".join(["d"] * (inputs.WALK_DEPTH + 1)) + "/sendmail.cf"):
        put(repo, rel, BAD)
    put(repo, "myenv/pyvenv.cfg", "home = /usr\n")
    outside = repo.parent / "outside"
    put(outside, "sendmail.cf", BAD)
    (repo / "hosts").symlink_to(outside, target_is_directory=True)  # a link out
    (repo / "mail" / "loop").symlink_to("..", target_is_directory=True)
    (repo / "mail" / "sendmail-dir.cf").mkdir()  # a directory with a config's name
    found = groups(repo, monkeypatch)
    assert [(mta, msp) for mta, msp, _ in found] == [("/mail/sendmail.cf", None)]
    r = run(repo)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("LogLevl") == 0


def test_deepest_level_still_searched(repo, monkeypatch):
    deep = "/".join(["d"] * inputs.WALK_DEPTH) + "/sendmail.cf"
    put(repo, deep)
    assert [mta for mta, _, _ in groups(repo, monkeypatch)] == ["/" + deep]


def test_sorted_and_bounded(tmp_path, monkeypatch):
    for host in ("mx2", "mx1", "b", "a"):
        put(tmp_path, f"{host}/sendmail.cf")
    monkeypatch.chdir(tmp_path)
    from cflint.fs import RootFS

    assert inputs.walk_configs(RootFS("."), ".") == [
        "/a/sendmail.cf", "/b/sendmail.cf", "/mx1/sendmail.cf", "/mx2/sendmail.cf"]
    monkeypatch.setattr(inputs, "WALK_ENTRIES", 5)
    with pytest.raises(inputs.UsageError, match="name the configuration directories"):
        inputs.walk_configs(RootFS("."), ".")


def test_a_linked_config_is_read_inside_the_tree_only(repo):
    (repo.parent / "outside.cf").write_text(BAD)
    put(repo, "shared/common.cf", BAD)
    (repo / "mx1").mkdir()
    (repo / "mx1" / "sendmail.cf").symlink_to("../shared/common.cf")  # inside: followed
    (repo / "mx2").mkdir()
    (repo / "mx2" / "sendmail.cf").symlink_to("../../outside.cf")     # out: refused
    r = run(repo)
    findings = [(f["code"], f["path"]) for f in json.loads(r.stdout)["findings"]]
    assert ("CF002", "mx1/sendmail.cf") in findings, r.stdout
    assert ("CF012", "mx2/sendmail.cf") in findings, r.stdout
    assert not any(p == "mx2/sendmail.cf" and c == "CF002" for c, p in findings)


def test_findings_name_repository_paths(repo):
    put(repo, "mail/sendmail.cf")
    put(repo, "ansible/files/mx1/submit.cf", BAD)
    r = run(repo)
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    assert {(f["code"], f["path"], f["line"]) for f in doc["findings"]
            if f["code"] == "CF002"} == {("CF002", "ansible/files/mx1/submit.cf", 2)}
    assert doc["summary"]["files"] == 2


def test_no_config_at_all_is_not_an_error(repo):
    put(repo, "README", "no mail here\n")
    put(repo, "templates/sendmail.mc.j2", "garbage\n")
    r = run(repo)
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("\n") == 1 and "nothing to check" in r.stderr, r.stderr
    assert r.stderr.startswith("cflint: no /etc/mail and no sendmail/submit .cf or .mc file")
    # an explicit path that does not exist stays a usage error
    r = run(repo, "/etc/mail")
    assert r.returncode == 2 and "/etc/mail: no such file or directory" in r.stderr, r.stderr


def test_etc_mail_wins(repo, monkeypatch):
    put(repo, "etc/mail/sendmail.cf")
    put(repo, "mail/sendmail.cf", BAD)  # not the host's: the tree has an /etc/mail
    assert [(mta, msp) for mta, msp, _ in groups(repo, monkeypatch)] == [
        ("/etc/mail/sendmail.cf", None)]
    (repo / "etc" / "mail" / "sendmail.cf").unlink()  # an empty /etc/mail: as before
    r = run(repo)
    assert r.returncode == 2 and "/etc/mail: no sendmail.cf" in r.stderr, r.stderr


def test_only_a_repository_is_searched(tmp_path, repo):
    # a host snapshot (cflint audit's input too) without /etc/mail: an error, as before
    put(tmp_path, "snap/mail/sendmail.cf")
    r = run(tmp_path / "snap")
    assert r.returncode == 2 and "/etc/mail: no such file or directory" in r.stderr, r.stderr
    r = subprocess.run([sys.executable, "-m", "cflint", "audit", "--format", "json", "-q",
                        str(tmp_path / "snap")], capture_output=True, text=True, timeout=120)
    [host] = json.loads(r.stdout)["hosts"]
    assert host["inputs"] == [] and [(f["code"], "no such file" in f["message"])
                                      for f in host["findings"]] == [("CF012", True)], host
    # a git worktree or submodule has a .git file: a repository all the same
    put(repo, "mail/sendmail.cf")
    (repo / ".git" / "HEAD").unlink()
    (repo / ".git").rmdir()
    put(repo, ".git", "gitdir: /elsewhere/.git/worktrees/x\n")
    r = run(repo)
    assert r.returncode == 0 and json.loads(r.stdout)["summary"]["files"] == 1, r.stderr


def test_walk_uses_the_changed_files_hooks_names():
    try:
        import yaml  # pre-commit's own dependency, in the test extras
    except ImportError:
        unavailable("PyYAML is not installed (pip install -e '.[test]')")
    hooks = {h["id"]: h for h in yaml.safe_load(
        (CHECKOUT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["cflint"]["files"] == f"(^|/){inputs.CONFIG_NAME}$"
    pattern = re.compile(hooks["cflint"]["files"])
    for name in ("sendmail.cf", "submit.mc", "sendmail-mx1.mc", "sendmail.mc.j2",
                 "sendmail.cf.orig", "xsendmail.cf"):
        assert bool(pattern.search("a/" + name)) == bool(
            re.fullmatch(inputs.CONFIG_NAME, name)), name
