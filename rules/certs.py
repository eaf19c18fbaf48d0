"""Certificates (CF3xx): what OpenSSL refuses at load, and what peers will refuse."""
from __future__ import annotations

import datetime as dt

from cflint.api import Location, Rule, RuleMeta
from cflint.pki.load import host_matches, level_errors

from .support.pki import (OP_ME_CERTS, OPENSSL_SECLEVEL, consequence, impact, missing_log,
                         pairs,
                         trust_store, visible_certs, where)
from .support.system_store import folded, roots

RFC5280 = "RFC 5280, Internet X.509 PKI Certificate and CRL Profile"
CAB_BR = "CA/Browser Forum Baseline Requirements, 6.3.2 (398-day validity)"


def leafs(model):
    """(pair, CertInfo of the first certificate, the cert's TlsRef) for every pair whose
    certificate file loads."""
    for p in pairs(model):
        if p.cert is None:
            continue
        cf = model.file(p.cert.path).certs
        if cf and cf.status == "ok":
            yield p, cf.certs[0], p.cert


def ca_side(model):
    """(SeenCert) for every certificate in CACertFile or CACertPath."""
    return [s for s in visible_certs(model) if s.source in ("CACertFile", "CACertPath")]


def _days(delta: dt.timedelta) -> str:
    d = abs(delta.total_seconds()) / 86400
    return f"{d:.0f} day{'s' if round(d) != 1 else ''}"


def _ev(cert, path: str) -> dict[str, str]:
    return {"path": path, **cert.evidence()}


def _loc_cert(model, ref, cert, note):
    loc, rel = where(model, ref, note)
    related = (Location(model.show_file(ref.path), cert.line, note=note),)
    return loc, related


class CertUnreadableFormat(Rule):
    meta = RuleMeta(
        code="CF301", name="cert-unreadable-format", level="error", impacts=("starttls-off",),
        summary="A certificate file that is missing, empty, DER or garbage",
        rationale=(
            "sendmail loads certificates as PEM only: a DER or empty file gives "
            "\"SSL_CTX_use_certificate_file(<path>) failed\" with \"no start line\", and the "
            "server does not offer STARTTLS. CACertFile must hold at least one PEM "
            "certificate (or CRL), else \"load verify locs <CACertPath>, <CACertFile> failed\" "
            "and, on the server, no STARTTLS."),
        fix="Convert to PEM (openssl x509 -inform DER -in CERT -out CERT.pem) or point the "
            "option at the right file.",
        references=(OP_ME_CERTS, "sendmail-tls reference §4.1"),
        bad_example="O ServerCertFile=/etc/mail/tls/server.der",
        good_example="O ServerCertFile=/etc/mail/tls/server.crt",
        fix_kind=('manual',),
        fix_manual='convert or replace the certificate and point the option at it',
    )

    def check(self, model):
        refs = [p.cert for p in pairs(model) if p.cert] + [
            r for r in model.tls_files() if r.option == "CACertFile"]
        for ref in refs:
            f = model.file(ref.path)
            if f.permission_denied or (f.exists and not f.is_regular):
                continue  # CF008, CF405/CF506
            level, imps = impact(ref, self.meta.level)
            if ref.option == "CACertFile" and ref.role == "ca-client":
                imps = ("verify-fails",)
            loc, rel = where(model, ref)
            if not f.exists:
                if ref.option == "CACertFile":
                    continue  # CF405 (ca-path-kind) reports a missing CACertFile
                why, fix = (f"does not exist ({f.error_text()})",
                            f"Install the certificate as {ref.path}, or correct {ref.option}.")
                said = missing_log(ref)
            else:
                cf = f.certs
                if cf is None:
                    continue
                if cf.status == "ok" or (ref.option == "CACertFile" and cf.has_crl):
                    continue
                why = f"cannot be loaded: {cf.detail}"
                fix = (f"openssl x509 -inform DER -in {ref.path} -out {ref.path}.pem, then "
                       f"point {ref.option} at it" if cf.status == "der" else
                       f"Point {ref.option} at a PEM certificate (BEGIN CERTIFICATE).")
                said = (f"load verify locs ..., {ref.path} failed: 0"
                        if ref.option == "CACertFile"
                        else f"SSL_CTX_use_certificate_file({ref.path}) failed")
            yield self.finding(
                loc, f"{ref.option} {ref.path} {why}: sendmail logs \"{said}\" and "
                f"{consequence(ref)}.", level=level, impacts=imps, fix=fix, related=rel,
                anchor=f"certformat:{ref.path}", evidence={"path": ref.path})


class CertExpired(Rule):
    meta = RuleMeta(
        code="CF302", name="cert-expired", level="warning", impacts=("verify-fails",),
        summary="A certificate that is not valid now (expired or not yet valid)",
        rationale=(
            "sendmail does not check dates when it loads a certificate, so STARTTLS is still "
            "offered; but every peer that verifies refuses an expired or not-yet-valid "
            "certificate ({verify}=FAIL), and a CA certificate outside its validity fails "
            "every chain through it. cflint judges against --now (default: the clock). The "
            "roots of a distribution's CA store (/etc/ssl/certs, /etc/pki/..., or copies of "
            "them) are the distribution's to replace: they are one note per store with the "
            "package command, unless a configured certificate chains to one."),
        fix="Renew the certificate and restart sendmail; for a distribution's root, update "
            "its CA package (apt-get install --only-upgrade ca-certificates && "
            "update-ca-certificates; update-ca-trust on RHEL).",
        references=(RFC5280,),
        bad_example="notAfter in the past",
        good_example="notBefore <= now <= notAfter",
        fix_kind=('manual',),
        fix_manual='renew the certificate',
    )

    @folded(lambda model, n, certs: f"{n} " + (
        "expired" if all(c.not_after < model.now for c in certs) else
        "expired or not yet valid") + f" {roots(n, certs)}", "update")
    def check(self, model):
        now = model.now
        for cert, ref, what in _all_certs(model):
            if cert.not_after < now:
                why = (f"expired on {cert.not_after:%Y-%m-%d} ({_days(now - cert.not_after)} "
                       "ago)")
            elif cert.not_before > now:
                why = (f"is not valid before {cert.not_before:%Y-%m-%d} (in "
                       f"{_days(cert.not_before - now)})")
            else:
                continue
            loc, rel = _loc_cert(model, ref, cert, what)
            yield self.finding(
                loc, f"the {what} {cert.subject} in {ref.path} {why}: sendmail still loads it, "
                "but peers that verify refuse it ({verify}=FAIL).",
                fix="Renew it: have a new certificate issued for the same key or a new one, "
                    f"install it as {ref.path}, and restart sendmail.",
                related=rel, anchor=f"expired:{cert.sha256}", evidence=_ev(cert, ref.path))


class CertExpiringSoon(Rule):
    meta = RuleMeta(
        code="CF303", name="cert-expiring-soon", level="warning", impacts=("verify-fails",),
        summary="A certificate that expires within --expiry-days (default 30)",
        rationale=(
            "An expiring certificate is the commonest cause of a sudden verify=FAIL. cflint "
            "warns when notAfter is within the expiry window, judged against --now. A "
            "distribution's CA store is one note per store, as for cert-expired."),
        fix="Renew the certificate before it expires.",
        references=(RFC5280,),
        bad_example="notAfter in 10 days",
        good_example="notAfter in 200 days",
        fix_kind=('manual',),
        fix_manual='renew the certificate',
    )

    @folded(lambda model, n, certs: f"{n} {roots(n, certs)} expiring within "
            f"{model.settings.expiry_days} days", "update")
    def check(self, model):
        now = model.now
        window = dt.timedelta(days=model.settings.expiry_days)
        for cert, ref, what in _all_certs(model):
            if not (now <= cert.not_after <= now + window) or cert.not_before > now:
                continue
            loc, rel = _loc_cert(model, ref, cert, what)
            yield self.finding(
                loc, f"the {what} {cert.subject} in {ref.path} expires on "
                f"{cert.not_after:%Y-%m-%d}, in {_days(cert.not_after - now)} (window: "
                f"{model.settings.expiry_days} days): peers will then refuse it.",
                fix=f"Renew it now and install the new certificate as {ref.path}.",
                related=rel, anchor=f"expiring:{cert.sha256}", evidence=_ev(cert, ref.path))


def _all_certs(model):
    """Leaf certificates of every pair, then every CA certificate, once each."""
    done = set()
    for p, cert, ref in leafs(model):
        if cert.sha256 not in done:
            done.add(cert.sha256)
            yield cert, ref, f"{p.label} certificate"
    for s in ca_side(model):
        if s.cert.sha256 not in done:
            done.add(s.cert.sha256)
            yield s.cert, _ref_for(s), "CA certificate"


def _ref_for(seen):
    """A TlsRef-like anchor for a certificate inside CACertPath: the CACertPath line."""
    return _Anchor(seen.ref, seen.path)


class _Anchor:
    def __init__(self, ref, path):
        self._ref, self.path = ref, path
        self.option, self.config, self.role, self.pair = ref.option, ref.config, ref.role, ref.pair
        self.line, self.column = ref.line, ref.column


class WeakSignature(Rule):
    meta = RuleMeta(
        code="CF304", name="cert-weak-signature", level="error", impacts=("starttls-off",),
        summary="A SHA-1 or MD5 signature on the server or client certificate",
        rationale=(
            "At security level 2 (and already at level 1 in OpenSSL 3.0) OpenSSL refuses a "
            "certificate whose issuer signed it with SHA-1 or MD5 when sendmail loads it: "
            "\"ca md too weak\", and the server does not offer STARTTLS. OpenSSL does not "
            "check a self-signed certificate's own signature, so a self-signed SHA-1 server "
            "certificate still works; peers may still refuse it (warning)."),
        fix="Have the certificate reissued with a SHA-256 signature.",
        references=(OPENSSL_SECLEVEL, "sendmail-tls reference §4.4"),
        bad_example="Signature Algorithm: sha1WithRSAEncryption (issued by a CA)",
        good_example="Signature Algorithm: sha256WithRSAEncryption",
        fix_kind=('manual',),
        fix_manual='the CA must reissue the certificate with SHA-256',
    )

    def check(self, model):
        level = model.settings.security_level
        for p, cert, ref in leafs(model):
            if cert.sig_hash not in ("sha1", "md5"):
                continue
            loc, rel = _loc_cert(model, ref, cert, f"the {p.label} certificate")
            if cert.self_signed:
                yield self.finding(
                    loc, f"the {p.label} certificate {cert.subject} is self-signed with "
                    f"{cert.sig_hash.upper()}: OpenSSL does not check a self-signed "
                    "certificate's own signature, so STARTTLS works, but peers may refuse a "
                    f"{cert.sig_hash.upper()} signature.",
                    level="warning", impacts=("weak-crypto",),
                    fix="Re-create it with SHA-256: openssl req -x509 -sha256 -key KEY "
                        f"-new -days 365 -subj '/CN=HOST' -out {ref.path}",
                    related=rel, anchor=f"weaksig:{cert.sha256}", evidence=_ev(cert, ref.path))
                continue
            if "ca md too weak" not in level_errors(cert, level):
                continue
            lvl, imps = impact(ref, self.meta.level)
            yield self.finding(
                loc, f"the {p.label} certificate {cert.subject} is signed by {cert.issuer} "
                f"with {cert.sig_hash.upper()}: OpenSSL at security level {level} refuses it "
                f"when sendmail loads it (\"SSL_CTX_use_certificate_file({ref.path}) failed\" "
                f"with \"ca md too weak\"), and {consequence(ref)}.",
                level=lvl, impacts=imps,
                fix="Have the CA reissue it with SHA-256 (openssl x509 -req -sha256 ...).",
                related=rel, anchor=f"weaksig:{cert.sha256}", evidence=_ev(cert, ref.path))


def chain_to_store(cert, store, extra=()):
    """True if ``cert`` chains to a certificate in ``store`` (intermediates may come from
    ``extra``). The store's certificates are trust anchors."""
    anchors = {c.sha256 for c in store}
    pool = list(store) + list(extra)
    current, hops = cert, 0
    while hops < 10:
        if current.sha256 in anchors and hops > 0:
            return True
        if current.self_issued:
            return current.sha256 in anchors
        parents = [c for c in pool if c.raw_subject == current.raw_issuer and
                   current.signed_by(c)]
        if not parents:
            return False
        if any(c.sha256 in anchors for c in parents):
            return True
        current, hops = parents[0], hops + 1
    return False


class ChainNotVerified(Rule):
    meta = RuleMeta(
        code="CF305", name="chain-not-verified", level="warning", impacts=("verify-fails",),
        summary="The server certificate does not chain to a CA in CACertFile/CACertPath",
        rationale=(
            "OpenSSL completes the chain it sends from the verify store (CACertFile, "
            "CACertPath). When the server's own CA is not there, peers get an incomplete "
            "chain, and sendmail itself (as a client of its own relays) cannot verify it. "
            "The client certificate is judged by the peer's CAs, not ours: at most a note."),
        fix="Add the issuing CA certificate to CACertFile (cat issuer.pem >> CACertFile) or "
            "to CACertPath (then openssl rehash DIR).",
        references=(OP_ME_CERTS,),
        bad_example="server cert issued by a CA that CACertFile does not hold",
        good_example="CACertFile holds the server cert's issuing CA",
        fix_kind=('manual',),
        fix_manual="get the issuing CA's certificate from the CA",
    )

    def check(self, model):
        for p, cert, ref in leafs(model):
            if cert.self_signed and p.kind == "server":
                store = trust_store(model, p.cfg)
                if any(c.sha256 == cert.sha256 for c in store):
                    continue  # trusted as itself (Debian)
            store = trust_store(model, p.cfg)
            extra = model.file(ref.path).certs.certs[1:]
            if chain_to_store(cert, store, extra):
                continue
            if not store and p.kind == "server":
                continue  # no CA data at all: CF101 / CF405
            loc, rel = _loc_cert(model, ref, cert, f"the {p.label} certificate")
            if p.kind == "client":
                yield self.finding(
                    loc, f"the {p.label} certificate {cert.subject} (issuer {cert.issuer}) "
                    "does not chain to a CA in this configuration's CACertFile/CACertPath; "
                    "peers judge it by their own CAs, so make sure they trust its issuer.",
                    level="note", fix="Confirm the receiving servers trust the issuer.",
                    related=rel, anchor=f"chain:{cert.sha256}", evidence=_ev(cert, ref.path))
                continue
            yield self.finding(
                loc, f"the {p.label} certificate {cert.subject} (issuer {cert.issuer}) does "
                "not chain to any CA in CACertFile/CACertPath: OpenSSL cannot complete the "
                "chain it sends, and peers that verify get verify=FAIL (\"unable to get local "
                "issuer certificate\").",
                fix="Add the issuing CA to CACertFile: cat ISSUER.pem >> CACERTFILE (or put it "
                    "in CACertPath and run openssl rehash on that directory).",
                related=rel, anchor=f"chain:{cert.sha256}", evidence=_ev(cert, ref.path))


class EkuMissing(Rule):
    meta = RuleMeta(
        code="CF306", name="eku-missing", level="warning", impacts=("verify-fails",),
        summary="Server certificate without serverAuth, client certificate without clientAuth",
        rationale=(
            "When a certificate carries an extended key usage, OpenSSL checks the purpose: a "
            "receiving sendmail logs verify=FAIL (\"unsuitable certificate purpose\") for a "
            "client certificate without clientAuth. Public CAs stopped issuing clientAuth in "
            "2026, so a server certificate reused as the client certificate silently loses "
            "client authentication."),
        fix="Use a certificate issued for the purpose (serverAuth for ServerCertFile, "
            "clientAuth for ClientCertFile).",
        references=(RFC5280 + " 4.2.1.12",),
        bad_example="ClientCertFile with EKU serverAuth only",
        good_example="ClientCertFile with EKU clientAuth",
        fix_kind=('manual',),
        fix_manual='the CA must issue a certificate with the right key usage',
    )

    def check(self, model):
        for p, cert, ref in leafs(model):
            need = "serverAuth" if p.kind == "server" else "clientAuth"
            if cert.eku is None or need in cert.eku or "anyExtendedKeyUsage" in cert.eku:
                continue
            loc, rel = _loc_cert(model, ref, cert, f"the {p.label} certificate")
            yield self.finding(
                loc, f"the {p.label} certificate {cert.subject} has extended key usage "
                f"{', '.join(cert.eku)} but not {need}: peers that verify log verify=FAIL "
                "(\"unsuitable certificate purpose\").",
                fix=f"Get a certificate with {need} in its extended key usage for {ref.option}.",
                related=rel, anchor=f"eku:{cert.sha256}:{need}", evidence=_ev(cert, ref.path))


def announced_host(model, cfg) -> tuple[str | None, str]:
    if model.settings.hostname:
        return model.settings.hostname, "--hostname"
    raw = cfg.doc.macro_raw.get("j")
    if raw and "$" not in raw:
        return raw.strip(), f"the Dj line ({cfg.path}:{cfg.doc.macro_lines['j']})"
    return None, ""


class HostnameMismatch(Rule):
    meta = RuleMeta(
        code="CF307", name="hostname-mismatch", level="warning", impacts=("verify-fails",),
        summary="The server certificate does not cover the host name sendmail announces",
        rationale=(
            "Peers that verify the server (DANE, MTA-STS, TLS_Srv: VERIFY with a host check) "
            "compare the name they connected to with the certificate's DNS names. cflint "
            "checks the name sendmail announces ($j: the Dj line or confDOMAIN_NAME), or "
            "--hostname; without either the check is skipped with a note."),
        fix="Get a certificate whose subjectAltName lists the host name.",
        references=("RFC 6125", "RFC 7817"),
        bad_example="Djmail.example.test, certificate for other.example.test",
        good_example="Djmail.example.test, certificate for mail.example.test",
        fix_kind=('manual',),
        fix_manual='the CA must issue a certificate for the host name',
    )

    def check(self, model):
        for p, cert, ref in leafs(model):
            if p.kind != "server" or p.number != 1:
                continue
            host, source = announced_host(model, p.cfg)
            loc, rel = _loc_cert(model, ref, cert, "the server certificate")
            if host is None:
                yield self.finding(
                    loc, "the host name sendmail announces is not known from the files (no "
                    "literal Dj line): the server certificate's names "
                    f"({', '.join(cert.dns_names or cert.common_names) or 'none'}) were not "
                    "checked against it.", level="note", impacts=("hygiene",),
                    fix="Pass --hostname mail.example.org, or define Dj (confDOMAIN_NAME).",
                    related=rel, anchor="hostname-unknown", evidence=_ev(cert, ref.path))
                continue
            if host_matches(cert, host):
                continue
            names = ", ".join(cert.dns_names or cert.common_names) or "none"
            yield self.finding(
                loc, f"the server certificate {cert.subject} does not cover {host} (from "
                f"{source}); its names are: {names}. Peers that check the name get "
                "verify=FAIL.",
                fix=f"Get a certificate with DNS:{host} in its subjectAltName.",
                related=rel, anchor=f"hostname:{host}", evidence=_ev(cert, ref.path))


class CaCertNotCa(Rule):
    meta = RuleMeta(
        code="CF308", name="ca-cert-not-ca", level="warning", impacts=("verify-fails",),
        summary="A certificate in CACertFile/CACertPath that is not a CA",
        rationale=(
            "OpenSSL uses certificates in the verify store as issuers only when they are CAs "
            "(basicConstraints CA:TRUE); a leaf put there by mistake verifies nothing. A "
            "self-signed certificate deliberately trusted as itself (Debian trusts its own "
            "self-signed server certificate) is not reported."),
        fix="Put the issuing CA's certificate there instead of the leaf.",
        references=(RFC5280 + " 4.2.1.9",),
        bad_example="CACertFile holding a server certificate (CA:FALSE)",
        good_example="CACertFile holding the CA certificate (CA:TRUE)",
        fix_kind=('manual',),
        fix_manual="get the issuing CA's certificate from the CA",
    )

    def check(self, model):
        done = set()
        for s in ca_side(model):
            c = s.cert
            if c.is_ca or c.self_signed or c.sha256 in done:
                continue
            done.add(c.sha256)
            ref = _ref_for(s)
            loc, rel = _loc_cert(model, ref, c, f"a certificate in {s.source}")
            state = "CA:FALSE" if c.is_ca is False else "no basicConstraints"
            yield self.finding(
                loc, f"{s.source} holds {c.subject} ({state}), which is not a CA: OpenSSL will "
                "not use it to verify anything.",
                fix=f"Replace it in {s.path} by the certificate of the CA that issued it "
                    f"({c.issuer}).",
                related=rel, anchor=f"notca:{c.sha256}", evidence=_ev(c, s.path))


class ChainFileIgnored(Rule):
    meta = RuleMeta(
        code="CF309", name="chain-file-ignored", level="note", impacts=("verify-fails",),
        summary="Intermediates appended to ServerCertFile are not sent",
        rationale=(
            "sendmail reads its certificate with the single-certificate loader (unless built "
            "with _FFR_TLS_USE_CERTIFICATE_CHAIN_FILE): every certificate after the first in "
            "the file is ignored. OpenSSL can complete the chain from the verify store, so "
            "intermediates belong in CACertFile or CACertPath."),
        fix="Move the intermediate certificates into CACertFile (or CACertPath + openssl "
            "rehash).",
        references=(OP_ME_CERTS, "sendmail-tls reference §4.3"),
        bad_example="ServerCertFile = leaf + intermediate",
        good_example="ServerCertFile = leaf; intermediate in CACertFile",
        fix_kind=('manual',),
        fix_manual='split the chain file by hand: leaf in the cert file, the rest in CACertFile',
    )

    def check(self, model):
        for p, cert, ref in leafs(model):
            cf = model.file(ref.path).certs
            if len(cf.certs) < 2:
                continue
            rest = ", ".join(c.subject for c in cf.certs[1:])
            loc, rel = _loc_cert(model, ref, cert, f"the {p.label} certificate")
            yield self.finding(
                loc, f"{ref.path} holds {len(cf.certs)} certificates; sendmail loads only the "
                f"first ({cert.subject}), so {rest} {'is' if len(cf.certs) == 2 else 'are'} "
                "not sent.",
                fix="Keep only the leaf in the file and append the others to CACertFile.",
                related=rel, anchor=f"chainfile:{ref.path}", evidence=_ev(cert, ref.path))


class LifetimeTooLong(Rule):
    meta = RuleMeta(
        code="CF310", name="cert-lifetime-too-long", level="note", impacts=("weak-crypto",),
        summary="A certificate valid longer than public CAs allow (default 398 days)",
        rationale=(
            "Public CAs issue certificates for at most 398 days (shrinking further); a "
            "certificate valid for years outlives its key's safe life and any revocation "
            "practice. Fine for a private relay if deliberate."),
        fix="Issue shorter-lived certificates and automate renewal.",
        references=(CAB_BR,),
        bad_example="validity 5 years",
        good_example="validity 90 days",
        fix_kind=('manual',),
        fix_manual='reissue the certificate with a shorter validity',
    )

    def check(self, model):
        limit = model.settings.max_lifetime_days
        for p, cert, ref in leafs(model):
            if cert.lifetime_days <= limit:
                continue
            loc, rel = _loc_cert(model, ref, cert, f"the {p.label} certificate")
            yield self.finding(
                loc, f"the {p.label} certificate {cert.subject} is valid for "
                f"{cert.lifetime_days:.0f} days ({cert.not_before:%Y-%m-%d} to "
                f"{cert.not_after:%Y-%m-%d}), longer than the {limit} days public CAs allow.",
                fix="Reissue it with a shorter validity (e.g. openssl x509 -days 90).",
                related=rel, anchor=f"lifetime:{cert.sha256}", evidence=_ev(cert, ref.path))


class SelfSignedServerCert(Rule):
    meta = RuleMeta(
        code="CF311", name="self-signed-server-cert", level="note", impacts=("verify-fails",),
        summary="The server certificate is self-signed",
        rationale=(
            "Public MX peers cannot verify a self-signed certificate (verify=FAIL). That is "
            "fine for a private relay whose peers trust it explicitly, and opportunistic "
            "STARTTLS still encrypts; for a public MX a certificate from a public CA is "
            "needed for DANE-less verification."),
        fix="For a public MX, use a certificate from a public CA (e.g. ACME).",
        references=(OP_ME_CERTS,),
        bad_example="issuer == subject, self-signed",
        good_example="issued by a CA peers trust",
        fix_kind=('manual',),
        fix_manual='get a certificate from a public CA',
    )

    def check(self, model):
        for p, cert, ref in leafs(model):
            if p.kind != "server" or not cert.self_signed:
                continue
            loc, rel = _loc_cert(model, ref, cert, "the server certificate")
            yield self.finding(
                loc, f"the server certificate {cert.subject} is self-signed: public peers "
                "cannot verify it (verify=FAIL), though opportunistic STARTTLS still "
                "encrypts. Fine for a private relay whose peers trust it.",
                fix="For a public MX, get a certificate from a public CA.",
                related=rel, anchor=f"selfsigned:{cert.sha256}", evidence=_ev(cert, ref.path))
