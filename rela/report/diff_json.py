"""``rela diff --format json``: the document of ``rela/schemas/diff.schema.json``.

Indented, with each path (and each short object of scalars) on one line, so
the document reads well and diffs well.

>>> import json
>>> from rela.diff import DiffReport, DiffSummary
>>> json.loads(render_json(DiffReport(DiffSummary()))) == DiffReport(DiffSummary()).to_dict()
True
"""

from __future__ import annotations

import json
import re

from rela.diff import DiffReport

__all__ = ["render_json"]

# An indented array or object of scalars (no nested brackets or braces, even in strings).
_FLAT = re.compile(r"([\[{])\n\s+([^\[\]{}]*?)\n\s*([\]}])")
_FLAT_OBJECT_WIDTH = 72


def _one_line(m: re.Match[str]) -> str:
    # JSON strings hold no raw newline, so joining the lines is safe
    line = m.group(1) + ", ".join(x.strip() for x in m.group(2).split(",\n")) + m.group(3)
    return line if m.group(1) == "[" or len(line) <= _FLAT_OBJECT_WIDTH else m.group(0)


def render_json(report: DiffReport) -> str:
    """The JSON document, ending with a newline."""
    return _FLAT.sub(_one_line, json.dumps(report.to_dict(), indent=2)) + "\n"
