"""Which violations a report lists: ``--through``, ``--kind``, ``--fec``, ``--max-violations``.

A change with hundreds of violated flows needs a way to look at some of them.
:func:`select` keeps the violations that pass every filter (the values of one
option are alternatives), recomputes the causes from them, and cuts each
spec's list at ``limit``.  Verdicts, FEC counts and the exit code stay those of
the whole run: the report only says what it does not list
(``Report.view``, ``SpecResult.omitted``).  A filter value that selects no
violation at all is a usage error naming the option, the value and the
closest values that exist (a typo must not look like "nothing to see").

>>> from rela.results import Explanation, FecRef, Report, SpecResult, Violation
>>> v = Violation(FecRef(3, "10.0.0.0/24"), "a", (("a", "b"),), (("a", "drop"),), (), (), (), (),
...               explanation=Explanation("new-drop", "a"))
>>> w = Violation(FecRef(4, "10.0.1.0/24"), "a", (("a", "c"),), (), (), (), (), ())
>>> r = Report(specs=(SpecResult("s", 2, 0, 2, 0, violations=(v, w)),))
>>> kept = select(r, through=["c"])
>>> [x.fec.index for x in kept], kept.specs[0].omitted, kept.view[0].left_out
([4], 1, 1)
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Iterable, Sequence

from rela.errors import UsageError
from rela.explain.causes import find_causes
from rela.explain.classify import classify
from rela.report.escape import visible
from rela.results import KINDS, FilterNote, Report, SpecialHop, SpecResult, Violation

__all__ = ["select", "through", "fec_matches"]

Test = Callable[[Violation], bool]


def _matches(name: str, hop: str) -> bool:
    """Name matching of the spec language: ``name``'s components start ``hop``'s."""
    if isinstance(hop, SpecialHop):
        return False
    want = name.split("|")
    return hop.split("|")[: len(want)] == want


def through(location: str) -> Test:
    """Violations with a before, after, expected or actual path through ``location``."""

    def test(v: Violation) -> bool:
        for paths in (v.before, v.after, v.expected, v.actual):
            if any(_matches(location, hop) for p in paths for hop in p):
                return True
        at = v.explanation.at if v.explanation else None
        return at is not None and _matches(location, at)

    return test


def fec_matches(key: str) -> Test:
    """Violations of the FEC with this key, or at this index (``3`` or ``#3``)."""
    text = key[1:] if key.startswith("#") else key
    index = int(text) if text.isdigit() else None

    def test(v: Violation) -> bool:
        return v.fec.key == key or (index is not None and v.fec.index == index)

    return test


def _kind_of(v: Violation) -> str:
    return v.explanation.kind if v.explanation else classify(v).kind


def _kind(kind: str) -> Test:
    return lambda v: _kind_of(v) == kind


def select(
    report: Report,
    *,
    through: Sequence[str] = (),
    kinds: Sequence[str] = (),
    fecs: Sequence[str] = (),
    limit: int | None = None,
) -> Report:
    """The report listing only the matching violations, at most ``limit`` per spec."""
    everything = list(report)
    filters: list[tuple[str, Sequence[str], Callable[[str], Test], str]] = [
        ("--through", through, globals()["through"], "violations not through"),
        ("--kind", kinds, _kind, "violations of other kinds than"),
        ("--fec", fecs, fec_matches, "violations of other FECs than"),
    ]
    tests: list[Test] = []
    notes: list[FilterNote] = []
    for option, values, make, why in filters:
        if not values:
            continue
        per_value = [make(value) for value in values]
        for value, test in zip(values, per_value):
            if everything and not any(test(v) for v in everything):
                raise _nothing(option, value, everything)

        def any_of(v: Violation, per_value: list[Test] = per_value) -> bool:
            return any(t(v) for t in per_value)

        tests.append(any_of)
        joined = ", ".join(values)
        left = sum(not any_of(v) for v in everything)
        notes.append(FilterNote(option, joined, left, f"{why} {joined}"))
    if not tests and limit is None:
        return report
    specs = [_select_spec(s, tests, limit) for s in report.specs]
    return dataclasses.replace(report, specs=tuple(specs), view=tuple(notes))


def _select_spec(spec: SpecResult, tests: list[Test], limit: int | None) -> SpecResult:
    kept = [v for v in spec.violations if all(t(v) for t in tests)]
    causes = find_causes(kept) if len(kept) != len(spec.violations) else spec.causes
    listed = kept if limit is None else _ordered(kept)[:limit]
    omitted = spec.omitted + len(spec.violations) - len(listed)
    return dataclasses.replace(spec, violations=tuple(listed), causes=causes, omitted=omitted)


def _ordered(violations: Iterable[Violation]) -> list[Violation]:
    return sorted(violations, key=lambda v: (v.fec.index, v.fec.key or "", v.flow))


def _nothing(option: str, value: str, violations: list[Violation]) -> UsageError:
    """The error for a filter value that selects no violation, with the closest values."""
    if option == "--kind":
        present = sorted({_kind_of(v) for v in violations})
        candidates = present
        hint = (
            f"kinds of the violations found: {', '.join(present)} (all kinds: {', '.join(KINDS)})"
        )
    else:
        if option == "--through":
            names: set[str] = set()
            for v in violations:
                for paths in (v.before, v.after, v.expected, v.actual):
                    for p in paths:
                        for hop in p:
                            if not isinstance(hop, SpecialHop):
                                names.add(str(hop))
                                names.add(str(hop).split("|")[0])
            candidates = sorted(names)
        else:
            keys = {v.fec.key for v in violations if v.fec.key is not None}
            candidates = sorted(keys | {f"#{v.fec.index}" for v in violations})
        close = difflib.get_close_matches(value, candidates, n=3, cutoff=0.5)
        shown = close or candidates[:5]
        hint = ("closest: " if close else "for example: ") + ", ".join(map(visible, shown))
    return UsageError(
        f"{option} {visible(repr(value))} selects no violation of this run", hint=hint
    )
