"""Per-FEC resource limits, charged by every construction as it builds.

A :class:`Budget` counts what the automata built for one FEC hold — states,
and arcs or subset elements at :data:`ARC_UNITS` per state — cumulatively over
every construction of the FEC, and watches a wall-clock deadline.  Memory is
therefore bounded by the state limit: about :data:`BYTES_PER_STATE` bytes per
state of ``--max-states`` (docs/robustness.md), and the deadline is looked at
every :data:`CLOCK_UNITS` units of work, so an FEC stops within a few
milliseconds of its time limit on any input.

>>> b = Budget(max_states=10)
>>> b.charge(states=8, arcs=16)
>>> b.charge(states=1)
Traceback (most recent call last):
...
rela.errors.ResourceLimitError: error: more than 10 automaton states (raise --max-states)
"""

from __future__ import annotations

import time

from rela.errors import ResourceLimitError

__all__ = ["Budget", "ARC_UNITS", "CLOCK_UNITS", "BYTES_PER_STATE", "HOPS_PER_STATE"]

#: Arcs (or subset elements) that cost as much as one state.
ARC_UNITS = 8
#: Units of work between two looks at the clock.
CLOCK_UNITS = 4096
#: Hops of listed paths (counterexamples) allowed per state of the limit: the
#: default 200,000 states allow 200,000 hops per FEC (a few MB of report).
HOPS_PER_STATE = 1
#: Peak memory per state of the limit, rounded up from measurements (0.55 to
#: 0.75 KB, docs/robustness.md): the default 200,000 states stay under 200 MB.
BYTES_PER_STATE = 1000


class Budget:
    """The limits of one FEC: states built (arcs at 1/ARC_UNITS each) and a deadline."""

    __slots__ = ("max_states", "timeout", "deadline", "_units", "_limit", "_work", "hops_left")

    def __init__(self, max_states: int = 0, timeout: float = 0.0) -> None:
        self.max_states = max_states
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout if timeout else 0.0
        self._units = 0
        self._limit = max_states * ARC_UNITS
        self._work = 0
        #: Hops of paths that may still be listed (-1: no limit).
        self.hops_left = max_states * HOPS_PER_STATE if max_states else -1

    @property
    def states(self) -> float:
        """States charged so far (arcs counted as fractions of a state)."""
        return self._units / ARC_UNITS

    def charge(self, states: int = 1, arcs: int = 0) -> None:
        """Count ``states`` new states and ``arcs`` new arcs (or subset elements)."""
        added = states * ARC_UNITS + arcs
        self._units += added
        if self._limit and self._units > self._limit:
            raise ResourceLimitError(
                f"more than {self.max_states} automaton states (raise --max-states)"
            )
        self.work(added)

    def take_hops(self, hops: int) -> bool:
        """Reserve ``hops`` hops of listed paths; False (nothing reserved) when the FEC's
        allowance is spent: the list is then cut, and says so."""
        if self.hops_left < 0:
            return True
        if hops > self.hops_left:
            self.hops_left = 0
            return False
        self.hops_left -= hops
        return True

    def work(self, steps: int) -> None:
        """Count ``steps`` units of work: the clock is looked at every CLOCK_UNITS."""
        self._work += steps
        if self._work >= CLOCK_UNITS:
            self._work = 0
            self.check_time()

    def check_time(self) -> None:
        """Raise when the deadline has passed."""
        if self.deadline and time.monotonic() > self.deadline:
            raise ResourceLimitError(
                f"FEC took longer than {self.timeout:g} s (raise --fec-timeout)"
            )

    def check(self, states: int) -> None:
        """One construction holds ``states`` states: refuse more than the limit; look at
        the clock.  (For callers that count per construction, such as ``rela diff``.)"""
        if self.max_states and states > self.max_states:
            raise ResourceLimitError(
                f"more than {self.max_states} automaton states (raise --max-states)"
            )
        self.check_time()
