"""CF503: a certificate, key, CA, DH or CRL file that is group- or world-writable."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from .common import SAFEFILE, SafefileRule


class TlsFileWritable(SafefileRule, Rule):
    kinds = ("file-group-writable", "file-world-writable")
    meta = RuleMeta(
        code="CF503", name="tls-file-writable", level="error", impacts=("starttls-off",),
        summary="A certificate, key, CA, DH or CRL file that is group- or world-writable",
        rationale=(
            "No DontBlameSendmail word permits a writable TLS file: anyone with write access "
            "could replace it. sendmail logs \"unsafe: Group writable file\" (0664 and 0666 "
            "both read so) or \"World writable file\"."),
        fix="chmod go-w the file.",
        references=(SAFEFILE,),
        bad_example="-rw-rw-r-- root root server.crt",
        good_example="-rw-r--r-- root root server.crt",
        fix_kind=('shell',),
    )

    def fix(self, model, v):
        return f"chmod go-w {v.ref.path}"
