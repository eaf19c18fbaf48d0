"""The CA directory and its hash links (CF401-CF408).

OpenSSL finds a CA in CACertPath by the subject hash of the issuer name it looks for: it
opens <hash>.0, <hash>.1, ... in turn and stops at the first name that does not exist. A
missing, stale or misnumbered link makes {verify} FAIL without any error at start-up.
"""
from __future__ import annotations

import posixpath
import stat as st
from dataclasses import dataclass, field

from cflint.api import Location, Rule, RuleMeta
from cflint.pki.load import pem_blocks
from cflint.pki.subject_hash import HASH_NAME, canonical_name

from .support.pki import visible_certs
from .support.system_store import folded

OPENSSL_REHASH = "OpenSSL openssl-rehash(1); X509_LOOKUP_hash_dir(3)"


@dataclass
class Entry:
    name: str
    path: str
    is_link: bool = False
    target: str | None = None
    dangling: bool = False
    loop: bool = False
    kind: str = "other"              # "cert", "crl", "key", "garbage", "dir", "other"
    certs: list = field(default_factory=list)   # [(sha256 of DER, current hash, old hash)]
    crl_hash: str | None = None
    hash_name: tuple[str, bool, int] | None = None   # (hash, is_crl, N)
    real: str | None = None          # the resolved target path (identity of the file)


class Index(list):
    """A CA directory's entries, with the hash-name table lookups use (built once)."""

    _by: dict | None = None

    def by_hash(self) -> dict:
        if self._by is None:
            self._by = {(e.hash_name[0], e.hash_name[1], e.hash_name[2]): e for e in self
                        if e.hash_name}
        return self._by


def _hashes():
    from cflint.pki import subject_hash

    return subject_hash


def index(model, directory: str) -> list[Entry]:
    """Every entry of a CA directory, classified, once per installation."""
    return model.memo(("capath", directory), lambda: _index(model, directory))


def _index(model, directory):
    import hashlib

    sh = _hashes()
    out = Index()
    done: dict[str, Entry] = {}   # file identity -> the entry that read it
    try:
        names = model.fs.listdir(directory)
    except OSError:
        return out
    for name in names:
        path = posixpath.join(directory, name)
        e = Entry(name, path)
        m = HASH_NAME.match(name)
        if m:
            e.hash_name = (m.group(1), m.group(2) == "r", int(m.group(3)))
        try:
            ls = model.fs.lstat(path)
        except OSError:
            continue
        e.is_link = st.S_ISLNK(ls.st_mode)
        if e.is_link:
            try:
                e.target = model.fs.readlink(path)
            except OSError:
                e.target = None
        try:
            s = model.fs.stat(path)
        except OSError as err:
            e.dangling = True
            e.loop = getattr(err, "errno", None) == 40
            out.append(e)
            continue
        e.real = _identity(model, path, s)
        if e.real in done:  # a hash link to a file already read: the same contents
            d = done[e.real]
            e.kind, e.certs, e.crl_hash = d.kind, d.certs, d.crl_hash
            out.append(e)
            continue
        if st.S_ISDIR(s.st_mode):
            e.kind = "dir"
            out.append(e)
            continue
        if not st.S_ISREG(s.st_mode):
            out.append(e)
            continue
        f = model.file(path)
        data = f.data
        if data is None:
            out.append(e)
            continue
        if e.real != path:  # an inode (a path has none: nothing to share)
            done[e.real] = e
        blocks = pem_blocks(data) if b"-----BEGIN" in data else []
        certs = [b for b in blocks if b.label in ("CERTIFICATE", "TRUSTED CERTIFICATE",
                                                  "X509 CERTIFICATE") and b.der]
        crls = [b for b in blocks if b.label == "X509 CRL" and b.der]
        if certs:
            e.kind = "cert"
            for b in certs:
                try:
                    cur, old, subject = sh.cert_hashes_subject(b.der)
                except (sh.SubjectHashError, ValueError):
                    continue
                e.certs.append((hashlib.sha256(b.der).hexdigest(), cur, old, subject))
            if not e.certs:
                e.kind = "garbage"
        elif crls:
            e.kind = "crl"
            try:
                e.crl_hash = sh.crl_issuer_hash(crls[0].der)
            except (sh.SubjectHashError, ValueError):
                e.kind = "garbage"
        elif any("PRIVATE KEY" in b.label for b in blocks):
            e.kind = "key"
        else:
            e.kind = "garbage"
        out.append(e)
    return out


def _identity(model, path, s):
    ino = getattr(s, "st_ino", 0)
    if ino:
        return f"{getattr(s, 'st_dev', 0)}:{ino}"
    return path


def lookup(entries: list[Entry], h: str, crl: bool = False) -> list[Entry]:
    """What OpenSSL's hash-directory lookup opens for hash ``h``: h.0, h.1, ... (h.r0, ...
    for CRLs) up to the first name that does not exist (a dangling link counts as not
    existing)."""
    by = entries.by_hash() if isinstance(entries, Index) else {
        (e.hash_name[0], e.hash_name[1], e.hash_name[2]): e for e in entries if e.hash_name}
    out, n = [], 0
    while (h, crl, n) in by and not by[(h, crl, n)].dangling:
        out.append(by[(h, crl, n)])
        n += 1
    return out


def capath_refs(model):
    """CACertPath and CRLPath: the hashed directories."""
    return [r for r in model.tls_files() if r.option in ("CACertPath", "CRLPath")]


def _loc(ref):
    return Location(ref.config.path, ref.line, ref.column)


def _rel(model, path, note):
    return (Location(model.show_file(path), 1, note=note),)


def _once(refs):
    """One CACertPath per directory (sendmail.cf and submit.cf often share it)."""
    seen, out = set(), []
    for r in refs:
        if r.path not in seen:
            seen.add(r.path)
            out.append(r)
    return out


def _next_free(entries, h: str, crl: bool = False) -> int:
    n = 0
    while lookup(entries, h, crl)[n:n + 1]:
        n += 1
    return n


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
    def cert(e):
        cf = model.file(e.path).certs
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
        shown = model.show_file(s.path)
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
        for ref in _once(capath_refs(model)):
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
                    n = _next_free(entries, h, crl=True)
                    yield self.finding(
                        _loc(ref), f"{e.path} holds a CRL whose issuer hash is {h}, but no "
                        f"{h}.rN link in {ref.path} leads to it: OpenSSL never reads it.",
                        fix=f"cd {ref.path} && ln -s {e.name} {h}.r{n}   (or: openssl rehash "
                            f"{ref.path})", related=_rel(model, e.path, "the CRL"),
                        anchor=f"CF401:{ref.path}:{e.name}", evidence={"path": e.path})
                    continue
                if e.kind != "cert":
                    continue
                sha, cur, _old, subject = e.certs[0]
                found = any(x.kind == "cert" and any(c[0] == sha for c in x.certs)
                            for x in lookup(entries, cur))
                if found:
                    continue
                n = _next_free(entries, cur)
                yield self.finding(
                    _loc(ref), f"{e.path} holds a CA certificate whose subject hash is {cur}, "
                    f"but no {cur}.N link in {ref.path} leads to it: OpenSSL never finds this "
                    "CA, and certificates it issued fail verification (verify=FAIL).",
                    fix=f"cd {ref.path} && ln -s {e.name} {cur}.{n}   (or: openssl rehash "
                        f"{ref.path})",
                    related=_rel(model, e.path, "the CA certificate"),
                    anchor=f"CF401:{ref.path}:{sha}", evidence={"path": e.path, "hash": cur})


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
        for ref in _once(capath_refs(model)):
            for e in index(model, ref.path):
                if not e.hash_name or not e.dangling:
                    continue
                what = "a link loop" if e.loop else f"a link to {e.target}, which does not exist"
                yield self.finding(
                    _loc(ref), f"{e.path} is {what}: OpenSSL's lookup for hash "
                    f"{e.hash_name[0]} stops there.",
                    fix=f"rm {e.path} && openssl rehash {ref.path}",
                    related=_rel(model, e.path, "the dangling link"),
                    anchor=f"CF402:{e.path}", evidence={"path": e.path,
                                                      "target": str(e.target)})


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
        for ref in _once(capath_refs(model)):
            for e in index(model, ref.path):
                if e.hash_name and e.hash_name[1] and e.kind == "crl" and e.crl_hash and \
                        e.crl_hash != e.hash_name[0]:
                    yield self.finding(
                        _loc(ref), f"{e.path} is named for hash {e.hash_name[0]}, but the "
                        f"CRL's issuer hash is {e.crl_hash}: OpenSSL never reads it for that "
                        "issuer.", fix=f"openssl rehash {ref.path}",
                        related=_rel(model, e.path, "the misnamed CRL link"),
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
                    _loc(ref), f"{e.path} is named for hash {h}, {why}; the certificate's "
                    f"subject hash is {cur}, so OpenSSL never finds it under this name.",
                    fix=f"cd {ref.path} && rm {e.name} && ln -s {e.target or e.name} "
                        f"{cur}.{_next_free(index(model, ref.path), cur)}   (or: openssl "
                        f"rehash {ref.path})",
                    related=_rel(model, e.path, "the misnamed link"),
                    anchor=f"CF403:{e.path}", evidence={"path": e.path, "name_hash": h,
                                                      "subject_hash": cur})


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
        for ref in _once(capath_refs(model)):
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
                        _loc(ref), f"{x.path} is never read: OpenSSL stops at the first "
                        f"missing suffix, and {h}.{'r' if crl else ''}{reach} does not exist.",
                        fix=f"cd {ref.path} && mv {x.name} {h}.{'r' if crl else ''}{reach}   "
                            f"(or: openssl rehash {ref.path})",
                        related=_rel(model, x.path, "the unreachable link"),
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
                                _loc(ref), f"{x.name} and {y.name} in {ref.path} are two CA "
                                "certificates with the same subject that OpenSSL can confuse: "
                                f"{why[0]}. OpenSSL loads both and takes the first issuer the "
                                f"key identifiers do not rule out ({y.name} is tried first), "
                                "so a certificate issued by the other fails verification "
                                "(\"certificate signature failure\").", fix=why[1],
                                related=_rel(model, x.path, "the other same-subject CA"),
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
                            _loc(ref), f"{names} in {ref.path} all lead to the same "
                            "certificate: a directory maintained by hand; one link is enough.",
                            fix=f"openssl rehash {ref.path}", level="warning",
                            related=_rel(model, xs[-1].path, "a duplicate link"),
                            anchor=f"CF404:dup:{ref.path}:{sha}",
                            evidence={"path": xs[-1].path})


class CaPathKind(Rule):
    meta = RuleMeta(
        code="CF405", name="ca-path-kind", level="error", impacts=("verify-fails",),
        summary="CACertPath is not a directory, or CACertFile is a directory or missing",
        rationale=(
            "CACertPath must be a directory of hashed certificates; CACertFile a file. "
            "Swapping them, or naming something that does not exist, leaves no CA data: "
            "sendmail never checks CACertPath, but the server requires CACertFile to load "
            "(\"load verify locs ... failed\"), so there STARTTLS is not offered."),
        fix="Point CACertPath at a directory and CACertFile at a PEM file.",
        references=("sendmail-tls reference §2.2, §4.8",),
        bad_example="O CACertFile=/etc/ssl/certs\nO CACertPath=/etc/ssl/certs/ca.pem",
        good_example="O CACertFile=/etc/ssl/certs/ca.pem\nO CACertPath=/etc/ssl/certs",
        fix_kind=('shell', 'manual'),
        fix_manual='point the CA option at the right kind of file',
    )

    def check(self, model):
        for ref in model.tls_files():
            f = model.file(ref.path)
            if f.permission_denied:
                continue
            if ref.option == "CACertPath":
                if f.is_dir:
                    continue
                why = f.missing_text() if not f.exists else "is not a directory"
                yield self.finding(
                    _loc(ref), f"CACertPath {ref.path} {why}: OpenSSL finds no CA there "
                    "(sendmail does not check, so nothing is logged).",
                    fix="Point CACertPath at the hashed CA directory (e.g. /etc/ssl/certs)."
                        if f.exists else f"mkdir -p {ref.path} && openssl rehash {ref.path}",
                    anchor=f"CF405:{ref.path}")
            elif ref.option == "CACertFile":
                if f.is_regular:
                    continue
                server = ref.role == "ca-server"
                why = f.missing_text() if not f.exists else "is a directory" if f.is_dir else \
                    "is not a regular file"
                yield self.finding(
                    _loc(ref), f"CACertFile {ref.path} {why}"
                    + (" (the two CA options swapped?)" if f.is_dir else "") + ": "
                    + ("sendmail cannot load its CA data (\"load verify locs ... failed\") and "
                       "does not offer STARTTLS." if server else
                       "the client has no CA data and cannot verify servers."),
                    impacts=("starttls-off",) if server else ("verify-fails",),
                    fix="Point CACertFile at a PEM file holding the CA certificate(s).",
                    anchor=f"CF405:{ref.path}")


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
        for ref in _once(capath_refs(model)):
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
                    _loc(ref), f"in {ref.path}, {what}: OpenSSL's lookup skips it.",
                    impacts=imps, fix=f"rm {e.path} && openssl rehash {ref.path}",
                    related=_rel(model, e.path, "the link"), anchor=f"CF406:{e.path}")


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
        for ref in _once(capath_refs(model)):
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
                    _loc(ref), f"{e.path} holds {len(e.certs)} certificates; the hashed lookup "
                    f"finds at most the first, and {len(lost)} of the others "
                    f"({', '.join(lost[:5])}) have no link of their own.",
                    fix=f"Split it (one certificate per file) and run openssl rehash "
                        f"{ref.path}, or use it as CACertFile.",
                    related=_rel(model, e.path, "the bundle"), anchor=f"CF407:{e.path}",
                    evidence={"path": e.path})


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
        for ref in model.tls_files():
            if ref.option != "CACertFile" or ref.role != "ca-server":
                continue
            cf = model.file(ref.path).certs
            if not cf or len(cf.certs) <= limit:
                continue
            yield self.finding(
                _loc(ref), f"CACertFile {ref.path} holds {len(cf.certs)} certificates (limit "
                f"{limit}): sendmail sends every one of their names to each client that "
                "connects, which can break handshakes.",
                fix="Put only the CAs your peers' client certificates come from in CACertFile, "
                    "and the rest in CACertPath.",
                anchor=f"CF408:{ref.path}", evidence={"path": ref.path,
                                                     "certificates": str(len(cf.certs))})
