"""CF604: DontBlameSendmail relaxes TLS file safety beyond what the set-up needs."""
from __future__ import annotations

import posixpath
import stat as st

from cflint.api import Rule, RuleMeta

from .common import SAFEFILE, checked_refs, is_key, loc_of


class DontBlameTooBroad(Rule):
    meta = RuleMeta(
        code="CF604", name="dontblamesendmail-too-broad", level="warning",
        impacts=("secret-exposed",),
        summary="DontBlameSendmail relaxes TLS file safety beyond what the set-up needs",
        rationale=(
            "GroupReadableKeyFile with no group-readable key, GroupWritableDirPathSafe with "
            "no group-writable directory on a TLS file's path, and CertOwner when every TLS "
            "file already has an allowed owner only switch off checks that would catch the "
            "next mistake."),
        fix="Remove the word from DontBlameSendmail.",
        references=(SAFEFILE,),
        bad_example="O DontBlameSendmail=GroupReadableKeyFile   # keys are 0600",
        good_example="O DontBlameSendmail=TrustStickyBit",
        fix_kind=('remove',),
    )

    def check(self, model):
        from cflint.sendmail.safefile import Flags, dircheck

        for cfg in model.configs:
            refs = [r for r in checked_refs(model) if r.config is cfg]
            if not refs:
                continue
            flags = model.safety.flags(cfg)
            s = cfg.get("DontBlameSendmail")
            if s is None:
                continue
            line = loc_of(cfg, s)
            stats = {}
            for r in refs:
                try:
                    stats[r.path] = model.fs.stat(r.path)
                except OSError:
                    pass
            if flags.group_readable_keyfile:
                keys = [r for r in refs if is_key(r) and r.path in stats]
                if keys and not any(stats[r.path].st_mode & st.S_IRGRP for r in keys):
                    yield self.finding(line, "DontBlameSendmail has GroupReadableKeyFile, but no "
                                       f"key {cfg.path} names is group-readable: the flag "
                                       "only weakens the check.",
                                       fix="Remove GroupReadableKeyFile from the "
                                           "DontBlameSendmail line.",
                                       anchor="CF604:grkf")
            if flags.group_writable_dirpath_safe:
                strict = Flags(trust_sticky_bit=flags.trust_sticky_bit)
                needed = any(dircheck(model.fs, posixpath.dirname(r.path) or "/", strict, True)
                             for r in refs)
                if not needed:
                    yield self.finding(line, "DontBlameSendmail has GroupWritableDirPathSafe, but "
                                       "no TLS file lies below a group-writable directory: the "
                                       "flag only weakens the check.",
                                       fix="Remove GroupWritableDirPathSafe from the "
                                           "DontBlameSendmail line.", anchor="CF604:gwdps")
            if flags.cert_owner:
                allowed = {0} | {w.uid for w in model.safety.identities(cfg)} | {
                    w.trusted_uid for w in model.safety.identities(cfg)}
                if stats and all(x.st_uid in allowed for x in stats.values()):
                    yield self.finding(line, "DontBlameSendmail has CertOwner, but every TLS "
                                       "file already has an allowed owner: the flag only "
                                       "weakens the check.",
                                       fix="Remove CertOwner from the DontBlameSendmail line.",
                                       anchor="CF604:certowner")
