"""The observations of ``probe`` and ``logs`` as text for people (the findings follow
them in the usual text format) and as the JSON section the other formats carry."""
from __future__ import annotations

from .maillog import VERIFY_BAD


def public(results: list[dict]) -> list[dict]:
    """Probe results without the certificate's PEM (for SARIF and the audit report)."""
    out = []
    for r in results:
        r = dict(r)
        if r.get("certificate"):
            r["certificate"] = {k: v for k, v in r["certificate"].items() if k != "pem"}
        out.append(r)
    return out


def probe_text(results: list[dict]) -> str:
    lines: list[str] = []
    for r in results:
        lines.append(f"{r['uri']}" + (f" ({r['address']})" if r.get("address") else ""))
        if r.get("greeting"):
            lines.append(f"    greeting: {r['greeting'][-1]}")
        if r.get("smtps"):
            lines.append("    SMTPS: TLS from the first byte")
        elif r.get("starttls_offered") is not None:
            lines.append("    STARTTLS: " + ("offered" if r["starttls_offered"] else
                                             "NOT offered") +
                         (f" (reply to STARTTLS: {r['starttls_reply']})"
                          if r.get("starttls_reply") and not
                          r["starttls_reply"].startswith("220") else ""))
        tls = r.get("tls")
        if tls:
            lines.append(f"    TLS: {tls['protocol']}, {tls['cipher']} ({tls['bits']} bits)")
        c = r.get("certificate")
        if c:
            lines.append(f"    certificate: {c.get('subject', '(undecodable)')}")
            if c.get("issuer"):
                lines.append(f"        issuer: {c['issuer']}")
            lines.append(f"        SHA-256: {c['sha256']}")
            if c.get("not_after"):
                lines.append(f"        valid: {c['not_before']} to {c['not_after']}")
        v = r.get("verify")
        if v and (tls or v.get("result") == "fail"):
            lines.append(f"    verify: {v['result']} ({v['message']})")
        cc = r.get("client_certificate")
        if cc:
            lines.append(f"    client certificate offered: {cc.get('subject')}")
        if r.get("error"):
            lines.append(f"    error ({r['error']['step']}): {r['error']['message']}")
    return "\n".join(lines) + "\n\n" if lines else ""


def logs_text(summary: list[dict], stats: dict) -> str:
    lines = [f"{stats['lines']} line(s) read, {stats['sendmail_lines']} sendmail TLS "
             f"line(s)"]
    if summary:
        lines.append("")
        lines.append("{verify} per relay:")
        for row in summary:
            counts = ", ".join(f"{v}={n}" for v, n in sorted(row["verify"].items()))
            extra = []
            if row["handshake_failures"]:
                extra.append(f"{row['handshake_failures']} handshake failure(s)")
            if row["rejections"]:
                extra.append(f"{row['rejections']} tls_{'server' if row['side'] == 'client' else 'client'} rejection(s)")
            lines.append(f"  {row['relay']} (as {row['side']}): {counts or '-'}"
                         + (f"; {', '.join(extra)}" if extra else ""))
            for v, text in row["meanings"].items():
                mark = "  !" if v in VERIFY_BAD or v == "FAIL" else "   "
                lines.append(f"  {mark} {v}: {text}")
    return "\n".join(lines) + "\n\n"
