"""Parse sendmail.cf text: a lark LALR grammar for the line structure (grammar.lark),
then sendmail's own reading of each line (readcf.c readcf(), translate_dollars(),
setoption()) in file order, since mid-line comments and macro expansion depend on
what came before.

The result is a :class:`CfDocument`: every logical line with its position, the option
settings with how their names resolved, macros, and the syntax problems sendmail's
config reader would report, each with the physical line number sendmail prints
(the last physical line of a folded logical line).
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field

GRAMMAR_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "grammar.lark")

# rule name in the grammar -> line kind
_KINDS = {
    "comment": "comment", "version": "V", "macro": "D", "class": "C", "fileclass": "F",
    "trusted": "T", "header": "H", "mailer": "M", "option_long": "O", "option_tab": "O",
    "option_short": "O", "option_bare": "O", "precedence": "P", "map": "K",
    "ruleset": "S", "rule": "R", "env": "E", "queue": "Q", "milter": "X",
    "orphan": "orphan", "other": "other",
}


@dataclass(slots=True)
class CfLine:
    kind: str          # "V", "O", ..., "comment", "orphan", "other"
    form: str          # grammar rule name (option_long, option_short, ...)
    raw: str           # the logical line as written (folds kept as "\n<indent>")
    text: str = ""     # after comment stripping and trailing-white-space removal
    line: int = 0      # first physical line
    end_line: int = 0  # last physical line: the one sendmail names in its messages


@dataclass(slots=True)
class Problem:
    """Something sendmail's config reader reports for a line."""

    kind: str        # "syntax" (CF001-type), the rest are judged by rules
    line: int
    column: int
    message: str     # our explanation
    sendmail: str    # the text sendmail prints
    fatal: bool = True


@dataclass(slots=True)
class OptionLine:
    """One O line as sendmail splits it (before the name is looked up)."""

    form: str           # "long" or "short"
    name: str           # as written ("ServerCert", or the letter for the short form)
    value: str          # as written, comments stripped
    expanded: str       # after macro expansion (as sendmail keeps TLS paths)
    line: int           # sendmail's line (last physical)
    first_line: int
    column: int         # column of the name
    value_column: int
    sub: str | None = None  # "queuereturn" for Timeout.queuereturn
    raw_rest: str = ""  # for the short form: everything after "O"


def option_key(o: OptionLine) -> str:
    """An O line's option as one string: "LogLevel", "Timeout.queuewarn"."""
    return o.name + (f".{o.sub}" if o.sub else "")


@dataclass(slots=True)
class CfDocument:
    lines: list[CfLine] = field(default_factory=list)
    options: list[OptionLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    macros: dict[str, str] = field(default_factory=dict)
    macro_lines: dict[str, int] = field(default_factory=dict)
    macro_raw: dict[str, str] = field(default_factory=dict)
    config_level: int = 0
    vendor: str | None = None
    version_line: int | None = None
    header_version: str | None = None  # sendmail version the file says it was built for
    physical_lines: int = 0
    mailers: list[str] = field(default_factory=list)


_parser = None


def _read(path: str, mode: str):
    with open(path, mode) as fh:  # the product's own grammar file, not a linted one
        return fh.read()


def _cache_path() -> str | None:
    return grammar_cache_path(GRAMMAR_PATH, "cf-grammar")


def grammar_cache_path(grammar_path: str, prefix: str) -> str | None:
    """Where lark keeps a grammar's built LALR tables: cflint's cache directory
    (:func:`cflint.cache.cache_dir`), keyed by the grammar and lark's version; None when
    it cannot be written (the tables are then built in memory)."""
    from ..cache import cache_dir

    d = cache_dir()
    if d is None:
        return None
    import lark

    grammar = _read(os.fspath(grammar_path), "rb") + lark.__version__.encode()
    digest = hashlib.sha256(grammar).hexdigest()[:16]
    return os.path.join(d, f"{prefix}-{digest}.cache")


def get_parser():
    """The LALR parser, built once; its tables are cached on disk between runs."""
    global _parser
    if _parser is None:
        import lark

        cache = _cache_path()
        kwargs = dict(parser="lalr", lexer="basic", propagate_positions=False,
                      maybe_placeholders=False)
        try:
            _parser = lark.Lark(_read(GRAMMAR_PATH, "r"), cache=cache or False, **kwargs)
        except OSError:  # cache unreadable or unwritable: build in memory
            _parser = lark.Lark(_read(GRAMMAR_PATH, "r"), **kwargs)
    return _parser


def tokenize(text: str) -> list[CfLine]:
    """Split text into logical lines with the lark grammar."""
    tree = get_parser().parse(text)
    out: list[CfLine] = []
    append = out.append
    for node in tree.children:
        tok = node.children[0]
        form = node.data
        raw = str(tok)
        end = tok.end_line
        if raw.endswith("\n"):  # the token carries its own newline
            raw = raw[:-1]
            end -= 1
        append(CfLine(kind=_KINDS[form], form=form, raw=raw, line=tok.line, end_line=end))
    return out


# ---------------------------------------------------------------- reading

_WS = " \t\n\r\f\v"


def strip_comment(body: str, level: int) -> str:
    """translate_dollars(): after a V line of level >= 3, an unescaped '#' past column 1
    starts a comment that runs to the end of its physical line; the white space before
    it goes too. ``\\#`` is a literal '#', and ``$#`` is kept. Then trailing white space
    is removed from the logical line."""
    if level >= 3 and "#" in body[1:]:
        out = list(body)
        i = 1
        while i < len(out):
            if out[i] == "#":
                prev = out[i - 1]
                if prev == "$":
                    i += 1
                    continue
                if prev == "\\":
                    del out[i - 1]
                    continue  # out[i-1] is now '#'; go on after it
                j = i - 1
                while j > 0 and out[j] in " \t\r\f\v":
                    j -= 1
                start = j + 1
                try:
                    end = out.index("\n", i)
                except ValueError:
                    end = len(out)
                del out[start:end]
                i = start
                continue
            i += 1
        body = "".join(out)
    return body.rstrip(_WS)


_MACRO_RE = re.compile(r"\$(\$|\{[^}]*\}|.)", re.S)


def expand_macros(value: str, macros: dict[str, str]) -> str:
    """Expand $x and ${name} with the macros defined so far ($$ is a literal $);
    an undefined macro expands to nothing; the result is cut at 2048 bytes."""
    if "$" not in value:
        return value

    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name == "$":
            return "$"
        if name.startswith("{"):
            name = name[1:-1]
        return macros.get(name, "")

    return _MACRO_RE.sub(sub, value)[:2048]


_HEADER_VERSION_RES = (
    re.compile(r"^DZ(\d+\.\d+(?:\.\d+)*)", re.M),
    re.compile(r"^#+.*?\bsendmail[ -]?(?:version )?(8\.\d+(?:\.\d+)*)", re.M | re.I),
    re.compile(r"^#+.*?\b(8\.1[0-9](?:\.\d+)+)\b", re.M),
)


def header_version(text: str) -> str | None:
    head = text[:20000]
    for rx in _HEADER_VERSION_RES:
        m = rx.search(head)
        if m:
            return m.group(1)
    return None


def _column_of_name(raw: str) -> int:
    # "O Name=..." -> name starts at column 3
    return 3


# the sources a parse is a function of, besides the text (cflint.cache.code_id)
_CODE = ("cf/parser.py", "cf/grammar.lark", "cache.py", "__init__.py")  # (cache.Piece)


def parse_cached(text: str) -> CfDocument:
    """:func:`parse` through cflint's cache directory (:mod:`cflint.cache`), keyed by the
    text and the parser's own code: a hit needs neither lark nor its tables. Nothing is
    stored when the directory is not writable or the text holds key material."""
    from ..cache import KEY_TEXT, cache_dir, code_id, entry_path, load, store

    d = cache_dir()
    if d is None:
        return parse(text)
    entry = entry_path(d, "cf-parse", code_id(_CODE), text)
    doc = load(entry)
    if isinstance(doc, CfDocument):
        return doc
    doc = parse(text)
    if KEY_TEXT not in text:
        store(entry, doc)
    return doc


def parse(text: str) -> CfDocument:
    """Read a whole cf text the way readcf() does."""
    text = text.replace("\r\n", "\n")
    doc = CfDocument()
    doc.physical_lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    try:
        doc.lines = tokenize(text)
    except Exception as e:  # the grammar accepts any text; never let a surprise crash a run
        line = getattr(e, "line", 1) or 1
        col = getattr(e, "column", 1) or 1
        doc.problems.append(Problem("syntax", max(1, line), max(1, col),
                                    f"cflint could not read this line ({type(e).__name__})",
                                    "unreadable line"))
        return doc
    doc.header_version = header_version(text)
    level = 0
    seen_ruleset = False
    problems = doc.problems
    macros = doc.macros
    for ln in doc.lines:
        kind = ln.kind
        if kind == "comment":
            ln.text = ln.raw
            continue
        raw = ln.raw
        if "\x00" in raw:  # sendmail handles lines as C strings: a NUL ends the line
            raw = raw[:raw.index("\x00")]
        body = strip_comment(raw, level)
        ln.text = body
        where = ln.end_line
        if kind == "orphan" or kind == "other":
            shown = body.replace("\n", "\\n")
            problems.append(Problem(
                "syntax", where, 1,
                f"unknown configuration line {shown[:60]!r}: sendmail accepts only the "
                "line types V D C F T H M O P K S R E Q X, in column 1"
                + ("; an indented line continues the line before it, and here there is "
                   "none (start of file or after an empty line)" if kind == "orphan" else ""),
                f'unknown configuration line "{body}"'))
        elif kind == "V":
            doc.version_line = where
            rest = body[1:]
            p = rest.lstrip(" \t\n")
            m = re.match(r"\d+", p)
            if not m:
                problems.append(Problem(
                    "syntax", where, 2,
                    "the V line needs a numeric configuration level (V10/Berkeley)",
                    f'invalid argument to V line: "{rest[:20]}"'))
                continue
            level = int(m.group(0))
            doc.config_level = level
            after = p[m.end():]
            if after.startswith("/"):
                vm = re.match(r"[A-Za-z]*", after[1:])
                vendor = vm.group(0) if vm else ""
                doc.vendor = vendor
                if vendor.lower() != "berkeley":
                    problems.append(Problem(
                        "syntax", where, 2 + len(rest) - len(p) + m.end() + 1,
                        f"unknown V line vendor code {vendor!r}: this build accepts only Berkeley",
                        f'invalid V line vendor code: "{vendor}"'))
        elif kind == "D":
            name, value = _macro_def(body)
            if name:
                macros[name] = expand_macros(value, macros)
                doc.macro_raw[name] = value
                doc.macro_lines[name] = where
            else:
                problems.append(Problem("syntax", where, 2, "a D line needs a macro name "
                                        "(Dj value, or D{name}value)",
                                        "Name required for macro/class"))
        elif kind in ("C", "F"):
            if body[1:2] in ("", " ", "\t") and not body[1:].lstrip(" \t\n") or \
                    body[1:3] == "{}":
                problems.append(Problem("syntax", where, 2, f"a {kind} line needs a class "
                                        "name (Cw word, or C{name} word)",
                                        "Name required for macro/class"))
        elif kind == "S":
            if not body[1:].strip():
                problems.append(Problem("syntax", where, 2, "an S line needs a ruleset "
                                        "name or number", 'invalid ruleset name: ""'))
            seen_ruleset = True
        elif kind == "K":
            _check_map(doc, where, body)
        elif kind == "Q":
            _check_equates(doc, where, body, "queue")
        elif kind == "R":
            if not seen_ruleset:
                problems.append(Problem(
                    "syntax", where, 1,
                    "a rewriting rule (R line) before any ruleset (S line)",
                    f'missing valid ruleset for "{body}"'))
            elif "\t" not in body:
                problems.append(Problem(
                    "syntax", where, 1,
                    "the R line has no TAB between its left- and right-hand side",
                    f'invalid rewrite line "{body}" (tab expected)'))
        elif kind == "P":
            if "=" not in body:
                problems.append(Problem(
                    "syntax", where, 1, "a P (precedence) line needs name=value",
                    f'unknown configuration line "{body}"'))
        elif kind == "O":
            _read_option(ln, body, macros, doc)
        elif kind == "M":
            _check_equates(doc, where, body, "mailer")
        elif kind == "X":
            _check_equates(doc, where, body, "filter")
        elif kind == "H":
            _check_header(doc, where, body)
    if doc.config_level > MAX_CONFIG_LEVEL:
        problems.append(Problem(
            "syntax", doc.version_line, 2,
            f"configuration level {doc.config_level} is above {MAX_CONFIG_LEVEL}, the "
            "highest sendmail 8.13-8.18 supports: sendmail refuses the file",
            f"Warning: .cf version level ({doc.config_level}) exceeds sendmail version "
            f"functionality ({MAX_CONFIG_LEVEL})"))
    doc.mailers = mailers = [_mailer_name(ln.text) for ln in doc.lines if ln.kind == "M"]
    if "local" not in mailers and doc.lines:
        problems.append(Problem(
            "syntax", doc.version_line or doc.lines[0].end_line, 1,
            "no mailer named 'local' is defined (Mlocal, ...): sendmail needs one, even "
            "in submit.cf", "No local mailer defined"))
    return doc


MAX_CONFIG_LEVEL = 10


def _mailer_name(text: str) -> str:
    name, _fields, _err = parse_equates(text)
    return name


def _check_map(doc: CfDocument, where: int, body: str) -> None:
    """makemapentry(): 'Kname class args'."""
    parts = body[1:].split(None, 2)
    if not parts:
        doc.problems.append(Problem("syntax", where, 2, "a K line needs a map name and class",
                                    "readcf: config K line: no map name"))
    elif len(parts) < 2:
        doc.problems.append(Problem(
            "syntax", where, 2, f"the K line for map {parts[0]!r} names no map class "
            "(e.g. 'Kaccess hash /etc/mail/access')",
            f"readcf: config K line, map {parts[0]}: no map class"))


# makemailer() and milter_setup(): "Mname, C=value, ..." field codes each accepts
_MAILER_EQUATES = frozenset("PFSREAMmrLNDCQTUW/")
_FILTER_EQUATES = frozenset("SFT")
_QUEUE_EQUATES = frozenset("PFNIRrJ")
_EQUATES = {"mailer": _MAILER_EQUATES, "filter": _FILTER_EQUATES, "queue": _QUEUE_EQUATES}
_ENTITY = {"mailer": "mailer", "filter": "mail filter", "queue": "queue"}


def munch(text: str, i: int, delim: str) -> tuple[str, int]:
    """munchstring(): a field up to ``delim`` outside double quotes; backslash escapes."""
    out = []
    backslash = quote = False
    while i < len(text):
        c = text[i]
        if backslash:
            backslash = False
            out.append({"r": "\r", "n": "\n", "f": "\f", "b": "\b"}.get(c, c))
        elif c == "\\":
            backslash = True
        elif c == '"':
            quote = not quote
        elif quote or c != delim:
            out.append(c)
        else:
            break
        i += 1
    return "".join(out), i


def parse_equates(body: str) -> tuple[str, list[tuple[str, str]], str | None]:
    """Split an M or X line: (name, [(code, value)], error text or None)."""
    rest = body[1:]
    i = 0
    while i < len(rest) and rest[i] != "," and not rest[i].isspace():
        i += 1
    name = rest[:i]
    if i < len(rest):
        i += 1
    fields: list[tuple[str, str]] = []
    while i < len(rest):
        while i < len(rest) and (rest[i] == "," or rest[i].isspace()):
            i += 1
        if i >= len(rest):
            break
        code = rest[i]
        while i < len(rest) and rest[i] not in "=,":
            i += 1
        if i >= len(rest) or rest[i] != "=":
            return name, fields, "`=' expected"
        i += 1
        while i < len(rest) and rest[i].isspace():
            i += 1
        value, i = munch(rest, i, ",")
        fields.append((code, value))
    return name, fields, None


def _check_equates(doc: CfDocument, where: int, body: str, what: str) -> None:
    name, fields, err = parse_equates(body)
    letter = body[0]
    problems = doc.problems

    def bad(message: str, said: str) -> None:
        problems.append(Problem("syntax", where, 1, message, said))

    if not name:
        kind = _ENTITY[what]
        bad(f"a {letter} line needs a {kind} name", f"name required for {kind}")
        return
    valid = _EQUATES[what]
    for code, _value in fields:
        if code not in valid:
            bad(f"{letter}{name}: {code}= is no {what} field (valid: "
                f"{', '.join(sorted(valid))})", f"{letter}{name}: unknown {what} equate {code}=")
    if err:
        bad(f"{letter}{name}: a field without '='", f"{what} {name}: {err}")
        return
    got = dict(fields)
    if what == "queue":
        return
    if what == "mailer":
        if not got.get("A"):
            bad(f"M{name}: the mailer has no A= (argument vector)",
                f"M{name}: A= argument required")
            return
        if not got.get("P"):
            bad(f"M{name}: the mailer has no P= (program path)", f"M{name}: P= argument required")
            return
        if got["P"] == "[TCP]":
            bad(f"M{name}: P=[TCP] is obsolete", f"M{name}: P=[TCP] must be replaced by P=[IPC]")
        elif got["P"] == "[IPC]" and len(got["A"].split()) < 2:
            bad(f"M{name}: an [IPC] mailer needs A=TCP $h (two arguments)",
                f"M{name}: too few parameters for [IPC] mailer")
        for code in "EDC/":
            if code in got and got[code] == "":
                label = {"E": "end-of-line string", "D": "working directory",
                         "C": "charset", "/": "root directory"}[code]
                bad(f"M{name}: empty {code}=", f"mailer {name}: null {label}")
    else:
        sock = got.get("S", "")
        if not sock:
            bad(f"X{name}: the filter has no S= socket", f"X{name}: empty or missing socket "
                "information")
        elif ":" in sock:
            proto = sock.split(":", 1)[0].lower()
            if proto not in ("unix", "local", "inet", "inet6"):
                bad(f"X{name}: unknown socket type {proto!r} (unix, local, inet, inet6)",
                    f"X{name}: unknown socket type {proto}, Use unix, local, inet, or inet6")


def _check_header(doc: CfDocument, where: int, body: str) -> None:
    """chompheader(): [?flags?]Name: value -- a name of printable characters, then ':'."""
    line = body[1:]
    i = 0
    if line.startswith("?"):
        end = line.find("?", 1)
        if end < 0:
            i = len(line)
        else:
            i = end + 1
    start = i
    while i < len(line) and line[i].isascii() and line[i].isprintable() and \
            not line[i].isspace() and line[i] != ":":
        i += 1
    name_end = i
    while i < len(line) and line[i].isspace():
        i += 1
    if i >= len(line) or line[i] != ":" or name_end == start:
        doc.problems.append(Problem(
            "syntax", where, 2, "an H line needs 'Name: value' (the header name, then ':')",
            f'553 5.3.0 header syntax error, line "{line}"'))


def _macro_def(body: str) -> tuple[str, str]:
    rest = body[1:]
    if rest.startswith("{"):
        end = rest.find("}")
        if end < 0:
            return "", ""
        return rest[1:end], rest[end + 1:]
    if not rest:
        return "", ""
    return rest[0], rest[1:]


def _read_option(ln: CfLine, body: str, macros: dict[str, str], doc: CfDocument) -> None:
    where = ln.end_line
    if ln.form == "option_tab":
        doc.problems.append(Problem(
            "syntax", where, 2,
            "a TAB after O: sendmail reads the TAB as a one-letter option name and "
            "refuses the file; write exactly one space: 'O Name=value'",
            "readcf: unknown option name 0x9"))
        return
    if ln.form == "option_bare" or len(body) < 2:
        doc.problems.append(Problem(
            "syntax", where, 1, "an O line without an option", "readcf: unknown option name 0x0"))
        return
    if body[1] != " ":
        # one-letter form: O<c><value>
        rest = body[2:]
        doc.options.append(OptionLine(
            form="short", name=body[1], value=rest, expanded=expand_macros(rest, macros),
            line=where, first_line=ln.line, column=2, value_column=3, raw_rest=body[1:]))
        return
    spec = body[2:]
    if spec.startswith((" ", "\t")):
        doc.problems.append(Problem(
            "syntax", where, 3,
            "more than one space after O: the option name then starts with white space, "
            "which no option has; write exactly one space: 'O Name=value'",
            f"readcf: unknown option name {spec.split('=', 1)[0]}"))
        return
    eq = spec.find("=")
    if eq < 0:
        name, value = spec, ""
    else:
        name, value = spec[:eq], spec[eq + 1:]
    # only spaces around '=' are removed
    name_stripped = name.rstrip(" ")
    value_col = 3 + (eq + 1 if eq >= 0 else len(spec))
    vs = value.lstrip(" ")
    value_col += len(value) - len(vs)
    if name_stripped == "":
        doc.problems.append(Problem(
            "syntax", where, 3, "an option line without a name ('O =value')",
            "readcf: null option name"))
        return
    sub = None
    base = name_stripped
    if "." in name_stripped:
        base, sub = name_stripped.split(".", 1)
    doc.options.append(OptionLine(
        form="long", name=base, value=vs, expanded=expand_macros(vs, macros), line=where,
        first_line=ln.line, column=3, value_column=value_col, sub=sub))
