"""The model rules read: an :class:`Installation` (see installation.py)."""
from .installation import (ABBREV, AMBIGUOUS, APPLIED, COMPILED_OUT, CONFIG_SIZE_LIMIT, EXACT,
                           FATAL, GIT_TRACKED, NEVER, NOT_IN_TARGET, ORDINARY_UID, SHORT,
                           SHORT_UNKNOWN, UNKNOWN, CfConfig, InputProblem, Installation,
                           OptionTable, Setting, Settings, is_defined_path, is_mc_path,
                           looks_like_mc, path_role_msp, resolve_settings, split_user)

__all__ = [
    "ABBREV", "AMBIGUOUS", "APPLIED", "COMPILED_OUT", "CONFIG_SIZE_LIMIT", "EXACT", "FATAL",
    "GIT_TRACKED", "NEVER", "NOT_IN_TARGET", "ORDINARY_UID", "SHORT", "SHORT_UNKNOWN",
    "UNKNOWN", "CfConfig", "InputProblem", "Installation", "OptionTable", "Setting",
    "Settings", "is_defined_path", "is_mc_path", "looks_like_mc", "path_role_msp",
    "resolve_settings", "split_user",
]
