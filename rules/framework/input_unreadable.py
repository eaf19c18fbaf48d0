"""CF012: an input that cannot be read as what it claims."""
from __future__ import annotations

from cflint.api import Location, Rule, RuleMeta


class InputUnreadable(Rule):
    meta = RuleMeta(
        code="CF012", name="input-unreadable", level="error", impacts=("config-error",),
        summary="An input that cannot be read as what it claims",
        rationale=(
            "A configuration cflint cannot read is not linted; a gate must not turn green "
            "because of it. This covers files without read permission, FIFOs, sockets and "
            "devices where a configuration was expected (never opened, so cflint cannot "
            "hang), files over the size limit, and links that would leave --root."),
        fix="Give cflint a readable regular file (run it with the privileges needed, or "
            "copy the configuration out), or fix the link.",
        references=("cflint documentation: inputs",),
        bad_example="cflint check /run/fifo.cf    # a FIFO",
        good_example="cflint check /etc/mail/sendmail.cf",
        suppressible=False,
        fix_kind=('manual',),
        fix_manual='give cflint a readable regular file: a run with other privileges, or a copy',
    )

    def check(self, model):
        for p in model.input_problems:
            yield self.finding(Location(p.path, p.line or 1),
                               f"{p.message}: {p.consequence}.",
                               fix=self.meta.fix, anchor=f"input:{p.message}")
