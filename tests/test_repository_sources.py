"""A configuration kept in a repository (git tracks it, outside a deployed /etc) names the
files of the host it is deployed to: those the repository does not hold, or (live view)
that lie outside it, are not inspected and one CF008 note says so, instead of 'missing'
errors that say nothing about the host. Files the repository holds are checked; an
untracked config, a deployed /etc/mail kept in git, and --check-permissions always are
read as deployed."""
from __future__ import annotations

import json

import pki_fixtures as pki
from cflint.cli import main
from test_gitindex import _need_git, git  # noqa: F401  (the autouse fixture applies here)

NOW = "2026-12-01T00:00:00Z"


def lint(args, tmp_path) -> list[dict]:
    out = tmp_path / "out.json"
    main(["check", *args, "--now", NOW, "--format", "json", "--fail-on", "never",
          "-o", str(out)])
    return json.loads(out.read_text())["findings"]


def levels(found, code=None):
    return {(f["code"], f["level"]) for f in found if code is None or f["code"] == code}


def cf_text(tls: str) -> str:
    return (f"V10/Berkeley\nDjmail.example.test\nO ServerCertFile={tls}/server.crt\n"
            f"O ServerKeyFile={tls}/server.key\nO CACertFile={tls}/ca.crt\n"
            f"O CACertPath={tls}/certs\n"
            "Mlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l\n")


def test_live_source_config_notes_what_lives_on_the_host(tmp_path):
    repo = tmp_path / "repo"
    (repo / "mail").mkdir(parents=True)
    cf = repo / "mail" / "sendmail.cf"
    cf.write_text(cf_text("/nonexistent/cflint/tls"))
    git(repo, "init", "-q")
    git(repo, "add", ".")
    found = lint([str(cf)], tmp_path)
    assert [f["code"] for f in found] == ["CF008"], found
    assert found[0]["level"] == "note" and "not in the repository" in found[0]["message"]
    assert "/nonexistent/cflint/tls/server.key" in found[0]["message"]
    git(repo, "rm", "-q", "--cached", "mail/sendmail.cf")  # untracked: read as deployed
    codes = {f["code"] for f in lint([str(cf)], tmp_path)}
    assert {"CF204", "CF301"} <= codes and "CF008" not in codes


def test_live_source_config_does_not_read_this_machines_files(tmp_path):
    """Files outside the repository, even when this machine has them, are not the host's:
    an expired certificate beside the repository is not judged."""
    tls = tmp_path / "elsewhere"
    pki.materialize("expired", tls)
    repo = tmp_path / "repo"
    repo.mkdir()
    cf = repo / "sendmail.cf"
    cf.write_text(cf_text(str(tls)))
    git(repo, "init", "-q")
    git(repo, "add", ".")
    found = lint([str(cf)], tmp_path)
    assert levels(found) == {("CF008", "note")}, found
    assert "outside the repository" in found[0]["message"]
    found = lint([str(cf), "--check-permissions", "always"], tmp_path)  # deployed: read
    assert "CF302" in {f["code"] for f in found}, found


def test_root_layout_repository_checks_what_it_holds(tmp_path):
    """A repository laid out as a host (etc/mail) that commits its certificates but not
    its keys: the certificates are judged, the keys are noted."""
    repo = tmp_path / "repo"
    tls = repo / "etc" / "mail" / "tls"
    pki.materialize("expired", tls)
    for key in tls.glob("*.key"):
        key.unlink()
    (repo / "etc" / "mail" / "sendmail.cf").write_text(cf_text("/etc/mail/tls"))
    git(repo, "init", "-q")
    git(repo, "add", ".")
    found = lint(["--root", str(repo)], tmp_path)
    codes = {f["code"] for f in found}
    assert "CF302" in codes and "CF204" not in codes, sorted(codes)
    note = next(f for f in found if f["code"] == "CF008")
    assert "/etc/mail/tls/server.key" in note["message"]
    assert "/etc/mail/tls/server.crt" not in note["message"]


def test_deployed_etc_mail_kept_in_git_is_the_host(tmp_path):
    """A host's /etc/mail made a git repository by hand is deployed: missing files are
    errors there, and modes are checked."""
    root = tmp_path / "host"
    mail = root / "etc" / "mail"
    mail.mkdir(parents=True)
    (mail / "sendmail.cf").write_text(cf_text("/etc/mail/tls"))
    git(mail, "init", "-q")
    git(mail, "add", ".")
    codes = {f["code"] for f in lint(["--root", str(root)], tmp_path)}
    assert {"CF204", "CF301"} <= codes and "CF008" not in codes and "CF011" not in codes
