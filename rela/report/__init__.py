"""Renderers of a :class:`rela.results.Report`: text (rich), JSON, JUnit XML, Markdown.

Every renderer is a pure function from a report to a string that ends with a
newline (write it as is); the library never prints. Progress display for long
runs lives in :mod:`rela.report.progress`.

>>> from rela.results import Report, SpecResult
>>> report = Report(specs=(SpecResult("s", total=2, holds=2, violated=0, errors=0),))
>>> render(report, "text", quiet=True)
'PASS: 1 spec holds on 2 FECs\\n'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rela.report.json_report import render_json, report_schema
    from rela.report.junit import render_junit
    from rela.report.markdown import render_markdown
    from rela.report.text import render_text
    from rela.results import Report

__all__ = [
    "FORMATS",
    "render",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_text",
    "report_schema",
]

FORMATS = ("text", "json", "junit", "markdown")

#: Where each renderer lives: a command imports only the renderer it uses (start-up time).
_RENDERERS = {
    "render_json": "rela.report.json_report",
    "report_schema": "rela.report.json_report",
    "render_junit": "rela.report.junit",
    "render_markdown": "rela.report.markdown",
    "render_text": "rela.report.text",
}


def __getattr__(name: str) -> Any:
    """The renderers, imported on first use."""
    if name in _RENDERERS:
        return getattr(importlib.import_module(_RENDERERS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def render(
    report: Report,
    fmt: str,
    *,
    color: bool | None = None,
    width: int | None = None,
    quiet: bool = False,
    verbose: bool = False,
    max_examples: int = 5,
) -> str:
    """Render ``report`` in format ``fmt`` (one of :data:`FORMATS`).

    ``color``, ``width``, ``quiet`` and ``verbose`` apply to ``text`` only;
    ``max_examples`` (violations shown; negative for all) to ``text`` (per
    spec) and ``markdown`` (in total). No ANSI escape is produced unless
    ``color`` is true. Raises :class:`ValueError` for an unknown format.
    """
    if fmt == "text" and quiet and not color:
        from rela.report._common import summary_line  # the one line, without rich

        return summary_line(report) + "\n"
    if fmt == "text":
        from rela.report.text import render_text

        return render_text(
            report,
            color=color,
            width=width,
            quiet=quiet,
            verbose=verbose,
            max_examples=max_examples,
        )
    if fmt == "json":
        from rela.report.json_report import render_json

        return render_json(report)
    if fmt == "junit":
        from rela.report.junit import render_junit

        return render_junit(report)
    if fmt == "markdown":
        from rela.report.markdown import render_markdown

        return render_markdown(report, max_examples=max_examples)
    raise ValueError(f"unknown report format {fmt!r} (expected one of {', '.join(FORMATS)})")
