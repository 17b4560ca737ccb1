"""Folding per-FEC outcomes into the report: counts, violations, errors, name warnings.

Executors yield *batches*: how many FECs were checked, the FECs with an
outcome other than holds (with their outcomes, one per spec), the seconds
spent per spec and location names met.  :class:`SpecTally` folds them per spec.

>>> from rela.check import HOLDS, Outcome
>>> tally = SpecTally("s")
>>> tally.add_many(3, [(FecRef(1, None), Outcome("error", message="boom"))])
>>> r = tally.result()
>>> (r.total, r.holds, r.errors)
(3, 2, 1)
"""

from __future__ import annotations

import difflib
from collections.abc import Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rela.check import HOLDS, Outcome
from rela.network.model import Fec
from rela.results import FecError, FecRef, SpecResult, Violation, Warning_
from rela.verify.cache_stats import CacheStats
from rela.verify.verifier import Named

__all__ = [
    "SpecTally",
    "Batch",
    "Aggregate",
    "PartResult",
    "fec_ref",
    "special",
    "shifted",
    "renumbered",
    "name_warnings",
    "MAX_NAME_WARNINGS",
]

#: Spec names warned about one by one (with the closest locations) per spec.
MAX_NAME_WARNINGS = 20

#: Clause coverage counted by a worker, per spec (see rela.explain.hook).
Cover = list[Any]
#: A batch's outcomes: per FEC one outcome per spec; seconds per spec; names met; coverage;
#: what the verdict cache did (``None``: no cache, or counted elsewhere).
BatchResult = tuple[list[list[Outcome]], list[float], list[str], Cover, CacheStats | None]
#: (FECs checked, FECs not holding with their outcomes, seconds per spec, names met, coverage,
#: cache counts).
Aggregate = tuple[
    int, list[tuple[FecRef, list[Outcome]]], list[float], list[str], Cover, CacheStats | None
]
#: A part (chunk file) checked by a worker: FECs indexed from 0 within the part.
#: A part's result: FECs read, the non-holding ones, seconds per spec, names met, the
#: part's input-filter tally (``rela.network.selection.Tally``, or None), coverage and
#: cache counts.
PartResult = tuple[
    int,
    list[tuple[int, FecRef, list[Outcome]]],
    list[float],
    list[str],
    Any,
    Cover,
    CacheStats | None,
]
Batch = tuple[list[Fec], BatchResult]


@dataclass
class SpecTally:
    """The running counts and findings of one spec."""

    name: str
    total: int = 0
    holds: int = 0
    violated: int = 0
    errors: int = 0
    violations: list[Violation] = field(default_factory=list)
    fec_errors: list[FecError] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, ref: FecRef, outcome: Outcome) -> None:
        self.total += 1
        if outcome.verdict == "holds":
            self.holds += 1
        elif outcome.verdict == "violated":
            self.violated += 1
            for f in outcome.flows:
                self.violations.append(f.violation(ref, spec=self.name))
        else:
            self.errors += 1
            self.fec_errors.append(FecError(ref, outcome.message, outcome.input_error))

    def add_many(self, n: int, special: list[tuple[FecRef, Outcome]]) -> None:
        """``n`` FECs, of which only ``special`` may have a verdict other than holds."""
        self.total += n - len(special)
        self.holds += n - len(special)
        for ref, outcome in special:
            self.add(ref, outcome)

    def result(self) -> SpecResult:
        return SpecResult(
            self.name,
            self.total,
            self.holds,
            self.violated,
            self.errors,
            tuple(self.violations),
            tuple(self.fec_errors),
            self.seconds,
        )


def fec_ref(fec: Fec) -> FecRef:
    """How the report names an FEC."""
    return FecRef(fec.index, fec.key, tuple(t.to_dict() for t in fec.traffic))


def special(stream: Iterable[Batch]) -> Generator[Aggregate, None, None]:
    """Batches as (count, FECs with a non-holding outcome, time, names, coverage)."""
    for batch, (outcomes, spent, names, cover, cached) in stream:
        found = [
            (fec_ref(fec), per_spec)
            for fec, per_spec in zip(batch, outcomes)
            if any(o is not HOLDS for o in per_spec)
        ]
        yield len(batch), found, spent, names, cover, cached


def shifted(
    stream: Iterable[tuple[object, PartResult]], tallies: list[Any] | None = None
) -> Generator[Aggregate, None, None]:
    """Part results with FEC indices made global (each part's FECs are indexed from 0,
    filtered or not); the parts' input-filter tallies are collected into ``tallies``."""
    offset = 0
    for _, (n, found, spent, names, tally, cover, cached) in stream:
        if tally is not None and tallies is not None:
            tallies.append(tally)
        yield (
            n,
            [
                (
                    FecRef(offset + local, ref.key, ref.traffic),
                    [renumbered(o, local, offset + local) for o in outcomes],
                )
                for local, ref, outcomes in found
            ],
            spent,
            names,
            cover,
            cached,
        )
        # FECs are indexed as in the input: a filtered part still counts the FECs it left out
        offset += tally.fecs_input if tally is not None else n


def renumbered(outcome: Outcome, local: int, index: int) -> Outcome:
    """A malformed FEC's outcome read from a part, naming the FEC by its index in the run.

    A worker reading one chunk file numbers its FECs from 0, and the message of
    a malformed FEC says ``FILE: FEC 1: ...``; a run reading every file in
    order says ``FILE: FEC 901: ...``.  Reports are the same either way.

    >>> o = Outcome("error", message="c/b.json: FEC 1: key: missing field", input_error=True)
    >>> renumbered(o, 1, 901).message
    'c/b.json: FEC 901: key: missing field'
    """
    if not outcome.input_error or local == index:
        return outcome
    old, new = f": FEC {local}", f": FEC {index}"
    at = outcome.message.find(old)
    if at < 0 or outcome.message[at + len(old) : at + len(old) + 1] not in (":", " "):
        return outcome
    message = outcome.message[:at] + new + outcome.message[at + len(old) :]
    return replace(outcome, message=message)


def name_warnings(
    checks: Sequence[Named], seen: set[str], groups: Mapping[str, str] | None
) -> list[Warning_]:
    """A spec name that matches no location of the input is almost always a typo."""
    from rela.automata.alphabet import Atoms

    out: list[Warning_] = []
    if not seen:
        return out
    devices = sorted({n.split("|")[0] for n in seen} | seen)
    for c in checks:
        atoms = Atoms.collect([c.check], groups=groups)
        absent = [n for n in atoms.absent_names(seen) if n != "drop"]
        for name in absent[:MAX_NAME_WARNINGS]:
            close = difflib.get_close_matches(name, devices, n=3, cutoff=0.6)
            msg = f"name {name!r} matches no location of the input"
            if close:
                msg += f"; closest: {', '.join(close)}"
            out.append(
                Warning_(
                    c.name,
                    msg,
                    code="unknown-name",
                    hint=f"did you mean {', '.join(close)}?"
                    if close
                    else "check the spelling and --granularity",
                )
            )
        if len(absent) > MAX_NAME_WARNINGS:
            rest = absent[MAX_NAME_WARNINGS:]
            shown = ", ".join(repr(n) for n in rest[:5])
            more = f" and {len(rest) - 5} more" if len(rest) > 5 else ""
            out.append(
                Warning_(
                    c.name,
                    f"{len(rest)} more names match no location: {shown}{more}",
                    code="unknown-name",
                )
            )
    return out
