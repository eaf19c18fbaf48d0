"""cflint's on-disk cache: $XDG_CACHE_HOME/cflint (~/.cache/cflint), skipped when it
cannot be written. It holds lark's parser tables, the .cf parses
(:func:`cflint.cf.parser.parse_cached`) and the .mc expansions
(:func:`cflint.mc.adapter.mc_to_cf_cached`). Entries are content-addressed: their key
is a digest of every input (the file's bytes, what it read, cflint's own source files
and Python's version), so a changed input is a different key, never a stale hit.
Entries are written atomically (a temp file renamed over the name); an entry that cannot
be read or unpickled is a miss. Text holding private key material is never stored. Each
kind keeps its newest ``KEEP`` entries (an audit of many hosts does not grow it without
bound)."""
from __future__ import annotations

import hashlib
import os
import pickle
import sys

# marks key material: text holding it is never written to the cache
KEY_TEXT = "PRIVATE KEY-----"
KEEP = 4096  # entries kept per kind (prefix)
_code_ids: dict[tuple[str, ...], bytes] = {}
_sources: dict[str, bytes] = {}


def cache_dir() -> str | None:
    """cflint's cache directory, created when missing; None when it cannot be written."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    d = os.path.join(base, "cflint")
    try:
        os.makedirs(d, exist_ok=True)
    except OSError:
        return None
    return d if os.access(d, os.W_OK) else None


def digest(*parts: bytes | str) -> str:
    """SHA-256 over length-prefixed parts (so no two part lists collide)."""
    h = hashlib.sha256()
    for p in parts:
        b = p.encode("utf-8", "surrogateescape") if isinstance(p, str) else p
        h.update(len(b).to_bytes(8, "big"))
        h.update(b)
    return h.hexdigest()


def code_id(names: tuple[str, ...]) -> bytes:
    """What a cached result is a function of on cflint's side: its version, Python's,
    and the bytes of the named source files (paths relative to the ``cflint`` package).
    Read once per process."""
    got = _code_ids.get(names)
    if got is None:
        from . import __version__

        parts = [__version__.encode(), sys.version.encode()]
        parts.extend(_source(name) for name in names)
        got = _code_ids[names] = b"\0".join(parts)
    return got


def _source(name: str) -> bytes:
    """One of cflint's own files, read once per process (several keys share some)."""
    got = _sources.get(name)
    if got is None:
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, name), "rb") as fh:
            got = _sources[name] = fh.read()
    return got


def entry_path(d: str, kind: str, *parts: bytes | str) -> str:
    """The cache file of a ``kind`` entry keyed by ``parts``."""
    return os.path.join(d, f"{kind}-{digest(*parts)[:40]}.pickle")


def load(path: str):
    """The object stored at ``path``, or None (missing, unreadable or corrupt)."""
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:  # a truncated or foreign entry is a miss, never an error
        return None


class Piece(str):
    """A lark ``Token`` as the cache stores it: the text with the token's ``type``,
    ``start_pos``, ``line``, ``column`` and ``end_line`` — all the parsers' results
    use — so that an entry loads without importing lark."""

    def __new__(cls, value: str, type: str, start_pos, line, column, end_line):
        self = str.__new__(cls, value)
        self.type, self.start_pos, self.line, self.column = type, start_pos, line, column
        self.end_line = end_line
        return self

    def __reduce__(self):
        return (Piece, (str(self), self.type, self.start_pos, self.line, self.column,
                        self.end_line))


def _token_as_piece(t):
    return (Piece, (str(t), t.type, t.start_pos, t.line, t.column, t.end_line))


def store(path: str, obj) -> None:
    """Write ``obj`` atomically (temp file + rename), lark Tokens as :class:`Piece`,
    then trim the entry's kind to its newest :data:`KEEP`; failures are ignored."""
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as fh:
            pickler = pickle.Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL)
            lark = sys.modules.get("lark")
            if lark is not None:
                import copyreg

                pickler.dispatch_table = {**copyreg.dispatch_table,
                                          lark.Token: _token_as_piece}
            pickler.dump(obj)
        os.replace(tmp, path)
    except Exception:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return
    d, name = os.path.split(path)
    trim(d, name.rsplit("-", 1)[0] + "-", KEEP)


def trim(d: str, prefix: str, keep: int) -> None:
    """Remove all but the ``keep`` most recently written ``prefix*`` entries of ``d``."""
    try:
        with os.scandir(d) as it:
            found = [e for e in it if e.name.startswith(prefix) and e.name.endswith(".pickle")]
        if len(found) <= keep:
            return
        found.sort(key=lambda e: e.stat().st_mtime_ns, reverse=True)
        for e in found[keep:]:
            os.unlink(e.path)
    except OSError:
        pass
