"""The lint of a spec file on its own (no change): every rule of :mod:`rela.lint.rules`.

``rela check`` adds these warnings to its report (``rela.verify.verify``), and
``rela lint`` prints them; both give the same warnings for the same file.

>>> from rela.lang import parse_spec
>>> [w.code for w in lint_module(parse_spec("spec s { .* core1 .* : any(core1 .*) }"))]
['no-catch-all', 'drop-admitted']
"""

from __future__ import annotations

from collections.abc import Iterable

from rela.automata.decide import Budget
from rela.compile import inline_refs, used_lets
from rela.errors import ResourceLimitError, SpecSemanticError
from rela.lang import ast
from rela.lint.rules import catch_all, clause_rules, guard_rules, syntax_rules, vacuous_else
from rela.lint.universe import MAX_STATES, TIMEOUT, Universe
from rela.results import Warning_

__all__ = ["lint_module", "MAX_STATES", "TIMEOUT"]


def lint_module(
    module: ast.Module,
    names: Iterable[str] | None = None,
    *,
    max_states: int = MAX_STATES,
    timeout: float = TIMEOUT,
) -> tuple[Warning_, ...]:
    """The lint warnings of ``module``'s specs (only those in ``names`` when given).

    Warnings come in file order, each with its spec's name (``None`` for a
    ``let``), code, message, one-line hint and spec line/column.  A spec whose
    analysis exceeds ``max_states`` automaton states or ``timeout`` seconds
    gets one ``lint-limit`` warning instead of the semantic rules.
    """
    selected = None if names is None else set(names)
    lets = used_lets(module, selected)
    out: list[Warning_] = []
    for decl in module.decls:
        if isinstance(decl, ast.Let):
            out += syntax_rules(None, decl.expr)
            continue
        if selected is not None and decl.name not in selected:
            continue
        found = syntax_rules(decl.name, decl.body)
        if isinstance(decl, ast.SpecDecl):
            found += _semantic(decl, inline_refs(decl.body, lets), max_states, timeout)
        out += sorted(found, key=lambda w: (w.line or 0, w.column or 0))
    return _unique(out)


def _semantic(
    decl: ast.SpecDecl, body: ast.SpecExpr, max_states: int, timeout: float
) -> list[Warning_]:
    name = decl.name
    try:
        u = Universe([body], Budget(max_states, timeout))
        return [
            *catch_all(name, decl, body, u),
            *clause_rules(name, body, u),
            *vacuous_else(name, body, u),
            *guard_rules(name, body),
        ]
    except (ResourceLimitError, SpecSemanticError) as exc:
        reason = exc.message
    except Exception as exc:  # noqa: BLE001 - a lint bug must not cost the verification
        reason = f"internal error: {type(exc).__name__}: {exc}"
    span = decl.span
    return [
        Warning_(
            name,
            f"the static checks of spec `{name}` stopped: {reason}",
            code="lint-limit",
            hint="the verdicts are not affected; split the spec to have it linted",
            line=span.line if span else None,
            column=span.column if span else None,
        )
    ]


def _unique(warnings: list[Warning_]) -> tuple[Warning_, ...]:
    seen: set[Warning_] = set()
    out = []
    for w in warnings:
        if w not in seen:
            seen.add(w)
            out.append(w)
    return tuple(out)
