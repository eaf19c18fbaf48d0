"""CF506: a directory, device, FIFO or socket where a TLS file is expected."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from .common import SAFEFILE, SafefileRule


class NotRegularFile(SafefileRule, Rule):
    kinds = ("not-regular",)
    meta = RuleMeta(
        code="CF506", name="not-a-regular-file", level="error", impacts=("starttls-off",),
        summary="A directory, device, FIFO or socket where a TLS file is expected",
        rationale=("sendmail accepts only regular files for TLS files: \"unsafe: Regular "
                   "files only\" (observed with a directory)."),
        fix="Point the option at the regular file.",
        references=(SAFEFILE,),
        bad_example="O ServerKeyFile=/etc/mail/tls   # a directory",
        good_example="O ServerKeyFile=/etc/mail/tls/server.key",
        fix_kind=('manual',),
        fix_manual='only the admin knows which regular file the option should name',
    )

    def fix(self, model, v):
        return f"Point {v.ref.option} at a regular file; {v.ref.path} is not one."
