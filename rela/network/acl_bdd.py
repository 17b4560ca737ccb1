"""ACLs as sets of packets (BDDs over a :class:`~rela.network.headerspace.PacketSpace`).

:class:`AclCompiler` turns each ACL of a snapshot into three disjoint packet
sets — permitted, denied, and *unknown* (packets that reach a line Rela does
not model) — with the semantics of :func:`rela.network.acl.evaluate`: first
match wins, implicit deny, three-valued logic for undecidable conditions.  An
IPv4 ACL decides IPv4 packets only; IPv6 packets pass it.

>>> from rela.network.acl import Acl, AclLine, HeaderMatch, TrueMatch
>>> from rela.network.headerspace import PacketSpace
>>> space = PacketSpace()
>>> acl = Acl("r1", "SSH", (AclLine(0, "permit tcp any any eq 22", "permit",
...                                 HeaderMatch(protocols=(6,), dst_ports=((22, 22),))),))
>>> verdict = AclCompiler(space, [acl]).compile("r1", "SSH")
>>> [k.describe() for k in space.cubes(verdict.permit)]
['dst 0.0.0.0/0, tcp, dport 22']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rela.network.acl import (
    PERMIT,
    Acl,
    AclLine,
    AclRef,
    AclSpace,
    AndMatch,
    FalseMatch,
    HeaderMatch,
    IpSpace,
    Match,
    NotMatch,
    OrMatch,
    TrueMatch,
    Unsupported,
    UnsupportedSpace,
    WildcardSpace,
)
from rela.network.headerspace import PacketSpace
from rela.values import frozen

__all__ = ["AclCompiler", "Verdict", "LineHit"]


@frozen
class Verdict:
    """Packets an ACL permits, denies, and cannot decide (disjoint; together: every packet)."""

    permit: Any
    deny: Any
    unknown: Any


@frozen
class LineHit:
    """The packets of a set that one line of an ACL decides (``line`` None: the implicit deny)."""

    line: AclLine | None
    action: str
    packets: Any


@frozen
class _Tri:
    """A three-valued condition: where it holds, where it cannot be decided (else: fails)."""

    true: Any
    unknown: Any


class AclCompiler:
    """Compiles the ACLs of a snapshot, each once (memoised by node and name)."""

    def __init__(self, space: PacketSpace, acls: Iterable[Acl]) -> None:
        self.space = space
        self.acls = {(acl.node, acl.name): acl for acl in acls}
        self._v4 = space.version(4) & space.universe
        self._v6 = space.version(6) & space.universe
        self._verdicts: dict[tuple[str, str], Verdict] = {}
        self._lines: dict[tuple[str, str], tuple[_LineSets, ...]] = {}
        self._active: set[tuple[str, str]] = set()

    def compile(self, node: str, name: str) -> Verdict:
        """The verdict of ACL ``name`` of ``node`` on every packet (undefined: all unknown)."""
        key = (node, name)
        found = self._verdicts.get(key)
        if found is not None:
            return found
        sp = self.space
        if key not in self.acls or key in self._active:
            # undefined, or a reference cycle: IPv4 traffic cannot be decided
            return Verdict(self._v6, sp.false, self._v4)
        self._active.add(key)
        try:
            permit, deny, unknown, rest = self._run(self._line_sets(key), self._v4)
        finally:
            self._active.discard(key)
        verdict = Verdict(permit | self._v6, deny | rest, unknown)
        self._verdicts[key] = verdict
        return verdict

    def hits(self, node: str, name: str, packets: Any) -> list[LineHit]:
        """Which lines decide which part of ``packets`` (IPv4 part), top down.

        A line that cannot be decided takes every packet reaching it (action
        ``unknown``); what no line matches is the implicit deny (``line`` None).
        """
        sp = self.space
        rest = packets & self._v4
        key = (node, name)
        if key not in self.acls:
            return [LineHit(None, "unknown", rest)] if rest != sp.false else []
        out: list[LineHit] = []
        for sets in self._line_sets(key):
            if rest == sp.false:
                break
            for action, part in (
                (PERMIT, sets.permit),
                ("deny", sets.deny),
                ("unknown", sets.unknown),
            ):
                got = rest & part
                if got != sp.false:
                    out.append(LineHit(sets.line, action, got))
            rest &= sets.fall_through
        if rest != sp.false:
            out.append(LineHit(None, "deny", rest))
        return out

    # ------------------------------------------------------------------ lines

    def _line_sets(self, key: tuple[str, str]) -> tuple[_LineSets, ...]:
        found = self._lines.get(key)
        if found is None:
            acl = self.acls[key]
            found = self._lines[key] = tuple(self._one_line(acl, line) for line in acl.lines)
        return found

    def _one_line(self, acl: Acl, line: AclLine) -> _LineSets:
        sp = self.space
        v4 = self._v4
        if line.acl is not None:
            inner = (
                self._line_sets((acl.node, line.acl)) if self._known(acl.node, line.acl) else None
            )
            if inner is None:
                return _LineSets(line, sp.false, sp.false, v4, sp.false)
            self._active.add((acl.node, line.acl))
            try:
                permit, deny, unknown, rest = self._run(inner, v4)
            finally:
                self._active.discard((acl.node, line.acl))
            return _LineSets(line, permit, deny, unknown, rest)
        tri = self._match(line.match, acl.node)
        if line.action is None:
            return _LineSets(line, sp.false, sp.false, v4, sp.false)
        fails = v4 & ~tri.true & ~tri.unknown
        if line.action == PERMIT:
            return _LineSets(line, tri.true, sp.false, tri.unknown, fails)
        return _LineSets(line, sp.false, tri.true, tri.unknown, fails)

    def _known(self, node: str, name: str) -> bool:
        return (node, name) in self.acls and (node, name) not in self._active

    def _run(self, lines: tuple[_LineSets, ...], start: Any) -> tuple[Any, Any, Any, Any]:
        """First match over ``lines`` for the packets ``start``: (permit, deny, unknown, no match)."""
        sp = self.space
        permit = deny = unknown = sp.false
        rest = start
        for sets in lines:
            if rest == sp.false:
                break
            permit |= rest & sets.permit
            deny |= rest & sets.deny
            unknown |= rest & sets.unknown
            rest &= sets.fall_through
        return permit, deny, unknown, rest

    # ------------------------------------------------------------------ matches

    def _match(self, match: Match, node: str) -> _Tri:
        sp = self.space
        v4 = self._v4
        if isinstance(match, TrueMatch):
            return _Tri(v4, sp.false)
        if isinstance(match, FalseMatch):
            return _Tri(sp.false, sp.false)
        if isinstance(match, HeaderMatch):
            return self._header(match)
        if isinstance(match, NotMatch):
            inner = self._match(match.part, node)
            return _Tri(v4 & ~inner.true & ~inner.unknown, inner.unknown)
        if isinstance(match, AndMatch):
            true, unknown = v4, sp.false
            for part in match.parts:
                t = self._match(part, node)
                # holds where every part holds; undecided where none fails and some is undecided
                unknown = (unknown & (t.true | t.unknown)) | (true & t.unknown)
                true &= t.true
            return _Tri(true, unknown)
        if isinstance(match, OrMatch):
            true, unknown = sp.false, sp.false
            for part in match.parts:
                t = self._match(part, node)
                true |= t.true
                unknown = (unknown | t.unknown) & ~true
            return _Tri(true, unknown)
        if isinstance(match, AclRef):
            if not self._known(node, match.acl):
                return _Tri(sp.false, v4)
            verdict = self.compile(node, match.acl)
            hit = verdict.permit if match.permitted else verdict.deny
            return _Tri(hit & v4, verdict.unknown & v4)
        assert isinstance(match, Unsupported)
        return _Tri(sp.false, v4)

    def _header(self, m: HeaderMatch) -> _Tri:
        sp = self.space
        v4 = self._v4
        parts: list[_Tri] = []
        for space, field, positive in (
            (m.dst, "dst", True),
            (m.not_dst, "dst", False),
            (m.src, "src", True),
            (m.not_src, "src", False),
        ):
            if space is not None:
                t = self._ip_space(space, field)
                parts.append(t if positive else _Tri(v4 & ~t.true & ~t.unknown, t.unknown))
        if m.src_or_dst is not None:
            a, b = self._ip_space(m.src_or_dst, "src"), self._ip_space(m.src_or_dst, "dst")
            true = a.true | b.true
            parts.append(_Tri(true, (a.unknown | b.unknown) & ~true))
        for values, positive in ((m.protocols, True), (m.not_protocols, False)):
            if values is not None:
                u = sp.false
                for n in values:
                    u |= sp.protocol(n)
                parts.append(_Tri(u & v4 if positive else v4 & ~u, sp.false))
        for ranges, field, positive in (
            (m.dst_ports, "dport", True),
            (m.not_dst_ports, "dport", False),
            (m.src_ports, "sport", True),
            (m.not_src_ports, "sport", False),
        ):
            if ranges is not None:
                u = self._ranges(ranges, field)
                parts.append(_Tri(u & v4 if positive else v4 & ~u, sp.false))
        if m.src_or_dst_ports is not None:
            u = self._ranges(m.src_or_dst_ports, "sport") | self._ranges(
                m.src_or_dst_ports, "dport"
            )
            parts.append(_Tri(u & v4, sp.false))
        true, unknown = v4, sp.false
        for t in parts:
            unknown = (unknown & (t.true | t.unknown)) | (true & t.unknown)
            true &= t.true
        if m.negate:
            return _Tri(v4 & ~true & ~unknown, unknown)
        return _Tri(true, unknown)

    def _ranges(self, ranges: tuple[tuple[int, int], ...], field: str) -> Any:
        u = self.space.false
        for lo, hi in ranges:
            u |= self.space.ports(field, lo, hi)
        return u

    def _ip_space(self, space: IpSpace, field: str) -> _Tri:
        sp = self.space
        if isinstance(space, WildcardSpace):
            inc = sp.false
            for w in space.include:
                inc |= sp.wildcard(field, 4, w.address, ~w.mask & 0xFFFFFFFF)
            for w in space.exclude:
                inc &= ~sp.wildcard(field, 4, w.address, ~w.mask & 0xFFFFFFFF)
            return _Tri(inc, sp.false)
        if isinstance(space, AclSpace):
            true, unknown, rest = sp.false, sp.false, self._v4
            for permit, inner in space.lines:
                t = self._ip_space(inner, field)
                if permit:
                    true |= rest & t.true
                unknown |= rest & t.unknown
                rest &= ~t.true & ~t.unknown
            return _Tri(true, unknown)
        assert isinstance(space, UnsupportedSpace)
        return _Tri(sp.false, self._v4)


@frozen
class _LineSets:
    """What one line does with the packets that reach it (all inside IPv4)."""

    line: AclLine
    permit: Any
    deny: Any
    unknown: Any
    fall_through: Any
