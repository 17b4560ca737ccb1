"""The machine report (``--format json``): :meth:`Report.to_dict` as JSON.

The document follows ``rela/schemas/report.schema.json`` (also published as
``docs/report.schema.json``); fields are only ever added, never renamed.

>>> from rela.results import Report, SpecResult
>>> import json
>>> json.loads(render_json(Report(specs=(SpecResult("s", 1, 1, 0, 0),))))["holds"]
True
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import orjson

from rela.results import Report

__all__ = ["render_json", "report_schema", "SCHEMA_RESOURCE"]

SCHEMA_RESOURCE = "report.schema.json"

_ORJSON = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS


def render_json(report: Report) -> str:
    """The report as indented JSON (field order as in ``to_dict``), ending with a newline;
    pure ASCII (other characters as ``\\u`` escapes).

    orjson writes it (several times faster than :mod:`json` on a report of
    megabytes); a report holding other characters than ASCII, which orjson
    would write as UTF-8, is written by :mod:`json` with escapes instead.
    """
    data = report.to_dict()
    try:  # the options give json.dumps's output for whatever to_dict may hold
        text = orjson.dumps(data, option=_ORJSON, default=str).decode()
    except orjson.JSONEncodeError:
        text = ""
    if text and text.isascii():
        return text + "\n"
    return json.dumps(data, indent=2, ensure_ascii=True, default=str) + "\n"


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the JSON report, as shipped in the package."""
    schemas = resources.files("rela").joinpath("schemas")
    text = schemas.joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
