"""Traffic guards of a check: which guard-free leaf an FEC's traffic selects.

>>> from rela.lang import ast
>>> from rela.network.model import TrafficKey
>>> cond = ast.PrefixCond("dst", ("10.0.0.0/8",))
>>> check = ast.CheckIf(cond, ast.Compare("==", ast.Pre(), ast.Post()),
...                     ast.Compare("<=", ast.Pre(), ast.Post()))
>>> conds = conditions(check)
>>> branch = tuple(cond_holds(c, (TrafficKey(dst="10.1.2.3"),)) for c in conds)
>>> resolve(check, dict(zip(conds, branch))).op
'=='
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rela.lang import ast
from rela.network.model import TrafficKey

__all__ = ["conditions", "resolve", "cond_holds"]


def cond_holds(cond: ast.Condition, traffic: Sequence[TrafficKey]) -> bool:
    """Whether some traffic key of the FEC satisfies ``cond``."""
    if isinstance(cond, ast.QosCond):
        return any(t.qos == cond.value for t in traffic)
    assert isinstance(cond, ast.PrefixCond)
    return any(t.matches_prefix(cond.field, p) for t in traffic for p in cond.prefixes)


def conditions(check: ast.Check) -> list[ast.Condition]:
    """The distinct traffic guards of a check, in first-use order."""
    out: list[ast.Condition] = []
    stack: list[ast.Check] = [check]
    while stack:
        c = stack.pop()
        if isinstance(c, ast.CheckIf):
            if c.cond not in out:
                out.append(c.cond)
            stack.extend((c.otherwise, c.then))
        elif isinstance(c, (ast.CheckAnd, ast.CheckOr)):
            stack.extend(reversed(c.parts))
        elif isinstance(c, ast.CheckNot):
            stack.append(c.operand)
    return out


def resolve(check: ast.Check, outcome: Mapping[ast.Condition, bool]) -> ast.Check:
    """The guard-free check left when each condition has the given value."""
    if isinstance(check, ast.CheckIf):
        return resolve(check.then if outcome[check.cond] else check.otherwise, outcome)
    if isinstance(check, ast.CheckAnd):
        return ast.CheckAnd(tuple(resolve(p, outcome) for p in check.parts))
    if isinstance(check, ast.CheckOr):
        return ast.CheckOr(tuple(resolve(p, outcome) for p in check.parts))
    if isinstance(check, ast.CheckNot):
        return ast.CheckNot(resolve(check.operand, outcome))
    return check
