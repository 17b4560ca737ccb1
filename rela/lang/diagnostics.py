"""Turn Lark's parse errors into :class:`~rela.errors.SpecSyntaxError` a human can act on.

Lark reports terminal names (``RPAR``, ``__ANON_3``); this module says "`)`" or
"a path expression" instead, adds "did you mean" hints for misspelt modifiers
and conditions, and finds the opener of an unbalanced bracket.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import PatternStr, TerminalDef

from rela.errors import SpecSyntaxError
from rela.lang.keywords import ParseNotes
from rela.lang.lexical import CONDITION_FIELDS, KEYWORDS, MARKER_PATTERN, MODIFIERS, is_glued

__all__ = ["syntax_error", "bracket_problem"]

_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {v: k for k, v in _OPENERS.items()}

_NAMED = {
    "NAME": "a name",
    "STRING": 'a quoted name "..."',
    "MARKER": "a marker `#k`",
    "$END": "the end of the file",
}
_ATOM_STARTS = {
    *("NAME", "STRING", "DOT", "LPAR", "LSQB", "NONE", "∅", "BANG", "PRE", "POST", "I", "MARKER")
}
_OPERATORS = {"VBAR", "AMPERSAND", "STAR", "PLUS", "QMARK", "SEMICOLON", "X", ">>", "<<", "//"}


def _terminal_text(name: str, terminals: Mapping[str, TerminalDef]) -> str | None:
    term = terminals.get(name)
    if term is not None and isinstance(term.pattern, PatternStr):
        return str(term.pattern.value)
    return None


def _describe_token(type_: str, value: str) -> str:
    if type_ == "$END":
        return "end of file"
    if type_ == "NAME":
        return f"name `{value}`"
    if type_ == "STRING":
        return f"quoted name {value}"
    if type_ == "MARKER":
        return f"marker `{value}`"
    if value in KEYWORDS:
        return f"keyword `{value}`"
    return f"`{value}`"


def _describe_expected(expected: Iterable[str], terminals: Mapping[str, TerminalDef]) -> str:
    """A readable, deterministic summary of the acceptable terminals."""
    names = set(expected)
    texts = {n: _terminal_text(n, terminals) for n in names}
    # anonymous terminals (`>>`, `∅`, `==`...) are keyed by their text
    keyed = {(texts[n] or n) if n.startswith("__") else n for n in names}
    items: list[str] = []
    if "PRESERVE" in keyed:
        items.append("a modifier (preserve, add, remove, replace, drop, any)")
        keyed -= {"PRESERVE", "ADD", "REMOVE", "REPLACE", "DROP", "ANY"}
    if "DST" in keyed:
        items.append("a traffic condition (dst in, src in, qos =, proto, dport, sport, not, `(`)")
        keyed -= {"DST", "SRC", "QOS", "PROTO", "DPORT", "SPORT", "NOT", "LPAR"}
    tail: list[str] = []
    if {"NAME", "LPAR", "DOT"} <= keyed:
        tail.append("an expression" if "PRE" in keyed else "a path expression")
        keyed -= _ATOM_STARTS
        if "IF" in keyed and "NOT" in keyed:
            keyed -= {"IF", "NOT"}
            tail[-1] = "a check"
    ops = keyed & _OPERATORS
    if len(ops) >= 2:
        tail.append("an operator")
        keyed -= ops
    specific: list[str] = []
    for name in keyed:
        if name in _NAMED:
            specific.append(_NAMED[name])
        else:
            text = texts.get(name) or _terminal_text(name, terminals) or name
            specific.append(f"`{text}`")
    items = sorted(specific) + items + tail
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


def _offset(text: str, line: int, column: int) -> int:
    lines = text.splitlines(keepends=True)
    return sum(len(s) for s in lines[: line - 1]) + column - 1


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


# strings, markers, comments
_SKIP = re.compile(rf'"(?:[^"\\\n]|\\.)*"?|{MARKER_PATTERN}|#[^\n]*')


def bracket_problem(text: str, end: int) -> tuple[str, int, int] | None:
    """The innermost bracket still open at ``end``, as ``(opener, line, column)``.

    Strings and comments are skipped.  Returns None when nothing is open.

    >>> bracket_problem("spec a { (x", 11)
    ('(', 1, 10)
    """
    stack: list[tuple[str, int]] = []
    pos = 0
    while pos < end:
        ch = text[pos]
        if ch in '"#':
            m = _SKIP.match(text, pos)
            pos = m.end() if m else pos + 1
            continue
        if ch in _OPENERS:
            stack.append((ch, pos))
        elif ch in _CLOSERS and stack and stack[-1][0] == _CLOSERS[ch]:
            stack.pop()
        elif ch in _CLOSERS:
            break  # a mismatch before the error: report the innermost opener
        pos += 1
    if not stack:
        return None
    opener, at = stack[-1]
    line, col = _line_col(text, at)
    return opener, line, col


_MARKER_LIKE_COMMENT = re.compile(r"#[0-9]+[ \t]*[^\s#]+")

_GLUED = re.compile(r"([\w./:-]*\w):(" + "|".join(MODIFIERS) + r")\b")


def syntax_error(
    exc: UnexpectedInput,
    text: str,
    filename: str | None,
    terminals: Mapping[str, TerminalDef],
    notes: ParseNotes | None = None,
) -> SpecSyntaxError:
    """Convert a Lark exception into a located, explained :class:`SpecSyntaxError`."""
    notes = notes or ParseNotes()
    line = getattr(exc, "line", None) or 1
    column = getattr(exc, "column", None) or 1
    hint: str | None = None
    if isinstance(exc, UnexpectedCharacters):
        offset = exc.pos_in_stream or 0
        ch = text[offset] if offset < len(text) else ""
        if ch == '"':
            message = "unterminated quoted name (a string must end on the same line)"
        else:
            message = f"unexpected character {ch!r}"
        type_, value = "", ch
        expected: set[str] = set(exc.allowed or ())
    elif isinstance(exc, (UnexpectedToken, UnexpectedEOF)):
        tok = getattr(exc, "token", None)
        type_ = tok.type if tok is not None and tok.type != "<EOF>" else "$END"
        value = str(tok) if tok is not None else ""
        # `accepts` (what the parser really accepts here) needs an interactive parser,
        # which errors raised by the contextual lexer do not carry
        accepts = exc.accepts if isinstance(exc, UnexpectedToken) else None
        expected = set(accepts or exc.expected or ())
        if type_ == "$END":
            offset = len(text)
            line, column = _line_col(text, len(text.rstrip()))
        else:
            offset = getattr(tok, "start_pos", None) or _offset(text, line, column)
        message = f"unexpected {_describe_token(type_, value)}"
        if type_ == "NAME" and expected & {"PRESERVE", "DST"}:
            what = "modifier" if "PRESERVE" in expected else "traffic condition"
            message, hint = f"unknown {what} `{value}`", _close_hint(value, expected)
            more = _keyword_hint(notes)
            hint = f"{hint}; {more}" if more else hint
        elif "COLON" in expected and notes.demoted:
            # `a preserve }`: the modifier word was read as a location of the zone
            word = notes.demoted[0]
            line, column = word.line or line, word.column or column
            offset = word.start_pos if word.start_pos is not None else offset
            type_, value = "KEYWORD", str(word)
            message = f"unexpected keyword `{word}`"
            hint = (
                f"a modifier comes after `:`: write `zone : {word}`; "
                f'to name a location `{word}` in the zone, quote it: "{word}"'
            )
        else:
            hint = (
                _keyword_hint(notes)
                or _glued_hint(notes)
                or _let_hint(notes, type_)
                or _token_hint(type_, value, expected, text, offset)
            )
    else:  # pragma: no cover - other UnexpectedInput kinds are Earley-only
        offset, type_, value, expected = _offset(text, line, column), "", "", set()
        message = "syntax error"

    want = _describe_expected(expected, terminals)
    if want and type_ and not message.startswith("unknown"):
        message = f"{message}; expected {want}"

    opened = bracket_problem(text, offset)
    comment = _MARKER_LIKE_COMMENT.search(text, 0, offset)
    # only where markers make sense: after an `assert`
    if (
        comment
        and "assert" in text[: comment.start()]
        and not re.match(MARKER_PATTERN, text[comment.start() :])
    ):
        line_no = text.count("\n", 0, comment.start()) + 1
        note = (
            f"`{comment[0]}` on line {line_no} starts a comment, not a marker: a marker must be "
            "followed by an operator, `)` or the line end, e.g. `(a x #1) b`"
        )
        hint = f"{hint}; {note}" if hint else note
    if type_ == "$END" and opened:
        opener, oline, ocol = opened
        return SpecSyntaxError(
            f"`{opener}` is never closed (the file ends first)",
            filename=filename,
            line=oline,
            column=ocol,
            source=text,
            hint=f"add the matching `{_OPENERS[opener]}`; {message}"
            + (f"; {hint}" if hint else ""),
        )
    if value in _CLOSERS and type_ != "STRING":
        if opened and opened[0] != _CLOSERS[value]:
            opener, oline, ocol = opened
            hint = hint or (
                f"the `{opener}` at line {oline}, column {ocol} is not closed before this `{value}`"
            )
        elif not opened:
            hint = hint or f"this `{value}` has no matching `{_CLOSERS[value]}`"
    elif opened and opened[0] == "[" and "RSQB" in expected and hint is None:
        hint = f"is the `[` at line {opened[1]}, column {opened[2]} missing its `]`?"
    glued = _GLUED.search(text[text.rfind("\n", 0, offset) + 1 : offset])
    if hint is None and glued:
        hint = (
            f"names may contain `:`, so `{glued[0]}` is one name; write `{glued[1]} : {glued[2]}`"
        )
    return SpecSyntaxError(
        message, filename=filename, line=line, column=column, source=text, hint=hint
    )


#: Why a word is read as a keyword where a name could also have followed.
_WHY_KEYWORD = {
    "if": "at the start of a spec term `if` starts a traffic guard",
    "let": "after a complete `let` definition `let` starts the next declaration",
    "spec": "after a complete `let` definition `spec` starts the next declaration",
    "assert": "after a complete `let` definition `assert` starts the next declaration",
    "x": "after an operand in an `assert` block `x` is the product",
    "and": "after a comparison `and` combines checks",
    "or": "after a comparison `or` combines checks",
    "not": "at the start of a check `not` negates it",
    "pre": "in an `assert` block `pre` is the FEC's paths before the change",
    "post": "in an `assert` block `post` is the FEC's paths after the change",
    "I": "in an `assert` block `I(...)` is the identity relation",
}


def _keyword_hint(notes: ParseNotes) -> str | None:
    """When a token just before the error was a word read as a keyword where a name could be."""
    word = notes.ambiguous
    if word is None or not any(word is t for t in notes.recent):
        return None
    why = _WHY_KEYWORD.get(str(word), f"`{word}` can stand here as a keyword")
    return f'{why}; to use a location called `{word}` there, quote it: "{word}"'


def _let_hint(notes: ParseNotes, type_: str) -> str | None:
    """``let p = a : preserve``: a spec fragment where a let takes a path expression."""
    if notes.declaration == "let" and type_ in ("COLON", "THEN", "ELSE"):
        return (
            "`let` names a path expression only; a spec such as `zone : modifier` goes "
            "inside `spec NAME { ... }` (a let can name its zone: `let z = ...` then `z : drop`)"
        )
    return None


def _glued_hint(notes: ParseNotes) -> str | None:
    """``core1:preserve`` read as one name, wherever the error shows up."""
    for tok in reversed(notes.recent):
        if tok.type == "NAME" and is_glued(str(tok)):
            zone, _, modifier = str(tok).rpartition(":")
            return f"names may contain `:`, so `{tok}` is one name; write `{zone} : {modifier}`"
    return None


def _close_hint(word: str, expected: set[str]) -> str:
    choices = MODIFIERS if "PRESERVE" in expected else CONDITION_FIELDS
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    listing = ", ".join(choices)
    return f"did you mean `{close[0]}`? ({listing})" if close else f"choose one of {listing}"


def _token_hint(type_: str, value: str, expected: set[str], text: str, offset: int) -> str | None:
    """A hint for the common mistakes, if one applies."""
    if value == "x" and "PRE" in expected:
        return "the product `x` does not chain: use parentheses, e.g. `(a x b) (c x d)`"
    if expected == {"LBRACE"} and text[:offset].rstrip().endswith("else"):
        return (
            "after a guard `if ... { ... }`, `else` starts its else-branch `else { ... }`; "
            "to apply `else` to the whole guard, parenthesize it: `(if ... { ... }) else ...`"
        )
    return None
