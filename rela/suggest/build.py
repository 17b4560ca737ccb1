"""From the search's clauses to the spec: guards as AST, coverage, comments, the file text."""

from __future__ import annotations

from collections.abc import Sequence

from rela.lang import ast
from rela.network.model import describe_traffic
from rela.suggest.clauses import PRESERVE_ALL
from rela.suggest.result import Example, SuggestedClause
from rela.suggest.search import Placed, Search
from rela.suggest.text import spec_file

__all__ = ["build", "Built"]

Built = tuple[ast.Module, str, tuple[SuggestedClause, ...], bool]


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _path(path: Sequence[str]) -> str:
    return " ".join(path) if path else "()"


def _mentions(path: Sequence[str] | None, names: Sequence[str]) -> bool:
    return path is not None and any(
        loc == n or loc.startswith(n + "|") for loc in path for n in names
    )


def _example(
    search: Search, fecs: Sequence[int], names: Sequence[str], elsewhere: set[int]
) -> Example | None:
    """The first FEC the clause alone explains (else the first it explains), and the
    path change of it that best shows the clause: removed and added paths that
    go through the clause's locations."""
    if not fecs:
        return None
    own = [f for f in fecs if f not in elsewhere] or list(fecs)
    fid = min(own, key=lambda f: search.fecs[f].index)
    info, sit = search.fecs[fid], search.sit_of[fid]
    traffic = describe_traffic(info.traffic, limit=2)
    best: tuple[int, Example] | None = None
    for flow in sit.diff.flows:
        for before in flow.removed.paths or (None,):
            for after in flow.added.paths or (None,):
                if before is None and after is None:
                    continue
                score = _mentions(before, names) + _mentions(after, names)
                ex = Example(info.index, info.key, traffic, flow.flow, before, after)
                if best is None or score > best[0]:
                    best = (score, ex)
    return best[1] if best is not None else Example(info.index, info.key, traffic)


def _example_text(ex: Example) -> list[str]:
    """``e.g. FEC #3 (key), flow border1:`` and its removed and added path."""
    label = ex.label() if ex.key else f"FEC #{ex.index} ({ex.traffic})"
    if ex.before is None and ex.after is None:
        return [f"  e.g. {label}"]
    return [
        f"  e.g. {label}, flow {ex.flow}:",
        "    before: " + (_path(ex.before) if ex.before is not None else "(no path removed)"),
        "    after:  " + (_path(ex.after) if ex.after is not None else "(no path added)"),
    ]


def _item(p: Placed) -> ast.SpecExpr:
    if p.guard is None:
        return p.candidate.body
    return ast.Guard(ast.PrefixCond("dst", p.guard.prefixes), p.candidate.body)


def build(
    search: Search, name: str, header: Sequence[str] = ()
) -> tuple[ast.Module, str, tuple[SuggestedClause, ...]]:
    """The module, its text (a comment before each clause) and the clauses, in spec order."""
    coverage = search.coverage()
    explained_by: dict[int, int] = {}
    for fecs in coverage.values():
        for f in fecs:
            explained_by[f] = explained_by.get(f, 0) + 1
    items: list[tuple[ast.SpecExpr, list[str]]] = []
    clauses: list[SuggestedClause] = []
    for p in search.chain():
        fecs = coverage[p.id]
        flows = sum(search.sit_of[f].flows_changed for f in fecs)
        shared = {f for f in fecs if explained_by[f] > 1}
        example = _example(search, fecs, p.candidate.names, shared)
        says = p.candidate.says
        if p.explicit:
            says = "no pattern explains it, explicit clause: " + says
        comments = [f"{_plural(len(fecs), 'FEC')}, {_plural(flows, 'changed flow')}: {says}"]
        if example is not None:
            comments.extend(_example_text(example))
        item = _item(p)
        items.append((item, comments))
        clauses.append(
            SuggestedClause(
                p.candidate.kind,
                says,
                item,
                p.guard.prefixes if p.guard else None,
                len(fecs),
                flows,
                example,
                p.candidate.names,
                p.explicit,
                tuple(sorted(search.fecs[f].index for f in fecs)),
            )
        )
    unchanged = sum(len(s.fecs) for s in search.obs.situations if not s.changed)
    rest = f"everything else stays the same ({_plural(unchanged, 'FEC')} unchanged)"
    items.append((PRESERVE_ALL, [rest]))
    kept = tuple(sorted(i.index for s in search.obs.situations if not s.changed for i in s.fecs))
    clauses.append(
        SuggestedClause("preserve", rest, PRESERVE_ALL, None, unchanged, 0, indices=kept)
    )
    exempt = None
    if search.exempt is not None:
        cond = ast.PrefixCond("dst", search.exempt.prefixes)
        exempt = (
            cond,
            [
                f"{_plural(len(search.skipped), 'FEC')} with no path before the change: not described"
            ],
        )
    module, text = spec_file(name, items, header, exempt)
    return module, text, tuple(clauses)
