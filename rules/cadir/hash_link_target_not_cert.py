"""CF406: a hash link that points to a key, a CRL or garbage."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from .index import OPENSSL_REHASH, capath_refs, index, ref_loc, rel_file, once


class HashLinkTargetNotCert(Rule):
    meta = RuleMeta(
        code="CF406", name="hash-link-target-not-cert", level="error",
        impacts=("verify-fails",),
        summary="A hash link that points to a key, a CRL or garbage",
        rationale=(
            "A <hash>.N name promises a certificate; a key, a CRL (those are <hash>.rN) or an "
            "unreadable file there is skipped by OpenSSL's lookup. A private key in the CA "
            "directory is also exposed to everyone who reads it."),
        fix="Remove the link (and move a key out of the directory), then openssl rehash.",
        references=(OPENSSL_REHASH,),
        bad_example="1a2b3c4d.0 -> server.key",
        good_example="1a2b3c4d.0 -> ca.pem",
        fix_kind=('shell',),
    )

    def check(self, model):
        for ref in once(capath_refs(model)):
            for e in index(model, ref.path):
                if not e.hash_name or e.dangling or e.kind == "cert" and not e.hash_name[1]:
                    continue
                if e.hash_name[1]:
                    if e.kind == "crl":
                        continue
                    what = f"a CRL link ({e.name}) to {e.kind}"
                elif e.kind == "crl":
                    what = f"{e.name} points to a CRL (CRL links are named {e.hash_name[0]}.r0)"
                else:
                    what = {"key": f"{e.name} points to a private key",
                            "dir": f"{e.name} is a directory"}.get(
                        e.kind, f"{e.name} points to something that is no PEM certificate")
                imps = ("verify-fails", "secret-exposed") if e.kind == "key" else None
                yield self.finding(
                    ref_loc(ref), f"in {ref.path}, {what}: OpenSSL's lookup skips it.",
                    impacts=imps, fix=f"rm {e.path} && openssl rehash {ref.path}",
                    related=rel_file(model, e.path, "the link"), anchor=f"CF406:{e.path}")
