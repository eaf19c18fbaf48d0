"""Which files git tracks, read from the index file itself (nothing is run: ``git`` in a
linted tree could run its hooks or fsmonitor).

git records neither owners nor modes (only the executable bit), so the modes of a file it
checked out say nothing about the deployed one: the mode and owner rules skip exactly the
files the index lists. Untracked and ignored files have real modes, and so has a deployed
tree that etckeeper keeps in git (``.etckeeper`` at the work-tree root, or ``/etc``
itself): those are checked.

``work_tree(host_dir)`` finds the enclosing work tree; ``tracked(top)`` reads its index
(versions 2, 3 and 4, SHA-1 or SHA-256 object names, sparse directory entries, a split
index's shared part) into the set of tracked names. An index that cannot be read counts
as tracking nothing: the files are checked rather than silently skipped.
"""
from __future__ import annotations

import os
import struct

_FIXED = 40  # ctime, mtime, dev, ino, mode, uid, gid, size: ten 32-bit fields
_S_IFDIR = 0o040000


class Tracked:
    """The tracked names of one work tree (bytes, relative, '/'-separated)."""

    def __init__(self, names: set[bytes], dirs: tuple[bytes, ...], readable: bool):
        self.names, self.dirs, self.readable = names, dirs, readable

    def __contains__(self, rel: bytes) -> bool:
        return rel in self.names or rel.startswith(self.dirs)


def work_tree(host_dir: str) -> str | None:
    """The nearest directory at or above ``host_dir`` holding a ``.git`` (directory, or a
    ``gitdir:`` file as worktrees and submodules have)."""
    d = host_dir
    while True:
        if os.path.lexists(os.path.join(d, ".git")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def is_deployed(top: str, tree_path: str | None) -> bool:
    """A work tree that is a deployed system, not a source: /etc kept in git (etckeeper,
    ``.etckeeper`` at its root) or any work tree at or below /etc (a hand-made repository in
    /etc/mail). Its modes are real and the files its configs name are the host's."""
    return (tree_path is not None and (tree_path == "/etc" or tree_path.startswith("/etc/"))
            or os.path.exists(os.path.join(top, ".etckeeper")))


def git_dir(top: str) -> str | None:
    dot = os.path.join(top, ".git")
    if os.path.isdir(dot):
        return dot
    try:
        with open(dot, "rb") as f:
            line = f.read(4096).split(b"\n", 1)[0].strip()
    except OSError:
        return None
    if not line.startswith(b"gitdir:"):
        return None
    path = os.fsdecode(line[7:].strip())
    return os.path.normpath(os.path.join(top, path))


def tracked(top: str) -> Tracked:
    gd = git_dir(top)
    if gd is None:
        return Tracked(set(), (), False)
    names: set[bytes] = set()
    dirs: list[bytes] = []
    try:
        with open(os.path.join(gd, "index"), "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return Tracked(set(), (), True)  # a new repository: nothing added yet
    except OSError:
        return Tracked(set(), (), False)
    try:
        link = _parse(data, names, dirs)
        if link:  # a split index: the shared part, less what the delete bitmap removes
            shared, deleted = link
            with open(os.path.join(gd, "sharedindex." + shared), "rb") as f:
                entries: list[bytes] = []
                _parse(f.read(), entries, dirs)
            names.update(n for i, n in enumerate(entries) if i not in deleted)
    except (ValueError, struct.error, OSError, IndexError):
        return Tracked(set(), (), False)
    return Tracked(names, tuple(dirs), True)


def _parse(data: bytes, names, dirs: list[bytes]) -> tuple[str, set[int]] | None:
    """Add the index's entries to ``names`` (a set, or a list to keep their order) and
    ``dirs``; return a split index's ``link`` extension (the shared index's name and the
    positions it deletes) or None."""
    if data[:4] != b"DIRC":
        raise ValueError("not a git index")
    version, count = struct.unpack(">II", data[4:12])
    if version not in (2, 3, 4):
        raise ValueError(f"index version {version}")
    hash_len = _hash_len(data, version) if count else 20
    off = 12
    prev = b""
    for _ in range(count):
        mode = struct.unpack(">I", data[off + 24:off + 28])[0]
        flags = struct.unpack(">H", data[off + _FIXED + hash_len:off + _FIXED + hash_len + 2])[0]
        p = off + _FIXED + hash_len + 2
        if flags & 0x4000 and version >= 3:
            p += 2  # extended flags
        if version == 4:
            strip, p = _varint(data, p)
            end = data.index(b"\0", p)
            name = prev[:len(prev) - strip] + data[p:end]
            off = end + 1
        else:
            end = data.index(b"\0", p)
            name = data[p:end]
            off += (end - off + 8) // 8 * 8
        prev = name
        if mode & 0o170000 == _S_IFDIR:  # a sparse index's directory entry
            dirs.append(name if name.endswith(b"/") else name + b"/")
        elif isinstance(names, list):
            names.append(name)
        elif name:  # a split index names a replaced shared entry with ""
            names.add(name)
    while off + 8 <= len(data) - hash_len:  # extensions, then the checksum
        sig, size = data[off:off + 4], struct.unpack(">I", data[off + 4:off + 8])[0]
        if sig == b"link":
            body = data[off + 8:off + 8 + size]
            deleted = _ewah(body, hash_len) if size > hash_len else set()
            return body[:hash_len].hex(), deleted
        off += 8 + size
    return None


def _hash_len(data: bytes, version: int) -> int:
    """20 (SHA-1) or 32 (SHA-256): the one under which the first entry's name length
    (its flags) matches where its name ends."""
    for n in (20, 32):
        flags = struct.unpack(">H", data[12 + _FIXED + n:12 + _FIXED + n + 2])[0]
        p = 12 + _FIXED + n + 2 + (2 if flags & 0x4000 and version >= 3 else 0)
        if version == 4:
            p += 1  # the first entry strips nothing: one varint byte, 0
        end = data.find(b"\0", p)
        length = flags & 0xFFF
        if end >= 0 and (length == end - p or (length == 0xFFF and end - p >= 0xFFF)):
            return n
    raise ValueError("unknown object name length")


def _ewah(body: bytes, start: int) -> set[int]:
    """The set bits of the first EWAH bitmap at ``start`` (the split index's delete
    bitmap): 32-bit bit count and word count, then 64-bit words, each run-length word
    (bit 0 the running bit, 32 bits of run length, 31 of literal-word count) followed by
    its literal words."""
    nwords = struct.unpack(">I", body[start + 4:start + 8])[0]
    words = struct.unpack(f">{nwords}Q", body[start + 8:start + 8 + 8 * nwords])
    out: set[int] = set()
    pos = i = 0
    while i < nwords:
        rlw = words[i]
        run, literals = (rlw >> 1) & 0xFFFFFFFF, rlw >> 33
        if rlw & 1:
            out.update(range(pos, pos + 64 * run))
        pos += 64 * run
        for w in words[i + 1:i + 1 + literals]:
            out.update(pos + b for b in range(64) if w >> b & 1)
            pos += 64
        i += 1 + literals
    return out


def _varint(data: bytes, p: int) -> tuple[int, int]:
    c = data[p]
    p += 1
    val = c & 127
    while c & 128:
        c = data[p]
        p += 1
        val = ((val + 1) << 7) | (c & 127)
    return val, p
