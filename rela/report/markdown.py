"""The pull-request comment (``--format markdown``): verdict, counts, causes, counterexamples.

Sized for a PR comment, most telling first: one heading with PASS/FAIL, how
many FECs were checked, the summary table, warnings, a table of **causes**
(what happened, where, for which traffic, which clause), then the first
``max_examples`` violated flows over all specs (spec-file order, then FEC
index, then flow) as ``diff`` blocks: ``-`` lines are missing paths, ``+``
lines unexpected ones, unchanged paths are counted, loops folded.  Names from
the input are made visible (:mod:`rela.report.escape`) and put in code spans,
so none can inject Markdown or a line of its own.  The output is
deterministic for a given report.

>>> from rela.results import Report, SpecResult
>>> render_markdown(Report(specs=(SpecResult("s", 2, 2, 0, 0),), fecs_read=2)).splitlines()[0]
'## ✅ Rela PASS: 1 spec holds on 2 FECs'
"""

from __future__ import annotations

import re

from rela.report._common import (
    TRUNCATED_NOTE,
    all_causes,
    cause_destinations,
    clause_text,
    counts_line,
    format_traffic,
    name,
    ordered_errors,
    ordered_violations,
    plural,
    spec_status,
    summary_line,
    view_lines,
)
from rela.report.rows import ARROW, Item, flow_view, hop_text
from rela.report.text import MAX_CAUSES
from rela.results import KIND_WORDS, Cause, FecRef, Report, SpecResult, Violation

__all__ = ["render_markdown"]

_MAX_ERRORS = 10
_MAX_DESTINATIONS = 4


def render_markdown(report: Report, max_examples: int = 5) -> str:
    """The Markdown summary, ending with a newline; ``max_examples < 0`` shows every violation."""
    icon = "✅" if report.holds else "❌"
    out = [f"## {icon} Rela {summary_line(report)}", ""]
    out.append(_escape(counts_line(report)))
    out += [_escape(line) for line in view_lines(report)]
    out += ["", *_table(report.specs)]
    if report.warnings:
        out += ["", "### Warnings", ""]
        for w in report.warnings:
            where = f"{_code(name(w.spec))}: " if w.spec else ""
            hint = f" — _{_escape(name(w.hint))}_" if w.hint else ""
            out.append(f"- {where}{_escape_clause(name(w.message))}{hint}")
    causes = all_causes(report)
    if causes:
        limit = len(causes) if max_examples < 0 else MAX_CAUSES
        out += ["", "### Causes", "", *_causes_table(causes[:limit], len(report.specs) > 1)]
        if len(causes) > limit:
            out += ["", f"_{plural(len(causes) - limit, 'more cause')} in the JSON report._"]
    examples = [(s, v) for s in report.specs for v in ordered_violations(s)]
    limit = len(examples) if max_examples < 0 else min(max_examples, len(examples))
    hidden = sum(s.omitted for s in report.specs) + len(examples) - limit
    if examples:
        out += ["", "### Counterexamples", ""]
        out.append("`-` expected path that is missing, `+` path that is not expected.")
        for spec, v in examples[:limit]:
            out += ["", *_example(spec, v)]
    if hidden > 0:
        out += [
            "",
            f"_{plural(hidden, 'more violated flow')} not shown; "
            "see the JSON or JUnit report for all of them._",
        ]
    errors = [(s, e) for s in report.specs for e in ordered_errors(s)]
    if errors:
        out += ["", "### FECs that could not be verified", ""]
        for spec, e in errors[:_MAX_ERRORS]:
            out.append(f"- {_code(name(spec.name))} {_fec(e.fec)}: {_escape(name(e.message))}")
        if len(errors) > _MAX_ERRORS:
            out.append(f"- … {plural(len(errors) - _MAX_ERRORS, 'more error')}")
    return "\n".join(out) + "\n"


def _table(specs: tuple[SpecResult, ...]) -> list[str]:
    rows = [
        "| spec | result | FECs | hold | violated | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for s in specs:
        status = spec_status(s)
        cell = f"✅ {status}" if s.ok else f"❌ {status}"
        rows.append(
            f"| {_cell(s.name)} | {cell} | {s.total:,} | {s.holds:,} | {s.violated:,} | {s.errors:,} |"
        )
    return rows


def _causes_table(causes: list[tuple[SpecResult, Cause]], many_specs: bool) -> list[str]:
    head = "| # | what happened | FECs | flows | traffic | clause |"
    rule = "| ---: | --- | ---: | ---: | --- | --- |"
    if many_specs:
        head = "| # | spec | what happened | FECs | flows | traffic | clause |"
        rule = "| ---: | --- | --- | ---: | ---: | --- | --- |"
    rows = [head, rule]
    for n, (spec, c) in enumerate(causes, 1):
        dsts = cause_destinations(c)
        traffic = ", ".join(_code(d) for d in dsts[:_MAX_DESTINATIONS])
        if len(dsts) > _MAX_DESTINATIONS:
            traffic += f" (+{len(dsts) - _MAX_DESTINATIONS} more)"
        clause = _pipe(_escape_clause(clause_text(c.clause))) if c.clause else "—"
        what = _pipe(_what(c.kind, c.at))
        spec_cell = f" {_cell(spec.name)} |" if many_specs else ""
        rows.append(f"| {n} |{spec_cell} {what} | {c.fecs} | {c.flows} | {traffic} | {clause} |")
    return rows


def _example(spec: SpecResult, v: Violation) -> list[str]:
    head = f"**{_code(name(spec.name))}** · {_fec(v.fec)}"
    if v.fec.traffic:
        head += f" · traffic {_code(format_traffic(v.fec.traffic))}"
    head += f" · flow from {_code(name(v.flow))}"
    e = v.explanation
    if e is not None:
        head += f" · {_what(e.kind, e.at)}"
        if e.clause is not None:
            head += f" · {_escape_clause(clause_text(e.clause))}"
    view = flow_view(v)
    body: list[str] = []
    for r in view.rows:
        if r.left is not None:
            body.append(f"{r.left_mark} {_item(r.left)}")
        if r.right is not None:
            body.append(f"{r.right_mark} {_item(r.right)}")
    if view.unchanged:
        shown = view.unchanged[:2]
        body += [f"  {_item(i)}" for i in shown]
        if len(view.unchanged) > len(shown):
            more = len(view.unchanged) - len(shown)
            body.append(f"  … {plural(more, 'more unchanged path')}")
    body += [f"# note: {n}" for n in view.notes]
    if v.truncated:
        body.append(f"# {TRUNCATED_NOTE}")
    fence = _fence("\n".join(body))
    return [head, "", f"{fence}diff", *body, fence]


def _what(kind: str, at: str | None) -> str:
    """``new drop at `core2```."""
    words = KIND_WORDS.get(kind, kind)
    return f"{words} at {_code(hop_text(at))}" if at is not None else words


def _fec(fec: FecRef) -> str:
    """``FEC #3 (`10.0.0.0/24`)``."""
    return f"FEC #{fec.index} ({_code(name(fec.key))})" if fec.key else f"FEC #{fec.index}"


def _item(item: Item) -> str:
    text = ARROW.join(item.tokens)
    extra = []
    if item.loop:
        extra.append(f"forwarding loop; {plural(len(item.paths), 'listed path')}")
    if item.note:
        extra.append(item.note)
    return text + (f"  ({'; '.join(extra)})" if extra else "")


def _fence(body: str) -> str:
    """A backtick fence longer than any backtick run in ``body``."""
    longest = max((len(m) for m in re.findall("`+", body)), default=0)
    return "`" * max(3, longest + 1)


def _code(text: str) -> str:
    """Inline code that survives backticks in ``text``."""
    ticks = "`" * (max((len(m) for m in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _cell(text: str) -> str:
    """A name in a table cell: visible, in code, ``|`` escaped."""
    return _pipe(_code(name(text)))


def _pipe(text: str) -> str:
    return text.replace("|", "\\|")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def _escape(text: str) -> str:
    """Escape Markdown syntax in free text (messages, names in prose)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _escape_clause(text: str) -> str:
    """A ``clause `...` at file:l:c`` text: the quoted clause as code, the rest escaped."""
    m = re.fullmatch(r"(.*?)`(.*)`(.*)", text, flags=re.S)
    if m is None:
        return _escape(text)
    before, code, after = m.groups()
    return f"{_escape(before)}{_code(code)}{_escape(after)}"
