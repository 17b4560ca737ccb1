"""The drawing of :func:`rela.report.progress.progress_bar` with rich (imported only
when a bar is shown)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

__all__ = ["drawn_bar"]

# Updating rich on every FEC would cost more than checking a trivial FEC.
_FLUSH_SECONDS = 0.1


class _CountColumn(ProgressColumn):
    """``1,234/5,000 FECs`` or ``1,234 FECs`` when the total is unknown."""

    def render(self, task: Task) -> Text:
        done = f"{int(task.completed):,}"
        if task.total is None:
            return Text(f"{done} FECs", style="progress.download")
        return Text(f"{done}/{int(task.total):,} FECs", style="progress.download")


class _SpeedColumn(ProgressColumn):
    """``850 FECs/s`` (blank until rich has a speed estimate)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f} FECs/s", style="progress.data.speed")


@contextmanager
def drawn_bar(total: int | None, console: Console | None) -> Iterator[Callable[..., None]]:
    """The bar of :func:`rela.report.progress.progress_bar`, drawn (``advance(n=1)``)."""
    console = console or Console(stderr=True)
    columns: list[ProgressColumn] = [
        SpinnerColumn(),
        TextColumn("checking"),
        BarColumn(),
        _CountColumn(),
        _SpeedColumn(),
    ]
    columns += [TimeRemainingColumn()] if total is not None else [TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("FECs", total=total)
        pending = 0
        last = time.monotonic()

        def advance(n: int = 1) -> None:
            nonlocal pending, last
            pending += n
            now = time.monotonic()
            if now - last >= _FLUSH_SECONDS:
                bar.advance(task, pending)
                pending, last = 0, now

        try:
            yield advance
        finally:
            if pending:
                bar.advance(task, pending)
