"""CF005: a last-wins option set more than once."""
from __future__ import annotations

from cflint.api import Location, Rule, RuleMeta

from ..support.options import SENDMAIL_DOCS, loc


class DuplicateOption(Rule):
    meta = RuleMeta(
        code="CF005", name="duplicate-option", level="warning", impacts=("config-error",),
        summary="A last-wins option set more than once",
        rationale=(
            "For path, string, number and boolean options the last line wins, silently. "
            "A second ServerKeyFile line far below the first decides what sendmail loads; "
            "a bad one disables STARTTLS even though the first was right. Options that "
            "accumulate (DontBlameSendmail, TLSSrvOptions, the SSL options, "
            "DaemonPortOptions) are not reported."),
        fix="Keep one line per option.",
        references=(SENDMAIL_DOCS,),
        bad_example="O ServerKeyFile=/etc/mail/tls/a.key\nO ServerKeyFile=/etc/mail/tls/b.key",
        good_example="O ServerKeyFile=/etc/mail/tls/b.key",
        fix_kind=('remove',),
    )

    def check(self, model):
        for cfg in model.configs:
            groups: dict[tuple[str, str], list] = {}
            for s in cfg.applied():
                if s.spec.accumulate:
                    continue
                groups.setdefault(s.key, []).append(s)
            for key, lines in groups.items():
                if len(lines) < 2:
                    continue
                last = lines[-1]
                name = key[0] + (f".{key[1]}" if key[1] else "")
                for s in lines[:-1]:
                    yield self.finding(
                        loc(cfg, s.line, s.opt.column),
                        f"{name} is set again on line {last.line} ('{last.value[:60]}'); "
                        f"sendmail uses the last line, so this one ('{s.value[:60]}') has no "
                        "effect.",
                        fix=f"Delete this line or line {last.line}, keeping the value you mean.",
                        related=[Location(cfg.path, last.line, last.opt.column,
                                          note=f"the {name} line that takes effect")],
                        anchor=f"dup:{name}:{s.value}")
