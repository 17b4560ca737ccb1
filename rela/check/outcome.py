"""What checking one spec on one FEC produces: a verdict, and counterexamples per flow.

>>> HOLDS.verdict, Outcome("error", message="bad FEC", input_error=True).input_error
('holds', True)
"""

from __future__ import annotations

from rela.results import Explanation, FecRef, Violation
from rela.traffic import Cube, describe_part
from rela.values import frozen

__all__ = ["FlowDiff", "Outcome", "HOLDS", "VIOLATED", "PathList"]

PathList = tuple[tuple[str, ...], ...]


@frozen
class FlowDiff:
    """A violated flow: path lists as location names (see results.Violation)."""

    flow: str
    before: PathList
    after: PathList
    expected: PathList
    actual: PathList
    missing: PathList
    unexpected: PathList
    truncated: bool
    #: The part of the FEC's traffic this is about, when a guard split the FEC
    #: (``None``: all of it).
    part: tuple[Cube, ...] | None = None
    #: Kind, divergence point and clauses, added by :mod:`rela.explain.hook`.
    explanation: Explanation | None = None

    def violation(self, ref: FecRef, spec: str = "") -> Violation:
        """This flow as the report's violation of spec ``spec`` on the FEC ``ref``."""
        return Violation(
            ref,
            self.flow,
            self.before,
            self.after,
            self.expected,
            self.actual,
            self.missing,
            self.unexpected,
            self.truncated,
            spec=spec,
            part=describe_part(self.part) if self.part is not None else None,
            explanation=self.explanation,
        )


@frozen
class Outcome:
    """Verdict of one check on one FEC: ``holds``, ``violated`` or ``error``."""

    verdict: str
    flows: tuple[FlowDiff, ...] = ()
    message: str = ""
    input_error: bool = False


HOLDS = Outcome("holds")
VIOLATED = Outcome("violated")
