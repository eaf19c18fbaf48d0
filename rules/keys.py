"""Private keys (CF2xx) and files that could not be inspected (CF008)."""
from __future__ import annotations

import posixpath

from cflint.api import Location, Rule, RuleMeta

from .support.access import access_entries
from .support.pki import (OP_ME_CERTS, OPENSSL_SECLEVEL, ca_certs, consequence, impact,
                          missing_log, pairs, where)

KEY_OPTIONS = ("ServerKeyFile", "ClientKeyFile")


ELSEWHERE_FIX = ("Lint the deployed host: cflint check /etc/mail there, or a snapshot of it "
                 "(tar czf host.tar.gz /etc/mail, then cflint check host.tar.gz); or, if "
                 "this tree is the deployed one, --check-permissions always.")


class NotInspected(Rule):
    meta = RuleMeta(
        code="CF008", name="not-inspected", level="note", impacts=("hygiene",),
        summary="A referenced file cflint could not read",
        rationale=(
            "cflint reads the keys, certificates and directories a configuration names. "
            "When one cannot be read (typically: cflint runs without the privileges sendmail "
            "has), the checks that need its content are skipped; this note says which, so a "
            "clean report is not mistaken for a checked one. A configuration kept in a "
            "repository (git tracks it, outside a deployed /etc) names files of the host it "
            "is deployed to: those the repository does not hold (in the live view: those "
            "outside it) are not inspected either, rather than reported missing."),
        fix="Run cflint with the privileges needed to read the file (e.g. as root, or as "
            "the user sendmail reads it as), or lint a copy.",
        references=("cflint documentation: inputs",),
        bad_example="O ServerKeyFile=/etc/mail/tls/server.key   # mode 0600 root, cflint run "
                    "as a user",
        good_example="O ServerKeyFile=/etc/mail/tls/server.key   # cflint run as root",
        suppressible=False,
        fix_kind=('manual',),
        fix_manual='run cflint where it can read the file, or keep the text source beside the .db',
    )

    def check(self, model):
        done = set()
        for ref in model.files.tls():
            f = model.files.at(ref.path)
            if ref.path in done or not f.permission_denied:
                continue
            done.add(ref.path)
            what = ("the key format, encryption, size and the key/certificate match"
                    if ref.option in KEY_OPTIONS else
                    "the directory's certificates and hash links" if ref.option == "CACertPath"
                    else "the certificate format, dates, signature, chain and host name")
            loc, rel = where(model, ref)
            yield self.finding(
                loc, f"{ref.option} {ref.path} could not be read ({f.error_text()}): "
                f"{what} were not checked.",
                fix=self.meta.fix, related=rel, anchor=f"uninspected:{ref.path}")
        elsewhere: dict[object, list] = {}
        for ref in model.files.elsewhere():
            elsewhere.setdefault(ref.config, []).append(ref)
        for cfg, refs in elsewhere.items():
            ref = refs[0]
            names = ", ".join(r.path for r in refs)
            yield self.finding(
                Location(cfg.path, ref.line, ref.column),
                f"{len(refs)} file{'s' * (len(refs) != 1)} this configuration names "
                f"({names}) {'are' if len(refs) != 1 else 'is'} "
                f"{model.files.at(ref.path).error_text()}: their content (formats, pairs, dates, "
                "chains, hash links) and modes were not checked here.",
                fix=ELSEWHERE_FIX, anchor="uninspected:elsewhere")
        for cfg in model.configs:
            path, entries = access_entries(model, cfg)
            if path is not None and entries is None:
                text = path[:-3]
                yield self.finding(
                    Location(cfg.path, 1), f"only the compiled access map {path} exists, not "
                    f"its text source {text}: cflint never reads the .db, so the Try_TLS and "
                    "TLS_Srv entries were not checked.",
                    fix=f"Keep the text file beside it (makemap -u hash {path[:-3]} > {text} "
                        "recovers it), and lint again.",
                    anchor=f"access-db-only:{path}")


class EncryptedPrivateKey(Rule):
    meta = RuleMeta(
        code="CF201", name="encrypted-private-key", level="error", impacts=("starttls-off",),
        summary="A private key protected by a passphrase",
        rationale=(
            "sendmail installs no passphrase callback, so OpenSSL asks for the passphrase on "
            "the terminal, or on stdin when there is none: 'sendmail -bs' blocks before its "
            "220 greeting, a daemon started with -bd fails to load the key "
            "(\"SSL_CTX_use_PrivateKey_file(...) failed\") and does not offer STARTTLS, and the "
            "MSP prints 'Enter PEM pass phrase:' and goes on without its certificate. Both "
            "traditional PEM (Proc-Type: 4,ENCRYPTED) and PKCS#8 (ENCRYPTED PRIVATE KEY) keys "
            "are affected."),
        fix="Store the key without a passphrase (protected by its file mode instead): "
            "openssl pkey -in KEY -out KEY.new && chmod 600 KEY.new && mv KEY.new KEY",
        references=(OP_ME_CERTS, "sendmail-tls reference §4.2"),
        bad_example="-----BEGIN ENCRYPTED PRIVATE KEY-----",
        good_example="-----BEGIN PRIVATE KEY-----",
        fix_kind=('manual',),
        fix_manual='removing the passphrase needs the passphrase',
    )

    def check(self, model):
        for p in pairs(model):
            ref = p.key
            if ref is None:
                continue
            k = model.files.at(ref.path).key
            if k is None or k.status != "encrypted":
                continue
            level, imps = impact(ref, self.meta.level)
            loc, rel = where(model, ref)
            yield self.finding(
                loc, f"the {p.label} key {ref.path} is {k.detail}: sendmail has no passphrase "
                f"callback, so it blocks on 'Enter PEM pass phrase:' or fails to load the key "
                f"(\"SSL_CTX_use_PrivateKey_file({ref.path}) failed\"), and "
                f"{consequence(ref)}.",
                level=level, impacts=imps,
                fix=f"openssl pkey -in {ref.path} -out {ref.path}.new && chmod 600 "
                    f"{ref.path}.new && mv {ref.path}.new {ref.path}   (asks for the "
                    "passphrase once)",
                related=rel, anchor=f"encrypted:{ref.path}",
                evidence={"path": ref.path, "encryption": k.encryption})


class KeyCertMismatch(Rule):
    meta = RuleMeta(
        code="CF202", name="key-cert-mismatch", level="error", impacts=("starttls-off",),
        summary="The private key does not belong to its certificate",
        rationale=(
            "sendmail checks that the key matches the certificate (SSL_CTX_check_private_key) "
            "and, for the server pair, does not offer STARTTLS when it does not: it logs "
            "\"SSL_CTX_check_private_key failed(<keyfile>): 0\". For the client pair the "
            "certificate is not sent; a mismatched second pair is only logged. cflint compares "
            "the public keys (RSA, EC, Ed25519), not file names."),
        fix="Point the key option at the key whose public key is in the certificate "
            "(compare 'openssl x509 -noout -pubkey -in CERT' with 'openssl pkey -pubout -in "
            "KEY'), or reissue the certificate for this key.",
        references=(OP_ME_CERTS,),
        bad_example="O ServerCertFile=/etc/mail/tls/new.crt\nO ServerKeyFile=/etc/mail/tls/old.key",
        good_example="O ServerCertFile=/etc/mail/tls/new.crt\nO ServerKeyFile=/etc/mail/tls/new.key",
        fix_kind=('manual',),
        fix_manual='find the matching key or reissue the certificate',
    )

    def check(self, model):
        from cflint.pki.load import spki_sha256

        for p in pairs(model):
            if p.cert is None or p.key is None:
                continue
            cf = model.files.at(p.cert.path).certs
            kf = model.files.at(p.key.path).key
            if not cf or cf.status != "ok" or not kf or kf.status != "ok":
                continue
            cert = cf.certs[0]
            if cert.spki == kf.key.spki:
                continue
            level, imps = impact(p.key, self.meta.level)
            loc, rel = where(model, p.key)
            msg = (f"the {p.label} key {p.key.path} ({kf.key.key_type} {kf.key.bits}) does not "
                   f"belong to the certificate {p.cert.path} ({cert.subject}, "
                   f"{cert.key_type} {cert.key_bits}): sendmail logs "
                   f"\"SSL_CTX_check_private_key{' 2' if p.number == 2 else ''} "
                   f"failed({p.key.path}): 0\" and {consequence(p.key)}.")
            yield self.finding(
                loc, msg, level=level, impacts=imps,
                fix=f"Find the matching key: openssl x509 -noout -pubkey -in {p.cert.path} "
                    f"must equal openssl pkey -pubout -in KEY; set {p.key.option} to it, or "
                    "reissue the certificate for this key.",
                related=rel + (Location(model.display.show_file(p.cert.path), cert.line,
                                        note="the certificate"),),
                anchor=f"mismatch:{p.cert.path}:{p.key.path}",
                evidence={"path": p.key.path, **cert.evidence(),
                          "key_sha256": kf.key.fingerprint,
                          "cert_key_sha256": spki_sha256(cert.spki)})


class KeyUnreadableFormat(Rule):
    meta = RuleMeta(
        code="CF204", name="key-unreadable-format", level="error", impacts=("starttls-off",),
        summary="A key file that is missing, empty, DER, garbage or of a type sendmail "
                "cannot load",
        rationale=(
            "sendmail loads keys as PEM only (SSL_CTX_use_PrivateKey_file with "
            "SSL_FILETYPE_PEM). An empty file passes the safety check and then fails like a "
            "DER key: \"SSL_CTX_use_PrivateKey_file(<path>) failed\" with \"DECODER "
            "routines::unsupported\". The server then does not offer STARTTLS; the client "
            "sends no certificate."),
        fix="Convert the key to PEM (openssl pkey -inform DER -in KEY -out KEY.pem) or point "
            "the option at the right file.",
        references=(OP_ME_CERTS, "sendmail-tls reference §4.1"),
        bad_example="O ServerKeyFile=/etc/mail/tls/server.der",
        good_example="O ServerKeyFile=/etc/mail/tls/server.key",
        fix_kind=('manual',),
        fix_manual='convert the key (openssl pkey) and point the option at it',
    )

    def check(self, model):
        for p in pairs(model):
            ref = p.key
            if ref is None:
                continue
            f = model.files.at(ref.path)
            level, imps = impact(ref, self.meta.level)
            loc, rel = where(model, ref)
            if not f.exists:
                if f.permission_denied:
                    continue  # CF008
                why = f"does not exist ({f.error_text()})"
                said = missing_log(ref)
                fix = f"Install the key as {ref.path} (chmod 600), or correct {ref.option}."
            elif not f.is_regular or f.data is None:
                continue  # not a file (CF506) or unreadable (CF008)
            else:
                k = f.key
                if k.status in ("ok", "encrypted"):
                    continue
                why = f"cannot be loaded: {k.detail}"
                said = f"SSL_CTX_use_PrivateKey_file({ref.path}) failed"
                fix = (f"openssl pkey -inform DER -in {ref.path} -out {ref.path}.pem && "
                       f"chmod 600 {ref.path}.pem, then point {ref.option} at it"
                       if k.status == "der" else
                       f"Point {ref.option} at the PEM private key (BEGIN PRIVATE KEY), or "
                       "convert it: openssl pkey -in KEY -out KEY.pem")
            yield self.finding(
                loc, f"the {p.label} key {ref.path} {why}: sendmail logs \"{said}\" and "
                f"{consequence(ref)}.",
                level=level, impacts=imps, fix=fix, related=rel,
                anchor=f"keyformat:{ref.path}", evidence={"path": ref.path})


class KeyTooWeak(Rule):
    meta = RuleMeta(
        code="CF205", name="key-too-weak", level="error", impacts=("starttls-off",),
        summary="A key below the OpenSSL security level (RSA/DSA < 2048, EC < 224 at level 2)",
        rationale=(
            "Current distributions build OpenSSL with security level 2: RSA and DSA keys "
            "under 2048 bits and EC keys under 224 bits are refused when sendmail loads the "
            "certificate (\"ee key too small\"), and the server does not offer STARTTLS. A "
            "CipherList with @SECLEVEL=1 does not help, since it is applied after the "
            "certificate is loaded. --security-level sets the level of the target."),
        fix="Generate a new key of at least 2048 bits (RSA) or P-256 (EC) and reissue the "
            "certificate.",
        references=(OPENSSL_SECLEVEL, "sendmail-tls reference §4.4"),
        bad_example="RSA 1024-bit server key",
        good_example="RSA 3072-bit or EC P-256 server key",
        fix_kind=('manual',),
        fix_manual='a new key needs a new certificate from the CA',
    )

    def check(self, model):
        from cflint.pki.load import LEVEL_BITS, security_bits

        level = model.settings.security_level
        need = LEVEL_BITS.get(level, 112)
        for p in pairs(model):
            ref = p.key or p.cert
            kf = model.files.at(p.key.path).key if p.key else None
            cf = model.files.at(p.cert.path).certs if p.cert else None
            if kf and kf.status == "ok":
                kt, bits = kf.key.key_type, kf.key.bits
            elif cf and cf.status == "ok":
                kt, bits = cf.certs[0].key_type, cf.certs[0].key_bits
                ref = p.cert
            else:
                continue
            if security_bits(kt, bits) >= need:
                continue
            lvl, imps = impact(ref, self.meta.level)
            loc, rel = where(model, ref)
            cert_path = p.cert.path if p.cert else ref.path
            yield self.finding(
                loc, f"the {p.label} key is {kt} {bits} bits, below OpenSSL security level "
                f"{level} ({need}-bit security): OpenSSL refuses the certificate (sendmail "
                f"logs \"SSL_CTX_use_certificate_file({cert_path}) failed\" with \"ee key too "
                f"small\") and {consequence(ref)}.",
                level=lvl, impacts=imps,
                fix="openssl req -new -newkey rsa:3072 -nodes -keyout NEW.key -out NEW.csr "
                    "-subj /CN=HOST (or -newkey ec -pkeyopt ec_paramgen_curve:P-256), have it "
                    "signed, and replace the pair.",
                related=rel, anchor=f"weakkey:{ref.path}",
                evidence={"path": ref.path, "key": f"{kt} {bits}",
                          "security_level": str(level),
                          **(cf.certs[0].evidence() if cf and cf.status == "ok" else {})})


def key_candidates(model):
    return model.memo("key_candidates", lambda: _key_candidates(model))


def _key_candidates(model):
    """The path of every file in the directories that hold the files
    the configuration names (and their demoCA/private, private subdirectories) that
    looks like a private key and is not named by ServerKeyFile/ClientKeyFile or any other
    option."""
    from cflint.pki.load import looks_private_key

    refs = model.files.tls()
    named = {r.path for r in refs}
    dirs: list[str] = []
    for r in refs:
        d = r.path if r.option == "CACertPath" else posixpath.dirname(r.path)
        for sub in (d, posixpath.join(d, "private"), posixpath.join(d, "demoCA", "private")):
            if sub not in dirs:
                dirs.append(sub)
    out = []
    for d in dirs:
        try:
            names = model.fs.listdir(d)
        except OSError:
            continue
        for n in names:
            path = posixpath.join(d, n)
            if path in named:
                continue
            f = model.files.at(path)
            if not f.is_regular or f.data is None or not looks_private_key(f.data):
                continue
            out.append(path)
    return out


class CaPrivateKeyOnServer(Rule):
    meta = RuleMeta(
        code="CF203", name="ca-private-key-on-server", level="error",
        impacts=("secret-exposed",),
        summary="A CA's private key beside the mail server's files",
        rationale=(
            "Whoever reads a CA's private key can issue certificates every peer that trusts "
            "the CA accepts. It belongs on an offline machine, never on the mail server. "
            "cflint finds it by matching public keys against every CA certificate the "
            "configuration can see (CA:TRUE, or one that issued another certificate found), "
            "and by the usual names (cakey.pem, demoCA/private/). Keys named by "
            "ServerKeyFile/ClientKeyFile are not counted (Debian trusts its self-signed "
            "server certificate as its CA)."),
        fix="Move the key to an offline machine and delete it here (shred -u KEY).",
        references=("OpenSSL CA.pl(1)",),
        bad_example="/etc/mail/tls/cakey.pem",
        good_example="(no CA key on the server)",
        fix_kind=('manual',),
        fix_manual='move the CA key to an offline machine first',
    )

    def check(self, model):
        from cflint.pki.load import parse_key_file

        cas = ca_certs(model)
        by_spki = {s.cert.spki: s.cert for s in cas}
        for path in key_candidates(model):
            kf = parse_key_file(model.files.at(path).data)
            ca = by_spki.get(kf.key.spki) if kf.status == "ok" else None
            base = posixpath.basename(path)
            by_name = base.lower() == "cakey.pem" or "/demoCA/private/" in path
            if ca is None and not by_name:
                continue
            shown = model.display.show_file(path)
            if ca is not None:
                why = (f"is the private key of the CA {ca.subject} (SHA-256 "
                       f"{ca.sha256})")
                ev = {"path": path, "ca_subject": ca.subject, "ca_sha256": ca.sha256}
            else:
                why = "has a CA key's usual name" + (" (kept by CA.pl)" if by_name else "")
                ev = {"path": path}
            yield self.finding(
                Location(shown, 1), f"{path} {why}: anyone who can read it can issue "
                "certificates that peers trusting this CA accept. It does not belong on the "
                "mail server.",
                fix=f"Move it to an offline machine, then: shred -u {path}",
                anchor=f"cakey:{path}", evidence=ev)


class StrayPrivateKey(Rule):
    meta = RuleMeta(
        code="CF206", name="stray-private-key", level="warning", impacts=("secret-exposed",),
        summary="A private key no option names",
        rationale=(
            "Old keys left beside the active ones (a backup, newkey.pem or newreq.pem from "
            "CA.pl, a key from before a renewal) are secrets nobody watches: they are often "
            "more readable than the live key and still match certificates that may be valid."),
        fix="Delete the key (shred -u KEY) or move it where it is needed.",
        references=("OpenSSL CA.pl(1)",),
        bad_example="/etc/mail/tls/newkey.pem (named by no option)",
        good_example="only the keys ServerKeyFile and ClientKeyFile name",
        fix_kind=('manual',),
        fix_manual='only the admin knows whether the key is still needed',
    )

    def check(self, model):
        from cflint.pki.load import parse_key_file

        cas = {s.cert.spki for s in ca_certs(model)}
        for path in key_candidates(model):
            kf = parse_key_file(model.files.at(path).data)
            base = posixpath.basename(path)
            if base.lower() == "cakey.pem" or "/demoCA/private/" in path:
                continue  # CF203
            if kf.status == "ok" and kf.key.spki in cas:
                continue  # CF203
            if kf.status not in ("ok", "encrypted"):
                continue
            desc = (f"{kf.key.key_type} {kf.key.bits}" if kf.key else "encrypted")
            yield self.finding(
                Location(model.display.show_file(path), 1),
                f"{path} holds a private key ({desc}) that no option names: a left-over "
                "secret nobody watches.",
                fix=f"If it is not needed: shred -u {path}",
                anchor=f"straykey:{path}",
                evidence={"path": path, "key": desc,
                          **({"key_sha256": kf.key.fingerprint} if kf.key else {})})
