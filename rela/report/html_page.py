"""The parts shared by the HTML reports of ``rela check`` and ``rela diff``.

A page is one self-contained file: inline CSS, inline SVG, no script, no
external reference (fonts, images, styles or links), so it opens offline and
can be attached to a ticket as is.  Every text that comes from input files
goes through :func:`rela.draw.markup.esc`.

>>> path_html(("a", "b<"), "-", 1)
'<span class="hop same">a</span><span class="arrow"> → </span><span class="hop first">b&lt;</span>'
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from rela import __version__
from rela.draw import legend_html, pair_svg, too_large, union_pair
from rela.draw.markup import esc
from rela.draw.svg import MAX_EDGES, MAX_NODES, SVG_CSS
from rela.network.model import Graph
from rela.report._common import plural
from rela.report.rows import FlowView, Item, Row
from rela.results import Path, Warning_

__all__ = [
    "PAGE_CSS",
    "lines",
    "page",
    "path_html",
    "item_html",
    "view_html",
    "safe",
    "path_list",
    "figure",
    "note",
    "table",
    "warnings_section",
]

PAGE_CSS = """
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
  color: #1f2328; background: #fff; margin: 0; }
main { max-width: 1280px; margin: 0 auto; padding: 0 24px 40px; }
header.verdict { padding: 14px 24px; color: #fff; }
header.verdict h1 { margin: 0; font-size: 20px; }
header.verdict p { margin: 4px 0 0; opacity: .92; }
header.pass { background: #1e7d32; } header.fail { background: #b3261e; }
header.error { background: #9a6700; }
nav { margin: 12px 0 4px; font-size: 13px; } nav a { margin-right: 14px; }
h2 { font-size: 17px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin: 26px 0 10px; }
h3 { font-size: 15px; margin: 0 0 4px; } h4 { font-size: 14px; margin: 14px 0 6px; }
code, .mono, table.paths td, .paths-list { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
table.summary { border-collapse: collapse; }
table.summary th, table.summary td { padding: 4px 12px; border-bottom: 1px solid #eaeef2; text-align: left; }
table.summary td.num, table.summary th.num { text-align: right; font-variant-numeric: tabular-nums; }
.status-holds, .status-unchanged { color: #1e7d32; font-weight: 600; }
.status-violated, .status-changed, .status-only-before, .status-only-after { color: #b3261e; font-weight: 600; }
.status-error { color: #9a6700; font-weight: 600; }
section.fec { border: 1px solid #d0d7de; border-radius: 6px; padding: 12px 16px; margin: 14px 0; }
p.traffic, p.sub { margin: 0 0 6px; color: #59636e; }
table.paths { border-collapse: collapse; margin: 4px 0; }
table.paths th { text-align: left; font: 600 12px system-ui, sans-serif; color: #59636e; padding: 2px 8px; }
table.paths td { padding: 2px 8px; vertical-align: top; }
table.paths td.mark { width: 1ch; font-weight: bold; padding-right: 0; }
td.minus, td.mark.minus { background: #ffebe9; color: #8b1a12; }
td.plus, td.mark.plus { background: #e6f4ea; color: #14532d; }
.hop { white-space: nowrap; } .arrow { color: #8c959f; }
.hop.same { color: #8c959f; } .hop.first { font-weight: bold; text-decoration: underline; }
.badge { font: 600 11px system-ui, sans-serif; background: #f57c00; color: #fff; border-radius: 8px; padding: 0 6px; }
p.why { margin: 2px 0 6px; } p.why b { color: #b3261e; }
table.summary td.what { white-space: nowrap; }
table.summary td.vacuous { background: #fff8e1; color: #9a6700; }
.paths-list { margin: 2px 0 6px 14px; padding: 0; list-style: none; }
p.note { color: #59636e; font-style: italic; margin: 6px 0; }
p.warn { color: #9a6700; }
details { margin: 6px 0; } summary { cursor: pointer; color: #59636e; }
figure.drawing { margin: 10px 0; }
figure.drawing .canvas { overflow-x: auto; border: 1px solid #eaeef2; border-radius: 4px; padding: 6px; background: #fcfcfd; }
figcaption { font-size: 12px; color: #59636e; }
ul.plain { margin: 4px 0; padding-left: 20px; }
footer { color: #8c959f; font-size: 12px; margin-top: 30px; }
"""


def page(
    title: str,
    verdict: str,
    kind: str,
    subtitle: str,
    nav: Sequence[tuple[str, str]],
    body: Sequence[str],
) -> str:
    """A whole HTML document: a coloured verdict banner (``kind``: pass, fail or error), a
    table of contents (``nav``: anchor, text), then ``body`` (already escaped HTML)."""
    links = " ".join(f'<a href="#{esc(anchor)}">{esc(text)}</a>' for anchor, text in nav)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc(title)}</title>",
            f"<style>{PAGE_CSS}{SVG_CSS}</style>",
            "</head>",
            "<body>",
            f'<header class="verdict {kind}"><h1>{esc(verdict)}</h1><p>{esc(subtitle)}</p></header>',
            "<main>",
            f"<nav>{links}</nav>" if links else "",
            *body,
            f"<footer>Written by rela {esc(__version__)}. This page is self-contained: "
            "it loads nothing from the network.</footer>",
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


def path_html(path: Path, mark: str = " ", prefix: int = 0) -> str:
    """A path as hops and arrows; on a marked path the ``prefix`` hops it shares with its
    counterpart are dimmed and the first changed hop is bold."""
    if not path:
        return '<span class="hop">()</span>'
    out = []
    for i, hop in enumerate(path):
        if i:
            out.append('<span class="arrow"> → </span>')
        cls = "hop"
        if mark != " ":
            cls += " same" if i < prefix else (" first" if i == prefix else "")
        out.append(f'<span class="{cls}">{esc(hop)}</span>')
    return "".join(out)


_MARK_CLASS = {"-": "minus", "+": "plus", " ": ""}


def safe(text: str) -> str:
    """Text the report helpers already made visible (display tokens, ``kind_at``,
    ``clause_text``, ``fec_label``...): HTML-escaped only, so the ``⟨⟩`` of a hop that
    is not a location stays as written."""
    return html.escape(text, quote=True)


def item_html(item: Item, mark: str = " ", prefix: int = 0) -> str:
    """A displayed path (:class:`rela.report.rows.Item`): its tokens, a folded loop badged."""
    out = []
    for i, token in enumerate(item.tokens):
        if i:
            out.append('<span class="arrow"> → </span>')
        cls = "hop"
        if mark != " ":
            cls += " same" if i < prefix else (" first" if i == prefix else "")
        out.append(f'<span class="{cls}">{safe(token)}</span>')
    if not item.tokens:
        out.append('<span class="hop">()</span>')
    if item.loop:
        out.append(
            f' <span class="badge" title="stands for {len(item.paths)} listed paths and more">'
            "loop</span>"
        )
    if item.note:
        out.append(f' <span class="sub">({safe(item.note)})</span>')
    return "".join(out)


def _view_row(r: Row) -> str:
    cells = []
    paired = r.left is not None and r.right is not None
    for item, mark in ((r.left, r.left_mark), (r.right, r.right_mark)):
        if item is None:
            cells.append('<td class="mark"></td><td></td>')
            continue
        cls = _MARK_CLASS[mark]
        hops = item_html(item, mark if paired else " ", r.prefix)
        cells.append(f'<td class="mark {cls}">{mark.strip()}</td><td class="{cls}">{hops}</td>')
    return "<tr>" + "".join(cells) + "</tr>"


def view_html(view: FlowView, left: str, right: str, same: str) -> str:
    """A flow's rows side by side (``left`` against ``right``), then its unchanged paths
    (``same``: how to call them) folded, then its notes."""
    head = f"<thead><tr><th></th><th>{esc(left)}</th><th></th><th>{esc(right)}</th></tr></thead>"
    out = [
        '<table class="paths">',
        head + "<tbody>",
        *map(_view_row, view.rows),
        "</tbody></table>",
    ]
    if view.unchanged:
        items = "".join(f"<li>{item_html(i)}</li>" for i in view.unchanged)
        n = sum(len(i.paths) for i in view.unchanged)
        out.append(
            f'<details class="same"><summary>{plural(n, "more path")} {esc(same)}</summary>'
            f'<ul class="paths-list">{items}</ul></details>'
        )
    out += [f'<p class="note">{safe(n)}</p>' for n in view.notes]
    return "\n".join(out)


def path_list(label: str, paths: Sequence[Path]) -> str:
    """A labelled list of paths (``(none)`` when empty)."""
    items = "".join(f"<li>{path_html(p)}</li>" for p in paths) or "<li>(none)</li>"
    return f'<div class="sub">{esc(label)}</div><ul class="paths-list">{items}</ul>'


def lines(parts: Sequence[str]) -> str:
    """``parts`` one per line (the page's source stays readable and diffs well)."""
    return "".join("\n" + p for p in parts) + ("\n" if parts else "")


def note(text: str, cls: str = "note") -> str:
    """A one-line remark (already plain text; escaped here)."""
    return f'<p class="{cls}">{esc(text)}</p>'


def table(
    headers: Sequence[str], rows: Sequence[Sequence[tuple[str, str]]], numeric: Sequence[int] = ()
) -> str:
    """A summary table; each cell is ``(escaped html, css class)``; ``numeric`` columns align right."""
    head = "".join(
        f'<th class="num">{esc(h)}</th>' if i in numeric else f"<th>{esc(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = []
    for row in rows:
        cells = []
        for i, (content, cls) in enumerate(row):
            classes = " ".join(c for c in (cls, "num" if i in numeric else "") if c)
            cells.append(
                f'<td class="{classes}">{content}</td>' if classes else f"<td>{content}</td>"
            )
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<table class="summary"><thead><tr>{head}</tr></thead><tbody>{lines(body)}</tbody></table>'
    )


def figure(
    graphs: tuple[Graph, Graph] | None,
    label: str,
    flows: Sequence[str] = (),
    focus: Sequence[str] = (),
) -> str:
    """The drawing of a (before, after) graph pair with its legend, or why there is none;
    ``focus``: locations to ring (where the shown flows are dropped or diverge)."""
    if graphs is None:
        return note(f"{label}: no drawing (the FEC was not found when the input was read again).")
    pair = union_pair(*graphs, flows=flows).focused(focus)
    if not pair.nodes:
        return note(f"{label}: no drawing (no path before or after).")
    if too_large(pair):
        return note(
            f"{label}: not drawn, {len(pair.nodes)} locations and {len(pair.edges)} hops are over "
            f"the limit of {MAX_NODES} locations and {MAX_EDGES} hops "
            "(rela diff --dot DIR writes a Graphviz file of any size)."
        )
    return (
        f'<figure class="drawing"><div class="canvas">{pair_svg(pair, label=label)}</div>'
        f"<figcaption>{esc(label)}: before and after the change, over locations."
        f"{legend_html(pair)}</figcaption></figure>"
    )


def warnings_section(warnings: Sequence[Warning_]) -> str:
    """The page's warnings: code, where (spec, line:column) and message, hint aside."""
    items = []
    for w in warnings:
        where = f"{w.spec}: " if w.spec else ""
        if w.line is not None:
            where += f"{w.line}:{w.column or 1}: "
        hint = f' <span class="sub">({esc(w.hint)})</span>' if w.hint else ""
        items.append(f"<li><code>{esc(w.code)}</code> {esc(where + w.message)}{hint}</li>")
    return (
        f'<section id="warnings"><h2>Warnings</h2><ul class="plain">{lines(items)}</ul></section>'
    )
