"""What a run is told (:class:`Settings`, from the command line and the config file) and
what it could not use (:class:`InputProblem`, reported by CF012)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Settings:
    require_starttls: bool = False
    target_version: str | None = None
    vendor: str = "upstream"
    now: "datetime.datetime | None" = None       # injected time; None: the clock
    expiry_days: int = 30
    security_level: int = 2
    hostname: str | None = None
    max_lifetime_days: int = 398
    check_permissions: str = "auto"                # "auto", "always", "never"
    max_ca_certs: int = 100
    inline_ignores: bool = True                    # False: --no-inline-ignores
    max_file_size: int | None = None               # bytes; None: 64 MiB configs, 8 MiB PEM


@dataclass(slots=True)
class InputProblem:
    path: str
    message: str
    line: int | None = None
    consequence: str = "the file was not linted"
