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

    def is_dir(self, path: str) -> bool:
        try:
            return stat_mod.S_ISDIR(self.stat(path).st_mode)
        except OSError:
            return False


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
            chunks = []
            total = 0
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

    MAX_LINKS = 40

    def __init__(self, root: str):
        self.root = os.path.realpath(root)

    def _resolve(self, path: str, follow_last: bool) -> str:
        """Resolve ``path`` (absolute, inside the re-based tree) to a host path, following
        links inside the root. Raises EscapeError for a link leaving it."""
        if not path.startswith("/"):
            path = "/" + path
        parts = [p for p in path.split("/") if p]
        resolved: list[str] = []
        hops = 0
        i = 0
        while i < len(parts):
            part = parts[i]
            i += 1
            if part == ".":
                continue
            if part == "..":
                if not resolved:
                    raise EscapeError(f"{path}: '..' leaves the root {self.root}")
                resolved.pop()
                continue
            host = os.path.join(self.root, *resolved, part)
            last = i == len(parts)
            try:
                st = os.lstat(host)
            except OSError:
                resolved.append(part)
                continue
            if stat_mod.S_ISLNK(st.st_mode) and (follow_last or not last):
                hops += 1
                if hops > self.MAX_LINKS:
                    raise FsError(40, "Too many levels of symbolic links", path)
                target = os.readlink(host)
                if target.startswith("/"):
                    # absolute links are read inside the re-based tree, like the
                    # host would see them once deployed
                    resolved = []
                    parts = [p for p in target.split("/") if p] + parts[i:]
                else:
                    parts = [p for p in target.split("/") if p] + parts[i:]
                    # relative to the link's directory
                    depth = 0
                    for p in target.split("/"):
                        if p == "..":
                            depth += 1
                    if depth > len(resolved):
                        raise EscapeError(f"{path}: link {host} -> {target} leaves the root")
                i = 0
                continue
            resolved.append(part)
        return os.path.join(self.root, *resolved)

    def host_path(self, path: str) -> str:
        return self._resolve(path, follow_last=True)

    def lstat(self, path: str) -> os.stat_result:
        return os.lstat(self._resolve(path, follow_last=False))

    def readlink(self, path: str) -> str:
        return os.readlink(self._resolve(path, follow_last=False))

    def describe(self, path: str) -> str:
        return posixpath.join(self.root, path.lstrip("/"))
