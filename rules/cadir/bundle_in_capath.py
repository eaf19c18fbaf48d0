"""CF407: a file in CACertPath holding several certificates."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from ..support.system_store import folded
from .index import OPENSSL_REHASH, capath_refs, index, lookup, ref_loc, rel_file, once


class BundleInCapath(Rule):
    meta = RuleMeta(
        code="CF407", name="bundle-in-capath", level="warning", impacts=("verify-fails",),
        summary="A file in CACertPath holding several certificates",
        rationale=(
            "The hashed lookup reads a file for the one certificate its name promises: a "
            "bundle in CACertPath is found at most for its first certificate. The others are "
            "found only if they also have links of their own."),
        fix="Split the bundle into one file per certificate and run openssl rehash, or name "
            "the bundle as CACertFile.",
        references=(OPENSSL_REHASH,),
        bad_example="/etc/mail/certs/bundle.pem with 3 CA certificates",
        good_example="one certificate per file, each with its hash link",
        fix_kind=('manual',),
        fix_manual='split the bundle into one certificate per file',
    )

    @folded(lambda model, n, certs: f"{n} bundle{'s' * (n != 1)} whose certificates lack "
            "links of their own", "rehash")
    def check(self, model):
        for ref in once(capath_refs(model)):
            entries = index(model, ref.path)
            for e in entries:
                if e.kind != "cert" or len(e.certs) < 2 or e.hash_name:
                    continue
                lost = []
                for sha, cur, _old, _subject in e.certs[1:]:
                    if not any(x.kind == "cert" and x.certs and x.certs[0][0] == sha
                               for x in lookup(entries, cur)):
                        lost.append(cur)
                if not lost:
                    continue  # every certificate also has its own link (Debian's bundle)
                yield self.finding(
                    ref_loc(ref), f"{e.path} holds {len(e.certs)} certificates; the hashed lookup "
                    f"finds at most the first, and {len(lost)} of the others "
                    f"({', '.join(lost[:5])}) have no link of their own.",
                    fix=f"Split it (one certificate per file) and run openssl rehash "
                        f"{ref.path}, or use it as CACertFile.",
                    related=rel_file(model, e.path, "the bundle"), anchor=f"CF407:{e.path}",
                    evidence={"path": e.path})
