"""Option values sendmail's reader rejects (CF009) and how sendmail splits them.

The splitting helpers here are shared by the rules that read these values.
"""
from __future__ import annotations

import re

from cflint.api import Rule, RuleMeta
from cflint.sendmail import options as optdata

from .framework import SENDMAIL_DOCS, did_you_mean, loc

MILTER_SUBOPTIONS = ("LogLevel", "macros.connect", "macros.helo", "macros.envfrom",
                     "macros.envrcpt", "macros.data", "macros.eom", "macros.eoh")

DELIVERY_MODES = {"i": "interactive", "b": "background", "q": "queue only",
                  "d": "deferred"}

_WORD = re.compile(r"[A-Za-z0-9]+")


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


def dont_blame_flags(cfg, model) -> set[str]:
    """The DontBlameSendmail words in effect (lowercase); 'Safe' clears earlier ones."""
    flags: set[str] = set()
    for _s, _w, c, status in dont_blame_words(cfg, model):
        if status != "ok":
            continue
        if c.lower() == "safe":
            flags.clear()
        else:
            flags.add(c.lower())
    return flags


def is_true(value: str) -> bool:
    """sendmail's atobool(): empty, or starting with t, T, y or Y."""
    return value == "" or value[0] in "tTyY"


def split_user(value: str) -> tuple[str, str | None]:
    """RunAsUser 'user[:group]' (':', '.' and '/' separate)."""
    m = re.match(r"([^:./]*)(?:[:./](.*))?$", value.strip(), re.S)
    user, group = (m.group(1), m.group(2)) if m else (value, None)
    return user, group


class InvalidOptionValue(Rule):
    meta = RuleMeta(
        code="CF009", name="invalid-option-value", level="error", impacts=("daemon-fails",),
        summary="An option value sendmail's reader rejects",
        rationale=(
            "Some values are fatal when sendmail reads its configuration: an unknown "
            "DontBlameSendmail word ('readcf: DontBlameSendmail option: X unrecognized'), an "
            "unknown Timeout.<x> ('settimeout: invalid timeout x') or Milter.<x>, and a "
            "RunAsUser or TrustedUser naming a user or group that does not exist. sendmail "
            "then exits with status 70 and the daemon does not start."),
        fix="Correct the value as the message says.",
        references=(SENDMAIL_DOCS, "sendmail readcf.c setoption(), settimeout()"),
        bad_example="O DontBlameSendmail=GroupReadableKeyfile,Group-Writable",
        good_example="O DontBlameSendmail=GroupReadableKeyFile",
    )

    def check(self, model):
        for cfg in model.configs:
            for s, word, _c, status in dont_blame_words(cfg, model):
                if status != "unknown":
                    continue
                hint = did_you_mean(word, optdata.DONT_BLAME_WORDS)
                if "-" in s.value or "_" in s.value:
                    hint += (" Words are runs of letters and digits: '-' or '_' splits a "
                             "word in two.")
                yield self.finding(
                    loc(cfg, s.line, s.opt.value_column),
                    f"unknown DontBlameSendmail word {word!r}: sendmail says \"readcf: "
                    f"DontBlameSendmail option: {word} unrecognized\" and does not start."
                    + hint,
                    fix="Remove or correct the word on this line.", anchor=f"dbs:{word}")
            for s in cfg.applied():
                name = s.spec.name
                sub = s.opt.sub
                if name == "Timeout" and sub is not None:
                    if sub.lower() not in _timeout_names(model):
                        yield self.finding(
                            loc(cfg, s.line, s.opt.column),
                            f"unknown timeout Timeout.{sub}: sendmail says \"settimeout: "
                            f"invalid timeout {sub}\" and does not start."
                            + did_you_mean(sub, optdata.TIMEOUT_NAMES),
                            fix="Correct the Timeout sub-option name.",
                            anchor=f"timeout:{sub.lower()}")
                elif name == "Milter" and sub is not None:
                    if sub.lower() not in {m.lower() for m in MILTER_SUBOPTIONS}:
                        yield self.finding(
                            loc(cfg, s.line, s.opt.column),
                            f"unknown Milter option {sub!r}: sendmail says "
                            f"\"milter_set_option: invalid Milter option {sub}\" and does not "
                            "start." + did_you_mean(sub, MILTER_SUBOPTIONS),
                            fix="Use one of: " + ", ".join(MILTER_SUBOPTIONS),
                            anchor=f"milter:{sub.lower()}")
                elif name in ("RunAsUser", "TrustedUser"):
                    yield from self._user(model, cfg, s, name)
                elif name == "DeliveryMode":
                    mode = s.value[:1]
                    if mode and mode not in DELIVERY_MODES:
                        yield self.finding(
                            loc(cfg, s.line, s.opt.value_column),
                            f"DeliveryMode {s.value!r}: sendmail reads only the first "
                            f"character and knows no mode {mode!r}; it says \"Unknown delivery "
                            f"mode {mode}\" and does not start.",
                            fix="Use one of: " + ", ".join(
                                f"{k} ({v})" for k, v in DELIVERY_MODES.items()),
                            anchor="deliverymode")
                elif name == "SmtpUTF8" and is_true(s.value) and \
                        "USE_EAI" not in model.target.build_flags:
                    yield self.finding(
                        loc(cfg, s.line, s.opt.column),
                        "SmtpUTF8 is switched on, but the target build has no EAI support: "
                        "sendmail says \"readcf: option: SmtpUTF8 set but no USE_EAI support\" "
                        "and does not start.",
                        fix="Remove the SmtpUTF8 line (or set it to False).",
                        anchor="smtputf8")

    def _user(self, model, cfg, s, name):
        value = s.value.strip()
        if not value:
            return
        if name == "RunAsUser":
            user, group = split_user(value)
        else:
            user, group = value, None
        where = model.names_source
        if user and not user.isdigit() and not model.user_exists(user):
            yield self.finding(
                loc(cfg, s.line, s.opt.value_column),
                f"{name} names user {user!r}, which does not exist in {where}: sendmail "
                f"says \"readcf: option {name}: unknown user {user}\" and does not start.",
                fix=f"Create the user (useradd -r {user}) or correct {name}.",
                anchor=f"user:{name}:{user}")
        if group and not group.isdigit() and not model.group_exists(group):
            yield self.finding(
                loc(cfg, s.line, s.opt.value_column),
                f"{name} names group {group!r}, which does not exist in {where}: sendmail "
                f"says \"readcf: option {name}: unknown group {group}\" and does not start.",
                fix=f"Create the group (groupadd -r {group}) or correct {name}.",
                anchor=f"group:{name}:{group}")


def _timeout_names(model) -> set[str]:
    tv = model.target.version
    return {n.lower() for n, since in optdata.TIMEOUT_NAMES.items() if since <= tv}
