"""CF501: a group-readable key while DontBlameSendmail lacks GroupReadableKeyFile."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from .common import MSP_README, SAFEFILE, SafefileRule, dbs_line, msp_shares


class KeyGroupReadable(SafefileRule, Rule):
    kinds = ("key-group-readable",)
    configs = ("mta",)

    def report(self, model, vs, also=()):
        f = super().report(model, vs, also)
        u = vs[0].unsafe
        if u.mode is not None and u.mode & 0o004:  # 0644: everyone can read it, too
            from dataclasses import replace

            f = replace(f, impacts=tuple(dict.fromkeys(f.impacts + ("secret-exposed",))),
                        message=f.message + " The key is world-readable as well: every "
                        "local user can read it.")
        return f
    meta = RuleMeta(
        code="CF501", name="key-group-readable", level="error", impacts=("starttls-off",),
        summary="A group-readable key while DontBlameSendmail lacks GroupReadableKeyFile",
        rationale=(
            "sendmail refuses a key with the group-read bit unless that config's "
            "DontBlameSendmail has GroupReadableKeyFile (\"unsafe: Group readable file\"), "
            "and the server then does not offer STARTTLS. Debian's root:smmsp 0640 key, "
            "shared with the MSP, needs the flag in sendmail.cf too."),
        fix="chmod 600 the key (when only the MTA reads it), or add GroupReadableKeyFile to "
            "DontBlameSendmail (when the MSP shares it).",
        references=(SAFEFILE, MSP_README),
        bad_example="-rw-r----- root smmsp server.key, no GroupReadableKeyFile",
        good_example="-rw------- root root server.key",
        fix_kind=('shell', 'option'),
    )

    def fix(self, model, v):
        if msp_shares(model, v.ref):
            return dbs_line(model, v.ref.config) + " (the MSP shares this key)"
        return f"chmod 600 {v.ref.path}"
