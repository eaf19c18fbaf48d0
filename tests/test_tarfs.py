"""TarFS: a tar archive as a read-only tree, never extracted, never written."""
from __future__ import annotations

import errno
import gzip
import io
import os
import stat
import tarfile
import time
from pathlib import Path

import pytest

from cflint.fs import EscapeError, FsError, NotRegularError, TooLargeError
from cflint.tarfs import TarFS, TarStat, is_archive

CF = b"V10/Berkeley\nO Bogus=1\n"
MTIME = 1_700_000_000


def member(name, type_=tarfile.REGTYPE, *, data=b"", mode=0o644, uid=0, gid=0,
           uname="root", gname="root", linkname="", mtime=MTIME, major=0, minor=0):
    ti = tarfile.TarInfo(name)
    ti.type = type_
    ti.mode = mode
    ti.uid, ti.gid, ti.uname, ti.gname = uid, gid, uname, gname
    ti.mtime = mtime
    ti.linkname = linkname
    ti.devmajor, ti.devminor = major, minor
    ti.size = len(data) if type_ == tarfile.REGTYPE else 0
    return ti, data


def build(path, members, mode="w:gz", fmt=tarfile.GNU_FORMAT):
    with tarfile.open(path, mode, format=fmt) as tf:
        for ti, data in members:
            tf.addfile(ti, io.BytesIO(data) if ti.type == tarfile.REGTYPE else None)
    return str(path)


def snapshot_members():
    D, R, S, H = tarfile.DIRTYPE, tarfile.REGTYPE, tarfile.SYMTYPE, tarfile.LNKTYPE
    return [
        member("./", D, mode=0o755),
        member("./etc", D, mode=0o755),
        member("./etc/mail", D, mode=0o775, gid=25, gname="smmsp"),
        member("tmp", D, mode=0o1777),
        member("./etc/passwd", R, data=b"root:x:0:0::/root:/bin/sh\nsmmsp:x:25:25::/:\n"),
        member("./etc/group", R, data=b"root:x:0:\nsmmsp:x:25:\nmail:x:8:\n"),
        # three spellings of member names
        member("./etc/mail/sendmail.cf", R, data=CF, mode=0o640, uid=0, gid=25,
               gname="smmsp"),
        member("etc/mail/submit.cf", R, data=CF, mode=0o644, uid=25, gid=25,
               uname="smmsp", gname="smmsp"),
        member("/etc/mail/access", R, data=b"", mode=0o600),
        # under a directory the archive does not hold
        member("./etc/mail/certs/key.pem", R, data=b"KEY", mode=0o600, uid=8, gid=8,
               uname="mail", gname="mail"),
        # symbolic links: relative, absolute, to a directory, dangling, escaping, loops
        member("./etc/mail/rel.cf", S, linkname="sendmail.cf", mode=0o777),
        member("./etc/mail/abs.cf", S, linkname="/etc/mail/sendmail.cf", mode=0o777),
        member("./etc/mail/tls", S, linkname="certs", mode=0o777),
        member("./etc/mail/chain.cf", S, linkname="rel.cf", mode=0o777),
        member("./etc/mail/dangling", S, linkname="nowhere", mode=0o777),
        member("./etc/mail/out-rel", S, linkname="../../../outside.cf", mode=0o777),
        member("./etc/mail/out-abs", S, linkname="/../outside.cf", mode=0o777),
        member("./etc/mail/in-dotdot", S, linkname="../passwd", mode=0o777),
        member("./etc/mail/loop1", S, linkname="loop2", mode=0o777),
        member("./etc/mail/loop2", S, linkname="/etc/mail/loop1", mode=0o777),
        member("./etc/mail/self", S, linkname="self", mode=0o777),
        # hard links
        member("./etc/mail/hard.cf", H, linkname="./etc/mail/sendmail.cf"),
        member("etc/mail/hard2.cf", H, linkname="etc/mail/sendmail.cf"),
        member("./etc/mail/hard-sym", H, linkname="etc/mail/rel.cf"),
        member("./etc/mail/hard-dangling", H, linkname="etc/mail/not-there"),
        # special files
        member("./etc/mail/console", tarfile.CHRTYPE, mode=0o620, gid=5, gname="tty",
               major=5, minor=1),
        member("./etc/mail/disk", tarfile.BLKTYPE, mode=0o660, gid=6, gname="disk",
               major=8, minor=0),
        member("./etc/mail/fifo", tarfile.FIFOTYPE, mode=0o600),
    ]


@pytest.fixture(params=[("w:gz", "host.tar.gz"), ("w:", "host.tar"),
                        ("w:bz2", "host.tar.bz2"), ("w:xz", "host.txz")],
                ids=["gz", "plain", "bz2", "xz"])
def snap(request, tmp_path):
    mode, name = request.param
    path = build(tmp_path / name, snapshot_members(), mode)
    with TarFS(path) as fs:
        yield fs


@pytest.fixture
def gz(tmp_path):
    with TarFS(build(tmp_path / "host.tgz", snapshot_members())) as fs:
        yield fs


def listing(root):
    return sorted((str(p.relative_to(root)), p.stat().st_size, p.stat().st_mtime_ns)
                  for p in root.rglob("*"))


# ---------------------------------------------------------------- the interface

def test_root_is_the_archive_and_names_are_display_only(gz, tmp_path):
    assert gz.root == str(tmp_path / "host.tgz")
    assert gz.root is not None
    d = gz.describe("/etc/mail/sendmail.cf")
    assert d == f"{tmp_path / 'host.tgz'}!/etc/mail/sendmail.cf"
    assert gz.host_path("/etc/mail/rel.cf") == f"{gz.root}!/etc/mail/sendmail.cf"
    assert gz.describe("/etc/mail/rel.cf") == f"{gz.root}!/etc/mail/rel.cf"
    for p in ("/etc/mail/sendmail.cf", "/etc/mail/rel.cf", "/nope", "/etc/mail/x/../y"):
        for s in (gz.host_path(p), gz.describe(p)):
            assert "!" in s and not os.path.exists(s)


def test_is_archive_by_name():
    for n in ("h.tar", "h.tar.gz", "H.TGZ", "h.tar.xz", "h.txz", "h.tar.bz2", "h.tbz2",
              "/x/y/h.tar.gz"):
        assert is_archive(n) and TarFS.is_archive(n)
    for n in ("h.gz", "h.zip", "sendmail.cf", "tar", "/etc/mail", "h.tar.zst"):
        assert not is_archive(n)


def test_member_name_spellings_are_one_tree(snap):
    assert snap.listdir("/") == ["etc", "tmp"]
    assert snap.listdir("/etc") == ["group", "mail", "passwd"]
    assert snap.read("/etc/mail/sendmail.cf") == CF
    assert snap.read("/etc/mail/submit.cf") == CF          # stored as etc/mail/...
    assert snap.read("/etc/mail/access") == b""            # stored as /etc/mail/...
    assert snap.read("etc/mail/sendmail.cf") == CF         # a relative query is absolute
    assert snap.read("//etc/./mail//sendmail.cf") == CF
    assert snap.read("/etc/mail/../mail/sendmail.cf") == CF


def test_listdir_sorted_and_following_links(snap):
    names = snap.listdir("/etc/mail")
    assert names == sorted(names)
    assert {"sendmail.cf", "submit.cf", "certs", "tls", "fifo", "console"} <= set(names)
    assert snap.listdir("/etc/mail/certs") == ["key.pem"]
    assert snap.listdir("/etc/mail/tls") == ["key.pem"]
    assert snap.listdir("/tmp") == []
    with pytest.raises(NotADirectoryError):
        snap.listdir("/etc/mail/sendmail.cf")
    with pytest.raises(FileNotFoundError):
        snap.listdir("/var")


def test_modes_owners_and_names(snap):
    st = snap.stat("/etc/mail/sendmail.cf")
    assert isinstance(st, TarStat)
    assert st.st_mode == stat.S_IFREG | 0o640
    assert (st.st_uid, st.st_gid, st.st_uname, st.st_gname) == (0, 25, "root", "smmsp")
    assert st.st_size == len(CF) and st.st_mtime == MTIME and st.st_nlink == 3
    assert not st.synthetic and st.member == "./etc/mail/sendmail.cf"
    st = snap.stat("/etc/mail/submit.cf")
    assert (st.st_uid, st.st_gid, st.st_uname, st.st_gname) == (25, 25, "smmsp", "smmsp")
    assert st.st_nlink == 1
    assert snap.stat("/etc").st_mode == stat.S_IFDIR | 0o755
    assert snap.stat("/etc/mail").st_mode == stat.S_IFDIR | 0o775
    assert snap.stat("/tmp").st_mode == stat.S_IFDIR | 0o1777
    assert snap.stat("/tmp").st_mode & stat.S_ISVTX
    assert snap.stat("/").st_mode == stat.S_IFDIR | 0o755 and not snap.stat("/").synthetic
    key = snap.stat("/etc/mail/certs/key.pem")
    assert (key.st_mode, key.st_uid, key.st_gname) == (stat.S_IFREG | 0o600, 8, "mail")


def test_paths_lists_the_index_without_following_links(tmp_path):
    path = build(tmp_path / "l.tgz", [member(n, tarfile.SYMTYPE, linkname="/")
                                      for n in ("a", "b", "c")]
                 + [member("etc/mail/sendmail.cf", data=CF)])
    with TarFS(path) as fs:
        assert fs.paths() == ["/", "/a", "/b", "/c", "/etc", "/etc/mail",
                              "/etc/mail/sendmail.cf"]
        assert fs.read("/a/b/c/etc/mail/sendmail.cf") == CF


def test_stat_result_shape(gz):
    st = gz.stat("/etc/mail/sendmail.cf")
    assert len(st) == 10 and st[stat.ST_MODE] == st.st_mode and st[stat.ST_UID] == 0
    assert tuple(st)[stat.ST_SIZE] == len(CF)
    real = st.stat_result()
    assert isinstance(real, os.stat_result)
    assert real.st_mode == st.st_mode and real.st_mtime == MTIME
    assert stat.filemode(st.st_mode) == "-rw-r-----"
    assert gz.stat("/etc/mail/sendmail.cf").st_ino == gz.stat("/etc/mail/hard.cf").st_ino
    assert gz.stat("/etc/mail/sendmail.cf").st_ino != gz.stat("/etc/mail/submit.cf").st_ino


def test_synthesised_directory(snap):
    st = snap.stat("/etc/mail/certs")
    assert st.synthetic and st.member is None
    assert (st.st_mode, st.st_uid, st.st_gid) == (stat.S_IFDIR | 0o755, 0, 0)
    assert snap.is_dir("/etc/mail/certs") and snap.exists("/etc/mail/certs/key.pem")
    assert not snap.stat("/etc/mail").synthetic


def test_synthesised_root_and_parents(tmp_path):
    path = build(tmp_path / "one.tgz", [member("/etc/mail/sendmail.cf", data=CF)])
    with TarFS(path) as fs:
        for d in ("/", "/etc", "/etc/mail"):
            st = fs.stat(d)
            assert st.synthetic and st.st_mode == 0o40755 and (st.st_uid, st.st_gid) == (0, 0)
        assert fs.listdir("/") == ["etc"]
        assert fs.read("/etc/mail/sendmail.cf") == CF


# ---------------------------------------------------------------- links

def test_stat_follows_lstat_does_not(snap):
    for link in ("/etc/mail/rel.cf", "/etc/mail/abs.cf", "/etc/mail/chain.cf"):
        assert snap.stat(link).st_mode == stat.S_IFREG | 0o640
        assert snap.read(link) == CF
        lst = snap.lstat(link)
        assert stat.S_ISLNK(lst.st_mode) and stat.S_IMODE(lst.st_mode) == 0o777
    assert snap.lstat("/etc/mail/rel.cf").st_size == len("sendmail.cf")
    assert snap.readlink("/etc/mail/abs.cf") == "/etc/mail/sendmail.cf"
    assert snap.readlink("/etc/mail/tls") == "certs"
    assert snap.is_dir("/etc/mail/tls")
    assert snap.read("/etc/mail/tls/key.pem") == b"KEY"
    assert snap.lstat("/etc/mail/tls/key.pem").member == "./etc/mail/certs/key.pem"
    assert snap.read("/etc/mail/in-dotdot").startswith(b"root:")  # ../passwd stays inside
    with pytest.raises(OSError) as e:
        snap.readlink("/etc/mail/sendmail.cf")
    assert e.value.errno == errno.EINVAL


def test_dangling_link(snap):
    assert stat.S_ISLNK(snap.lstat("/etc/mail/dangling").st_mode)
    with pytest.raises(FileNotFoundError) as e:
        snap.stat("/etc/mail/dangling")
    assert e.value.errno == errno.ENOENT
    assert not snap.exists("/etc/mail/dangling")


@pytest.mark.parametrize("link", ["/etc/mail/out-rel", "/etc/mail/out-abs"])
def test_link_escaping_the_archive_root(snap, link):
    assert stat.S_ISLNK(snap.lstat(link).st_mode)  # the link itself is in the archive
    for call in (snap.stat, snap.read, snap.listdir, snap.host_path):
        with pytest.raises(EscapeError) as e:
            call(link)
        assert "leaves the root" in str(e.value) and "\n" not in str(e.value)
    assert not snap.exists(link)


def test_dotdot_above_root_in_a_query(gz):
    """'/..' is '/', as on the host: a query never leaves the archive's root."""
    assert gz.read("/../etc/mail/sendmail.cf") == gz.read("/etc/mail/sendmail.cf")
    assert gz.read("/etc/../../etc/mail/sendmail.cf") == gz.read("/etc/mail/sendmail.cf")
    with pytest.raises(FileNotFoundError):
        gz.read("/etc/../../etc/missing")


@pytest.mark.parametrize("link", ["/etc/mail/loop1", "/etc/mail/self"])
def test_link_loop(snap, link):
    with pytest.raises(OSError) as e:
        snap.stat(link)
    assert e.value.errno == errno.ELOOP
    assert "Too many levels of symbolic links" in str(e.value)
    assert stat.S_ISLNK(snap.lstat(link).st_mode)
    with pytest.raises(OSError) as e:
        snap.read(link + "/x")
    assert e.value.errno == errno.ELOOP


def test_hard_links(snap):
    for p in ("/etc/mail/hard.cf", "/etc/mail/hard2.cf"):
        assert snap.read(p) == CF
        for st in (snap.stat(p), snap.lstat(p)):
            assert st.st_mode == stat.S_IFREG | 0o640
            assert (st.st_uid, st.st_gid, st.st_gname) == (0, 25, "smmsp")
            assert st.st_nlink == 3 and st.st_size == len(CF)
    # a hard link to a symbolic link is that link
    assert stat.S_ISLNK(snap.lstat("/etc/mail/hard-sym").st_mode)
    assert snap.read("/etc/mail/hard-sym") == CF
    with pytest.raises(FileNotFoundError):
        snap.stat("/etc/mail/hard-dangling")


def test_hard_link_is_the_member_before_it(tmp_path):
    path = build(tmp_path / "h.tgz", [
        member("etc/a", data=b"old"), member("etc/b", tarfile.LNKTYPE, linkname="etc/a"),
        member("etc/a", data=b"new one", mode=0o600)])
    with TarFS(path) as fs:
        assert fs.read("/etc/b") == b"old"
        assert fs.read("/etc/a") == b"new one"
        assert fs.stat("/etc/a").st_nlink == 1 and fs.stat("/etc/b").st_nlink == 1


def test_hard_link_to_a_directory_is_refused(tmp_path):
    path = build(tmp_path / "hd.tgz", [member("etc/mail", tarfile.DIRTYPE, mode=0o755),
                                       member("etc/alias", tarfile.LNKTYPE,
                                              linkname="etc/mail")])
    with TarFS(path) as fs:
        with pytest.raises(PermissionError):
            fs.listdir("/etc/alias")
        assert not fs.exists("/etc/alias")


def test_missing_and_through_a_file(snap):
    with pytest.raises(FileNotFoundError) as e:
        snap.stat("/etc/mail/nope.cf")
    assert e.value.errno == errno.ENOENT and e.value.filename == "/etc/mail/nope.cf"
    with pytest.raises(FileNotFoundError):
        snap.read("/var/mail/x")
    with pytest.raises(NotADirectoryError) as e:
        snap.stat("/etc/mail/sendmail.cf/x")
    assert e.value.errno == errno.ENOTDIR
    with pytest.raises(NotADirectoryError):
        snap.stat("/etc/mail/sendmail.cf/")
    assert not snap.exists("/etc/mail/nope.cf") and not snap.is_dir("/etc/mail/sendmail.cf")


# ---------------------------------------------------------------- reading

def test_devices_and_fifos_are_never_read(snap):
    chr_ = snap.stat("/etc/mail/console")
    assert chr_.st_mode == stat.S_IFCHR | 0o620 and chr_.st_rdev == os.makedev(5, 1)
    assert chr_.st_gname == "tty"
    assert snap.stat("/etc/mail/disk").st_mode == stat.S_IFBLK | 0o660
    assert snap.stat("/etc/mail/fifo").st_mode == stat.S_IFIFO | 0o600
    for p in ("/etc/mail/console", "/etc/mail/disk", "/etc/mail/fifo", "/etc/mail",
              "/etc/mail/tls"):
        with pytest.raises(NotRegularError):
            snap.read(p)


def test_size_limit(snap):
    assert snap.read("/etc/mail/sendmail.cf", len(CF)) == CF
    with pytest.raises(TooLargeError) as e:
        snap.read("/etc/mail/sendmail.cf", len(CF) - 1)
    assert "over the limit" in str(e.value)
    with pytest.raises(TooLargeError):
        snap.read("/etc/mail/rel.cf", 3)


def test_users_and_groups_are_in_the_tree(snap):
    assert b"smmsp:x:25:" in snap.read("/etc/group")
    assert snap.read("/etc/passwd").startswith(b"root:x:0:0:")


def test_nothing_is_written(tmp_path, monkeypatch):
    src = tmp_path / "in"
    src.mkdir()
    path = build(src / "host.tar.gz", snapshot_members())
    bad = [src / "empty.tgz", src / "garbage.tgz", src / "cut.tgz"]
    bad[0].write_bytes(b"")
    bad[1].write_bytes(b"garbage" * 100)
    bad[2].write_bytes(Path(path).read_bytes()[:200])
    monkeypatch.chdir(src)
    before = listing(tmp_path)
    with TarFS(path) as fs:
        fs.read("/etc/mail/sendmail.cf")
        fs.read("/etc/mail/tls/key.pem")
        fs.listdir("/etc/mail")
        for p in ("/etc/mail/fifo", "/etc/mail/console", "/etc/mail/out-rel"):
            with pytest.raises(OSError):
                fs.read(p)
    for b in bad:
        with pytest.raises(FsError):
            TarFS(str(b))
    assert listing(tmp_path) == before  # directory mtimes included
    assert not (tmp_path / "outside.cf").exists() and not (src / "etc").exists()


# ---------------------------------------------------------------- hostile archives

def assert_one_line(e: FsError, name: str):
    msg = str(e)
    assert type(e) is FsError
    assert "\n" not in msg and msg.startswith(name + ": ")
    assert not isinstance(e, (tarfile.TarError, EOFError))


def test_empty_file(tmp_path):
    (tmp_path / "host.tgz").write_bytes(b"")
    with pytest.raises(FsError) as e:
        TarFS(str(tmp_path / "host.tgz"))
    assert_one_line(e.value, str(tmp_path / "host.tgz"))
    assert "not a tar archive" in str(e.value)


@pytest.mark.parametrize("data", [b"garbage\n" * 200, b"x", b"\x1f\x8bnot gzip at all",
                                  b"BZh9 not bzip2", b"\xfd7zXZ\x00 not xz" * 10,
                                  os.urandom(4096)])
def test_not_a_tar(tmp_path, data):
    (tmp_path / "host.tgz").write_bytes(data)
    with pytest.raises(FsError) as e:
        TarFS(str(tmp_path / "host.tgz"))
    assert_one_line(e.value, str(tmp_path / "host.tgz"))


def test_gzip_of_something_else(tmp_path):
    (tmp_path / "host.tgz").write_bytes(gzip.compress(b"not a tar\n" * 100))
    with pytest.raises(FsError) as e:
        TarFS(str(tmp_path / "host.tgz"))
    assert_one_line(e.value, str(tmp_path / "host.tgz"))
    assert "not a tar archive" in str(e.value)


def test_unsupported_compression_is_named(tmp_path):
    (tmp_path / "host.tar.zst").write_bytes(b"\x28\xb5\x2f\xfd" + b"\0" * 100)
    with pytest.raises(FsError) as e:
        TarFS(str(tmp_path / "host.tar.zst"))
    assert "zstd" in str(e.value)


@pytest.mark.parametrize("mode,name", [("w:gz", "t.tgz"), ("w:bz2", "t.tbz2"),
                                       ("w:xz", "t.txz"), ("w:", "t.tar")])
def test_truncated(tmp_path, mode, name):
    members = [member(f"etc/f{i}", data=os.urandom(3000)) for i in range(5)]
    data = Path(build(tmp_path / "full", members, mode)).read_bytes()
    cut = tmp_path / name
    points = [len(data) // 3, len(data) // 2]
    if mode != "w:":
        points.append(len(data) - 1)  # only the trailer lost
    for n in points:
        cut.write_bytes(data[:n])
        with pytest.raises(FsError) as e:
            TarFS(str(cut))
        assert_one_line(e.value, str(cut))


def test_not_a_regular_file_as_archive(tmp_path):
    os.mkfifo(tmp_path / "fifo.tgz")
    t = time.monotonic()
    with pytest.raises(FsError) as e:
        TarFS(str(tmp_path / "fifo.tgz"))  # never blocks waiting for a writer
    assert time.monotonic() - t < 5
    assert "FIFO" in str(e.value)
    with pytest.raises(FsError):
        TarFS(str(tmp_path))
    with pytest.raises(FsError) as e:
        TarFS(str(tmp_path / "missing.tgz"))
    assert_one_line(e.value, str(tmp_path / "missing.tgz"))


def test_duplicate_members_last_wins(tmp_path):
    path = build(tmp_path / "dup.tgz", [
        member("etc/mail/sendmail.cf", data=b"first", mode=0o600),
        member("./etc/mail/sendmail.cf", data=b"second", mode=0o644, uid=25),
        member("etc/mail", tarfile.DIRTYPE, mode=0o700),
        member("/etc/mail/", tarfile.DIRTYPE, mode=0o755),
        member("etc/mail/kind", data=b"file"),
        member("etc/mail/kind", tarfile.SYMTYPE, linkname="sendmail.cf"),
    ])
    with TarFS(path) as fs:
        assert fs.read("/etc/mail/sendmail.cf") == b"second"
        st = fs.stat("/etc/mail/sendmail.cf")
        assert (st.st_mode, st.st_uid) == (stat.S_IFREG | 0o644, 25)
        assert fs.stat("/etc/mail").st_mode == stat.S_IFDIR | 0o755
        assert stat.S_ISLNK(fs.lstat("/etc/mail/kind").st_mode)
        assert fs.listdir("/etc/mail") == ["kind", "sendmail.cf"]
        assert any("more than once" in n for n in fs.notes)


def test_a_file_where_a_directory_would_be(tmp_path):
    path = build(tmp_path / "f.tgz", [member("etc", data=b"a file"),
                                      member("etc/mail/sendmail.cf", data=CF)])
    with TarFS(path) as fs:
        assert not fs.stat("/etc").synthetic
        with pytest.raises(NotADirectoryError):
            fs.read("/etc/mail/sendmail.cf")


def test_member_names_leaving_the_root(tmp_path):
    path = build(tmp_path / "evil.tgz", [
        member("etc/mail/sendmail.cf", data=CF),
        member("../../etc/mail/evil.cf", data=b"evil"),
        member("etc/mail/../../../x.cf", data=b"evil"),
        member("/etc/mail/abs.cf", data=b"absolute is fine"),
        member("etc/mail/../mail/ok.cf", data=b"ok"),
        member("etc/mail/hardout", tarfile.LNKTYPE, linkname="../../etc/shadow"),
        member("../", tarfile.DIRTYPE, mode=0o777),
    ])
    with TarFS(path) as fs:
        assert fs.read("/etc/mail/abs.cf") == b"absolute is fine"
        assert fs.read("/etc/mail/ok.cf") == b"ok"
        assert fs.read("/etc/mail/sendmail.cf") == CF
        assert "evil.cf" in fs.listdir("/etc/mail")  # recorded, visible...
        for p in ("/etc/mail/evil.cf", "/x.cf", "/etc/mail/hardout"):
            with pytest.raises(EscapeError) as e:  # ...and refused
                fs.read(p)
            assert "leaves the root" in str(e.value)
            with pytest.raises(EscapeError):
                fs.lstat(p)
            assert not fs.exists(p)
        assert fs.stat("/").st_mode == 0o40755  # "../" did not replace the root
        assert sum("leaves the root" in n for n in fs.notes) == 3


def test_very_many_members(tmp_path):
    members = [member(f"etc/d{i % 50}/f{i}", data=b"x") for i in range(20000)]
    path = build(tmp_path / "many.tgz", members)
    t = time.monotonic()
    with TarFS(path) as fs:
        assert len(fs.listdir("/etc")) == 50
        assert fs.read("/etc/d7/f19957") == b"x"
    assert time.monotonic() - t < 60
    with pytest.raises(FsError) as e:
        TarFS(path, max_members=1000)
    assert "more than 1000 members" in str(e.value)


def test_header_bomb_is_refused_quickly(tmp_path):
    raw = io.BytesIO()
    ti = tarfile.TarInfo("././@PaxHeader")
    ti.type = tarfile.XHDTYPE
    ti.size = 3 * 1024 ** 3  # a pax header claiming 3 GiB, of zeros that compress away
    raw.write(ti.tobuf(format=tarfile.USTAR_FORMAT))
    with gzip.open(tmp_path / "bomb.tgz", "wb") as g:
        g.write(raw.getvalue())
        for _ in range(16):
            g.write(b"\0" * (1 << 20))
    t = time.monotonic()
    with pytest.raises(FsError) as e:
        TarFS(str(tmp_path / "bomb.tgz"))
    assert time.monotonic() - t < 5
    assert_one_line(e.value, str(tmp_path / "bomb.tgz"))


def test_decompressed_size_cap(tmp_path):
    path = build(tmp_path / "big.tgz", [member("etc/big", data=b"\0" * (1 << 20)),
                                        member("etc/small", data=b"x")])
    with pytest.raises(FsError) as e:
        TarFS(path, max_bytes=512 * 1024)
    assert "refused" in str(e.value)
    with TarFS(path) as fs:
        assert fs.stat("/etc/big").st_size == 1 << 20


def test_negative_size_does_not_loop(tmp_path):
    out = io.BytesIO()
    a = tarfile.TarInfo("etc/a")
    out.write(a.tobuf(format=tarfile.USTAR_FORMAT))
    b = tarfile.TarInfo("etc/b")
    b.pax_headers = {"size": "-2048"}  # would send tarfile back to an earlier header
    out.write(b.tobuf(format=tarfile.PAX_FORMAT))
    out.write(b"\0" * 10240)
    (tmp_path / "neg.tar").write_bytes(out.getvalue())
    t = time.monotonic()
    with pytest.raises(FsError) as e:
        TarFS(str(tmp_path / "neg.tar"))
    assert time.monotonic() - t < 5
    assert_one_line(e.value, str(tmp_path / "neg.tar"))


def test_empty_tar_is_an_empty_tree(tmp_path):
    path = build(tmp_path / "empty.tar", [], "w:")
    with TarFS(path) as fs:
        assert fs.listdir("/") == [] and fs.stat("/").synthetic


def test_closed_view_refuses_reads(tmp_path):
    fs = TarFS(build(tmp_path / "c.tgz", [member("etc/a", data=b"a")]))
    fs.close()
    assert fs.stat("/etc/a").st_size == 1  # the index stays
    with pytest.raises(FsError):
        fs.read("/etc/a")
