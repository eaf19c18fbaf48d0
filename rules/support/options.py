"""Sendmail options as the rules read and report them: where a finding on a config line
goes, the fix that sets an option (the .cf line and the .mc define), a "did you mean" hint,
the references the option rules cite, and how sendmail splits the values several rules
read (booleans, DontBlameSendmail words, the SSL options)."""
from __future__ import annotations

import re

from cflint.api import Location
from cflint.sendmail import options as optdata

SENDMAIL_DOCS = "sendmail Installation and Operation Guide (op.me), section 5 'The Configuration File'"
OP_ME_TLS = "sendmail op.me, section 'Certificates for STARTTLS' and the option list"

_WORD = re.compile(r"[A-Za-z0-9]+")


def loc(cfg, line: int | None, column: int | None = None) -> Location:
    return Location(cfg.path, line, column)


def option_fix(name: str, value: str, verb: str = "Set") -> str:
    """A fix that sets an option, as the .cf line and the .mc define: "Set 'O Name=value'
    (in the .mc: define(`confNAME', `value')dnl)"; "Write" replaces the line the finding
    is on. An option no conf macro writes goes under LOCAL_CONFIG in the .mc."""
    from cflint.sendmail.mc_macros import macro_for_option

    macro = macro_for_option(name)
    mc = f"define(`{macro}', `{value}')dnl" if macro else f"O {name}={value} under LOCAL_CONFIG"
    return f"{verb} 'O {name}={value}'   (in the .mc: {mc})"


def did_you_mean(word: str, choices, n: int = 3) -> str:
    import difflib

    low = {c.lower(): c for c in choices}
    hits = difflib.get_close_matches(word.lower(), list(low), n=n, cutoff=0.72)
    if not hits:
        return ""
    return " Did you mean " + " or ".join(low[h] for h in hits) + "?"


def is_true(value: str) -> bool:
    """sendmail's atobool(): empty, or starting with t, T, y or Y."""
    return value == "" or value[0] in "tTyY"


def dont_blame_words(cfg, model):
    """Yield (setting, word as written, canonical word or None, status) for every
    DontBlameSendmail word; status is "ok", "later" (exists from a later release) or
    "unknown"."""
    canon = {w.lower(): w for w in optdata.DONT_BLAME_WORDS}
    tv = model.target.version
    for s in cfg.all("DontBlameSendmail"):
        for m in _WORD.finditer(s.value):
            word = m.group(0)
            c = canon.get(word.lower())
            if c is None:
                yield s, word, None, "unknown"
            elif optdata.DONT_BLAME_WORDS[c] > tv:
                yield s, word, c, "later"
            else:
                yield s, word, c, "ok"


def ssl_option_tokens(value: str) -> list[tuple[str, str]]:
    """Split Server/ClientSSLOptions as readcf.c does: skip spaces (only spaces), take an
    optional '+' or '-', then a token up to white space or ','. A leading TAB, '+ x' or
    ',,' thus give an empty token, which sendmail rejects."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(value)
    while i < n:
        while i < n and value[i] == " ":
            i += 1
        if i >= n:
            break
        sign = ""
        if value[i] in "+-":
            sign = value[i]
            i += 1
        start = i
        while i < n and not value[i].isspace() and value[i] != ",":
            i += 1
        out.append((sign, value[start:i]))
        if i < n:
            i += 1  # the separator ends the token
    return out
