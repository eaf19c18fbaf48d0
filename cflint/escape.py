"""The one escaping of text quoted from what cflint reads (configs, file names, archive
members, certificate names, mail logs, SMTP replies) before it reaches any output.

Control characters (C0, DEL, C1) become ``\\x1b``-style escapes, so a linted file cannot
move the cursor, set a window title or clear the user's terminal; the bytes that were not
UTF-8 (decoded with ``surrogateescape``, as U+DC80..U+DCFF) become ``\\xff``; any other
lone surrogate becomes ``\\udXXX``. The result is always encodable as UTF-8. Escaping is
idempotent (a backslash is kept as it is), so text escaped once — a saved JSON output
read again — comes out unchanged.
"""
from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_UNSAFE_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

# the values of these keys may be several lines (cflint's messages and exact fixes, a
# certificate's PEM), which every format folds or encodes, as for a Finding
MULTILINE_KEYS = frozenset({"message", "fix", "pem"})


def _one(m: re.Match) -> str:
    c = ord(m.group())
    if 0xDC80 <= c <= 0xDCFF:          # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{c - 0xDC00:02x}"
    return f"\\u{c:04x}" if c > 0xFF else f"\\x{c:02x}"


def escape(text: str, keep_newlines: bool = False) -> str:
    """``text`` with every control character and undecodable byte escaped (newlines
    kept when ``keep_newlines``: for our own multi-line texts, such as a fix)."""
    return (_UNSAFE_BUT_NEWLINE if keep_newlines else _UNSAFE).sub(_one, text)


def escape_tree(value, multiline: bool = False):
    """Every string of a JSON-like value (dict keys included) escaped; newlines are kept
    only in the values of MULTILINE_KEYS."""
    if isinstance(value, str):
        return escape(value, multiline)
    if isinstance(value, dict):
        return {escape(k) if isinstance(k, str) else k:
                escape_tree(v, k in MULTILINE_KEYS) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(escape_tree(v, multiline) for v in value)
    return value
