"""CF505: owner not allowed for the reading identity, or its read bit missing."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from .common import SAFEFILE, SafefileRule, is_key, link_end


class WrongOwner(SafefileRule, Rule):
    kinds = ("read-bit", "owner", "symlink", "hardlink")
    meta = RuleMeta(
        code="CF505", name="wrong-owner", level="error", impacts=("starttls-off",),
        summary="Owner not allowed for the reading identity, or its read bit missing",
        rationale=(
            "The file must be owned by the identity that reads it (root, RunAsUser), root or "
            "TrustedUser (unless 8.18.1's CertOwner), and the read bit that applies to that "
            "identity must be set: for root the owner bit, else the owner, group or other "
            "bit as it matches. Otherwise \"Permission denied\". An ordinary user's MSP also "
            "refuses symbolic and hard links in a writable directory."),
        fix="chown/chmod as the message says.",
        references=(SAFEFILE,),
        bad_example="-rw------- mail mail server.key (MTA as root)",
        good_example="-rw------- root root server.key",
        fix_kind=('shell', 'manual'),
        fix_manual='a link that cannot be followed is replaced by hand',
    )

    def select(self, model, v):
        if not super().select(model, v):
            return False
        return not (v.ref.config.role == "msp" and is_key(v.ref))  # CF601

    def fix(self, model, v):
        u, ref = v.unsafe, v.ref
        who = v.who
        if u.kind == "symlink":
            end = link_end(model.fs, ref.path)
            return (f"Replace the link by the file itself: cp --remove-destination {end} "
                    f"{ref.path}" if end else f"Replace the link {ref.path} by the file itself.")
        if u.kind == "hardlink":
            return (f"Give {ref.path} its own copy: cp {ref.path} {ref.path}.new && "
                    f"mv {ref.path}.new {ref.path}")
        if u.kind == "owner":
            owner = "root" if who.uid == 0 else model.accounts.user_name(who.uid)
            return f"chown {owner} {ref.path}"
        if who.uid == 0:
            return f"chmod u+r {ref.path}"
        if u.uid == who.uid:
            return f"chmod u+r {ref.path}"
        if is_key(ref):  # a group-readable key needs GroupReadableKeyFile: own it instead
            return f"chown {model.accounts.user_name(who.uid)} {ref.path} && chmod 600 {ref.path}"
        return f"chgrp {model.accounts.group_name(who.gid)} {ref.path} && chmod g+r {ref.path}"
