"""What parsing an ``.mc`` gives: the document and its calls, arguments, defines,
undefines, includes, LOCAL_CONFIG blocks and text (:func:`cflint.mc.parser.parse` builds
them). Apart from the parser so that a cached expansion loads without the scanner, the
grammar glue and the evaluator: a warm run imports only this module of the parser."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from cflint.cf.parser import Problem

_WS = " \t\n\r\f\v"  # what m4 skips before an argument (isspace)


@dataclass(eq=False)
class McGroup:
    """``( ... )`` inside an argument: commas in it do not separate arguments."""

    pieces: list = field(repr=False)  # LPAR token, pieces, RPAR token
    line: int
    column: int
    start: int
    end: int


@dataclass(eq=False)
class McArg:
    """One argument of a call, as m4 collects it.

    ``line``/``column``/``start`` are where the argument begins after m4 skipped its
    leading white space (for an empty argument: the comma or parenthesis that ends it);
    ``end`` is the offset of that delimiter. ``quote_line``/``quote_column`` is the first
    character inside the argument's first quoted string, when the argument starts with
    one (a leading ``dnl`` is passed over), else None.
    """

    index: int
    line: int
    column: int
    start: int
    end: int
    quote_line: int | None = None
    quote_column: int | None = None
    pieces: list = field(default_factory=list, repr=False)
    _first: int = field(default=0, repr=False)  # first piece after the white space
    _skip: int = field(default=0, repr=False)   # characters skipped in that piece
    _src: str = field(default="", repr=False)

    @property
    def raw(self) -> str:
        """The argument's source text from its start (quotes and ``dnl`` kept)."""
        return self._src[self.start:self.end]

    @property
    def value(self) -> str:
        """The text with one level of quotes removed and ``dnl`` comments dropped, macro
        calls inside kept as written (what m4 collects when no macro in it is defined)."""
        from .parser import _flatten

        return _flatten(self.pieces, self._first, self._skip, self._src)

    @property
    def quoted(self) -> bool:
        """True when all of the argument outside white space is inside quotes, so m4
        expands nothing in it."""
        seen = False
        for p in self.pieces[self._first:]:
            if isinstance(p, str):
                t = p.type
                if t == "QUOTED":
                    seen = True
                elif t == "DNL" or (t == "TEXT" and not p.strip(_WS)):
                    continue
                else:
                    return False
            else:
                return False
        return seen

    @property
    def calls(self) -> list[McCall]:
        """Macro calls written unquoted in this argument (m4 runs them while collecting)."""
        out: list[McCall] = []
        stack = [iter(self.pieces)]
        while stack:
            for p in stack[-1]:
                if isinstance(p, McCall):
                    out.append(p)
                elif isinstance(p, McGroup):
                    stack.append(iter(p.pieces))
                    break
            else:
                stack.pop()
        return out


@dataclass(eq=False)
class McCall:
    """A macro call: ``NAME(args)`` (``parens``) or a known macro used bare
    (``LOCAL_CONFIG``). ``line``/``column`` are the name's; ``end_line``/``end_column``
    the closing parenthesis's (the name's end for a bare call). ``bodies`` holds, for
    ``ifdef``/``ifelse``, a document for each quoted branch m4 would rescan (its calls,
    defines, undefines and includes, with positions in this file; no text or
    LOCAL_CONFIG), at most 8 branches deep."""

    name: str
    args: list[McArg]
    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int
    parens: bool = True
    bodies: list[McDocument] = field(default_factory=list, repr=False)
    _src: str = field(default="", repr=False)

    @property
    def raw(self) -> str:
        return self._src[self.start:self.end]

    def arg(self, i: int) -> str:
        """Argument ``i``'s value ('' when absent)."""
        return self.args[i].value if i < len(self.args) else ""


@dataclass(eq=False)
class Define:
    """One ``define(name, value)``.

    ``line``/``column``: the word ``define``. ``name``: the macro m4 defines (the first
    argument, quotes removed; an unquoted name is expanded, as m4 does, with the
    document's macros at that point); ``name_raw`` the argument as written,
    ``quoted_name`` whether it was quoted. ``value``: the second argument with one level
    of quotes removed (m4's collected argument before macro expansion); ``raw_value`` its
    source text; ``stored``: what m4 stores, i.e. ``value`` with unquoted macros of the
    document expanded at that point (``defn(`x')`` gives x's earlier definition; macros
    from included files are unknown and stay as written). ``value_line``/``value_column``:
    first character inside the value's quotes (else where the argument starts; the
    closing parenthesis when there is no value). ``conditional``: found in an
    ``ifdef``/``ifelse`` branch (``guard`` is that call, the innermost) rather than read
    unconditionally; ``nested``: found unquoted inside another call's argument."""

    name: str
    value: str
    raw_value: str
    line: int
    column: int
    value_line: int
    value_column: int
    quoted_name: bool
    stored: str = ""
    name_raw: str = ""
    name_line: int = 0
    name_column: int = 0
    conditional: bool = False
    guard: McCall | None = field(default=None, repr=False)
    nested: bool = False
    call: McCall | None = field(default=None, repr=False)


@dataclass(eq=False)
class Undefine:
    """One ``undefine(name)`` (one entry per name argument)."""

    name: str
    line: int
    column: int
    name_line: int
    name_column: int
    quoted_name: bool
    conditional: bool = False
    guard: McCall | None = field(default=None, repr=False)
    nested: bool = False
    call: McCall | None = field(default=None, repr=False)


@dataclass(eq=False)
class Include:
    """``include(path)`` or ``sinclude(path)`` (``optional``). ``path``: quotes removed;
    ``path_line``/``path_column`` its first character inside the quotes."""

    path: str
    raw: str
    optional: bool
    line: int
    column: int
    path_line: int
    path_column: int
    conditional: bool = False
    guard: McCall | None = field(default=None, repr=False)
    call: McCall | None = field(default=None, repr=False)


class McLine(NamedTuple):
    """One line m4 writes into the cf, and the .mc line it comes from (the line of its
    first non-blank character)."""

    line: int
    text: str


@dataclass(eq=False)
class LocalConfig:
    """A ``LOCAL_CONFIG`` block: what m4 copies into the cf's local-configuration
    section, up to the next macro that changes the diversion (LOCAL_RULESETS,
    LOCAL_RULE_n, LOCAL_NET_CONFIG, MAILER_DEFINITIONS, divert, ...; FEATURE and MAILER
    restore it, so text after them still belongs here) or the end of the file.
    ``lines``: quotes removed, ``dnl`` applied, the document's macros expanded; the blank
    rest of the ``LOCAL_CONFIG`` line itself is left out."""

    line: int
    column: int
    end_line: int
    lines: list[McLine] = field(default_factory=list)
    call: McCall | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        return "".join(t + "\n" for _, t in self.lines)


@dataclass(eq=False)
class McText:
    """Plain text outside macro calls and dnl, one physical line's part: m4 copies it to
    the output (into the cf when ``diversion`` is 0..9; discarded when negative; None:
    unknown). ``text`` is the source text without its newline (a trailing CR dropped)."""

    line: int
    column: int
    text: str
    diversion: int | None

    @property
    def blank(self) -> bool:
        return not self.text.strip(_WS)


@dataclass(eq=False)
class McDocument:
    """The parse of one .mc/.m4 text.

    - ``calls``: every top-level macro call in file order (unquoted calls inside their
      arguments: ``McArg.calls``; ifdef/ifelse branches: ``McCall.bodies``).
    - ``defines``/``undefines``/``includes``: in the order m4 runs them (a call inside an
      argument runs before the call around it; branches are assumed taken); includes the
      ``conditional`` and ``nested`` ones, so filter on those flags for "top level only".
    - ``macros``: the definitions in effect at the end (last define wins, undefine
      removes), which is what proto.m4, read last, sees; ``expand()`` uses them.
    - ``local_config``, ``text``, ``problems`` (unclosed quote/paren, kind "syntax").
    - ``m4_comments``: whether ``#`` started m4 comments at the beginning of the text.
    """

    path: str = ""
    source: str = field(default="", repr=False)
    calls: list[McCall] = field(default_factory=list)
    defines: list[Define] = field(default_factory=list)
    undefines: list[Undefine] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)
    local_config: list[LocalConfig] = field(default_factory=list)
    text: list[McText] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    macros: dict[str, str] = field(default_factory=dict)
    m4_comments: bool = False

    def expand(self, value: str) -> str:
        """``value`` as m4 rescans it with this document's final macros: quotes removed
        (quoted text is not expanded), words that name a macro defined here replaced by
        their definition and rescanned (``$1``.. substituted), ``defn(`x')`` replaced by
        x's definition, ``dnl`` applied; at most 20 expansions deep."""
        from .parser import expand

        return expand(value, self.macros)

    def last_define(self, name: str) -> Define | None:
        """The define() that gives ``name`` its final value (None if undefined at the end)."""
        if name not in self.macros:
            return None
        for d in reversed(self.defines):
            if d.name == name:
                return d
        return None

    def calls_named(self, *names: str) -> list[McCall]:
        return [c for c in self.calls if c.name in names]
