"""Files a configuration names, read lazily and once through the model's fs view."""
from __future__ import annotations

import errno
import os
import stat as stat_mod
from typing import NamedTuple

from .fs import EscapeError, NotRegularError, TooLargeError

PEM_SIZE_LIMIT = 8 * 1024 * 1024


class Elsewhere(PermissionError):
    """A file a configuration kept in a repository names, which lives on the host it is
    deployed to: not here to inspect (it reads as unreadable, so the rules skip it and
    CF008 says what was not checked)."""


class FileRef:
    """One referenced path: its stat, its bytes, and what they parse as. Every result is
    computed at most once. ``elsewhere`` (a reason) marks a file that is not here to read."""

    def __init__(self, fs, path: str, limit: int = PEM_SIZE_LIMIT,
                 elsewhere: str | None = None):
        self.fs = fs
        self.path = path
        self.limit = limit
        self._stat = self._lstat = self._data = None
        self._stat_err = self._data_err = None
        self._certs = self._key = None
        if elsewhere:
            self._stat_err = self._data_err = Elsewhere(errno.EACCES, elsewhere, path)

    # ---- metadata
    def stat(self) -> os.stat_result | None:
        if self._stat is None and self._stat_err is None:
            try:
                self._stat = self.fs.stat(self.path)
            except OSError as e:
                self._stat_err = e
        return self._stat

    @property
    def stat_error(self) -> OSError | None:
        self.stat()
        return self._stat_err

    @property
    def exists(self) -> bool:
        return self.stat() is not None

    @property
    def is_dir(self) -> bool:
        st = self.stat()
        return st is not None and stat_mod.S_ISDIR(st.st_mode)

    @property
    def is_regular(self) -> bool:
        st = self.stat()
        return st is not None and stat_mod.S_ISREG(st.st_mode)

    # ---- content
    @property
    def data(self) -> bytes | None:
        if self._data is None and self._data_err is None:
            try:
                self._data = self.fs.read(self.path, self.limit)
            except (EscapeError, TooLargeError, NotRegularError, OSError) as e:
                self._data_err = e
        return self._data

    @property
    def read_error(self) -> OSError | None:
        _ = self.data
        return self._data_err

    @property
    def permission_denied(self) -> bool:
        e = self.read_error or self.stat_error
        return isinstance(e, PermissionError) or getattr(e, "errno", None) == errno.EACCES

    def missing_text(self) -> str:
        """Why the path is not there, in the words of a message: "does not exist", or what
        stopped the lookup (a link leaving --root, a symlink loop)."""
        e = self.stat_error
        if isinstance(e, EscapeError):
            return "is a link that leaves the --root tree (not followed)"
        if getattr(e, "errno", None) == errno.ELOOP:
            return "is a symlink loop (too many levels of symbolic links)"
        return "does not exist"

    def error_text(self) -> str:
        e = self.stat_error or self.read_error
        if e is None:
            return ""
        return e.strerror or str(e)

    @property
    def certs(self):
        if self._certs is None and self.data is not None:
            from .pki.load import parse_cert_file

            self._certs = parse_cert_file(self.data)
        return self._certs

    @property
    def key(self):
        if self._key is None and self.data is not None:
            from .pki.load import parse_key_file

            self._key = parse_key_file(self.data)
        return self._key


class TlsRef(NamedTuple):
    """A TLS file a configuration names, with the role that decides the impact."""

    config: object       # CfConfig
    option: str          # "ServerCertFile", ...
    path: str
    role: str            # "server", "client", "ca-server", "ca-client", "dh", "crl", "capath"
    pair: int            # 1, or 2 for the second name after a comma
    setting: object      # the Setting that names it

    @property
    def line(self) -> int:
        return self.setting.line

    @property
    def column(self) -> int:
        return self.setting.opt.value_column
