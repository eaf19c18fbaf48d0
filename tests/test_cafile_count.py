"""CF408 counts CACertFile's certificates exactly at its limit; a file with no more PEM
blocks than the limit is not parsed at all (every certificate is a PEM block), so the
check costs no certificate parsing on an ordinary CACertFile."""
import json

import pytest

import pki_fixtures
from cflint_probe import run_cflint

NOT_CERTS = (b"-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"
             b"-----BEGIN DH PARAMETERS-----\nAAAA\n-----END DH PARAMETERS-----\n") * 3


@pytest.fixture(scope="module")
def cafile(tmp_path_factory):
    """A sendmail.cf whose CACertFile holds 101 CA certificates."""
    d = tmp_path_factory.mktemp("cf408")
    opts = pki_fixtures.materialize("cafile-large", d / "tls")
    lines = ["V10/Berkeley"] + [f"O {o}={d / 'tls' / n}" for o, n in opts.items()
                                if not isinstance(n, (pki_fixtures.Literal,
                                                      pki_fixtures.Missing))]
    (d / "sendmail.cf").write_text("\n".join(lines) + "\n")
    return d, d / "tls" / opts["CACertFile"]


def cf408(d, limit):
    """CF408's messages with this limit, and whether cryptography was imported."""
    out, modules = run_cflint(["check", d / "sendmail.cf", "--select", "CF408",
                               "--max-ca-certs", limit, "--format", "json", "--fail-on",
                               "never", "--check-permissions", "never"])
    return [f["message"] for f in json.loads(out)["findings"]], "cryptography" in modules


def test_one_over_the_limit_is_reported(cafile):
    d, _ = cafile
    found, _ = cf408(d, 100)
    assert len(found) == 1 and "holds 101 certificates (limit 100)" in found[0]


def test_at_the_limit_is_not_parsed(cafile):
    d, _ = cafile
    found, parsed = cf408(d, 101)
    assert found == [] and parsed is False


def test_other_pem_blocks_are_not_certificates(cafile):
    """107 PEM blocks, 101 of them certificates: over the shortcut's count, so the file is
    parsed, and only the certificates count."""
    d, path = cafile
    original = path.read_bytes()
    try:
        path.write_bytes(original + NOT_CERTS)
        found, parsed = cf408(d, 101)
        assert found == [] and parsed is True
        found, _ = cf408(d, 100)
        assert len(found) == 1 and "holds 101 certificates" in found[0]
    finally:
        path.write_bytes(original)
