"""Keys and certificates, judged by the real sendmail (reference/sendmail-tls.md §2.2, §4, §9).

Every scenario of ``pki_fixtures`` is built once per session under a root-owned tree whose
every component from ``/`` down is mode 0755 (sendmail refuses files below a 1777
directory), with a cf made from Debian's sendmail.cf: its TLS options removed, the
scenario's files named with absolute paths, ``O LogLevel=14`` and ``Djmail.example.test``
(the D line takes the value right after the macro letter: ``Dj mail...`` would define
$j with a leading space).

The judge is ``sendmail-mta -bs -C CF`` run as root, speaking SMTP on a pipe: wait for the
220 greeting (15 s; a timeout, e.g. the passphrase prompt of an encrypted key, means "not
offered"), send EHLO, and look for STARTTLS in the 250 reply.  sendmail's log lines are
captured (a listener in the tree, reached through a private /dev in a mount
namespace; else bound at /dev/log when nothing is there) and shown as evidence.  The
probe, the log capture, the tree and the cf builder live in ``judge_harness.py``.

Two tests per scenario:

* ``test_sendmail_reference``: the harness itself, independent of cflint — sendmail's
  verdict matches what the reference documents (``REFERENCE``).
* ``test_cflint_agrees_with_sendmail``: cflint (in-process, ``--target-version <installed>``,
  ``--now 2026-12-01T00:00:00Z``, default security level 2) has a ``starttls-off`` or
  ``daemon-fails`` finding exactly when sendmail does not offer STARTTLS, and reports the
  scenario's codes.
"""
from __future__ import annotations

import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

import pki_fixtures as pki
import sendmail_judge as sj
from judge_harness import (Probe, SyslogCapture, base_cf_text, explain_log, log_problems,
                           logs_disagree, make_tree, save_maillog, scenario_cf, smtp_probe,
                           syslog_lines)

NOW_ARG = pki.NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
BLOCKING_IMPACTS = {"starttls-off", "daemon-fails"}
TREE = "cflint-pki-tests"

# What reference/sendmail-tls.md says sendmail 8.17 + OpenSSL 3.0 (level 2) does.
# True: STARTTLS offered; False: not offered; "blocks": no 220 greeting (passphrase
# prompt), so not offered; None: the reference does not say (the judge decides).
REFERENCE: dict[str, bool | str | None] = {
    "good-rsa": True, "good-ec": True, "good-pkcs1": True, "good-combined": True,
    "good-ed25519": None,
    "encrypted-pem": "blocks", "encrypted-pkcs8": "blocks",       # §4.2
    "mismatch": False,                                            # §4.1
    "der-key": False, "empty-key": False, "garbage-key": False,   # §4.1
    "der-cert": False, "empty-cert": False, "garbage-cert": False,
    "rsa1024": False, "sha1-by-ca": False, "md5-by-ca": False,    # §4.4
    "selfsigned-sha1": True, "selfsigned": True,                  # self-signed: no md check
    "expired": True, "not-yet-valid": True, "expiring-soon": True,  # §4.4: no date check
    "chain-file": True,                                           # §4.3
    "no-serverauth": True, "hostname-mismatch": True,             # §4.4: no EKU/name check
    "ca-not-ca": True, "long-lifetime": True, "not-verified": True,
    "ca-key-left": True, "ca-key-by-match": True, "stray-key": True,
    "second-pair-mismatch": True,                                 # §2.4: logged only
    "cafile-empty-pem": False,                                    # §2.2 3d
    # DH, CRLs, cipher strings: never a reason to switch STARTTLS off (§2.2, §4.5-4.7)
    "dh-2048": True, "dh-1024": True, "dh-missing": True, "dh-garbage": True,
    "dh-keyword-1024": True, "dh-keyword-none": True, "dh-keyword-illegal": True,
    "crl-current": True, "crl-expired": True, "crl-missing": True, "crl-garbage": True,
    "cipher-invalid": True, "cipher-weak-asked": True, "cipher-weak-admitted": True,
    "cipher-strong": True, "suites-invalid": True, "suites-valid": True,
    "cafile-large": True,                                         # op.me: a warning only
    "capath-twins": True, "capath-twin-no-skid": True,            # CACertPath: verify only
    "capath-twin-equal-skid": True, "capath-twin-leaf-no-akid": True,
    "second-pair-missing-key-mismatch": False,                    # §4.1: the first pair
    "second-pair-der-key": True,                                  # §2.4: logged only
}
assert set(REFERENCE) == set(pki.SCENARIOS), "REFERENCE must list every scenario"

# Options with a log line but no static finding yet (cflint check reports nothing: an
# empty CRLPath is an issue for the static rules), probed beside the scenarios on the
# good-rsa files: (options, the code cflint logs must name, its impacts, STARTTLS offered).
LOG_ONLY: dict[str, tuple[dict[str, str], str, list[str], bool]] = {
    # load_crlpath(): X509_LOOKUP_add_dir("") fails, and init with it
    "crlpath-empty": ({"CRLPath": ""}, "CF108", ["starttls-off"], False),
    # an empty CRLFile is opened as "" and logged; TLS goes on without CRLs
    "crlfile-empty": ({"CRLFile": ""}, "CF108", ["verify-fails"], True),
}



def _make_tree() -> Path:
    return make_tree(TREE, "the PKI scenarios")


@dataclass
class World:
    root: Path
    lint_dir: Path
    version: str
    cfs: dict[str, Path]
    options: dict[str, dict[str, str]]
    probes: dict[str, Probe]
    log_note: str
    log_captured: bool
    log_only: dict[str, Probe]
    log_only_cfs: dict[str, Path]


def _absolute(directory: Path, opts: dict[str, str]) -> dict[str, str]:
    return {k: v if isinstance(v, pki.Literal) else
            ",".join(str(directory / p) for p in v.split(",")) for k, v in opts.items()}


def _table(world: World) -> str:
    rows = [f"sendmail {world.version} as judge (-bs, EHLO), {len(world.probes)} PKI "
            f"scenarios under {world.root}" + (f"; {world.log_note}" if world.log_note else "")]
    for name, p in world.probes.items():
        ref = REFERENCE[name]
        exp = {True: "offered", False: "not offered", "blocks": "blocks",
               None: "(judge)"}[ref]
        rows.append(f"  {name:21} {p.summary():56} ref {exp:11} {p.brief()}")
    return "\n".join(rows)


@pytest.fixture(scope="session")
def pki_world(sendmail, sendmail_version, tmp_path_factory, pytestconfig):
    """Every scenario built, its cf written, and sendmail's verdict on it (probes run in
    parallel: the encrypted keys each cost the full greeting timeout)."""
    if os.geteuid() != 0:
        sj.unavailable("the PKI judge runs sendmail -bs as root (the files are judged as "
                       "the root MTA judges them)")
    if shutil.which("openssl") is None:
        sj.unavailable("the openssl CLI is not installed (apt-get install openssl): the PKI "
                       "fixtures need it for SHA-1/MD5 signatures and subject hashes")
    root = _make_tree()
    work = tmp_path_factory.mktemp("pki-work")
    syslog = SyslogCapture()
    try:
        base = base_cf_text(work)
        cf_dir = root / "cf"
        cf_dir.mkdir(mode=0o755)
        cfs, options = {}, {}
        for name in pki.SCENARIOS:
            d = root / name
            opts = _absolute(d, pki.materialize(name, d))
            cf = cf_dir / f"{name}.cf"
            cf.write_bytes(scenario_cf(base, opts).encode("latin-1"))
            os.chmod(cf, 0o644)
            cfs[name], options[name] = cf, opts
        extra = {}
        for name, (opts, *_) in LOG_ONLY.items():
            cf = cf_dir / f"{name}.cf"
            cf.write_bytes(scenario_cf(base, {**options["good-rsa"], **opts}).encode("latin-1"))
            extra[name] = cf
        syslog.start(root)
        with ThreadPoolExecutor(max_workers=min(16, len(cfs))) as ex:
            futures = {n: ex.submit(smtp_probe, sendmail, cf, n, syslog.wrap)
                       for n, cf in (*cfs.items(), *extra.items())}
            probes = {n: f.result() for n, f in futures.items()}
        time.sleep(0.3)   # the last datagrams
        for p in probes.values():
            if p.pid is not None:
                p.log = syslog.for_pid(p.pid)
        log_only = {n: probes.pop(n) for n in extra}
        world = World(root, tmp_path_factory.mktemp("pki-lint"), sendmail_version, cfs,
                      options, probes,
                      syslog.note or f"sendmail's log captured ({syslog.mode} /dev/log)",
                      syslog.mode != "none", log_only, extra)
        capman = pytestconfig.pluginmanager.getplugin("capturemanager")
        if capman is not None:
            with capman.global_and_fixture_disabled():
                print("\n" + _table(world))
        else:
            print(_table(world))
        yield world
    finally:
        syslog.stop()
        shutil.rmtree(root, ignore_errors=True)
        try:
            root.parent.rmdir()   # only when no other session still uses it
        except OSError:
            pass


# ------------------------------------------------------------------------- tests

NAMES = list(pki.SCENARIOS)


@pytest.mark.parametrize("name", NAMES)
def test_sendmail_reference(name, pki_world):
    """The harness: sendmail's verdict is what the reference documents."""
    p = pki_world.probes[name]
    print(p.describe())
    assert p.error is None, p.describe()
    ref = REFERENCE[name]
    if ref == "blocks":
        assert p.blocked, f"expected no greeting (passphrase prompt):\n{p.describe()}"
        return
    assert p.greeted, f"sendmail did not greet (the cf or harness is broken):\n{p.describe()}"
    assert p.timed_out is None and p.ehlo and p.ehlo[-1].startswith("250 "), p.describe()
    if ref is not None:
        assert p.offered == ref, (f"reference says STARTTLS "
                                  f"{'offered' if ref else 'not offered'}:\n{p.describe()}")
    if pki_world.log_captured:
        # the log names the cause: init=1 when offered, an error line when not
        want = "STARTTLS=server, init=1" if p.offered else "STARTTLS=server, error:"
        assert any(ln.startswith(want) for ln in p.log), \
            f"STARTTLS {'offered' if p.offered else 'not offered'} but no {want!r} logged:\n" \
            + p.describe()


@pytest.mark.parametrize("name", NAMES)
def test_cflint_agrees_with_sendmail(name, pki_world):
    """cflint blocks (starttls-off/daemon-fails) exactly when sendmail does not offer
    STARTTLS, and reports the scenario's codes."""
    scenario = pki.SCENARIOS[name]
    p = pki_world.probes[name]
    assert p.error is None, p.describe()
    result = sj.lint(pki_world.cfs[name], pki_world.lint_dir, target=pki_world.version,
                     extra=("--now", NOW_ARG))
    both = f"{p.describe()}\n{result.describe()}"
    print(both)
    assert result.report is not None and result.exit_code in (0, 1), \
        f"cflint did not produce a report ({result.error}):\n{both}"
    blocking = [f for f in result.findings if BLOCKING_IMPACTS & set(f.get("impacts") or [])]
    assert p.offered == (not blocking), (
        f"{scenario.name}: sendmail {'offers' if p.offered else 'does not offer'} STARTTLS, "
        f"cflint has {len(blocking)} starttls-off/daemon-fails finding(s) "
        f"({', '.join(sorted({f.get('code') for f in blocking})) or 'none'})\n{both}")
    missing = scenario.codes - result.codes()
    assert not missing, (f"{scenario.name} ({scenario.note}): expected "
                         f"{', '.join(sorted(missing))} among the findings\n{both}")


# What sendmail logs for the options that only weaken TLS (issue: CF104, CF107, CF108): a
# line that must appear, or (prefixed "!") must not, in the scenario's log; cflint's
# verdict for the scenario's code must agree with it.
LOG_VERDICTS: dict[str, tuple[str, str, bool]] = {
    # scenario: (code, log text, cflint must report the code)
    "cipher-invalid": ("CF104", "SSL_CTX_set_cipher_list(NOT-A-CIPHER) failed, list ignored", True),
    "cipher-strong": ("CF104", "!list ignored", False),
    "suites-invalid": ("CF104", "SSL_CTX_set_ciphersuites(AES256-SHA) failed, suites ignored", True),
    "suites-valid": ("CF104", "!suites ignored", False),
    "dh-2048": ("CF107", "Diffie-Hellman init, key=2048 bit (/)", False),
    "dh-1024": ("CF107", "Diffie-Hellman init, key=1024 bit (/)", True),
    "dh-missing": ("CF107", "Diffie-Hellman init, key=2048 bit (I)", True),
    "dh-garbage": ("CF107", "cannot read DH parameters", True),
    "dh-keyword-1024": ("CF107", "Diffie-Hellman init, key=1024 bit (1)", True),
    "dh-keyword-none": ("CF107", "!Diffie-Hellman init", False),
    "dh-keyword-illegal": ("CF107", "illegal value 'x' for DHParameters", True),
    "crl-current": ("CF108", "!PEM_read_bio_X509_CRL", False),
    "crl-expired": ("CF108", "!PEM_read_bio_X509_CRL", True),
    "crl-missing": ("CF108", "PEM_read_bio_X509_CRL", True),
    "crl-garbage": ("CF108", "PEM_read_bio_X509_CRL", True),
}


@pytest.mark.parametrize("name", sorted(LOG_VERDICTS))
def test_log_line_matches_verdict(name, pki_world):
    """The log line sendmail writes for CipherList/CipherSuites, DH and CRL files matches
    cflint's verdict, and STARTTLS is still offered: these rules never claim starttls-off."""
    if not pki_world.log_captured:
        pytest.fail(f"sendmail's log could not be captured: {pki_world.log_note}")
    code, text, flagged = LOG_VERDICTS[name]
    p = pki_world.probes[name]
    assert p.offered, p.describe()
    log = "\n".join(p.log)
    if text.startswith("!"):
        assert text[1:] not in log, log
    else:
        assert text in log, log
    cf = pki_world.cfs[name]
    result = sj.lint(cf, pki_world.lint_dir, target=pki_world.version,
                     extra=("--now", pki.NOW.strftime("%Y-%m-%dT%H:%M:%SZ")))
    found = [f for f in result.report["findings"] if f["code"] == code]
    assert bool(found) == flagged, (name, found, log)
    for f in result.report["findings"]:
        if f["code"] in ("CF104", "CF105", "CF107", "CF108"):
            assert "starttls-off" not in f["impacts"] and "daemon-fails" not in f["impacts"]


def test_log_lines_explained_by_static_rules(pki_world, tmp_path):
    """cflint logs on each scenario's log lines: every line reporting a TLS problem is
    explained by a rule cflint check reports for that scenario (the lines are saved as
    tests/fixtures/maillog/pki.* with $CFLINT_SAVE_MAILLOG)."""
    if not pki_world.log_captured:
        pytest.fail(f"sendmail's log could not be captured: {pki_world.log_note}")
    scenarios = {}
    for name, p in pki_world.probes.items():
        if p.pid is None or not p.log:
            continue
        result = sj.lint(pki_world.cfs[name], pki_world.lint_dir, target=pki_world.version,
                         extra=("--now", NOW_ARG))
        assert result.report is not None, result.describe()
        scenarios[name] = (p.pid, p.log, result.codes())
    assert len(scenarios) > 20
    assert logs_disagree("pki", scenarios, tmp_path, config_of=pki_world.cfs.get,
                         meta_of=lambda n: {"options": pki_world.options[n]},
                         offered_of=lambda n: pki_world.probes[n].offered) == []


def test_log_only_lines(pki_world, tmp_path):
    """Option values outside the PKI scenarios (empty CRLPath, empty CRLFile): sendmail's
    verdict, its error line, the rule and impacts cflint logs gives that line (saved as
    tests/fixtures/maillog/files.* with $CFLINT_SAVE_MAILLOG), and the same rule from
    cflint check, with starttls-off exactly when sendmail does not offer STARTTLS."""
    if not pki_world.log_captured:
        pytest.fail(f"sendmail's log could not be captured: {pki_world.log_note}")
    saved = {}
    for name, (_opts, code, impacts, offered) in LOG_ONLY.items():
        p = pki_world.log_only[name]
        print(p.describe())
        assert p.greeted and p.offered == offered, p.describe()
        lines = syslog_lines(p.pid, p.log)
        assert log_problems(lines), p.describe()
        found = explain_log(lines, tmp_path / name)
        assert [(f["evidence"]["explained_by"], f["impacts"]) for f in found] == \
            [(code, impacts)], (found, p.describe())
        static = sj.lint(pki_world.log_only_cfs[name], tmp_path, target=pki_world.version,
                         extra=("--now", NOW_ARG)).findings
        assert code in {f["code"] for f in static}, static
        blocked = any("starttls-off" in f["impacts"] for f in static)
        assert blocked == (not offered), (static, p.describe())
        saved[name] = (p.pid, p.log, set())
    save_maillog("files", saved, meta_of=lambda n: {"expect": {LOG_ONLY[n][1]: LOG_ONLY[n][2]}})
