"""Distribution CA stores (Debian/Ubuntu and Alpine /etc/ssl/certs, RHEL/Fedora
/etc/pki/tls/certs and /etc/pki/ca-trust/extracted/pem/directory-hash, SUSE
/var/lib/ca-certificates/openssl).

Their roots are the distribution's: an admin cannot renew an expired public root or fix
the store's links by hand, only update the CA package or re-run its tool. ``folded`` turns
a rule's findings about such certificates into one note per store, unless a configured
certificate (ServerCertFile, ClientCertFile, or the admin's own CACertFile) chains to
one: that finding stays, with the distribution's fix.
"""
from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass, replace


from .pki import visible_certs


@dataclass(frozen=True)
class Store:
    family: str
    update: str     # the command that brings current roots
    rehash: str     # the command that rebuilds the store's links and bundle


FAMILIES = {
    "debian": Store("debian", "apt-get install --only-upgrade ca-certificates && "
                    "update-ca-certificates", "update-ca-certificates --fresh"),
    "alpine": Store("alpine", "apk upgrade ca-certificates && update-ca-certificates",
                    "update-ca-certificates"),
    "rhel": Store("rhel", "dnf upgrade ca-certificates && update-ca-trust",
                  "update-ca-trust extract"),
    "suse": Store("suse", "zypper update ca-certificates-mozilla && update-ca-certificates",
                  "update-ca-certificates --fresh"),
}
# the hashed store directories, and the family a directory itself tells (None: the tree)
STORE_DIRS = {"/etc/ssl/certs": None, "/etc/pki/tls/certs": "rhel",
              "/etc/pki/ca-trust/extracted/pem/directory-hash": "rhel",
              "/etc/pki/ca-trust/extracted/pem": "rhel",
              "/var/lib/ca-certificates/openssl": "suse",
              "/var/lib/ca-certificates/pem": "suse"}
BUNDLES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
           "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
           "/var/lib/ca-certificates/ca-bundle.pem")
# where the distribution's roots come from (what store links point into)
SOURCES = ("/usr/share/ca-certificates/", "/usr/share/pki/ca-trust-source/",
           "/usr/share/pki/trust/", "/etc/pki/ca-trust/extracted/",
           "/var/lib/ca-certificates/")
# the admin's own CAs, which the store tools add to the store: theirs to renew
LOCAL = ("/usr/local/share/ca-certificates/", "/etc/pki/ca-trust/source/",
         "/etc/pki/trust/anchors/")
# a file of the tree that names its family, for /etc/ssl/certs
MARKERS = (("/etc/alpine-release", "alpine"), ("/etc/redhat-release", "rhel"),
           ("/etc/pki/ca-trust", "rhel"), ("/etc/SUSE-brand", "suse"),
           ("/var/lib/ca-certificates", "suse"))


def canonical(model, path: str) -> str:
    """``path`` with its links resolved inside the view (itself when that fails)."""
    def compute():
        try:
            return model.fs.canonical(path)
        except OSError:
            return posixpath.normpath(path)
    return model.memo(("canonical", path), compute)


def store_dir(model, directory: str) -> str | None:
    """The store directory ``directory`` is (as written or through its links), or None."""
    for d in (posixpath.normpath(directory), canonical(model, directory)):
        if d in STORE_DIRS:
            return d
    return None


def family(model, directory: str | None = None) -> Store:
    """The store tool of the tree: from the store directory when it tells, else from
    the tree's release files; Debian's by default."""
    told = STORE_DIRS.get(canonical(model, directory)) if directory else None
    if told is None:
        told = next((f for p, f in MARKERS if model.fs.exists(p)), "debian")
    return FAMILIES[told]


def _index(model):
    """(sha256 of every certificate in a distribution bundle or store directory, {sha256:
    the file in LOCAL} of every certificate that is the admin's own)."""
    def certs_of(path):
        f = model.files.at(path)
        return f.certs.certs if f.is_regular and f.data and f.certs else []

    def compute():
        distro, local = set(), {}
        for d in STORE_DIRS:
            try:
                names = model.fs.listdir(d)
            except OSError:
                continue
            for n in names:
                p = posixpath.join(d, n)
                real = canonical(model, p)
                for c in certs_of(p):
                    if real.startswith(LOCAL):
                        local[c.sha256] = real
                    else:
                        distro.add(c.sha256)
        for b in BUNDLES:
            distro.update(c.sha256 for c in certs_of(b))
        return distro - local.keys(), local
    return model.memo("system_store_index", compute)


def is_bundle(model, path: str) -> bool:
    return canonical(model, path) in {canonical(model, b) for b in BUNDLES}


def store_of(model, path: str, cert) -> str | None:
    """Where the distribution's certificate ``cert`` (in file ``path``) lies: the store
    directory it is in, else the directory of its copy or link (a certificate of a
    distribution bundle, or a link into its sources); None when it is not one (or is the
    admin's own)."""
    distro, local = _index(model)
    real = canonical(model, path)
    if cert is not None and cert.sha256 in local or real.startswith(LOCAL):
        return None
    where = store_dir(model, posixpath.dirname(path))
    if where:
        return where
    if real.startswith(SOURCES) or cert is not None and cert.sha256 in distro:
        return posixpath.dirname(path)
    return None


def configured(model, path: str) -> bool:
    """A file the configurations name as a certificate: the pairs, and a CACertFile that
    is not a distribution bundle."""
    return any(r.path == path and (r.option != "CACertFile" or not is_bundle(model, path))
               for r in model.files.tls()
               if r.option in ("ServerCertFile", "ClientCertFile", "CACertFile"))


def _pair_files(model) -> set[str]:
    return {r.path for r in model.files.tls() if r.option in ("ServerCertFile",
                                                              "ClientCertFile")}


def chained(model) -> dict[str, str]:
    """sha256 of every certificate a configured certificate chains through -> that
    configured certificate ("the ServerCertFile certificate CN=...")."""
    def compute():
        seen = visible_certs(model)
        out: dict[str, str] = {}
        for s in seen:
            if not configured(model, s.path):
                continue
            what, todo = f"the {s.source} certificate {s.cert.subject}", [s.cert]
            for _hop in range(10):
                todo = [p.cert for c in todo if not c.self_issued for p in seen
                        if p.cert.raw_subject == c.raw_issuer and p.cert.sha256 not in out
                        and c.signed_by(p.cert)]
                for c in todo:
                    out.setdefault(c.sha256, what)
        return out
    return model.memo("system_store_chained", compute)


def roots(n: int, certs) -> str:
    """"root(s)", or "CA certificate(s)" when not all are self-issued."""
    kind = "root" if all(c.self_issued for c in certs) else "CA certificate"
    return f"{kind}{'' if n == 1 else 's'}"


def _cert_of(model, path: str, sha256: str | None):
    """The certificate a finding is about: by its SHA-256, else the file's only one."""
    f = model.files.at(path)
    certs = f.certs.certs if f.is_regular and f.data and f.certs else []
    if sha256:
        return next((c for c in certs if c.sha256 == sha256), None)
    return certs[0] if len(certs) == 1 else None  # a bundle: which one is not said


def folded(noun, fix: str):
    """Decorate a rule's ``check``: its findings about a distribution store's certificates
    (the finding's evidence ``path``, and ``sha256`` when the file holds several) become one
    note per store directory, unless the configuration names the file or a configured
    certificate chains to the certificate: that finding stays, with the distribution's
    fix. ``noun(model, n, certs)`` names them ("2 expired roots"); ``fix`` is "update"
    (renewing is the distribution's: certificate rules) or "rehash" (the store's links:
    only in a store directory, which the store tool manages)."""
    def decorate(check):
        @functools.wraps(check)
        def run(self, model):
            groups: dict[str, list] = {}
            for f in check(self, model):
                path = dict(f.evidence).get("path")
                if path in _pair_files(model):  # a pair's certificate: never the store's
                    yield f
                    continue
                cert = _cert_of(model, path, dict(f.evidence).get("sha256")) if path else None
                home = path and (store_dir(model, posixpath.dirname(path)) if fix == "rehash"
                                 else store_of(model, path, cert))
                own = fix == "update" and cert is not None and _index(model)[1].get(cert.sha256)
                if own:  # the admin's CA, added to the store
                    yield replace(f, fix=f"Renew it (your own CA, added to the store from "
                                  f"{own}): install the new certificate as {own} and run "
                                  f"{family(model, posixpath.dirname(path)).rehash}.")
                    continue
                if not home:
                    yield f
                    continue
                store = family(model, home)
                by = cert is not None and chained(model).get(cert.sha256)
                if by or configured(model, path):
                    reason, remedy = (f"{by} chains to it", f"have {by} re-issued under a "
                                      "current root") if by else (
                        f"the configuration names {path} itself",
                        f"replace it in {path} by a current root")
                    yield replace(
                        f, message=f"{f.message} It belongs to the distribution's CA store "
                        f"({home}), and {reason}.",
                        fix=f"{store.rehash}   (or: {f.fix})" if fix == "rehash" else
                        f"{store.update}; if the distribution has withdrawn it, {remedy}.")
                    continue
                groups.setdefault(home, []).append((f, cert))
            for home, items in groups.items():
                store = family(model, home)
                certs = [c for _, c in items if c is not None]
                names = sorted({c.subject for c in certs})
                where = f"the system store {home}" if store_dir(model, home) else \
                    f"{home} (copies of the distribution's CA store)"
                shown = "; ".join(names[:5]) + (f"; and {len(names) - 5} more"
                                                if len(names) > 5 else "")
                they = "them" if len(items) > 1 else "it"
                yield self.finding(
                    items[0][0].location,
                    f"{noun(model, len(items), certs)} in {where}: "
                    + (f"update ca-certificates. {'They' if len(items) > 1 else 'It'} came "
                       "with the distribution's CA package (not yours to renew), and no "
                       f"configured certificate chains to {they}" if fix == "update" else
                       f"{store.rehash.split()[0]} manages its links, and no configured "
                       f"certificate chains through {they}; {store.rehash} rebuilds them")
                    + (f" ({shown})." if names else "."),
                    level="note", impacts=("hygiene",),
                    fix=(store.update if fix == "update" else store.rehash)
                    + ("" if store_dir(model, home) else
                       f"; then refresh or remove the copies in {home}"),
                    anchor=f"{self.meta.code}:system-store:{home}",
                    evidence={"store": home, "count": str(len(items)),
                              "certificates": "; ".join(names)})
        return run
    return decorate
