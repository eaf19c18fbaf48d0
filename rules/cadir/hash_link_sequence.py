"""CF404: hash-link suffix gaps, several links to one certificate, or same-subject CAs
that key identifiers cannot tell apart."""
from __future__ import annotations

import posixpath

from cflint.api import Rule, RuleMeta

from ..support.pki import visible_certs
from ..support.system_store import folded
from .index import OPENSSL_REHASH, Entry, capath_refs, index, lookup, ref_loc, rel_file, once


def _file_of(directory: str, e: Entry) -> str:
    """The file a hash link leads to (what openssl rehash would link again)."""
    return posixpath.normpath(posixpath.join(directory, e.target)) if e.is_link and e.target \
        else e.path


def _may_issue(issued, ca) -> bool:
    """X509_check_akid: ``issued``'s authority key identifier does not rule ``ca`` out."""
    akid = issued.key_ids[1]
    if akid is None:
        return True
    keyid, serial = akid
    skid = ca.key_ids[0]
    return not (keyid and skid and keyid != skid) and serial in (None, int(ca.serial, 16))


def _confusion(model, directory: str, y: Entry, x: Entry) -> tuple[str, str] | None:
    """Why OpenSSL can take one of two same-subject CAs (y tried first) for the other, and
    the fix; None when key identifiers (or one shared key) tell them apart."""
    from cflint.pki.subject_hash import canonical_name

    def cert(e):
        cf = model.files.at(e.path).certs
        return cf.certs[0] if cf and cf.certs else None

    cy, cx = cert(y), cert(x)
    rehash = f"openssl rehash {directory}"
    # the hash links go too: openssl rehash keeps a link whose target is gone
    links = f"{directory}/{y.name} {directory}/{x.name}"
    if cy is None or cx is None:
        return ("their key identifiers cannot be read",
                f"Keep one of them: rm {_file_of(directory, x)} {links} && {rehash}")
    if cy.spki == cx.spki:
        return None  # one key: a signature by either verifies with either
    (sy, _), (sx, _) = cy.key_ids, cx.key_ids
    older = y if cy.not_after <= cx.not_after else x
    if sy is None or sx is None:
        drop = x if sx is None else y
        return (f"{drop.name} has no subject key identifier, so no authority key identifier "
                "rules it out as the issuer of what the other one issued",
                f"rm {_file_of(directory, drop)} {links} && {rehash}   (or, if both must stay, "
                f"re-issue {_file_of(directory, drop)} with subjectKeyIdentifier=hash)")
    if sy == sx:
        return (f"both have the same subject key identifier ({sy.hex(':')}) for different "
                "keys, so an authority key identifier cannot tell them apart",
                f"rm {_file_of(directory, older)} {links} && {rehash}   (or, if both must stay, "
                f"re-issue {_file_of(directory, older)} with subjectKeyIdentifier=hash)")
    for s in visible_certs(model):
        c = s.cert
        if c.self_issued or not (_may_issue(c, cy) and _may_issue(c, cx)):
            continue
        try:
            if canonical_name(c.raw_issuer) != x.certs[0][3]:
                continue
        except ValueError:  # a name OpenSSL refuses: no issuer is looked up for it
            continue
        shown = model.display.show_file(s.path)
        what = "has no authority key identifier" if c.key_ids[1] is None else \
            "has an authority key identifier without a key identifier"
        other = x if c.signed_by(cy) else y if c.signed_by(cx) else None
        keep = f"; or keep only its issuer: rm {_file_of(directory, other)} {links} && {rehash}" \
            if other else ""
        return (f"the {s.source} {shown} {what}, so OpenSSL cannot tell which of the two "
                "issued it",
                f"Re-issue {shown} with the extension authorityKeyIdentifier=keyid (openssl "
                "x509 -req ... -extfile FILE holding that line; OpenSSL before 3.2 does not "
                f"add it by itself){keep}")
    return None  # distinct SKIDs, every certificate seen names its issuer's


class HashLinkSequence(Rule):
    meta = RuleMeta(
        code="CF404", name="hash-link-sequence", level="warning", impacts=("verify-fails",),
        summary="Hash-link suffix gaps, several links to one certificate, or same-subject CAs "
                "that key identifiers cannot tell apart",
        rationale=(
            "OpenSSL tries <hash>.0, .1, ... and stops at the first missing suffix: a .1 "
            "without a .0 is never read. Several CAs with one subject (a renewed, re-keyed or "
            "cross-signed root) get .0, .1, ... from openssl rehash; OpenSSL loads them all "
            "and takes as issuer the first one the certificate's authority key identifier "
            "does not rule out (X509_check_akid), so they are told apart only when each has "
            "its own subject key identifier and the certificates they issued carry an "
            "authority key identifier. A CA without a subject key identifier, two keys with "
            "one identifier, or a configured certificate without an authority key identifier "
            "lets OpenSSL check a signature against the wrong key (\"certificate signature "
            "failure\"). Same-subject CAs with distinct identifiers, or sharing one key, are "
            "fine. Two links to the same certificate are harmless but show a directory "
            "maintained by hand."),
        fix="openssl rehash CACertPath; of two same-subject CAs that cannot be told apart, "
            "remove one (then openssl rehash), or re-issue the CA with "
            "subjectKeyIdentifier=hash, or the certificate it issued with "
            "authorityKeyIdentifier=keyid.",
        references=(OPENSSL_REHASH, "OpenSSL X509_check_akid(3), X509_check_issued(3)"),
        bad_example="1a2b3c4d.1 with no 1a2b3c4d.0\n"
                    "1a2b3c4d.0 -> ca-2025.pem (no subjectKeyIdentifier), "
                    "1a2b3c4d.1 -> ca-2026.pem (same subject, another key)",
        good_example="1a2b3c4d.0 -> ca-2025.pem, 1a2b3c4d.1 -> ca-2026.pem (same subject, each "
                     "its own subjectKeyIdentifier; issued certificates carry "
                     "authorityKeyIdentifier), as openssl rehash makes them",
        fix_kind=('shell', 'manual'),
        fix_manual='re-issue a CA or leaf certificate with key identifiers',
    )

    @folded(lambda model, n, certs: f"{n} hash-link sequence problem{'s' * (n != 1)} (gaps, "
            "same-subject CAs, duplicate links)", "rehash")
    def check(self, model):
        for ref in once(capath_refs(model)):
            entries = index(model, ref.path)
            groups: dict[tuple[str, bool], list[Entry]] = {}
            for e in entries:
                if e.hash_name and not e.dangling:
                    groups.setdefault((e.hash_name[0], e.hash_name[1]), []).append(e)
            for (h, crl), es in groups.items():
                ns = sorted(x.hash_name[2] for x in es)
                reach = 0
                while reach in ns:
                    reach += 1
                lost = [x for x in es if x.hash_name[2] > reach]
                for x in lost:
                    yield self.finding(
                        ref_loc(ref), f"{x.path} is never read: OpenSSL stops at the first "
                        f"missing suffix, and {h}.{'r' if crl else ''}{reach} does not exist.",
                        fix=f"cd {ref.path} && mv {x.name} {h}.{'r' if crl else ''}{reach}   "
                            f"(or: openssl rehash {ref.path})",
                        related=rel_file(model, x.path, "the unreachable link"),
                        anchor=f"CF404:gap:{x.path}", evidence={"path": x.path})
                if crl:
                    continue
                seen: dict[bytes, list[Entry]] = {}
                for x in lookup(entries, h):
                    if x.kind != "cert":
                        continue
                    earlier = seen.setdefault(x.certs[0][3], [])
                    if any(y.certs[0][0] == x.certs[0][0] for y in earlier):
                        continue
                    for y in earlier:
                        why = _confusion(model, ref.path, y, x)
                        if why:
                            yield self.finding(
                                ref_loc(ref), f"{x.name} and {y.name} in {ref.path} are two CA "
                                "certificates with the same subject that OpenSSL can confuse: "
                                f"{why[0]}. OpenSSL loads both and takes the first issuer the "
                                f"key identifiers do not rule out ({y.name} is tried first), "
                                "so a certificate issued by the other fails verification "
                                "(\"certificate signature failure\").", fix=why[1],
                                related=rel_file(model, x.path, "the other same-subject CA"),
                                anchor=f"CF404:shadow:{ref.path}:{x.certs[0][0]}",
                                evidence={"path": x.path, "other": y.path})
                            break
                    earlier.append(x)
                by_cert: dict[str, list[Entry]] = {}
                for x in es:
                    for c in x.certs[:1]:
                        by_cert.setdefault(c[0], []).append(x)
                for sha, xs in by_cert.items():
                    if len(xs) > 1:
                        names = ", ".join(x.name for x in sorted(xs, key=lambda y: y.name))
                        yield self.finding(
                            ref_loc(ref), f"{names} in {ref.path} all lead to the same "
                            "certificate: a directory maintained by hand; one link is enough.",
                            fix=f"openssl rehash {ref.path}", level="warning",
                            related=rel_file(model, xs[-1].path, "a duplicate link"),
                            anchor=f"CF404:dup:{ref.path}:{sha}",
                            evidence={"path": xs[-1].path})
