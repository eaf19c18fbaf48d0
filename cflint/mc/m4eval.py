"""A sandboxed m4 interpreter: enough of GNU m4 to run sendmail-cf's cf.m4 and proto.m4
over an .mc and produce the cf that ``m4`` would write, without running m4.

It is an interpreter of text, not a door out of it: ``syscmd``/``esyscmd`` run nothing,
``maketemp`` creates nothing, ``include`` reads only through the caller's ``read``
function (the model's read-only file-system view), and every run has budgets (macro
calls, output size, input nesting) so a hostile .mc (``define(`a', `a')a``) ends with
:class:`M4Limit` instead of hanging.

Semantics followed (GNU m4 1.4): names ``[A-Za-z_][A-Za-z0-9_]*``; quotes nest and one
level is removed on each scan; a macro's expansion is pushed back and rescanned; arguments
are expanded while they are collected, leading unquoted white space dropped; comments
(``#`` to newline, until ``changecom``) are copied unexpanded; diversions -1..9 with
``undivert``; ``m4wrap`` text runs at end of input.

For each ``define`` the interpreter records where it happened: the file and line of the
``define`` and the .mc position (line, column) of the top-level call that led to it, so a
value set inside ``OSTYPE(`debian')`` is pinned to that OSTYPE line.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from .origin import Origin

MAX_CALLS = 400_000
MAX_OUTPUT = 8 * 1024 * 1024
MAX_DEPTH = 400
MAX_INCLUDES = 400


class M4Limit(Exception):
    """A budget ran out (a runaway recursion or an enormous expansion)."""


@dataclass
class _Frame:
    text: str
    pos: int = 0
    file: str | None = None   # a file frame (None: pushed-back expansion text)
    line_base: int = 1


class _Builtin:
    __slots__ = ("name", "fn", "blind")

    def __init__(self, name, fn, blind):
        self.name, self.fn, self.blind = name, fn, blind

    def __repr__(self) -> str:  # defn of a builtin, as GNU m4 prints it
        return f"<{self.name}>"


# builtins that act without arguments; the others are plain text unless called with "("
_NOT_BLIND = {"dnl", "divert", "undivert", "divnum", "changequote", "changecom", "__file__",
              "__line__", "m4exit", "dumpdef", "traceon", "traceoff", "sysval"}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NAME_REST = re.compile(r"[A-Za-z0-9_]*")  # a name going on in the next input frame
_WS = " \t\n\r"


class M4:
    """One interpreter run. ``read(path) -> str | None`` resolves include files."""

    def __init__(self, read, main_file: str, defines: dict[str, str] | None = None):
        self.read = read
        self.main_file = main_file
        self.macros: dict[str, list] = {}
        self.lq, self.rq = "`", "'"
        self.cs, self.ce = "#", "\n"
        self.div: dict[int, list[str]] = {i: [] for i in range(1, 10)}
        self.out: list[str] = []
        self.cur = 0
        self.size = 0
        self.wrap: list[str] = []
        self.stack: list[_Frame] = []
        self.calls = 0
        self.includes = 0
        self.depth = 0
        self.origins: dict[str, Origin] = {}
        self.mc_pos: tuple[int | None, int | None] = (None, None)
        self.errors: list[str] = []
        self.missing: list[str] = []
        self.read_files: list[str] = []
        self.texts: dict[str, str] = {}
        self._plain = None
        self._line_cache = (0, 1)
        self._set_plain()
        for name in ("define", "undefine", "defn", "pushdef", "popdef", "ifdef", "ifelse",
                     "dnl", "divert", "undivert", "divnum", "include", "sinclude", "len",
                     "substr", "index", "eval", "incr", "decr", "translit", "shift",
                     "errprint", "changequote", "changecom", "m4wrap", "maketemp",
                     "mkstemp", "syscmd", "esyscmd", "sysval", "__file__", "__line__",
                     "m4exit", "dumpdef", "traceon", "traceoff", "indir", "builtin"):
            blind = name not in _NOT_BLIND
            self.macros[name] = [_Builtin(name, getattr(self, "_b_" + name.strip("_")),
                                          blind)]
        self.macros["__unix__"] = [""]
        self.macros["__gnu__"] = [""]
        for k, v in (defines or {}).items():
            self.macros[k] = [v]

    # ------------------------------------------------------------------ public

    def run(self, text: str) -> str:
        self.stack.append(_Frame(text, 0, self.main_file))
        self._expand_all()
        while self.wrap:
            pending, self.wrap = self.wrap, []
            self.stack.append(_Frame("".join(pending)))
            self.mc_pos = (None, None)
            self._expand_all()
        for i in sorted(self.div):
            self.out.extend(self.div[i])
            self.div[i] = []
        return "".join(self.out)

    # ------------------------------------------------------------------ reading

    def _set_plain(self):
        stop = "A-Za-z_(),"
        specials = re.escape(self.lq[:1]) + (re.escape(self.cs[:1]) if self.cs else "")
        self._plain = re.compile("[^" + stop + specials + "]+")

    def _top(self) -> _Frame | None:
        while self.stack:
            f = self.stack[-1]
            if f.pos < len(f.text):
                return f
            self.stack.pop()
        return None

    def _peek(self) -> str:
        f = self._top()
        return f.text[f.pos] if f else ""

    def _startswith(self, s: str) -> bool:
        """Whether the input continues with ``s`` (across frames)."""
        f = self._top()
        if f is None:
            return False
        if f.text.startswith(s, f.pos):
            return True
        if len(f.text) - f.pos >= len(s):
            return False
        got = []
        for fr in reversed(self.stack):
            got.append(fr.text[fr.pos:])
            if sum(map(len, got)) >= len(s):
                break
        return "".join(got).startswith(s)

    def _advance(self, n: int) -> None:
        while n:
            f = self._top()
            if f is None:
                return
            take = min(n, len(f.text) - f.pos)
            f.pos += take
            n -= take

    def _where(self) -> tuple[str, int]:
        for f in reversed(self.stack):
            if f.file is not None:
                return f.file, f.text.count("\n", 0, f.pos) + f.line_base
        return self.main_file, 0

    def _token(self):
        """The next token as (kind, text): 'name', 'str' (quotes removed), 'comment',
        'plain'; None at end of input."""
        f = self._top()
        if f is None:
            return None
        t, p = f.text, f.pos
        c = t[p]
        if self.lq and t.startswith(self.lq, p):
            return "str", self._quoted()
        if self.cs and t.startswith(self.cs, p):
            return "comment", self._comment()
        if (c.isalpha() and c.isascii()) or c == "_":  # m4 names are ASCII
            m = _NAME.match(t, p)
            if m.end() < len(t) or len(self.stack) == 1:
                f.pos = m.end()
                return "name", m.group()
            # the name may go on in the frame below (pushed-back text is one stream)
            name = m.group()
            f.pos = m.end()
            while True:
                g = self._top()
                if g is None:
                    break
                m = _NAME_REST.match(g.text, g.pos)
                if not m.group():
                    break
                name += m.group()
                g.pos = m.end()
                if g.pos < len(g.text):
                    break
            return "name", name
        if c in "(),":
            f.pos = p + 1
            return "plain", c
        m = self._plain.match(t, p)
        if m and m.end() > p:
            f.pos = m.end()
            return "plain", m.group()
        f.pos = p + 1
        return "plain", c

    def _quoted(self) -> str:
        lq, rq = self.lq, self.rq
        self._advance(len(lq))
        depth = 1
        parts: list[str] = []
        while True:
            f = self._top()
            if f is None:
                raise _EOF("end of file in string")
            t, p = f.text, f.pos
            i = p
            n = len(t)
            while i < n:  # the first quote on (at one position the right quote wins)
                j = t.find(rq, i)
                k = t.find(lq, i, j + len(lq) if j >= 0 else n)
                if j >= 0 and (k < 0 or j <= k):
                    depth -= 1
                    if depth == 0:
                        parts.append(t[p:j])
                        f.pos = j + len(rq)
                        return "".join(parts)
                    i = j + len(rq)
                elif k >= 0:
                    depth += 1
                    i = k + len(lq)
                else:
                    break
            parts.append(t[p:])
            f.pos = n

    def _comment(self) -> str:
        parts: list[str] = []
        while True:
            f = self._top()
            if f is None:
                return "".join(parts)
            t, p = f.text, f.pos
            j = t.find(self.ce, p + (len(self.cs) if not parts else 0))
            if j >= 0:
                parts.append(t[p:j + len(self.ce)])
                f.pos = j + len(self.ce)
                return "".join(parts)
            parts.append(t[p:])
            f.pos = len(t)

    # ------------------------------------------------------------------ expanding

    def _emit(self, s: str) -> None:
        if self.cur == 0:
            self.out.append(s)
        elif self.cur in self.div:
            self.div[self.cur].append(s)
        else:
            return
        self.size += len(s)
        if self.size > MAX_OUTPUT:
            raise M4Limit("the expansion exceeds the output limit")

    def _expand_all(self) -> None:
        main = self.stack[0] if self.stack and self.stack[0].file == self.main_file else None
        while True:
            f = self._top()
            if f is None:
                return
            p0 = f.pos
            kind, text = self._token()
            if kind == "name" and text in self.macros:
                if f is main:
                    self.mc_pos = self._main_position(p0)
                self._call(text)
            else:
                self._emit(text)

    def _main_position(self, pos: int) -> tuple[int, int]:
        """(line, column) of ``pos`` in the main file, counted on from the last call."""
        text = self.stack[0].text
        at, line = self._line_cache
        if pos < at:
            at, line = 0, 1
        line += text.count("\n", at, pos)
        self._line_cache = (pos, line)
        return line, pos - (text.rfind("\n", 0, pos) + 1) + 1

    def _call(self, name: str) -> None:
        defn = self.macros[name][-1]
        self.calls += 1
        if self.calls > MAX_CALLS:
            raise M4Limit(f"more than {MAX_CALLS} macro calls (a runaway recursion?)")
        args: list[str] = [name]
        if self._peek() == "(":
            self._advance(1)
            args += self._collect()
        elif isinstance(defn, _Builtin) and defn.blind:
            self._emit(name)  # a blind builtin without arguments is just its name
            return
        if isinstance(defn, _Builtin):
            result = defn.fn(args)
        else:
            result = _substitute(defn, args, self._quote)
        if result:
            if len(self.stack) > MAX_DEPTH * 50:
                raise M4Limit("the input nests too deeply")
            self.stack.append(_Frame(result))

    def _collect(self) -> list[str]:
        args: list[str] = []
        cur: list[str] = []
        depth = 0
        skipping = True
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise M4Limit("macro arguments nest too deeply")
        try:
            while True:
                if skipping:
                    f = self._top()
                    while f is not None and f.text[f.pos] in _WS:
                        f.pos += 1
                        f = self._top()
                    skipping = False
                tok = self._token()
                if tok is None:
                    raise _EOF("end of file in argument list")
                kind, text = tok
                if kind == "name" and text in self.macros:
                    self._call(text)
                    continue
                if kind == "plain" and text in "(),":
                    if text == "(":
                        depth += 1
                    elif text == ")":
                        if depth == 0:
                            args.append("".join(cur))
                            return args
                        depth -= 1
                    elif depth == 0:
                        args.append("".join(cur))
                        cur = []
                        skipping = True
                        continue
                cur.append(text)
        finally:
            self.depth -= 1

    # ------------------------------------------------------------------ builtins

    def _quote(self, s: str) -> str:
        return f"{self.lq}{s}{self.rq}" if self.lq else s

    def _b_define(self, a):
        if len(a) < 2:
            return ""
        name = a[1]
        value = a[2] if len(a) > 2 else ""
        self.macros[name] = [value]
        self._record(name)
        return ""

    def _b_pushdef(self, a):
        if len(a) < 2:
            return ""
        self.macros.setdefault(a[1], []).append(a[2] if len(a) > 2 else "")
        self._record(a[1])
        return ""

    def _record(self, name: str) -> None:
        file, line = self._where()
        self.origins[name] = Origin(file, line, *self.mc_pos)

    def _b_undefine(self, a):
        for n in a[1:]:
            self.macros.pop(n, None)
            self.origins.pop(n, None)
        return ""

    def _b_popdef(self, a):
        for n in a[1:]:
            stack = self.macros.get(n)
            if stack:
                stack.pop()
                if not stack:
                    del self.macros[n]
        return ""

    def _b_defn(self, a):
        out = []
        for n in a[1:]:
            d = self.macros.get(n)
            if d and not isinstance(d[-1], _Builtin):
                out.append(self._quote(d[-1]))
        return "".join(out)

    def _b_ifdef(self, a):
        if len(a) < 3:
            return ""
        if a[1] in self.macros:
            return a[2]
        return a[3] if len(a) > 3 else ""

    def _b_ifelse(self, a):
        a = a[1:]
        if len(a) <= 2:
            return ""
        while True:
            if len(a) < 3:
                return a[0] if len(a) == 1 else ""
            if a[0] == a[1]:
                return a[2]
            if len(a) <= 4:
                return a[3] if len(a) == 4 else ""
            a = a[3:]

    def _b_dnl(self, a):
        while True:
            f = self._top()
            if f is None:
                return ""
            j = f.text.find("\n", f.pos)
            if j >= 0:
                f.pos = j + 1
                return ""
            f.pos = len(f.text)

    def _b_divert(self, a):
        try:
            n = int(a[1]) if len(a) > 1 and a[1].strip() else 0
        except ValueError:
            n = 0
        self.cur = n
        if n > 0 and n not in self.div:
            self.div[n] = []
        return ""

    def _b_undivert(self, a):
        nums = [x for x in a[1:]] if len(a) > 1 else [str(i) for i in sorted(self.div)]
        for x in nums:
            try:
                n = int(x)
            except ValueError:
                continue
            if n == self.cur or n not in self.div:
                continue
            text = "".join(self.div[n])
            self.div[n] = []
            self.size -= len(text)
            self._emit(text)
        return ""

    def _b_divnum(self, a):
        return str(self.cur)

    def _include(self, a, silent):
        if len(a) < 2:
            return ""
        path = a[1]
        self.includes += 1
        if self.includes > MAX_INCLUDES:
            raise M4Limit(f"more than {MAX_INCLUDES} included files")
        text = self.read(path)
        if text is None:
            if not silent:
                self.missing.append(path)
                self.errors.append(f"cannot open `{path}'")
            return ""
        self.read_files.append(path)
        self.texts[path] = text
        self.stack.append(_Frame(text, 0, path))
        return ""

    def _b_include(self, a):
        return self._include(a, False)

    def _b_sinclude(self, a):
        return self._include(a, True)

    def _b_len(self, a):
        return str(len(a[1])) if len(a) > 1 else "0"

    def _b_substr(self, a):
        if len(a) < 3:
            return a[1] if len(a) > 1 else ""
        s = a[1]
        try:
            start = int(a[2])
            length = int(a[3]) if len(a) > 3 and a[3].strip() else len(s)
        except ValueError:
            return ""
        if start < 0 or length <= 0:
            return ""
        return s[start:start + length]

    def _b_index(self, a):
        if len(a) < 3:
            return "0" if len(a) < 2 else "-1"
        return str(a[1].find(a[2]))

    def _b_eval(self, a):
        if len(a) < 2:
            return ""
        try:
            return str(_Expr(a[1]).value())
        except (ValueError, ZeroDivisionError, IndexError):
            self.errors.append(f"bad expression in eval: {a[1]}")
            return ""

    def _b_incr(self, a):
        try:
            return str(int(a[1]) + 1)
        except (IndexError, ValueError):
            return ""

    def _b_decr(self, a):
        try:
            return str(int(a[1]) - 1)
        except (IndexError, ValueError):
            return ""

    def _b_translit(self, a):
        if len(a) < 3:
            return a[1] if len(a) > 1 else ""
        src, frm = a[1], _ranges(a[2])
        to = _ranges(a[3]) if len(a) > 3 else ""
        table = {}
        for i, ch in enumerate(frm):
            if ch not in table:
                table[ch] = to[i] if i < len(to) else None
        return "".join(table.get(ch, ch) or "" for ch in src
                       if table.get(ch, ch) is not None)

    def _b_shift(self, a):
        return ",".join(self._quote(x) for x in a[2:])

    def _b_errprint(self, a):
        return ""

    def _b_changequote(self, a):
        if len(a) == 1:
            self.lq, self.rq = "`", "'"
        else:
            self.lq = a[1]
            self.rq = a[2] if len(a) > 2 else "'"
            if not self.lq:
                self.rq = ""
        self._set_plain()
        return ""

    def _b_changecom(self, a):
        if len(a) == 1 or not a[1]:
            self.cs, self.ce = "", ""
        else:
            self.cs = a[1]
            self.ce = a[2] if len(a) > 2 and a[2] else "\n"
        self._set_plain()
        return ""

    def _b_m4wrap(self, a):
        self.wrap.append(" ".join(a[1:]))
        return ""

    def _b_maketemp(self, a):
        return a[1] if len(a) > 1 else ""   # nothing is created

    _b_mkstemp = _b_maketemp

    def _b_syscmd(self, a):
        return ""                            # nothing is ever run

    _b_esyscmd = _b_syscmd

    def _b_sysval(self, a):
        return "0"

    def _b_file(self, a):
        return self._where()[0]

    def _b_line(self, a):
        return str(self._where()[1])

    def _b_m4exit(self, a):
        self.stack.clear()
        self.wrap.clear()
        return ""

    def _b_dumpdef(self, a):
        return ""

    _b_traceon = _b_traceoff = _b_dumpdef

    def _b_indir(self, a):
        if len(a) < 2 or a[1] not in self.macros:
            return ""
        d = self.macros[a[1]][-1]
        rest = [a[1], *a[2:]]
        return d.fn(rest) if isinstance(d, _Builtin) else _substitute(d, rest, self._quote)

    def _b_builtin(self, a):
        if len(a) < 2 or not hasattr(self, "_b_" + a[1].strip("_")):
            return ""
        return getattr(self, "_b_" + a[1].strip("_"))([a[1], *a[2:]])


class _EOF(M4Limit):
    """Input ended inside a string or an argument list (the lark parser reports it)."""


def _substitute(body: str, args: list[str], quote) -> str:
    if "$" not in body:
        return body
    out = []
    i, n = 0, len(body)
    while i < n:
        j = body.find("$", i)
        if j < 0 or j + 1 >= n:
            out.append(body[i:])
            break
        out.append(body[i:j])
        c = body[j + 1]
        if c.isdigit():
            k = j + 1
            while k < n and body[k].isdigit():
                k += 1
            idx = int(body[j + 1:k])
            out.append(args[idx] if idx < len(args) else "")
            i = k
        elif c == "#":
            out.append(str(len(args) - 1))
            i = j + 2
        elif c == "*":
            out.append(",".join(args[1:]))
            i = j + 2
        elif c == "@":
            out.append(",".join(quote(x) for x in args[1:]))
            i = j + 2
        else:
            out.append("$")
            i = j + 1
    return "".join(out)


def _ranges(s: str) -> str:
    out = []
    i = 0
    while i < len(s):
        if i + 2 < len(s) and s[i + 1] == "-":
            a, b = ord(s[i]), ord(s[i + 2])
            step = 1 if b >= a else -1
            out.extend(chr(x) for x in range(a, b + step, step))
            i += 3
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


class _Expr:
    """eval(): integers, + - * / % **, comparisons, ! ~ && || & | ^ << >>, parentheses."""

    _TOK = re.compile(r"\s*(0x[0-9a-fA-F]+|\d+|\*\*|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%()<>!~&|^])")
    _LEVELS = [("||",), ("&&",), ("|",), ("^",), ("&",), ("==", "!="),
               ("<", "<=", ">", ">="), ("<<", ">>"), ("+", "-"), ("*", "/", "%")]

    def __init__(self, text: str):
        self.toks = []
        pos = 0
        text = text.rstrip()
        while pos < len(text):
            m = self._TOK.match(text, pos)
            if not m:
                raise ValueError(text)
            self.toks.append(m.group(1))
            pos = m.end()
        self.i = 0

    def value(self) -> int:
        v = self._binary(0)
        if self.i != len(self.toks):
            raise ValueError("trailing input")
        return v

    def _binary(self, level: int) -> int:
        if level == len(self._LEVELS):
            return self._unary()
        v = self._binary(level + 1)
        while self.i < len(self.toks) and self.toks[self.i] in self._LEVELS[level]:
            op = self.toks[self.i]
            self.i += 1
            w = self._binary(level + 1)
            v = _apply(op, v, w)
        return v

    def _unary(self) -> int:
        t = self.toks[self.i]
        if t in ("-", "+", "!", "~"):
            self.i += 1
            v = self._unary()
            return {"-": -v, "+": v, "!": int(not v), "~": ~v}[t]
        if t == "(":
            self.i += 1
            v = self._binary(0)
            if self.toks[self.i] != ")":
                raise ValueError("missing )")
            self.i += 1
            return v
        self.i += 1
        base = self._power_base(t)
        if self.i < len(self.toks) and self.toks[self.i] == "**":
            self.i += 1
            return base ** self._unary()
        return base

    @staticmethod
    def _power_base(t: str) -> int:
        return int(t, 16) if t.startswith("0x") else int(t)


def _apply(op: str, v: int, w: int) -> int:
    if op in ("/", "%"):
        if w == 0:
            raise ZeroDivisionError
        q = abs(v) // abs(w) * (1 if (v >= 0) == (w >= 0) else -1)
        return q if op == "/" else v - q * w
    return {
        "||": lambda: int(bool(v or w)), "&&": lambda: int(bool(v and w)),
        "|": lambda: v | w, "^": lambda: v ^ w, "&": lambda: v & w,
        "==": lambda: int(v == w), "!=": lambda: int(v != w), "<": lambda: int(v < w),
        "<=": lambda: int(v <= w), ">": lambda: int(v > w), ">=": lambda: int(v >= w),
        "<<": lambda: v << w, ">>": lambda: v >> w, "+": lambda: v + w,
        "-": lambda: v - w, "*": lambda: v * w,
    }[op]()


def reader(read, cwd: str):
    """An include reader resolving relative names against ``cwd`` (where m4 would run:
    the .mc's directory), through ``read``."""
    def resolve(name: str) -> str | None:
        path = name if name.startswith("/") else posixpath.normpath(posixpath.join(cwd, name))
        return read(path)
    return resolve
