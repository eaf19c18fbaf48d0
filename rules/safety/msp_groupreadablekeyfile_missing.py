"""CF602: the MSP's key is group-readable but submit.cf lacks GroupReadableKeyFile."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from .common import MSP_README, SafefileRule, dbs_line


class MspGroupReadableKeyFileMissing(SafefileRule, Rule):
    kinds = ("key-group-readable",)
    configs = ("msp",)
    keys_only = True
    meta = RuleMeta(
        code="CF602", name="msp-groupreadablekeyfile-missing", level="error",
        impacts=("client-tls-degraded",),
        summary="The MSP's key is group-readable but submit.cf lacks GroupReadableKeyFile",
        rationale=(
            "The MSP judges files with submit.cf's own DontBlameSendmail: the flag only in "
            "sendmail.cf does not help it (observed: \"Group readable file\"). The MSP then "
            "sends no client certificate. The sendmail.cf side of the same key is CF501."),
        fix="Add GroupReadableKeyFile to submit.cf's DontBlameSendmail (submit.mc: "
            "define(`confDONT_BLAME_SENDMAIL', `GroupReadableKeyFile')dnl).",
        references=(MSP_README,),
        bad_example="submit.cf without DontBlameSendmail, key root:smmsp 0640",
        good_example="O DontBlameSendmail=GroupReadableKeyFile   (submit.cf)",
        fix_kind=('option',),
    )

    def fix(self, model, v):
        return f"In {v.ref.config.path}: " + dbs_line(model, v.ref.config)
