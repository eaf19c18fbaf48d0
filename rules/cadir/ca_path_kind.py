"""CF405: CACertPath is not a directory, or CACertFile is a directory or missing."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from .index import ref_loc


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
        for ref in model.files.tls():
            f = model.files.at(ref.path)
            if f.permission_denied:
                continue
            if ref.option == "CACertPath":
                if f.is_dir:
                    continue
                why = f.missing_text() if not f.exists else "is not a directory"
                yield self.finding(
                    ref_loc(ref), f"CACertPath {ref.path} {why}: OpenSSL finds no CA there "
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
                    ref_loc(ref), f"CACertFile {ref.path} {why}"
                    + (" (the two CA options swapped?)" if f.is_dir else "") + ": "
                    + ("sendmail cannot load its CA data (\"load verify locs ... failed\") and "
                       "does not offer STARTTLS." if server else
                       "the client has no CA data and cannot verify servers."),
                    impacts=("starttls-off",) if server else ("verify-fails",),
                    fix="Point CACertFile at a PEM file holding the CA certificate(s).",
                    anchor=f"CF405:{ref.path}")
