"""The model: one :class:`Installation` joins what sendmail would join.

It holds the MTA config (sendmail.cf), the MSP config (submit.cf) when present, the
target (version, vendor), and a read-only file-system view through which every
referenced file is read, lazily and once. Rules read only through it.
"""
from __future__ import annotations

import os

from ..fs import LiveFS
from .accounts import Accounts
from .configs import Configuration
from .display import Display
from .safety import Safety
from .settings import InputProblem, Settings


class Installation:
    """An installation: the MTA config, the MSP config, the target, the file view."""

    def __init__(self, fs: LiveFS, mta_path: str | None, msp_path: str | None,
                 settings: Settings, display: dict[str, str] | None = None):
        self.fs = fs
        self.settings = settings
        self._files: dict = {}
        self._memo: dict = {}
        self.input_problems: list[InputProblem] = []
        self.display = Display(fs, display or {})
        archive = getattr(fs, "archive", None)
        for note in getattr(fs, "notes", ()) or ():  # a hostile or odd archive: say so
            self.input_problems.append(InputProblem(
                archive or "archive", f"archive {note}",
                consequence="that member was not used; the rest of the archive was linted"
                if "appears more than once" not in note else "the later copy was linted"))
        self.configuration = Configuration(fs, mta_path, msp_path, settings, self.display,
                                           self.input_problems, self.memo)
        self.target = self.configuration.target
        self.configs = self.configuration.configs   # the linted configs (.cf, or a lone .mc)
        self.mta = self.configuration.mta
        self.msp = self.configuration.msp
        self.accounts = Accounts(fs, self.memo)
        self.safety = Safety(self.accounts, self.target, self.memo)

    @classmethod
    def unreadable(cls, shown: str, message: str, settings: Settings) -> "Installation":
        """An input that could not be opened at all (a corrupt archive)."""
        inst = cls(LiveFS(), None, None, settings)
        inst.input_problems.append(InputProblem(shown, message))
        return inst

    # -------- files the configurations name

    @property
    def now(self) -> "datetime.datetime":
        if self.settings.now is not None:
            return self.settings.now
        import datetime

        return datetime.datetime.now(datetime.timezone.utc)

    def memo(self, key, compute):
        """A value derived from the files, computed once per installation (rules share
        it: the certificates a configuration can see, the CA directory index)."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value

    def file(self, path: str):
        """The lazily read, cached view of one referenced path."""
        ref = self._files.get(path)
        if ref is None:
            from ..files import PEM_SIZE_LIMIT, FileRef

            limit = self.settings.max_file_size
            ref = self._files[path] = FileRef(self.fs, path, limit or PEM_SIZE_LIMIT,
                                              self.elsewhere(path))
        return ref

    def tls_files(self, cfg: "CfConfig | None" = None) -> list:
        """Every TLS file the configurations name, with its role; not those that live on
        the host a repository's configuration is deployed to (``elsewhere_files``)."""
        return self.memo(("tls_files", id(cfg)), lambda: [
            r for r in self._tls_files(cfg) if self.elsewhere(r.path) is None])

    def elsewhere_files(self) -> list:
        """The TLS files the configurations name that are not here to inspect (see
        ``elsewhere``): a rule says once that they were not checked."""
        return self.memo("elsewhere_files", lambda: [
            r for r in self._tls_files(None) if self.elsewhere(r.path) is not None])

    def certificates(self) -> list[tuple[str, str, object]]:
        """(option, path, CertInfo) of every certificate in the files the configs name
        as ServerCertFile, ClientCertFile or CACertFile (for an inventory), once each."""
        out, seen = [], set()
        for ref in self.tls_files():
            if ref.option not in ("ServerCertFile", "ClientCertFile", "CACertFile"):
                continue
            f = self.file(ref.path)
            if not f.is_regular or f.data is None or b"CERTIFICATE-----" not in f.data:
                continue
            for c in (f.certs.certs if f.certs else []):
                if (ref.option, ref.path, c.sha256) not in seen:
                    seen.add((ref.option, ref.path, c.sha256))
                    out.append((ref.option, ref.path, c))
        return out

    def _tls_files(self, cfg):
        from ..files import TlsRef

        out = []
        for c in ([cfg] if cfg else self.configs):
            server = c.role == "mta"
            roles = {
                "ServerCertFile": "server" if server else None,
                "ServerKeyFile": "server" if server else None,
                "ClientCertFile": "client", "ClientKeyFile": "client",
                "CACertFile": "ca-server" if server else "ca-client",
                "CACertPath": "capath", "DHParameters": "dh" if server else None,
                "CRLFile": "crl", "CRLPath": "crlpath",
            }
            cert_has_comma = {o: "," in (c.value(o) or "")
                              for o in ("ServerCertFile", "ClientCertFile")}
            for option, role in roles.items():
                s = c.get(option)
                if s is None or role is None:
                    continue
                value = s.value
                if option == "DHParameters" and not value.startswith("/"):
                    continue
                names = [value]
                pair_cert = option.replace("Key", "Cert")
                if option.endswith(("CertFile", "KeyFile")) and option != "CACertFile" and \
                        cert_has_comma.get(pair_cert):
                    names = value.split(",", 1)
                for i, name in enumerate(names, 1):
                    if is_defined_path(name):
                        out.append(TlsRef(c, option, name, role, i, s))
        return out

    # -------- whether modes and owners mean anything here

    def elsewhere(self, path: str) -> str | None:
        """Why a file a configuration names is not here to inspect, or None: the config is
        a source kept in a repository (git tracks it, outside a deployed /etc), and the file
        is not in that repository (missing from it; in the live view, outside its work
        tree), so it lives on the host the config is deployed to. --check-permissions
        always says the tree is deployed: everything is then read where it is."""
        if self.settings.check_permissions == "always":
            return None
        return self.memo(("elsewhere", path), lambda: self._elsewhere(path))

    def _elsewhere(self, path: str) -> str | None:
        for cfg in self.configs:
            top = self._source_top(cfg.path)
            if top is None:
                continue
            if not self._present(path):
                return (f"not in the repository that keeps {self.display.show(cfg.path)}, "
                        "so on the host it is deployed to")
            if type(self.fs) is LiveFS and not (
                    os.path.realpath(path) + os.sep).startswith(top.rstrip(os.sep) + os.sep):
                return (f"outside the repository that keeps {self.display.show(cfg.path)}, "
                        "so what is there on this machine need not be the deployed host's")
        return None

    def _present(self, path: str) -> bool:
        try:
            self.fs.stat(path)
            return True
        except OSError as e:  # there, but not for us: the rules say so
            return isinstance(e, PermissionError)

    def _source_top(self, cfg_path: str) -> str | None:
        """The work tree of a config git tracks outside a deployed /etc, else None."""
        return self.memo(("source-top", cfg_path), lambda: self._source_top_uncached(cfg_path))

    def _source_top_uncached(self, cfg_path: str) -> str | None:
        host_root = self._host_of(cfg_path)
        return None if host_root is None else self._tracked_top(*host_root)

    def _host_of(self, path: str) -> tuple[str, str | None] | None:
        """(host path, --root directory or None) of a path in a live or re-based view;
        None in an archive (a snapshot: what it holds is what the host held)."""
        from ..fs import RootFS

        if type(self.fs) is LiveFS:
            return os.path.realpath(path), None
        if isinstance(self.fs, RootFS):
            try:
                return self.fs.host_path(path), self.fs.root
            except OSError:
                return self.fs.describe(path), self.fs.root
        return None

    def permissions_skipped(self, path: str) -> str | None:
        """Why the mode and owner rules are skipped for ``path`` (None: they apply):
        --check-permissions never, or git tracks the file (cflint.gitindex: git records
        neither owners nor modes). Untracked and ignored files in a work tree, a tar
        archive, and a deployed system kept in git (gitindex.is_deployed) are checked."""
        mode = self.settings.check_permissions
        if mode == "always":
            return None
        if mode == "never":
            return NEVER
        host_root = self._host_of(path)
        return GIT_TRACKED if host_root and self._tracked_top(*host_root) else None

    def _tracked_top(self, host: str, root: str | None) -> str | None:
        """The work tree whose index lists ``host``, when it is not a deployed system;
        else None (memoised per file; the work-tree search per directory)."""
        return self.memo(("git", host), lambda: self._tracked_top_uncached(host, root))

    def _tracked_top_uncached(self, host: str, root: str | None) -> str | None:
        from .. import gitindex

        d = os.path.dirname(host)
        top = self.memo(("work-tree", d), lambda: gitindex.work_tree(d))
        if top is None:
            return None
        if root is None:
            in_tree = top
        else:
            rel = os.path.relpath(top, root)
            in_tree = None if rel.startswith("..") else os.path.normpath("/" + rel)
        if gitindex.is_deployed(top, in_tree):
            return None
        index = self.memo(("git-index", top), lambda: gitindex.tracked(top))
        name = os.fsencode(os.path.relpath(host, top)).replace(os.sep.encode(), b"/")
        return top if name in index else None

    # -------- forwarders: the flat API of before the views, kept only until the call
    # sites (rules/, cli.py, audit.py, live/) are rewritten to the views. One line each;
    # delete this block when nothing calls them.

    mc_sources = property(lambda self: self.configuration.mc_sources)
    names_source = property(lambda self: self.accounts.source)

    def all_configs(self): return self.configuration.all_configs()
    def suppressions(self): return self.configuration.suppressions()
    def relocate(self, findings): return self.configuration.relocate(findings)
    def show(self, path): return self.display.show(path)
    def show_file(self, path): return self.display.show_file(path)
    def user(self, name): return self.accounts.user(name)
    def group(self, name): return self.accounts.group(name)
    def user_exists(self, name): return self.accounts.user_exists(name)
    def group_exists(self, name): return self.accounts.group_exists(name)
    def user_name(self, uid): return self.accounts.user_name(uid)
    def group_name(self, gid): return self.accounts.group_name(gid)
    def groups_db(self): return self.accounts.groups_db()
    def identities(self, cfg): return self.safety.identities(cfg)
    def dont_blame(self, cfg): return self.safety.dont_blame(cfg)
    def safety_flags(self, cfg): return self.safety.flags(cfg)


NEVER = "--check-permissions never"
GIT_TRACKED = ("git tracks these files, and git records neither owners nor modes: the "
               "modes of a checkout say nothing about the deployed files")


def is_defined_path(value: str | None) -> bool:
    """tls.c tls_ok_f(): a path counts only if non-empty and absolute."""
    return bool(value) and value.startswith("/")
