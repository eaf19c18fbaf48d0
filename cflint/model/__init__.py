"""The model rules read: an :class:`Installation` (see installation.py); ``cfconfig``:
one parsed config and its O lines resolved as setoption() resolves them; ``settings``:
the run's ``Settings`` and ``InputProblem``."""
from .cfconfig import (ABBREV, AMBIGUOUS, APPLIED, COMPILED_OUT, EXACT, FATAL, NOT_IN_TARGET,
                       SHORT, SHORT_UNKNOWN, UNKNOWN, CfConfig, OptionTable, Setting,
                       is_mc_path, looks_like_mc, resolve_settings)
from .accounts import Accounts
from .safety import ORDINARY_UID, Safety, split_user
from .configs import CONFIG_SIZE_LIMIT, Configuration, path_role_msp
from .display import Display
from .installation import GIT_TRACKED, NEVER, Installation, is_defined_path
from .settings import InputProblem, Settings

__all__ = [
    "ABBREV", "AMBIGUOUS", "APPLIED", "COMPILED_OUT", "EXACT", "FATAL", "NOT_IN_TARGET",
    "SHORT", "SHORT_UNKNOWN", "UNKNOWN", "CfConfig", "OptionTable", "Setting", "is_mc_path",
    "looks_like_mc", "resolve_settings", "CONFIG_SIZE_LIMIT", "GIT_TRACKED", "NEVER",
    "ORDINARY_UID", "Installation", "is_defined_path", "path_role_msp", "split_user",
    "InputProblem", "Settings", "Accounts", "Safety",
    "Configuration", "Display",
]
