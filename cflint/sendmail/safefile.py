"""sendmail's file-safety check for TLS files, as data and one pure function.

libsmutil/safefile.c safefile() and safedirpath(), as tls.c inittls() calls them for the
certificate, key, CA, DH and CRL files (sendmail-tls reference §3). The result is the
reason text sendmail logs ("unsafe: Group readable file"), or None when the file passes.
Everything is read through a file-system view (stat/lstat/readlink), so the same model
judges a live tree, a --root tree and a tar archive.
"""
from __future__ import annotations

import errno
import os
import stat as st
from dataclasses import dataclass, field

MAX_LINK_DEPTH = 16


@dataclass(frozen=True, slots=True)
class Identity:
    """Who reads the file: U, G, N, R and T of the reference §3.2, and strictness."""

    label: str                 # "the MTA (root)", "the MSP run by root (RunAsUser=smmsp)", ...
    uid: int                   # U
    gid: int                   # G
    name: str | None = None    # N: RunAsUserName, for group membership
    real_uid: int = 0          # R
    trusted_uid: int = 0       # T
    kind: str = "mta"          # "mta", "msp-root", "msp-user"

    @property
    def strict(self) -> bool:
        """strict = not (R != 0 and U == R): false only for an unprivileged invoker."""
        return not (self.real_uid != 0 and self.uid == self.real_uid)


@dataclass(frozen=True, slots=True)
class Flags:
    """The DontBlameSendmail words that matter for TLS files."""

    group_readable_keyfile: bool = False
    group_writable_dirpath_safe: bool = False
    trust_sticky_bit: bool = False
    cert_owner: bool = False
    dont_init_groups: bool = False


@dataclass(frozen=True, slots=True)
class Unsafe:
    reason: str                # sendmail's text: "Group readable file"
    kind: str                  # machine kind, see below
    path: str                  # the offending path (the file, or a directory component)
    mode: int | None = None    # its permission bits
    uid: int | None = None
    gid: int | None = None
    via_link: str | None = None  # the link whose target path held the component

    # kinds: dir-group-writable, dir-world-writable, dir-error, missing, not-regular,
    # file-group-writable, file-world-writable, key-group-readable, key-world-readable,
    # symlink, hardlink, read-bit, owner


@dataclass
class Groups:
    """Group database: gid -> member names (for N's supplementary groups)."""

    members: dict[int, frozenset[str]] = field(default_factory=dict)


def _errtext(e: OSError) -> str:
    return e.strerror or os.strerror(e.errno or errno.EIO)


def dir_prefixes(directory: str) -> list[str]:
    """The names safedirpath() lstat()s for ``directory``, literally: "/", then the string
    up to each later slash, then the whole (not normalised: "/a//b" gives "/a" and "/a/",
    "/a/../b" gives "/a" and "/a/../b"), less those ending in "/." or "/.." (its "already
    checked" heuristic; the kernel still walks them in the next name)."""
    s = directory or "/"
    out, p = [], 0
    while p < len(s):
        j = s.find("/", p)
        if j == 0:
            out.append("/")
        else:
            out.append(s if j < 0 else s[:j])
            if j < 0:
                break
        p = j + 1
    return [x for x in out if x[x.rfind("/"):] not in ("/.", "/..")]


def _link_target(comp: str, target: str) -> str:
    """A link's target as safedirpath() builds it: relative ones joined to the link's
    directory as text, never normalised (the kernel resolves the '..' in it)."""
    return target if target.startswith("/") else comp[:comp.rfind("/")] + "/" + target


def dircheck(fs, directory: str, flags: Flags, strict: bool, depth: int = 0) -> Unsafe | None:
    """safedirpath(): each component from / down to ``directory``; symlinked components are
    checked along their whole target path. Returns the first failure (strict), or None."""
    if depth > MAX_LINK_DEPTH:
        return Unsafe("Too many levels of symbolic links", "dir-error", directory)
    for comp in dir_prefixes(directory):
        try:
            s = fs.lstat(comp)
        except OSError as e:
            return Unsafe(_errtext(e), "dir-error", comp)
        if st.S_ISLNK(s.st_mode):
            try:
                target = _link_target(comp, fs.readlink(comp))
            except OSError as e:
                return Unsafe(_errtext(e), "dir-error", comp)
            bad = dircheck(fs, target, flags, strict, depth + 1)
            if bad is not None:
                return Unsafe(bad.reason, bad.kind, bad.path, bad.mode, bad.uid, bad.gid,
                              via_link=comp)
            continue
        mode = s.st_mode
        writable = bool(mode & st.S_IWOTH) or (bool(mode & st.S_IWGRP) and
                                               not flags.group_writable_dirpath_safe)
        if writable and not (flags.trust_sticky_bit and mode & st.S_ISVTX):
            if not strict:
                continue  # only a warning at Verbose > 1
            if mode & st.S_IWOTH:
                return Unsafe("World writable directory", "dir-world-writable", comp,
                              st.S_IMODE(mode), s.st_uid, s.st_gid)
            return Unsafe("Group writable directory", "dir-group-writable", comp,
                          st.S_IMODE(mode), s.st_uid, s.st_gid)
    return None


def safefile(fs, path: str, who: Identity, flags: Flags, is_key: bool,
             groups: Groups | None = None) -> Unsafe | None:
    """The reason sendmail refuses ``path`` for ``who``, or None. ``path`` must be
    defined (non-empty, absolute)."""
    strict = who.strict
    err: OSError | None = None
    try:
        s = fs.stat(path)
    except OSError as e:
        s, err = None, e
    directory = path.rsplit("/", 1)[0] or "/"
    nolinks = False
    is_link = False
    if not strict:
        if dircheck(fs, directory, flags, True) is not None:
            nolinks = True
            try:
                is_link = st.S_ISLNK(fs.lstat(path).st_mode)
            except OSError as e:
                return Unsafe(_errtext(e), "missing", path)
    else:
        bad = dircheck(fs, directory, flags, True)
        if bad is not None:
            return bad
    if err is not None:
        kind = "missing" if err.errno in (errno.ENOENT, errno.ENOTDIR) else "dir-error"
        return Unsafe(_errtext(err), kind, path)
    if nolinks and is_link:
        return Unsafe("Symbolic links not allowed", "symlink", path)
    mode = s.st_mode
    perm = st.S_IMODE(mode)
    base = dict(path=path, mode=perm, uid=s.st_uid, gid=s.st_gid)
    if not st.S_ISREG(mode):
        return Unsafe("Regular files only", "not-regular", **base)
    if mode & st.S_IWGRP:
        return Unsafe("Group writable file", "file-group-writable", **base)
    if mode & st.S_IWOTH:
        return Unsafe("World writable file", "file-world-writable", **base)
    if is_key:
        if mode & st.S_IRGRP and not flags.group_readable_keyfile:
            return Unsafe("Group readable file", "key-group-readable", **base)
        if mode & st.S_IROTH:
            return Unsafe("World readable file", "key-world-readable", **base)
    if nolinks and getattr(s, "st_nlink", 1) != 1:
        return Unsafe("Hard links not allowed", "hardlink", **base)
    if not _can_read(s, who, flags, groups):
        return Unsafe("Permission denied", "read-bit", **base)
    if not flags.cert_owner and s.st_uid not in (who.uid, 0, who.trusted_uid):
        return Unsafe("Permission denied", "owner", **base)
    return None


def _can_read(s, who: Identity, flags: Flags, groups: Groups | None) -> bool:
    mode = s.st_mode
    if who.uid == 0:
        return bool(mode & st.S_IRUSR)
    if s.st_uid == who.uid:
        return bool(mode & st.S_IRUSR)
    in_group = s.st_gid == who.gid
    if not in_group and who.name and not flags.dont_init_groups and groups is not None:
        in_group = who.name in groups.members.get(s.st_gid, frozenset())
    if in_group:
        return bool(mode & st.S_IRGRP)
    return bool(mode & st.S_IROTH)


def link_target_dir_writable(fs, path: str, flags: Flags) -> str | None:
    """For a file reached through symbolic links: the writable directory (group- or
    world-writable, sticky bit not trusted) that holds a link target, else None.
    sendmail accepts such a file, since it checks only the link's own directory."""
    seen = 0
    current = path
    while seen < MAX_LINK_DEPTH:
        try:
            ls = fs.lstat(current)
        except OSError:
            return None
        if not st.S_ISLNK(ls.st_mode):
            return None if current == path else _writable_dir(fs, current, flags)
        current = _link_target(current, fs.readlink(current))
        seen += 1
        bad = _writable_dir(fs, current, flags)
        if bad:
            return bad
    return None


def _writable_dir(fs, path: str, flags: Flags) -> str | None:
    bad = dircheck(fs, path.rsplit("/", 1)[0] or "/", flags, True)
    return bad.path if bad is not None and bad.kind.startswith("dir-") and \
        "writable" in bad.kind else None
