"""CF111: TLSFallbacktoClear, Try_TLS NO, or a smarthost without TLS_Srv VERIFY."""
from __future__ import annotations

from cflint.api import Location, Rule, RuleMeta

from ..support.access import access_entries
from ..support.options import OP_ME_TLS, is_true, loc


def smarthost(cfg) -> str | None:
    v = cfg.doc.macro_raw.get("S")
    if not v:
        return None
    v = v.strip()
    if ":" in v:
        v = v.split(":", 1)[1]
    return v.strip("[]") or None


class DowngradeEnabled(Rule):
    meta = RuleMeta(
        code="CF111", name="downgrade-enabled", level="warning", impacts=("weak-crypto",),
        summary="TLSFallbacktoClear, Try_TLS NO for whole domains, or a smarthost without "
                "TLS_Srv VERIFY",
        rationale=(
            "TLSFallbacktoClear (8.16.1+) retries in clear text after a failed handshake, so "
            "an attacker who breaks the handshake gets the mail in clear. A Try_TLS:domain NO "
            "access entry never tries STARTTLS with those hosts. And a smarthost that every "
            "message goes through should be verified (TLS_Srv:host VERIFY), or anyone "
            "between can pose as it. cflint reads the text access file the access map is "
            "built from, never the compiled .db."),
        fix="Remove TLSFallbacktoClear and the Try_TLS NO entries; add 'TLS_Srv:RELAY VERIFY' "
            "to the access file (then makemap hash access < access).",
        references=(OP_ME_TLS, "sendmail cf/README: access database, TLS_Srv, Try_TLS"),
        bad_example="O TLSFallbacktoClear=True",
        good_example="TLS_Srv:relay.example.com VERIFY  (access)",
        fix_kind=('remove', 'shell'),
    )

    def check(self, model):
        for cfg in model.configs:
            s = cfg.get("TLSFallbacktoClear")
            if s is not None and is_true(s.value):
                yield self.finding(
                    loc(cfg, s.line, s.opt.value_column),
                    "TLSFallbacktoClear is on: after a failed TLS handshake sendmail retries "
                    "in clear text ({verify}=CLEAR), so whoever can break the handshake reads "
                    "the mail.", fix="Remove the TLSFallbacktoClear line.",
                    anchor="fallback")
            path, entries = access_entries(model, cfg)
            if path is None:
                continue
            if entries is None:
                continue  # CF008 (AccessDbOnly) reports the .db-only case
            shown = model.display.show_file(path)
            verify = set()
            for line, key, value in entries:
                k = key.lower()
                if k.startswith("try_tls:") and value.upper().startswith("NO"):
                    yield self.finding(
                        Location(shown, line, 1),
                        f"'{key} {value}' in {path}: sendmail never tries STARTTLS with "
                        f"{key.split(':', 1)[1] or 'any host'}, so that mail always travels in "
                        "clear text.",
                        fix=f"Delete the line, then: makemap hash {path} < {path}",
                        anchor=f"trytls:{key.lower()}")
                if k.startswith("tls_srv:") and "VERIFY" in value.upper():
                    verify.add(k.split(":", 1)[1])
            host = smarthost(cfg)
            if host and host.lower() not in verify and cfg.role == "mta":
                yield self.finding(
                    loc(cfg, cfg.doc.macro_lines.get("S", 1), None),
                    f"every message goes to the smarthost {host}, but {path} has no "
                    f"'TLS_Srv:{host} VERIFY' entry: sendmail relays even when the relay's "
                    "certificate cannot be verified, or when it offers no STARTTLS.",
                    fix=f"echo 'TLS_Srv:{host} VERIFY' >> {path} && makemap hash {path} < "
                        f"{path}",
                    related=[Location(shown, 1, note="the access file")],
                    anchor=f"smarthost:{host}")
