"""CF507: a key reached through a symlink whose target lies in a writable directory."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from .common import SAFEFILE, checked_refs, is_key, link_end, where


class KeyOutsideSafeDirectory(Rule):
    meta = RuleMeta(
        code="CF507", name="key-outside-safe-directory", level="warning",
        impacts=("secret-exposed",),
        summary="A key reached through a symlink whose target lies in a writable directory",
        rationale=(
            "sendmail checks only the directory the option names, not where a symbolic link "
            "points: a key linked from a safe directory into a writable one passes, and "
            "anyone who can write there can swap the key."),
        fix="Move the key into a safe directory and point the option at it directly.",
        references=(SAFEFILE,),
        bad_example="/etc/mail/tls/server.key -> /tmp/server.key",
        good_example="/etc/mail/tls/server.key (a regular file)",
        fix_kind=('shell', 'manual'),
        fix_manual='a link that cannot be followed is replaced by hand',
    )

    def check(self, model):
        from cflint.sendmail.safefile import link_target_dir_writable

        for ref in checked_refs(model):
            if not is_key(ref):
                continue
            flags = model.safety.flags(ref.config)
            bad = link_target_dir_writable(model.fs, ref.path, flags)
            if bad is None:
                continue
            loc, rel = where(model, ref)
            yield self.finding(
                loc, f"{ref.option} {ref.path} is a symbolic link into {bad}, a writable "
                "directory: sendmail accepts it (it checks only the link's own directory), "
                "but whoever can write there can replace the key.",
                fix=(f"Move the key: mv {end} {ref.path} && chmod 600 {ref.path}"
                     if (end := link_end(model.fs, ref.path)) else
                     f"Move the key out of {bad} and name it directly in {ref.option}."),
                related=rel, anchor=f"CF507:{ref.path}", evidence={"path": ref.path,
                                                                  "writable_dir": bad})
