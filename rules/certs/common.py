"""What the certificate rules share: the leaf certificate of every pair, the certificates
of the CA side, and how a finding about a certificate is anchored and worded."""
from __future__ import annotations

from typing import TYPE_CHECKING

from cflint.api import Location

from ..support.pki import pairs, visible_certs, where

if TYPE_CHECKING:  # pragma: no cover
    import datetime as dt

RFC5280 = "RFC 5280, Internet X.509 PKI Certificate and CRL Profile"
CAB_BR = "CA/Browser Forum Baseline Requirements, 6.3.2 (398-day validity)"


def leafs(model):
    """(pair, CertInfo of the first certificate, the cert's TlsRef) for every pair whose
    certificate file loads."""
    for p in pairs(model):
        if p.cert is None:
            continue
        cf = model.files.at(p.cert.path).certs
        if cf and cf.status == "ok":
            yield p, cf.certs[0], p.cert


def ca_side(model):
    """(SeenCert) for every certificate in CACertFile or CACertPath."""
    return [s for s in visible_certs(model) if s.source in ("CACertFile", "CACertPath")]


def days_text(delta: dt.timedelta) -> str:
    d = abs(delta.total_seconds()) / 86400
    return f"{d:.0f} day{'s' if round(d) != 1 else ''}"


def cert_ev(cert, path: str) -> dict[str, str]:
    return {"path": path, **cert.evidence()}


def cert_loc(model, ref, cert, note):
    loc, rel = where(model, ref, note)
    related = (Location(model.display.show_file(ref.path), cert.line, note=note),)
    return loc, related


def all_certs(model):
    """Leaf certificates of every pair, then every CA certificate, once each."""
    done = set()
    for p, cert, ref in leafs(model):
        if cert.sha256 not in done:
            done.add(cert.sha256)
            yield cert, ref, f"{p.label} certificate"
    for s in ca_side(model):
        if s.cert.sha256 not in done:
            done.add(s.cert.sha256)
            yield s.cert, ref_for(s), "CA certificate"


def ref_for(seen):
    """A TlsRef-like anchor for a certificate inside CACertPath: the CACertPath line."""
    return _Anchor(seen.ref, seen.path)


class _Anchor:
    def __init__(self, ref, path):
        self._ref, self.path = ref, path
        self.option, self.config, self.role, self.pair = ref.option, ref.config, ref.role, ref.pair
        self.line, self.column = ref.line, ref.column
