"""CF009: option values sendmail's reader rejects, one validator per option."""
from __future__ import annotations

import re

from cflint.api import Rule, RuleMeta
from cflint.model import split_user
from cflint.sendmail import options as optdata

from ..support.options import SENDMAIL_DOCS, did_you_mean, dont_blame_words, is_true, loc

MILTER_SUBOPTIONS = ("LogLevel", "macros.connect", "macros.helo", "macros.envfrom",
                     "macros.envrcpt", "macros.data", "macros.eom", "macros.eoh")

DELIVERY_MODES = {"i": "interactive", "b": "background", "q": "queue only",
                  "d": "deferred"}


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
        fix_kind=('remove', 'manual'),
        fix_manual='a misspelt Timeout or Milter name, or a missing user, is corrected by hand',
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
                    f"unknown DontBlameSendmail word '{word}': sendmail says \"readcf: "
                    f"DontBlameSendmail option: {word} unrecognized\" and does not start."
                    + hint,
                    fix=f"Remove {word} from the DontBlameSendmail line, or correct it.",
                    anchor=f"dbs:{word}")
            for s in cfg.applied():
                check = VALIDATORS.get(s.spec.name)
                if check is None:
                    continue
                for problem in check(model, s):
                    what, said, fix = problem[:3]
                    column = problem[3] if len(problem) > 3 else s.opt.value_column
                    yield self.finding(
                        loc(cfg, s.line, column),
                        f"{what}: sendmail says \"{said}\" and does not start.",
                        fix=fix, anchor=f"value:{s.spec.name}:{said}")


def _timeout(model, s):
    sub = s.opt.sub
    if sub is not None and sub.lower() not in _timeout_names(model):
        yield (f"unknown timeout Timeout.{sub}" + did_you_mean(sub, optdata.TIMEOUT_NAMES),
               f"settimeout: invalid timeout {sub}", "Correct the Timeout sub-option name.",
               s.opt.column)


def _milter(model, s):
    sub = s.opt.sub
    if sub is None:
        yield ("Milter needs a sub-option (Milter.LogLevel, Milter.macros.connect, ...)",
               "milter_set_option: invalid Milter option, must specify suboption",
               "Write 'O Milter.<suboption>=value'.", s.opt.column)
    elif sub.lower() not in {m.lower() for m in MILTER_SUBOPTIONS}:
        yield (f"unknown Milter option '{sub}'" + did_you_mean(sub, MILTER_SUBOPTIONS),
               f"milter_set_option: invalid Milter option {sub}",
               "Use one of: " + ", ".join(MILTER_SUBOPTIONS), s.opt.column)


def _user_option(label_of):
    """RunAsUser / DefaultUser ('user[:group]') and TrustedUser ('user')."""

    def check(model, s):
        name = s.spec.name
        label = label_of.get(name, name)
        value = s.value
        if name == "TrustedUser":
            user, group = value, None
        else:
            user, group = split_user(value)
        where = model.accounts.source
        if not (user[:1].isdigit()) and not model.accounts.user_exists(user):
            shown = f"user '{user}'" if user else "an empty user name"
            yield (f"{name} names {shown}, which does not exist in {where}",
                   f"readcf: option {label}: unknown user {user}",
                   f"Create the user (useradd -r {user or 'NAME'}) or correct {name}.")
            return  # sendmail stops at the user
        if group and not group[:1].isdigit() and not model.accounts.group_exists(group):
            yield (f"{name} names group '{group}', which does not exist in {where}",
                   f"readcf: option {label}: unknown group {group}",
                   f"Create the group (groupadd -r {group}) or correct {name}.")

    return check


def _first_char(choices: dict[str, str], said: str, case: bool = True, empty_ok=True):
    def check(model, s):
        c = s.value[:1]
        key = c if case else c.lower()
        if (c == "" and empty_ok) or key in choices:
            return
        yield (f"{s.spec.name}='{s.value}': sendmail reads only the first character, and "
               f"'{c}' is none of its modes", said.format(c=c, v=s.value),
               f"Use one of: " + ", ".join(f"{k} ({v})" for k, v in choices.items()) + ".")

    return check


def _smtputf8(model, s):
    if is_true(s.value) and "USE_EAI" not in model.target.build_flags:
        yield ("SmtpUTF8 is switched on, but the target build has no EAI support",
               "readcf: option: SmtpUTF8 set but no USE_EAI support",
               "Remove the SmtpUTF8 line (or set it to False).", s.opt.column)


PRIVACY_WORDS = ("public", "needmailhelo", "needexpnhelo", "needvrfyhelo", "noexpn", "novrfy",
                 "restrictexpand", "restrictmailq", "restrictqrun", "noetrn", "noverb",
                 "authwarnings", "noreceipts", "nobodyreturn", "goaway", "noactualrecipient")


def _privacy(model, s):
    for word in re.findall(r"[A-Za-z0-9]+", s.value):
        if word.lower() not in PRIVACY_WORDS:
            yield (f"unknown PrivacyOptions word '{word}'" + did_you_mean(word, PRIVACY_WORDS),
                   f"readcf: Op line: {word} unrecognized",
                   "Use the words of PrivacyOptions: " + ", ".join(PRIVACY_WORDS) + ".")


RESOLVER_FLAGS = ("debug", "aaonly", "usevc", "primary", "igntc", "recurse", "defnames",
                  "stayopen", "dnsrch", "use_edns0", "use_dnssec", "trustad", "true",
                  "HasWildcardMX", "WorkAroundBrokenAAAA")


def _resolver(model, s):
    """'I' option: words separated by white space (not commas), each with + or -."""
    known = {f.lower() for f in RESOLVER_FLAGS}
    for tok in s.value.split():
        word = tok[1:] if tok[:1] in "+-" else tok
        if word.lower() not in known:
            yield (f"unknown ResolverOptions flag '{word}' (flags are separated by spaces)"
                   + did_you_mean(word, RESOLVER_FLAGS),
                   f"readcf: I option value {word} unrecognized",
                   "Use +flag/-flag words separated by spaces: " + ", ".join(RESOLVER_FLAGS))


# setsockaddroptions(): the first character of each key picks the field
PORT_OPTION_KEYS = frozenset("AacDdFfIiLlMmNnPpqRrSs")
FAMILIES = ("inet", "inet6", "unix", "local")


def _port_options(model, s):
    for field in s.value.split(","):
        f = field.lstrip()
        if not f or "=" not in f:
            continue
        key, v = f.split("=", 1)
        v = v.lstrip()
        if f[0] not in PORT_OPTION_KEYS:
            yield (f"{s.spec.name}: unknown parameter '{f}' (Addr, Family, Port, Name, "
                   "Modifiers, Listen, ReceiveSize, SendSize, DeliveryMode, InputMailFilters, "
                   "children, delayLA, queueLA, refuseLA)",
                   f'554 5.3.5 PortOptions parameter "{field.strip()}" unknown',
                   "Correct the parameter name; parameters are separated by commas.")
        elif f[0] in "Ff" and not v[:1].isdigit() and v.lower() not in FAMILIES:
            yield (f"{s.spec.name}: unknown address family '{v}'",
                   f"554 5.3.5 Unknown address family {v} in Family=option",
                   "Use Family=inet, inet6 or local.")
        elif f[0] == "D" and v[:1] not in DELIVERY_MODES:
            yield (f"{s.spec.name}: unknown DeliveryMode '{v}'",
                   f"554 5.3.5 Unknown delivery mode {v[:1]}",
                   "Use DeliveryMode=i, b, q or d.")


def _connect_only_to(model, s):
    import ipaddress

    v = s.value.strip()
    try:
        ipaddress.IPv4Address(v)
    except ValueError:
        try:
            ipaddress.IPv6Address(v)
        except ValueError:
            yield (f"ConnectOnlyTo='{v}' is not an IP address",
                   f"readcf: option ConnectOnlyTo: invalid IP address {v}",
                   "Give an IPv4 or IPv6 address.")


def _mailbox_db(model, s):
    if s.value.strip() not in ("", "pw"):
        yield (f"MailboxDatabase='{s.value}': this build knows only 'pw'",
               f'Can\'t initialize mailbox database "{s.value}": Service unavailable',
               "Remove the line or write 'O MailboxDatabase=pw'.")


NO_RCPT_ACTIONS = ("none", "add-to", "add-apparently-to", "add-bcc", "add-to-undisclosed")


def _no_rcpt(model, s):
    if s.value.strip().lower() not in NO_RCPT_ACTIONS:
        yield (f"NoRecipientAction='{s.value}' is not an action",
               f"Invalid NoRecipientAction: {s.value}",
               "Use one of: " + ", ".join(NO_RCPT_ACTIONS) + ".")


QUEUE_SORT = {"h": "host", "p": "priority", "t": "time", "f": "filename",
              "m": "modification", "r": "random", "s": "shuffle", "n": "none"}
EIGHT_BIT = {"p": "pass8", "m": "mimefy", "s": "strict"}

VALIDATORS = {
    "Timeout": _timeout,
    "Milter": _milter,
    "RunAsUser": _user_option({}),
    "TrustedUser": _user_option({}),
    "DefaultUser": _user_option({"DefaultUser": "u"}),
    "DeliveryMode": _first_char(DELIVERY_MODES, "Unknown delivery mode {c}"),
    "EightBitMode": _first_char(EIGHT_BIT, "Unknown 8-bit mode {c}", case=False,
                                empty_ok=False),
    "QueueSortOrder": _first_char(QUEUE_SORT, 'Invalid queue sort order "{v}"', case=False),
    "SmtpUTF8": _smtputf8,
    "PrivacyOptions": _privacy,
    "ResolverOptions": _resolver,
    "DaemonPortOptions": _port_options,
    "ClientPortOptions": _port_options,
    "ConnectOnlyTo": _connect_only_to,
    "MailboxDatabase": _mailbox_db,
    "NoRecipientAction": _no_rcpt,
}


def _timeout_names(model) -> set[str]:
    tv = model.target.version
    return {n.lower() for n, since in optdata.TIMEOUT_NAMES.items() if since <= tv}
