"""CF302: an expired certificate."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from ..support.system_store import folded, roots
from .common import RFC5280, all_certs, cert_loc, days_text, cert_ev


class CertExpired(Rule):
    meta = RuleMeta(
        code="CF302", name="cert-expired", level="warning", impacts=("verify-fails",),
        summary="A certificate that is not valid now (expired or not yet valid)",
        rationale=(
            "sendmail does not check dates when it loads a certificate, so STARTTLS is still "
            "offered; but every peer that verifies refuses an expired or not-yet-valid "
            "certificate ({verify}=FAIL), and a CA certificate outside its validity fails "
            "every chain through it. cflint judges against --now (default: the clock). The "
            "roots of a distribution's CA store (/etc/ssl/certs, /etc/pki/..., or copies of "
            "them) are the distribution's to replace: they are one note per store with the "
            "package command, unless a configured certificate chains to one."),
        fix="Renew the certificate and restart sendmail; for a distribution's root, update "
            "its CA package (apt-get install --only-upgrade ca-certificates && "
            "update-ca-certificates; update-ca-trust on RHEL).",
        references=(RFC5280,),
        bad_example="notAfter in the past",
        good_example="notBefore <= now <= notAfter",
        fix_kind=('manual',),
        fix_manual='renew the certificate',
    )

    @folded(lambda model, n, certs: f"{n} " + (
        "expired" if all(c.not_after < model.now for c in certs) else
        "expired or not yet valid") + f" {roots(n, certs)}", "update")
    def check(self, model):
        certs = list(all_certs(model))
        if not certs:
            return  # (nor the clock: datetime's import is for certificates)
        now = model.now
        for cert, ref, what in certs:
            if cert.not_after < now:
                why = (f"expired on {cert.not_after:%Y-%m-%d} ({days_text(now - cert.not_after)} "
                       "ago)")
            elif cert.not_before > now:
                why = (f"is not valid before {cert.not_before:%Y-%m-%d} (in "
                       f"{days_text(cert.not_before - now)})")
            else:
                continue
            loc, rel = cert_loc(model, ref, cert, what)
            yield self.finding(
                loc, f"the {what} {cert.subject} in {ref.path} {why}: sendmail still loads it, "
                "but peers that verify refuse it ({verify}=FAIL).",
                fix="Renew it: have a new certificate issued for the same key or a new one, "
                    f"install it as {ref.path}, and restart sendmail.",
                related=rel, anchor=f"expired:{cert.sha256}", evidence=cert_ev(cert, ref.path))
