"""A CA directory as OpenSSL's hash lookup sees it: every entry classified (certificate,
CRL, key, garbage, link, dangling link) with its subject hashes, read once per
installation, and the names ``<hash>.N`` the lookup opens."""
from __future__ import annotations

import posixpath
import stat as st
from dataclasses import dataclass, field

from cflint.api import Location

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

    from cflint.pki.load import pem_blocks
    from cflint.pki.subject_hash import HASH_NAME

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
        s = ls  # not a link: what lstat said is what stat would say
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
        f = model.files.at(path)
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
    return [r for r in model.files.tls() if r.option in ("CACertPath", "CRLPath")]


def ref_loc(ref):
    return Location(ref.config.path, ref.line, ref.column)


def rel_file(model, path, note):
    return (Location(model.display.show_file(path), 1, note=note),)


def once(refs):
    """One CACertPath per directory (sendmail.cf and submit.cf often share it)."""
    seen, out = set(), []
    for r in refs:
        if r.path not in seen:
            seen.add(r.path)
            out.append(r)
    return out


def next_free(entries, h: str, crl: bool = False) -> int:
    n = 0
    while lookup(entries, h, crl)[n:n + 1]:
        n += 1
    return n
