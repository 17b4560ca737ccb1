"""Helpers of the HTML report tests: parsing a page and checking that it is self-contained."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, Tag

from rela.report._common import format_path
from rela.results import Path as PathT

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = REPO / "snapshots"
BATFISH = SNAPSHOTS / "batfish"
BATFISH_ARGS = [
    str(BATFISH / "costout.rela"),
    "--before",
    str(BATFISH / "base"),
    "--after",
    str(BATFISH / "change1"),
    "--start",
    "border1[Ethernet0]",
    "--start",
    "border2[Ethernet0]",
    "--dst",
    "10.100.0.0/16",
]
#: Names a hostile or careless input may hold.
HOSTILE = ["<script>alert(1)</script>", "a&b\"c'd", "bell\x07x", "<img src=http://x/y.png>"]
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse(page: str) -> BeautifulSoup:
    """The page parsed with the standard library's HTML parser (through Beautiful Soup)."""
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    return BeautifulSoup(page, "html.parser")


def assert_self_contained(page: str, soup: BeautifulSoup) -> None:
    """Nothing is fetched: no script, no link or import, only in-page references."""
    assert not soup.find_all(["script", "link", "iframe", "object", "embed", "img", "base"])
    for tag in soup.find_all(True):
        for attr in ("src", "href", "xlink:href", "action", "srcset", "data"):
            value = tag.get(attr)
            if value is not None:
                assert str(value).startswith("#"), (tag.name, attr, value)
    for style in soup.find_all("style"):
        assert "@import" not in style.text and "url(" not in style.text
    assert not _CONTROL.search(page)


def text(tag: Tag) -> str:
    """A tag's text with whitespace collapsed."""
    return " ".join(tag.get_text().split())


def path_text(path: PathT) -> str:
    """A path as the page shows it (arrows between hops)."""
    return format_path(path).replace(" -> ", " → ")


def summary_rows(soup: BeautifulSoup) -> list[list[str]]:
    section = soup.select_one("section#summary")
    assert section is not None
    return [
        [text(td) for td in tr.find_all("td")] for tr in section.select("table.summary tbody tr")
    ]


def write_change(path: Path, fecs: list[tuple[list[list[str]], list[list[str]]]]) -> Path:
    """A Rela graph JSON change whose FECs have these (before, after) paths."""

    def g(paths: list[list[str]]) -> dict[str, Any]:
        m: dict[str, dict[str, list[str]]] = {}
        for p in paths:
            for u, v in zip(p, p[1:]):
                m.setdefault(u, {})[v] = []
            m.setdefault(p[-1], {})
        return {
            "nodeToOutEdgesMap": m,
            "sourceNodes": sorted({p[0] for p in paths}),
            "sinkNodes": sorted({p[-1] for p in paths}),
        }

    doc = [
        {
            "ipTrafficKeys": [{"dstIp": f"10.{i // 250}.{i % 250}.1"}],
            "graphBefore": g(b),
            "graphAfter": g(a),
        }
        for i, (b, a) in enumerate(fecs)
    ]
    path.write_text(json.dumps(doc))
    return path
