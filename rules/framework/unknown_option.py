"""CF002: an option name the target sendmail does not know."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta
from cflint.model import COMPILED_OUT, SHORT_UNKNOWN, UNKNOWN
from cflint.sendmail import options as optdata

from ..support.options import SENDMAIL_DOCS, did_you_mean, loc


class UnknownOption(Rule):
    meta = RuleMeta(
        code="CF002", name="unknown-option", level="error", impacts=("daemon-fails",),
        summary="An option name the target sendmail does not know",
        rationale=(
            "An unknown option name is fatal: sendmail prints 'readcf: unknown option "
            "name X' and exits with status 70, so the daemon does not start. Typos, "
            "'UseTLS' (an HP-UX vendor option) and options compiled out of the build (DANE, "
            "FIPSMode, ClientCACertFile on Debian) all count."),
        fix="Correct the name (see the suggestion) or remove the line.",
        references=(SENDMAIL_DOCS, "sendmail readcf.c setoption()"),
        bad_example="O ServerCertFiel=/etc/mail/tls/server.crt",
        good_example="O ServerCertFile=/etc/mail/tls/server.crt",
        fix_kind=('remove',),
    )

    def check(self, model):
        for cfg in model.configs:
            names = [s.name for s in optdata.options_for(
                model.target.version, model.target.build_flags, model.target.vendor).values()]
            for s in cfg.settings:
                o = s.opt
                if s.status == UNKNOWN:
                    shown = o.name
                    if o.name.lower() == "usetls":
                        why = (" 'UseTLS' exists only in HP's sendmail 8.13.3 build for HP-UX; "
                               "upstream sendmail turns STARTTLS on through the certificate, key "
                               "and CA options. Use --vendor hpux if this file is for HP-UX.")
                    else:
                        why = did_you_mean(o.name, names)
                    yield self.finding(
                        loc(cfg, o.line, o.column),
                        f"unknown option name '{shown}' for {model.target.label}: sendmail "
                        f"says \"readcf: unknown option name {shown}\" and does not start."
                        + why,
                        fix="Remove the line or correct the option name.",
                        anchor=f"option:{o.name.lower()}")
                elif s.status == COMPILED_OUT:
                    yield self.finding(
                        loc(cfg, o.line, o.column),
                        f"option {s.spec.name} exists only in sendmail builds with "
                        f"{s.spec.build}, which the target ({model.target.label}, as Debian "
                        f"builds it) lacks: sendmail says \"readcf: unknown option name "
                        f"{o.name}\" and does not start.",
                        fix=f"Remove the {s.spec.name} line, or build sendmail with "
                            f"{s.spec.build}.",
                        anchor=f"option:{o.name.lower()}")
                elif s.status == SHORT_UNKNOWN and s.meant is None:
                    code = f"0x{ord(o.name):x}"
                    yield self.finding(
                        loc(cfg, o.line, o.column),
                        f"one-letter option '{o.name}' does not exist: sendmail says "
                        f"\"readcf: unknown option name {code}\" and does not start.",
                        fix="Use the long form with one space: 'O Name=value'.",
                        anchor=f"short:{o.name}")
