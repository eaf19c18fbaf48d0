"""A read-only view of a tar archive: lint ``tar czf host.tar.gz /etc/mail`` without
extracting it.

:class:`TarFS` offers the interface of :class:`cflint.fs.RootFS` (``root``, ``stat``,
``lstat``, ``readlink``, ``listdir``, ``exists``, ``lexists``, ``is_dir``, ``read``,
``host_path``, ``describe``) over the member index of an archive, read once when the view is made;
``paths()`` lists that index (no link followed) and ``notes`` the oddities met in it.
Paths are absolute in-archive paths (``/etc/mail/sendmail.cf``). Nothing is extracted and
nothing is written anywhere; member data is read from the archive only by :meth:`read`.

What the view shows is the tree ``tar x`` would leave behind:

- member names ``etc/mail/x``, ``./etc/mail/x`` and ``/etc/mail/x`` are the same path;
  of duplicate members the last one wins;
- directories absent from the archive are synthesised (mode ``0o40755``, owner 0:0, no
  owner names) and their stat says ``synthetic=True``;
- symbolic links are resolved by hand inside the archive (absolute targets from the
  archive's root, relative ones from the link's directory); one that would leave it
  (``..`` above ``/``) raises :class:`~cflint.fs.EscapeError`, never resolved outside;
- a hard link (``LNKTYPE``) is the member it names, as that member stood *before* the link
  in the archive (what extraction links to); it reads and stats as that member, and
  ``st_nlink`` counts the names that share it;
- a member whose name climbs above the root (``../../etc/x``) is recorded where tar would
  strip it to (``/etc/x``) but marked: any lookup that lands on it raises EscapeError.

Stat results are :class:`TarStat` objects: the ``os.stat_result`` attributes (and tuple
indexes 0-9) plus ``st_rdev``, ``st_uname``, ``st_gname`` (the names the archive records),
``synthetic`` and ``member`` (the member's name as stored, ``None`` when synthesised).

A bad archive (empty, not a tar, truncated or corrupt compressed data, hostile headers,
too many members) raises :class:`~cflint.fs.FsError` with a one-line message when the view
is made. Compression is recognised by its magic bytes (gzip, bzip2, xz, as
``tarfile.open(path, "r:*")`` does); the decompressed stream is handed to tarfile through a
guard that bounds the decompressed size and the size of any one header read, so a
compression bomb cannot exhaust memory or time.
"""
from __future__ import annotations

import bz2
import errno
import gzip
import lzma
import math
import os
import posixpath
import stat as stat_mod
import tarfile
import threading
from dataclasses import dataclass
from typing import Iterator

from .fs import ARCHIVE_SUFFIXES  # noqa: F401  (the one list lives in the light module)
from .fs import (DEFAULT_READ_LIMIT, EscapeError, FsError, NotRegularError, TooLargeError,
                 ViewQueries)
from .fs import is_archive as _fs_is_archive
from .pathwalk import resolve

#: members indexed at most; a bigger archive is refused (FsError)
MAX_MEMBERS = 500_000
#: decompressed bytes a compressed archive may span; beyond, it is refused
MAX_BYTES = 4 * 1024 * 1024 * 1024
#: the largest single header read (pax extended header, GNU long name) while indexing
MAX_HEADER = 8 * 1024 * 1024

_HARD = -1  # entry kind of an LNKTYPE member (the other kinds are the S_IF* type bits)


def is_archive(path: str) -> bool:
    """Whether ``path`` names a tar archive, by its name (case-insensitive)."""
    return _fs_is_archive(path)


@dataclass(frozen=True, slots=True)
class TarStat:
    """A member's metadata, shaped like ``os.stat_result`` (which cannot be subclassed).

    ``st_*time`` are floats (all three the member's mtime); indexes 0-9 give the integer
    10-tuple of ``os.stat_result``. ``st_dev`` is 0; ``st_ino`` is unique per member in
    this view (hard links share their target's). Extras: ``st_rdev`` (devices),
    ``st_uname``/``st_gname`` (names recorded in the archive, "" if none),
    ``synthetic`` (a directory the archive does not contain), ``member`` (the stored name).
    """

    st_mode: int
    st_ino: int
    st_dev: int
    st_nlink: int
    st_uid: int
    st_gid: int
    st_size: int
    st_atime: float
    st_mtime: float
    st_ctime: float
    st_rdev: int = 0
    st_uname: str = ""
    st_gname: str = ""
    synthetic: bool = False
    member: str | None = None

    def _tuple(self) -> tuple[int, ...]:
        return (self.st_mode, self.st_ino, self.st_dev, self.st_nlink, self.st_uid,
                self.st_gid, self.st_size, int(self.st_atime), int(self.st_mtime),
                int(self.st_ctime))

    def __getitem__(self, i):
        return self._tuple()[i]

    def __len__(self) -> int:
        return 10

    def __iter__(self) -> Iterator[int]:
        return iter(self._tuple())

    def stat_result(self) -> os.stat_result:
        """The same data as a real ``os.stat_result`` (without the extras)."""
        return os.stat_result(self._tuple(), {
            "st_atime": self.st_atime, "st_mtime": self.st_mtime, "st_ctime": self.st_ctime,
            "st_rdev": self.st_rdev})


class _Entry:
    """One name in the view."""

    __slots__ = ("path", "kind", "info", "synthetic", "escaping", "target",
                 "link_escapes", "ino")

    def __init__(self, path: str, kind: int, info: tarfile.TarInfo | None, ino: int,
                 synthetic: bool = False):
        self.path = path
        self.kind = kind
        self.info = info
        self.synthetic = synthetic
        self.escaping = False      # the member's own name climbs above the root
        self.target: _Entry | None = None   # hard links: the member linked to
        self.link_escapes = False  # hard links: the name linked to climbs above the root
        self.ino = ino


class _Refused(FsError):
    """The guard refused a read while indexing (bomb, oversized header)."""


class _Guard:
    """What tarfile reads from: the (decompressed) stream, with bounds."""

    def __init__(self, inner, name: str, limit: int | None, max_read: int | None):
        self.inner = inner
        self.name = name
        self.limit = limit        # decompressed bytes (compressed archives only)
        self.max_read = max_read  # one read, while indexing

    def read(self, n: int | None = -1) -> bytes:
        if n is None or n < 0:
            raise _Refused("an unbounded read")
        if self.max_read is not None and n > self.max_read:
            raise _Refused(f"a header of {n} bytes (over the limit of {self.max_read})")
        if self.limit is not None and self.inner.tell() + n > self.limit:
            raise _Refused(f"more than {self.limit} bytes once decompressed")
        return self.inner.read(n)

    def seek(self, pos: int, whence: int = 0) -> int:
        if whence == 0 and self.limit is not None and pos > self.limit:
            raise _Refused(f"more than {self.limit} bytes once decompressed")
        return self.inner.seek(pos, whence)

    def tell(self) -> int:
        return self.inner.tell()


def _normalise(name: str) -> tuple[str, bool]:
    """A member or link name as an absolute in-archive path, and whether it climbed
    above the root (the ``..`` are then dropped, as tar strips them)."""
    parts: list[str] = []
    escaped = False
    for p in name.split("/"):
        if p in ("", "."):
            continue
        if p == "..":
            if parts:
                parts.pop()
            else:
                escaped = True
            continue
        parts.append(p)
    return "/" + "/".join(parts), escaped


def _one_line(e: BaseException) -> str:
    text = str(e).strip()
    line = text.splitlines()[0].rstrip(":").strip() if text else ""
    return line or type(e).__name__


def _kind_name(mode: int) -> str:
    for test, name in ((stat_mod.S_ISDIR, "a directory"), (stat_mod.S_ISFIFO, "a FIFO"),
                       (stat_mod.S_ISSOCK, "a socket"), (stat_mod.S_ISCHR, "a device"),
                       (stat_mod.S_ISBLK, "a device")):
        if test(mode):
            return name
    return "not a regular file"


_UNSUPPORTED = ((b"\x28\xb5\x2f\xfd", "zstd"), (b"LZIP", "lzip"), (b"\x1f\x9d", "compress"),
                (b"\x04\x22\x4d\x18", "lz4"))


class TarFS(ViewQueries):
    """A tar archive as a read-only tree (see the module documentation)."""

    is_archive = staticmethod(is_archive)

    def __init__(self, path: str, *, max_members: int = MAX_MEMBERS,
                 max_bytes: int = MAX_BYTES, max_header: int = MAX_HEADER):
        self.archive = os.fspath(path)
        self.root = os.path.abspath(self.archive)
        self.notes: list[str] = []  # oddities met while indexing (duplicates, escapes)
        self._index: dict[str, _Entry] = {}
        self._children: dict[str, list[str]] = {}
        self._nlink: dict[int, int] = {}
        self._lock = threading.Lock()
        self._raw = self._stream = self._tar = None
        self._ino = 0
        try:
            self._open(max_members, max_bytes, max_header)
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------ opening
    def _fail(self, why: str) -> FsError:
        return FsError(f"{self.archive}: {why}")

    def _open(self, max_members: int, max_bytes: int, max_header: int) -> None:
        name = self.archive
        try:
            fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as e:
            raise self._fail(f"cannot open: {e.strerror or e}") from None
        try:
            st = os.fstat(fd)
        except OSError as e:
            os.close(fd)
            raise self._fail(f"cannot open: {e.strerror or e}") from None
        if not stat_mod.S_ISREG(st.st_mode):
            os.close(fd)
            raise self._fail(f"{_kind_name(st.st_mode)}, not a tar archive")
        self._raw = os.fdopen(fd, "rb")
        if st.st_size == 0:
            raise self._fail("not a tar archive (empty file)")
        try:
            magic = self._raw.read(6)
            self._raw.seek(0)
        except OSError as e:
            raise self._fail(f"cannot read: {e.strerror or e}") from None
        comp = None
        if magic.startswith(b"\x1f\x8b"):
            comp, self._stream = "gzip", gzip.GzipFile(fileobj=self._raw, mode="rb")
        elif magic.startswith(b"BZh"):
            comp, self._stream = "bzip2", bz2.BZ2File(self._raw, "rb")
        elif magic.startswith(b"\xfd7zXZ\x00"):
            comp, self._stream = "xz", lzma.LZMAFile(self._raw, "rb")
        else:
            for m, what in _UNSUPPORTED:
                if magic.startswith(m):
                    raise self._fail(f"compressed with {what}, which cflint cannot read "
                                     "(use gzip, bzip2 or xz)")
            self._stream = self._raw
        guard = _Guard(self._stream, name, max_bytes if comp else None, max_header)
        what = f"{comp} data: " if comp else ""
        try:
            # the stream is decompressed already (by magic, as "r:*" would choose)
            self._tar = tarfile.open(fileobj=guard, mode="r:")
        except _Refused as e:
            raise self._fail(f"refused: {e}") from None
        except EOFError as e:
            raise self._fail(f"not a tar archive ({comp or 'tar'} data ends early: "
                             f"{_one_line(e)})") from None
        except Exception as e:  # tarfile, gzip, bz2, lzma: every way a stream is bad
            raise self._fail(f"not a tar archive ({what}{_one_line(e)})") from None

        count = 0
        prev = -1

        def after() -> str:
            return f"after {count} member{'' if count == 1 else 's'}"

        try:
            while True:
                m = self._tar.next()
                if m is None:
                    break
                count += 1
                if count > max_members:
                    raise self._fail(f"more than {max_members} members; refused")
                if m.offset <= prev or m.size < 0:
                    raise self._fail(f"corrupt archive: member {m.name!r} has a bad "
                                     "offset or size")
                prev = m.offset
                if comp and m.offset_data + m.size > max_bytes:
                    raise self._fail(f"refused: more than {max_bytes} bytes once "
                                     "decompressed")
                self._add(m)
            if comp:
                # the rest of the compressed stream (padding, trailer): a truncated or
                # damaged one is refused even when the tar data ended before the damage
                while guard.tell() < max_bytes:
                    if not guard.inner.read(min(1 << 20, max_bytes - guard.tell())):
                        break
        except FsError as e:
            if isinstance(e, _Refused):
                raise self._fail(f"refused: {e}") from None
            raise
        except EOFError as e:
            raise self._fail(f"truncated archive {after()} ({comp or 'tar'} "
                             f"data ends early: {_one_line(e)})") from None
        except Exception as e:
            raise self._fail(f"truncated or corrupt archive {after()} "
                             f"({what}{_one_line(e)})") from None
        guard.max_read = None
        self._tar.members = []  # the view keeps its own index
        self._finish()

    def _new_ino(self) -> int:
        self._ino += 1
        return self._ino

    def _add(self, m: tarfile.TarInfo) -> None:
        path, escaped = _normalise(m.name)
        if m.islnk():
            kind = _HARD
        elif m.issym():
            kind = stat_mod.S_IFLNK
        elif m.isdir():
            kind = stat_mod.S_IFDIR
        elif m.ischr():
            kind = stat_mod.S_IFCHR
        elif m.isblk():
            kind = stat_mod.S_IFBLK
        elif m.isfifo():
            kind = stat_mod.S_IFIFO
        else:  # regular, contiguous, sparse, and unknown types (tar extracts them so)
            kind = stat_mod.S_IFREG
        if path == "/" and (escaped or kind != stat_mod.S_IFDIR):
            self.notes.append(f"member {m.name!r} names the root (or above it) but is "
                              "not a plain directory there; ignored")
            return
        entry = _Entry(path, kind, m, self._new_ino())
        if escaped:
            entry.escaping = True
            self.notes.append(f"member {m.name!r} leaves the root of the archive")
        if kind == _HARD:
            target, up = _normalise(m.linkname)
            if up:
                entry.link_escapes = True
                self.notes.append(f"hard link {m.name!r} -> {m.linkname!r} leaves the "
                                  "root of the archive")
            else:
                entry.target = self._index.get(target)  # as it stands before the link
        if path in self._index:
            self.notes.append(f"member {m.name!r} appears more than once; the last wins")
        self._index[path] = entry

    def _finish(self) -> None:
        index = self._index
        if "/" not in index:
            index["/"] = _Entry("/", stat_mod.S_IFDIR, None, self._new_ino(), True)
        for path in list(index):
            child = path
            while child != "/":
                parent = posixpath.dirname(child)
                if parent not in index:
                    index[parent] = _Entry(parent, stat_mod.S_IFDIR, None,
                                           self._new_ino(), True)
                child = parent
        children: dict[str, list[str]] = {}
        for path in index:
            if path != "/":
                children.setdefault(posixpath.dirname(path), []).append(
                    posixpath.basename(path))
        self._children = {k: sorted(v) for k, v in children.items()}
        nlink: dict[int, int] = {}
        for entry in index.values():
            base = self._hard_base(entry)
            if base is not None and base.kind != stat_mod.S_IFDIR:
                nlink[id(base)] = nlink.get(id(base), 0) + 1
        self._nlink = nlink

    @staticmethod
    def _hard_base(entry: _Entry) -> _Entry | None:
        """The member a name finally is (following hard links), or None if broken."""
        e = entry
        while e.kind == _HARD:
            if e.escaping or e.link_escapes or e.target is None:
                return None
            e = e.target
        return None if e.escaping else e

    def close(self) -> None:
        for obj in (self._tar, self._stream, self._raw):
            if obj is not None:
                try:
                    obj.close()
                except Exception:
                    pass
        self._tar = self._stream = self._raw = None

    def __enter__(self) -> TarFS:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ resolution
    def _escape(self, path: str, why: str) -> EscapeError:
        return EscapeError(f"{path}: {why} leaves the root of the archive {self.archive}")

    def _base(self, path: str, entry: _Entry) -> _Entry:
        """What a name is, hard links followed; raises for a broken or escaping one."""
        e = entry
        while True:
            if e.escaping:
                raise self._escape(path, f"member {e.info.name!r}")
            if e.kind != _HARD:
                break
            link = e.info.linkname
            if e.link_escapes:
                raise self._escape(path, f"hard link {e.info.name!r} -> {link!r}")
            if e.target is None:
                raise FileNotFoundError(
                    errno.ENOENT, f"hard link to {link!r}, which the archive does not "
                    "hold before it", path)
            e = e.target
        if e is not entry and e.kind == stat_mod.S_IFDIR:
            raise PermissionError(errno.EPERM, "hard link to a directory", path)
        return e

    def _walk(self, path: str, follow_last: bool) -> tuple[str, _Entry]:
        """Resolve ``path`` inside the archive (cflint.pathwalk); return its canonical path
        and what it is (hard links followed, the last symbolic link followed if
        ``follow_last``)."""
        path = os.fspath(path)

        def lookup(cand: str) -> tuple[bool, str | None]:
            entry = self._index.get(cand)
            if entry is None:
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
            base = self._base(path, entry)
            if base.kind == stat_mod.S_IFLNK:
                return False, base.info.linkname
            return base.kind == stat_mod.S_IFDIR, None

        canon = resolve(path, lookup, follow_last,
                        lambda via: self._escape(path, via or "'..'"))
        return canon, self._base(path, self._index[canon])

    def _stat(self, e: _Entry) -> TarStat:
        if e.synthetic:
            return TarStat(stat_mod.S_IFDIR | 0o755, e.ino, 0, 1, 0, 0, 0, 0.0, 0.0, 0.0,
                           synthetic=True)
        m = e.info
        size = 0
        rdev = 0
        if e.kind == stat_mod.S_IFREG:
            size = m.size
        elif e.kind == stat_mod.S_IFLNK:
            size = len(os.fsencode(m.linkname))
        elif e.kind in (stat_mod.S_IFCHR, stat_mod.S_IFBLK):
            try:
                rdev = os.makedev(m.devmajor, m.devminor)
            except (OverflowError, ValueError, TypeError):
                rdev = 0
        try:
            mtime = float(m.mtime)
        except (TypeError, ValueError, OverflowError):
            mtime = 0.0
        if not math.isfinite(mtime) or abs(mtime) > 1e15:
            mtime = 0.0
        return TarStat(e.kind | (int(m.mode) & 0o7777), e.ino, 0,
                       self._nlink.get(id(e), 1), int(m.uid), int(m.gid), size,
                       mtime, mtime, mtime, rdev, m.uname or "", m.gname or "",
                       False, m.name)

    # ------------------------------------------------------------ the view
    def stat(self, path: str) -> TarStat:
        return self._stat(self._walk(path, True)[1])

    def lstat(self, path: str) -> TarStat:
        return self._stat(self._walk(path, False)[1])

    def readlink(self, path: str) -> str:
        e = self._walk(path, False)[1]
        if e.kind != stat_mod.S_IFLNK:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL), path)
        return e.info.linkname

    def listdir(self, path: str) -> list[str]:
        canon, e = self._walk(path, True)
        if e.kind != stat_mod.S_IFDIR:
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), path)
        return list(self._children.get(canon, ()))

    def paths(self) -> list[str]:
        """Every name in the view (members and synthesised directories), sorted, from the
        index: no link is followed, so a search over them cannot loop."""
        return sorted(self._index)

    def read(self, path: str, limit: int = DEFAULT_READ_LIMIT) -> bytes:
        """A regular member's bytes; anything else raises NotRegularError unread."""
        e = self._walk(path, True)[1]
        if e.kind != stat_mod.S_IFREG:
            raise NotRegularError(f"{path}: not a regular file")
        size = e.info.size
        if size > limit:
            raise TooLargeError(f"{path}: {size} bytes, over the limit of {limit}")
        with self._lock:
            if self._tar is None:
                raise FsError(f"{path}: the archive {self.archive} is closed")
            try:
                f = self._tar.extractfile(e.info)
                data = f.read(size) if f is not None else b""
            except Exception as ex:
                raise FsError(f"{path}: cannot read from the archive {self.archive}: "
                              f"{_one_line(ex)}") from None
        if len(data) != size:
            raise FsError(f"{path}: truncated in the archive {self.archive} "
                          f"({len(data)} of {size} bytes)")
        return data

    def host_path(self, path: str) -> str:
        """A display string ``ARCHIVE!/in/archive/path`` with links followed (as
        RootFS.host_path resolves them); never a path to open."""
        try:
            canon = self._walk(path, True)[0]
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            canon = posixpath.normpath("/" + path.lstrip("/"))
        return f"{self.root}!{canon}"

    def describe(self, path: str) -> str:
        """``ARCHIVE!/in/archive/path``, lexically (links not followed); never raises."""
        return f"{self.root}!{posixpath.normpath('/' + os.fspath(path).lstrip('/'))}"
