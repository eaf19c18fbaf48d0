"""The two pieces of :mod:`cflint.mc.parser` that subclass lark's classes: the lexer slot
that hands over the scanner's tokens, and the inline transformer that builds calls and
groups. Apart so that the parser module, and a cached :class:`~cflint.mc.parser.McDocument`,
load without lark; :func:`cflint.mc.parser.get_parser` imports this module."""
from __future__ import annotations

from lark import Transformer
from lark.lexer import Lexer

from .parser import McCall, McGroup, _ctx, _make_arg


class TokenFeed(Lexer):
    """lark's lexer slot: hands over the tokens _scan() made (lark.parse gets the list)."""

    def __init__(self, lexer_conf) -> None:  # noqa: D401 - lark interface
        pass

    def lex(self, data):  # type: ignore[override]
        return iter(data)


class Builder(Transformer):
    """Inline callbacks: lark calls them at each reduction (no recursion, so any nesting
    depth is fine)."""

    def start(self, ch):
        return ch

    def arg(self, ch):
        return ch

    def group(self, ch):
        lp, rp = ch[0], ch[-1]
        return McGroup(pieces=ch, line=lp.line, column=lp.column, start=lp.start_pos,
                       end=rp.start_pos + len(rp))

    def bare_call(self, ch):
        t = ch[0]
        return McCall(name=str(t), args=[], line=t.line, column=t.column, end_line=t.line,
                      end_column=t.column + len(t) - 1, start=t.start_pos,
                      end=t.start_pos + len(t), parens=False, _src=_ctx.src)

    def call(self, ch):
        src = _ctx.src
        name, rpar = ch[0], ch[-1]
        args = []
        k = 2
        last = len(ch) - 1
        while k < last:                 # arg, COMMA, arg, ..., arg (then RPAR)
            args.append(_make_arg(len(args), ch[k], ch[k + 1], src))
            k += 2
        end_col = rpar.column if rpar else rpar.column - 1   # "" when the end closed it
        return McCall(name=str(name), args=args, line=name.line, column=name.column,
                      end_line=rpar.line, end_column=end_col, start=name.start_pos,
                      end=rpar.start_pos + len(rpar), _src=src)
