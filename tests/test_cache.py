"""The .mc expansion cache (cflint.mc.adapter.mc_to_cf_cached, cflint.cache): a hit gives
what a cold run gives; a changed .mc or included file misses; an unwritable cache
directory, a corrupt entry and key material only mean no caching."""
import dataclasses
import glob
import os

import pytest

from cflint.mc import adapter
from sendmail_judge import unavailable

CF_M4 = "/usr/share/sendmail/cf/m4/cf.m4"


@pytest.fixture(autouse=True)
def _need_sendmail_cf():
    if not os.path.exists(CF_M4):  # fails under CI=true, where the set-up installs it
        unavailable("sendmail-cf is not installed (the .mc expansion reads cf.m4)")


def read(path):
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            return fh.read()
    except OSError:
        return None


def mc_text(extra):
    return (f"include(`{CF_M4}')dnl\nOSTYPE(`debian')dnl\ninclude(`{extra}')dnl\n"
            "define(`confLOG_LEVEL', `9')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n")


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    extra = tmp_path / "tls.m4"
    extra.write_text("define(`confSERVER_CERT', `/etc/mail/tls/a.crt')dnl\n")
    mc = tmp_path / "sendmail.mc"
    mc.write_text(mc_text(extra))
    return tmp_path, mc, extra


def entries(tmp_path):
    return glob.glob(str(tmp_path / "cache" / "cflint" / "mc-expansion-*"))


def option(doc, name):
    return [o.value for o in doc.options if o.name == name][-1]


def run(mc):
    return adapter.mc_to_cf_cached(mc.read_text(), str(mc), read)


def no_expansion(monkeypatch):
    def fail(*a, **k):
        raise AssertionError("expanded again: the cache was not used")

    monkeypatch.setattr(adapter, "mc_to_cf", fail)


def test_hit_is_the_cold_result(tree, monkeypatch):
    tmp, mc, _ = tree
    cold_doc, cold_info = adapter.mc_to_cf(mc.read_text(), str(mc), read)
    run(mc)  # fills the cache
    assert len(entries(tmp)) == 1
    no_expansion(monkeypatch)
    doc, info = run(mc)
    assert cold_info.complete and info.complete
    assert doc == cold_doc
    assert dataclasses.replace(info, m4=None, doc=None) == \
        dataclasses.replace(cold_info, m4=None, doc=None)
    assert dataclasses.astuple(info.doc) == dataclasses.astuple(cold_info.doc)  # McCall: eq=False
    assert option(doc, "ServerCertFile") == "/etc/mail/tls/a.crt"


def test_changed_mc_misses(tree):
    tmp, mc, _ = tree
    run(mc)
    mc.write_text(mc.read_text().replace("`9'", "`7'"))
    doc, info = run(mc)
    assert option(doc, "LogLevel") == "7" and info.m4 is not None  # expanded, not cached
    assert len(entries(tmp)) == 2


def test_changed_included_file_misses(tree):
    tmp, mc, extra = tree
    run(mc)
    extra.write_text("define(`confSERVER_CERT', `/etc/mail/tls/b.crt')dnl\n")
    doc, info = run(mc)
    assert option(doc, "ServerCertFile") == "/etc/mail/tls/b.crt" and info.m4 is not None
    extra.unlink()  # a file that went missing is a change too
    doc, _ = run(mc)
    assert not [o for o in doc.options if o.name == "ServerCertFile"]


def test_unwritable_cache_dir(tree, monkeypatch):
    tmp, mc, _ = tree
    blocker = tmp / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # cflint/ cannot be made under it
    doc, info = run(mc)
    assert info.complete and option(doc, "LogLevel") == "9"
    assert os.path.getsize(blocker) == 0 and not entries(tmp)


def test_corrupt_entry_is_ignored(tree):
    tmp, mc, _ = tree
    cold, _ = run(mc)
    (entry,) = entries(tmp)
    for junk in (b"", b"\x80\x05garbage", b"not a pickle at all"):
        with open(entry, "wb") as fh:
            fh.write(junk)
        doc, info = run(mc)
        assert doc == cold and info.m4 is not None  # expanded again
    doc, info = run(mc)  # and the entry was written again
    assert doc == cold and info.m4 is None


def test_key_material_is_never_cached(tree):
    tmp, mc, extra = tree
    extra.write_text("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----\n")
    run(mc)
    assert not entries(tmp)
    assert b"MIIEvQIBADANBg" not in b"".join(
        open(p, "rb").read() for p in glob.glob(str(tmp / "cache" / "**"), recursive=True)
        if os.path.isfile(p))
