"""The deployment view: whether what the file-system view holds is what the deployed host
holds. A config git tracks outside a deployed /etc is a source kept in a repository: the
files it names that the repository does not hold live on the host it is deployed to
(``elsewhere``); and git records neither owners nor modes, so the mode and owner rules
skip the files it tracks (``permissions_skipped``). Which work tree's index lists a file
is looked up once per file, each work tree and index once (cflint.gitindex)."""
from __future__ import annotations

import os

from ..fs import LiveFS

NEVER = "--check-permissions never"
GIT_TRACKED = ("git tracks these files, and git records neither owners nor modes: the "
               "modes of a checkout say nothing about the deployed files")


class Deployment:
    """Where the files of one installation really are, for the rules that read them."""

    def __init__(self, fs, settings, configs, display, memo):
        self.fs = fs
        self.settings = settings
        self.configs = configs   # the linted CfConfigs
        self.display = display
        self._memo = memo

    def elsewhere(self, path: str) -> str | None:
        """Why a file a configuration names is not here to inspect, or None: the config is
        a source kept in a repository (git tracks it, outside a deployed /etc), and the file
        is not in that repository (missing from it; in the live view, outside its work
        tree), so it lives on the host the config is deployed to. --check-permissions
        always says the tree is deployed: everything is then read where it is."""
        if self.settings.check_permissions == "always":
            return None
        return self._memo(("elsewhere", path), lambda: self._elsewhere(path))

    def _elsewhere(self, path: str) -> str | None:
        for cfg in self.configs:
            top = self._source_top(cfg.path)
            if top is None:
                continue
            if not self._present(path):
                return (f"not in the repository that keeps {self.display.show(cfg.path)}, "
                        "so on the host it is deployed to")
            if type(self.fs) is LiveFS and not (
                    os.path.realpath(path) + os.sep).startswith(top.rstrip(os.sep) + os.sep):
                return (f"outside the repository that keeps {self.display.show(cfg.path)}, "
                        "so what is there on this machine need not be the deployed host's")
        return None

    def _present(self, path: str) -> bool:
        try:
            self.fs.stat(path)
            return True
        except OSError as e:  # there, but not for us: the rules say so
            return isinstance(e, PermissionError)

    def _source_top(self, cfg_path: str) -> str | None:
        """The work tree of a config git tracks outside a deployed /etc, else None."""
        return self._memo(("source-top", cfg_path),
                          lambda: self._source_top_uncached(cfg_path))

    def _source_top_uncached(self, cfg_path: str) -> str | None:
        host_root = self._host_of(cfg_path)
        return None if host_root is None else self._tracked_top(*host_root)

    def _host_of(self, path: str) -> tuple[str, str | None] | None:
        """(host path, --root directory or None) of a path in a live or re-based view;
        None in an archive (a snapshot: what it holds is what the host held)."""
        from ..fs import RootFS

        if type(self.fs) is LiveFS:
            return os.path.realpath(path), None
        if isinstance(self.fs, RootFS):
            try:
                return self.fs.host_path(path), self.fs.root
            except OSError:
                return self.fs.describe(path), self.fs.root
        return None

    def permissions_skipped(self, path: str) -> str | None:
        """Why the mode and owner rules are skipped for ``path`` (None: they apply):
        --check-permissions never, or git tracks the file (cflint.gitindex: git records
        neither owners nor modes). Untracked and ignored files in a work tree, a tar
        archive, and a deployed system kept in git (gitindex.is_deployed) are checked."""
        mode = self.settings.check_permissions
        if mode == "always":
            return None
        if mode == "never":
            return NEVER
        host_root = self._host_of(path)
        return GIT_TRACKED if host_root and self._tracked_top(*host_root) else None

    def _tracked_top(self, host: str, root: str | None) -> str | None:
        """The work tree whose index lists ``host``, when it is not a deployed system;
        else None (memoised per file; the work-tree search per directory)."""
        return self._memo(("git", host), lambda: self._tracked_top_uncached(host, root))

    def _tracked_top_uncached(self, host: str, root: str | None) -> str | None:
        from .. import gitindex

        d = os.path.dirname(host)
        top = self._memo(("work-tree", d), lambda: gitindex.work_tree(d))
        if top is None:
            return None
        if root is None:
            in_tree = top
        else:
            rel = os.path.relpath(top, root)
            in_tree = None if rel.startswith("..") else os.path.normpath("/" + rel)
        if gitindex.is_deployed(top, in_tree):
            return None
        index = self._memo(("git-index", top), lambda: gitindex.tracked(top))
        name = os.fsencode(os.path.relpath(host, top)).replace(os.sep.encode(), b"/")
        return top if name in index else None
