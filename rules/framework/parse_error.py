"""CF001: a line sendmail's config reader rejects."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from ..support.options import SENDMAIL_DOCS, loc


class ParseError(Rule):
    meta = RuleMeta(
        code="CF001", name="parse-error", level="error", impacts=("daemon-fails",),
        summary="A line sendmail's config reader rejects",
        rationale=(
            "sendmail reads its configuration at every start and exits with status 70 "
            "(EX_CONFIG) on a line it cannot read, so the daemon does not start and no "
            "mail flows at all. Typical causes are an unknown line type (a lowercase 'o', "
            "an indented line with nothing to continue), 'O' followed by a TAB or two "
            "spaces, 'O =value' without a name, a bad V line, and an R line without its "
            "TAB or before any S line."),
        fix="Correct the line as the message says; run 'sendmail -bt -C FILE </dev/null' "
            "to see sendmail's own verdict.",
        references=(SENDMAIL_DOCS, "sendmail readcf.c readcf()"),
        bad_example="o ServerCertFile=/etc/mail/tls/server.crt",
        good_example="O ServerCertFile=/etc/mail/tls/server.crt",
        suppressible=False,
        fix_kind=("remove", "manual"),
        fix_manual="a missing local mailer is added by hand (MAILER(`local') in the .mc)",
    )

    def check(self, model):
        for cfg in model.configuration.all_configs():
            for p in cfg.problems:
                if p.kind != "syntax":
                    continue
                nomailer = p.sendmail == "No local mailer defined"
                yield self.finding(
                    loc(cfg, p.line, p.column),
                    f"{p.message}. sendmail says: \"{p.sendmail}\" and refuses the file.",
                    fix=("Add the local mailer: MAILER(`local')dnl in the .mc (it writes the "
                         "'Mlocal' line), rebuild, and check with 'sendmail -bt -C FILE "
                         "</dev/null'." if nomailer else
                         "Fix or remove this line, then rebuild (make -C /etc/mail) and "
                         "check with 'sendmail -bt -C FILE </dev/null'."),
                    anchor=f"line:{p.sendmail}")
