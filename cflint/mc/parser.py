"""Parse a sendmail ``.mc`` file (or an m4 fragment such as Debian's starttls.m4) the way
m4 reads it, without running m4 and without sendmail-cf's macro files.

Structure comes from a lark LALR grammar (grammar.lark) over tokens produced by
:func:`_scan`, a small scanner that lark runs as a custom lexer. The scanner exists
because m4's tokens depend on state no regular expression keeps: nested quotes
(`` ` `` raises the depth, ``'`` lowers it), whether ``#`` starts a comment (on until
cf.m4 is included, whose cfhead.m4 runs ``changecom()``), and whether a ``(`` opens an
argument list (only straight after a macro name) or is plain text. Every input character
is in exactly one token, so each node's source text is a slice of the file.

What the grammar cannot say is then applied in file order, as m4 reads the file:
argument values (m4 skips an argument's leading white space and removes one level of
quotes), the definitions each ``define()`` stores (unquoted words are expanded with the
macros the document defined so far, ``defn()`` gives an earlier definition), the current
diversion (which text reaches the cf, what a ``LOCAL_CONFIG`` block holds), and the
branches of ``ifdef``/``ifelse`` (their quoted bodies are rescanned by m4, so they are
parsed again, and what they define is marked ``conditional``).

Only an unclosed `` ` `` or ``(`` at the end of the input is an error (m4: "end of file in
string" / "end of file in argument list"); it becomes a :class:`Problem` at the opening
character. ``parse`` never raises on any ``str``; decode files with
``errors="surrogateescape"`` first.

Positions are 1-based ``line``/``column`` (columns count characters; a TAB is one);
``start``/``end`` are 0-based character offsets into :attr:`McDocument.source`.
"""
from __future__ import annotations

import os
import re
import threading
from cflint.cf.parser import Problem

# the document classes live apart (a cached expansion loads without this module)
from .document import (Define, Include, LocalConfig, McArg, McCall, McDocument, McGroup, McLine,
                       McText, Undefine)

GRAMMAR_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "grammar.lark")

__all__ = [
    "parse", "McDocument", "McCall", "McArg", "McGroup", "Define", "Undefine", "Include",
    "LocalConfig", "McLine", "McText", "Problem", "expand", "get_parser",
]

# --------------------------------------------------------------------------- names

#: GNU m4 builtins (a word( of one of these is a real call even without sendmail-cf)
M4_BUILTINS = frozenset("""
__file__ __line__ __program__ __gnu__ __unix__ unix builtin changecom changequote changeword
debugfile debugmode decr define defn divert divnum dnl dumpdef errprint esyscmd eval format
ifdef ifelse include incr index indir len m4exit m4wrap maketemp mkstemp patsubst popdef
pushdef regexp shift sinclude substr syscmd sysval traceoff traceon translit undefine
undivert
""".split())

#: the public macros sendmail's cf/m4/cfhead.m4 defines (8.17/8.18)
SENDMAIL_MACROS = frozenset("""
ALIAS_FILE CANONIFY_DOMAIN CANONIFY_DOMAIN_FILE CF_LEVEL CLIENT_OPTIONS CONCAT
DAEMON_OPTIONS DATABASE_MAP_TYPE DOL DOMAIN EXPOSED_USER EXPOSED_USER_FILE FEATURE
GENERICS_DOMAIN GENERICS_DOMAIN_FILE HACK INPUT_MAIL_FILTER LDAPROUTE_DOMAIN
LDAPROUTE_DOMAIN_FILE LDAPROUTE_EQUIVALENT LDAPROUTE_EQUIVALENT_FILE LOCAL_CLT_FEATURES
LOCAL_CONFIG LOCAL_DNSBL LOCAL_DOMAIN LOCAL_NET_CONFIG LOCAL_RULESETS LOCAL_RULE_0
LOCAL_RULE_1 LOCAL_RULE_2 LOCAL_RULE_3 LOCAL_SRV_FEATURES LOCAL_TLS_CLIENT LOCAL_TLS_RCPT
LOCAL_TLS_SERVER LOCAL_TRY_TLS LOCAL_USER LOCAL_USER_FILE LOCAL_UUCP MAILER
MAILER_DEFINITIONS MAIL_FILTER MASQUERADE_AS MASQUERADE_DOMAIN MASQUERADE_DOMAIN_FILE
MASQUERADE_EXCEPTION MASQUERADE_EXCEPTION_FILE MODIFY_MAILER_FLAGS OSTYPE POPDIVERT
PUSHDIVERT QUEUE_GROUP RELAY_DOMAIN RELAY_DOMAIN_FILE SITE SITECONFIG TRUST_AUTH_MECH
UUCPSMTP VERSIONID VIRTUSER_DOMAIN VIRTUSER_DOMAIN_FILE lower strcasecmp
""".split())

#: macros that do something when used without an argument list (top level only)
BARE_MACROS = frozenset("""
LOCAL_CONFIG LOCAL_RULESETS LOCAL_RULE_0 LOCAL_RULE_1 LOCAL_RULE_2 LOCAL_RULE_3 LOCAL_UUCP
LOCAL_NET_CONFIG MAILER_DEFINITIONS LOCAL_DNSBL LOCAL_SRV_FEATURES LOCAL_CLT_FEATURES
LOCAL_TRY_TLS LOCAL_TLS_RCPT LOCAL_TLS_CLIENT LOCAL_TLS_SERVER POPDIVERT
divert undivert changecom changequote m4exit
""".split())

#: the diversion each sendmail macro switches to (cfhead.m4); 6 is LOCAL_CONFIG's
DIVERSIONS = {
    "LOCAL_NET_CONFIG": 1, "LOCAL_RULE_3": 2, "LOCAL_RULE_0": 3, "LOCAL_UUCP": 4,
    "LOCAL_CONFIG": 6, "MAILER_DEFINITIONS": 7, "LOCAL_DNSBL": 8,
    "LOCAL_RULE_1": 9, "LOCAL_RULE_2": 9, "LOCAL_RULESETS": 9, "LOCAL_SRV_FEATURES": 9,
    "LOCAL_CLT_FEATURES": 9, "LOCAL_TRY_TLS": 9, "LOCAL_TLS_RCPT": 9,
    "LOCAL_TLS_CLIENT": 9, "LOCAL_TLS_SERVER": 9,
}
LOCAL_CONFIG_DIVERSION = 6

MAX_EXPANSION_DEPTH = 20     # expand(): nested macro expansions
MAX_BODY_DEPTH = 8           # ifdef/ifelse bodies parsed inside bodies
MAX_NESTED_DEFINE_DEPTH = 16  # define() inside other calls' arguments
_EXPANSION_BUDGET = 1 << 20  # characters one expand() may produce

_WS = " \t\n\r\f\v"  # what m4 skips before an argument (isspace)

# --------------------------------------------------------------------------- scanner

def _scanner_rx(comments: bool, top: bool) -> re.Pattern:
    """One match per token: group 1 a run of plain text (words m4 only copies
    included), 2 a word that is a token (dnl, a call name, a bare sendmail macro at top
    level), 3 a backtick, 4 ( ) or ',', 5 an m4 comment."""
    other = "[^A-Za-z_`(),#]" if comments else "[^A-Za-z_`(),]"
    special = "dnl"
    if top:
        special += "|" + "|".join(sorted(BARE_MACROS, key=len, reverse=True))
    plain_word = rf"(?!(?:{special})(?![A-Za-z0-9_]))(?>[A-Za-z_][A-Za-z0-9_]*)(?!\()"
    parts = [rf"((?:{other}++|{plain_word})++)", r"([A-Za-z_][A-Za-z0-9_]*)", "(`)", "([(),])"]
    if comments:
        parts.append(r"(#[^\n]*\n?)")
    return re.compile("|".join(parts))


# [comments][inside a call]
_RXS = ((_scanner_rx(False, True), _scanner_rx(False, False)),
        (_scanner_rx(True, True), _scanner_rx(True, False)))
_QUOTE_RX = re.compile(r"[`']")
_CF_M4_RX = re.compile(r"\bs?include\(\s*[^()]*?cf\.m4")
_DEFINED_RX = re.compile(r"\b(?:define|pushdef)\(\s*`?([A-Za-z_][A-Za-z0-9_]*)")
_WORD_RX = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _quote_end(s: str, i: int, end: int) -> int:
    """s[i] is a backtick: the offset after its matching quote, or -1 if none."""
    depth = 0
    search = _QUOTE_RX.search
    j = i
    while True:
        m = search(s, j, end)
        if m is None:
            return -1
        j = m.end()
        if s[m.start()] == "`":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return j


class _Scan:
    __slots__ = ("tokens", "open_quote", "open_calls", "comments_off_at")

    def __init__(self) -> None:
        self.tokens: list = []
        self.open_quote: tuple[int, int, int] | None = None  # offset, line, column
        self.open_calls: list = []   # frames still open at the end (outermost first)
        self.comments_off_at: int | None = None


def _scan(src: str, begin: int, end: int, line: int, column: int, comments: bool,
          non_calls: frozenset | set) -> _Scan:
    """m4's tokens of src[begin:end]; (line, column) is the position of src[begin]."""
    from lark import Token

    res = _Scan()
    toks = res.tokens
    append = toks.append
    rxs = _RXS[1 if comments else 0]
    if not comments:
        res.comments_off_at = begin
    ls = begin - (column - 1)  # column of offset i is i - ls + 1 on the current line
    stack: list = []           # [is_call, lpar offset, line, column, name, name offset]
    t0 = -1                    # start of pending TEXT
    tl = tc = 0
    i = begin
    count = src.count
    rfind = src.rfind

    def comments_off(at: int) -> None:
        nonlocal rxs
        rxs = _RXS[0]
        res.comments_off_at = at

    while i < end:
        m = rxs[1 if stack else 0].match(src, i, end)
        g = m.lastindex
        j = m.end()
        if g == 1 or (g == 4 and not stack) or (g == 2 and i in non_calls):
            # plain text, merged into one token (m4 copies ( ) , at top level)
            if t0 < 0:
                t0, tl, tc = i, line, i - ls + 1
            nl = count("\n", i, j)
            if nl:
                line += nl
                ls = rfind("\n", i, j) + 1
            i = j
            continue
        if t0 >= 0:
            append(Token("TEXT", src[t0:i], t0, tl, tc))
            t0 = -1
        if g == 2:                                   # dnl, NAME(, bare macro
            w = m.group(2)
            if w == "dnl":
                k = src.find("\n", j, end)
                k = end if k < 0 else k + 1
                append(Token("DNL", src[i:k], i, line, i - ls + 1))
                if src[k - 1] == "\n":
                    line += 1
                    ls = k
                i = k
            elif j < end and src[j] == "(":
                append(Token("NAME", w, i, line, i - ls + 1))
                append(Token("LPAR", "(", j, line, j - ls + 1))
                stack.append([True, j, line, j - ls + 1, w, i])
                i = j + 1
            else:
                append(Token("BARECALL", w, i, line, i - ls + 1))
                if w == "changecom" and rxs is _RXS[1]:
                    comments_off(j)
                i = j
        elif g == 3:                                 # a quoted string
            q = _quote_end(src, i, end)
            if q < 0:
                res.open_quote = (i, line, i - ls + 1)
                q = end
            tok = Token("QUOTED", src[i:q], i, line, i - ls + 1)
            if res.open_quote is not None:
                tok.end_line = -1                    # marks the unclosed quote
            append(tok)
            nl = count("\n", i, q)
            if nl:
                line += nl
                ls = rfind("\n", i, q) + 1
            i = q
        elif g == 4:                                 # ( ) ,
            c = src[i]
            col = i - ls + 1
            if c == "(":
                append(Token("LPAR", "(", i, line, col))
                stack.append([False, i, line, col, None, i])
            elif c == ")":
                append(Token("RPAR", ")", i, line, col))
                frame = stack.pop()
                if not stack and frame[0] and rxs is _RXS[1]:
                    if frame[4] == "changecom":
                        if src[frame[1] + 1:i].strip(_WS) in ("", "`'"):
                            comments_off(j)
                    elif _CF_M4_RX.search(src, frame[5], j):
                        comments_off(j)
            else:
                append(Token("COMMA", ",", i, line, col))
            i = j
        else:                                        # an m4 comment (only while on)
            append(Token("COMMENT", m.group(5), i, line, i - ls + 1))
            if src[j - 1] == "\n":
                line += 1
                ls = j
            i = j
    if t0 >= 0:
        append(Token("TEXT", src[t0:end], t0, tl, tc))
    if stack:
        res.open_calls = stack
        col = end - ls + 1
        for _ in stack:
            append(Token("RPAR", "", end, line, col))   # closes what the end left open
    return res


def _lex(src: str, begin: int, end: int, line: int, column: int, comments: bool) -> _Scan:
    """Scan, treating an unclosed ``name(`` whose name is no macro m4 could know as plain
    text (m4 collects no arguments for an undefined name)."""
    non_calls: set[int] = set()
    known = None
    for _ in range(4):
        res = _scan(src, begin, end, line, column, comments, non_calls)
        if not res.open_calls or res.open_quote is not None:
            return res
        if known is None:
            known = M4_BUILTINS | SENDMAIL_MACROS | set(_DEFINED_RX.findall(src, begin, end))
        unknown = {f[5] for f in res.open_calls if f[0] and f[4] not in known}
        if not unknown:
            return res
        non_calls |= unknown
    return res


# --------------------------------------------------------------------------- grammar

_ctx = threading.local()


def _piece_pos(p) -> tuple[int, int, int]:
    if isinstance(p, str):
        return p.start_pos, p.line, p.column
    return p.start, p.line, p.column


def _make_arg(index: int, pieces: list, delim, src: str) -> McArg:
    first = len(pieces)
    skip = 0
    start, line, col = delim.start_pos, delim.line, delim.column
    for k, p in enumerate(pieces):
        if isinstance(p, str) and p.type == "TEXT":
            s = len(p) - len(p.lstrip(_WS))
            if s == len(p):
                continue
            first, skip = k, s
            start = p.start_pos + s
            nl = p.count("\n", 0, s)
            if nl:
                line = p.line + nl
                col = s - p.rfind("\n", 0, s)
            else:
                line, col = p.line, p.column + s
            break
        first = k
        start, line, col = _piece_pos(p)
        break
    arg = McArg(index=index, line=line, column=col, start=start, end=delim.start_pos,
                pieces=pieces, _first=first, _skip=skip, _src=src)
    for p in pieces[first:]:
        if isinstance(p, str):
            if p.type == "DNL" or (p.type == "TEXT" and not p.strip(_WS)):
                continue
            if p.type == "QUOTED":
                arg.quote_line, arg.quote_column = p.line, p.column + 1
        break
    return arg


_parser = None


def _cache_path() -> str | None:
    from ..cf.parser import grammar_cache_path

    return grammar_cache_path(GRAMMAR_PATH, "mc-grammar")


def _grammar() -> str:
    with open(GRAMMAR_PATH, encoding="utf-8") as fh:
        return fh.read()


def get_parser():
    """The LALR parser, built once; its tables are cached on disk between runs."""
    global _parser
    if _parser is None:
        import lark

        cache = _cache_path()
        from .larkglue import Builder, TokenFeed

        kwargs = dict(parser="lalr", lexer=TokenFeed, transformer=Builder(),
                      propagate_positions=False, maybe_placeholders=False)
        try:
            _parser = lark.Lark(_grammar(), cache=cache or False, **kwargs)
        except OSError:  # cache unreadable or unwritable: build in memory
            _parser = lark.Lark(_grammar(), **kwargs)
    return _parser


def _parse_items(src: str, begin: int, end: int, line: int, column: int,
                 comments: bool) -> tuple[list, _Scan]:
    """Top-level items (tokens and McCall) of src[begin:end]."""
    res = _lex(src, begin, end, line, column, comments)
    if not res.tokens:
        return [], res
    _ctx.src = src
    try:
        items = get_parser().parse(res.tokens)
    finally:
        _ctx.src = None
    return items, res


# --------------------------------------------------------------------------- values


def _quote_inner(t) -> str:
    return t[1:] if t.end_line == -1 else t[1:-1]


def _flatten(pieces: list, first: int, skip: int, src: str) -> str:
    """Pieces of an argument as text: quoted strings lose one level, dnl goes, calls are
    kept as written (iterative: groups nest without limit)."""
    out: list[str] = []
    add = out.append
    if first < len(pieces) and skip:
        p = pieces[first]
        add(str(p)[skip:])
        first += 1
    stack = [iter(pieces[first:])]
    while stack:
        for p in stack[-1]:
            if isinstance(p, str):
                t = p.type
                if t == "QUOTED":
                    add(_quote_inner(p))
                elif t != "DNL":
                    add(str(p))
            elif isinstance(p, McGroup):
                stack.append(iter(p.pieces))
                break
            else:
                add(src[p.start:p.end])
        else:
            stack.pop()
    return "".join(out)


_EVAL_RX = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|(`)|([^A-Za-z_`]+)")
_ARGS_RX = re.compile(r"[`(),]")
_DOLLAR_RX = re.compile(r"\$([0-9#*@])")
_SILENT = frozenset({"define", "undefine", "pushdef", "popdef", "divert", "dnl"})


class _Budget:
    __slots__ = ("left",)

    def __init__(self, n: int) -> None:
        self.left = n


def _collect_args(s: str, i: int, n: int) -> tuple[list[str], int] | None:
    """s[i] == '(': the raw arguments up to the matching ')' and the offset after it."""
    depth = 1
    pos = i + 1
    start = pos
    args: list[str] = []
    search = _ARGS_RX.search
    while True:
        m = search(s, pos, n)
        if m is None:
            return None
        c = m.group()
        pos = m.end()
        if c == "`":
            q = _quote_end(s, m.start(), n)
            if q < 0:
                return None
            pos = q
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                args.append(s[start:m.start()])
                return args, pos
        elif depth == 1:
            args.append(s[start:m.start()])
            start = pos


def _substitute(body: str, name: str, args: list[str]) -> str:
    def sub(m: re.Match) -> str:
        c = m.group(1)
        if c == "#":
            return str(len(args))
        if c == "*":
            return ",".join(args)
        if c == "@":
            return ",".join(f"`{a}'" for a in args)
        k = int(c)
        if k == 0:
            return name
        return args[k - 1] if k <= len(args) else ""

    return _DOLLAR_RX.sub(sub, body)


def _m4_eval(s: str, env: dict[str, str], budget: _Budget, depth: int = 0) -> str:
    out: list[str] = []
    add = out.append
    i, n = 0, len(s)
    match = _EVAL_RX.match
    while i < n:
        if budget.left <= 0:
            add(s[i:])
            break
        m = match(s, i)
        g = m.lastindex
        j = m.end()
        if g == 1:
            w = m.group(1)
            if w == "dnl":
                k = s.find("\n", j)
                i = n if k < 0 else k + 1
                continue
            paren = j < n and s[j] == "("
            if w in env and depth < MAX_EXPANSION_DEPTH:
                args: list[str] = []
                if paren:
                    r = _collect_args(s, j, n)
                    if r is None:        # m4 would read to the end: leave the rest
                        add(s[i:])
                        break
                    raw_args, j = r
                    args = [_m4_eval(a.lstrip(_WS), env, budget, depth + 1)
                            for a in raw_args]
                body = env[w]
                if "$" in body:
                    body = _substitute(body, w, args)
                res = _m4_eval(body, env, budget, depth + 1)
                budget.left -= len(res) + 1
                add(res)
                i = j
                continue
            if paren and (w == "defn" or w in _SILENT) and depth < MAX_EXPANSION_DEPTH:
                r = _collect_args(s, j, n)
                if r is None:
                    add(s[i:])
                    break
                raw_args, j = r
                if w == "defn":
                    for a in raw_args:
                        nm = _m4_eval(a.lstrip(_WS), env, budget, depth + 1)
                        add(env.get(nm, ""))   # quoted by m4: not rescanned
                i = j
                continue
            add(w)
            i = j
        elif g == 2:
            q = _quote_end(s, i, n)
            if q < 0:
                add(s[i + 1:])
                break
            add(s[i + 1:q - 1])
            i = q
        else:
            add(m.group(3))
            i = j
    return "".join(out)


def expand(value: str, macros: dict[str, str]) -> str:
    """m4's rescan of ``value`` with ``macros`` (see :meth:`McDocument.expand`)."""
    return _m4_eval(value, macros, _Budget(_EXPANSION_BUDGET))


# --------------------------------------------------------------------------- reading


class _Env:
    """m4's macro table as the document builds it (define replaces the top definition,
    pushdef pushes, popdef pops, undefine removes all)."""

    def __init__(self) -> None:
        self.stacks: dict[str, list[str]] = {}
        self.top: dict[str, str] = {}

    def define(self, name: str, value: str, push: bool = False) -> None:
        st = self.stacks.setdefault(name, [])
        if st and not push:
            st[-1] = value
        else:
            st.append(value)
        self.top[name] = value

    def undefine(self, name: str) -> None:
        self.stacks.pop(name, None)
        self.top.pop(name, None)

    def popdef(self, name: str) -> None:
        st = self.stacks.get(name)
        if st:
            st.pop()
            if st:
                self.top[name] = st[-1]
            else:
                self.undefine(name)


def _eval_arg(arg: McArg, env: _Env) -> str:
    return _m4_eval(arg.raw, env.top, _Budget(_EXPANSION_BUDGET))


def _name_of(arg: McArg, env: _Env) -> tuple[str, bool]:
    quoted = arg.quoted
    return (arg.value if quoted else _eval_arg(arg, env)), quoted


_DIVERT_NUM = re.compile(r"\s*(-?\d+)\s*\Z")


class _Reader:
    """Applies the calls in the order m4 runs them."""

    def __init__(self, doc: McDocument, src: str, comments_off_at: int | None,
                 initial_comments: bool) -> None:
        self.doc = doc
        self.src = src
        self.env = _Env()
        self.off_at = comments_off_at
        self.comments = initial_comments

    def comments_at(self, pos: int) -> bool:
        return self.comments and (self.off_at is None or pos < self.off_at)

    # -- events: a call and the calls inside its arguments, post-order
    def run(self, call: McCall, conditional: bool, guard: McCall | None,
            body_depth: int) -> None:
        stack = [(call, 0, False)]
        while stack:
            c, depth, expanded = stack.pop()
            if not expanded and c.parens and depth < MAX_NESTED_DEFINE_DEPTH:
                inner = [a for arg in c.args for a in arg.calls]
                if inner:
                    stack.append((c, depth, True))
                    for a in reversed(inner):
                        stack.append((a, depth + 1, False))
                    continue
            self.apply(c, depth > 0, conditional, guard, body_depth)

    def apply(self, c: McCall, nested: bool, conditional: bool, guard: McCall | None,
              body_depth: int) -> None:
        name = c.name
        doc = self.doc
        env = self.env
        if name in ("define", "pushdef"):
            if not c.args:
                return
            a0 = c.args[0]
            mname, quoted = _name_of(a0, env)
            if len(c.args) > 1:
                a1 = c.args[1]
                value, raw, stored = a1.value, a1.raw, _eval_arg(a1, env)
                vl = a1.quote_line or a1.line
                vc = a1.quote_column or a1.column
            else:
                value = raw = stored = ""
                vl, vc = c.end_line, c.end_column
            env.define(mname, stored, push=name == "pushdef")
            if name == "define":
                doc.defines.append(Define(
                    name=mname, value=value, raw_value=raw, line=c.line, column=c.column,
                    value_line=vl, value_column=vc, quoted_name=quoted, stored=stored,
                    name_raw=a0.raw, name_line=a0.quote_line or a0.line,
                    name_column=a0.quote_column or a0.column, conditional=conditional,
                    guard=guard, nested=nested, call=c))
        elif name in ("undefine", "popdef"):
            for a in c.args:
                mname, quoted = _name_of(a, env)
                if name == "popdef":
                    env.popdef(mname)
                    continue
                env.undefine(mname)
                doc.undefines.append(Undefine(
                    name=mname, line=c.line, column=c.column,
                    name_line=a.quote_line or a.line, name_column=a.quote_column or a.column,
                    quoted_name=quoted, conditional=conditional, guard=guard, nested=nested,
                    call=c))
        elif name in ("include", "sinclude"):
            if c.args:
                a = c.args[0]
                doc.includes.append(Include(
                    path=a.value, raw=a.raw, optional=name == "sinclude", line=c.line,
                    column=c.column, path_line=a.quote_line or a.line,
                    path_column=a.quote_column or a.column, conditional=conditional,
                    guard=guard, call=c))
        elif name in ("ifdef", "ifelse") and c.args and body_depth < MAX_BODY_DEPTH:
            self.branches(c, body_depth)

    def branches(self, c: McCall, body_depth: int) -> None:
        n = len(c.args)
        if c.name == "ifdef":
            idx = [1, 2]
        else:
            idx = [i + 2 for i in range(0, n, 3) if i + 2 < n]
            if n > 1 and n % 3 == 1:
                idx.append(n - 1)
        for i in idx:
            if i >= n:
                continue
            for p in c.args[i].pieces:
                if isinstance(p, str) and p.type == "QUOTED" and "(" in p \
                        and p.end_line != -1:
                    body = self.parse_body(p, body_depth + 1, c)
                    c.bodies.append(body)

    def parse_body(self, tok, body_depth: int, guard: McCall) -> McDocument:
        src = self.src
        begin = tok.start_pos + 1
        end = tok.start_pos + len(tok) - 1
        items, _res = _parse_items(src, begin, end, tok.line, tok.column + 1,
                                   self.comments_at(begin))
        sub = McDocument(path=self.doc.path, source=src)
        saved = self.doc
        self.doc = sub
        try:
            for it in items:
                if isinstance(it, McCall):
                    sub.calls.append(it)
                    self.run(it, True, guard, body_depth)
        finally:
            self.doc = saved
        saved.defines.extend(sub.defines)
        saved.undefines.extend(sub.undefines)
        saved.includes.extend(sub.includes)
        sub.macros = dict(self.env.top)
        return sub


class _Output:
    """What m4 writes to the current diversion, as lines tagged with .mc lines."""

    def __init__(self, block: LocalConfig) -> None:
        self.block = block
        self.cur: list[str] | None = None
        self.cur_line = 0
        self.first = True

    def add(self, text: str, line: int, literal: bool) -> None:
        parts = text.split("\n")
        for k, part in enumerate(parts):
            if k:
                self.finish()
            if self.cur is None:
                self.cur = []
                self.cur_line = line + (k if literal else 0)
            if part:
                if not "".join(self.cur).strip(_WS) and part.strip(_WS):
                    self.cur_line = line + (k if literal else 0)
                self.cur.append(part)

    def finish(self) -> None:
        if self.cur is None:
            return
        text = "".join(self.cur)
        if text.endswith("\r"):
            text = text[:-1]
        first, self.first = self.first, False
        if not (first and not text.strip(_WS) and self.cur_line == self.block.call.end_line):
            self.block.lines.append(McLine(self.cur_line, text))
        self.cur = None

    def close(self, end_line: int) -> None:
        if self.cur is not None and "".join(self.cur) != "":
            self.finish()
        self.cur = None
        self.block.end_line = end_line


def _add_text(block: _Output, tok, env: dict[str, str]) -> None:
    """A TEXT token into the output: words naming a macro of the document are expanded
    (their expansion counts as on the word's line)."""
    v = str(tok)
    if not env:
        block.add(v, tok.line, True)
        return
    pos = 0
    line = tok.line
    for m in _WORD_RX.finditer(v):
        if m.group() in env:
            chunk = v[pos:m.start()]
            block.add(chunk, line, True)
            line += chunk.count("\n")
            block.add(_m4_eval(m.group(), env, _Budget(_EXPANSION_BUDGET)), line, False)
            pos = m.end()
    block.add(v[pos:], line, True)


def _text_segments(v: str, line: int, col: int, div: int | None, out: list[McText]) -> None:
    for k, part in enumerate(v.split("\n")):
        if k:
            line += 1
            col = 1
        if part.endswith("\r"):
            part = part[:-1]
        if part:
            out.append(McText(line, col, part, div))


def parse(text: str, path: str = "", *, m4_comments: bool | None = None) -> McDocument:
    """Read .mc/.m4 text as m4 does. ``m4_comments``: whether ``#`` starts an m4 comment
    at the top of the text; None (default) decides as m4 would for sendmail: on until the
    include of cf.m4 when the text has one (cfhead.m4 turns comments off), off for a
    fragment without it (it is read after cf.m4)."""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "surrogateescape")
    doc = McDocument(path=path, source=text)
    comments = bool(_CF_M4_RX.search(text)) if m4_comments is None else m4_comments
    doc.m4_comments = comments
    items, res = _parse_items(text, 0, len(text), 1, 1, comments)
    if res.open_quote is not None:
        _, ql, qc = res.open_quote
        doc.problems.append(Problem(
            "syntax", ql, qc,
            "unclosed quote: the ` opened here has no matching ', so m4 reads the rest "
            "of the file as one string", "m4: ERROR: end of file in string"))
    elif res.open_calls:
        f = res.open_calls[0]
        doc.problems.append(Problem(
            "syntax", f[2], f[3],
            f"unclosed parenthesis: the argument list of {f[4]}( opened here is not "
            "closed before the end of the file", "m4: ERROR: end of file in argument list"))

    reader = _Reader(doc, text, res.comments_off_at, comments)
    env = reader.env
    div: int | None = 0
    div_stack: list[int | None] = []
    block: _Output | None = None
    last_line = 1

    def set_div(new: int | None, c: McCall) -> None:
        nonlocal div, block
        starts = new == LOCAL_CONFIG_DIVERSION and (block is None or c.name == "LOCAL_CONFIG")
        if block is not None and (new != LOCAL_CONFIG_DIVERSION or starts):
            block.close(c.line)
            block = None
        if starts:
            lc = LocalConfig(line=c.line, column=c.column, end_line=c.line, call=c)
            doc.local_config.append(lc)
            block = _Output(lc)
        div = new

    run: list = []   # plain tokens in a row: one text run

    def flush_text() -> None:
        if run:
            a, b = run[0], run[-1]
            _text_segments(text[a.start_pos:b.start_pos + len(b)], a.line, a.column, div,
                           doc.text)
            run.clear()

    for it in items:
        if isinstance(it, McCall):
            flush_text()
            doc.calls.append(it)
            reader.run(it, False, None, 0)
            name = it.name
            last_line = it.end_line
            if name == "divert":
                v = it.arg(0)
                if not it.args or not v.strip(_WS):
                    set_div(0, it)
                else:
                    m = _DIVERT_NUM.match(v)
                    set_div(int(m.group(1)) if m else None, it)
            elif name == "PUSHDIVERT":
                div_stack.append(div)
                m = _DIVERT_NUM.match(it.arg(0))
                set_div(int(m.group(1)) if m else None, it)
            elif name == "POPDIVERT":
                set_div(div_stack.pop() if div_stack else None, it)
            elif name in DIVERSIONS:
                set_div(DIVERSIONS[name], it)
            elif block is not None and (name in env.top or (
                    name not in M4_BUILTINS and name not in SENDMAIL_MACROS)):
                block.add(_m4_eval(it.raw, env.top, _Budget(_EXPANSION_BUDGET)),
                          it.line, name not in env.top)
            continue
        t = it.type
        last_line = it.line + it.rstrip("\r\n").count("\n")
        if t == "DNL":
            flush_text()
            continue
        run.append(it)
        if block is not None:
            if t == "QUOTED":
                block.add(_quote_inner(it), it.line, True)
            elif t == "TEXT":
                _add_text(block, it, env.top)
            else:
                block.add(str(it), it.line, True)
    flush_text()
    if block is not None:
        block.close(last_line)
    doc.macros = dict(env.top)
    return doc
