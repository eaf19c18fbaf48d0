"""The accounts view: users and groups, from the linted tree's /etc/passwd and /etc/group
(under --root or in an archive), else from this host."""
from __future__ import annotations

import re
from functools import cached_property


class Accounts:
    """Name and id lookups over one installation's user and group database."""

    def __init__(self, fs, memo):
        self.fs = fs
        self._memo = memo

    @cached_property
    def _passwd(self) -> tuple[dict, dict] | None:
        """(users: name -> (uid, gid), groups: name -> (gid, members)) from the linted
        tree's /etc/passwd and /etc/group, or None to use the host's."""
        if self.fs.root is None:
            return None
        users: dict[str, tuple[int, int]] = {}
        groups: dict[str, tuple[int, tuple[str, ...]]] = {}
        for path, table in (("/etc/passwd", users), ("/etc/group", groups)):
            try:
                data = self.fs.read(path, 8 * 1024 * 1024).decode("utf-8", "surrogateescape")
            except OSError:
                return None
            for line in data.splitlines():
                f = line.split(":")
                if len(f) < 4 or not f[0] or f[0].startswith("#"):
                    continue
                try:
                    if table is users:
                        users[f[0]] = (int(f[2]), int(f[3]))
                    else:
                        groups[f[0]] = (int(f[2]), tuple(m for m in f[3].split(",") if m))
                except ValueError:
                    pass
        return users, groups

    @property
    def source(self) -> str:
        """Where the names come from, for a message."""
        return "the linted tree's /etc/passwd" if self._passwd else "this host"

    def user(self, name: str) -> tuple[int, int] | None:
        """(uid, gid) of a user name."""
        if self._passwd:
            return self._passwd[0].get(name)
        import pwd

        try:
            p = pwd.getpwnam(name)
            return p.pw_uid, p.pw_gid
        except KeyError:
            return None

    def group(self, name: str) -> tuple[int, tuple[str, ...]] | None:
        """(gid, member names) of a group name."""
        if self._passwd:
            return self._passwd[1].get(name)
        import grp

        try:
            g = grp.getgrnam(name)
            return g.gr_gid, tuple(g.gr_mem)
        except KeyError:
            return None

    def user_exists(self, name: str) -> bool:
        return self.user(name) is not None

    def group_exists(self, name: str) -> bool:
        return self.group(name) is not None

    def user_name(self, uid: int) -> str:
        if self._passwd:
            return next((n for n, (u, _g) in self._passwd[0].items() if u == uid), str(uid))
        import pwd

        try:
            return pwd.getpwuid(uid).pw_name
        except KeyError:
            return str(uid)

    def group_name(self, gid: int) -> str:
        if self._passwd:
            return next((n for n, (g, _m) in self._passwd[1].items() if g == gid), str(gid))
        import grp

        try:
            return grp.getgrgid(gid).gr_name
        except KeyError:
            return str(gid)

    def uid_of(self, text: str) -> tuple[int, int] | None:
        """(uid, gid) of a user as an option writes it: a number (its own gid too, as
        sendmail takes it) or a name."""
        text = text.strip()
        if text[:1].isdigit():
            try:
                uid = int(re.match(r"\d+", text).group(0))
            except (AttributeError, ValueError):
                return None
            return uid, uid
        return self.user(text)

    def groups_db(self):
        """Every group's members by gid, for safefile() (built once)."""
        from ..sendmail.safefile import Groups

        def build():
            members: dict[int, frozenset[str]] = {}
            if self._passwd:
                for gid, mem in self._passwd[1].values():
                    members[gid] = frozenset(mem)
            else:
                import grp

                for g in grp.getgrall():
                    members[g.gr_gid] = frozenset(g.gr_mem)
            return Groups(members)

        return self._memo("groups_db", build)
