"""How paths are shown in findings: a config as the user named it (or as discovery
placed it), a file a config names as the host path a reader can open."""
from __future__ import annotations

import os


class Display:
    """The display names of one installation's paths."""

    def __init__(self, fs, names: dict[str, str]):
        self.fs = fs
        self.names = names  # file-system view path -> as shown; the caller's dict

    def show(self, path: str) -> str:
        return self.names.get(path, path)

    def show_file(self, path: str) -> str:
        """How a file a config names is shown: under --root, the host path relative to the
        working directory when it lies below it (a checkout), else the in-tree path."""
        if self.fs.root is None:
            return path
        archive = getattr(self.fs, "archive", None)
        if archive is not None:
            return f"{archive}!{path}"
        try:
            host = self.fs.describe(path)
        except OSError:
            return path
        rel = os.path.relpath(host)
        return path if rel.startswith("..") else rel
