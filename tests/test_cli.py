"""The command line end to end: exit codes, formats, colour, inputs that cannot be read."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TLS = EXAMPLES / "good" / "etc" / "mail" / "tls"
GOOD_CF = (f"V10/Berkeley\nDjmail.example.test\nO LogLevel=9\nO ServerCertFile={TLS}/server.crt\n"
           f"O ServerKeyFile={TLS}/server.key\nO CACertFile={TLS}/ca.crt\n"
           f"O ClientCertFile={TLS}/client.crt\nO ClientKeyFile={TLS}/client.key\n"
           f"O CACertPath={TLS}/certs\nMlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l\n")
NOW = ["--now", "2026-12-01", "--check-permissions", "never"]  # examples/ is a git checkout


def cflint(*args, env=None, cwd=None, timeout=60):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.update(env or {})
    if args and args[0] == "check":  # judge certificate dates at a fixed time
        args = (*args, *NOW)
    return subprocess.run([sys.executable, "-m", "cflint", *args], capture_output=True,
                          text=True, env=e, cwd=cwd, timeout=timeout)


def write(tmp_path, text, name="sendmail.cf"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_clean_file_exits_0(tmp_path):
    r = cflint("check", str(write(tmp_path, GOOD_CF)))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().endswith("No findings in 1 file.")


def test_exit_code_matrix(tmp_path):
    warn = write(tmp_path, GOOD_CF + f"O ServerCert={TLS}/server.crt\n")  # CF004 warning
    note = write(tmp_path, "V10/Berkeley\nO LogLevel=9\nMlocal, P=/bin/true, A=true\n", "n.cf")         # CF101 note
    err = write(tmp_path, GOOD_CF + "O Bogus=1\n", "e.cf")                   # CF002 error
    cases = [
        (warn, "warning", 1), (warn, "error", 0), (warn, "note", 1), (warn, "never", 0),
        (note, "warning", 0), (note, "note", 1),
        (err, "error", 1), (err, "never", 0),
    ]
    for path, fail_on, code in cases:
        r = cflint("check", str(path), "--fail-on", fail_on)
        assert r.returncode == code, (path.name, fail_on, r.stdout, r.stderr)


@pytest.mark.parametrize("args,needle", [
    (["check", "/nonexistent/x.cf"], "no such file"),
    (["check", "--select", "CF999"], "unknown rule code"),
    (["check", "--format", "yaml", "x"], "unknown format"),
    (["check", "--target-version", "8.9"], "outside the supported range"),
    (["check", "--target-version", "banana"], "not a sendmail"),
    (["rule", "CF999"], "unknown rule"),
    (["frobnicate"], "invalid choice"),
    (["check", "--root", "/nonexistent-root"], "not a directory or tar archive"),
])
def test_usage_errors_are_one_line_exit_2(args, needle, tmp_path):
    r = cflint(*args, cwd=tmp_path)
    assert r.returncode == 2
    assert needle in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr


def test_output_file_and_unwritable_output(tmp_path):
    cf = write(tmp_path, GOOD_CF + "O Bogus=1\n")
    out = tmp_path / "r.json"
    r = cflint("check", str(cf), "--format", "json", "-o", str(out))
    assert r.returncode == 1 and r.stdout == ""
    doc = json.loads(out.read_text())
    assert [f["code"] for f in doc["findings"]] == ["CF002"]
    r = cflint("check", str(cf), "-o", str(tmp_path / "no" / "such" / "dir" / "r.txt"))
    assert r.returncode == 2 and "cannot write" in r.stderr


def test_select_and_ignore(tmp_path):
    cf = write(tmp_path, "V10/Berkeley\nO Bogus=1\nO ServerCert=/x\nMlocal, P=/bin/true, A=true\n")
    def codes(*a):
        r = cflint("check", str(cf), "--format", "json", *a)
        return sorted({f["code"] for f in json.loads(r.stdout)["findings"]})
    assert codes() == ["CF002", "CF004", "CF101", "CF301"]  # CF301: /x does not exist
    assert codes("--select", "CF0") == ["CF002", "CF004"]
    assert codes("--ignore", "abbreviated-option,CF1,CF3") == ["CF002"]
    assert codes("--select", "unknown-option") == ["CF002"]


def test_no_colour_unless_tty_and_no_color_respected(tmp_path):
    cf = write(tmp_path, GOOD_CF + "O Bogus=1\n")
    r = cflint("check", str(cf))
    assert "\x1b[" not in r.stdout
    # on a real terminal colour is on, and NO_COLOR turns it off
    script = ("import os,pty,sys\n"
              "pid, fd = pty.fork()\n"
              "if pid == 0:\n"
              "    os.execv(sys.executable, [sys.executable, '-m', 'cflint', 'check', sys.argv[1]])\n"
              "out = b''\n"
              "while True:\n"
              "    try:\n        b = os.read(fd, 65536)\n"
              "    except OSError:\n        break\n"
              "    if not b: break\n"
              "    out += b\n"
              "os.waitpid(pid, 0)\n"
              "sys.stdout.write(repr(out))\n")
    tty = subprocess.run([sys.executable, "-c", script, str(cf)], capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if k != "NO_COLOR"}, timeout=60)
    assert "\\x1b[" in tty.stdout
    tty = subprocess.run([sys.executable, "-c", script, str(cf)], capture_output=True, text=True,
                         env=dict(os.environ, NO_COLOR="1"), timeout=60)
    assert "CF002" in tty.stdout and "\\x1b[" not in tty.stdout


def test_fifo_config_is_cf012_and_never_opened(tmp_path):
    fifo = tmp_path / "sendmail.cf"
    os.mkfifo(fifo)
    r = cflint("check", str(fifo), "--format", "json", timeout=30)
    assert r.returncode == 1, r.stderr
    f = json.loads(r.stdout)["findings"]
    assert [x["code"] for x in f] == ["CF012"]
    assert "FIFO" in f[0]["message"]


def test_unreadable_config_is_cf012(tmp_path):
    import tempfile

    d = Path(tempfile.mkdtemp(prefix="cflint-unreadable-"))
    try:
        d.chmod(0o755)
        cf = write(d, GOOD_CF)
        cf.chmod(0)
        cmd = [sys.executable, "-m", "cflint", "check", str(cf), "--format", "json"]
        if os.geteuid() == 0:  # root reads anything: drop the capabilities that let it
            cmd = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *cmd]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, HOME=str(d), XDG_CACHE_HOME=str(d / "cache")))
        assert r.returncode == 1, r.stderr
        f = json.loads(r.stdout)["findings"]
        assert [x["code"] for x in f] == ["CF012"] and "Permission denied" in f[0]["message"]
    finally:
        import shutil

        shutil.rmtree(d, ignore_errors=True)


def test_directory_finds_both_configs_and_roles():
    r = cflint("check", "--root", str(EXAMPLES / "broken"), "--format", "json")
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    paths = {f["path"] for f in doc["findings"]}
    assert any(p.endswith("etc/mail/sendmail.cf") for p in paths)
    assert any(p.endswith("etc/mail/submit.cf") for p in paths)
    # the MSP's findings are client-side: nothing it does stops sendmail or STARTTLS
    msp = [f for f in doc["findings"] if f["path"].endswith("submit.cf")]
    assert {f["code"] for f in msp} >= {"CF102"}
    assert all(not {"starttls-off", "daemon-fails"} & set(f["impacts"]) for f in msp), msp


def test_good_example_is_clean():
    r = cflint("check", "--root", str(EXAMPLES / "good"))
    assert r.returncode == 0, r.stdout


def test_rules_and_rule_docs():
    r = cflint("rules")
    assert r.returncode == 0
    assert "CF101" in r.stdout and "server-tls-incomplete" in r.stdout
    r = cflint("rule", "server-tls-incomplete")
    assert r.returncode == 0
    assert r.stdout.startswith("# CF101 server-tls-incomplete")
    from cflint.engine import Engine
    from cflint.ruledoc import markdown

    assert r.stdout == markdown(Engine().rule("CF101").meta)  # one source
    for section in ("## What it checks", "## Why sendmail cares", "## Examples", "## Fix",
                    "## References"):
        assert section in r.stdout


def test_version_lists_builtin_pack():
    r = cflint("--version")
    assert r.returncode == 0 and "rule pack builtin: cflint" in r.stdout


def test_internal_error_is_one_line(tmp_path):
    # a rule pack whose rule crashes: exit 2, one line, names the rule
    pkg = tmp_path / "site" / "crashpack"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(
        "from cflint.api import Rule, RuleMeta, hookimpl\n"
        "class Boom(Rule):\n"
        "    meta = RuleMeta(code='BOOM001', name='boom', level='error', impacts=('hygiene',),"
        " summary='s', rationale='r', fix='f')\n"
        "    def check(self, model):\n        raise RuntimeError('kaput')\n"
        "@hookimpl\ndef cflint_register_rules():\n    return [Boom()]\n")
    dist = tmp_path / "site" / "crashpack-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: crashpack\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[cflint]\ncrashpack = crashpack\n")
    cf = write(tmp_path, GOOD_CF)
    r = cflint("check", str(cf), env={"PYTHONPATH": str(tmp_path / "site")})
    assert r.returncode == 2
    assert r.stderr.strip() == "cflint: error: internal error in rule BOOM001: RuntimeError: kaput"


def _subparsers(parser):
    import argparse

    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices


def _options(parser):
    return sorted((tuple(a.option_strings) or (a.dest,), a.default, repr(a.choices), a.nargs)
                  for a in parser._actions)


@pytest.mark.parametrize("command", ["check", "audit", "probe", "logs", "rules", "hash", "rule"])
def test_a_run_builds_its_command_as_the_full_parser_does(command):
    """main() defines only the arguments of the command it runs: that parser must be the
    one the full command line (cflint --help, docs) has, and the others are still listed."""
    from cflint.cli import build_parser

    full, alone = _subparsers(build_parser()), _subparsers(build_parser(command))
    assert list(full) == list(alone)
    assert len(_options(full[command])) > 1
    assert _options(alone[command]) == _options(full[command])
    others = [c for c in alone if c != command]
    assert all(len(alone[c]._actions) == 1 for c in others)  # just -h


def test_version_and_a_command_with_options_parse():
    r = cflint("--version")
    assert r.returncode == 0 and r.stdout.startswith("cflint ")
    r = cflint("rules", "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout)
