"""The pull-request comment (``--format markdown``): verdict, table, first counterexamples.

Sized for a PR comment: one heading with PASS/FAIL, one summary table, then
the first ``max_examples`` violated flows over all specs (spec-file order, then
FEC index, then flow) as ``diff`` blocks, where ``-`` lines are missing paths
and ``+`` lines unexpected ones. The output is deterministic for a given report.

>>> from rela.results import Report, SpecResult
>>> render_markdown(Report(specs=(SpecResult("s", 2, 2, 0, 0),), fecs_read=2)).splitlines()[0]
'## ✅ Rela PASS: 1 spec holds on 2 FECs'
"""

from __future__ import annotations

import re

from rela.report._common import (
    TRUNCATED_NOTE,
    diff_rows,
    fec_label,
    format_path,
    format_traffic,
    ordered_errors,
    ordered_violations,
    plural,
    spec_status,
    summary_line,
)
from rela.results import Report, SpecResult, Violation

__all__ = ["render_markdown"]

_MAX_ERRORS = 10


def render_markdown(report: Report, max_examples: int = 5) -> str:
    """The Markdown summary, ending with a newline; ``max_examples < 0`` shows every violation."""
    icon = "✅" if report.holds else "❌"
    out = [f"## {icon} Rela {summary_line(report)}", "", *_table(report.specs)]
    examples = [(s, v) for s in report.specs for v in ordered_violations(s)]
    limit = len(examples) if max_examples < 0 else min(max_examples, len(examples))
    if examples:
        out += ["", "### Counterexamples", ""]
        out.append("`-` expected path that is missing, `+` path that is not expected.")
        for spec, v in examples[:limit]:
            out += ["", *_example(spec, v)]
        if len(examples) > limit:
            more = len(examples) - limit
            out += [
                "",
                f"_{plural(more, 'more violated flow')} not shown; "
                "see the JSON or JUnit report for all of them._",
            ]
    errors = [(s, e) for s in report.specs for e in ordered_errors(s)]
    if errors:
        out += ["", "### FECs that could not be verified", ""]
        for spec, e in errors[:_MAX_ERRORS]:
            out.append(f"- {_code(spec.name)} {fec_label(e.fec)}: {_escape(e.message)}")
        if len(errors) > _MAX_ERRORS:
            out.append(f"- … {plural(len(errors) - _MAX_ERRORS, 'more error')}")
    if report.warnings:
        out += ["", "### Warnings", ""]
        for w in report.warnings:
            where = f"{_code(w.spec)}: " if w.spec else ""
            out.append(f"- {where}{_escape(w.message)}")
    return "\n".join(out) + "\n"


def _table(specs: tuple[SpecResult, ...]) -> list[str]:
    rows = [
        "| spec | result | FECs | hold | violated | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for s in specs:
        status = spec_status(s)
        cell = f"✅ {status}" if s.ok else f"❌ {status}"
        name = _code(s.name).replace("|", "\\|")
        rows.append(f"| {name} | {cell} | {s.total} | {s.holds} | {s.violated} | {s.errors} |")
    return rows


def _example(spec: SpecResult, v: Violation) -> list[str]:
    head = f"**{_code(spec.name)}** · {fec_label(v.fec)}"
    if v.fec.traffic:
        head += f" · traffic {_code(format_traffic(v.fec.traffic))}"
    head += f" · flow from {_code(v.flow)}"
    body: list[str] = []
    for r in diff_rows(v):
        if r.left is not None and r.left == r.right and r.left_mark == r.right_mark == " ":
            body.append("  " + format_path(r.left))
            continue
        if r.left is not None:
            body.append(f"{r.left_mark} {format_path(r.left)}")
        if r.right is not None:
            body.append(f"{r.right_mark} {format_path(r.right)}")
    if v.truncated:
        body.append(TRUNCATED_NOTE)
    fence = _fence("\n".join(body))
    return [head, "", f"{fence}diff", *body, fence]


def _fence(body: str) -> str:
    """A backtick fence longer than any backtick run in ``body``."""
    longest = max((len(m) for m in re.findall("`+", body)), default=0)
    return "`" * max(3, longest + 1)


def _code(text: str) -> str:
    """Inline code that survives backticks in ``text``."""
    ticks = "`" * (max((len(m) for m in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def _escape(text: str) -> str:
    """Escape Markdown syntax in free text (messages, names in prose)."""
    return _MD_SPECIAL.sub(r"\\\1", text)
