"""A plain ``cflint check`` of a .cf imports only what it needs: no audit, no live
machinery, no .mc reader or m4 interpreter, no output format it was not asked for; and
once the cache holds a file's parse (or an .mc's expansion), neither lark nor the m4
interpreter."""
import pytest

from cflint_probe import run_cflint

CF = """V10/Berkeley
O LogLevel=9
O ServerCertFile=/nonexistent/cert.pem
Mlocal, P=/usr/lib/sm.bin/mail.local, F=lsDFMAw5:/|@qPSXfmnz9, A=mail.local -l
"""

NEVER = ("cflint.audit", "cflint.formats.audit", "cflint.formats.json", "cflint.formats.sarif",
         "cflint.formats.github", "cflint.mc.parser", "cflint.mc.m4eval", "cflint.tarfs",
         "cryptography", "tarfile", "importlib.metadata",
         "difflib", "datetime")  # (only for a suggestion, a date or a certificate)


MC = """include(`/usr/share/sendmail/cf/m4/cf.m4')dnl
define(`confSERVER_CERT', `/nonexistent/cert.pem')dnl
MAILER(`local')dnl
"""


def probe(path, cache) -> set[str]:
    out, modules = run_cflint(["check", path, "--fail-on", "never"], cache)
    assert "CF" in out  # it did lint
    return modules


@pytest.fixture(scope="module")
def modules(tmp_path_factory):
    d = tmp_path_factory.mktemp("startup")
    (d / "sendmail.cf").write_text(CF)  # no sendmail.mc beside it
    return probe(d / "sendmail.cf", d / "cache")


@pytest.mark.parametrize("with_mc", (False, True))
def test_warm_cache_needs_no_parser(tmp_path, with_mc):
    (tmp_path / "sendmail.cf").write_text(CF)
    if with_mc:
        (tmp_path / "sendmail.mc").write_text(MC)
    cold = probe(tmp_path / "sendmail.cf", tmp_path / "cache")
    assert "lark" in cold and ("cflint.mc.parser" in cold) == with_mc
    warm = probe(tmp_path / "sendmail.cf", tmp_path / "cache")
    assert not {m for m in warm if m == "lark" or m.startswith("lark.")}
    assert not warm & {"cflint.mc.m4eval", "cflint.mc.larkglue", "cflint.mc.parser"}
    assert ("cflint.mc.document" in warm) == with_mc  # the cached document's classes


@pytest.mark.parametrize("name", NEVER)
def test_not_imported(modules, name):
    assert not {m for m in modules if m == name or m.startswith(name + ".")}


@pytest.mark.parametrize("name", ("cflint.live", "cflint.mc"))
def test_not_imported_by_the_rule_pack(modules, name):
    assert name not in modules
