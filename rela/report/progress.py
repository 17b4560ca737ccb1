"""A progress bar for long checks, drawn on stderr only (stdout carries the report).

The CLI turns it on when stderr is a terminal, more than a few hundred FECs
are expected (or the count is unknown) and ``--no-progress`` is not given; the
library itself never draws anything.  The drawing (rich's progress display) is
imported only when a bar is shown: a check in CI or a pipe never loads it.

>>> with progress_bar(1000, enabled=False) as advance:
...     advance(10)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["progress_bar", "Advance", "MIN_FECS"]

Advance = Callable[..., None]
"""``advance(n: int = 1)``: n more FECs are done."""

MIN_FECS = 300
"""Below this many expected FECs a check is too quick for a progress bar to help."""


@contextmanager
def progress_bar(
    total: int | None, *, enabled: bool, console: Console | None = None
) -> Iterator[Advance]:
    """Yield ``advance(n=1)`` that moves a progress bar of ``total`` FECs on stderr.

    With ``enabled=False`` nothing is drawn and ``advance`` does nothing, so
    callers need no branches. ``total=None`` shows a pulsing bar and no ETA.
    The bar is removed when the block ends, leaving the terminal to the report.
    ``console`` (default: a stderr console) is for tests.
    """
    if not enabled:
        yield _ignore
        return
    from rela.report.progress_draw import drawn_bar

    with drawn_bar(total, console) as advance:
        yield advance


def _ignore(n: int = 1) -> None:
    return None
