"""The model the ``probe`` and ``logs`` rules read: the observations, and, when a
configuration was given, its Installation and the findings of the static rules on it
(what they predict the running server does)."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from ..findings import Finding, RuleMeta

PREDICTING = ("starttls-off", "daemon-fails")   # impacts that mean "no STARTTLS offered"


@dataclass
class LiveModel:
    kind: str                                   # "probe" or "logs"
    observations: list[dict]                    # probe results, or log events
    installation: object | None = None          # the Installation of --config
    static_findings: list[Finding] = field(default_factory=list)
    rule_metas: dict[str, RuleMeta] = field(default_factory=dict)
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    sources: list[str] = field(default_factory=list)   # log files as given

    @property
    def probes(self) -> list[dict]:
        return self.observations if self.kind == "probe" else []

    @property
    def events(self) -> list[dict]:
        return self.observations if self.kind == "logs" else []

    # ---------------------------------------------------------------- the configuration

    @property
    def mta(self):
        return getattr(self.installation, "mta", None)

    def config_paths(self, role: str) -> set[str]:
        """The shown paths of a role's config and its .mc source."""
        cfg = getattr(self.installation, role, None)
        if cfg is None:
            return set()
        out = {cfg.path}
        if getattr(cfg, "source", None) is not None:
            out.add(cfg.source.path)
        return out

    def predicting_findings(self) -> list[Finding]:
        """The static findings that say the MTA daemon will not offer STARTTLS (or will
        not start): starttls-off / daemon-fails, except those in the MSP's config."""
        msp = self.config_paths("msp")
        return [f for f in self.static_findings
                if set(f.impacts) & set(PREDICTING) and f.location.path not in msp]

    def tls_file(self, path: str):
        """The TlsRef of the config that names this file (its role: ref.config.role, 'mta'
        or 'msp'; ref.option), or None: no config names it, or no config was given."""
        inst = self.installation
        if inst is None:
            return None
        norm = os.path.normpath(path)
        return next((ref for ref in inst.files.tls()
                     if os.path.normpath(ref.path) == norm), None)

    def server_certificates(self) -> list[tuple[object, object]]:
        """(TlsRef, CertInfo of the first certificate) of each ServerCertFile on disk
        (the certificate sendmail loads from it)."""
        inst = self.installation
        if inst is None or inst.mta is None:
            return []
        out = []
        for ref in inst.files.tls(inst.mta):
            if ref.option != "ServerCertFile":
                continue
            f = inst.files.at(ref.path)
            if f.is_regular and f.certs is not None and f.certs.certs:
                out.append((ref, f.certs.certs[0]))
        return out

    def static_about(self, path: str | None, codes) -> list[Finding]:
        """The static findings of these codes about this file (any, when no path)."""
        codes = set(codes)
        out = []
        for f in self.static_findings:
            if f.code not in codes:
                continue
            if path is None or _mentions(f, path):
                out.append(f)
        return out


def _mentions(f: Finding, path: str) -> bool:
    if path in f.anchor.split(":") or dict(f.evidence).get("path") == path:
        return True
    return any(r.path == path or r.path.endswith(path) or r.path.endswith("!" + path)
               for r in (f.location, *f.related))
