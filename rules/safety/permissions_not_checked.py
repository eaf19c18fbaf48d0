"""CF011: mode and ownership rules skipped for files git tracks."""
from __future__ import annotations

from cflint.api import Location, Rule, RuleMeta
from cflint.model import NEVER

from .common import FILE_OPTIONS


class PermissionsNotChecked(Rule):
    meta = RuleMeta(
        code="CF011", name="permissions-not-checked", level="note", impacts=("hygiene",),
        summary="Mode and ownership rules skipped for files git tracks",
        rationale=(
            "git records neither owners nor most mode bits, so the modes of a file git "
            "checked out say nothing about the deployed file: rather than false findings, "
            "cflint skips the mode and owner rules for exactly the files the work tree's "
            "index lists, and says so once, naming them. Files git does not track (new, "
            "untracked or ignored: keys generated in place) have real modes and are "
            "checked, and so is a deployed system kept in git (etckeeper's /etc, with "
            ".etckeeper at the work-tree root, or any work tree at or below /etc). "
            "--check-permissions always checks every file; never checks none, without this "
            "note."),
        fix="Lint the deployed files (on the host, --root, or a tar archive) or pass "
            "--check-permissions always.",
        references=("git-scm: git records only the executable bit",
                    "git-scm: index-format (the index lists the tracked files)"),
        bad_example="cflint check ./mail   # server.key committed to the repository",
        good_example="cflint check /etc/mail",
        suppressible=False,
        fix_kind=('manual',),
        fix_manual="lint the deployed files: a checkout's modes say nothing",
    )

    def check(self, model):
        skipped: dict[str, list] = {}
        for ref in model.files.tls():
            if ref.option not in FILE_OPTIONS:
                continue
            why = model.deployment.permissions_skipped(ref.path)
            if why and why != NEVER:  # asked for: no note
                skipped.setdefault(why, []).append(ref)
        for why, refs in skipped.items():
            names = ", ".join(dict.fromkeys(r.path for r in refs))
            ref = refs[0]
            yield self.finding(
                Location(ref.config.path, ref.line, ref.column),
                f"mode and ownership rules (CF5xx, CF6xx) were skipped for {names}: {why}.",
                fix="Lint the deployed files, or pass --check-permissions always.",
                anchor=f"CF011:{why}")
