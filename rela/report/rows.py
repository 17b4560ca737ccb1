"""A violated flow laid out for people: changed rows first, loops folded, unchanged collapsed.

Every human format (text, Markdown, JUnit bodies) shows a violation the same
way, computed here from the result data alone:

* hops are *display tokens*: location names made visible
  (:func:`rela.report.escape.visible`), hops that are not locations in words
  between ``⟨⟩`` (``⟨any other location⟩``; an ``any(p)`` marker reads
  ``⟨at least one path, and only paths, in `p`⟩``);
* paths that unroll one forwarding loop (``a b c b c d``, ``a b c b c b c d``,
  ...) fold into one pattern ``a -> (b -> c)+ -> d`` standing for all of them;
* expected paths that are also present are *unchanged*: counted, and only a
  few shown; each missing path sits next to the unexpected path sharing its
  longest prefix.

>>> from rela.results import FecRef, Violation
>>> loop = [("a",) + ("b", "c") * k + ("d",) for k in (1, 2, 3)]
>>> v = Violation(FecRef(0, None), "a", (), (), expected=(("a", "x"), ("a", "e", "d")),
...     actual=(("a", "x"), *loop), missing=(("a", "e", "d"),), unexpected=tuple(loop))
>>> view = flow_view(v)
>>> [(r.left_mark, " -> ".join(r.left.tokens), r.right_mark, " -> ".join(r.right.tokens))
...  for r in view.rows]
[('-', 'a -> e -> d', '+', 'a -> (b -> c)+ -> d')]
>>> [" -> ".join(i.tokens) for i in view.unchanged]
['a -> x']
"""

from __future__ import annotations

from collections.abc import Sequence

from rela.report.escape import visible
from rela.results import Path, SpecialHop, Violation, common_prefix_len
from rela.values import frozen

__all__ = ["Item", "Row", "FlowView", "flow_view", "fold", "hop_text", "tokens", "ARROW"]

ARROW = " -> "
Tokens = tuple[str, ...]
Element = str | tuple[str, ...]  # a hop, or a group of hops repeated one or more times


def hop_text(hop: str) -> str:
    """One hop for people: a location name made visible, or a special hop in words.

    >>> hop_text("core1\\nPASS"), hop_text(SpecialHop("any", 1, ".* core2 .*"))
    ('core1\\\\nPASS', '⟨at least one path, and only paths, in `.* core2 .*`⟩')
    """
    if isinstance(hop, SpecialHop):
        if hop.kind == "other":
            return "⟨any other location⟩"
        what = f"`{visible(hop.paths)}`" if hop.paths is not None else f"any() #{hop.marker}"
        return f"⟨at least one path, and only paths, in {what}⟩"
    return visible(hop)


def tokens(path: Path) -> Tokens:
    """A path's display tokens (one per hop)."""
    return tuple(hop_text(h) for h in path)


@frozen
class Item:
    """One displayed path: its tokens and the listed paths it stands for.

    ``loop`` is true for a folded loop pattern (it stands for infinitely many
    paths, ``len(paths)`` of them listed); ``note`` says something about it in
    words (``outside `p```: an after path outside ``p`` of an ``any(p)``).
    """

    tokens: Tokens
    paths: tuple[Path, ...]
    loop: bool = False
    note: str | None = None


@frozen
class Row:
    """An expected item and the actual item closest to it; marks ``-``, ``+`` or `` ``.

    ``prefix`` is how many leading tokens the two share (to de-emphasise).
    """

    left: Item | None
    left_mark: str
    right: Item | None
    right_mark: str
    prefix: int = 0


@frozen
class FlowView:
    """A violated flow for display: changed rows, unchanged items, notes in words."""

    rows: tuple[Row, ...]
    unchanged: tuple[Item, ...]
    notes: tuple[str, ...]


# ---------------------------------------------------------------------- loops


def _tandem(path: Path) -> list[Element]:
    """``path`` with each run of a repeated segment replaced by one group (leftmost, shortest)."""
    out: list[Element] = []
    i, n = 0, len(path)
    while i < n:
        for size in range(1, (n - i) // 2 + 1):
            seg = path[i : i + size]
            if path[i + size : i + 2 * size] == seg:
                reps = 2
                while path[i + reps * size : i + (reps + 1) * size] == seg:
                    reps += 1
                # a b a b a c reads better as a (b a)+ c: enter, loop, leave
                while i + reps * size < n and path[i + reps * size] == seg[0]:
                    out.append(seg[0])
                    i += 1
                    seg = path[i : i + size]
                out.append(tuple(seg))
                i += reps * size
                break
        else:
            out.append(path[i])
            i += 1
    return out


def _matches(pattern: Sequence[Element], path: Path) -> bool:
    """Whether ``path`` is an unrolling of ``pattern`` (each group one or more times)."""
    ends = {0}
    for el in pattern:
        nxt: set[int] = set()
        for i in ends:
            if isinstance(el, tuple):
                j = i
                while path[j : j + len(el)] == el:
                    j += len(el)
                    nxt.add(j)
            elif i < len(path) and path[i] == el:
                nxt.add(i + 1)
        ends = nxt
        if not ends:
            return False
    return len(path) in ends


def _pattern_tokens(pattern: Sequence[Element]) -> Tokens:
    out: list[str] = []
    for el in pattern:
        if isinstance(el, tuple):
            texts = [hop_text(h) for h in el]
            texts[0] = "(" + texts[0]
            texts[-1] = texts[-1] + ")+"
            out.extend(texts)
        else:
            out.append(hop_text(el))
    return tuple(out)


def fold(paths: Sequence[Path]) -> list[Item]:
    """``paths`` as items, the unrollings of one forwarding loop folded into one pattern.

    >>> [" -> ".join(i.tokens) for i in fold([("a", "b", "b", "c"), ("a", "b", "c"), ("a", "d")])]
    ['a -> (b)+ -> c', 'a -> d']
    """
    patterns: list[list[Element]] = []
    for p in paths:
        pat = _tandem(p)
        if any(isinstance(el, tuple) for el in pat) and pat not in patterns:
            patterns.append(pat)
    members: dict[int, list[Path]] = {}
    first: dict[int, int] = {}
    singles: list[tuple[int, Path]] = []
    for pos, p in enumerate(paths):
        for k, pat in enumerate(patterns):
            if _matches(pat, p):
                members.setdefault(k, []).append(p)
                first.setdefault(k, pos)
                break
        else:
            singles.append((pos, p))
    items: list[tuple[int, Item]] = [(pos, Item(tokens(p), (p,))) for pos, p in singles]
    for k, ps in members.items():
        if len(ps) == 1 and _tandem(ps[0]) == list(ps[0]):
            items.append((first[k], Item(tokens(ps[0]), (ps[0],))))
        else:
            items.append((first[k], Item(_pattern_tokens(patterns[k]), tuple(ps), loop=True)))
    return [item for _, item in sorted(items, key=lambda x: x[0])]


# ---------------------------------------------------------------------- rows


def flow_view(v: Violation) -> FlowView:
    """The display of one violated flow (see the module docstring)."""
    missing, unexpected = set(v.missing), set(v.unexpected)
    actual = set(v.actual)
    same = [p for p in v.expected if p in actual and p not in missing]
    same_set = set(same)
    left = [p for p in v.expected if p not in same_set]
    left += [p for p in v.missing if p not in set(left)]
    right = [p for p in v.actual if p not in same_set]
    right += [p for p in v.unexpected if p not in set(right)]
    outside_any = _outside_any(v)
    left_items = [_dropped(item, _drop_clauses(v)) for item in fold(left)]
    right_items = [_noted(item, outside_any) for item in fold(right)]
    rows: list[Row] = []
    for li in left_items:
        mark = "-" if any(p in missing for p in li.paths) else " "
        best, best_len = None, -1
        for i, ri in enumerate(right_items):
            n = common_prefix_len(li.tokens, ri.tokens)
            if n > best_len:
                best, best_len = i, n
        if best is None:
            rows.append(Row(li, mark, None, " "))
            continue
        ri = right_items.pop(best)
        rows.append(Row(li, mark, ri, _right_mark(ri, unexpected), best_len))
    rows.extend(Row(None, " ", ri, _right_mark(ri, unexpected)) for ri in right_items)
    return FlowView(tuple(rows), tuple(fold(same)), _notes(v, rows))


def _right_mark(item: Item, unexpected: set[Path]) -> str:
    return "+" if any(p in unexpected for p in item.paths) else " "


def _outside_any(v: Violation) -> dict[Path, str]:
    e = v.explanation
    if e is None or not e.unexpected_outside:
        return {}
    return {u: p for u, p in zip(v.unexpected, e.unexpected_outside) if p is not None}


def _drop_clauses(v: Violation) -> dict[Path, str]:
    """Missing paths that a ``d : drop`` clause produced, with the clause's text."""
    e = v.explanation
    if e is None:
        return {}
    return {
        m: c.text
        for m, c in zip(v.missing, e.missing_clauses)
        if c is not None and c.text.endswith(" : drop")
    }


def _dropped(item: Item, drops: dict[Path, str]) -> Item:
    """A missing ``drop`` expectation says so in the spec's words."""
    for p in item.paths:
        if p in drops:
            return Item(
                item.tokens, item.paths, item.loop, f"dropped, as `{visible(drops[p])}` says"
            )
    return item


def _noted(item: Item, outside_any: dict[Path, str]) -> Item:
    for p in item.paths:
        if p in outside_any:
            return Item(item.tokens, item.paths, item.loop, f"outside `{visible(outside_any[p])}`")
    return item


def _notes(v: Violation, rows: list[Row]) -> tuple[str, ...]:
    e = v.explanation
    if e is None:
        return ()
    notes = []
    if e.loop is not None and not any(r.right is not None and r.right.loop for r in rows):
        cycle = ARROW.join(tokens(e.loop))
        notes.append(
            f"the after graph loops: ({cycle})+, and no listed path of this flow leaves it"
        )
    for p in e.outside[:3]:
        notes.append(
            f"after path {ARROW.join(tokens(p))} falls in no clause's domain: not compared"
        )
    if len(e.outside) > 3:
        notes.append(f"… {len(e.outside) - 3} more after paths fall in no clause's domain")
    return tuple(notes)
