"""CF007: an option, DontBlameSendmail word or SSL option the target version lacks."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta
from cflint.model import NOT_IN_TARGET
from cflint.sendmail import options as optdata
from cflint.sendmail.versions import fmt

from ..support.options import SENDMAIL_DOCS, dont_blame_words, loc


class NotInTargetVersion(Rule):
    meta = RuleMeta(
        code="CF007", name="not-in-target-version", level="error", impacts=("daemon-fails",),
        summary="An option, DontBlameSendmail word or SSL option the target version lacks",
        rationale=(
            "An option that exists, but only from a later release (CipherSuites 8.17.1, "
            "TLSFallbacktoClear 8.16.1, DontBlameSendmail=CertOwner 8.18.1), or was removed "
            "(AutoRebuildAliases), is unknown to the target and fatal: sendmail says "
            "'unknown option name' and does not start."),
        fix="Remove the setting, or upgrade sendmail to a release that has it.",
        references=(SENDMAIL_DOCS, "sendmail RELEASE_NOTES"),
        versions="8.13-8.18",
        bad_example="O DontBlameSendmail=CertOwner     # target 8.17",
        good_example="O DontBlameSendmail=GroupReadableKeyFile",
        fix_kind=('remove',),
    )

    def check(self, model):
        tv = model.target.version
        for cfg in model.configuration.all_configs():
            for s in cfg.settings:
                o = s.opt
                if s.status != NOT_IN_TARGET or cfg.set_by_mc_layers(s):
                    continue  # (sendmail-cf's own files follow its version, not the target)
                spec = s.spec
                if spec.until is not None and spec.until <= tv:
                    when = f"was removed in sendmail {fmt(spec.until)}"
                    fix = f"Remove the {spec.name} line."
                else:
                    when = f"exists only from sendmail {fmt(spec.since)}"
                    fix = (f"Remove the line, or upgrade to sendmail {fmt(spec.since)} or "
                           "later (and lint with --target-version).")
                if cfg.mc is not None and spec.macro:  # a define: m4 drops it
                    yield self.finding(
                        loc(cfg, o.line, o.column),
                        f"{spec.macro} sets {spec.name}, which {when}; the target's m4 "
                        f"macros ({model.target.label}) do not read it, so the define is "
                        "silently dropped.", impacts=("config-error",), fix=fix,
                        anchor=f"option:{o.name.lower()}")
                    continue
                yield self.finding(
                    loc(cfg, o.line, o.column),
                    f"option {spec.name} {when}; the target is {model.target.label}, which "
                    f"says \"readcf: unknown option name {o.name}\" and does not start.",
                    fix=fix, anchor=f"option:{o.name.lower()}")
            # DontBlameSendmail words from a later release
            for s, word, canon, status in dont_blame_words(cfg, model):
                if status != "later" or cfg.set_by_mc_layers(s):
                    continue
                since = optdata.DONT_BLAME_WORDS[canon]
                yield self.finding(
                    loc(cfg, s.line, s.opt.value_column),
                    f"DontBlameSendmail word {canon} exists only from sendmail {fmt(since)}; "
                    f"{model.target.label} says \"readcf: DontBlameSendmail option: {word} "
                    "unrecognized\" and does not start.",
                    fix=f"Remove {word} from the DontBlameSendmail line (or upgrade to "
                        f"{fmt(since)}).",
                    anchor=f"dbs:{canon}")
