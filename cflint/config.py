"""Project configuration: ``[tool.cflint]`` in ``pyproject.toml`` or a ``.cflint.toml``.

The file is found upward from the first linted path (from the working directory when none
is given); in one directory ``.cflint.toml`` wins over ``pyproject.toml``, and a
``pyproject.toml`` without ``[tool.cflint]`` is passed over. ``--config FILE`` names one
directly. Command-line flags win over the file. Unknown keys and values of the wrong type
are usage errors naming the key and the file.
"""
from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field

LEVELS = ("error", "warning", "note")


class ConfigError(Exception):
    pass


def _list(v, key, src):
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise ConfigError(f"{src}: '{key}' must be a list of rule codes, prefixes or names")
    return v


def _int(v, key, src, lo=0, hi=None):
    if not isinstance(v, int) or isinstance(v, bool) or v < lo or (hi is not None and v > hi):
        rng = f"{lo}-{hi}" if hi is not None else f">= {lo}"
        raise ConfigError(f"{src}: '{key}' must be a whole number ({rng})")
    return v


def _choice(*choices):
    def check(v, key, src):
        if v not in choices:
            raise ConfigError(f"{src}: '{key}' must be one of {', '.join(choices)}")
        return v
    return check


def _str(v, key, src):
    if not isinstance(v, str) or not v:
        raise ConfigError(f"{src}: '{key}' must be a string")
    return v


def _bool(v, key, src):
    if not isinstance(v, bool):
        raise ConfigError(f"{src}: '{key}' must be true or false")
    return v


def _per_file(v, key, src):
    if not isinstance(v, dict):
        raise ConfigError(f"{src}: '{key}' must be a table of glob = [codes]")
    return {g: _list(codes, f"{key}.{g}", src) for g, codes in v.items()}


def _severity(v, key, src):
    if not isinstance(v, dict):
        raise ConfigError(f"{src}: '{key}' must be a table of CODE = \"error\"|\"warning\"|"
                          "\"note\"")
    for code, level in v.items():
        if level not in LEVELS:
            raise ConfigError(f"{src}: '{key}.{code}' must be error, warning or note")
    return {c.upper(): lvl for c, lvl in v.items()}


# key in the file -> (attribute, checker)
KEYS = {
    "select": ("select", _list),
    "extend-select": ("extend_select", _list),
    "ignore": ("ignore", _list),
    "per-file-ignores": ("per_file_ignores", _per_file),
    "severity": ("severity", _severity),
    "target-version": ("target_version", _str),
    "vendor": ("vendor", _choice("upstream", "hpux")),
    "root": ("root", _str),
    "expiry-days": ("expiry_days", lambda v, k, s: _int(v, k, s)),
    "security-level": ("security_level", lambda v, k, s: _int(v, k, s, 0, 5)),
    "check-permissions": ("check_permissions", _choice("auto", "always", "never")),
    "fail-on": ("fail_on", _choice("error", "warning", "note", "never")),
    "max-lifetime-days": ("max_lifetime_days", lambda v, k, s: _int(v, k, s)),
    "max-ca-certs": ("max_ca_certs", lambda v, k, s: _int(v, k, s)),
    "hostname": ("hostname", _str),
    "require-starttls": ("require_starttls", _bool),
    "max-file-size": ("max_file_size", lambda v, k, s: _int(v, k, s, 1)),
}


@dataclass
class Config:
    path: str | None = None          # the file read (None: no file)
    base: str = "."                  # its directory: globs and root are relative to it
    values: dict = field(default_factory=dict)   # attribute -> value, as the file says

    def get(self, attr, default=None):
        return self.values.get(attr, default)

    def ignored_here(self, shown_path: str) -> list[str]:
        """The codes per-file-ignores turns off for a file (as findings show its path)."""
        globs = self.values.get("per_file_ignores") or {}
        if not globs:
            return []
        absolute = os.path.abspath(shown_path.split("!", 1)[0])
        rel = os.path.relpath(absolute, self.base)
        out: list[str] = []
        for pattern, codes in globs.items():
            if any(fnmatch.fnmatchcase(p, pattern) or fnmatch.fnmatchcase(p, "*/" + pattern)
                   for p in (rel, shown_path, os.path.basename(shown_path))):
                out.extend(codes)
        return out


def find(start: str | None) -> str | None:
    """The configuration file that applies to ``start`` (a path being linted)."""
    here = os.path.abspath(start or ".")
    if not os.path.isdir(here):
        here = os.path.dirname(here)
    while True:
        dotfile = os.path.join(here, ".cflint.toml")
        if os.path.isfile(dotfile):
            return dotfile
        pyproject = os.path.join(here, "pyproject.toml")
        if os.path.isfile(pyproject) and _has_section(pyproject):
            return pyproject
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def _has_section(path: str) -> bool:
    try:
        return "cflint" in (_toml(path).get("tool") or {})
    except ConfigError:
        return True  # a broken pyproject.toml that mentions us: report it when loaded


def _toml(path: str) -> dict:
    import tomllib

    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror or e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None


def load(path: str | None) -> Config:
    if path is None:
        return Config()
    data = _toml(path)
    if os.path.basename(path) == "pyproject.toml":
        table = (data.get("tool") or {}).get("cflint")
        src = f"{path} [tool.cflint]"
        if table is None:
            raise ConfigError(f"{path}: no [tool.cflint] table")
    else:
        table, src = data, path
    if not isinstance(table, dict):
        raise ConfigError(f"{src}: must be a table")
    values = {}
    for key, value in table.items():
        if key not in KEYS:
            raise ConfigError(f"{src}: unknown key '{key}' (known: {', '.join(KEYS)})")
        attr, check = KEYS[key]
        values[attr] = check(value, key, src)
    return Config(path, os.path.dirname(os.path.abspath(path)), values)
