"""CF601: the MSP cannot read the key submit.cf names."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from .common import MSP_README, SAFEFILE, SafefileRule, dbs_line, is_key


class MspKeyUnreadable(SafefileRule, Rule):
    kinds = ("read-bit", "owner", "symlink", "hardlink")
    configs = ("msp",)
    keys_only = True
    meta = RuleMeta(
        code="CF601", name="msp-key-unreadable", level="error",
        impacts=("client-tls-degraded",),
        summary="The MSP cannot read the key submit.cf names",
        rationale=(
            "The MSP runs as smmsp when root submits (submit.cf's RunAsUser) and as the user "
            "with group smmsp when an ordinary user submits through the set-group-ID binary. "
            "The documented recipe works for both: key owned by root, group smmsp, mode 640 "
            "(or 440), and GroupReadableKeyFile in submit.cf. A root:root 0600 key is "
            "\"Permission denied\" for the MSP; an smmsp-owned 0600 key works only when root "
            "submits. The mail still goes out, without the client certificate."),
        fix="chown root:smmsp KEY && chmod 640 KEY, and GroupReadableKeyFile in submit.cf",
        references=(MSP_README, SAFEFILE),
        bad_example="-rw------- root root client.key, named in submit.cf",
        good_example="-rw-r----- root smmsp client.key, GroupReadableKeyFile in submit.cf",
        fix_kind=('shell', 'option'),
    )

    def fix(self, model, v):
        p = v.ref.path
        fix = f"chown root:smmsp {p} && chmod 640 {p}"
        for cfg in (v.ref.config, model.mta):  # the MTA too, when it names the same key
            if cfg is not None and not model.safety.flags(cfg).group_readable_keyfile and (
                    cfg is v.ref.config or any(r.path == p and is_key(r)
                                               for r in model.files.tls(cfg))):
                fix += f"; and in {cfg.path}: " + dbs_line(model, cfg)
        return fix
