"""The CI-gate features: the configuration file (every key), CLI over file, baselines,
inline-suppression switches, the github format, --statistics and --exit-zero."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cflint.cli import main

BAD_CF = """V10/Berkeley
O LogLevl=9
O ServerCertFile=/etc/mail/tls/server.crt
O ServerKeyFile=tls/server.key
O CACertFile=/etc/mail/tls/ca.crt
O CACertPath=/etc/mail/tls/certs
Mlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / "sendmail.cf").write_text(BAD_CF)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*argv, out=None):
    out = out or Path("out.json")
    code = main(["check", *argv, "--format", "json", "-o", str(out)])
    data = json.loads(out.read_text()) if out.exists() else None
    return code, data


def codes(data):
    return sorted({f["code"] for f in data["findings"]})


def test_no_config_all_rules(project):
    code, data = run("mail/sendmail.cf")
    assert code == 1 and {"CF002", "CF101"} <= set(codes(data))


def test_select_ignore_extend_select(project):
    (project / ".cflint.toml").write_text('select = ["CF1"]\nignore = ["CF102"]\n')
    _, data = run("mail/sendmail.cf")
    assert "CF002" not in codes(data) and "CF101" in codes(data)
    _, data = run("mail/sendmail.cf", "--extend-select", "CF002")
    assert {"CF002", "CF101"} <= set(codes(data))
    (project / ".cflint.toml").write_text('extend-select = ["CF002"]\nselect = ["CF101"]\n')
    _, data = run("mail/sendmail.cf")
    assert codes(data) == ["CF002", "CF101"]
    _, data = run("mail/sendmail.cf", "--select", "CF002")  # the flag wins over the file
    assert codes(data) == ["CF002"]


def test_pyproject_table_found_upward(project):
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.cflint]\n'
                                            'select = ["CF002"]\n')
    _, data = run("mail/sendmail.cf")
    assert codes(data) == ["CF002"]
    # a .cflint.toml in the same directory wins
    (project / ".cflint.toml").write_text('select = ["CF101"]\n')
    _, data = run("mail/sendmail.cf")
    assert codes(data) == ["CF101"]


def test_pyproject_without_table_is_passed_over(project):
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    _, data = run("mail/sendmail.cf")
    assert "CF002" in codes(data)


def test_config_flag_names_the_file(project, tmp_path_factory):
    other = tmp_path_factory.mktemp("elsewhere") / "lint.toml"
    other.write_text('select = ["CF002"]\n')
    _, data = run("mail/sendmail.cf", "--config", str(other))
    assert codes(data) == ["CF002"]


def test_per_file_ignores_and_severity(project):
    (project / ".cflint.toml").write_text(
        'select = ["CF002", "CF101"]\n[per-file-ignores]\n"mail/*.cf" = ["CF002"]\n'
        '[severity]\nCF101 = "note"\n')
    code, data = run("mail/sendmail.cf")
    assert codes(data) == ["CF101"]
    assert {f["level"] for f in data["findings"]} == {"note"}
    assert code == 0  # notes are below the default --fail-on warning
    assert run("mail/sendmail.cf", "--fail-on", "note")[0] == 1


@pytest.fixture
def seen_settings(monkeypatch):
    """The Settings each Installation is built with."""
    from cflint import model

    got = []
    orig = model.Installation.__init__

    def spy(self, fs, mta, msp, settings, *a, **k):
        got.append(settings)
        orig(self, fs, mta, msp, settings, *a, **k)

    monkeypatch.setattr(model.Installation, "__init__", spy)
    return got


@pytest.mark.parametrize("key,value,attr,want,flag,flag_want", [
    ("target-version", '"8.15"', "target_version", "8.15", ["--target-version", "8.16"], "8.16"),
    ("expiry-days", "10", "expiry_days", 10, ["--expiry-days", "5"], 5),
    ("security-level", "3", "security_level", 3, ["--security-level", "1"], 1),
    ("check-permissions", '"never"', "check_permissions", "never",
     ["--check-permissions", "always"], "always"),
    ("max-lifetime-days", "90", "max_lifetime_days", 90, ["--max-lifetime-days", "30"], 30),
    ("max-ca-certs", "5", "max_ca_certs", 5, ["--max-ca-certs", "7"], 7),
    ("hostname", '"mx.example.test"', "hostname", "mx.example.test",
     ["--hostname", "mx2.example.test"], "mx2.example.test"),
    ("require-starttls", "true", "require_starttls", True, None, None),
    ("vendor", '"hpux"', "vendor", "hpux", ["--vendor", "upstream"], "upstream"),
])
def test_every_scalar_key_reaches_the_model_and_the_flag_wins(
        project, seen_settings, key, value, attr, want, flag, flag_want):
    (project / ".cflint.toml").write_text(f"{key} = {value}\n")
    run("mail/sendmail.cf")
    assert getattr(seen_settings[-1], attr) == want
    if flag:
        run("mail/sendmail.cf", *flag)
        assert getattr(seen_settings[-1], attr) == flag_want


def test_defaults_without_a_file(project, seen_settings):
    run("mail/sendmail.cf")
    s = seen_settings[-1]
    assert (s.expiry_days, s.security_level, s.check_permissions, s.max_ca_certs,
            s.require_starttls, s.vendor) == (30, 2, "auto", 100, False, "upstream")


def test_fail_on_key(project):
    (project / ".cflint.toml").write_text('fail-on = "never"\n')
    assert run("mail/sendmail.cf")[0] == 0
    assert run("mail/sendmail.cf", "--fail-on", "error")[0] == 1


def test_target_version_key_takes_effect(project):
    (project / "mail" / "sendmail.cf").write_text(
        "V10/Berkeley\nO DontBlameSendmail=CertOwner\n"
        "Mlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l\n")
    (project / ".cflint.toml").write_text('target-version = "8.17"\nselect = ["CF002", "CF007"]\n')
    _, old = run("mail/sendmail.cf")
    assert codes(old) == ["CF007"]  # CertOwner is 8.18
    _, new = run("mail/sendmail.cf", "--target-version", "8.18")  # the flag wins
    assert codes(new) == []


def test_root_key_is_relative_to_the_file(project):
    tree = project / "snap" / "etc" / "mail"
    tree.mkdir(parents=True)
    (tree / "sendmail.cf").write_text(BAD_CF)
    (project / ".cflint.toml").write_text('root = "snap"\nselect = ["CF002"]\n')
    code, data = run()
    assert codes(data) == ["CF002"]
    assert data["findings"][0]["path"].endswith("snap/etc/mail/sendmail.cf")


@pytest.mark.parametrize("text,needle", [
    ('selct = ["CF1"]\n', "unknown key 'selct'"),
    ('select = "CF1"\nfail-on = "sometimes"\n', "'fail-on' must be one of"),
    ('security-level = 9\n', "'security-level' must be a whole number"),
    ('[severity]\nCF101 = "fatal"\n', "'severity.CF101'"),
    ('select = [1]\n', "'select' must be a list"),
    ('select = [\n', "not valid TOML"),
])
def test_bad_config_is_a_usage_error_naming_key_and_file(project, capsys, text, needle):
    (project / ".cflint.toml").write_text(text)
    assert main(["check", "mail/sendmail.cf"]) == 2
    err = capsys.readouterr().err
    assert needle in err and ".cflint.toml" in err and len(err.strip().splitlines()) == 1


def test_unknown_key_in_pyproject_names_the_table(project, capsys):
    (project / "pyproject.toml").write_text("[tool.cflint]\nfailon = 'error'\n")
    assert main(["check", "mail/sendmail.cf"]) == 2
    assert "pyproject.toml [tool.cflint]: unknown key 'failon'" in capsys.readouterr().err


# ---------------------------------------------------------------- baselines

def test_baseline_round_trip(project):
    assert main(["check", "mail/sendmail.cf", "--write-baseline", "bl.json"]) == 0
    saved = json.loads(Path("bl.json").read_text())
    assert saved["format"] == "cflint-baseline" and saved["findings"]
    code, data = run("mail/sendmail.cf", "--baseline", "bl.json")
    assert code == 0 and data["findings"] == []
    # lines move: still known (the fingerprint does not hold the line)
    cf = project / "mail" / "sendmail.cf"
    cf.write_text(BAD_CF.replace("V10/Berkeley\n", "V10/Berkeley\n# a comment\n# another\n"))
    code, data = run("mail/sendmail.cf", "--baseline", "bl.json")
    assert code == 0 and data["findings"] == []
    # a new problem shows; a fixed one drops out when the baseline is rewritten
    cf.write_text(BAD_CF.replace("O LogLevl=9\n", "O LogLevel=9\nO Timeuot.queuewarn=4h\n"))
    code, data = run("mail/sendmail.cf", "--baseline", "bl.json")
    assert code == 1 and [f["code"] for f in data["findings"]] == ["CF002"]
    assert "Timeuot" in data["findings"][0]["message"]
    assert main(["check", "mail/sendmail.cf", "--write-baseline", "bl.json"]) == 0
    again = json.loads(Path("bl.json").read_text())["findings"]
    assert not any("LogLevl" in e["message"] for e in again)
    assert any("Timeuot" in e["message"] for e in again)


def test_bad_baseline_is_a_usage_error(project, capsys):
    Path("bl.json").write_text("{}")
    assert main(["check", "mail/sendmail.cf", "--baseline", "bl.json"]) == 2
    assert "not a cflint baseline" in capsys.readouterr().err


def test_baseline_never_hides_an_unsuppressible_finding(project):
    (project / "mail" / "sendmail.cf").write_text(BAD_CF + "o bad line\n")
    assert main(["check", "mail/sendmail.cf", "--write-baseline", "bl.json"]) == 0
    _, data = run("mail/sendmail.cf", "--baseline", "bl.json")
    assert codes(data) == ["CF001"]


# ---------------------------------------------------------------- suppressions

def test_inline_suppression_and_no_inline_ignores(project):
    (project / "mail" / "sendmail.cf").write_text(BAD_CF.replace(
        "O LogLevl=9\n", "# cflint: ignore[CF002] the vendor build knows it\nO LogLevl=9\n"))
    _, data = run("mail/sendmail.cf", "--select", "CF002,CF010")
    assert codes(data) == []
    _, data = run("mail/sendmail.cf", "--select", "CF002,CF010", "--no-inline-ignores")
    assert codes(data) == ["CF002"]


def test_suppression_of_a_finding_on_the_key_file(project):
    """CF501 (a group-readable key) is suppressed by the comment on the option that names
    the key, and shows again without it."""
    import os

    root = project / "host"
    tls = root / "etc" / "mail" / "tls"
    tls.mkdir(parents=True)
    (tls / "server.key").write_text("not a key, only its mode matters here\n")
    os.chmod(tls / "server.key", 0o640)
    cf = root / "etc" / "mail" / "sendmail.cf"
    plain = BAD_CF.replace("tls/server.key", "/etc/mail/tls/server.key")
    args = ("--root", str(root), "--select", "CF501,CF010", "--check-permissions", "always")
    cf.write_text(plain)
    _, data = run(*args)
    assert codes(data) == ["CF501"]
    cf.write_text(plain.replace("O ServerKeyFile=", "# cflint: ignore[CF501] the MSP group "
                                                    "reads it\nO ServerKeyFile="))
    _, data = run(*args)
    assert codes(data) == []


# ---------------------------------------------------------------- outputs, exits

def test_github_format(project, capsys):
    assert main(["check", "mail/sendmail.cf", "--format", "github", "--select", "CF002"]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    line = out[0]
    assert line.startswith("::error file=mail/sendmail.cf,line=2,col=3,title=CF002 "
                           "unknown-option::")
    assert "%0Afix: " in line and "\n" not in line


def test_github_escaping():
    from cflint.findings import Finding, Location, Report, RuleMeta
    from cflint.formats.github import render

    f = Finding("CF999", "note", "a%b\nc", Location("dir,x/a:b.cf", 3), ("hygiene",))
    meta = RuleMeta("CF999", "x", "note", ("hygiene",), "s", "r", "f")
    out = render(Report([f], [meta]))
    assert out == "::notice file=dir%2Cx/a%3Ab.cf,line=3,title=CF999 x::a%25b%0Ac\n"


def test_statistics(project, capsys):
    assert main(["check", "mail/sendmail.cf", "--statistics", "--select", "CF002,CF101"]) == 1
    out = capsys.readouterr().out
    assert "CF002  unknown-option  [error]" in out
    assert out.strip().endswith("finding(s) in total")


def test_exit_zero(project):
    assert main(["check", "mail/sendmail.cf", "--exit-zero", "--format", "json", "-o",
                 "o.json"]) == 0
    assert json.loads(Path("o.json").read_text())["findings"]
    assert main(["check", "nowhere.cf", "--exit-zero"]) == 2  # cflint's own errors stay 2
