"""Read-only views of a file system. Nothing else in cflint opens files it lints.

- :class:`LiveFS` reads the host's tree as it is.
- :class:`RootFS` re-bases absolute paths under a directory (``--root``): symbolic
  links are resolved by hand inside that directory, and one that would leave it
  raises :class:`EscapeError` (reported as CF012), never followed out.

A view offers ``stat``, ``lstat``, ``readlink``, ``read`` (size-capped), ``listdir``.
No view can write.
"""
from __future__ import annotations

import os
import posixpath
import stat as stat_mod

from .pathwalk import resolve

DEFAULT_READ_LIMIT = 16 * 1024 * 1024
# tar archives the CLI reads as host snapshots (cflint.tarfs), recognised by name
ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2")


def is_archive(path: str) -> bool:
    """Whether ``path`` names a tar archive (without importing tarfile)."""
    return str(path).lower().endswith(ARCHIVE_SUFFIXES)


class FsError(OSError):
    pass


class EscapeError(FsError):
    """A path or link that would leave the re-based root."""


class TooLargeError(FsError):
    pass


class NotRegularError(FsError):
    """A FIFO, socket, device or directory where a file was to be read."""


class ViewQueries:
    """What every view derives from ``stat``."""

    def exists(self, path: str) -> bool:
        try:
            self.stat(path)
            return True
        except OSError:
            return False

    def lexists(self, path: str) -> bool:
        """Whether there is an entry at ``path`` (a dangling link or one leaving the view
        counts)."""
        try:
            self.lstat(path)
            return True
        except OSError:
            return False

    def is_dir(self, path: str) -> bool:
        try:
            return stat_mod.S_ISDIR(self.stat(path).st_mode)
        except OSError:
            return False

    def canonical(self, path: str) -> str:
        """``path`` inside the view with its links followed (cflint.pathwalk over this
        view's lstat and readlink); OSError when the walk fails."""
        def look(canon: str) -> tuple[bool, str | None]:
            s = self.lstat(canon)
            if stat_mod.S_ISLNK(s.st_mode):
                return False, self.readlink(canon)
            return stat_mod.S_ISDIR(s.st_mode), None

        return resolve(path, look, True, OSError)


class LiveFS(ViewQueries):
    """The host's own tree."""

    root = None

    def host_path(self, path: str) -> str:
        return path

    def stat(self, path: str) -> os.stat_result:
        return os.stat(self.host_path(path))

    def lstat(self, path: str) -> os.stat_result:
        return os.lstat(self.host_path(path))

    def readlink(self, path: str) -> str:
        return os.readlink(self.host_path(path))

    def listdir(self, path: str) -> list[str]:
        return sorted(os.listdir(self.host_path(path)))

    def read(self, path: str, limit: int = DEFAULT_READ_LIMIT) -> bytes:
        """Read a regular file; never opens a FIFO, socket or device."""
        host = self.host_path(path)
        st = os.stat(host)
        if not stat_mod.S_ISREG(st.st_mode):
            raise NotRegularError(f"{path}: not a regular file")
        if st.st_size > limit:
            raise TooLargeError(f"{path}: {st.st_size} bytes, over the limit of {limit}")
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(host, flags)
        try:
            st2 = os.fstat(fd)
            if not stat_mod.S_ISREG(st2.st_mode):
                raise NotRegularError(f"{path}: not a regular file")
            want = min(st2.st_size, limit) + 1
            b = os.read(fd, want)
            if len(b) < want:  # the whole file in one read (a CA directory has thousands)
                return b
            chunks = [b]
            total = len(b)
            if total > limit:
                raise TooLargeError(f"{path}: over the limit of {limit} bytes")
            while True:
                b = os.read(fd, 1 << 20)
                if not b:
                    break
                total += len(b)
                if total > limit:
                    raise TooLargeError(f"{path}: over the limit of {limit} bytes")
                chunks.append(b)
            return b"".join(chunks)
        finally:
            os.close(fd)

    def describe(self, path: str) -> str:
        return path


class RootFS(LiveFS):
    """A tree re-based under ``root``: ``/etc/mail/x`` means ``<root>/etc/mail/x``."""

    def __init__(self, root: str):
        self.root = os.path.realpath(root)

    def _lookup(self, canon: str) -> tuple[bool, str | None]:
        host = os.path.join(self.root, canon.lstrip("/"))
        st = os.lstat(host)
        if stat_mod.S_ISLNK(st.st_mode):
            return False, os.readlink(host)
        return stat_mod.S_ISDIR(st.st_mode), None

    def _resolve(self, path: str, follow_last: bool) -> str:
        """``path`` (absolute, inside the re-based tree) as a host path, links followed
        inside the root (cflint.pathwalk); EscapeError for a link leaving it."""
        canon = resolve(path, self._lookup, follow_last, lambda via: EscapeError(
            f"{path}: {via} leaves the root {self.root}"))
        return os.path.join(self.root, canon.lstrip("/"))

    def host_path(self, path: str) -> str:
        return self._resolve(path, follow_last=True)

    def lstat(self, path: str) -> os.stat_result:
        return os.lstat(self._resolve(path, follow_last=False))

    def readlink(self, path: str) -> str:
        return os.readlink(self._resolve(path, follow_last=False))

    def describe(self, path: str) -> str:
        return posixpath.join(self.root, path.lstrip("/"))
