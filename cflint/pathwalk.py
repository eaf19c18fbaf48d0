"""One path walk for the re-based views (``RootFS`` under ``--root``, ``TarFS`` inside an
archive): the containment boundary of everything cflint reads.

``resolve(path, lookup, follow_last, escape)`` walks an absolute path one component at a
time, as the kernel does on the deployed host:

- repeated slashes are one; ``.`` stays; ``..`` goes to the parent of what the walk has
  reached so far (after the links before it were followed, so ``/a/link/..`` is the parent
  of the link's target, not ``/a``); ``/..`` is ``/``;
- every component but the last must exist and be a directory (ENOENT, ENOTDIR), so
  ``/missing/../x`` fails as it does on the host;
- a trailing slash makes the last component a directory, its link followed;
- symbolic links are read inside the tree (absolute targets re-based to its top);
  more than ``MAX_LINKS`` is ELOOP;
- a ``..`` that a link's target uses to climb above the top raises ``escape(why)``: such
  a link points outside the snapshot, so what it names there is unknown.

``lookup(canonical_path)`` says what a name is: ``(is_dir, link_target or None)``, raising
an ``OSError`` when there is no such name. The result is the canonical path (no ``.``,
``..``, links or repeated slashes).
"""
from __future__ import annotations

import errno
import os
from typing import Callable

MAX_LINKS = 40

Lookup = Callable[[str], "tuple[bool, str | None]"]


def _split(text: str, from_link: bool) -> list[tuple[str, bool]]:
    parts = [(p, from_link) for p in text.split("/") if p]
    if text.endswith("/") and parts:
        parts.append((".", from_link))  # a trailing slash: it must be a directory
    return parts


def resolve(path: str, lookup: Lookup, follow_last: bool,
            escape: Callable[[str], Exception]) -> str:
    path = os.fspath(path)
    parts = _split(path if path.startswith("/") else "/" + path, False)
    resolved: list[str] = []
    hops = 0
    via = ""
    i = 0
    while i < len(parts):
        part, from_link = parts[i]
        i += 1
        if part == ".":
            continue
        if part == "..":
            if resolved:
                resolved.pop()
            elif from_link:
                raise escape(via)
            continue
        cand = "/" + "/".join(resolved + [part])
        last = i == len(parts)
        is_dir, target = lookup(cand)
        if target is not None and (follow_last or not last):
            hops += 1
            if hops > MAX_LINKS:
                raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), path)
            if not target:
                raise FileNotFoundError(errno.ENOENT, "empty symbolic link", path)
            via = f"link {cand} -> {target!r}"
            if target.startswith("/"):
                resolved = []  # absolute links are read inside the tree
            parts = _split(target, True) + parts[i:]
            i = 0
            continue
        if not last and not is_dir:
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), path)
        resolved.append(part)
    return "/" + "/".join(resolved)
