"""CF004: an abbreviated option name (ambiguous ones are fatal)."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta
from cflint.model import ABBREV, AMBIGUOUS

from ..support.options import SENDMAIL_DOCS, loc, option_fix


class AbbreviatedOption(Rule):
    meta = RuleMeta(
        code="CF004", name="abbreviated-option", level="warning", impacts=("hygiene",),
        summary="An abbreviated option name (ambiguous ones are fatal)",
        rationale=(
            "sendmail accepts a unique prefix of an option name with the notice 'Option X "
            "used as abbreviation for Y'. It works until a later release adds an option "
            "with the same prefix; an ambiguous prefix is fatal today ('readcf: ambiguous "
            "option name CACert (matches CACertFile and CACertPath)')."),
        fix="Write the full option name.",
        references=(SENDMAIL_DOCS,),
        bad_example="O ServerCert=/etc/mail/tls/server.crt",
        good_example="O ServerCertFile=/etc/mail/tls/server.crt",
        fix_kind=('option',),
    )

    def check(self, model):
        for cfg in model.configs:
            for s in cfg.settings:
                o = s.opt
                if s.status == ABBREV and o.form == "long":
                    yield self.finding(
                        loc(cfg, o.line, o.column),
                        f"'{o.name}' is an abbreviation of {s.spec.name}: sendmail accepts it "
                        f"(\"Option {o.name} used as abbreviation for {s.spec.name}\"), but a "
                        "later option with the same prefix would make it ambiguous and fatal.",
                        fix=option_fix(s.spec.name, o.value, "Write"),
                        anchor=f"option:{o.name.lower()}")
                elif s.status == AMBIGUOUS:
                    c = s.candidates
                    matches = " and ".join(c) if len(c) <= 2 else ", ".join(c)
                    yield self.finding(
                        loc(cfg, o.line, o.column),
                        f"'{o.name}' is an ambiguous abbreviation: sendmail says \"readcf: "
                        f"ambiguous option name {o.name} (matches {matches})\" and does not "
                        "start.",
                        level="error", impacts=("daemon-fails",),
                        fix="Write the full name: " + "; or ".join(
                            option_fix(n, o.value, "").strip() for n in c[:3]),
                        anchor=f"option:{o.name.lower()}")
