"""A distribution's CA store (/etc/ssl/certs and the like) named as CACertPath or
CACertFile: its expired roots and stale links are the distribution's to fix, so they are
one note per store with the package tool's command, unless a configured certificate
chains to the root (then the finding stays, with the distribution's fix).

The stores are built by tests/pki_fixtures.distro_store (look-alike roots, the layout of
each distribution's tool) under a --root tree; nothing is read from this machine's store.
"""
import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pki_fixtures as pki
import pytest

from cflint.cli import main

UTC = timezone.utc
DEBIAN_UPDATE = "apt-get install --only-upgrade ca-certificates && update-ca-certificates"


def _roots():
    """Two expired roots, one expiring within 30 days of pki.NOW, one current."""
    return {
        "Old_Root_CA": pki.public_root("Old Root CA", not_after=datetime(2025, 5, 12, tzinfo=UTC)),
        "Retired_Root_CA": pki.public_root("Retired Root CA",
                                           not_after=datetime(2026, 11, 27, tzinfo=UTC)),
        "Soon_Root_CA": pki.public_root("Soon Root CA",
                                        not_after=datetime(2026, 12, 15, tzinfo=UTC)),
        "Current_Root_CA": pki.public_root("Current Root CA"),
    }


def _tree(tmp_path: Path, options: dict[str, str], family: str = "debian",
          server: pki.Issuer | None = None, **store) -> Path:
    """A --root tree with the store and a sendmail.cf setting ``options`` (and a server
    pair issued by ``server``)."""
    root = tmp_path / "root"
    roots = {n: i.cert for n, i in _roots().items()}
    pki.distro_store(root, roots, family, **store)
    if server is not None:
        options = {**_server(root, server), **options}
    lines = ["V10/Berkeley", "Djmail.example.test",
             *(f"O {k}={v}" for k, v in options.items()),
             "Mlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l"]
    (root / "etc/mail").mkdir(parents=True, exist_ok=True)
    (root / "etc/mail/sendmail.cf").write_text("\n".join(lines) + "\n")
    return root


def _server(root: Path, issuer: pki.Issuer) -> dict[str, str]:
    """A server pair issued by ``issuer`` in /etc/mail/tls."""
    tls = root / "etc/mail/tls"
    tls.mkdir(parents=True, exist_ok=True)
    key = pki._server_key()
    (tls / "server.crt").write_bytes(pki.cert_pem(pki.leaf(key, issuer)))
    fd = os.open(tls / "server.key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pki.key_bytes(key))
    return {"ServerCertFile": "/etc/mail/tls/server.crt",
            "ServerKeyFile": "/etc/mail/tls/server.key"}


def _lint(root: Path, tmp_path: Path, select: str = "CF3,CF4") -> list[dict]:
    out = tmp_path / "out.json"
    assert main(["check", "/etc/mail", "--root", str(root), "--now", "2026-12-01T00:00:00Z",
                 "--format", "json", "--fail-on", "never", "-o", str(out),
                 "--select", select]) == 0
    return json.loads(out.read_text())["findings"]


def _by(found, code):
    return [f for f in found if f["code"] == code]


STORE = {"CACertPath": "/etc/ssl/certs", "CACertFile": "/etc/ssl/certs/ca-certificates.crt"}


@pytest.mark.parametrize("relative", [False, True], ids=["absolute-links", "relative-links"])
def test_expired_roots_of_a_debian_store_are_one_note(tmp_path, relative):
    root = _tree(tmp_path, STORE, relative=relative)
    found = _lint(root, tmp_path)
    expired = _by(found, "CF302")
    assert [(f["level"], f["line"]) for f in expired] == [("note", 4)], expired
    note = expired[0]
    assert note["message"].startswith(
        "2 expired roots in the system store /etc/ssl/certs: update ca-certificates."), note
    assert "CN=Old Root CA" in note["message"] and "CN=Retired Root CA" in note["message"]
    assert note["fix"] == DEBIAN_UPDATE
    assert note["impacts"] == ["hygiene"]
    soon = _by(found, "CF303")
    assert [(f["level"], f["fix"]) for f in soon] == [("note", DEBIAN_UPDATE)], soon
    assert soon[0]["message"].startswith("1 root expiring within 30 days in the system store")
    # a healthy store: no link finding at all
    assert not [f for f in found if f["code"].startswith("CF4") and f["code"] != "CF408"]


def test_the_store_as_capath_alone_is_one_note(tmp_path):
    found = _lint(_tree(tmp_path, {"CACertPath": "/etc/ssl/certs"}), tmp_path, "CF302")
    assert [(f["level"], f["line"], f["evidence"]["count"]) for f in found] == \
        [("note", 3, "2")], found


def test_a_root_a_configured_certificate_chains_to_keeps_its_finding(tmp_path):
    root = _tree(tmp_path, STORE, server=pki.public_root("Retired Root CA"))
    expired = _by(_lint(root, tmp_path), "CF302")
    kept = [f for f in expired if f["level"] == "warning"]
    assert [f["evidence"]["subject"] for f in kept] == \
        ["CN=Retired Root CA,O=cflint public roots"], expired
    assert "chains to it" in kept[0]["message"]
    assert kept[0]["fix"].startswith(DEBIAN_UPDATE) and "same key" not in kept[0]["fix"]
    assert "re-issued under a current root" in kept[0]["fix"]
    notes = [f for f in expired if f["level"] == "note"]
    assert [f["message"].split(":")[0] for f in notes] == \
        ["1 expired root in the system store /etc/ssl/certs"], notes


def test_an_intermediate_in_cacertfile_makes_its_root_matter(tmp_path):
    """A cert in the admin's own CACertFile chaining to a store root counts as configured."""
    old = pki.public_root("Old Root CA")
    inter = pki.leaf(pki._key("intermediate"), old, cn="Issuing CA", sans=(), eku=())
    root = _tree(tmp_path, {"CACertPath": "/etc/ssl/certs",
                            "CACertFile": "/etc/mail/tls/ca.crt"})
    (root / "etc/mail/tls").mkdir(parents=True)
    (root / "etc/mail/tls/ca.crt").write_bytes(pki.cert_pem(inter))
    expired = _by(_lint(root, tmp_path, "CF302"), "CF302")
    assert sorted((f["level"], f["evidence"].get("subject", "")) for f in expired) == [
        ("note", ""), ("warning", "CN=Old Root CA,O=cflint public roots")], expired


def test_the_admins_own_ca_in_the_store_keeps_its_finding(tmp_path):
    local = pki.public_root("Our Old CA", not_after=datetime(2026, 1, 1, tzinfo=UTC))
    root = _tree(tmp_path, STORE, local={"our-ca": local.cert})
    expired = _by(_lint(root, tmp_path, "CF302"), "CF302")
    kept = [f for f in expired if f["level"] == "warning"]
    assert [f["evidence"]["subject"] for f in kept] == ["CN=Our Old CA,O=cflint public roots"]
    assert "/usr/local/share/ca-certificates/our-ca.crt" in kept[0]["fix"]
    assert [f["evidence"]["count"] for f in expired if f["level"] == "note"] == ["2"]


def test_a_private_ca_directory_is_not_a_store(tmp_path):
    """The same roots in the admin's own directory, with no distribution store in the tree:
    one finding per certificate, as before."""
    root = tmp_path / "root"
    certs = root / "etc/mail/certs"
    certs.mkdir(parents=True)
    for name, issuer in _roots().items():
        (certs / f"{name}.pem").write_bytes(pki.cert_pem(issuer.cert))
        os.symlink(f"{name}.pem", certs / f"{pki.subject_hash(certs / f'{name}.pem')}.0")
    (root / "etc/mail/sendmail.cf").write_text(
        "V10/Berkeley\nO CACertPath=/etc/mail/certs\n")
    found = _lint(root, tmp_path, "CF302")
    assert sorted(f["level"] for f in found) == ["warning", "warning"], found


def test_copies_of_store_roots_elsewhere_are_one_note(tmp_path):
    """Roots also in the distribution bundle, copied into the admin's CA directory."""
    root = _tree(tmp_path, {"CACertPath": "/etc/mail/certs"})
    certs = root / "etc/mail/certs"
    certs.mkdir(parents=True)
    for name in ("Old_Root_CA", "Retired_Root_CA"):
        (certs / f"{name}.pem").write_bytes(pki.cert_pem(_roots()[name].cert))
    found = _lint(root, tmp_path, "CF302")
    assert [(f["level"], f["evidence"]["store"]) for f in found] == \
        [("note", "/etc/mail/certs")], found
    assert found[0]["fix"] == f"{DEBIAN_UPDATE}; then refresh or remove the copies in " \
        "/etc/mail/certs"


def test_rhel_store_says_update_ca_trust(tmp_path):
    root = _tree(tmp_path, {
        "CACertPath": "/etc/pki/ca-trust/extracted/pem/directory-hash",
        "CACertFile": "/etc/pki/tls/certs/ca-bundle.crt"}, family="rhel")
    found = _lint(root, tmp_path, "CF302")
    assert [(f["level"], f["fix"]) for f in found] == \
        [("note", "dnf upgrade ca-certificates && update-ca-trust")], found


def test_alpine_store_says_apk(tmp_path):
    found = _lint(_tree(tmp_path, STORE, family="alpine"), tmp_path, "CF302")
    assert [f["fix"] for f in found] == \
        ["apk upgrade ca-certificates && update-ca-certificates"], found


def test_stale_links_of_the_store_are_one_note_each(tmp_path):
    """Links update-ca-certificates left out of step: two missing, a gap, a dangling one
    (and so the bundle's certificates lack links, CF407): a note per rule, fixed by
    update-ca-certificates --fresh; the link of the root the server certificate chains to
    stays a finding."""
    root = _tree(tmp_path, STORE, server=pki.public_root("Current Root CA"))
    store = root / "etc/ssl/certs"
    link = {os.readlink(p): p for p in store.glob("*.0")}
    link["Old_Root_CA.pem"].unlink()                       # CF401
    link["Current_Root_CA.pem"].unlink()                   # CF401, but it matters
    p = link["Soon_Root_CA.pem"]
    p.rename(p.with_name(p.name[:-1] + "1"))               # CF404 gap (and CF401)
    os.symlink("Gone_Root_CA.pem", store / "0badc0de.0")   # CF402
    found = _lint(root, tmp_path, "CF4")
    levels = sorted((f["code"], f["level"]) for f in found)
    assert levels == [("CF401", "error"), ("CF401", "note"), ("CF402", "note"),
                      ("CF404", "note"), ("CF407", "note")], found
    for f in found:
        assert f["fix"].startswith("update-ca-certificates --fresh"), f
    kept = [f for f in found if f["level"] != "note"]
    assert kept[0]["message"].startswith("/etc/ssl/certs/Current_Root_CA.pem holds")
    assert "ServerCertFile certificate CN=mail.example.test" in kept[0]["message"]
    # Old_Root_CA.pem, Soon_Root_CA.pem, and the bundle (its first certificate is Old's)
    assert [f["evidence"]["count"] for f in found if f["code"] == "CF401" and
            f["level"] == "note"] == ["3"]
