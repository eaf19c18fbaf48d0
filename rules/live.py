"""The running server (CF7xx): what ``cflint probe`` saw on the wire and what
``cflint logs`` found in the mail log, judged against the static findings of the
configuration when one is given (reference sendmail-tls.md §2.2, §2.5, §4.8).

These rules read a ``cflint.live.model.LiveModel``; ``meta.inputs`` says which command
runs them. Which static rule explains a log line is knowledge of this pack: the
``EXPLAINS`` table below.
"""
from __future__ import annotations

import os

from cflint.api import Location, Rule, RuleMeta

REF = "reference sendmail-tls.md"
NOT_OFFERED = ("sendmail leaves STARTTLS out of its EHLO reply when its TLS set-up failed "
               "at start (a client that sends STARTTLS anyway gets \"454 4.3.3 TLS not "
               "available after start\"); mail then travels in clear text")
PORT_NAMES = {"smtp": 25, "submission": 587, "smtps": 465}


def restart_fix(model) -> str:
    """How to make the daemon re-read its files: HUP re-executes sendmail."""
    mta = model.mta
    pidfile = (mta.value("PidFile") if mta is not None else None) or \
        "/run/sendmail/mta/sendmail.pid"
    return (f"kill -HUP $(head -1 {pidfile})   (or: systemctl restart sendmail); sendmail "
            "sets up TLS once, when the daemon starts")


def daemons(model) -> list[dict]:
    """The MTA's DaemonPortOptions as {name, port, addr, modifiers} (sendmail's default,
    one daemon on port 25, when none is set)."""
    mta = model.mta
    if mta is None:
        return []
    out = []
    for s in mta.all("DaemonPortOptions"):
        d = {"name": "", "port": 25, "addr": "", "modifiers": "", "line": s.line,
             "path": mta.path}
        for part in s.value.split(","):
            k, _, v = part.strip().partition("=")
            k, v = k.strip().lower(), v.strip()
            if k in ("name", "n"):
                d["name"] = v
            elif k in ("port", "p"):
                d["port"] = int(v) if v.isdigit() else PORT_NAMES.get(v.lower(), v)
            elif k in ("addr", "a"):
                d["addr"] = v
            elif k in ("modifiers", "m"):
                d["modifiers"] = v
        out.append(d)
    return out or [{"name": "MTA", "port": 25, "addr": "", "modifiers": "", "line": None,
                    "path": mta.path}]


def prediction(model, probe: dict):
    """(offered?, why, related locations) the configuration predicts for this target;
    offered is None when no configuration was given or no daemon listens on its port."""
    if model.installation is None or model.mta is None:
        return None, "no configuration given (--config)", ()
    daemon = next((d for d in daemons(model) if d["port"] == probe["port"]), None)
    if daemon is None:
        return None, (f"{model.mta.path} has no daemon on port {probe['port']}"), ()
    where = (Location(daemon["path"], daemon["line"], note="its DaemonPortOptions"),) \
        if daemon["line"] else ()
    if "S" in daemon["modifiers"]:
        return False, (f"its daemon {daemon['name'] or ''} on port {probe['port']} has "
                       f"M={daemon['modifiers']} (S: no STARTTLS)"), where
    off = model.predicting_findings()
    if off:
        names = "; ".join(f"{f.code} at {_place(f.location)}: {_short(f.message)}"
                          for f in off[:3]) + (f"; and {len(off) - 3} more" if len(off) > 3
                                                else "")
        return False, f"the static checks of {model.mta.path} find: {names}", tuple(
            Location(f.location.path, f.location.line, note=f"{f.code}")
            for f in off[:10])
    return True, f"the static checks of {model.mta.path} find nothing that turns it off", \
        where


def _place(loc: Location) -> str:
    return loc.path if loc.line is None else f"{loc.path}:{loc.line}"


def _short(text: str, n: int = 160) -> str:
    first = text.split(": sendmail", 1)[0]
    return first if len(first) <= n else first[: n - 3] + "..."


def target(probe: dict) -> Location:
    return Location(probe["uri"])


def answered(probe: dict) -> bool:
    """The server said what it offers (greeting and EHLO went through)."""
    return bool(probe.get("ehlo")) and probe.get("starttls_offered") is not None


class StarttlsNotOfferedLive(Rule):
    meta = RuleMeta(
        code="CF701", name="starttls-not-offered-live", level="error",
        impacts=("starttls-off",), inputs="probe",
        summary="The running server's EHLO reply has no STARTTLS",
        rationale=(
            "cflint probe connected, waited for the 220 greeting and sent EHLO: the reply "
            "does not list STARTTLS. " + NOT_OFFERED + ". Nothing sums the failure up in "
            "the log, and at the default LogLevel a missing or relative TLS option logs "
            "nothing at all. With --config, the finding names the static findings that "
            "explain it."),
        fix="Run 'cflint check' on the configuration the daemon reads and 'cflint logs' on "
            "its mail log to find why, fix it, then restart the daemon (kill -HUP the pid "
            "in its PidFile, or systemctl restart sendmail).",
        references=(f"{REF} §2.2", "RFC 3207"),
        bad_example="$ cflint probe mx.example.org:25\n250-mx.example.org Hello\n250-PIPELINING\n"
                    "250 HELP      (no 250-STARTTLS)",
        good_example="250-mx.example.org Hello\n250-STARTTLS\n250 HELP",
        fix_kind=('manual',),
        fix_manual='the running daemon must be restarted (or its peers fixed) and probed again',
    )

    def check(self, model):
        for p in model.probes:
            if not answered(p) or p.get("starttls_offered") is not False:
                continue
            offered, why, rel = prediction(model, p)
            reply = p.get("starttls_reply")
            msg = (f"{p['target']} does not offer STARTTLS in its EHLO reply"
                   + (f" (STARTTLS sent anyway: \"{reply}\")" if reply else "")
                   + f": {NOT_OFFERED}.")
            if offered is False:
                msg += f" As predicted: {why}."
                fix = ("Fix the static findings (cflint check), then restart the daemon: "
                       + restart_fix(model))
            else:
                fix = self.meta.fix if offered is None else (
                    "Restart the daemon so that it reads its current files: "
                    + restart_fix(model))
            yield self.finding(target(p), msg, fix=fix, related=rel,
                               anchor=f"not-offered:{p['target']}",
                               evidence={"ehlo": " / ".join(p.get("ehlo") or [])})


class PredictionMismatch(Rule):
    meta = RuleMeta(
        code="CF702", name="prediction-mismatch", level="error", impacts=("config-error",),
        inputs="probe",
        summary="The running server offers or refuses STARTTLS contrary to the static checks",
        rationale=(
            "sendmail sets up TLS once, when the daemon starts: it reads the certificate, "
            "the key and the CA file then, and keeps them until it is restarted or sent "
            "HUP. A daemon that offers STARTTLS while the files on disk would make it "
            "refuse (a key made group-readable, a certificate replaced by one that does "
            "not match) keeps working only until the next restart, which will silently "
            "turn STARTTLS off. A daemon that does not offer STARTTLS while its "
            "configuration should was started before a fix, reads another configuration, "
            "or is told so by the access map (Srv_Features)."),
        fix="Offered but predicted off: fix the static findings before the next restart. "
            "Predicted on but not offered: restart the daemon, and check which cf it reads "
            "(sendmail -d0.1 -bt </dev/null, ps).",
        references=(f"{REF} §2.2 step 3 (init once in the -bd parent)",),
        bad_example="$ chmod 640 /etc/mail/tls/sendmail.key    # after the daemon started\n"
                    "$ cflint probe --config /etc/mail localhost:25\n"
                    "(STARTTLS offered; CF501 predicts it off)",
        good_example="$ cflint probe --config /etc/mail localhost:25\n"
                     "(STARTTLS offered; no static finding turns it off)",
        fix_kind=('manual',),
        fix_manual='the running daemon must be restarted (or its peers fixed) and probed again',
    )

    def check(self, model):
        for p in model.probes:
            if not answered(p):
                continue
            offered, why, rel = prediction(model, p)
            seen = bool(p.get("starttls_offered"))
            if offered is None or offered == seen:
                continue
            if seen:
                msg = (f"{p['target']} offers STARTTLS, but its configuration would not: "
                       f"{why}. The daemon was started before the files changed; the next "
                       "restart turns STARTTLS off, silently.")
                fix = ("Fix those findings now (cflint check shows each fix), then restart "
                       "the daemon and probe again: " + restart_fix(model))
            else:
                msg = (f"{p['target']} does not offer STARTTLS, but {why}: the daemon runs "
                       "with older files (not restarted since a fix), reads another "
                       "configuration, or the access map's Srv_Features turns STARTTLS off.")
                fix = "Restart the daemon: " + restart_fix(model)
            yield self.finding(target(p), msg, fix=fix, related=rel,
                               anchor=f"mismatch:{p['target']}:{int(seen)}")


class StaleCertificateServed(Rule):
    meta = RuleMeta(
        code="CF703", name="stale-certificate-served", level="warning",
        impacts=("verify-fails",), inputs="probe",
        summary="The certificate the server presents is not the ServerCertFile on disk",
        rationale=(
            "sendmail loads ServerCertFile when the daemon starts and presents that "
            "certificate until it is restarted. A certificate renewed on disk is not "
            "served: peers keep seeing the old one, which expires. And the new one has "
            "not been tried yet: if it does not load or match its key, the next restart "
            "turns STARTTLS off."),
        fix="Restart the daemon so that it loads the new certificate, then probe again.",
        references=(f"{REF} §2.2 step 3",),
        bad_example="served SHA-256 3A:...   ServerCertFile on disk SHA-256 9F:...",
        good_example="served SHA-256 9F:...   ServerCertFile on disk SHA-256 9F:...",
        fix_kind=('manual',),
        fix_manual='the running daemon must be restarted (or its peers fixed) and probed again',
    )

    def check(self, model):
        disk = model.server_certificates()
        if not disk:
            return
        for p in model.probes:
            cert = p.get("certificate")
            if not cert or not cert.get("sha256"):
                continue
            if any(c.sha256 == cert["sha256"] for _, c in disk):
                continue
            ref, c = disk[0]
            inst = model.installation
            yield self.finding(
                target(p),
                f"{p['target']} presents the certificate {cert.get('subject', '?')} "
                f"(SHA-256 {cert['sha256']}, valid until {cert.get('not_after', '?')}), "
                f"but ServerCertFile {ref.path} holds {c.subject} (SHA-256 {c.sha256}, "
                f"valid until {c.not_after:%Y-%m-%dT%H:%M:%SZ}): the daemon was not "
                "restarted since the certificate changed, so peers still get the old one.",
                fix="Restart the daemon so that it loads the certificate on disk: "
                    + restart_fix(model),
                related=(Location(ref.config.path, ref.line, note="ServerCertFile"),
                         Location(inst.display.show_file(ref.path), 1, note="the certificate on disk")),
                anchor=f"stale:{p['target']}:{cert['sha256']}",
                evidence={"served_sha256": cert["sha256"], "disk_sha256": c.sha256})


class LiveVerifyFailed(Rule):
    meta = RuleMeta(
        code="CF704", name="live-verify-failed", level="warning", impacts=("verify-fails",),
        inputs="probe",
        summary="The presented certificate does not verify, or the TLS handshake fails",
        rationale=(
            "A peer that verifies (an access map TLS_Srv VERIFY entry, a client with "
            "CACertFile and CACertPath) records {verify}=FAIL for a certificate that does not "
            "chain to its CAs, and refuses to deliver where verification is required. A "
            "handshake that fails, or a STARTTLS answered with 454, makes sending MTAs "
            "fall back to clear text ({verify}=SOFTWARE or TEMP)."),
        fix="Install the certificate chain the CA gave (the leaf in ServerCertFile, the "
            "intermediates in CACertFile/CACertPath), or give the probe the CA peers use "
            "(--ca-file); for a handshake failure read the server's log (cflint logs).",
        references=(f"{REF} §4.8", f"{REF} §4.3"),
        bad_example="verify: fail (unable to get local issuer certificate)",
        good_example="verify: ok (the certificate chains to a given CA)",
        fix_kind=('manual',),
        fix_manual='the running daemon must be restarted (or its peers fixed) and probed again',
    )

    def check(self, model):
        for p in model.probes:
            err = p.get("error") or {}
            v = p.get("verify") or {}
            reply = p.get("starttls_reply") or ""
            if err.get("step") == "handshake":
                yield self.finding(
                    target(p), f"{p['target']}: {err['message']}; sending MTAs record "
                    "{verify}=SOFTWARE and deliver in clear text (or not at all).",
                    anchor=f"handshake:{p['target']}",
                    fix="Read the server's log at the time of the probe (cflint logs): "
                        "sendmail logs the handshake error as \"STARTTLS=server, error: "
                        "accept failed=...\"; check the protocols and ciphers it allows "
                        "(ServerSSLOptions, CipherList) against what peers speak.")
            elif p.get("starttls_offered") and reply and not reply.startswith("220"):
                yield self.finding(
                    target(p), f"{p['target']} offers STARTTLS but answers it with "
                    f"\"{reply}\"; sending MTAs record {{verify}}=TEMP and deliver in clear "
                    "text.", anchor=f"refused:{p['target']}",
                    fix="Read the server's log (cflint logs) for the TLS error at the "
                        "time of the probe; 454 4.3.3 \"TLS not available right now\" means "
                        "the engine could not be set up.")
            elif v.get("result") == "fail":
                cert = p.get("certificate") or {}
                yield self.finding(
                    target(p), f"the certificate {p['target']} presents "
                    f"({cert.get('subject', '?')}, issued by {cert.get('issuer', '?')}) does "
                    f"not verify against {v.get('against') or 'the given CA'}: "
                    f"{v.get('message')}. Peers that verify record {{verify}}=FAIL.",
                    anchor=f"verify:{p['target']}:{cert.get('sha256', '')}",
                    fix=self.meta.fix,
                    evidence={"sha256": cert.get("sha256", ""),
                              "verify": v.get("message", "")})


# ------------------------------------------------------------------ the mail log

# kind -> candidate explaining codes (best first) by the config role of the file
_UNSAFE = {
    "Group readable file": {"mta": ("CF501", "CF602"), "msp": ("CF602", "CF501")},
    "World readable file": ("CF502",),
    "Group writable file": ("CF503",), "World writable file": ("CF503",),
    "Group writable directory": ("CF504",), "World writable directory": ("CF504",),
    "Permission denied": {"mta": ("CF505", "CF601"), "msp": ("CF601", "CF505")},
    "Symbolic links not allowed": {"mta": ("CF505", "CF601"), "msp": ("CF601", "CF505")},
    "Hard links not allowed": {"mta": ("CF505", "CF601"), "msp": ("CF601", "CF505")},
    "Regular files only": ("CF506",),
    "Too many levels of symbolic links": ("CF504", "CF506"),
}
_BY_OPTION_MISSING = {"ServerCertFile": "CF301", "ClientCertFile": "CF301",
                      "ServerKeyFile": "CF204", "ClientKeyFile": "CF204",
                      "CACertFile": "CF405", "CACertPath": "CF405", "DHParameters": "CF107",
                      "CRLFile": "CF108"}
_KEY_DETAIL = (("ee key too small", "CF205"), ("bad decrypt", "CF201"),
               ("bad password", "CF201"), ("problems getting password", "CF201"),
               ("interrupted or cancelled", "CF201"))
_CERT_DETAIL = (("ee key too small", "CF205"), ("ca md too weak", "CF304"),
                ("md too weak", "CF304"), ("key values mismatch", "CF202"))


def explain(ev: dict, role: str | None, option: str | None) -> tuple[str, ...]:
    """The codes that explain a log event, best first."""
    kind = ev["kind"]
    details = " ".join(d["reason"].lower() for d in ev.get("openssl", []))
    if kind == "unsafe":
        reason = ev["reason"].strip()
        if reason == "No such file or directory":
            first = _BY_OPTION_MISSING.get(option or "") or _by_name(ev["path"])
            return (first,)
        c = _UNSAFE.get(reason, ("CF505",))
        if not isinstance(c, dict):
            return c
        is_key = option.endswith("KeyFile") if option else _by_name(ev["path"]) == "CF204"
        return c["msp" if role == "msp" and is_key else "mta"]   # CF6xx: the MSP's keys
    if kind == "missing":
        opt = ev["option"]
        if ev["side"] == "client" or opt.startswith("Client"):
            return ("CF102",)
        return ("CF101",)
    if kind == "key-load":
        for text, code in _KEY_DETAIL:
            if text in details:
                return (code,)
        return ("CF204", "CF201")
    if kind == "cert-load":
        for text, code in _CERT_DETAIL:
            if text in details:
                return (code,)
        return ("CF301",)
    if kind == "ca-load":
        return ("CF301",) if "no certificate or crl found" in details else ("CF405",)
    # "engine" and "smtps-off" lines have no rule of their own: an engine is no file
    # option, and "smtps: TLS not available" follows the init failure logged before it
    return {"mismatch": ("CF202",), "dh": ("CF107",), "crl": ("CF108",),
            "crl-init": ("CF108",), "cipher": ("CF104",),
            "fingerprint": ("CF110",)}.get(kind, ())


def _by_name(path: str) -> str:
    """The rule for a missing file whose option the log does not say, by its name."""
    base = os.path.basename(path).lower()
    if "crl" in base:
        return "CF108"
    if base.startswith("dh") or "dhparam" in base or base.endswith(".prm"):
        return "CF107"
    if "key" in base:
        return "CF204"
    if base.startswith("ca") or "cacert" in base:
        return "CF405"
    return "CF301"


# what leaves STARTTLS on (logged only, reference §2.4): these rules, or a file named by
# these options, or the second pair's load or match (not its safety); the rest refuse a
# TLS file. A failed CRL set-up ("crl-init": X509_LOOKUP_add_dir()=failed for an empty
# CRLPath) fails init with it.
_LOGGED_ONLY_CODES = {"CF104", "CF107", "CF108"}
_LOGGED_ONLY_OPTIONS = {"DHParameters", "CRLFile", "CRLPath"}


def _logged_only(ev: dict, code: str, ref) -> bool:
    if ev["kind"] == "crl-init":
        return False
    second = bool(ev.get("second")) or (ref is not None and ref.pair == 2 and
                                         ev["kind"] in ("key-load", "cert-load"))
    return (second or code in _LOGGED_ONLY_CODES or
            (ref is not None and ref.option in _LOGGED_ONLY_OPTIONS))


def _consequence(ev: dict, failed: dict) -> bool:
    """A check_private_key line that only follows from a file of the same pair not loaded
    in the same set-up (its own line explains it): "no certificate assigned", the key it
    names did not load, or (no OpenSSL detail, or the second pair) a certificate was
    refused. A true mismatch ("no private key assigned": OpenSSL drops a key that does not
    match) stands, whatever else of that process was refused."""
    details = " ".join(d["reason"].lower() for d in ev.get("openssl", []))
    if "no certificate assigned" in details:
        return True
    if ev.get("path") in failed["keys"] or (ev.get("second") and failed["keys"]):
        return True
    return failed["cert"] and ("no private key assigned" not in details or
                               bool(ev.get("second")))


_CERT_OPTIONS = ("ServerCertFile", "ClientCertFile")


def _refuses_cert(ev: dict, option: str | None) -> bool:
    """The line says a certificate of a pair was not loaded."""
    if ev["kind"] == "cert-load":
        return True
    if ev["kind"] == "missing":
        return ev["option"] in _CERT_OPTIONS
    if ev["kind"] == "unsafe":
        return option in _CERT_OPTIONS if option else _by_name(ev["path"]) == "CF301"
    return False


# the exact command for a file the log names, when no static finding gives one (the MTA's
# files: the MSP's need GroupReadableKeyFile and group smmsp, which cflint check says)
_COMMANDS = {"CF501": "chmod 600 {path}", "CF502": "chmod 600 {path}",
             "CF503": "chmod go-w {path}"}


class LogReportsTlsFailure(Rule):
    meta = RuleMeta(
        code="CF705", name="log-reports-tls-failure", level="error",
        impacts=("starttls-off", "client-tls-degraded"), inputs="logs",
        summary="The mail log shows sendmail refusing a TLS file or failing its TLS set-up",
        rationale=(
            "sendmail logs why it turned STARTTLS off (\"STARTTLS=server: file ... unsafe: "
            "Group readable file\", \"SSL_CTX_check_private_key failed\", \"STARTTLS: "
            "CACertPath missing\" at LogLevel 13 and up) and, on the client side, why it "
            "sent no certificate; these lines are the only trace of the failure. Each "
            "one is mapped to the rule that explains it, and with --config to that rule's "
            "finding on the files, with its exact fix."),
        fix="Apply the fix of the rule named in the finding (cflint rule CODE), then "
            "restart the daemon.",
        references=(f"{REF} §2.5", f"{REF} §3.3"),
        bad_example="Dec  1 10:00:00 mx sm-mta[812]: STARTTLS=server: file "
                    "/etc/mail/tls/sendmail.key unsafe: Group readable file",
        good_example="Dec  1 10:00:00 mx sm-mta[812]: STARTTLS=server, relay=peer "
                     "[192.0.2.7], version=TLSv1.3, verify=OK, cipher=TLS_AES_256_GCM_SHA384, "
                     "bits=256/256",
        fix_kind=('manual',),
        fix_manual='the running daemon must be restarted (or its peers fixed) and probed again',
    )

    def check(self, model):
        from cflint.live.maillog import NOT_PROBLEMS

        seen: set[tuple] = set()
        failed: dict[tuple, dict] = {}   # (pid, side) -> what one TLS set-up did not load
        for ev in model.events:
            at = (ev["pid"], ev.get("side"))
            if ev["kind"] == "init":      # "init=" ends a set-up: the next one starts clean
                failed.pop(at, None)
            if ev["kind"] in NOT_PROBLEMS:
                continue
            path = ev.get("path") or None
            ref = model.tls_file(path) if path else None
            role, option = (ref.config.role, ref.option) if ref else (None, None)
            run = failed.setdefault(at, {"keys": set(), "cert": False})
            if ev["kind"] == "mismatch" and _consequence(ev, run):
                continue
            if ev["kind"] == "key-load":
                run["keys"].add(path)
            run["cert"] |= _refuses_cert(ev, option)
            codes = explain(ev, role, option)
            if not codes:
                continue
            statics = model.static_about(path, codes) if model.installation else []
            code = statics[0].code if statics else codes[0]
            key = (code, ev.get("side"), path or ev.get("option"))
            if key in seen:            # once per problem
                continue
            seen.add(key)
            yield self._finding(model, ev, code, statics, role, _logged_only(ev, code, ref))

    def _finding(self, model, ev, code, statics, role, logged_only):
        meta = model.rule_metas.get(code)
        name = f"{code} ({meta.name})" if meta else code
        side = ev.get("side") or "server"
        client = side == "client" or role == "msp"
        if logged_only:
            impacts = tuple(i for i in (meta.impacts if meta else ()) if i != "starttls-off") \
                or ("hygiene",)
            level, effect = "warning", "sendmail logs it and carries on"
        elif client:
            impacts, level = ("client-tls-degraded",), "error"
            effect = ("sendmail as a client (the MSP, or the MTA relaying) goes on without "
                      "it: no client certificate, or the server not verified")
        else:
            impacts, level = ("starttls-off",), "error"
            effect = "the daemon does not offer STARTTLS"
        detail = "; ".join(d["reason"] for d in ev.get("openssl", []) if d["reason"])
        msg = (f"sendmail logged \"{ev['text']}\"" + (f" ({detail})" if detail else "")
               + f": {effect}. Explained by {name}")
        related = [Location(ev["source"], ev["line"], note="the log line")]
        if statics:
            f = statics[0]
            msg += f", which cflint check finds at {_place(f.location)}: {_short(f.message)}."
            fix = f.fix or (meta.fix if meta else self.meta.fix)
            related.append(Location(f.location.path, f.location.line, note=f.code))
        else:
            if model.installation is not None:
                msg += (". The configuration given no longer has this problem: it was fixed "
                        "since this line was logged, or the daemon reads another "
                        "configuration.")
            else:
                msg += f": {meta.summary}." if meta else "."
            fix = meta.fix if meta else self.meta.fix
            if ev.get("path"):
                command = _COMMANDS.get(code)
                fix = (f"{command.format(path=ev['path'])}   ({fix})" if command and not client
                       else f"{fix} (the file: {ev['path']})")
        if not logged_only:
            fix = f"{fix}\nThen restart the daemon: {restart_fix(model)}" if not client else fix
        return self.finding(Location(ev["source"], ev["line"]), msg, fix=fix,
                            impacts=impacts, level=level, related=related[1:],
                            anchor=f"log:{code}:{side}:{ev.get('path') or ev.get('option')}",
                            evidence={"explained_by": code, "side": side,
                                      **({"path": ev["path"]} if ev.get("path") else {})})
