"""cflint.sendmail.mc_macros: the .mc define -> cf option table.

Checked against the installed sendmail-cf (Debian's /usr/share/sendmail/cf): the names
and _OPTION pairs its m4 files hold are re-extracted here, and real m4 turns test .mc
files into cf text whose O lines must be the ones the table predicts.  Without
sendmail-cf (or m4) those tests skip, except under CI=true, where they fail.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cflint.sendmail import mc_macros as mm
from cflint.sendmail import options as od
from sendmail_judge import unavailable

CF_DIR = Path("/usr/share/sendmail/cf")
PROTO = CF_DIR / "m4" / "proto.m4"
CF_M4 = CF_DIR / "m4" / "cf.m4"

# a conf* name; "confTO_<timeout>" in an errprint text is not one
NAME_RE = re.compile(r"\bconf[A-Z0-9_]*[A-Z0-9]\b")
OPTION_RE = re.compile(r"_OPTION\(\s*([A-Za-z0-9.\-]+)\s*,\s*`([A-Za-z0-9_]+)'")
# "O HelpFile=ifdef(`HELP_FILE', ...": O lines proto.m4 writes by hand
HAND_O_RE = re.compile(r"^O ([A-Za-z]+)=ifdef\(`([A-Za-z0-9_]+)'", re.M)
# every sendmail-cf directory whose m4 files read conf* macros
OTHER_DIRS = ("m4", "feature", "mailer", "ostype", "domain", "hack")

# options.py build flags and FFR defines: "exists in some build of that release"
ALL_FLAGS = frozenset({o.build for o in od.OPTIONS if o.build}
                      | {define for _, define in od.FFR_PREVIEW.values()})



def _require(ok: bool, reason: str) -> None:
    if not ok:
        unavailable(reason)


@pytest.fixture(scope="module")
def proto_text() -> str:
    _require(PROTO.is_file(), f"sendmail-cf is not installed ({PROTO} missing)")
    return PROTO.read_text(encoding="latin-1")


@pytest.fixture(scope="module")
def installed_version(proto_text) -> tuple[int, ...]:
    text = (CF_DIR / "m4" / "version.m4").read_text(encoding="latin-1")
    m = re.search(r"^DZ(\d+(?:\.\d+)+)", text, re.M)
    assert m, "no DZ line in version.m4"
    return tuple(int(p) for p in m.group(1).split("."))


@pytest.fixture(scope="module")
def installed_vendor(proto_text) -> str:
    # Debian's sendmail-cf carries cf/debian/ and its own proto.m4 additions
    return "debian" if (CF_DIR / "debian").is_dir() else "upstream"


@pytest.fixture(scope="module")
def m4(proto_text) -> str:
    exe = shutil.which("m4")
    _require(exe is not None, "m4 is not installed")
    return exe


def _installed_names() -> set[str]:
    names: set[str] = set()
    for sub in OTHER_DIRS:
        for f in sorted((CF_DIR / sub).glob("*.m4")):
            names |= set(NAME_RE.findall(f.read_text(encoding="latin-1")))
    return names


def _applies(spec: mm.MacroSpec, version, vendor) -> bool:
    return mm.lookup(spec.macro, version, vendor)[0] == "ok"


def _run_m4(m4: str, tmp_path: Path, body: str) -> list[str]:
    """m4 on a .mc as /etc/mail/Makefile does it (plain "m4 file.mc"), run in the cf dir."""
    mc = tmp_path / "test.mc"
    mc.write_text(f"include(`{CF_M4}')dnl\nOSTYPE(`linux')dnl\n{body}MAILER(`local')dnl\n")
    res = subprocess.run([m4, str(mc)], cwd=CF_DIR, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout.splitlines()


# ---------------------------------------------------------------------------------
# coverage of the installed m4 files
# ---------------------------------------------------------------------------------
def test_table_covers_every_name_proto_m4_reads(proto_text):
    names = set(NAME_RE.findall(proto_text))
    assert len(names) > 150, "extraction from proto.m4 failed"
    missing = sorted(names - set(mm.MACROS))
    assert not missing, f"proto.m4 reads macros the table lacks: {missing}"


def test_option_pairs_match_proto_m4(proto_text):
    pairs = OPTION_RE.findall(proto_text)
    assert len(pairs) > 150, "extraction of _OPTION lines failed"
    wrong = []
    for option, macro in pairs:
        spec = mm.MACROS.get(macro)
        if spec is None or spec.emits != "option" or spec.option != option:
            wrong.append((macro, option, spec and (spec.emits, spec.option)))
    assert not wrong, wrong


def test_hand_written_o_lines_match(proto_text):
    pairs = HAND_O_RE.findall(proto_text)
    assert ("HelpFile", "HELP_FILE") in pairs and ("QueueDirectory", "QUEUE_DIR") in pairs
    for option, macro in pairs:
        assert mm.MACROS[macro].option == option and mm.MACROS[macro].emits == "option"
    assert "O TimeZoneSpec=confTIME_ZONE" in proto_text
    assert mm.MACROS["confTIME_ZONE"].option == "TimeZoneSpec"
    assert "`DAEMON_OPTIONS(`confDAEMON_OPTIONS')'" in proto_text
    assert mm.MACROS["confDAEMON_OPTIONS"].option == "DaemonPortOptions"
    assert "`CLIENT_OPTIONS(`confCLIENT_OPTIONS')'" in proto_text
    assert mm.MACROS["confCLIENT_OPTIONS"].option == "ClientPortOptions"


def test_table_covers_the_other_cf_files(proto_text):
    missing = sorted(_installed_names() - set(mm.MACROS))
    assert not missing, f"sendmail-cf m4 files read macros the table lacks: {missing}"


def test_table_invents_no_macro(proto_text, installed_version, installed_vendor):
    """Every macro the table says this sendmail-cf reads is read by one of its files."""
    names = _installed_names()
    invented = [s.macro for s in mm.MACROS.values()
                if _applies(s, installed_version, installed_vendor)
                and (s.macro not in names if s.macro.startswith("conf")
                     else f"`{s.macro}'" not in proto_text)]
    assert not invented, invented
    # and the table knows which ones this release does not have yet
    assert mm.lookup("confOPENSSL_CNF", installed_version)[0] == (
        "later" if installed_version < (8, 18, 1) else "ok")


# ---------------------------------------------------------------------------------
# consistency with cflint.sendmail.options
# ---------------------------------------------------------------------------------
def _option_known(option: str, version) -> bool:
    base, _, sub = option.partition(".")
    if base.lower() not in od.options_for(version, ALL_FLAGS):
        return False
    v = od._norm(tuple(version))
    if base == "Timeout":
        names = {k.lower(): s for k, s in od.TIMEOUT_NAMES.items()}
    elif base == "Milter":
        names = {k.lower(): s for k, s in od.MILTER_NAMES.items()}
    else:
        return sub == ""
    return sub.lower() in names and od._norm(names[sub.lower()]) <= v


@pytest.mark.parametrize("spec", [s for s in mm.MACROS.values() if s.emits == "option"],
                         ids=lambda s: s.macro)
def test_option_exists_for_its_version(spec):
    assert spec.option is not None
    checked = [spec.since, (8, 17, 1), (8, 18, 1)] if spec.until is None else [spec.since]
    for version in checked:
        assert _option_known(spec.option, version), (spec.option, version)


def test_emits_values_and_no_option_for_non_o_lines():
    for spec in mm.MACROS.values():
        assert spec.emits in mm.EMITS, spec
        assert (spec.option is not None) == (spec.emits == "option"), spec
        assert spec.macro == spec.macro.strip() and " " not in spec.macro
        assert len(spec.since) == 3 and spec.since[:1] == (8,), spec
    assert set(mm.MACRO_LINES) == {m for m, s in mm.MACROS.items() if s.emits == "macro"}
    assert [m for m, s in mm.MACROS.items() if s.emits == "ossl"] == ["confOPENSSL_CNF"]


def test_options_py_macro_fields_agree():
    """options.py's OptionSpec.macro is the macro the table gives for the option."""
    for o in od.OPTIONS:
        if o.macro is None:
            continue
        if o.macro in ("DAEMON_OPTIONS", "CLIENT_OPTIONS"):   # m4 functions, not defines
            assert o.name in mm.SET_WITHOUT_MACRO
            continue
        assert mm.macro_for_option(o.name) == o.macro, o.name
        assert mm.MACROS[o.macro].option == o.name


# ---------------------------------------------------------------------------------
# the STARTTLS macros of the reference (sendmail-tls.md §1)
# ---------------------------------------------------------------------------------
REFERENCE_MAP = {
    "confSERVER_CERT": ("ServerCertFile", (8, 11, 0)),
    "confSERVER_KEY": ("ServerKeyFile", (8, 11, 0)),
    "confCLIENT_CERT": ("ClientCertFile", (8, 11, 0)),
    "confCLIENT_KEY": ("ClientKeyFile", (8, 11, 0)),
    "confCACERT": ("CACertFile", (8, 11, 0)),
    "confCACERT_PATH": ("CACertPath", (8, 11, 0)),
    "confCRL": ("CRLFile", (8, 13, 0)),
    "confCRL_PATH": ("CRLPath", (8, 16, 1)),
    "confDH_PARAMETERS": ("DHParameters", (8, 11, 0)),
    "confRAND_FILE": ("RandFile", (8, 11, 0)),
    "confTLS_SRV_OPTIONS": ("TLSSrvOptions", (8, 12, 0)),
    "confTO_STARTTLS": ("Timeout.starttls", (8, 12, 0)),
    "confCIPHER_LIST": ("CipherList", (8, 15, 1)),
    "confSERVER_SSL_OPTIONS": ("ServerSSLOptions", (8, 15, 1)),
    "confCLIENT_SSL_OPTIONS": ("ClientSSLOptions", (8, 15, 1)),
    "confCERT_FINGERPRINT_ALGORITHM": ("CertFingerprintAlgorithm", (8, 15, 1)),
    "confSSL_ENGINE": ("SSLEngine", (8, 16, 1)),
    "confSSL_ENGINE_PATH": ("SSLEnginePath", (8, 16, 1)),
    "confTLS_FALLBACK_TO_CLEAR": ("TLSFallbacktoClear", (8, 16, 1)),
    "confDANE": ("DANE", (8, 16, 1)),
    "confDONT_BLAME_SENDMAIL": ("DontBlameSendmail", (8, 9, 0)),
    "confTRUSTED_USER": ("TrustedUser", (8, 10, 0)),
    "confRUN_AS_USER": ("RunAsUser", (8, 8, 0)),
    "confLOG_LEVEL": ("LogLevel", None),
    "confUSE_MSP": ("UseMSP", (8, 12, 0)),
    "confAUTH_OPTIONS": ("AuthOptions", None),
    "confAUTH_MECHANISMS": ("AuthMechanisms", None),
}


@pytest.mark.parametrize("macro", sorted(REFERENCE_MAP))
def test_reference_tls_mapping(macro):
    option, since = REFERENCE_MAP[macro]
    spec = mm.MACROS[macro]
    assert (spec.option, spec.emits) == (option, "option")
    if since is not None:
        assert spec.since == since
    assert mm.macro_for_option(option) == macro
    assert mm.macro_for_option(option.upper()) == macro      # cf names: any case


def test_no_cipher_suites_macro():
    assert "confCIPHER_SUITES" not in mm.MACROS
    assert mm.lookup("confCIPHER_SUITES", (8, 18, 1)) == ("unknown", None)
    assert mm.macro_for_option("CipherSuites") is None
    assert "LOCAL_CONFIG" in mm.SET_WITHOUT_MACRO["CipherSuites"]


def test_openssl_cnf_is_8_18_1():
    spec = mm.MACROS["confOPENSSL_CNF"]
    assert (spec.emits, spec.option, spec.since) == ("ossl", None, (8, 18, 1))
    assert spec.default == "/etc/mail/sendmail.ossl"


def test_tls_macros_are_in_the_table():
    assert mm.TLS_MACROS <= set(mm.MACROS)
    assert mm.TLS_MACROS >= set(REFERENCE_MAP) - {
        "confDONT_BLAME_SENDMAIL", "confTRUSTED_USER", "confRUN_AS_USER", "confLOG_LEVEL",
        "confUSE_MSP", "confAUTH_OPTIONS", "confAUTH_MECHANISMS"}


# ---------------------------------------------------------------------------------
# lookup(), macro_for_option(), suggest()
# ---------------------------------------------------------------------------------
def test_lookup_statuses():
    assert mm.lookup("confCIPHER_LIST", (8, 15, 1))[0] == "ok"
    assert mm.lookup("confCIPHER_LIST", (8, 14, 9))[0] == "later"
    assert mm.lookup("confCIPHER_LIST", "8.14")[0] == "later"
    assert mm.lookup("confCIPHER_LIST", "8.17.1.9")[0] == "ok"
    assert mm.lookup("confCRL_PATH", (8, 15, 2))[0] == "later"
    assert mm.lookup("confCRL_PATH", (8, 16))[0] == "ok"            # = 8.16.1
    assert mm.lookup("confTLS_FALLBACK_TO_CLEAR", (8, 16, 0))[0] == "later"
    assert mm.lookup("confSERVER_CERT", (8, 13))[0] == "ok"
    assert mm.lookup("confOPENSSL_CNF", (8, 18, 0, 2))[0] == "later"
    assert mm.lookup("confOPENSSL_CNF", "8.18.1")[0] == "ok"
    status, spec = mm.lookup("confSERVER_CERT", (8, 17, 1))
    assert status == "ok" and spec is mm.MACROS["confSERVER_CERT"]
    # m4 names are case-sensitive; misspellings are unknown
    for name in ("confserver_cert", "confCA_CERT", "confCRL_FILE", "confSERVER_CERTS"):
        assert mm.lookup(name, (8, 17, 1)) == ("unknown", None)
    # vendor-only macros
    assert mm.lookup("confREJECT_NUL", (8, 17, 1), "debian")[0] == "ok"
    assert mm.lookup("confREJECT_NUL", (8, 17, 1))[0] == "ok"
    status, spec = mm.lookup("confREJECT_NUL", (8, 17, 1), "upstream")
    assert status == "unknown" and spec is mm.MACROS["confREJECT_NUL"]


def test_lookup_removed():
    spec = mm.MacroSpec("confX", "X", "option", (8, 13, 0), until=(8, 15, 1))
    mm.MACROS["confX"] = spec
    try:
        assert mm.lookup("confX", (8, 15, 0))[0] == "ok"
        assert mm.lookup("confX", (8, 15, 1)) == ("removed", spec)
        assert mm.lookup("confX", (8, 12, 11)) == ("later", spec)
    finally:
        del mm.MACROS["confX"]


def test_obsolete_macros_are_marked():
    for macro in ("confDEF_GROUP_ID", "confREAD_TIMEOUT", "confAUTO_REBUILD",
                  "confDAEMON_OPTIONS", "confCLIENT_OPTIONS", "confUNSAFE_GROUP_WRITES",
                  "confMESSAGE_TIMEOUT"):
        assert mm.MACROS[macro].obsolete, macro
    # an obsolete macro is only given when there is no better way
    assert mm.macro_for_option("DaemonPortOptions") is None   # DAEMON_OPTIONS()
    assert mm.macro_for_option("ClientPortOptions") is None   # CLIENT_OPTIONS()
    assert mm.macro_for_option("UnsafeGroupWrites") == "confUNSAFE_GROUP_WRITES"
    assert mm.macro_for_option("Timeout.queuereturn") == "confTO_QUEUERETURN"


def test_macro_for_option():
    assert mm.macro_for_option("ServerCertFile") == "confSERVER_CERT"
    assert mm.macro_for_option("servercertfile") == "confSERVER_CERT"
    assert mm.macro_for_option("Timeout.starttls") == "confTO_STARTTLS"
    assert mm.macro_for_option("Milter.macros.eoh") == "confMILTER_MACROS_EOH"
    assert mm.macro_for_option("AliasFile") == "ALIAS_FILE"
    assert mm.macro_for_option("TimeZoneSpec") == "confTIME_ZONE"
    assert mm.macro_for_option("NoSuchOption") is None
    assert mm.macro_for_option("StrictTransportSecurity") is None


def test_suggest():
    assert mm.suggest("confCA_CERT")[0] == "confCACERT"
    assert mm.suggest("confCRL_FILE")[0] == "confCRL"
    assert mm.suggest("confserver_cert")[0] == "confSERVER_CERT"
    assert mm.suggest("confSERVER_CERTS")[0] == "confSERVER_CERT"
    assert "confSERVER_CERT" not in mm.suggest("confSERVER_CERT")


# ---------------------------------------------------------------------------------
# differential: real m4 + the installed sendmail-cf
# ---------------------------------------------------------------------------------
TLS_DEFINES = {
    "confSERVER_CERT": "/tmp/cflint-mc/srv-cert.pem",
    "confSERVER_KEY": "/tmp/cflint-mc/srv-key.pem",
    "confCLIENT_CERT": "/tmp/cflint-mc/clt-cert.pem",
    "confCLIENT_KEY": "/tmp/cflint-mc/clt-key.pem",
    "confCACERT": "/tmp/cflint-mc/ca-file.pem",
    "confCACERT_PATH": "/tmp/cflint-mc/ca-dir",
    "confCRL": "/tmp/cflint-mc/crl-file.pem",
    "confCRL_PATH": "/tmp/cflint-mc/crl-dir",
    "confDH_PARAMETERS": "/tmp/cflint-mc/dh.pem",
    "confRAND_FILE": "egd:/tmp/cflint-mc/egd",
    "confTLS_SRV_OPTIONS": "V",
    "confTO_STARTTLS": "17m",
    "confCIPHER_LIST": "HIGH:!aNULL:!MD5",
    "confSERVER_SSL_OPTIONS": "+SSL_OP_NO_TLSv1",
    "confCLIENT_SSL_OPTIONS": "+SSL_OP_NO_TLSv1_1",
    "confCERT_FINGERPRINT_ALGORITHM": "sha256",
    "confTLS_FALLBACK_TO_CLEAR": "true",
    "confSSL_ENGINE": "cflintengine",
    "confDONT_BLAME_SENDMAIL": "GroupReadableKeyFile",
    "confRUN_AS_USER": "cflintuser",
    "confTRUSTED_USER": "cflinttrusted",
    "confLOG_LEVEL": "14",
    "confAUTH_OPTIONS": "A,p",
    "confAUTH_MECHANISMS": "PLAIN LOGIN",
}


def test_m4_tls_defines_emit_the_predicted_options(m4, tmp_path, installed_version):
    defines = {k: v for k, v in TLS_DEFINES.items()
               if mm.lookup(k, installed_version)[0] == "ok"}
    assert len(defines) >= 15
    body = "".join(f"define(`{k}', `{v}')dnl\n" for k, v in defines.items())
    lines = _run_m4(m4, tmp_path, body)
    for macro, value in defines.items():
        expect = f"O {mm.MACROS[macro].option}={value}"
        assert expect in lines, f"{macro}: {expect!r} not in the m4 output"


def test_m4_empty_define_emits_bare_option(m4, tmp_path):
    lines = _run_m4(m4, tmp_path, "define(`confCERT_FINGERPRINT_ALGORITHM', `')dnl\n")
    assert "O CertFingerprintAlgorithm" in lines
    assert "#O ServerCertFile" in lines and "O ServerCertFile" not in lines


def test_m4_misspelt_macro_is_ignored(m4, tmp_path):
    lines = _run_m4(m4, tmp_path, "define(`confSERVER_CERTS', `/x.pem')dnl\n"
                                  "define(`confCA_CERT', `/y.pem')dnl\n")
    assert not [ln for ln in lines if "/x.pem" in ln or "/y.pem" in ln]
    assert mm.lookup("confSERVER_CERTS", (8, 17, 1))[0] == "unknown"


def _option_specs(version, vendor) -> list[mm.MacroSpec]:
    return [s for s in mm.MACROS.values()
            if s.emits == "option" and _applies(s, version, vendor)]


def test_m4_every_option_macro(m4, tmp_path, installed_version, installed_vendor):
    """Each option macro of this release, defined with its own value, gives exactly one
    O line with that value, for the option the table says."""
    specs = _option_specs(installed_version, installed_vendor)
    values = {s.macro: f"cfv{i}x" for i, s in enumerate(specs)}
    body = "".join(f"define(`{m}', `{v}')dnl\n" for m, v in values.items())
    body += "MAIL_FILTER(`cflintf', `S=local:/tmp/cflintf.sock')dnl\n"   # Milter.* lines
    lines = _run_m4(m4, tmp_path, body)
    wrong = []
    for s in specs:
        value = values[s.macro]
        hits = [ln for ln in lines if ln.startswith("O ") and ln.endswith("=" + value)]
        if hits != [f"O {s.option}={value}"]:
            wrong.append((s.macro, s.option, hits))
    assert not wrong, wrong


def test_m4_defaults_and_presets(m4, tmp_path, installed_version, installed_vendor):
    """Undefined, an _OPTION macro gives "#O Name=<default>" (ACTIVE_DEFAULT: an active
    line); cfhead.m4's presets give "O Name=<preset>"."""
    special = ("confTIME_ZONE", "confDAEMON_OPTIONS", "confCLIENT_OPTIONS")
    specs = [s for s in _option_specs(installed_version, installed_vendor)
             if s.macro not in special]
    filt = "MAIL_FILTER(`cflintf', `S=local:/tmp/cflintf.sock')dnl\n"
    preset = _run_m4(m4, tmp_path, filt)
    wrong = [(s.macro, s.preset) for s in specs
             if s.preset is not None and f"O {s.option}={s.preset}" not in preset]
    assert "#O TimeZoneSpec=" in preset                        # confTIME_ZONE USE_SYSTEM
    undef = "".join(f"undefine(`{s.macro}')dnl\n" for s in specs if s.preset is not None)
    plain = _run_m4(m4, tmp_path, undef + filt)
    for s in specs:
        if s.macro in mm.ACTIVE_DEFAULT:
            expect = f"O {s.option}={s.default}"
        elif s.default:
            expect = f"#O {s.option}={s.default}"
        else:
            expect = f"#O {s.option}"
        if expect not in plain:
            wrong.append((s.macro, expect))
    assert not wrong, wrong


def test_m4_d_lines(m4, tmp_path, installed_version):
    plain = _run_m4(m4, tmp_path, "")
    assert "#Dj$w.Foo.COM" in plain and "DnMAILER-DAEMON" in plain
    assert "#D{sendmailMTACluster}$m" in plain
    assert "#Ft/etc/mail/trusted-users" in plain
    body = ("define(`confDOMAIN_NAME', `mx.cflint.example')dnl\n"
            "define(`confMAILER_NAME', `CFLINT-DAEMON')dnl\n"
            "define(`confLDAP_CLUSTER', `cflintcluster')dnl\n"
            "define(`confCF_VERSION', `cflint-1')dnl\n")
    lines = _run_m4(m4, tmp_path, body)
    assert "Djmx.cflint.example" in lines and "DnCFLINT-DAEMON" in lines
    assert "D{sendmailMTACluster}cflintcluster" in lines
    version = ".".join(str(p) for p in installed_version)
    assert f"DZ{version}/cflint-1" in lines
