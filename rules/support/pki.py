"""What the key and certificate rules share: the pairs a configuration names, the impact
of a file's role, where to anchor a finding, and the certificates the configuration can
see."""
from __future__ import annotations

import posixpath
from typing import NamedTuple

from cflint.api import Location

OP_ME_CERTS = "sendmail op.me, 'Certificates for STARTTLS'"
OPENSSL_SECLEVEL = "OpenSSL SSL_CTX_set_security_level(3)"


class Pair(NamedTuple):
    cfg: object
    kind: str          # "server" or "client"
    number: int        # 1, or 2 for the second pair after a comma
    cert: object       # TlsRef or None
    key: object        # TlsRef or None

    @property
    def label(self) -> str:
        who = "server" if self.kind == "server" else (
            "MSP client" if self.cfg.role == "msp" else "client")
        return f"{'second ' if self.number == 2 else ''}{who}"


def pairs(model):
    refs = model.files.tls()
    for cfg in model.configs:
        for kind, c_opt, k_opt in (("server", "ServerCertFile", "ServerKeyFile"),
                                   ("client", "ClientCertFile", "ClientKeyFile")):
            for n in (1, 2):
                cert = next((r for r in refs if r.config is cfg and r.option == c_opt and
                             r.pair == n), None)
                key = next((r for r in refs if r.config is cfg and r.option == k_opt and
                            r.pair == n), None)
                if cert or key:
                    yield Pair(cfg, kind, n, cert, key)


def impact(ref, base_level: str, server_impacts=("starttls-off",)):
    """(level, impacts) of a finding about the file ``ref`` names, by its role: the server
    pair (and the server's CACertFile) switches STARTTLS off; the client pair and every
    file of submit.cf cost the client certificate; the second pair is only logged."""
    if ref.pair == 2 and ref.role in ("server", "client"):
        return "warning", ("config-error",)
    if ref.role in ("server", "ca-server"):
        return base_level, tuple(server_impacts)
    if ref.role == "client":
        return base_level, ("client-tls-degraded",)
    if ref.role == "ca-client":
        return base_level, ("verify-fails",)
    return base_level, tuple(server_impacts)


def where(model, ref, note: str | None = None):
    """The config line naming the file, and the file itself as a related location."""
    primary = Location(ref.config.path, ref.line, ref.column)
    related = (Location(model.display.show_file(ref.path), 1, note=note or f"the {ref.option} file"),)
    return primary, related


def starttls_side(ref) -> str:
    """The side sendmail names in its log lines for a file: an MTA config's files are
    checked at server init ("server"), except its client pair; submit.cf is a client."""
    return "server" if ref.config.role == "mta" and ref.role != "client" else "client"


def missing_log(ref) -> str:
    """What sendmail logs for a named file that does not exist: the safety check runs
    before any load, so it is an "unsafe" line."""
    return f"STARTTLS={starttls_side(ref)}: file {ref.path} unsafe: No such file or directory"


def consequence(ref) -> str:
    if ref.pair == 2:
        return "sendmail logs the error and goes on without the second pair"
    if ref.role in ("server", "ca-server"):
        return "sendmail does not offer STARTTLS"
    if ref.role == "client" and ref.config.role == "msp":
        return "the MSP sends no client certificate (nothing stops; only the log says so)"
    if ref.role == "client":
        return "sendmail relays without a client certificate"
    return "peers' certificates cannot be verified"


class SeenCert(NamedTuple):
    cert: object       # CertInfo
    source: str        # "ServerCertFile", "CACertFile", "CACertPath", ...
    path: str
    index: int         # position in its file
    ref: object        # TlsRef naming the file (for CACertPath: the directory's)


def visible_certs(model, cfg=None):
    """Every certificate the configurations (or one of them) can see, once per
    (config, path, index)."""
    return model.memo(("visible_certs", id(cfg)), lambda: _visible_certs(model, cfg))


def _visible_certs(model, cfg):
    seen: dict[tuple[int, str, int], SeenCert] = {}
    for ref in model.files.tls(cfg):
        if ref.option in ("ServerCertFile", "ClientCertFile", "CACertFile"):
            paths = [ref.path]
        elif ref.option == "CACertPath":
            d = model.files.at(ref.path)
            if not d.is_dir:
                continue
            try:
                names = model.fs.listdir(ref.path)
            except OSError:
                continue
            paths = [posixpath.join(ref.path, n) for n in names]
        else:
            continue
        for path in paths:
            f = model.files.at(path)
            if not f.is_regular or f.data is None or b"CERTIFICATE-----" not in f.data:
                continue
            cf = f.certs
            for i, c in enumerate(cf.certs if cf else []):
                seen.setdefault((id(ref.config), path, i), SeenCert(c, ref.option, path, i, ref))
    return list(seen.values())


def ca_certs(model):
    """Certificates acting as CAs: CA:TRUE, or the issuer of another certificate seen."""
    return model.memo("ca_certs", lambda: _ca_certs(model))


def _ca_certs(model):
    seen = visible_certs(model)
    out = []
    for s in seen:
        if s.cert.is_ca or any(o is not s and not o.cert.self_issued and o.cert.signed_by(s.cert)
                               for o in seen if o.cert.raw_issuer == s.cert.raw_subject):
            out.append(s)
    return out


def trust_store(model, cfg):
    """The certificates OpenSSL's verify store holds for ``cfg``: CACertFile and
    CACertPath (both must be set for sendmail to load them)."""
    return [s.cert for s in visible_certs(model, cfg)
            if s.source in ("CACertFile", "CACertPath")]
