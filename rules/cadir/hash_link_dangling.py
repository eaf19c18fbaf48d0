"""CF402: a <hash>.N link whose target does not exist (or a link loop)."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from ..support.system_store import folded
from .index import OPENSSL_REHASH, capath_refs, index, ref_loc, rel_file, once


class HashLinkDangling(Rule):
    meta = RuleMeta(
        code="CF402", name="hash-link-dangling", level="error", impacts=("verify-fails",),
        summary="A <hash>.N link whose target does not exist (or a link loop)",
        rationale=(
            "A dangling hash link is a CA certificate that was removed or moved: OpenSSL's "
            "lookup stops at it, so a later <hash>.N+1 is not reached either."),
        fix="Remove the link and re-create the links: openssl rehash CACertPath.",
        references=(OPENSSL_REHASH,),
        bad_example="1a2b3c4d.0 -> old-ca.pem (deleted)",
        good_example="1a2b3c4d.0 -> ca.pem",
        fix_kind=('shell',),
    )

    @folded(lambda model, n, certs: f"{n} dangling hash link{'s' * (n != 1)}", "rehash")
    def check(self, model):
        for ref in once(capath_refs(model)):
            for e in index(model, ref.path):
                if not e.hash_name or not e.dangling:
                    continue
                what = "a link loop" if e.loop else f"a link to {e.target}, which does not exist"
                yield self.finding(
                    ref_loc(ref), f"{e.path} is {what}: OpenSSL's lookup for hash "
                    f"{e.hash_name[0]} stops there.",
                    fix=f"rm {e.path} && openssl rehash {ref.path}",
                    related=rel_file(model, e.path, "the dangling link"),
                    anchor=f"CF402:{e.path}", evidence={"path": e.path,
                                                      "target": str(e.target)})
