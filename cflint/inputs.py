"""Input discovery: what ``check``, ``audit``, ``probe --config`` and ``logs --config`` lint.

A path given on the command line is a .cf or .mc file, a directory holding
sendmail.cf/submit.cf (or their .mc sources), or a tar archive of a host's file system;
``--root`` re-bases absolute paths under a directory or inside an archive, and on a
repository with no /etc/mail it finds the repository's own sendmail/submit .cf/.mc files.
:func:`discover` groups them into installations (one MTA and one MSP config, with the view
they are read through), :func:`installations` opens each as a model ``Installation``.

Imported at every ``check``: heavy modules (tar archives, the model) are imported inside
the functions that need them.
"""
from __future__ import annotations

import os
import sys

from .errors import UsageError

# the cflint hook's files: regex, on one name (templates such as sendmail.mc.j2 and backups
# such as sendmail.cf.orig or sendmail.cf~ do not match)
CONFIG_NAME = r"(sendmail|submit)[^/]*\.(cf|mc)"
VCS_DIRS = (".git", ".hg", ".svn", ".bzr", "_darcs", ".jj", ".pijul")
SKIP_DIRS = frozenset({*VCS_DIRS, "CVS", "node_modules", ".tox", ".nox", ".venv", "venv",
                       "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".cache",
                       ".eggs", ".direnv", ".terraform", ".idea", ".vscode"})
WALK_DEPTH, WALK_ENTRIES = 16, 200_000


def discover(paths: list[str], root: str | None):
    """Group the inputs into installations: [(fs, mta path, msp path, display names)].

    A path is a .cf file, a directory holding sendmail.cf/submit.cf, or a tar archive of a
    host's file system (its /etc/mail is linted); --root re-bases absolute paths under a
    directory or inside an archive."""
    from .fs import LiveFS, RootFS
    from .fs import is_archive

    if root:
        fs = open_archive(root) if is_archive(root) else RootFS(root)
        if isinstance(fs, Broken):
            return [fs.group()]
        if not paths and isinstance(fs, RootFS) and not fs.lexists("/etc/mail") and \
                any(fs.lexists("/" + vcs) for vcs in VCS_DIRS):
            # the top of a repository of configs (pre-commit's cflint-tree), not a host's
            # file system (a snapshot without /etc/mail stays an error, for audit as well)
            found = walk_configs(fs, root)
            if not found:
                print(f"cflint: no /etc/mail and no sendmail/submit .cf or .mc file in the "
                      f"repository {root}: nothing to check", file=sys.stderr)
                return []
            return group_paths(fs, found, root)
        return group_paths(fs, paths or ["/etc/mail"], root)
    out = []
    plain = []
    for given in paths or ["/etc/mail"]:
        if is_archive(given) and os.path.isfile(given):
            fs = open_archive(given)
            out.append(fs.group() if isinstance(fs, Broken) else
                       find_in_archive(fs, given))
        else:
            plain.append(given)
    if plain:
        out.extend(group_paths(LiveFS(), plain, None))
    return out


class Broken:
    """An input that could not be opened at all (a corrupt archive): CF012."""

    def __init__(self, given: str, message: str):
        self.given, self.message = given, message

    def group(self):
        return (None, self.given, None, {"broken": self.message})


def open_archive(path: str):
    """The archive's view (TarFS), or a Broken input when it cannot be opened."""
    from .fs import FsError
    from .tarfs import TarFS

    try:
        return TarFS(path)
    except (FsError, OSError) as e:
        return Broken(path, str(e).split("\n", 1)[0])


def installations(groups, settings):
    """(Installation, its inputs as shown, opened) for each group :func:`discover` found; an
    input that could not be opened at all (a corrupt archive) gives an Installation whose
    only problem is that (CF012), with ``opened`` false."""
    from .model import Installation

    for fs, mta, msp, display in groups:
        if fs is None:
            yield Installation.unreadable(mta, display["broken"], settings), [mta], False
        else:
            inst = Installation(fs, mta, msp, settings, display)
            yield inst, [inst.display.show(p) for p in (mta, msp) if p], True


def find_in_archive(fs, given: str):
    """/etc/mail in the archive, else the shallowest directory holding a sendmail.cf or
    submit.cf (an archive of /etc/mail made with tar -C /etc)."""
    # the archive's own index, links not followed (a link to / must not multiply paths)
    found_dirs = {os.path.dirname(p) for p in fs.paths()
                  if os.path.basename(p) in ("sendmail.cf", "submit.cf")}
    candidates = ["/etc/mail"] + sorted(found_dirs, key=lambda d: (d.count("/"), d))
    for d in candidates:
        found = {}
        display = {}
        for name, role in (("sendmail.cf", "mta"), ("submit.cf", "msp")):
            p = os.path.join(d, name)
            if fs.lexists(p):
                found[role] = p
                display[p] = f"{given}!{p}"
        if found:
            return (fs, found.get("mta"), found.get("msp"), display)
    raise UsageError(f"{given}: no sendmail.cf or submit.cf in the archive")


def walk_configs(fs, root: str) -> list[str]:
    """The sendmail/submit .cf and .mc files of a repository with no /etc/mail (one that
    keeps its configs at the top, under mail/, ansible/files/HOST/...), as paths in the
    view: sorted, through the view only, links to directories not followed, VCS and tool
    directories (and virtualenvs) skipped, at most WALK_DEPTH levels deep. A tree with more
    than WALK_ENTRIES entries is a usage error: naming the directories is then the way."""
    import re
    import stat

    match = re.compile(CONFIG_NAME).fullmatch
    found: list[str] = []
    seen = 0
    todo = [("/", 0)]
    while todo:
        d, depth = todo.pop()
        try:
            names = fs.listdir(d)
        except OSError:
            continue  # unreadable: nothing of the repository to lint there
        if "pyvenv.cfg" in names and d != "/":
            continue  # a virtualenv, whatever its name
        seen += len(names)
        if seen > WALK_ENTRIES:
            raise UsageError(f"{root}: no /etc/mail, and more than {WALK_ENTRIES} entries "
                             "to search for sendmail/submit .cf/.mc files; name the "
                             "configuration directories (args: [mail/, ...])")
        sub = []
        for name in names:
            p = os.path.join(d, name)
            try:
                st = fs.lstat(p)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                if name not in SKIP_DIRS and depth < WALK_DEPTH:
                    sub.append((p, depth + 1))
            elif match(name) and not fs.is_dir(p):
                found.append(p)  # a link is read through the view: never out of the root
        todo.extend(sub)
    return sorted(found)


def group_paths(fs, paths: list[str], root: str | None):
    """The paths read through ``fs`` (files and directories, as given), grouped by
    directory: a sendmail.cf and its sendmail.mc are one installation, two MTA configs in
    one directory are linted separately. A path that is not there is a usage error."""
    groups: dict[str, dict[str, str]] = {}
    display: dict[str, str] = {}
    archive = getattr(fs, "archive", None)
    for given in paths:
        path = given
        if root and archive is None:
            absroot = os.path.realpath(root)
            real = os.path.realpath(given) if os.path.exists(given) else given
            if os.path.isabs(given) and (real == absroot or real.startswith(
                    absroot + os.sep)) and not fs.exists(given):
                path = os.path.normpath("/" + os.path.relpath(real, absroot))
            elif not os.path.isabs(given):
                path = "/" + given
        elif archive is not None and not given.startswith("/"):
            path = "/" + given
        shown = (lambda p, g: f"{archive}!{p}") if archive else (
            lambda p, g: display_name(fs, p, g))
        if fs.is_dir(path):
            found = False
            for names, role in ((("sendmail.cf", "sendmail.mc"), "mta"),
                                (("submit.cf", "submit.mc"), "msp")):
                for name in names:  # the .cf sendmail reads; its .mc when there is none
                    p = os.path.join(path, name)
                    if fs.exists(p) or fs.lexists(p):
                        groups.setdefault(os.path.normpath(path), {})[role] = p
                        display[p] = shown(p, os.path.join(given, name))
                        found = True
                        break
            if not found:
                raise UsageError(f"{given}: no sendmail.cf, submit.cf or .mc source in this "
                                 "directory")
            continue
        if not fs.exists(path) and not fs.lexists(path):
            raise UsageError(f"{given}: no such file or directory")
        from .model import path_role_msp

        role = "msp" if path_role_msp(path) else "mta"
        key = os.path.dirname(os.path.normpath(path)) or "."
        slot = groups.setdefault(key, {})
        if role in slot and partners(slot[role], path):
            continue  # sendmail.cf and its sendmail.mc: one installation, linted once
        if role in slot:  # two MTA configs in one directory: lint separately
            key = path
            slot = groups.setdefault(key, {})
        slot[role] = path
        display[path] = shown(path, given)
    return [(fs, g.get("mta"), g.get("msp"), display) for g in groups.values()]


def partners(a: str, b: str) -> bool:
    """sendmail.cf and sendmail.mc (the .cf and the .mc it is built from)."""
    (sa, ea), (sb, eb) = os.path.splitext(a), os.path.splitext(b)
    return sa == sb and {ea.lower(), eb.lower()} == {".cf", ".mc"}


def display_name(fs, path: str, given: str) -> str:
    """How a config is named in reports: as given; under --root, the host path relative
    to the working directory when it lies below it (a checkout), else the in-tree path."""
    if fs.root is None:
        return os.path.normpath(given)
    host = fs.describe(path)
    rel = os.path.relpath(host)
    return path if rel.startswith("..") else rel
