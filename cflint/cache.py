"""cflint's on-disk cache: $XDG_CACHE_HOME/cflint (~/.cache/cflint), skipped when it
cannot be written. It holds lark's parser tables and the .mc expansions
(:func:`cflint.mc.adapter.mc_to_cf_cached`). Entries are written atomically (a temp
file renamed over the name); an entry that cannot be read or unpickled is a miss."""
from __future__ import annotations

import hashlib
import os
import pickle


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


def load(path: str):
    """The object stored at ``path``, or None (missing, unreadable or corrupt)."""
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:  # a truncated or foreign entry is a miss, never an error
        return None


def store(path: str, obj) -> None:
    """Write ``obj`` atomically (temp file + rename); failures are ignored."""
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:
        try:
            os.unlink(tmp)
        except OSError:
            pass
