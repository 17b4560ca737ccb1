"""The lint rules: the traps engineers fall into when writing specs, each with a one-line fix.

Every rule is a small function from (part of) a spec to
:class:`~rela.results.Warning_` values; :mod:`rela.lint.static` runs them.
Syntactic rules look at the AST as written (spans, bare names); semantic
rules ask a :class:`~rela.lint.universe.Universe` about path sets.

| code | trap |
|---|---|
| ``no-catch-all`` | paths outside the spec's domain are not compared |
| ``drop-admitted`` | ``any(p)`` / ``add(p)`` with ``p`` admitting a path ending in ``drop`` (not in a zone of dropped paths) |
| ``replace-no-match`` | ``replace(p1, p2)`` where ``p1`` meets no path of the zone |
| ``replace-whole-path`` | ``replace(core1, core2)`` in a zone of longer paths |
| ``union-looks-like-name`` | ``core1|default`` unquoted: a union, not a location |
| ``open-attribute-class`` | a class in ``add``/``replace`` that can match absent locations |
| ``shadowed-guard`` | a guard branch no packet can reach |
| ``vacuous-clause`` | a clause that never applies |
| ``keyword-as-name`` | ``a preserve then ...``: a modifier word read as a location |
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rela.compile import domain, guard_cases
from rela.lang import ast
from rela.lang.printer import format_condition, format_path, format_spec
from rela.lint.conditions import satisfiable
from rela.lint.universe import ANY, ANY_PATH, DROP, ENDS_IN_DROP, LONGER, REAL, Universe
from rela.results import Warning_

__all__ = [
    "catch_all",
    "clause_rules",
    "guard_rules",
    "syntax_rules",
    "vacuous_else",
]


def _warn(spec: str | None, code: str, message: str, hint: str, node: object | None) -> Warning_:
    span = getattr(node, "span", None)
    return Warning_(
        spec,
        message,
        code=code,
        hint=hint,
        line=span.line if span else None,
        column=span.column if span else None,
    )


def _short(expr: ast.PathExpr, limit: int = 60) -> str:
    text = format_path(expr)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------- no catch-all


def catch_all(name: str, decl: ast.SpecDecl, body: ast.SpecExpr, u: Universe) -> list[Warning_]:
    """``no-catch-all``: in some guard case, a path a network can have lies outside the domain."""
    for decisions, case in guard_cases(body):
        example = u.outside(REAL, domain(case))
        if example is None:
            continue
        where = ""
        if decisions:
            cond, value = decisions[-1]
            where = f" when `{format_condition(cond)}` is {'true' if value else 'false'}"
        if "(other)" in example:
            example += "`, where `(other)` is any location the spec does not name"
        else:
            example = f"{example}`"
        return [
            _warn(
                name,
                "no-catch-all",
                f"spec `{name}` has no final catch-all{where}: paths outside its domain "
                f"(e.g. `{example}) are not compared, so an unintended change to them passes",
                "end the spec with `else .* : preserve` (or say what happens to every path)",
                decl,
            )
        ]
    return []


# ---------------------------------------------------------------- per clause


def _atomics(spec: ast.SpecExpr) -> Iterator[ast.Atomic]:
    stack: list[ast.SpecExpr | None] = [spec]
    while stack:
        s = stack.pop()
        if isinstance(s, ast.Atomic):
            yield s
        elif isinstance(s, (ast.Then, ast.Else)):
            stack += [s.right, s.left]
        elif isinstance(s, ast.Guard):
            stack += [s.otherwise, s.then]


def clause_rules(name: str, body: ast.SpecExpr, u: Universe) -> list[Warning_]:
    """``drop-admitted``, ``replace-*``, ``open-attribute-class``, empty zones."""
    out: list[Warning_] = []
    for clause in _atomics(body):
        mod = clause.modifier
        if u.empty(clause.zone):
            out.append(
                _warn(
                    name,
                    "vacuous-clause",
                    f"the zone `{_short(clause.zone)}` matches no path: this clause never applies",
                    "check the names and operators of the zone (`&` keeps the paths of both sides)",
                    clause,
                )
            )
        dropped_before = u.within(ast.Inter((clause.zone, REAL)), ENDS_IN_DROP)
        if isinstance(mod, (ast.AnyPaths, ast.Add)) and not dropped_before:
            # a zone of dropped paths that admits drops ("dropped stays dropped") is meant
            out += _drop_admitted(name, mod, u)
        if isinstance(mod, ast.Replace):
            out += _replace(name, clause, mod, u)
        if isinstance(mod, (ast.Add, ast.Replace)):
            out += _open_classes(name, mod)
    return out


def _drop_admitted(name: str, mod: ast.AnyPaths | ast.Add, u: Universe) -> list[Warning_]:
    if not u.meets(mod.paths, ENDS_IN_DROP):
        return []
    fixed = format_path(ast.Inter((mod.paths, ast.Complement(ast.Concat((ANY_PATH, DROP))))))
    word = "any" if isinstance(mod, ast.AnyPaths) else "add"
    if isinstance(mod, ast.AnyPaths):
        what = "a black hole satisfies it (traffic dropped after the change passes)"
    else:
        what = "the spec then expects dropped paths after the change"
    return [
        _warn(
            name,
            "drop-admitted",
            f"`{word}({_short(mod.paths)})` admits paths that end in `drop`: {what}",
            f"exclude drops: `{word}({fixed})`, or name where the traffic must arrive",
            mod,
        )
    ]


def _not_hop(p1: ast.PathExpr) -> str:
    if isinstance(p1, ast.Name):
        return format_path(ast.NameClass((p1,), negated=True))
    if isinstance(p1, ast.NameClass) and not p1.negated:
        return format_path(ast.NameClass(p1.names, negated=True))
    return format_path(ast.Inter((ANY, ast.Complement(p1))))


def _replace(name: str, clause: ast.Atomic, mod: ast.Replace, u: Universe) -> list[Warning_]:
    one_hop = u.within(mod.old, ANY)
    then_idiom = ""
    if one_hop:
        rest = f"{_not_hop(mod.old)}*"
        old, new = format_path(mod.old), format_path(mod.new)
        then_idiom = (
            f"to replace a hop inside longer paths: `{rest} : preserve then "
            f"{old} : replace({old}, {new}) then {rest} : preserve`"
        )
    if not u.meets(clause.zone, mod.old):
        return [
            _warn(
                name,
                "replace-no-match",
                f"`replace({_short(mod.old)}, ...)`: `{_short(mod.old)}` matches no path of the "
                f"zone `{_short(clause.zone)}`, so nothing is replaced",
                then_idiom or "the first argument of replace must match whole paths of the zone",
                mod,
            )
        ]
    if one_hop and u.meets(clause.zone, LONGER):
        return [
            _warn(
                name,
                "replace-whole-path",
                f"`replace({_short(mod.old)}, {_short(mod.new)})` replaces whole paths: only "
                f"the one-location path `{_short(mod.old)}` is replaced; longer paths of the "
                f"zone `{_short(clause.zone)}` are kept as they are",
                then_idiom,
                mod,
            )
        ]
    return []


def _classes(expr: ast.PathExpr) -> Iterator[ast.PathExpr]:
    stack: list[object] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.AttrClass, ast.AnyLoc)) or (
            isinstance(node, ast.NameClass) and node.negated
        ):
            yield node
        elif isinstance(node, tuple):
            stack.extend(node)
        elif hasattr(node, "__dataclass_fields__"):
            stack.extend(getattr(node, f) for f in node.__dataclass_fields__ if f != "span")


def _open_classes(name: str, mod: ast.Add | ast.Replace) -> list[Warning_]:
    generated = mod.paths if isinstance(mod, ast.Add) else mod.new
    word = "add" if isinstance(mod, ast.Add) else "replace"
    out = []
    for node in _classes(generated):
        text = format_path(node)
        if isinstance(node, ast.AttrClass):
            what = (
                f"`{text}` in `{word}(...)` stands for every matching location of the FEC and of "
                "the spec's names, so what it adds depends on unrelated clauses"
            )
        else:
            what = (
                f"`{text}` in `{word}(...)` stands for every location, also ones that exist "
                "nowhere: the spec then expects paths no network can have"
            )
        out.append(
            _warn(
                name,
                "open-attribute-class",
                what,
                f"name the locations the change adds, e.g. `{word}(border1 [r1 r2] leaf1)`",
                node,
            )
        )
    return out


# ---------------------------------------------------------------- else chains


def _dom(spec: ast.SpecExpr, over: bool) -> ast.PathExpr:
    """A domain over- (``over``) or under-approximating the domain of every guard case."""
    if isinstance(spec, ast.Guard):
        branches = [_dom(spec.then, over), _dom(spec.otherwise, over) if spec.otherwise else None]
        parts = tuple(b for b in branches if b is not None)
        if over:
            return ast.Alt(parts) if len(parts) > 1 else parts[0]
        return ast.Inter(parts) if len(parts) > 1 else ast.EmptySet()
    if isinstance(spec, ast.Then):
        return ast.Concat((_dom(spec.left, over), _dom(spec.right, over)))
    if isinstance(spec, ast.Else):
        return ast.Alt((_dom(spec.left, over), _dom(spec.right, over)))
    return domain(spec)


def vacuous_else(name: str, body: ast.SpecExpr, u: Universe) -> list[Warning_]:
    """``vacuous-clause``: in ``s1 else s2``, every path of ``s2``'s domain is ``s1``'s."""
    out = []
    stack: list[ast.SpecExpr | None] = [body]
    while stack:
        s = stack.pop()
        if isinstance(s, (ast.Then, ast.Else)):
            stack += [s.right, s.left]
        elif isinstance(s, ast.Guard):
            stack += [s.otherwise, s.then]
        if not isinstance(s, ast.Else):
            continue
        right = ast.Inter((_dom(s.right, over=True), REAL))
        if u.empty(right):
            continue  # reported as an empty zone
        if u.within(right, _dom(s.left, over=False)):
            out.append(
                _warn(
                    name,
                    "vacuous-clause",
                    f"`else {_short_spec(s.right)}` never applies: every path of its domain is "
                    "already handled by the clauses before it",
                    "remove it, or move it before the clause that covers its paths",
                    s.right,
                )
            )
    return out


def _short_spec(spec: ast.SpecExpr, limit: int = 50) -> str:
    text = format_spec(spec).split("\n", 1)[0]
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------- guards


def guard_rules(name: str, body: ast.SpecExpr) -> list[Warning_]:
    """``shadowed-guard``: a branch of a nested guard that no packet can reach."""
    out = []
    stack: list[tuple[ast.SpecExpr | None, tuple[tuple[ast.Condition, ast.Guard], ...]]]
    stack = [(body, ())]
    while stack:
        s, around = stack.pop()
        if isinstance(s, (ast.Then, ast.Else)):
            stack += [(s.right, around), (s.left, around)]
        if not isinstance(s, ast.Guard):
            continue
        reach = [c for c, _ in around]
        outer = around[-1][1] if around else None
        if not satisfiable([*reach, s.cond]):
            out.append(_shadowed(name, s, "its block", outer))
        elif s.otherwise is not None and not satisfiable([*reach, ast.CondNot(s.cond)]):
            out.append(_shadowed(name, s, "its else-block", outer))
        stack.append((s.then, (*around, (s.cond, s))))
        if s.otherwise is not None:
            stack.append((s.otherwise, (*around, (ast.CondNot(s.cond), s))))
    return out


def _shadowed(name: str, guard: ast.Guard, branch: str, outer: ast.Guard | None) -> Warning_:
    cond = format_condition(guard.cond)
    if outer is None:
        holds = "never holds" if branch == "its block" else "always holds"
        why, hint = f"the condition {holds}", "check the condition (prefixes, protocols, ports)"
    else:
        line = f" (line {outer.span.line})" if outer.span else ""
        why = f"the enclosing `if {format_condition(outer.cond)}`{line} leaves no packet for it"
        hint = "test the narrower condition first (an earlier guard takes what it matches)"
    return _warn(
        name, "shadowed-guard", f"`if {cond}`: {branch} can never apply: {why}", hint, guard
    )


# ---------------------------------------------------------------- as written


def _bare(node: ast.Name) -> bool:
    """Written without quotes (its span is exactly as wide as its text)."""
    span = node.span
    return (
        span is not None
        and span.line == span.end_line
        and (span.end_column - span.column == len(node.text))
    )


#: Location names that are more likely a forgotten `:` (or `then`/`else` misplaced).
_SUSPECT_WORDS = frozenset({"preserve", "add", "remove", "replace", "any", "then", "else"})


_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    got = _FIELDS.get(cls)
    if got is None:
        names = getattr(cls, "__dataclass_fields__", {})
        got = _FIELDS[cls] = tuple(reversed([f for f in names if f != "span"]))
    return got


def _walk(root: object, skip: tuple[type, ...] = ()) -> Iterator[object]:
    """Every node under ``root`` in source order (not below nodes of the ``skip`` types)."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, skip):
            continue
        if isinstance(node, tuple):
            stack.extend(reversed(node))
        else:
            stack.extend(getattr(node, f) for f in _fields(type(node)))


def syntax_rules(spec: str | None, root: object) -> list[Warning_]:
    """``union-looks-like-name`` and ``keyword-as-name`` on a declaration as written."""
    out = []
    for node in _walk(root):
        if isinstance(node, ast.Alt):
            joined = _unspaced_union(node.parts)
            if joined is not None:
                words = joined.split("|")
                out.append(
                    _warn(
                        spec,
                        "union-looks-like-name",
                        f"`{joined}` is not the location `{joined}`: `|` is the union operator, "
                        f"so this reads `{_short(node)}`, a union of {_listing(words)}",
                        f'quote the location: "{joined}"; or write the union with spaces',
                        node,
                    )
                )
        elif isinstance(node, ast.Atomic):
            out += _suspect_words(spec, node.zone)
    return out


def _suspect_words(spec: str | None, zone: ast.PathExpr) -> list[Warning_]:
    out = []
    for node in _walk(zone, skip=(ast.NameClass,)):  # class items are plainly names
        if isinstance(node, ast.Name) and node.text in _SUSPECT_WORDS and _bare(node):
            if node.text in ("then", "else"):
                fix = f"the clause before `{node.text}` needs its `: modifier`"
            else:
                fix = f"write `zone : {node.text}` if you meant the modifier"
            out.append(
                _warn(
                    spec,
                    "keyword-as-name",
                    f"`{node.text}` is read as a location name in this zone (a keyword is a "
                    "name where the grammar expects a path): is a `:` missing?",
                    f'{fix}; quote it ("{node.text}") if it is a location',
                    node,
                )
            )
    return out


def _edge(node: ast.PathExpr, last: bool) -> ast.PathExpr:
    """The leaf written first (``last=False``) or last of a juxtaposition/union/intersection."""
    while isinstance(node, (ast.Concat, ast.Alt, ast.Inter)):
        node = node.parts[-1 if last else 0]
    return node


def _unspaced_union(parts: Sequence[ast.PathExpr]) -> str | None:
    """``a|b`` written without spaces between bare names: the location name it spells.

    The names next to each unspaced ``|`` are the last name of one operand and
    the first of the next (``.* core1|default .*`` is ``.* core1 | default .*``).
    """
    words: list[str] = []
    for left, right in zip(parts, parts[1:]):
        a, b = _edge(left, last=True), _edge(right, last=False)
        if not (isinstance(a, ast.Name) and isinstance(b, ast.Name) and _bare(a) and _bare(b)):
            return None
        sa, sb = a.span, b.span
        if sa is None or sb is None or sa.end_line != sb.line or sb.column != sa.end_column + 1:
            return None
        if not words:
            words.append(a.text)
        elif a is not left:  # `a|b c|d`: two separate names, keep the first
            break
        words.append(b.text)
    return "|".join(words) if words else None


def _listing(words: Sequence[str]) -> str:
    quoted = [f"`{w}`" for w in words]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]
