"""What happened to a violated flow, and where: its kind and its place.

Kinds (``rela.results.KINDS``), the first that applies:

* ``new-loop`` — the after graph loops where the flow goes (an unexpected path
  revisits a device, or the flow's after graph has a cycle its before graph
  had not);
* ``new-drop`` — an unexpected path ends in ``drop``;
* ``lost-delivery`` — the flow has no after path at all;
* ``paths-moved`` — paths are missing and others are unexpected;
* ``paths-removed`` — paths are missing, nothing unexpected;
* ``paths-added`` — paths are unexpected, nothing missing.

Where it happened, ``at``: for ``new-drop``, the location that drops (the hop
before ``drop`` on the unexpected path closest to an expected one).  For the
other kinds it is the divergence point, the last hop that the expected and
the actual behaviour share before they differ: for an unexpected path, its
last hop in common with the closest expected path; for a missing path, the
last hop of its longest prefix the after graph can still walk (from the
flow's start) — or, without the graph, its last hop in common with the
closest actual path.  (A drop is
named where it is, not where the paths part: a flow that leaves its old path
at ``b1`` and is dropped at ``l1`` is a new drop at ``l1``.  A loop is named
where the paths part, which is the device whose route sends traffic back.)

>>> from rela.results import FecRef, Violation
>>> v = Violation(FecRef(0, None), "b1", before=(("b1", "c1", "s1"),), after=(("b1", "c2", "drop"),),
...     expected=(("b1", "c2", "s1"),), actual=(("b1", "c2", "drop"),),
...     missing=(("b1", "c2", "s1"),), unexpected=(("b1", "c2", "drop"),))
>>> classify(v)
Divergence(kind='new-drop', at='c2', missing=0, unexpected=0)
>>> classify(Violation(FecRef(0, None), "b1", before=(("b1", "c1", "s1"),),
...     after=(("b1", "c2", "l1", "drop"),), expected=(("b1", "c1", "s1"),),
...     actual=(("b1", "c2", "l1", "drop"),), missing=(("b1", "c1", "s1"),),
...     unexpected=(("b1", "c2", "l1", "drop"),))).at
'l1'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rela.explain.walks import GraphFacts
from rela.results import Path, SpecialHop, Violation, common_prefix_len
from rela.values import frozen

__all__ = [
    "Divergence",
    "classify",
    "closest",
    "is_drop",
    "prefixes",
    "reads_walks",
    "revisits",
    "shared",
]


@frozen
class Divergence:
    """A flow's kind and divergence point; ``missing``/``unexpected`` index the paths it is
    based on (``None``: none of that side)."""

    kind: str
    at: str | None
    missing: int | None
    unexpected: int | None


def is_drop(hop: str) -> bool:
    """Whether a hop is the drop location (``drop`` or a ``drop|...`` location)."""
    return not isinstance(hop, SpecialHop) and (hop == "drop" or hop.startswith("drop|"))


def _node(hop: str) -> str:
    """The device and VRF of a hop (two inbound interfaces of one device are one node)."""
    return "|".join(hop.split("|")[:2])


def revisits(path: Path) -> bool:
    """Whether a path visits a device (and VRF) twice: a forwarding loop.

    >>> revisits(("a|v", "b|v|e1", "a|v|e2")), revisits(("a", "b"))
    (True, False)
    """
    got = _REVISITS.get(path)
    if got is None:
        nodes = [(h if "|" not in h else _node(h)) for h in path if not isinstance(h, SpecialHop)]
        got = len(set(nodes)) < len(nodes)
        if len(_REVISITS) > 50_000:
            _REVISITS.clear()
        _REVISITS[path] = got
    return got


#: Paths recur across the flows and FECs of a run (bounded).
_REVISITS: dict[Path, bool] = {}


#: Paths as a trie: hop -> the trie of what follows it.
Trie = dict[Any, "Trie"]
#: Paths as a trie that knows, at each prefix, the first path having it.
_FirstTrie = dict[Any, tuple[int, "_FirstTrie"]]


def prefixes(paths: Sequence[Path]) -> Trie:
    """The paths as a trie, to find longest common prefixes quickly.

    >>> shared(("a", "b", "x"), prefixes([("a", "b", "c"), ("a", "d")]))
    2
    """
    root: Trie = {}
    for p in paths:
        node = root
        for hop in p:
            nxt = node.get(hop)
            if nxt is None:
                nxt = node[hop] = {}
            node = nxt
    return root


def shared(path: Path, index: Trie) -> int:
    """The longest prefix of ``path`` that is a prefix of some path of ``index``."""
    n = 0
    node = index
    for hop in path:
        nxt = node.get(hop)
        if nxt is None:
            break
        node = nxt
        n += 1
    return n


def _hop(path: Path, shared: int) -> str | None:
    """The last shared hop; the flow's start when nothing is shared."""
    if shared > 0:
        return path[shared - 1]
    return path[0] if path and not isinstance(path[0], SpecialHop) else None


def classify(
    v: Violation, facts: GraphFacts | None = None, near: Sequence[int] | None = None
) -> Divergence:
    """The kind and divergence point of a violated flow (see the module docstring).

    When the paths share no hop (an ``any(p)`` expectation, a flow whose after
    paths start elsewhere), behaviour diverges where the flow enters: ``at`` is
    the flow's start.  ``near`` is :func:`closest` when the caller has it.
    """
    div = _classify(v, facts, near)
    if div.at is None and v.flow != "*":
        return Divergence(div.kind, v.flow, div.missing, div.unexpected)
    return div


def closest(v: Violation) -> list[int]:
    """Per unexpected path, the longest prefix it shares with an expected path.

    >>> from rela.results import FecRef
    >>> closest(Violation(FecRef(0, None), "a", (), (), (("a", "b"),), (), (),
    ...                   (("a", "b", "c"), ("a", "c"))))
    [2, 1]
    """
    index = prefixes(v.expected)
    return [shared(u, index) for u in v.unexpected]


def reads_walks(
    missing: Sequence[Path],
    unexpected: Sequence[Path],
    after: Sequence[Path],
    actual: Sequence[Path],
) -> bool:
    """Whether :func:`classify` may read ``facts.walks`` of a flow whose after graph has no
    new loop (with one it reads them whenever paths are missing): only when the kind
    comes from the missing paths alone (``lost-delivery``, ``paths-removed``)."""
    return bool(missing) and (not unexpected or not (after or actual))


def _classify(v: Violation, facts: GraphFacts | None, near: Sequence[int] | None) -> Divergence:
    missing, unexpected, expected = v.missing, v.unexpected, v.expected
    loopy = [i for i, u in enumerate(unexpected) if revisits(u)]
    if loopy and not any(revisits(p) for p in expected):
        return _from_unexpected("new-loop", v, loopy, near)
    if facts is not None and facts.loop_after is not None and not facts.loop_before:
        if missing:
            return _from_missing("new-loop", v, facts)
        return Divergence("new-loop", _hop(facts.loop_after, 1), None, None)
    drops = [i for i, u in enumerate(unexpected) if u and is_drop(u[-1])]
    if drops:
        div = _from_unexpected("new-drop", v, drops, near)
        assert div.unexpected is not None
        at = _dropped_at(unexpected[div.unexpected])  # None: keep where it diverges
        return div if at is None else Divergence(div.kind, at, div.missing, div.unexpected)
    if missing and not v.after and not v.actual:
        return _from_missing("lost-delivery", v, facts)
    if missing and unexpected:
        return _pair("paths-moved", v)
    if missing:
        return _from_missing("paths-removed", v, facts)
    if unexpected:
        return _from_unexpected("paths-added", v, range(len(unexpected)), near)
    return Divergence("paths-moved", None, None, None)  # an empty difference (under `not`)


def _dropped_at(path: Path) -> str | None:
    """The location that drops a path ending in ``drop``: the hop before it.

    >>> _dropped_at(("b1", "c1", "l1", "drop|denied-in")), _dropped_at(("drop",))
    ('l1', None)
    """
    if len(path) < 2 or isinstance(path[-2], SpecialHop):
        return None
    return path[-2]


def _from_unexpected(
    kind: str, v: Violation, which: Sequence[int], near: Sequence[int] | None
) -> Divergence:
    """Divergence of the unexpected path (among ``which``) closest to an expected one
    (the first such)."""
    if near is None:
        near = closest(v)
    best = max(which, key=near.__getitem__)
    u = v.unexpected[best]
    partner = max(
        range(len(v.missing)), key=lambda j: common_prefix_len(v.missing[j], u), default=None
    )
    return Divergence(kind, _hop(u, near[best]), partner, best)


def _from_missing(kind: str, v: Violation, facts: GraphFacts | None) -> Divergence:
    """Divergence of the missing path that the after behaviour follows longest."""
    if facts is not None and len(facts.walks) == len(v.missing):
        lengths = list(facts.walks)
    else:
        index = prefixes(v.actual or v.after)
        lengths = [shared(m, index) for m in v.missing]
    best = max(range(len(v.missing)), key=lambda i: lengths[i])
    return Divergence(kind, _hop(v.missing[best], lengths[best]), best, None)


def _pair(kind: str, v: Violation) -> Divergence:
    """Divergence of the (missing, unexpected) pair sharing the longest prefix (the first
    such pair, missing paths first: the unexpected paths' prefixes are indexed once)."""
    root: _FirstTrie = {}  # hop -> (the first unexpected path with this prefix, what follows)
    for j, u in enumerate(v.unexpected):
        node = root
        for hop in u:
            nxt = node.get(hop)
            if nxt is None:
                nxt = node[hop] = (j, {})
            node = nxt[1]
    best = (-1, 0, 0)
    for i, m in enumerate(v.missing):
        n, j, node = 0, 0, root
        for hop in m:
            got = node.get(hop)
            if got is None:
                break
            j, node = got
            n += 1
        if n > best[0]:
            best = (n, i, j)
    n, i, j = best
    return Divergence(kind, _hop(v.missing[i], max(n, 0)), i, j)
