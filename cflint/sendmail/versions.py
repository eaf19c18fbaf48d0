"""Target versions and vendor profiles."""
from __future__ import annotations

from dataclasses import dataclass

Version = tuple[int, ...]

SUPPORTED_MIN: Version = (8, 13)
SUPPORTED_MAX: Version = (8, 18, 1)
DEFAULT: Version = (8, 17, 1)

# A two-part version means the last release of that line.
LAST_PATCH: dict[Version, Version] = {
    (8, 13): (8, 13, 8),
    (8, 14): (8, 14, 9),
    (8, 15): (8, 15, 2),
    (8, 16): (8, 16, 1),
    (8, 17): (8, 17, 2),
    (8, 18): (8, 18, 1),
}


class VersionError(ValueError):
    pass


def parse_version(text: str) -> Version:
    parts = text.strip().split(".")
    try:
        v = tuple(int(p) for p in parts if p != "")
    except ValueError:
        raise VersionError(f"not a sendmail version: {text!r}") from None
    if len(v) < 2 or v[0] != 8:
        raise VersionError(f"not a sendmail 8.x version: {text!r}")
    if len(v) == 2:
        v = LAST_PATCH.get(v, v + (0,))
    return v


def check_supported(v: Version) -> Version:
    if v[:2] < SUPPORTED_MIN or v[:2] > SUPPORTED_MAX[:2]:
        raise VersionError(
            f"sendmail {fmt(v)} is outside the supported range 8.13-8.18")
    return v


def clamp(v: Version) -> Version:
    if v[:2] < SUPPORTED_MIN:
        return LAST_PATCH[SUPPORTED_MIN][:1] + (13, 0)
    if v[:2] > SUPPORTED_MAX[:2]:
        return SUPPORTED_MAX
    return v


def fmt(v: Version) -> str:
    return ".".join(str(p) for p in v)


@dataclass(frozen=True, slots=True)
class Target:
    version: Version = DEFAULT
    vendor: str = "upstream"          # "upstream" or "hpux"
    source: str = "default"           # "cli", "header" or "default"
    build_flags: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        v = f"sendmail {fmt(self.version)}"
        return v + (" (HP-UX vendor build)" if self.vendor == "hpux" else "")

    def at_least(self, v: Version) -> bool:
        return self.version >= v
