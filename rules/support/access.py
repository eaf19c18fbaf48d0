"""The access map as the rules read it: the text file it is built from (cflint never reads
the compiled .db)."""
from __future__ import annotations

import posixpath
import re


def access_entries(model, cfg):
    """(path, [(line, key, value)]) of the text access file the config's access map is
    built from, or (db path, None) when only the compiled .db exists, or (None, None)."""
    path = None
    for ln in cfg.doc.lines:
        if ln.kind == "K" and re.match(r"Kaccess\s", ln.text):
            words = [w for w in ln.text.split()[2:] if not w.startswith("-")]
            if words:
                path = words[-1]
                break
    if path is None:  # no access map named: the file beside the config, if any
        path = posixpath.join(posixpath.dirname(cfg.fs_path) or ".", "access")
    for suffix in (".db", ".dir", ".pag"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    f = model.files.at(path)
    if f.data is None:
        db = model.files.at(path + ".db")
        return (path + ".db", None) if db.exists else (None, None)
    entries = []
    for i, raw in enumerate(f.data.decode("utf-8", "replace").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 1)
        entries.append((i, parts[0], parts[1].strip() if len(parts) > 1 else ""))
    return path, entries
