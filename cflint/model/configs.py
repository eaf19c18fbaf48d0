"""The configuration view: the configs of one installation read through the file-system
view, each .cf paired with the .mc beside it, the target decided, each parsed into a
:class:`CfConfig`; the inline suppressions they carry; findings moved from a .cf line to
the .mc line that sets it."""
from __future__ import annotations

import os
import stat as stat_mod

from ..cf.parser import option_key
from ..fs import EscapeError, FsError, NotRegularError, TooLargeError
from ..sendmail import options as optdata
from ..sendmail.versions import DEFAULT, Target, VersionError, clamp, parse_version
from .cfconfig import CfConfig, is_mc_path
from .settings import InputProblem

CONFIG_SIZE_LIMIT = 64 * 1024 * 1024


class Configuration:
    """The MTA and MSP configs of an installation (``mta``, ``msp``, ``configs``: the
    linted ones), the .mc sources paired with them (``mc_sources``) and the ``target``.
    Read problems go to ``input_problems``; ``display`` names the paths."""

    def __init__(self, fs, mta_path: str | None, msp_path: str | None, settings,
                 display, input_problems: list[InputProblem], memo):
        self.fs = fs
        self.settings = settings
        self.display = display
        self.input_problems = input_problems
        self._memo = memo
        self._config_limit = settings.max_file_size or CONFIG_SIZE_LIMIT
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
            made = {p: CfConfig(display.show(p), role, texts[p], self.target, p,
                                self._read_text) for p in (cf, mc) if p in texts}
            if not made:
                continue
            cfg = made.get(cf) or made[mc]
            if cf in made and mc in made and cfg.mc is None and made[mc].mc is not None:
                cfg.source, made[mc].generated = made[mc], cfg
                self.mc_sources.append(made[mc])
            self.configs.append(cfg)
            setattr(self, role, cfg)

    def all_configs(self) -> list[CfConfig]:
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
        return self._memo("suppressions", parse)

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

    # -------- reading

    def _pair(self, path: str) -> tuple[str | None, str | None]:
        """(the .cf, its .mc) for a config given as either; the other is the file beside
        it with the other suffix (sendmail.cf <-> sendmail.mc), when it exists."""
        stem, ext = os.path.splitext(path)
        ext = ext.lower()
        if ext not in (".cf", ".mc"):
            return (None, path) if is_mc_path(path) else (path, None)
        other = stem + (".mc" if ext == ".cf" else ".cf")
        have = other if self._is_file(other) else None
        if other not in self.display.names and have:
            shown = self.display.show(path)
            self.display.names[other] = shown[: len(shown) - len(ext)] + other[len(stem):]
        return (path, have) if ext == ".cf" else (have, path)

    def _is_file(self, path: str) -> bool:
        try:
            return stat_mod.S_ISREG(self.fs.stat(path).st_mode)
        except (OSError, FsError):
            return False

    def _read_text(self, path: str) -> str | None:
        """A file read as text through the view (an included m4 file, an .mc beside its
        .cf): None when it is not in the tree or cannot be read."""
        try:
            return self.fs.read(path, self._config_limit).decode("utf-8", "surrogateescape")
        except OSError:
            return None

    def _read_config(self, path: str, quiet: bool = False) -> str | None:
        if quiet:  # an .mc beside a .cf: read when it can be, never a finding
            return self._read_text(path)
        show = self.display.show
        try:
            st = self.fs.stat(path)
            if not stat_mod.S_ISREG(st.st_mode):
                kind = _file_kind(st.st_mode)
                self.input_problems.append(InputProblem(
                    show(path), f"{kind} where a configuration file was expected; "
                    "it was not opened"))
                return None
            data = self.fs.read(path, self._config_limit)
        except EscapeError as e:
            self.input_problems.append(InputProblem(show(path), str(e)))
            return None
        except TooLargeError as e:
            self.input_problems.append(InputProblem(show(path), str(e)))
            return None
        except NotRegularError as e:
            self.input_problems.append(InputProblem(show(path), str(e)))
            return None
        except OSError as e:
            self.input_problems.append(InputProblem(
                show(path), f"cannot read: {e.strerror or e}"))
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


def path_role_msp(path: str) -> bool:
    return "submit" in os.path.basename(path).lower()


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


def _mentioned_first(opts: list, message: str) -> list:
    """The options of a line, the ones the message names first (an OSTYPE line sets
    many)."""
    return sorted(opts, key=lambda o: o.name not in message)
