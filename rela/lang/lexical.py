"""Lexical rules shared by the parser and the printer: names, keywords, quoting.

One place decides what an unquoted name looks like, so that the printer quotes
exactly the names the parser would not read back as the same name.

>>> quote_name("core1"), quote_name("core1|blue"), quote_name("drop"), quote_name("a:drop")
('core1', '"core1|blue"', 'drop', '"a:drop"')
>>> unquote('"a\\\\"b"')
'a"b'
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "SENTINEL",
    "REF_SENTINEL",
    "KEYWORDS",
    "MODIFIERS",
    "CONDITION_FIELDS",
    "NAME_RE",
    "MARKER_PATTERN",
    "ends_with_marker",
    "is_bare_name",
    "is_glued",
    "quote_name",
    "quote_string",
    "unquote",
    "compile_regex",
]

#: How the printer marks a location name spelled like a keyword: a quoted name
#: starting with ``\k``, which it never prints otherwise (every backslash of a
#: real name is printed doubled).  :func:`rela.lang.keywords.requote` replaces each
#: mark by the bare word or by the quoted word, whichever the parser reads back as
#: the name.
SENTINEL = '"\\k'
#: The same for a reference to a ``let`` spelled like a keyword: bare, or in
#: parentheses where the bare word would be the keyword (``let b = a (spec)``).
REF_SENTINEL = '"\\r'

#: The words of the grammar.  They are contextual: each is a keyword only where
#: the grammar can go on with it, a name elsewhere (see rela/lang/keywords.py).
KEYWORDS = frozenset(
    {
        "spec",
        "let",
        "assert",
        "if",
        "else",
        "then",
        "in",
        "none",
        "pre",
        "post",
        "preserve",
        "add",
        "remove",
        "replace",
        "drop",
        "any",
        "dst",
        "src",
        "qos",
        "proto",
        "dport",
        "sport",
        "x",
        "I",
        "and",
        "or",
        "not",
    }
)

#: The modifiers of an atomic spec ``zone : modifier``.
MODIFIERS = ("preserve", "add", "remove", "replace", "drop", "any")

#: The traffic-key fields a guard can test.
CONDITION_FIELDS = ("dst", "src", "qos", "proto", "dport", "sport")

#: An unquoted name (must agree with NAME in grammar/rela.lark).
NAME_RE = re.compile(r"\w(?:[\w./:-]*[\w/-])?")

#: A marker ``#k`` (IR only; must agree with MARKER in grammar/rela.lark).  It
#: must be followed by an operator, a closing bracket, ``x``/``and``/``or``, a
#: comment or the end of the line; otherwise ``#12 ...`` is a comment.
MARKER_PATTERN = r"#[0-9]+(?=[ \t]*(?:[)|&*+?;=<>\/}\],#]|(?:x|and|or)(?!\w)|\r?\n|\Z))"

_MARKER_END = re.compile(r"#[0-9]+\Z")


def ends_with_marker(text: str) -> bool:
    """True when printed ``text`` ends in a marker (which needs an operator after it)."""
    return _MARKER_END.search(text) is not None


#: A bare name that ends in ``:`` and a modifier (``a:preserve``): one name for the
#: lexer, but almost always ``a : preserve`` with the spaces forgotten, so a path
#: may not use it bare (quote a location really called that).
_GLUED = re.compile(r"[^:].*:(?:" + "|".join(MODIFIERS) + r")")


def is_glued(text: str) -> bool:
    """True for a name like ``a:preserve`` (a zone and a modifier without spaces)."""
    return _GLUED.fullmatch(text) is not None


def is_bare_name(text: str) -> bool:
    """True when ``text`` may be written without quotes.

    Words spelled like keywords are bare names where the grammar does not
    expect that keyword; the printer decides per place (rela/lang/keywords.py).
    """
    return NAME_RE.fullmatch(text) is not None and not is_glued(text)


def quote_string(text: str) -> str:
    """``text`` in double quotes; ``\\`` and ``"`` are escaped with a backslash."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def quote_name(text: str) -> str:
    """``text`` as written in a spec: bare when possible, quoted otherwise."""
    return text if is_bare_name(text) else quote_string(text)


_ESCAPE = re.compile(r"\\([\\\"])")


def unquote(token: str) -> str:
    """The text of a quoted token: only ``\\\\`` and ``\\"`` are escapes.

    Any other backslash is kept, so regexes read naturally: ``"\\d+"`` is ``\\d+``.
    """
    return _ESCAPE.sub(r"\1", token[1:-1])


def compile_regex(pattern: str) -> Any:
    """Compile an attribute regex with RE2 (linear time, no catastrophic backtracking).

    Raises ``ValueError`` with RE2's explanation when the pattern is invalid.
    RE2's own logging to stderr is switched off.

    >>> bool(compile_regex("^core").search("core1"))
    True
    """
    import re2  # google-re2

    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile(pattern, options=options)
    except re2.error as exc:
        detail = exc.args[0] if exc.args else "invalid"
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise ValueError(str(detail)) from None
