"""CF603: no submit.cf names a key, yet the MTA's keys are open to a group."""
from __future__ import annotations

import stat as st

from cflint.api import Rule, RuleMeta

from .common import MSP_README, checked_refs, is_key, msp_key_refs, where


class KeysTooOpenWithoutMsp(Rule):
    meta = RuleMeta(
        code="CF603", name="keys-too-open-without-msp", level="warning",
        impacts=("secret-exposed",),
        summary="No submit.cf names a key, yet the MTA's keys are open to a group",
        rationale=(
            "The group-readable root:smmsp recipe exists for the MSP. When no submit.cf names "
            "a key, the keys are the MTA's alone: mode 600 (or 400), owned by the identity "
            "the MTA reads them as; a group bit, group smmsp or GroupReadableKeyFile only "
            "widens who can read them."),
        fix="chmod 600 KEY && chown root:root KEY (or the RunAsUser), and drop "
            "GroupReadableKeyFile.",
        references=(MSP_README,),
        bad_example="-rw-r----- root smmsp server.key, submit.cf names no key",
        good_example="-rw------- root root server.key",
        fix_kind=('shell',),
    )

    def check(self, model):
        if msp_key_refs(model) or model.mta is None:
            return
        for ref in checked_refs(model):
            if ref.config is not model.mta or not is_key(ref):
                continue
            try:
                s = model.fs.stat(ref.path)
            except OSError:
                continue
            if not st.S_ISREG(s.st_mode):
                continue  # CF506
            smmsp = model.accounts.group("smmsp")
            why = []
            if s.st_mode & st.S_IRGRP:
                why.append(f"mode {st.S_IMODE(s.st_mode):04o} is group-readable")
            if smmsp and s.st_gid == smmsp[0]:
                why.append("its group is smmsp")
            if not why:
                continue
            who = model.safety.identities(model.mta)[0]
            owner = "root" if who.uid == 0 else model.accounts.user_name(who.uid)
            loc, rel = where(model, ref)
            yield self.finding(
                loc, f"no submit.cf names a key, yet {ref.path}'s " + " and ".join(why) +
                ": the key is the MTA's alone and needs no group access.",
                fix=f"chown {owner}:{'root' if who.uid == 0 else model.accounts.group_name(who.gid)} "
                    f"{ref.path} && chmod 600 {ref.path}",
                related=rel, anchor=f"CF603:{ref.path}")
