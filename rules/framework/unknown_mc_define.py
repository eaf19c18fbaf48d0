"""CF006: define(`confXXX', ...) that no sendmail m4 macro reads."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from ..support.options import did_you_mean, loc


class UnknownMcDefine(Rule):
    meta = RuleMeta(
        code="CF006", name="unknown-mc-define", level="error", impacts=("config-error",),
        summary="define(`confXXX', ...) that no sendmail m4 macro reads",
        rationale=(
            "proto.m4 tests only the conf* names it knows, so a misspelt one does nothing: "
            "m4 drops it silently and the cf keeps the default (obs.: "
            "define(`confSERVER_CERTS', ...) leaves '#O ServerCertFile'). When the lost "
            "define was a required TLS option, STARTTLS is off as well."),
        fix="Correct the macro name (see the suggestion) and rebuild the cf.",
        references=("sendmail cf/README", "sendmail cf/m4/proto.m4"),
        bad_example="define(`confCA_CERT', `/etc/mail/tls/ca.crt')dnl",
        good_example="define(`confCACERT', `/etc/mail/tls/ca.crt')dnl",
        fix_kind=('option',),
    )

    def check(self, model):
        configs = [c for c in model.configuration.all_configs()
                   if c.mc is not None and c.mc.unknown_defines]
        if not configs:
            return  # (the macro tables and difflib only for a finding)
        import difflib

        from cflint.mc.adapter import known_macros, macro_table

        table = macro_table()
        known = sorted(known_macros())
        required = {"ServerCertFile", "ServerKeyFile", "CACertFile", "CACertPath"}
        for cfg in configs:
            for d in cfg.mc.unknown_defines:
                hint = did_you_mean(d.name, known)
                meant = [n for n in difflib.get_close_matches(d.name, known, n=1, cutoff=0.72)]
                impacts = ("config-error",)
                if meant and table.get(meant[0]) in required and cfg.role == "mta":
                    impacts = ("config-error", "starttls-off")
                yield self.finding(
                    loc(cfg, d.name_line, d.name_column),
                    f"no sendmail m4 macro reads {d.name}: m4 drops the define silently and "
                    "the cf keeps the option's default." + hint,
                    impacts=impacts,
                    fix=(f"Write define(`{meant[0]}', `{d.value}')dnl" if meant else
                         "Correct or remove the define.") + " Then rebuild the cf.",
                    anchor=f"mcdefine:{d.name}")
