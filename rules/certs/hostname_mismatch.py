"""CF307: the server certificate does not name the host sendmail announces."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from .common import cert_loc, cert_ev, leafs


def announced_host(model, cfg) -> tuple[str | None, str]:
    if model.settings.hostname:
        return model.settings.hostname, "--hostname"
    raw = cfg.doc.macro_raw.get("j")
    if raw and "$" not in raw:
        return raw.strip(), f"the Dj line ({cfg.path}:{cfg.doc.macro_lines['j']})"
    return None, ""


class HostnameMismatch(Rule):
    meta = RuleMeta(
        code="CF307", name="hostname-mismatch", level="warning", impacts=("verify-fails",),
        summary="The server certificate does not cover the host name sendmail announces",
        rationale=(
            "Peers that verify the server (DANE, MTA-STS, TLS_Srv: VERIFY with a host check) "
            "compare the name they connected to with the certificate's DNS names. cflint "
            "checks the name sendmail announces ($j: the Dj line or confDOMAIN_NAME), or "
            "--hostname; without either the check is skipped with a note."),
        fix="Get a certificate whose subjectAltName lists the host name.",
        references=("RFC 6125", "RFC 7817"),
        bad_example="Djmail.example.test, certificate for other.example.test",
        good_example="Djmail.example.test, certificate for mail.example.test",
        fix_kind=('manual',),
        fix_manual='the CA must issue a certificate for the host name',
    )

    def check(self, model):
        from cflint.pki.load import host_matches

        for p, cert, ref in leafs(model):
            if p.kind != "server" or p.number != 1:
                continue
            host, source = announced_host(model, p.cfg)
            loc, rel = cert_loc(model, ref, cert, "the server certificate")
            if host is None:
                yield self.finding(
                    loc, "the host name sendmail announces is not known from the files (no "
                    "literal Dj line): the server certificate's names "
                    f"({', '.join(cert.dns_names or cert.common_names) or 'none'}) were not "
                    "checked against it.", level="note", impacts=("hygiene",),
                    fix="Pass --hostname mail.example.org, or define Dj (confDOMAIN_NAME).",
                    related=rel, anchor="hostname-unknown", evidence=cert_ev(cert, ref.path))
                continue
            if host_matches(cert, host):
                continue
            names = ", ".join(cert.dns_names or cert.common_names) or "none"
            yield self.finding(
                loc, f"the server certificate {cert.subject} does not cover {host} (from "
                f"{source}); its names are: {names}. Peers that check the name get "
                "verify=FAIL.",
                fix=f"Get a certificate with DNS:{host} in its subjectAltName.",
                related=rel, anchor=f"hostname:{host}", evidence=cert_ev(cert, ref.path))
