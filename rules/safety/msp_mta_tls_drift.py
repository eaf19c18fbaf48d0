"""CF605: submit.cf and sendmail.cf point at different CA files or certificates."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from ..support.options import option_fix
from .common import MSP_README, loc_of


class MspMtaDrift(Rule):
    meta = RuleMeta(
        code="CF605", name="msp-mta-tls-drift", level="note", impacts=("hygiene",),
        summary="submit.cf and sendmail.cf point at different CA files or certificates",
        rationale=(
            "Where one set of CA files and one client certificate is intended (the MSP "
            "submits to the local MTA, which relays), two sets drift apart: one gets renewed, "
            "the other expires."),
        fix="Point both configurations at the same files.",
        references=(MSP_README,),
        bad_example="sendmail.cf CACertFile=/etc/mail/tls/ca.crt, submit.cf "
                    "CACertFile=/etc/ssl/old-ca.pem",
        good_example="both name /etc/mail/tls/ca.crt",
        fix_kind=('option',),
    )

    def check(self, model):
        if model.mta is None or model.msp is None:
            return
        for opt in ("CACertFile", "CACertPath", "ClientCertFile"):
            a, b = model.mta.get(opt), model.msp.get(opt)
            if a is None or b is None or a.value.strip() == b.value.strip():
                continue
            yield self.finding(
                loc_of(model.msp, b), f"submit.cf's {opt} ({b.value}) differs from "
                f"sendmail.cf's ({a.value}); if one set is meant, they will drift apart.",
                fix=option_fix(opt, a.value.strip()) + f", as {model.mta.path}:{a.line} has",
                related=[loc_of(model.mta, a)], anchor=f"CF605:{opt}")
