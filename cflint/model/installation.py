"""The model: one :class:`Installation` joins what sendmail would join.

It holds the MTA config (sendmail.cf), the MSP config (submit.cf) when present, the
target (version, vendor), and a read-only file-system view through which every
referenced file is read, lazily and once. Rules read only through it.
"""
from __future__ import annotations

import os
import stat as stat_mod

from ..cf.parser import option_key
from ..fs import EscapeError, FsError, LiveFS, NotRegularError, TooLargeError
from ..sendmail import options as optdata
from ..sendmail.versions import DEFAULT, Target, clamp, parse_version, VersionError
from .accounts import Accounts
from .cfconfig import CfConfig, is_mc_path
from .safety import Safety
from .settings import InputProblem, Settings

CONFIG_SIZE_LIMIT = 64 * 1024 * 1024


class Installation:
    """An installation: the MTA config, the MSP config, the target, the file view."""

    def __init__(self, fs: LiveFS, mta_path: str | None, msp_path: str | None,
                 settings: Settings, display: dict[str, str] | None = None):
        self.fs = fs
        self.settings = settings
        self._files: dict = {}
        self._memo: dict = {}
        self.input_problems: list[InputProblem] = []
        self.display = display or {}
        self._config_limit = settings.max_file_size or CONFIG_SIZE_LIMIT
        archive = getattr(fs, "archive", None)
        for note in getattr(fs, "notes", ()) or ():  # a hostile or odd archive: say so
            self.input_problems.append(InputProblem(
                archive or "archive", f"archive {note}",
                consequence="that member was not used; the rest of the archive was linted"
                if "appears more than once" not in note else "the later copy was linted"))
        # A .cf and the .mc it is generated from (sendmail.cf/sendmail.mc side by side):
        # the .cf is linted (sendmail reads it), its findings are placed on the .mc line
        # that sets the option (see relocate), and the .mc's own text is checked too.
        pairs: dict[str, tuple[str | None, str | None]] = {}
        for role, p in (("mta", mta_path), ("msp", msp_path)):
            if p is not None:
                pairs[role] = self._pair(p)
        texts: dict[str, str] = {}
        for cf, mc in pairs.values():
            for p, partner in ((cf, False), (mc, True)):
                if p is None:
                    continue
                t = self._read_config(p, quiet=partner and cf is not None)
                if t is not None:
                    texts[p] = t
        first = [cf if cf in texts else mc for cf, mc in pairs.values()]
        self.target = self._target(next((texts[p] for p in first if p in texts), None))
        self.configs: list[CfConfig] = []
        self.mc_sources: list[CfConfig] = []   # .mc files paired with a linted .cf
        self.mta = self.msp = None
        for role, (cf, mc) in pairs.items():
            made = {p: CfConfig(self.show(p), role, texts[p], self.target, p,
                                self._read_text) for p in (cf, mc) if p in texts}
            if not made:
                continue
            cfg = made.get(cf) or made[mc]
            if cf in made and mc in made and cfg.mc is None and made[mc].mc is not None:
                cfg.source, made[mc].generated = made[mc], cfg
                self.mc_sources.append(made[mc])
            self.configs.append(cfg)
            setattr(self, role, cfg)
        self.accounts = Accounts(fs, self.memo)
        self.safety = Safety(self.accounts, self.target, self.memo)

    def _pair(self, path: str) -> tuple[str | None, str | None]:
        """(the .cf, its .mc) for a config given as either; the other is the file beside
        it with the other suffix (sendmail.cf <-> sendmail.mc), when it exists."""
        stem, ext = os.path.splitext(path)
        ext = ext.lower()
        if ext not in (".cf", ".mc"):
            return (None, path) if is_mc_path(path) else (path, None)
        other = stem + (".mc" if ext == ".cf" else ".cf")
        have = other if self._is_file(other) else None
        if other not in self.display and have:
            shown = self.show(path)
            self.display[other] = shown[: len(shown) - len(ext)] + other[len(stem):]
        return (path, have) if ext == ".cf" else (have, path)

    def _is_file(self, path: str) -> bool:
        try:
            return stat_mod.S_ISREG(self.fs.stat(path).st_mode)
        except (OSError, FsError):
            return False

    def all_configs(self) -> list["CfConfig"]:
        """The linted configs and the .mc sources beside them: for the rules about a
        file's own text (its syntax, its defines)."""
        return self.configs + self.mc_sources

    def suppressions(self) -> list:
        """The inline suppressions of every config and .mc source (none with
        --no-inline-ignores), parsed once."""
        def parse():
            if not self.settings.inline_ignores:
                return []
            from .. import suppress

            out = []
            for cfg in self.all_configs():
                out.extend(suppress.parse(cfg.text, cfg.path, cfg.mc is not None))
            return out
        return self.memo("suppressions", parse)

    def relocate(self, findings: list) -> list:
        """Findings on a .cf line that an .mc beside it sets: moved to that .mc line, the
        .cf line kept as a related location; a finding both files raise is kept once."""
        if not self.mc_sources:
            return findings
        out, seen = [], set()
        for f in findings:
            f = self._relocated(f)
            key = (f.code, f.location.path, f.location.line, f.anchor)
            if key in seen:
                continue
            seen.add(key)
            out.append(f)
        return out

    def _relocated(self, f):
        import dataclasses

        from ..findings import Location

        for cfg in self.configs:
            src = cfg.source
            if src is None or f.location.path != cfg.path:
                continue
            line = f.location.line
            opts = [o for o in cfg.doc.options if o.first_line <= (line or 0) <= o.line]
            target = None
            for o in _mentioned_first(opts, f.message):
                key = option_key(o).lower()
                among = [x for x in cfg.doc.options if option_key(x).lower() == key]
                target = src.option_line(key, o, among)
                if target is not None:
                    on_value = f.location.column is not None and \
                        f.location.column >= o.value_column
                    break
            if target is None and line == (cfg.doc.version_line or 1) and not opts:
                target, on_value = (src.doc.version_line or 1, None, None), False
            if target is None:
                return f
            mline, mcol, mvalue = target
            if on_value and mvalue is not None:
                mcol = mvalue
            if f.location.column is None:
                mcol = None
            related = (Location(cfg.path, line, f.location.column,
                                note="the .cf line sendmail reads"),) + f.related
            return dataclasses.replace(f, location=Location(src.path, mline, mcol),
                                       related=related)
        return f

    def _read_text(self, path: str) -> str | None:
        """A file read as text through the view (an included m4 file, an .mc beside its
        .cf): None when it is not in the tree or cannot be read."""
        try:
            return self.fs.read(path, self._config_limit).decode("utf-8", "surrogateescape")
        except OSError:
            return None

    @classmethod
    def unreadable(cls, shown: str, message: str, settings: Settings) -> "Installation":
        """An input that could not be opened at all (a corrupt archive)."""
        inst = cls(LiveFS(), None, None, settings)
        inst.input_problems.append(InputProblem(shown, message))
        return inst

    def show(self, path: str) -> str:
        return self.display.get(path, path)

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

    def _read_config(self, path: str, quiet: bool = False) -> str | None:
        if quiet:  # an .mc beside a .cf: read when it can be, never a finding
            return self._read_text(path)
        try:
            st = self.fs.stat(path)
            if not stat_mod.S_ISREG(st.st_mode):
                kind = _file_kind(st.st_mode)
                self.input_problems.append(InputProblem(
                    self.show(path), f"{kind} where a configuration file was expected; "
                    "it was not opened"))
                return None
            data = self.fs.read(path, self._config_limit)
        except EscapeError as e:
            self.input_problems.append(InputProblem(self.show(path), str(e)))
            return None
        except TooLargeError as e:
            self.input_problems.append(InputProblem(self.show(path), str(e)))
            return None
        except NotRegularError as e:
            self.input_problems.append(InputProblem(self.show(path), str(e)))
            return None
        except OSError as e:
            self.input_problems.append(InputProblem(
                self.show(path), f"cannot read: {e.strerror or e}"))
            return None
        return data.decode("utf-8", "surrogateescape")

    def _target(self, text: str | None) -> Target:
        vendor = self.settings.vendor
        flags = optdata.BUILD_PROFILES.get(vendor, optdata.DEBIAN_BUILD_FLAGS)
        if self.settings.target_version:
            v = parse_version(self.settings.target_version)
            return Target(v, vendor, "cli", flags)
        if vendor == "hpux":
            return Target((8, 13, 3), vendor, "vendor", flags)
        if text is not None:
            from ..cf.parser import header_version

            hv = header_version(text)
            if hv:
                try:
                    return Target(clamp(parse_version(hv)), vendor, "header", flags)
                except VersionError:
                    pass
        return Target(DEFAULT, vendor, "default", flags)

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
                return (f"not in the repository that keeps {self.show(cfg.path)}, so on the "
                        "host it is deployed to")
            if type(self.fs) is LiveFS and not (
                    os.path.realpath(path) + os.sep).startswith(top.rstrip(os.sep) + os.sep):
                return (f"outside the repository that keeps {self.show(cfg.path)}, so what "
                        "is there on this machine need not be the deployed host's")
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

    names_source = property(lambda self: self.accounts.source)

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


def _file_kind(mode: int) -> str:
    if stat_mod.S_ISDIR(mode):
        return "a directory"
    if stat_mod.S_ISFIFO(mode):
        return "a FIFO"
    if stat_mod.S_ISSOCK(mode):
        return "a socket"
    if stat_mod.S_ISCHR(mode) or stat_mod.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def is_defined_path(value: str | None) -> bool:
    """tls.c tls_ok_f(): a path counts only if non-empty and absolute."""
    return bool(value) and value.startswith("/")


def _mentioned_first(opts: list, message: str) -> list:
    """The options of a line, the ones the message names first (an OSTYPE line sets
    many)."""
    return sorted(opts, key=lambda o: o.name not in message)


def path_role_msp(path: str) -> bool:
    return "submit" in os.path.basename(path).lower()
