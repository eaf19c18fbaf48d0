"""CF408: CACertFile holds more than the limit of certificates."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from .index import ref_loc


class CaFileTooLarge(Rule):
    meta = RuleMeta(
        code="CF408", name="cafile-too-large", level="warning", impacts=("verify-fails",),
        summary="CACertFile holds more than 100 certificates",
        rationale=(
            "On the server, every CA name in CACertFile goes into the CertificateRequest sent "
            "to clients; with a whole public CA bundle that list is large enough to break "
            "handshakes with some clients (op.me warns about it). CACertPath adds nothing to "
            "the list."),
        fix="Keep only the CAs that issue your peers' client certificates in CACertFile; put "
            "the rest in CACertPath.",
        references=("sendmail op.me, CACertFile",),
        bad_example="O CACertFile=/etc/ssl/certs/ca-certificates.crt",
        good_example="O CACertFile=/etc/mail/tls/ca.crt",
        fix_kind=('manual',),
        fix_manual='choose which CAs the client certificates come from',
    )

    def check(self, model):
        limit = model.settings.max_ca_certs
        for ref in model.files.tls():
            if ref.option != "CACertFile" or ref.role != "ca-server":
                continue
            f = model.files.at(ref.path)
            if f.data is None or f.data.count(b"-----BEGIN ") <= limit:
                continue  # every certificate is a PEM block: no need to parse one
            cf = f.certs
            if not cf or len(cf.certs) <= limit:
                continue
            yield self.finding(
                ref_loc(ref), f"CACertFile {ref.path} holds {len(cf.certs)} certificates (limit "
                f"{limit}): sendmail sends every one of their names to each client that "
                "connects, which can break handshakes.",
                fix="Put only the CAs your peers' client certificates come from in CACertFile, "
                    "and the rest in CACertPath.",
                anchor=f"CF408:{ref.path}", evidence={"path": ref.path,
                                                     "certificates": str(len(cf.certs))})
