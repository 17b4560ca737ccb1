"""Input filters (``--dst``, ``--start``, ``--flow``) that never hide anything silently.

A :class:`Selector` keeps the FECs whose traffic *overlaps* a ``--dst``
prefix (a traffic key without a destination overlaps every prefix; an FEC
with no traffic key is every packet) and the flows entering at a ``--start``
or ``--flow`` location (component-prefix match, as spec names).  While it
filters, it counts into a :class:`Tally`: FECs read, FECs each option left
out, and FECs each *value* matched.  Tallies merge, so worker processes that
load chunk files on their own send theirs back and the run adds them up.

After the run, :func:`summarize` turns the tally into what the report says
(``fecs_input``, one :class:`~rela.results.FilterNote` per option) and raises
:class:`SelectionError` (exit 2) for a value that matched nothing — naming the
parameter (``start='x'``; the CLI says ``--start 'x'``), the value and the closest names of the input — or when the filters
left no FEC at all.  Malformed FECs are always kept (their errors are never
hidden) and never count as a match.

>>> from rela.network.model import Fec, Graph, TrafficKey
>>> g = Graph.from_paths([["border1", "core1"]])
>>> fecs = [Fec(0, None, (TrafficKey(dst="10.0.0.1"),), g, g), Fec(1, None, (), g, g)]
>>> tally = Tally()
>>> [f.index for f in Selector(dst=("192.168.0.0/16",)).select(fecs, tally)]
[1]
>>> summarize_tally(tally).filters[0].left_out
1
"""

from __future__ import annotations

import difflib
import ipaddress
import socket
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from rela.errors import UsageError
from rela.network.model import Fec, Graph, TrafficKey
from rela.results import FilterNote, Warning_
from rela.values import frozen

__all__ = [
    "InputSummary",
    "SelectionError",
    "Selector",
    "Tally",
    "overlaps",
    "summarize",
    "filtered_warning",
    "summarize_tally",
]

#: Distinct start locations remembered for "closest names" suggestions (bounds memory).
MAX_NAMES = 20_000
#: Closest destinations remembered per ``--dst`` value that matched nothing yet.
NEAREST = 3

_REASONS = {
    "--dst": "their traffic overlaps no --dst prefix",
    "--start": "no flow enters at a --start location",
    "--flow": "no flow starts at a --flow location",
}

Range = tuple[int, int, int]  # (IP version, first address, last address)


class SelectionError(UsageError):
    """An input filter selects nothing (exit code 2)."""


_MASKS = {str(n): n for n in range(33)}


def _range(text: str) -> Range | None:
    """The address range of an address or prefix (host bits allowed), or None if invalid.

    >>> _range("10.0.0.1/8") == (4, 10 << 24, (11 << 24) - 1), _range("::/0")[0], _range("x")
    (True, 6, None)
    """
    address, slash, mask = text.partition("/")
    bits = _MASKS.get(mask) if slash else 32
    if bits is not None:
        try:
            number = int.from_bytes(socket.inet_pton(socket.AF_INET, address), "big")
        except (OSError, ValueError):
            pass
        else:  # IPv4, the common case: ~10 times faster than ipaddress
            host = (1 << (32 - bits)) - 1
            return 4, number & ~host, number | host
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    return net.version, int(net.network_address), int(net.broadcast_address)


class _Ranges:
    """Traffic-key destinations as address ranges, parsed once per distinct string."""

    def __init__(self) -> None:
        self._cache: dict[str, Range | None] = {}

    def get(self, text: str) -> Range | None:
        r = self._cache.get(text, False)
        if r is False:
            if len(self._cache) > 100_000:
                self._cache.clear()
            r = self._cache[text] = _range(text)
        return r  # type: ignore[return-value]


def overlaps(traffic: Sequence[TrafficKey], prefix: str) -> bool:
    """Whether some packet of ``traffic`` has a destination in ``prefix``.

    A key without a destination overlaps every prefix, and so does an FEC
    without keys (unknown traffic: every packet).

    >>> overlaps([TrafficKey(dst="10.1.0.0/16")], "10.0.0.0/8"), overlaps([], "10.0.0.0/8")
    (True, True)
    >>> overlaps([TrafficKey(dst="10.0.0.0/8")], "10.1.2.0/24")  # the FEC is wider: overlaps
    True
    >>> overlaps([TrafficKey(dst="11.0.0.1"), TrafficKey(dst="2001:db8::1")], "10.0.0.0/8")
    False
    """
    want = _range(prefix)
    if want is None:
        raise ValueError(f"not an IP prefix: {prefix!r}")
    ranges = _Ranges()
    return not traffic or any(_key_overlaps(k, want, ranges) for k in traffic)


def _key_overlaps(key: TrafficKey, want: Range, ranges: _Ranges) -> bool:
    if key.dst is None:
        return True
    r = ranges.get(key.dst)
    return r is not None and r[0] == want[0] and r[1] <= want[2] and want[1] <= r[2]


def _gap(r: Range, want: Range) -> int:
    """How far apart two ranges of one IP version are (0 when they overlap)."""
    if r[1] > want[2]:
        return r[1] - want[2]
    if want[1] > r[2]:
        return want[1] - r[2]
    return 0


def _matches(name: str, label: str) -> bool:
    """DESIGN §3 name matching: ``name``'s components are a prefix of ``label``'s."""
    if name == label:
        return True
    return label.startswith(name) and label[len(name)] == "|"


@dataclass
class Tally:
    """What filtering one pass over a change counted (mergeable across workers).

    ``matched[(option, value)]`` counts the well-formed FECs a value matched
    (wherever the other filters put them); ``left_out[option]`` the FECs the
    option left out (each FEC is left out by the first option that rejects it:
    ``--dst``, then ``--start``, then ``--flow``).  ``complete`` says the pass
    read the whole change (only then can a value be said to match nothing).
    """

    fecs_input: int = 0
    kept: int = 0
    left_out: dict[str, int] = field(default_factory=dict)
    matched: dict[tuple[str, str], int] = field(default_factory=dict)
    #: Start locations seen (at most :data:`MAX_NAMES`), for suggestions.
    starts: set[str] = field(default_factory=set)
    #: Per ``--dst`` value: the closest destinations seen, as (gap, text).
    nearest: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    complete: bool = False

    def merge(self, other: Tally) -> Tally:
        """The tally of both passes (e.g. two chunk files read by two workers)."""
        out = Tally(
            self.fecs_input + other.fecs_input,
            self.kept + other.kept,
            dict(self.left_out),
            dict(self.matched),
            set(self.starts),
            {k: list(v) for k, v in self.nearest.items()},
            self.complete and other.complete,
        )
        for k, n in other.left_out.items():
            out.left_out[k] = out.left_out.get(k, 0) + n
        for k2, n in other.matched.items():
            out.matched[k2] = out.matched.get(k2, 0) + n
        for name in other.starts:
            if len(out.starts) >= MAX_NAMES:
                break
            out.starts.add(name)
        for value, near in other.nearest.items():
            out.nearest[value] = sorted(set(out.nearest.get(value, [])) | set(near))[:NEAREST]
        return out


@frozen
class Selector:
    """Input filters: ``dst`` prefixes, ``start`` and ``flow`` locations (each repeatable).

    ``start`` and ``flow`` restrict the flows of an FEC to those whose start
    location matches a name, and leave out FECs with no such flow.  (For
    Batfish exports, ``--start`` is where the data plane starts flows, and is
    handled by that loader instead.)
    """

    dst: tuple[str, ...] = ()
    start: tuple[str, ...] = ()
    flow: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.dst or self.start or self.flow)

    def options(self) -> list[tuple[str, tuple[str, ...]]]:
        """The active options and their values, in the order they filter."""
        return [
            (opt, values)
            for opt, values in (("--dst", self.dst), ("--start", self.start), ("--flow", self.flow))
            if values
        ]

    def describe(self) -> str:
        """``dst in 10.0.0.0/8; start at border1``."""
        parts = []
        if self.dst:
            parts.append("dst in " + ", ".join(self.dst))
        if self.start:
            parts.append("start at " + ", ".join(self.start))
        if self.flow:
            parts.append("flows from " + ", ".join(self.flow))
        return "; ".join(parts)

    def select(self, fecs: Iterable[Fec], tally: Tally) -> Iterator[Fec]:
        """The FECs kept (with their flows restricted), counting into ``tally``."""
        for opt, values in self.options():
            for value in values:
                tally.matched.setdefault((opt, value), 0)
            tally.left_out.setdefault(opt, 0)
        wanted = [(p, _range(p)) for p in self.dst]
        ranges = _Ranges()
        for fec in fecs:
            tally.fecs_input += 1
            if fec.problem is not None:
                tally.kept += 1
                yield fec
                continue
            out = self._one(fec, tally, wanted, ranges)
            if out is not None:
                tally.kept += 1
                yield out
        tally.complete = True

    def _one(
        self,
        fec: Fec,
        tally: Tally,
        wanted: list[tuple[str, Range | None]],
        ranges: _Ranges,
    ) -> Fec | None:
        rejected: str | None = None
        if self.dst and not self._dst(fec.traffic, tally, wanted, ranges):
            rejected = "--dst"
        before, after = fec.before, fec.after
        for opt, names in (("--start", self.start), ("--flow", self.flow)):
            if not names:
                continue
            labels = {g.labels[s] for g in (before, after) for s in g.sources}
            for label in labels:
                if len(tally.starts) < MAX_NAMES:
                    tally.starts.add(label)
            hit = False
            for name in names:
                if any(_matches(name, label) for label in labels):
                    key = (opt, name)
                    tally.matched[key] = tally.matched.get(key, 0) + 1
                    hit = True
            if rejected is None:
                if not hit:
                    rejected = opt
                else:
                    before, after = _restrict(before, names), _restrict(after, names)
        if rejected is not None:
            tally.left_out[rejected] = tally.left_out.get(rejected, 0) + 1
            return None
        if before is fec.before and after is fec.after:
            return fec
        return Fec(fec.index, fec.key, fec.traffic, before, after)

    @staticmethod
    def _dst(
        traffic: tuple[TrafficKey, ...],
        tally: Tally,
        wanted: list[tuple[str, Range | None]],
        ranges: _Ranges,
    ) -> bool:
        kept = False
        for text, want in wanted:
            assert want is not None
            if not traffic or any(_key_overlaps(k, want, ranges) for k in traffic):
                key = ("--dst", text)
                tally.matched[key] = tally.matched.get(key, 0) + 1
                tally.nearest.pop(text, None)
                kept = True
            elif tally.matched.get(("--dst", text), 0) == 0:
                _remember_nearest(tally, text, want, traffic, ranges)
        return kept


def _remember_nearest(
    tally: Tally, text: str, want: Range, traffic: tuple[TrafficKey, ...], ranges: _Ranges
) -> None:
    near = tally.nearest.setdefault(text, [])
    for key in traffic:
        r = ranges.get(key.dst) if key.dst is not None else None
        if r is None or r[0] != want[0]:
            continue
        item = (_gap(r, want), key.dst or "")
        if item not in near and (len(near) < NEAREST or item < near[-1]):
            near.append(item)
            near.sort()
            del near[NEAREST:]


def _restrict(graph: Graph, names: Sequence[str]) -> Graph:
    """``graph`` with only the sources whose location matches a name."""
    sources = tuple(s for s in graph.sources if any(_matches(n, graph.labels[s]) for n in names))
    if sources == graph.sources:
        return graph
    return Graph(graph.labels, graph.succ, sources, graph.sinks)


# ---------------------------------------------------------------------- after the run


@frozen
class InputSummary:
    """What the report says about the input: FECs before filters, what each filter left out,
    and the loaders' warnings (``skipped-file``...)."""

    fecs_input: int | None = None
    filters: tuple[FilterNote, ...] = ()
    warnings: tuple[Warning_, ...] = ()


def _closest_starts(value: str, names: set[str]) -> list[str]:
    candidates: set[str] = set()
    for name in names:
        parts = name.split("|")
        for i in range(1, len(parts) + 1):
            candidates.add("|".join(parts[:i]))
    return difflib.get_close_matches(value, sorted(candidates), n=3, cutoff=0.6)


def _nothing(option: str, value: str, tally: Tally) -> SelectionError:
    if option == "--dst":
        close = [t for _, t in sorted(tally.nearest.get(value, []))]
        text = f"dst={value} overlaps the traffic of no FEC of the input"
        if close:
            text += f" (closest destinations: {', '.join(close)})"
        return SelectionError(text, hint="dst= keeps FECs whose traffic overlaps the prefix")
    close = _closest_starts(value, tally.starts)
    where = "enters" if option == "--start" else "starts"
    text = f"{option.lstrip('-')}={value!r} matches no location where a flow {where} in the input"
    if close:
        text += f" (closest: {', '.join(close)})"
    elif tally.starts:
        some = sorted(tally.starts)[:5]
        text += f" (flows start at e.g. {', '.join(some)})"
    return SelectionError(
        text, hint="names match by components: 'core1' matches 'core1|default' and 'core1|vrf|Gi0'"
    )


def summarize_tally(tally: Tally, warnings: Sequence[Warning_] = ()) -> InputSummary:
    """The report's view of a filtered pass; :class:`SelectionError` when a value selected
    nothing (checked only when the pass read the whole change) or no FEC is left."""
    if tally.complete:
        for (opt, value), n in tally.matched.items():
            if n == 0:
                raise _nothing(opt, value, tally)
    if tally.complete and tally.fecs_input and tally.kept == 0:
        what = ", ".join(
            f"{opt.lstrip('-')}= left out {n}" for opt, n in tally.left_out.items() if n
        )
        raise SelectionError(
            f"the filters left no FEC to check ({tally.fecs_input} in the input; {what})",
            hint="each value selects some FECs, but no FEC passes every filter",
        )
    notes = []
    found = list(warnings)
    for opt in ("--dst", "--start", "--flow"):
        values = [v for o, v in tally.matched if o == opt]
        if not values:
            continue
        note = FilterNote(opt, ", ".join(values), tally.left_out.get(opt, 0), _REASONS[opt])
        notes.append(note)
        if note.left_out:
            found.append(filtered_warning(note, tally.fecs_input))
    return InputSummary(tally.fecs_input, tuple(notes), tuple(found))


def filtered_warning(note: FilterNote, fecs_input: int) -> Warning_:
    """The ``filtered`` warning of a filter that left FECs out (``--strict`` fails on it).

    >>> filtered_warning(FilterNote("--dst", "10.0.0.0/8", 3, "why"), 10).message
    '--dst 10.0.0.0/8 left out 3 of 10 FECs: why'
    """
    fecs = "FEC" if fecs_input == 1 else "FECs"
    return Warning_(
        None,
        f"{note.option} {note.value} left out {note.left_out} of {fecs_input} {fecs}: {note.reason}",
        code="filtered",
        hint="the verdict covers only the FECs the filters kept",
    )


def summarize(change: Any, tallies: Sequence[Tally] | None = None) -> InputSummary:
    """What the report says about ``change`` after a run over it.

    ``tallies``: the tallies of the parts read by workers (default: the tally
    of the change's last pass, for a change iterated in this process).  A
    change without filters gives ``fecs_input=None`` and no notes.
    """
    warnings = tuple(getattr(change, "warnings", ()))
    selector = getattr(change, "selector", None)
    if not selector:
        return InputSummary(None, (), warnings)
    if tallies:
        total = Tally(complete=True)
        for t in tallies:
            total = total.merge(t)
    else:
        last = getattr(change, "tally", None)
        if last is None:
            return InputSummary(None, (), warnings)
        total = last
    return summarize_tally(total, warnings)
