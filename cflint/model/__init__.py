"""The model rules read: an :class:`Installation` and its views (see installation.py).

- ``cfconfig``: one parsed config (``CfConfig``) and its O lines resolved as sendmail's
  setoption() resolves them (``OptionTable``, ``Setting``, ``resolve_settings``);
- ``configs``: the configuration view (reading, pairing .cf with .mc, target,
  suppressions, relocating findings to the .mc);
- ``accounts``: users and groups; ``safety``: identities and DontBlameSendmail flags;
- ``deployment``: repository sources and git-tracked files; ``tlsfiles``: the TLS files
  the configs name and their contents; ``display``: how paths are shown;
- ``settings``: the run's ``Settings`` and ``InputProblem``.
"""
from .cfconfig import (ABBREV, AMBIGUOUS, APPLIED, COMPILED_OUT, EXACT, FATAL, NOT_IN_TARGET,
                       SHORT, SHORT_UNKNOWN, UNKNOWN, CfConfig, OptionTable, Setting,
                       is_mc_path, looks_like_mc, resolve_settings)
from .configs import CONFIG_SIZE_LIMIT, Configuration, path_role_msp
from .accounts import Accounts
from .safety import ORDINARY_UID, Safety, split_user
from .deployment import GIT_TRACKED, NEVER, Deployment
from .tlsfiles import TlsFiles, is_defined_path
from .display import Display
from .settings import InputProblem, Settings
from .installation import Installation

__all__ = [
    "ABBREV", "AMBIGUOUS", "APPLIED", "COMPILED_OUT", "EXACT", "FATAL", "NOT_IN_TARGET",
    "SHORT", "SHORT_UNKNOWN", "UNKNOWN", "CfConfig", "OptionTable", "Setting", "is_mc_path",
    "looks_like_mc", "resolve_settings", "CONFIG_SIZE_LIMIT", "Configuration",
    "path_role_msp", "Accounts", "ORDINARY_UID", "Safety", "split_user", "GIT_TRACKED",
    "NEVER", "Deployment", "TlsFiles", "is_defined_path", "Display", "InputProblem",
    "Settings", "Installation",
]
