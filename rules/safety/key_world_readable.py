"""CF502: a world-readable private key."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from .common import SAFEFILE, SafefileRule, msp_shares


class KeyWorldReadable(SafefileRule, Rule):
    kinds = ("key-world-readable",)
    meta = RuleMeta(
        code="CF502", name="key-world-readable", level="error",
        impacts=("starttls-off", "secret-exposed"),
        summary="A world-readable private key",
        rationale=(
            "Every local user can read the key, and no DontBlameSendmail word lets sendmail "
            "use it: \"unsafe: World readable file\" (mode 0604 or 0644; 0640 with "
            "GroupReadableKeyFile unset reads \"Group readable file\" first)."),
        fix="chmod 600 the key (or 640 root:smmsp when the MSP shares it).",
        references=(SAFEFILE,),
        bad_example="-rw-r--r-- root root server.key",
        good_example="-rw------- root root server.key",
        fix_kind=('shell',),
    )

    def extra_impacts(self, ref):
        return ("secret-exposed",)

    def fix(self, model, v):
        if v.ref.config.role == "msp" or msp_shares(model, v.ref):
            return f"chown root:smmsp {v.ref.path} && chmod 640 {v.ref.path}"
        return f"chmod 600 {v.ref.path}"
