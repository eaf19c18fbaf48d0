"""CF010: an inline suppression that suppresses nothing, or cannot."""
from __future__ import annotations

from cflint.api import Location, Rule, RuleMeta


class SuppressionProblem(Rule):
    meta = RuleMeta(
        code="CF010", name="suppression-problem", level="warning", impacts=("hygiene",),
        summary="An inline suppression without a reason, expired, naming an unknown code, "
                "or suppressing nothing",
        rationale=(
            "A suppression hides a finding from the gate, so it must say why, and it must "
            "not outlive its purpose: one without a reason or past its 'until' date does not "
            "suppress anything (the finding shows again), one naming an unknown rule is a "
            "typo, and one that suppresses nothing is stale (the problem was fixed, or the "
            "line moved). CF001, CF008 and CF012 cannot be suppressed: a config sendmail "
            "cannot read, or one cflint could not inspect, is never hidden."),
        fix="Give the reason after the codes (# cflint: ignore[CF501] the MSP reads this key), "
            "renew or remove an expired suppression, correct the code, or delete it.",
        references=("cflint documentation: suppressions",),
        bad_example="# cflint: ignore[CF501]\nO ServerKeyFile=/etc/mail/tls/server.key",
        good_example="# cflint: ignore[CF501] until 2027-03-01 key moves to the HSM in Q1\n"
                     "O ServerKeyFile=/etc/mail/tls/server.key",
        suppressible=False,
        fix_kind=('manual',),
        fix_manual='only the author knows why a finding was suppressed',
    )
    late = True  # runs after the suppressions were applied, to judge them

    def check(self, model):
        from cflint.suppress import names_rule

        metas = getattr(model, "rule_metas", {})
        selected = getattr(model, "selected_codes", set())
        for s in model.configuration.suppressions():
            where = Location(s.path, s.line, s.column)
            shown = f"cflint: ignore[{', '.join(s.codes)}]"
            known, unknown = [], []
            for c in s.codes:
                meta = next((m for m in metas.values() if names_rule(c, m)), None)
                (known if meta else unknown).append(meta.code if meta else c)
            problems = []
            if not s.codes:
                problems.append("names no rule")
            if unknown:
                problems.append(f"names unknown rule(s) {', '.join(unknown)}")
            refused = sorted(set(s.refused) | {c for c in known if not metas[c].suppressible})
            if refused:
                problems.append(f"cannot suppress {', '.join(refused)} (never "
                                "suppressible: the finding stays)")
            if s.bad_date:
                problems.append(f"has an invalid date '{s.bad_date}' (write until YYYY-MM-DD)")
            if not s.reason:
                problems.append("gives no reason, so it suppresses nothing")
            elif s.expired(lambda: model.now.date()):
                problems.append(f"expired on {s.until.isoformat()}, so it suppresses nothing "
                                "any more")
            elif not s.bad_date:
                idle = [c for c in known if c in selected and c not in s.used
                        and c not in refused]
                if idle:
                    problems.append(f"suppresses nothing for {', '.join(idle)} on the line it "
                                    "covers (fixed, or the line moved)")
            if problems:
                yield self.finding(
                    where, f"{shown} " + "; ".join(problems) + ".",
                    fix=self.meta.fix,
                    anchor=f"suppression:{','.join(s.codes)}:{s.reason}")
