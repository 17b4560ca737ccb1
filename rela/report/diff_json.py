"""``rela diff --format json``: the document of ``rela/schemas/diff.schema.json``.

Indented by two spaces, with each array of scalars, and each object of
scalars that fits in :data:`_FLAT_OBJECT_WIDTH` characters, on one line, so
the document reads well and diffs well: the layout of ``json.dumps(doc,
indent=2)`` with such containers joined onto one line.

The document is written as it is made (:func:`json_chunks`: the head, then
one chunk per FEC), never held whole, and FECs with the same flows (the same
before and after graphs) share one rendering of them: on a change of 20,000
FECs the listing is hundreds of megabytes.

>>> import json
>>> from rela.diff import DiffReport, DiffSummary
>>> json.loads(render_json(DiffReport(DiffSummary()))) == DiffReport(DiffSummary()).to_dict()
True
>>> print(_layout({"a": [1, 2], "b": {"c": None}, "d": []}, 0))
{
  "a": [1, 2],
  "b": {"c": null},
  "d": []
}
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

from rela.diff import DiffReport, FecDiff

__all__ = ["render_json", "json_chunks"]

_FLAT_OBJECT_WIDTH = 72
#: Characters that keep a container of scalars from being joined onto one line
#: (the layout joins containers whose text has no bracket or brace inside).
_BRACKETS = frozenset("[]{}")
#: Renderings of FECs' flows remembered (by the flows themselves).
_SHARED = 4096


class _Raw(str):
    """Text already laid out (at the depth where it is placed)."""


def _flat(value: list[Any] | tuple[Any, ...] | dict[Any, Any]) -> str | None:
    """``value`` on one line if the layout joins it, else ``None``."""
    items = value.values() if isinstance(value, dict) else value
    for v in items:
        if isinstance(v, (list, dict, tuple)):
            return None
    line = json.dumps(value)  # separators ", " and ": ", as the indented items joined
    if not _BRACKETS.isdisjoint(line[1:-1]):
        return None
    if isinstance(value, dict) and len(line) > _FLAT_OBJECT_WIDTH:
        return None
    return line


def _parts(value: Any, depth: int, out: list[str]) -> None:
    """Append the layout of ``value``, its first line unindented, at nesting ``depth``."""
    if isinstance(value, _Raw):
        out.append(value)
        return
    if isinstance(value, (list, tuple, dict)):
        if not value:
            out.append("{}" if isinstance(value, dict) else "[]")
            return
        line = _flat(value)
        if line is not None:
            out.append(line)
            return
        inner = "\n" + "  " * (depth + 1)
        if isinstance(value, dict):
            out.append("{")
            first = True
            for k, v in value.items():
                out.append(inner if first else "," + inner)
                first = False
                out.append(json.dumps(str(k)) + ": ")
                _parts(v, depth + 1, out)
            out.append("\n" + "  " * depth + "}")
        else:
            out.append("[")
            for i, v in enumerate(value):
                out.append(inner if i == 0 else "," + inner)
                _parts(v, depth + 1, out)
            out.append("\n" + "  " * depth + "]")
        return
    out.append(json.dumps(value))


def _layout(value: Any, depth: int) -> str:
    out: list[str] = []
    _parts(value, depth, out)
    return "".join(out)


def _head(report: DiffReport) -> dict[str, Any]:
    """The document without its FECs (``fecs`` comes last and is left empty)."""
    doc = dataclasses.replace(report, fecs=()).to_dict()
    doc["fecs_omitted"] = report.fecs_omitted
    assert list(doc)[-1] == "fecs"
    return doc


def json_chunks(report: DiffReport) -> Iterator[str]:
    """The JSON document in pieces (the head, then about one FEC a piece), ending with a newline.

    >>> from rela.diff import DiffReport, DiffSummary
    >>> "".join(json_chunks(DiffReport(DiffSummary()))) == render_json(DiffReport(DiffSummary()))
    True
    """
    doc = _head(report)
    if not report.fecs:
        yield _layout(doc, 0) + "\n"
        return
    del doc["fecs"]
    head = _layout(doc, 0)
    yield head[:-2] + ',\n  "fecs": [\n    '  # reopen the object after its last member
    shared: dict[tuple[Any, ...], _Raw] = {}
    for i, fd in enumerate(report.fecs):
        yield ("" if i == 0 else ",\n    ") + _fec(fd, shared)
    yield "\n  ]\n}\n"


def _fec(fd: FecDiff, shared: dict[tuple[Any, ...], _Raw]) -> str:
    """One FEC of the listing, at its depth (2); its flows' text shared with FECs that have
    equal flows (FECs with the same graphs, also when diffed by different workers)."""
    doc = dataclasses.replace(fd, flows=()).to_dict()
    if fd.flows:
        text = shared.get(fd.flows)
        if text is None:
            if len(shared) >= _SHARED:
                shared.clear()
            text = shared[fd.flows] = _Raw(_layout([f.to_dict() for f in fd.flows], 3))
        doc["flows"] = text
    return _layout(doc, 2)


def render_json(report: DiffReport) -> str:
    """The JSON document, ending with a newline."""
    return "".join(json_chunks(report))
