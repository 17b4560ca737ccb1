"""What a change adds to the lint of a spec file.

* ``no-catch-all``: how many FECs of the change have (before or after) paths
  outside the spec's domain -- the paths the spec does not compare.  Decided
  by the verifier itself, on the IR check ``(pre | post) & !D <= none`` under
  the spec's guards (so an FEC straddling a guard is split as in ``rela check``).
* ``unknown-name``: names of the spec that match no location of the change,
  with the closest existing names (almost always a typo).
* ``union-looks-like-name``: says so when the unquoted ``a|b`` spells a
  location the change has.

>>> import rela
>>> from rela.network.model import Fec, Graph
>>> fec = Fec(0, "k", (), Graph.from_paths([["a", "b"]]), Graph.from_paths([["a", "c"]]))
>>> result = lint_change(rela.parse_spec("spec s { a b | z : preserve }"), [fec])
>>> [(w.code, w.message.split(":")[0]) for w in result.warnings]
[('no-catch-all', 'spec `s` has no final catch-all'), ('unknown-name', "name 'z' matches no location of the input")]
>>> result.outside
{'s': 1}
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import field
from typing import Any

from rela.compile import compile_module, domain, inline_refs, lift_guards, used_lets
from rela.lang import ast
from rela.lint.static import lint_module
from rela.network.model import Fec
from rela.results import Warning_
from rela.values import frozen

__all__ = ["LintResult", "lint_change"]


@frozen
class LintResult:
    """The warnings of ``rela lint``, and what the change showed.

    ``outside`` maps a spec lacking a catch-all to the number of FECs with
    paths outside its domain (only with a change); ``fecs`` is how many FECs
    the change had (``None`` without a change).
    """

    specs: tuple[str, ...]
    warnings: tuple[Warning_, ...]
    fecs: int | None = None
    outside: dict[str, int] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.warnings

    def to_dict(self) -> dict[str, Any]:
        return {
            "specs": list(self.specs),
            "warnings": [w.to_dict() for w in self.warnings],
            "fecs": self.fecs,
            "outside_domain": dict(self.outside),
        }


class _Tap:
    """The change's FECs, passed through once, recording every location name seen."""

    def __init__(self, change: Iterable[Fec]) -> None:
        self.change = change
        self.granularity = getattr(change, "granularity", None)
        self.groups = getattr(change, "groups", None)
        self.seen: set[str] = set()

    def __iter__(self) -> Iterator[Fec]:
        for fec in self.change:
            self.seen.update(fec.before.labels)
            self.seen.update(fec.after.labels)
            yield fec


def lint_change(
    module: ast.Module,
    change: Iterable[Fec] | None = None,
    names: Sequence[str] | None = None,
    **verify_options: Any,
) -> LintResult:
    """The lint of ``module`` (the specs in ``names``, default all), refined by ``change``.

    ``verify_options`` go to :func:`rela.verify.verify` (limits such as
    ``fec_timeout``); FECs are read once.
    """
    specs = tuple(d.name for d in module.checks() if names is None or d.name in names)
    static = lint_module(module, specs)
    if change is None:
        return LintResult(specs, static)
    from rela.verify import verify  # lint and verify sit side by side; verify imports lint

    missing = [w.spec for w in static if w.code == "no-catch-all" and w.spec is not None]
    tap = _Tap(change)
    report = verify(_outside_module(module, missing), tap, jobs=1, **verify_options)
    outside = {r.name: r.violated for r in report.specs}
    warnings = [_with_count(w, outside, report.fecs_read) for w in static]
    warnings = [_with_location(w, tap.seen) for w in warnings]
    warnings += _name_warnings(module, specs, tap.seen)
    return LintResult(specs, tuple(warnings), report.fecs_read, outside)


def _outside_module(module: ast.Module, specs: Sequence[str]) -> ast.Module:
    """``assert NAME { (pre | post) & !D <= none }`` for each spec, under its guards."""
    lets = used_lets(module, specs)
    decls: list[ast.Decl] = []
    for decl in module.decls:
        if isinstance(decl, ast.SpecDecl) and decl.name in specs:
            body = inline_refs(decl.body, lets)
            check = lift_guards(body, _outside_check)
            decls.append(ast.AssertDecl(decl.name, check))
    if not decls:  # verify needs a check: one that holds everywhere, reported nowhere
        decls.append(ast.AssertDecl("", ast.Compare("<=", ast.EmptySet(), ast.EmptySet())))
    return ast.Module(tuple(decls))


def _outside_check(case: ast.SpecExpr) -> ast.Check:
    paths = ast.Alt((ast.Pre(), ast.Post()))
    return ast.Compare("<=", ast.Inter((paths, ast.Complement(domain(case)))), ast.EmptySet())


def _with_count(w: Warning_, outside: dict[str, int], fecs: int) -> Warning_:
    if w.code != "no-catch-all" or w.spec not in outside:
        return w
    n = outside[w.spec]
    count = f"{n} of {fecs} FEC{'s' if fecs != 1 else ''} of the change"
    verb = "has" if n == 1 else "have"
    return dataclasses.replace(w, message=f"{w.message}; {count} {verb} such paths")


def _with_location(w: Warning_, seen: set[str]) -> Warning_:
    if w.code != "union-looks-like-name":
        return w
    joined = w.message.split("`")[1]
    parts = joined.split("|")
    hits = sorted(n for n in seen if n.split("|")[: len(parts)] == parts)
    if not hits:
        return w
    return dataclasses.replace(w, message=f"{w.message}; the input has the location `{hits[0]}`")


def _name_warnings(module: ast.Module, specs: Sequence[str], seen: set[str]) -> list[Warning_]:
    """Names that match no location of the change, worded as ``rela check`` words them."""
    from rela.verify.aggregate import name_warnings

    checks = [c for c in compile_module(module) if c.name in specs]
    out = []
    for w in name_warnings(checks, seen, None):  # type: ignore[arg-type]
        if w.code == "warning":  # the code of the contract, should the engine not set it
            w = dataclasses.replace(w, code="unknown-name")
        if w.hint is None:
            close = w.message.partition("; closest: ")[2]
            hint = f"did you mean {close}?" if close else "check the spelling and --granularity"
            w = dataclasses.replace(w, hint=hint)
        out.append(w)
    return out
