"""Contextual keywords: a word is a keyword only where the grammar can go on with it.

The grammar spells keywords as string terminals (``"drop"``, ``"then"``...), and
Lark's contextual lexer reads a word as a keyword wherever the parse table has an
action for that keyword.  LALR tables merge look-aheads, so such an action may
exist where the keyword would still be rejected a few reductions later (after
``a`` in a zone the table "accepts" ``x`` because ``a x b`` is a product inside
``assert`` blocks).  :class:`Keywords` decides exactly: it runs those reductions
on a copy of the top of the parser's state stack and calls the word a keyword
only if the grammar then shifts it; otherwise the word is an ordinary name.

So in ``.* drop : preserve`` the word ``drop`` is the location (a modifier
cannot follow ``.*``), while in ``a : drop`` the word after ``:`` can only be
the modifier.  Where both a keyword and a name could come
next (``if`` at the start of a spec term, ``spec`` after a complete ``let``
body, ``none`` anywhere a path may start, ``pre``/``post``/``I``/``x``/``and``/
``or``/``not`` at some places of ``assert`` blocks) the word is the keyword;
quoting it (``"if"``) makes it a name.  :func:`parse_tree` records the last such
decision so that an error right after it can say so.

>>> from rela.lang.parser import _parser
>>> tree = parse_tree(_parser(), "spec drop { .* drop : drop }")
>>> [t.type for t in tree.scan_values(lambda v: hasattr(v, "type"))]
['NAME', 'NAME']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.lexer import PatternStr
from lark.parsers.lalr_analysis import Shift
from lark.parsers.lalr_interactive_parser import InteractiveParser
from lark.parsers.lalr_parser_state import ParseConf, ParserState

from rela.lang.lexical import MODIFIERS, NAME_RE, REF_SENTINEL, SENTINEL

__all__ = [
    "Keywords",
    "ParseNotes",
    "keywords_of",
    "parse_tree",
    "requote",
    "SENTINEL",
    "REF_SENTINEL",
]


_SENTINEL_TOKEN = re.compile(r'"\\([kr])([^"\\\n]*)"')


@dataclass
class Keywords:
    """The keyword terminals of a parser and an exact "is this keyword accepted here" test."""

    states: dict[int, dict[str, tuple]]
    terminal_of: dict[str, str]  # word -> terminal name
    word_of: dict[str, str] = field(default_factory=dict)  # terminal name -> word
    #: Words that some parser state may read as a keyword where a name could also
    #: stand (``if``, ``none``, ``x``...).  Every other keyword-spelled name is
    #: written bare everywhere (``drop``, ``then``, ``preserve``...).
    contested: frozenset[str] = frozenset()

    def accepts(self, stack: list[int], terminal: str) -> bool:
        """Whether the parser whose state stack is ``stack`` would shift ``terminal``.

        The reductions a look-ahead triggers are simulated on a small overlay
        of the stack (``stack`` is not changed), so the cost is the number of
        reductions, not the depth of the stack.
        """
        states = self.states
        depth = len(stack)  # entries of ``stack`` still in use
        pushed: list[int] = []
        while True:
            top = pushed[-1] if pushed else stack[depth - 1]
            action = states[top].get(terminal)
            if action is None:
                return False
            kind, arg = action
            if kind is Shift:
                return True
            size = len(arg.expansion)
            while size and pushed:
                pushed.pop()
                size -= 1
            depth -= size
            top = pushed[-1] if pushed else stack[depth - 1]
            pushed.append(states[top][arg.origin.name][1])


#: id(parser) -> (the parser, its keywords): the parser is kept, so that its id is not
#: reused by another parser (one built again has other state numbers).
_CACHE: dict[int, tuple[Lark, Keywords]] = {}


def keywords_of(lark: Lark) -> Keywords:
    """The :class:`Keywords` of a parser (computed once per parser)."""
    cached = _CACHE.get(id(lark))
    got = cached[1] if cached is not None and cached[0] is lark else None
    if got is None:
        terminal_of = {
            t.pattern.value: t.name
            for t in lark.terminals
            if isinstance(t.pattern, PatternStr) and NAME_RE.fullmatch(t.pattern.value)
        }
        table = lark.parser.parser.parser.parse_table
        word_of = {v: k for k, v in terminal_of.items()}
        contested = {
            word_of[t]
            for acts in table.states.values()
            if "NAME" in acts
            for t in acts
            if t in word_of
        }
        got = Keywords(table.states, terminal_of, word_of, frozenset(contested))
        _CACHE[id(lark)] = (lark, got)
    return got


@dataclass
class ParseNotes:
    """What the keyword decisions were, for error messages.

    ``ambiguous``: the last word read as a keyword where a name could have
    followed too (``if`` at the start of a zone).  ``demoted``: modifier words
    read as names since the current spec term started (``a preserve }`` is a
    zone ``a preserve`` missing its ``:``).
    """

    ambiguous: Token | None = None
    demoted: list[Token] = field(default_factory=list)
    #: the last tokens fed, newest last (at most :data:`HISTORY`)
    recent: list[Token] = field(default_factory=list)
    #: the keyword of the declaration being parsed (``let``, ``spec``, ``assert``)
    declaration: str | None = None

    @property
    def previous(self) -> Token | None:
        return self.recent[-1] if self.recent else None


#: How many tokens back an error may be from the keyword decision it blames.
HISTORY = 2


# tokens after which a new zone starts (the words read as names before them are forgotten)
_ZONE_STARTS = frozenset({"LBRACE", "THEN", "ELSE", "COLON"})
_MODIFIER_WORDS = frozenset(MODIFIERS)
_DECLARATIONS = frozenset({"LET", "SPEC", "ASSERT"})


def _resolved(tok: Token, stack: list[int], kw: Keywords, notes: ParseNotes) -> Token:
    """``tok`` as the parser must read it: the keyword, or a NAME with the same text."""
    if tok.type in kw.word_of:
        if kw.accepts(stack, tok.type):
            if kw.accepts(stack, "NAME"):
                notes.ambiguous = tok
            return tok
        if not kw.accepts(stack, "NAME"):
            return tok  # neither fits: the error names the keyword
        tok = Token.new_borrow_pos("NAME", tok.value, tok)
    if tok.type == "NAME" and tok.value in _MODIFIER_WORDS:
        notes.demoted.append(tok)
    return tok


def _feed_all(ip: InteractiveParser, kw: Keywords, notes: ParseNotes) -> Iterator[Token]:
    """Lex and feed every token (keywords resolved); yields each token fed."""
    state = ip.parser_state
    for raw in ip.lexer_thread.lex(state):
        tok = _resolved(raw, state.state_stack, kw, notes)
        if tok.type in _ZONE_STARTS:
            notes.demoted.clear()
        elif tok.type in _DECLARATIONS:
            notes.declaration = tok.value
        state.feed_token(tok)
        notes.recent.append(tok)
        if len(notes.recent) > HISTORY:
            del notes.recent[0]
        yield tok


def parse_tree(lark: Lark, text: str, notes: ParseNotes | None = None) -> Tree[Token]:
    """Parse ``text`` with ``lark`` (an LALR parser), keywords decided in context.

    Raises Lark's ``UnexpectedInput`` like ``lark.parse`` (with the interactive
    parser attached, so ``accepts`` is exact); ``notes`` receives what
    :class:`ParseNotes` describes.
    """
    notes = notes if notes is not None else ParseNotes()
    kw = keywords_of(lark)
    ip = lark.parse_interactive(text)
    try:
        for _ in _feed_all(ip, kw, notes):
            pass
        last = notes.previous
        end = Token.new_borrow_pos("$END", "", last) if last else Token("$END", "", 0, 1, 1)
        tree: Tree[Token] = ip.parser_state.feed_token(end, True)
        return tree
    except UnexpectedInput as exc:
        if isinstance(exc, UnexpectedToken) and exc.interactive_parser is None:
            exc.interactive_parser = ip
        raise


def requote(lark: Lark, text: str) -> str:
    """Printed ``text`` with each mark (:data:`SENTINEL`, :data:`REF_SENTINEL`) resolved.

    A location name spelled like a keyword is printed bare where the parser
    reads the bare word as a name, quoted where it would read the keyword; a
    let reference, bare or in parentheses.  The text is parsed once (no tree
    is built); text without marks is returned unchanged.

    >>> from rela.lang.parser import _parser
    >>> requote(_parser(), 'spec s { "\\\\kdrop" : drop }')
    'spec s { drop : drop }'
    >>> requote(_parser(), 'spec s { "\\\\kif" : drop }')
    'spec s { "if" : drop }'
    """
    if SENTINEL not in text and REF_SENTINEL not in text:
        return text
    kw = keywords_of(lark)
    ip = lark.parse_interactive(text)
    conf = ip.parser_state.parse_conf
    bare_conf = ParseConf(conf.parse_table, {}, conf.start)
    state = ParserState(bare_conf, ip.parser_state.lexer, list(ip.parser_state.state_stack))
    out: list[str] = []
    pos = 0
    notes = ParseNotes()
    for raw in ip.lexer_thread.lex(state):
        m = _SENTINEL_TOKEN.fullmatch(raw.value) if raw.type == "STRING" else None
        if m is None:
            state.feed_token(_resolved(raw, state.state_stack, kw, notes))
            continue
        kind, word = m[1], m[2]
        start = raw.start_pos or 0
        out.append(text[pos:start])
        pos = raw.end_pos or start
        terminal = kw.terminal_of.get(word)
        keyword_here = terminal is not None and kw.accepts(state.state_stack, terminal)
        name = Token.new_borrow_pos("NAME", word, raw)
        if not keyword_here:
            out.append(word)
            state.feed_token(name)
        elif kind == "k":
            out.append(f'"{word}"')
            state.feed_token(Token.new_borrow_pos("STRING", f'"{word}"', raw))
        else:
            out.append(f"({word})")
            for tok in ("LPAR", "("), ("NAME", word), ("RPAR", ")"):
                state.feed_token(Token.new_borrow_pos(tok[0], tok[1], raw))
    out.append(text[pos:])
    return "".join(out)
