"""Which side of a traffic guard one traffic key (a packet cube) falls on, three-valued.

``may_be(cond, key)`` is ``True`` when every packet of the key satisfies the
condition, ``False`` when none does, ``None`` when the key straddles it (or
leaves a tested field open).  Explanations use it to know which guard branches
an FEC's traffic reaches; both are tried when it straddles.

>>> from rela.lang import ast
>>> from rela.network.model import TrafficKey
>>> cond = ast.PrefixCond("dst", ("10.0.0.0/8",))
>>> may_be(cond, TrafficKey(dst="10.1.2.3")), may_be(cond, TrafficKey(dst="11.0.0.1"))
(True, False)
>>> may_be(cond, TrafficKey(dst="0.0.0.0/0")), may_be(ast.CondNot(cond), TrafficKey(dst="10.1.0.0/16"))
(None, False)
"""

from __future__ import annotations

from typing import Any

from rela.lang import ast
from rela.traffic import CompiledCondition, TrafficError, compile_condition, key_cubes, split

__all__ = ["may_be"]

Tri = bool | None

#: Conditions compiled once per run (a guard may list 60,000 prefixes), by identity.
_COMPILED: dict[int, tuple[ast.Condition, CompiledCondition]] = {}


def may_be(cond: ast.Condition, key: Any) -> Tri:
    """Kleene three-valued truth of ``cond`` on the packets of traffic key ``key``."""
    try:
        cubes = key_cubes(key)
        inside, outside = split(cubes, _compiled(cond))
    except TrafficError:
        return None
    if inside and not outside:
        return True
    if outside and not inside:
        return False
    return None  # straddles (or holds no packet: both branches are tried)


def _compiled(cond: ast.Condition) -> CompiledCondition:
    got = _COMPILED.get(id(cond))
    if got is None or got[0] is not cond:
        if len(_COMPILED) > 4096:
            _COMPILED.clear()
        got = _COMPILED[id(cond)] = (cond, compile_condition(cond))
    return got[1]
