"""CF309: intermediates in the certificate file that sendmail does not send."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from ..support.pki import OP_ME_CERTS
from .common import cert_loc, cert_ev, leafs


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
            cf = model.files.at(ref.path).certs
            if len(cf.certs) < 2:
                continue
            rest = ", ".join(c.subject for c in cf.certs[1:])
            loc, rel = cert_loc(model, ref, cert, f"the {p.label} certificate")
            yield self.finding(
                loc, f"{ref.path} holds {len(cf.certs)} certificates; sendmail loads only the "
                f"first ({cert.subject}), so {rest} {'is' if len(cf.certs) == 2 else 'are'} "
                "not sent.",
                fix="Keep only the leaf in the file and append the others to CACertFile.",
                related=rel, anchor=f"chainfile:{ref.path}", evidence=cert_ev(cert, ref.path))
