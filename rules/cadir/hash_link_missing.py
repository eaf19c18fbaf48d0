"""CF401: a CA certificate (or CRL) in CACertPath without a <hash>.N link."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from ..support.system_store import folded
from .index import OPENSSL_REHASH, capath_refs, index, lookup, next_free, ref_loc, rel_file, once


class HashLinkMissing(Rule):
    meta = RuleMeta(
        code="CF401", name="hash-link-missing", level="error", impacts=("verify-fails",),
        summary="A CA certificate in CACertPath without a <hash>.N link",
        rationale=(
            "OpenSSL looks a CA up in CACertPath only by the subject hash of its name "
            "(<hash>.0, <hash>.1, ...): a certificate file without such a link is never "
            "found, so peers it issued get verify=FAIL, and nothing at start-up says so. In "
            "a distribution's store, which its tool links (update-ca-certificates, "
            "update-ca-trust), stale links (CF401-CF404, CF407) are one note per store with "
            "that tool's command, unless a configured certificate chains through the "
            "certificate concerned."),
        fix="cd CACertPath && ln -s CERT.pem HASH.0 (HASH from openssl x509 -noout -hash -in "
            "CERT.pem), or run openssl rehash CACertPath.",
        references=(OPENSSL_REHASH,),
        bad_example="/etc/mail/certs/cacert.pem and no 1a2b3c4d.0 link to it",
        good_example="/etc/mail/certs/1a2b3c4d.0 -> cacert.pem",
        fix_kind=('shell',),
    )

    @folded(lambda model, n, certs: f"{n} CA certificate{'s' * (n != 1)} without a hash "
            "link", "rehash")
    def check(self, model):
        for ref in once(capath_refs(model)):
            entries = index(model, ref.path)
            crl_dir = ref.option == "CRLPath"
            for e in entries:
                if e.hash_name or e.dangling:
                    continue
                if crl_dir:
                    if e.kind != "crl" or e.crl_hash is None:
                        continue
                    h = e.crl_hash
                    reached = lookup(entries, h, crl=True)
                    if any(x.real == e.real for x in reached):
                        continue
                    n = next_free(entries, h, crl=True)
                    yield self.finding(
                        ref_loc(ref), f"{e.path} holds a CRL whose issuer hash is {h}, but no "
                        f"{h}.rN link in {ref.path} leads to it: OpenSSL never reads it.",
                        fix=f"cd {ref.path} && ln -s {e.name} {h}.r{n}   (or: openssl rehash "
                            f"{ref.path})", related=rel_file(model, e.path, "the CRL"),
                        anchor=f"CF401:{ref.path}:{e.name}", evidence={"path": e.path})
                    continue
                if e.kind != "cert":
                    continue
                sha, cur, _old, subject = e.certs[0]
                found = any(x.kind == "cert" and any(c[0] == sha for c in x.certs)
                            for x in lookup(entries, cur))
                if found:
                    continue
                n = next_free(entries, cur)
                yield self.finding(
                    ref_loc(ref), f"{e.path} holds a CA certificate whose subject hash is {cur}, "
                    f"but no {cur}.N link in {ref.path} leads to it: OpenSSL never finds this "
                    "CA, and certificates it issued fail verification (verify=FAIL).",
                    fix=f"cd {ref.path} && ln -s {e.name} {cur}.{n}   (or: openssl rehash "
                        f"{ref.path})",
                    related=rel_file(model, e.path, "the CA certificate"),
                    anchor=f"CF401:{ref.path}:{sha}", evidence={"path": e.path, "hash": cur})
