"""The cache (cflint.cache) of .cf parses (cflint.cf.parser.parse_cached) and .mc
expansions (cflint.mc.adapter.mc_to_cf_cached): a hit gives what a cold run gives; a
changed .cf, .mc or included file misses; an unwritable cache directory, a corrupt entry
and key material only mean no caching; each kind keeps its newest entries."""
import dataclasses
import glob
import os

import pytest

from cflint import cache
from cflint.cf import parser as cf_parser
from cflint.mc import adapter
from sendmail_judge import unavailable

CF_M4 = "/usr/share/sendmail/cf/m4/cf.m4"


@pytest.fixture
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
def tree(tmp_path, monkeypatch, _need_sendmail_cf):
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


# ---------------------------------------------------------------- .cf parses

CF = "V10/Berkeley\nDZ8.17.1\nO LogLevel=9\nO ServerCertFile=/etc/mail/tls/a.crt # c\n"


@pytest.fixture
def cf_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return lambda: glob.glob(str(tmp_path / "cache" / "cflint" / "cf-parse-*"))


def test_cf_hit_is_the_cold_result(cf_cache, monkeypatch):
    cold = cf_parser.parse(CF)
    assert cf_parser.parse_cached(CF) == cold and len(cf_cache()) == 1

    def fail(text):
        raise AssertionError("parsed again: the cache was not used")

    monkeypatch.setattr(cf_parser, "parse", fail)
    hit = cf_parser.parse_cached(CF)
    assert hit == cold
    assert [(o.name, o.value, o.line) for o in hit.options] == \
        [("LogLevel", "9", 3), ("ServerCertFile", "/etc/mail/tls/a.crt", 4)]


def test_cf_changed_text_misses(cf_cache):
    cf_parser.parse_cached(CF)
    doc = cf_parser.parse_cached(CF.replace("=9", "=7"))
    assert [o.value for o in doc.options if o.name == "LogLevel"] == ["7"]
    assert len(cf_cache()) == 2


def test_cf_changed_parser_code_misses(cf_cache, monkeypatch):
    cf_parser.parse_cached(CF)
    monkeypatch.setitem(cache._code_ids, cf_parser._CODE, b"another cflint")
    cf_parser.parse_cached(CF)
    assert len(cf_cache()) == 2


def test_cf_key_material_is_never_cached(cf_cache, tmp_path):
    text = CF + "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----\n"
    assert cf_parser.parse_cached(text).options
    assert not cf_cache()


def test_cf_unwritable_cache_dir(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert cf_parser.parse_cached(CF) == cf_parser.parse(CF)
    assert os.path.getsize(blocker) == 0


def test_each_kind_keeps_its_newest_entries(cf_cache, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "KEEP", 3)
    d = tmp_path / "cache" / "cflint"
    d.mkdir(parents=True)
    other = d / "mc-expansion-0000.pickle"   # another kind: not counted, not removed
    other.write_bytes(b"")
    texts = [CF.replace("=9", f"={n}") for n in range(5)]
    code = cache.code_id(cf_parser._CODE)
    paths = [cache.entry_path(str(d), "cf-parse", code, t) for t in texts]
    for n, (text, path) in enumerate(zip(texts, paths)):
        cf_parser.parse_cached(text)
        os.utime(path, ns=(0, (n + 1) * 10**9))  # written in this order, whatever the clock
    assert sorted(cf_cache()) == sorted(paths[2:]) and other.exists()


def _classes_in(path):
    """Every (module, name) an entry's pickle refers to."""
    import pickle

    found = set()

    class Recording(pickle.Unpickler):
        def find_class(self, module, name):
            found.add((module, name))
            return super().find_class(module, name)

    with open(path, "rb") as fh:
        Recording(fh).load()
    return found


@pytest.mark.parametrize("kind,code", [("mc-expansion", adapter._CODE),
                                       ("cf-parse", cf_parser._CODE)])
def test_every_class_an_entry_holds_is_part_of_its_key(tree, kind, code):
    """A cached object is only as good as the classes it is rebuilt into: every cflint
    module whose classes an entry holds is one of the source files its key covers, so a
    change to any of them is a miss, never an old entry loaded into a new class."""
    tmp, mc, _ = tree
    run(mc)
    cf_parser.parse_cached(CF)
    paths = glob.glob(str(tmp / "cache" / "cflint" / f"{kind}-*"))
    assert paths
    modules = {m for p in paths for m, _ in _classes_in(p) if m.startswith("cflint")}
    if kind == "mc-expansion":
        assert "cflint.cache" in modules  # lark tokens are kept as cache.Piece
    files = {m.removeprefix("cflint.").replace(".", "/") + ".py" for m in modules}
    assert files <= set(code), files - set(code)
