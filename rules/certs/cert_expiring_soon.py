"""CF303: a certificate that expires within the window."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from ..support.system_store import folded, roots
from .common import RFC5280, all_certs, cert_loc, days_text, cert_ev


class CertExpiringSoon(Rule):
    meta = RuleMeta(
        code="CF303", name="cert-expiring-soon", level="warning", impacts=("verify-fails",),
        summary="A certificate that expires within --expiry-days (default 30)",
        rationale=(
            "An expiring certificate is the commonest cause of a sudden verify=FAIL. cflint "
            "warns when notAfter is within the expiry window, judged against --now. A "
            "distribution's CA store is one note per store, as for cert-expired."),
        fix="Renew the certificate before it expires.",
        references=(RFC5280,),
        bad_example="notAfter in 10 days",
        good_example="notAfter in 200 days",
        fix_kind=('manual',),
        fix_manual='renew the certificate',
    )

    @folded(lambda model, n, certs: f"{n} {roots(n, certs)} expiring within "
            f"{model.settings.expiry_days} days", "update")
    def check(self, model):
        certs = list(all_certs(model))
        if not certs:
            return  # (nor the clock: datetime's import is for certificates)
        import datetime as dt

        now = model.now
        window = dt.timedelta(days=model.settings.expiry_days)
        for cert, ref, what in certs:
            if not (now <= cert.not_after <= now + window) or cert.not_before > now:
                continue
            loc, rel = cert_loc(model, ref, cert, what)
            yield self.finding(
                loc, f"the {what} {cert.subject} in {ref.path} expires on "
                f"{cert.not_after:%Y-%m-%d}, in {days_text(cert.not_after - now)} (window: "
                f"{model.settings.expiry_days} days): peers will then refuse it.",
                fix=f"Renew it now and install the new certificate as {ref.path}.",
                related=rel, anchor=f"expiring:{cert.sha256}", evidence=cert_ev(cert, ref.path))
