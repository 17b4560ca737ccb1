"""Shared pieces of the robustness suite: mutation strategies and the "located error" check."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import hypothesis
from hypothesis import strategies as st

from rela.errors import RelaError

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = ROOT / "snapshots"

# ------------------------------------------------------------------ the property


def event(label: str) -> None:
    """Count an outcome in ``--hypothesis-show-statistics`` (ignored outside a fuzz test)."""
    if hypothesis.currently_in_test_context():
        hypothesis.event(label)


def assert_located(exc: RelaError, filename: str, *, position: bool = False) -> str:
    """``exc`` renders with ``filename`` (and a line:column when ``position``); returns the text."""
    text = exc.render()
    assert isinstance(text, str) and text
    assert filename in text, f"the message does not name {filename!r}:\n{text}"
    if position:
        assert exc.line is not None and exc.line >= 1, f"no line in:\n{text}"
        assert exc.column is not None and exc.column >= 1, f"no column in:\n{text}"
    return text


def assert_problem_located(problem: str, filenames: list[str]) -> None:
    """An FEC's ``problem`` names one of the files and the FEC (index, maybe key, then field)."""
    assert any(name in problem for name in filenames), problem
    assert re.search(r"FEC \d+", problem), problem


# ------------------------------------------------------------------ text mutations

#: Pieces of the spec language worth splicing into valid text.
SPEC_TOKENS = [
    *'()[]{}!*+?|&.:,=~^"#;\\',
    "spec",
    "let",
    "assert",
    "then",
    "else",
    "if",
    "dst in",
    "src in",
    "qos =",
    "preserve",
    "add(",
    "remove(",
    "replace(",
    "drop",
    "any(",
    "none",
    "∅",
    "pre",
    "post",
    ">>",
    "<<",
    "//",
    "==",
    "<=",
    "x",
    "I(",
    "#1",
    "and",
    "or",
    "not",
    "10.0.0.0/8",
    "::/0",
    "300.1.2.3/40",
    '[device~"("]',
    "[group=CORE]",
    '"a|b|c|d"',
    "a||b",
    "\n",
    "\t",
    "\x00",
    "\u202e",
    "\ufeff",
    "é",
    "𝔸",
]

_TOKEN_RE = re.compile(r"\s+|\w+|\"(?:[^\"\\]|\\.)*\"|.", re.S)


def tokens(text: str) -> list[str]:
    """A rough tokenisation (words, strings, single characters, whitespace runs)."""
    return _TOKEN_RE.findall(text)


@st.composite
def mutated_text(draw: st.DrawFn, seeds: list[str], vocabulary: list[str]) -> str:
    """A seed text after 1-4 character- or token-level edits.

    Edits: insert, delete, duplicate or swap characters; insert (from
    ``vocabulary`` or the text itself), delete, duplicate or swap tokens.
    """
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 4))):
        level = draw(st.sampled_from(["char", "token"]))
        units: list[str] = list(text) if level == "char" else tokens(text)
        if not units:
            units = [""]
        op = draw(st.sampled_from(["insert", "delete", "duplicate", "swap"]))
        i = draw(st.integers(0, len(units) - 1))
        if op == "insert":
            if level == "char":
                piece = draw(st.characters(blacklist_categories=("Cs",)))
            else:
                piece = draw(st.sampled_from(vocabulary) | st.sampled_from(units))
            units.insert(i, piece)
        elif op == "delete":
            n = draw(st.integers(1, 3))
            del units[i : i + n]
        elif op == "duplicate":
            n = draw(st.integers(1, 4))
            units[i:i] = units[i : i + n] * draw(st.integers(1, 3))
        else:
            j = draw(st.integers(0, len(units) - 1))
            units[i], units[j] = units[j], units[i]
        text = "".join(units)
    return text


# ------------------------------------------------------------------ JSON mutations

HUGE_NUMBERS = ["1e400", "-1e400", "1" + "0" * 400, "-" + "9" * 5000, "1.5e-400", "0.1e99999"]

#: JSON values of the wrong type, odd strings and huge numbers (as JSON text).
ODD_VALUES = [
    "null",
    "true",
    "false",
    "0",
    "-1",
    "3.5",
    '""',
    '"|"',
    '"a|b|c|d"',
    '"||"',
    '"drop"',
    '"\\u0000"',
    '"\\ud800"',
    '"\u202e\u00e9\U0001d538"',
    '" "',
    "[]",
    "{}",
    "[[]]",
    '[""]',
    "[null]",
    '{"": []}',
    '["a", 1]',
    '"10.0.0.0/33"',
    '"::1/129"',
    '"1.2.3.4/8"',
    *HUGE_NUMBERS,
]


def json_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path (keys and indices) into a decoded JSON value, the root first (iterative)."""
    out: list[tuple[Any, ...]] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(value, prefix)]
    while stack:
        v, p = stack.pop()
        out.append(p)
        if isinstance(v, dict):
            stack.extend((w, (*p, k)) for k, w in v.items())
        elif isinstance(v, list):
            stack.extend((w, (*p, i)) for i, w in enumerate(v))
    return out


class Raw:
    """JSON text spliced verbatim into a document (huge numbers, deep nesting, ...)."""

    def __init__(self, text: str) -> None:
        self.text = text


class DupObject:
    """A JSON object written with repeated keys (``pairs`` in order)."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        self.pairs = pairs


def dumps(value: Any) -> str:
    """JSON text of ``value``; :class:`Raw` and :class:`DupObject` are written as they are."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, DupObject):
        return "{" + ", ".join(f"{json.dumps(k)}: {dumps(v)}" for k, v in value.pairs) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(dumps(v) for v in value) + "]"
    return json.dumps(value)


def deep(depth: int, kind: str = "list") -> Raw:
    """``depth`` nested lists (or objects) as JSON text."""
    if kind == "list":
        return Raw("[" * depth + "]" * depth)
    return Raw('{"a": ' * depth + "1" + "}" * depth)


DEPTHS = [3, 100, 900, 990, 998, 1000, 1100, 5000, 100_000]


def _get(doc: Any, path: Iterable[Any]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


@st.composite
def mutated_json(draw: st.DrawFn, base: Any, field_names: list[str]) -> Any:
    """``base`` (a decoded JSON document) after 1-3 structural mutations.

    Mutations: replace a value by one of another type or by a huge number, a
    unicode name or deep nesting; delete a key or a list element; add an
    unknown or misspelt key; duplicate a key (written twice); rename a key to
    one of ``field_names``; duplicate a list element.
    """
    doc = json.loads(json.dumps(base))
    wrapper: list[Any] = [doc]
    for _ in range(draw(st.integers(1, 3))):
        paths = [(0, *p) for p in json_paths(wrapper[0])]
        path = draw(st.sampled_from(paths))
        parent = _get(wrapper, path[:-1])
        key = path[-1]
        if isinstance(parent, (Raw, DupObject)):
            continue
        op = draw(
            st.sampled_from(
                ["replace", "replace", "delete", "add_key", "dup_key", "rename", "dup_item", "name"]
            )
        )
        if op == "replace":
            new = draw(
                st.sampled_from(ODD_VALUES).map(Raw)
                | st.sampled_from(DEPTHS).flatmap(
                    lambda d: st.sampled_from(["list", "object"]).map(lambda shape: deep(d, shape))
                )
                | st.integers(-(2**70), 2**70)
                | st.text(max_size=6)
            )
            parent[key] = new
        elif op == "delete" and path[:-1]:
            del parent[key]
        elif op == "name" and isinstance(parent[key], str):
            parent[key] = draw(unicode_names)
        elif op in ("add_key", "dup_key", "rename") and isinstance(parent[key], dict):
            obj = parent[key]
            name = draw(st.sampled_from(field_names) | st.text(max_size=5))
            if op == "add_key":
                obj[name] = draw(st.sampled_from(ODD_VALUES).map(Raw))
            elif op == "rename" and obj:
                old = draw(st.sampled_from(sorted(obj)))
                obj[name] = obj.pop(old)
            elif obj:
                k = draw(st.sampled_from(sorted(obj)))
                pairs = list(obj.items())
                pairs.insert(
                    draw(st.integers(0, len(pairs))),
                    (k, draw(st.sampled_from(ODD_VALUES).map(Raw) | st.just(obj[k]))),
                )
                parent[key] = DupObject(pairs)
        elif op == "dup_item" and isinstance(parent[key], list) and parent[key]:
            items = parent[key]
            i = draw(st.integers(0, len(items) - 1))
            items.insert(i, copy.deepcopy(items[i]))
    return wrapper[0]


#: Location-ish names: unicode, separators, controls, very long.
unicode_names = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=12),
    st.sampled_from(
        [
            "",
            "|",
            "a|",
            "|a",
            "a||b",
            "a|b|c",
            "a|b|c|d",
            "drop",
            "#1",
            "\u202e",
            "\x00",
            "a\nb",
            "x" * 10_000,
            "Ελλάδα|vrf",
            "核心1",
        ]
    ),
)
