"""Which flows a diff lists and sums up: ``--through``, ``--kind``, ``--fec``.

The names and meanings of ``rela check``'s report filters: ``--through LOC``
keeps flows with a path through ``LOC`` before or after (name matching, so
``core1`` matches ``core1|default|Gi0/0``), ``--kind KIND`` keeps changed flows
of that kind, ``--fec KEY`` the flows of the FEC with that key or index
(``#3`` or ``3``).  The values of one option are alternatives; options
combine.  They choose what the report lists and what its breakdown (kinds,
dispositions, drops, loops, places) covers; the status counts, the verdict
and the exit status stay those of every FEC compared.  A value that selects
nothing at all is a usage error naming the option, the value and the
closest values (:func:`nothing_selected`), so a typo never reads as "no change".

>>> from rela.diff.compare import Differ
>>> from rela.network.model import Fec, Graph
>>> differ = Differ()
>>> d, shifts = differ.examine(Fec(0, "k", (), Graph.from_paths([["a", "b"]]),
...                                Graph.from_paths([["a", "c"]])))
>>> view = View(through=("c",))
>>> [s.flow for s in view.select(d, shifts, differ.bits.labels)], view.matched
(['a'], {('--through', 'c'): 1})
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rela.diff.compare import FlowShift, as_tuple, matches
from rela.diff.facts import Bits
from rela.diff.results import KINDS, FecDiff
from rela.errors import UsageError
from rela.network.model import Fec
from rela.results import FilterNote

__all__ = ["View", "fec_matches", "nothing_selected", "notes"]


def fec_matches(value: str, index: int, key: str | None) -> bool:
    """Whether ``--fec value`` names the FEC with this index and key.

    >>> fec_matches("#3", 3, None), fec_matches("10.0.0.0/24", 0, "10.0.0.0/24")
    (True, True)
    """
    text = value[1:] if value.startswith("#") else value
    return key == value or (text.isdigit() and int(text) == index)


@dataclass
class View:
    """The view filters of one run, and how many FECs each value matched (for errors)."""

    through: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    fecs: tuple[str, ...] = ()
    matched: dict[tuple[str, str], int] = field(default_factory=dict)
    #: FECs each option left out of the listing and breakdown.
    left_out: dict[str, int] = field(default_factory=dict)
    #: Kinds of the changed flows met (for the error of a --kind that selects nothing).
    kinds_seen: set[str] = field(default_factory=set)
    _masks: dict[str, int] = field(default_factory=dict, repr=False)
    _seen: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        self.through = as_tuple(self.through)
        self.kinds = as_tuple(self.kinds)
        self.fecs = as_tuple(self.fecs)
        for kind in self.kinds:
            if kind not in KINDS:
                raise UsageError(
                    f"--kind {kind!r} is not a kind", hint=f"kinds: {', '.join(KINDS)}"
                )
        for name in self.through:
            if not name or name.count("|") > 2:
                raise UsageError(f"--through {name!r} is not a location name")
        for option, values in self.options():
            for v in values:
                self.matched.setdefault((option, v), 0)
            if values:
                self.left_out.setdefault(option, 0)

    @property
    def active(self) -> bool:
        """Whether some view filter is given."""
        return bool(self.through or self.kinds or self.fecs)

    def options(self) -> list[tuple[str, tuple[str, ...]]]:
        return [("--through", self.through), ("--kind", self.kinds), ("--fec", self.fecs)]

    def _mask(self, name: str, labels: Bits) -> int:
        """The bit set of the locations interned so far that ``name`` matches."""
        if self._seen < len(labels.names):
            for i in range(self._seen, len(labels.names)):
                for n in self.through:
                    if matches(n, labels.names[i]):
                        self._masks[n] = self._masks.get(n, 0) | (1 << i)
            self._seen = len(labels.names)
        return self._masks.get(name, 0)

    def select(self, d: FecDiff, shifts: Sequence[FlowShift], labels: Bits) -> Sequence[FlowShift]:
        """The flows of ``d`` the filters keep; counts what each value matched."""
        if not self.active:
            return shifts
        keep = list(shifts)
        if self.fecs:
            hits = [v for v in self.fecs if fec_matches(v, d.fec.index, d.fec.key)]
            self._count("--fec", hits)
            if not hits:
                self.left_out["--fec"] += 1
                keep = []
        if self.kinds:
            self.kinds_seen.update(s.kind for s in shifts if s.kind is not None)
            self._count("--kind", [k for k in self.kinds if any(s.kind == k for s in shifts)])
            keep = self._narrow("--kind", keep, shifts, lambda s: s.kind in self.kinds)
        if self.through:
            masks = {n: self._mask(n, labels) for n in self.through}
            union = 0
            for s in shifts:
                union |= s.labels
            self._count("--through", [n for n, m in masks.items() if union & m])
            every = 0
            for m in masks.values():
                every |= m
            keep = self._narrow("--through", keep, shifts, lambda s: bool(s.labels & every))
        return keep

    def _narrow(
        self,
        option: str,
        keep: list[FlowShift],
        shifts: Sequence[FlowShift],
        test: Callable[[FlowShift], bool],
    ) -> list[FlowShift]:
        """``keep`` narrowed by ``test``; an FEC none of whose flows passes is left out by ``option``."""
        if not any(test(s) for s in shifts):
            self.left_out[option] += 1
        return [s for s in keep if test(s)]

    def _count(self, option: str, hits: Iterable[str]) -> None:
        for v in hits:
            self.matched[(option, v)] += 1

    def merge(self, other: View) -> None:
        """Add the counts of another part of the run."""
        for k, n in other.matched.items():
            self.matched[k] = self.matched.get(k, 0) + n
        for option, n in other.left_out.items():
            self.left_out[option] = self.left_out.get(option, 0) + n
        self.kinds_seen |= other.kinds_seen

    def unmatched(self) -> tuple[str, str] | None:
        """The first (option, value) that matched nothing, if any."""
        for (option, value), n in self.matched.items():
            if not n:
                return option, value
        return None


def notes(view: View) -> tuple[FilterNote, ...]:
    """What each view filter left out of the listing and breakdown, as report notes."""
    reasons = {
        "--through": "FECs with no listed flow through",
        "--kind": "FECs with no changed flow of kind",
        "--fec": "FECs other than",
    }
    out = []
    for option, values in view.options():
        if values:
            joined = ", ".join(values)
            n = view.left_out.get(option, 0)
            out.append(FilterNote(option, joined, n, f"{reasons[option]} {joined}"))
    return tuple(out)


def nothing_selected(
    option: str, value: str, change: Iterable[Fec], kinds_present: Iterable[str]
) -> UsageError:
    """The error for a view filter value that selects nothing, with the closest values.

    ``change`` is read again (only on this error path) for the location names
    and FEC keys that exist.
    """
    if option == "--kind":
        present = sorted(set(kinds_present), key=KINDS.index)
        kinds = (
            f"kinds of the changed flows: {', '.join(present)}" if present else "no flow changed"
        ) + f" (all kinds: {', '.join(KINDS)})"
        return UsageError(f"--kind {value!r} selects no changed flow of this diff", hint=kinds)
    candidates: set[str] = set()
    for fec in change:
        if option == "--through":
            for graph in (fec.before, fec.after):
                for label in graph.labels:
                    candidates.add(label)
                    candidates.add(label.split("|", 1)[0])
        else:
            candidates.add(f"#{fec.index}")
            if fec.key is not None:
                candidates.add(fec.key)
    ordered = sorted(candidates)
    close = difflib.get_close_matches(value, ordered, n=3, cutoff=0.5)
    shown = close or ordered[:5]
    what = "no path of this diff goes through it" if option == "--through" else "no such FEC"
    hint: str | None = None
    if shown:
        hint = ("closest: " if close else "for example: ") + ", ".join(shown)
    return UsageError(f"{option} {value!r} selects nothing: {what}", hint=hint)
