"""CF310: a certificate valid for longer than peers accept."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from .common import CAB_BR, cert_loc, cert_ev, leafs


class LifetimeTooLong(Rule):
    meta = RuleMeta(
        code="CF310", name="cert-lifetime-too-long", level="note", impacts=("weak-crypto",),
        summary="A certificate valid longer than public CAs allow (default 398 days)",
        rationale=(
            "Public CAs issue certificates for at most 398 days (shrinking further); a "
            "certificate valid for years outlives its key's safe life and any revocation "
            "practice. Fine for a private relay if deliberate."),
        fix="Issue shorter-lived certificates and automate renewal.",
        references=(CAB_BR,),
        bad_example="validity 5 years",
        good_example="validity 90 days",
        fix_kind=('manual',),
        fix_manual='reissue the certificate with a shorter validity',
    )

    def check(self, model):
        limit = model.settings.max_lifetime_days
        for p, cert, ref in leafs(model):
            if cert.lifetime_days <= limit:
                continue
            loc, rel = cert_loc(model, ref, cert, f"the {p.label} certificate")
            yield self.finding(
                loc, f"the {p.label} certificate {cert.subject} is valid for "
                f"{cert.lifetime_days:.0f} days ({cert.not_before:%Y-%m-%d} to "
                f"{cert.not_after:%Y-%m-%d}), longer than the {limit} days public CAs allow.",
                fix="Reissue it with a shorter validity (e.g. openssl x509 -days 90).",
                related=rel, anchor=f"lifetime:{cert.sha256}", evidence=cert_ev(cert, ref.path))
