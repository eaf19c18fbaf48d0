"""CF305: the server certificate does not chain to a CA in CACertFile/CACertPath."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from ..support.pki import OP_ME_CERTS, trust_store
from .common import cert_loc, cert_ev, leafs


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
            extra = model.files.at(ref.path).certs.certs[1:]
            if chain_to_store(cert, store, extra):
                continue
            if not store and p.kind == "server":
                continue  # no CA data at all: CF101 / CF405
            loc, rel = cert_loc(model, ref, cert, f"the {p.label} certificate")
            if p.kind == "client":
                yield self.finding(
                    loc, f"the {p.label} certificate {cert.subject} (issuer {cert.issuer}) "
                    "does not chain to a CA in this configuration's CACertFile/CACertPath; "
                    "peers judge it by their own CAs, so make sure they trust its issuer.",
                    level="note", fix="Confirm the receiving servers trust the issuer.",
                    related=rel, anchor=f"chain:{cert.sha256}", evidence=cert_ev(cert, ref.path))
                continue
            yield self.finding(
                loc, f"the {p.label} certificate {cert.subject} (issuer {cert.issuer}) does "
                "not chain to any CA in CACertFile/CACertPath: OpenSSL cannot complete the "
                "chain it sends, and peers that verify get verify=FAIL (\"unable to get local "
                "issuer certificate\").",
                fix="Add the issuing CA to CACertFile: cat ISSUER.pem >> CACERTFILE (or put it "
                    "in CACertPath and run openssl rehash on that directory).",
                related=rel, anchor=f"chain:{cert.sha256}", evidence=cert_ev(cert, ref.path))
