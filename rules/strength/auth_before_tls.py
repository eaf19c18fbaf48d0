"""CF112: plain-text AUTH mechanisms offered without requiring TLS first."""
from __future__ import annotations

import re

from cflint.api import Rule, RuleMeta

from ..support.options import loc, option_fix

PLAIN_MECHS = ("PLAIN", "LOGIN")


class AuthBeforeTls(Rule):
    meta = RuleMeta(
        code="CF112", name="auth-before-tls", level="warning", impacts=("secret-exposed",),
        summary="Plain-text AUTH mechanisms offered without requiring TLS first",
        rationale=(
            "With PLAIN or LOGIN among AuthMechanisms, a client sends the password in clear "
            "text (base64) unless the session is encrypted; AuthOptions 'p' (confAUTH_OPTIONS "
            "`p') makes sendmail offer those mechanisms only after STARTTLS."),
        fix="Add p to AuthOptions, keeping its other letters: O AuthOptions=A,p   (in the .mc: "
            "define(`confAUTH_OPTIONS', `A,p')dnl)",
        references=("sendmail cf/README: confAUTH_OPTIONS", "RFC 4954"),
        bad_example="O AuthMechanisms=LOGIN PLAIN",
        good_example="O AuthMechanisms=LOGIN PLAIN\nO AuthOptions=p",
        fix_kind=('option',),
    )

    def check(self, model):
        for cfg in model.configs:
            if cfg.role != "mta":
                continue
            s = cfg.get("AuthMechanisms")
            if s is None:
                continue
            mechs = [m.upper() for m in re.split(r"[ ,\t]+", s.value) if m]
            plain = [m for m in mechs if m in PLAIN_MECHS]
            if not plain:
                continue
            letters = {tok[0] for a in cfg.all("AuthOptions")
                       for tok in re.split(r"[ ,\t]+", a.value) if tok}
            if "p" in letters:
                continue
            have = [tok for a in cfg.all("AuthOptions") for tok in re.split(r"[ ,\t]+", a.value)
                    if tok]
            yield self.finding(
                loc(cfg, s.line, s.opt.value_column),
                f"AuthMechanisms offers {' and '.join(plain)}, and AuthOptions has no 'p': "
                "sendmail offers them before STARTTLS, so a client may send its password in "
                "clear text.",
                fix=option_fix("AuthOptions", ",".join([*have, "p"])),
                anchor="auth-plain")
