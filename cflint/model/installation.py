"""The model: one :class:`Installation` joins what sendmail would join.

It holds the MTA config (sendmail.cf), the MSP config (submit.cf) when present, the
target (version, vendor), and a read-only file-system view through which every
referenced file is read, lazily and once. Rules read only through it and its views.
"""
from __future__ import annotations

from ..fs import LiveFS
from .accounts import Accounts
from .configs import Configuration
from .deployment import Deployment
from .display import Display
from .safety import Safety
from .settings import InputProblem, Settings
from .tlsfiles import TlsFiles


class Installation:
    """An installation: the MTA config, the MSP config, the target, the file view, and
    the views that answer the rules' questions about them:

    - ``configuration``: the configs read, paired (.cf with its .mc) and parsed; the
      inline suppressions; findings moved from a .cf line to its .mc line;
    - ``accounts``: users and groups (the linted tree's /etc/passwd, else the host's);
    - ``safety``: who reads a config's TLS files, its DontBlameSendmail words and flags;
    - ``deployment``: whether a file is on the deployed host (a repository source, git's
      missing owners and modes);
    - ``files``: the TLS files the configs name, each file read once, their certificates;
    - ``display``: how paths are shown.
    """

    def __init__(self, fs: LiveFS, mta_path: str | None, msp_path: str | None,
                 settings: Settings, display: dict[str, str] | None = None):
        self.fs = fs
        self.settings = settings
        self._memo: dict = {}
        self.input_problems: list[InputProblem] = []
        self.display = Display(fs, display or {})
        archive = getattr(fs, "archive", None)
        for note in getattr(fs, "notes", ()) or ():  # a hostile or odd archive: say so
            self.input_problems.append(InputProblem(
                archive or "archive", f"archive {note}",
                consequence="that member was not used; the rest of the archive was linted"
                if "appears more than once" not in note else "the later copy was linted"))
        self.configuration = Configuration(fs, mta_path, msp_path, settings, self.display,
                                           self.input_problems, self.memo)
        self.target = self.configuration.target
        self.configs = self.configuration.configs   # the linted configs (.cf, or a lone .mc)
        self.mta = self.configuration.mta
        self.msp = self.configuration.msp
        self.accounts = Accounts(fs, self.memo)
        self.safety = Safety(self.accounts, self.target, self.memo)
        self.deployment = Deployment(fs, settings, self.configs, self.display, self.memo)
        self.files = TlsFiles(fs, settings, self.configs, self.deployment, self.memo)

    @classmethod
    def unreadable(cls, shown: str, message: str, settings: Settings) -> "Installation":
        """An input that could not be opened at all (a corrupt archive)."""
        inst = cls(LiveFS(), None, None, settings)
        inst.input_problems.append(InputProblem(shown, message))
        return inst

    @property
    def now(self) -> "datetime.datetime":
        if self.settings.now is not None:
            return self.settings.now
        import datetime

        return datetime.datetime.now(datetime.timezone.utc)

    def memo(self, key, compute):
        """A value derived from the files, computed once per installation (rules share
        it: the certificates a configuration can see, the CA directory index). The views
        keep theirs here too."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value
