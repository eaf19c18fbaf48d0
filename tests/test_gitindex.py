"""Which files git tracks (cflint.gitindex), judged by real git, and what that means for the
mode and owner rules on deployed layouts: a checkout, untracked and ignored files in it,
an etckeeper /etc, worktrees, and every index format git writes."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from cflint import gitindex
from cflint.cli import main
from sendmail_judge import unavailable
from test_rules import build_scenario

ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
       "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.test",
       "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.test"}


def git(top: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(top), *args], check=True, env=ENV,
                          capture_output=True, text=True).stdout


@pytest.fixture(autouse=True)
def _need_git():
    try:
        subprocess.run(["git", "--version"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        unavailable("git is needed to judge the index reader")


def populate(top: Path, n: int = 40) -> None:
    for i in range(n):
        d = top / f"dir{i % 5}" / ("deeper/" * (i % 3))
        d.mkdir(parents=True, exist_ok=True)
        (d / f"file-{i:03}-{'x' * (i * 7 % 90)}.pem").write_text(f"{i}\n")
    long = top / ("n" * 240) / ("m" * 240)
    long.mkdir(parents=True)
    (long / ("long-" + "o" * 230)).write_text("long name\n")
    (top / "caf\xe9 name.cf").write_text("latin\n")


def ls_files(top: Path) -> set[bytes]:
    out = subprocess.run(["git", "-C", str(top), "ls-files", "-z"], check=True, env=ENV,
                         capture_output=True).stdout
    return {p for p in out.split(b"\0") if p}


def reader(top: Path) -> set[bytes]:
    t = gitindex.tracked(str(top))
    assert t.readable
    return t.names


@pytest.mark.parametrize("setup", ["v2", "v3-intent-to-add", "v4", "split", "sha256"])
def test_index_reader_agrees_with_git_ls_files(tmp_path, setup):
    top = tmp_path / "repo"
    init = ["init", "-q"] + (["--object-format=sha256"] if setup == "sha256" else [])
    subprocess.run(["git", *init, str(top)], check=True, env=ENV)
    populate(top)
    git(top, "add", ".")
    if setup == "v3-intent-to-add":
        (top / "later.pem").write_text("later\n")
        git(top, "add", "-N", "later.pem")  # an extended-flag entry: index version 3
    elif setup == "v4":
        git(top, "update-index", "--index-version", "4")
    elif setup == "split":
        git(top, "commit", "-q", "-m", "one")
        git(top, "update-index", "--split-index")
        (top / "after-split.pem").write_text("new\n")
        git(top, "add", "after-split.pem")
        git(top, "rm", "-q", "--cached", "dir1/deeper/file-001-" + "x" * 7 + ".pem")  # deleted
        (top / "dir0" / "file-000-.pem").write_text("changed\n")
        git(top, "add", "dir0/file-000-.pem")  # replaced
    version = int.from_bytes((top / ".git" / "index").read_bytes()[4:8], "big")
    assert version == {"v3-intent-to-add": 3, "v4": 4}.get(setup, 2) or setup == "split"
    if setup == "split":
        assert list((top / ".git").glob("sharedindex.*")), "git wrote no shared index"
    assert reader(top) == ls_files(top)
    assert len(ls_files(top)) > 40


def test_sparse_index_directory_entries(tmp_path):
    top = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(top)], check=True, env=ENV)
    populate(top)
    git(top, "add", ".")
    git(top, "commit", "-q", "-m", "one")
    git(top, "sparse-checkout", "set", "--sparse-index", "dir1")
    raw = (top / ".git" / "index").read_bytes()
    t = gitindex.tracked(str(top))
    assert t.dirs, "git wrote no sparse directory entry"
    assert b"dir2/file-002-" + b"x" * 14 + b".pem" in t  # inside a sparse directory
    assert all(name in t for name in ls_files(top)), raw[:4]


def test_worktree_gitdir_file(tmp_path):
    top = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(top)], check=True, env=ENV)
    (top / "sendmail.cf").write_text("V10\n")
    git(top, "add", ".")
    git(top, "commit", "-q", "-m", "one")
    wt = tmp_path / "wt"
    git(top, "worktree", "add", "-q", str(wt))
    assert (wt / ".git").is_file()
    assert gitindex.work_tree(str(wt)) == str(wt)
    assert reader(wt) == {b"sendmail.cf"}


def test_no_index_and_broken_index(tmp_path):
    top = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(top)], check=True, env=ENV)
    t = gitindex.tracked(str(top))
    assert t.readable and not t.names  # nothing added yet
    (top / ".git" / "index").write_bytes(b"DIRC\0\0\0\x09garbage")
    assert not gitindex.tracked(str(top)).readable  # counted as tracking nothing


# ----------------------------------------------------------------- the rules on layouts


def lint(args: list[str], tmp_path: Path) -> list[dict]:
    out = tmp_path / "out.json"
    assert main(["check", *args, "--format", "json", "--fail-on", "never",
                 "-o", str(out)]) == 0
    return json.loads(out.read_text())["findings"]


def key_0640_tree(tmp_path: Path) -> tuple[Path, list[str]]:
    """The CF501 scenario (a group-readable server key) as a --root tree."""
    fx = Path(__file__).parent / "rules" / "CF501" / "bad_0640_smmsp"
    targets, args, _, _ = build_scenario(fx, tmp_path)
    return tmp_path / "root", targets + args


def codes(findings) -> set[str]:
    return {f["code"] for f in findings}


def test_tracked_key_is_skipped_with_a_note(tmp_path):
    root, args = key_0640_tree(tmp_path)
    git(root, "init", "-q")
    git(root, "add", ".")
    found = lint(args, tmp_path)
    assert "CF501" not in codes(found) and "CF011" in codes(found)
    note = next(f for f in found if f["code"] == "CF011")
    assert "/etc/mail/tls/server.key" in note["message"]
    assert str(tmp_path) not in note["message"]  # stable text: no checkout path


def test_untracked_key_in_a_checkout_is_checked(tmp_path):
    root, args = key_0640_tree(tmp_path)
    git(root, "init", "-q")
    git(root, "add", "etc/mail/sendmail.cf", "etc/passwd", "etc/group")
    found = lint(args, tmp_path)
    assert "CF501" in codes(found) and "CF011" not in codes(found)


def test_ignored_key_is_checked(tmp_path):
    root, args = key_0640_tree(tmp_path)
    (root / ".gitignore").write_text("*.key\n")
    git(root, "init", "-q")
    git(root, "add", ".")
    assert b"etc/mail/tls/server.key" not in ls_files(root)
    found = lint(args, tmp_path)
    assert "CF501" in codes(found)
    note = [f["message"] for f in found if f["code"] == "CF011"]
    assert note and "server.key" not in note[0]  # the tracked certificates are skipped


@pytest.mark.parametrize("marker", [True, False], ids=["etckeeper-file", "etc-itself"])
def test_etckeeper_etc_is_checked(tmp_path, marker):
    """etckeeper keeps /etc in git: the work tree is the deployed system."""
    root, args = key_0640_tree(tmp_path)
    if marker:
        (root / "etc" / ".etckeeper").write_text("# etckeeper metadata\n")
    git(root / "etc", "init", "-q")
    git(root / "etc", "add", ".")
    found = lint(args, tmp_path)
    assert "CF501" in codes(found) and "CF011" not in codes(found)


def test_live_tree_in_a_checkout(tmp_path):
    """The live view (no --root): the same file, tracked then untracked."""
    root, _ = key_0640_tree(tmp_path)
    mail = root / "etc" / "mail"
    cf = mail / "sendmail.cf"
    cf.write_text(cf.read_text().replace("/etc/mail/tls", str(mail / "tls")))
    git(mail, "init", "-q")
    git(mail, "add", ".")
    args = [str(cf), "--check-permissions", "auto", "--select", "CF011,CF5"]
    assert codes(lint(args, tmp_path)) == {"CF011"}
    git(mail, "rm", "-q", "--cached", "tls/server.key")
    found = lint(args, tmp_path)
    # now checked: the key (or, first, the world-writable /tmp above it) is refused
    assert any(f["code"].startswith("CF5") and "server.key" in json.dumps(f) for f in found)
    assert "server.key" not in next(f for f in found if f["code"] == "CF011")["message"]


def test_always_and_never_override(tmp_path):
    root, args = key_0640_tree(tmp_path)
    git(root, "init", "-q")
    git(root, "add", ".")
    assert "CF501" in codes(lint(args + ["--check-permissions", "always"], tmp_path))
    assert not codes(lint(args + ["--check-permissions", "never"], tmp_path)) & {
        "CF501", "CF011"}
