"""CF504: a group- or world-writable directory on the path to a TLS file."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from .common import SAFEFILE, SafefileRule, group_by_problem, verdicts


class UnsafeDirectoryPath(SafefileRule, Rule):
    kinds = ("dir-group-writable", "dir-world-writable")
    meta = RuleMeta(
        code="CF504", name="unsafe-directory-path", level="error", impacts=("starttls-off",),
        summary="A group- or world-writable directory on the path to a TLS file",
        rationale=(
            "sendmail checks every directory from / down to the file's own: a group-writable "
            "one is refused unless GroupWritableDirPathSafe is set, a world-writable one "
            "always, unless it has the sticky bit and TrustStickyBit is set (\"unsafe: Group "
            "writable directory\", \"World writable directory\"). An ordinary user's MSP "
            "tolerates it (but then refuses links in it)."),
        fix="chmod go-w the directory.",
        references=(SAFEFILE,),
        bad_example="drwxrwxr-x root root /etc/mail/tls",
        good_example="drwxr-xr-x root root /etc/mail/tls",
        fix_kind=('shell',),
    )

    def fix(self, model, v):
        return f"chmod go-w {v.unsafe.path}"

    def check(self, model):
        groups: dict[tuple, list] = {}
        for vs in group_by_problem(x for x in verdicts(model) if self.select(model, x)):
            v = vs[0]
            key = (id(v.ref.config), v.unsafe.path, v.unsafe.reason,
                   tuple(x.who.label for x in vs))
            groups.setdefault(key, []).append(vs)
        for runs in groups.values():
            yield self.report(model, runs[0], also=[vs[0] for vs in runs[1:]])
