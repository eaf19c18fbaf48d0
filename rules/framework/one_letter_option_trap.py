"""CF003: 'OName=value' without a space, read as a one-letter option."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta
from cflint.model import SHORT_UNKNOWN

from ..support.options import SENDMAIL_DOCS, loc, option_fix


class OneLetterTrap(Rule):
    meta = RuleMeta(
        code="CF003", name="one-letter-option-trap", level="error", impacts=("config-error",),
        summary="'OName=value' without a space is read as a one-letter option",
        rationale=(
            "Without a space after 'O', sendmail reads the next character as a one-letter "
            "option name: 'OServerCertFile=/x' silently sets StatusFile (S) to "
            "'erverCertFile=/x', and the TLS setting is lost without any message. Some "
            "letters do not exist ('ODHParameters=', 'ODontBlameSendmail='): then sendmail "
            "says 'unknown option name 0x44' and does not start."),
        fix="Insert one space after 'O': 'O ServerCertFile=/x'.",
        references=(SENDMAIL_DOCS, "sendmail readcf.c setoption()"),
        bad_example="OServerCertFile=/etc/mail/tls/server.crt",
        good_example="O ServerCertFile=/etc/mail/tls/server.crt",
        fix_kind=('option',),
    )

    def check(self, model):
        for cfg in model.configs:
            for s in cfg.settings:
                if s.opt.form != "short" or s.meant is None:
                    continue
                o = s.opt
                fixed = option_fix(s.meant.name, o.raw_rest.partition("=")[2], "Write")
                if s.status == SHORT_UNKNOWN:
                    yield self.finding(
                        loc(cfg, o.line, 2),
                        f"'O{o.raw_rest[:40]}' has no space after 'O', so sendmail reads "
                        f"'{o.name}' as a one-letter option, which does not exist: it says "
                        f"\"readcf: unknown option name 0x{ord(o.name):x}\" and does not start.",
                        impacts=("daemon-fails",), fix=fixed, anchor=f"trap:{s.meant.name}")
                else:
                    yield self.finding(
                        loc(cfg, o.line, 2),
                        f"'O{o.raw_rest[:40]}' has no space after 'O': sendmail silently sets "
                        f"the one-letter option {o.name} ({s.spec.name}) to '{o.value[:40]}', "
                        f"and {s.meant.name} is not set at all.",
                        fix=fixed, anchor=f"trap:{s.meant.name}")
