"""CF403: a link whose name is not the subject hash of what it points to."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from ..support.system_store import folded
from .index import OPENSSL_REHASH, capath_refs, index, next_free, ref_loc, rel_file, once


class HashLinkWrong(Rule):
    meta = RuleMeta(
        code="CF403", name="hash-link-wrong", level="error", impacts=("verify-fails",),
        summary="A link whose name is not the subject hash of the certificate it points to",
        rationale=(
            "A <hash>.N name must be the subject hash (OpenSSL >= 1.0, SHA-1 based) of the "
            "certificate it reaches. Links made for the old MD5-based hash (OpenSSL < 1.0), "
            "or left after the file was replaced, are never used for the CA they hold."),
        fix="openssl rehash CACertPath (it removes stale links and makes the right ones).",
        references=(OPENSSL_REHASH,),
        bad_example="9d66eef0.0 -> ca.pem (the old MD5 hash)",
        good_example="1a2b3c4d.0 -> ca.pem (openssl x509 -hash)",
        fix_kind=('shell',),
    )

    @folded(lambda model, n, certs: f"{n} misnamed hash link{'s' * (n != 1)}", "rehash")
    def check(self, model):
        for ref in once(capath_refs(model)):
            for e in index(model, ref.path):
                if e.hash_name and e.hash_name[1] and e.kind == "crl" and e.crl_hash and \
                        e.crl_hash != e.hash_name[0]:
                    yield self.finding(
                        ref_loc(ref), f"{e.path} is named for hash {e.hash_name[0]}, but the "
                        f"CRL's issuer hash is {e.crl_hash}: OpenSSL never reads it for that "
                        "issuer.", fix=f"openssl rehash {ref.path}",
                        related=rel_file(model, e.path, "the misnamed CRL link"),
                        anchor=f"CF403:{e.path}")
                    continue
                if not e.hash_name or e.hash_name[1] or e.kind != "cert":
                    continue
                h = e.hash_name[0]
                _sha, cur, old, _subject = e.certs[0]
                if cur == h:
                    continue
                why = ("the old, pre-1.0 MD5 hash of the certificate's subject" if old == h
                       else "no hash of the certificate it points to (stale: the file was "
                            "replaced, or the link renamed)")
                yield self.finding(
                    ref_loc(ref), f"{e.path} is named for hash {h}, {why}; the certificate's "
                    f"subject hash is {cur}, so OpenSSL never finds it under this name.",
                    fix=f"cd {ref.path} && rm {e.name} && ln -s {e.target or e.name} "
                        f"{cur}.{next_free(index(model, ref.path), cur)}   (or: openssl "
                        f"rehash {ref.path})",
                    related=rel_file(model, e.path, "the misnamed link"),
                    anchor=f"CF403:{e.path}", evidence={"path": e.path, "name_hash": h,
                                                      "subject_hash": cur})
