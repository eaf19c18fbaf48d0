"""The pre-commit hooks for real: a git repository whose pre-commit hook runs
``pre-commit try-repo`` against this checkout refuses a commit of a bad configuration
with cflint's message and lets a good one through; the whole-tree hook likewise, on a
tree laid out as a host's (etc/mail) and on repositories that keep their configs at the
top, or under mail/ and ansible/files/HOST/ (two installations)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sendmail_judge import unavailable

CHECKOUT = Path(__file__).resolve().parents[1]
BAD = ("V10/Berkeley\nO LogLevl=9\n"
       "Mlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l\n")
GOOD = ("V10/Berkeley\nO LogLevel=9\n"
        "Mlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l\n")


@pytest.fixture(scope="module")
def precommit_home(tmp_path_factory):
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        unavailable("pre-commit is not installed (pip install -e '.[test]')")
    if shutil.which("git") is None:
        unavailable("git is not installed")
    return tmp_path_factory.mktemp("pre-commit-home")


def _git(repo: Path, *args, check=True, env=None):
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                          check=check, env=env, timeout=900)


def _repo(tmp_path: Path, hook_id: str, home: Path):
    repo = tmp_path / "configs"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "t@example.test")
    _git(repo, "config", "user.name", "t")
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\nexec {sys.executable} -m pre_commit try-repo "
                    f"{CHECKOUT} {hook_id}\n")
    hook.chmod(0o755)
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return repo, env


def _commit(repo, env, message):
    return _git(repo, "commit", "-m", message, check=False, env=env)


def test_changed_files_hook_refuses_a_bad_config(tmp_path, precommit_home):
    repo, env = _repo(tmp_path, "cflint", precommit_home)
    mail = repo / "etc" / "mail"
    mail.mkdir(parents=True)
    (mail / "sendmail.cf").write_text(BAD)
    (repo / "README").write_text("not a config\n")
    _git(repo, "add", ".")
    r = _commit(repo, env, "bad")
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert "CF002" in out and "unknown option name 'LogLevl'" in out, out
    assert _git(repo, "log", "--oneline", check=False).stdout == ""  # nothing committed
    (mail / "sendmail.cf").write_text(GOOD)
    _git(repo, "add", ".")
    r = _commit(repo, env, "good")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "good" in _git(repo, "log", "--oneline").stdout


def test_whole_tree_hook(tmp_path, precommit_home):
    repo, env = _repo(tmp_path, "cflint-tree", precommit_home)
    mail = repo / "etc" / "mail"
    mail.mkdir(parents=True)
    (mail / "sendmail.cf").write_text(GOOD)
    _git(repo, "add", ".")
    assert _commit(repo, env, "good").returncode == 0
    # a bad config that slipped in (--no-verify): a later commit touching only an
    # unrelated file is refused, because the hook lints the whole tree
    (mail / "sendmail.cf").write_text(BAD)
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "--no-verify", "-m", "slipped in", env=env)
    (repo / "NOTES").write_text("unrelated\n")
    _git(repo, "add", "NOTES")
    r = _commit(repo, env, "notes")
    out = r.stdout + r.stderr
    assert r.returncode != 0 and "CF002" in out, out
    assert "notes" not in _git(repo, "log", "--oneline").stdout


def _put(repo: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    _git(repo, "add", ".")


def test_whole_tree_hook_configs_at_the_top(tmp_path, precommit_home):
    repo, env = _repo(tmp_path, "cflint-tree", precommit_home)
    _put(repo, {"sendmail.cf": GOOD, "submit.cf": BAD, "README": "mail configs\n",
                "sendmail.mc.j2": "{{ garbage\n"})  # a template: not linted
    r = _commit(repo, env, "bad")
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert re.search(r"(?m)^submit\.cf:2:3: CF002 error unknown option name 'LogLevl'", out), out
    assert "no such file" not in out and "in 2 files" in out, out
    _put(repo, {"submit.cf": GOOD})
    r = _commit(repo, env, "good")
    assert r.returncode == 0, r.stdout + r.stderr


MC = ("divert(-1)\ndivert(0)dnl\nOSTYPE(`debian')dnl\ndefine(`confLOG_LEVEL', `9')dnl\n"
      "MAILER(`local')dnl\nMAILER(`smtp')dnl\n")
SUBMIT_MC = ("divert(-1)\ndivert(0)dnl\nOSTYPE(`debian')dnl\ndefine(`confLOG_LEVLE', `9')dnl\n"
             "FEATURE(`msp', `[127.0.0.1]')dnl\n")


def test_whole_tree_hook_two_installations(tmp_path, precommit_home):
    repo, env = _repo(tmp_path, "cflint-tree", precommit_home)
    _put(repo, {"mail/sendmail.mc": MC, "mail/sendmail.cf": GOOD,  # one .cf with its .mc
                "mail/submit.mc": SUBMIT_MC,
                "ansible/files/mx1/sendmail.cf": GOOD, "ansible/files/mx1/submit.cf": BAD})
    r = _commit(repo, env, "bad")
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert re.search(r"(?m)^ansible/files/mx1/submit\.cf:2:3: CF002 ", out), out
    assert re.search(r"(?m)^mail/submit\.mc:4:9: CF006 .*confLOG_LEVLE", out), out
    assert "in 4 files" in out, out  # sendmail.cf and sendmail.mc: one input
    _put(repo, {"mail/submit.mc": SUBMIT_MC.replace("LEVLE", "LEVEL"),
                "ansible/files/mx1/submit.cf": GOOD})
    r = _commit(repo, env, "good")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "good" in _git(repo, "log", "--oneline").stdout


def test_whole_tree_hook_without_configs(tmp_path, precommit_home):
    repo, env = _repo(tmp_path, "cflint-tree", precommit_home)
    _put(repo, {"README": "no mail configuration here\n"})
    r = _commit(repo, env, "docs")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "docs" in _git(repo, "log", "--oneline").stdout


TLS = ("V10/Berkeley\nDjmail.example.test\n"
       "O ServerCertFile=/etc/mail/tls/server.crt\nO ServerKeyFile=/etc/mail/tls/server.key\n"
       "O CACertFile=/etc/mail/tls/ca.crt\nO CACertPath=/etc/mail/tls/certs\n"
       "O ClientCertFile=/etc/mail/tls/client.crt\nO ClientKeyFile=/etc/mail/tls/client.key\n"
       "Mlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l\n")


@pytest.mark.parametrize("hook_id", ["cflint", "cflint-tree"])
def test_starttls_config_whose_keys_live_on_the_host(tmp_path, precommit_home, hook_id):
    """A real STARTTLS config kept in a repository names the host's keys and certificates,
    which the repository does not hold: the commit goes through (one CF008 note, which
    pre-commit shows only for a failing hook; test_repository_sources checks it), not
    refused for 'missing' files, and a real mistake in the same config still is."""
    repo, env = _repo(tmp_path, hook_id, precommit_home)
    _put(repo, {"mail/sendmail.cf": TLS})
    _git(repo, "add", ".")
    r = _commit(repo, env, "tls")
    out = r.stdout + r.stderr
    assert r.returncode == 0 and re.search(r"cflint \(.*\)\.+Passed", out), out
    _put(repo, {"mail/sendmail.cf": TLS.replace("O CACertPath=", "O CACertPth=")})
    _git(repo, "add", ".")
    r = _commit(repo, env, "typo")
    assert r.returncode != 0 and "CF002" in r.stdout + r.stderr, r.stdout + r.stderr
