"""The open alphabet of locations, made finite per FEC.

A spec mentions finitely many one-letter *predicates*: sets of location names
(a name, a class ``[a b]``, a union ``a | b``; names match by component
prefix), attribute classes (``[group=X]``, ``[device~"re"]``) and markers
(``#k``).  The *signature* of a letter is the bit set of the predicates it
satisfies; the spec cannot tell apart two letters with the same signature.

The universe of one FEC (see ``docs/verification.md``) is: the locations of its
graphs, every name of the spec that matches none of them (taken as a location
of exactly that name), the spec's markers, and infinitely many *other*
locations that match no atom.  One letter, :data:`OTHER`, stands for all of the
latter: no language built by Rela relates two positions of a path to each
other, so one representative per class is exact.

Spec automata are built once per *set of signatures* (an :class:`SigAlphabet`,
letters = signatures) and reused by every FEC with that set; FEC automata use an
:class:`LetterAlphabet` (letters = interned location ids).

>>> from rela.lang import ast
>>> atoms = Atoms.collect([ast.Name("core1"), ast.AttrClass("vrf", "=", "blue")])
>>> atoms.signature("core1|blue|Gi0"), atoms.signature("core2"), atoms.signature(OTHER)
(3, 0, 0)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rela.lang import ast
from rela.lang.lexical import compile_regex
from rela.network.model import DROP
from rela.values import frozen

__all__ = [
    "OTHER",
    "MarkerLetter",
    "Atoms",
    "SigAlphabet",
    "LetterAlphabet",
    "name_set",
    "is_letter_set",
]


class _Other:
    """The representative of every location that no atom of the spec matches."""

    _instance: _Other | None = None

    def __new__(cls) -> _Other:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "OTHER"

    def __reduce__(self) -> str:
        return "OTHER"


OTHER = _Other()

#: How OTHER is printed in counterexamples.
OTHER_NAME = "(other)"


@frozen
class MarkerLetter:
    """The letter of marker ``#k`` (never a location)."""

    index: int

    def __str__(self) -> str:
        return f"#{self.index}"


Letter = Any  # str (a location name) | MarkerLetter | OTHER


def _walk_paths(node: Any) -> Iterable[Any]:
    """Every AST node below ``node`` (iteratively, so deep specs do not recurse)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, tuple):
            stack.extend(n)
            continue
        fields = getattr(n, "__dataclass_fields__", None)
        if not fields:
            continue
        for name in fields:
            if name == "span":
                continue
            value = getattr(n, name)
            if isinstance(value, (tuple,)) or hasattr(value, "__dataclass_fields__"):
                stack.append(value)


def _search(regex: Any, value: str) -> bool:
    """Whether ``regex`` (RE2) matches in ``value``; lone surrogates cannot be UTF-8 encoded
    for RE2, so they are matched as ``?`` (only hand-built graphs have them: loaders refuse them).
    """
    try:
        return regex.search(value) is not None
    except UnicodeEncodeError:
        return regex.search(value.encode("utf-8", "replace").decode("utf-8")) is not None


#: Condition nodes hold no path atoms (and may hold 60,000 prefixes): not walked.
_CONDITIONS = (
    ast.PrefixCond,
    ast.QosCond,
    ast.ProtoCond,
    ast.PortCond,
    ast.CondAnd,
    ast.CondOr,
    ast.CondNot,
)

#: A set of spec names matched as one predicate (a name, a class, a union of them).
NameSet = frozenset[str]


def name_set(expr: Any) -> NameSet | None:
    """The names of a one-letter expression that is a union of names: a name, a name
    class (its negation is applied when testing), or an ``|`` of names and
    non-negated classes.  ``None`` for anything else.

    >>> sorted(name_set(ast.Alt((ast.Name("a"), ast.NameClass((ast.Name("b"),))))))
    ['a', 'b']
    """
    if isinstance(expr, ast.Name):
        return frozenset((expr.text,))
    if isinstance(expr, ast.NameClass):
        return frozenset(n.text for n in expr.names)
    if isinstance(expr, ast.Alt) and expr.parts:
        out: set[str] = set()
        for part in expr.parts:
            if isinstance(part, ast.NameClass) and part.negated:
                return None
            got = name_set(part)
            if got is None:
                return None
            out |= got
        return frozenset(out)
    return None


def _names_in(expr: Any) -> Iterable[str]:
    """The names of a name-set expression, in source order."""
    if isinstance(expr, ast.Name):
        yield expr.text
    elif isinstance(expr, ast.NameClass):
        for n in expr.names:
            yield n.text
    else:
        for part in expr.parts:
            yield from _names_in(part)


def _predicates(
    node: Any,
) -> tuple[list[NameSet], list[tuple[str, str, str]], list[int], list[str]]:
    """The name sets, attribute classes, markers and names of the spec under ``node``,
    in first-use order; maximal unions of names count as one name set."""
    sets: dict[NameSet, None] = {}
    attrs: dict[tuple[str, str, str], None] = {}
    markers: dict[int, None] = {}
    names: dict[str, None] = {}
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, tuple):
            stack.extend(reversed(n))
            continue
        if isinstance(n, _CONDITIONS):
            continue
        ns = name_set(n)
        if ns is not None:
            sets[ns] = None
            names.update(dict.fromkeys(_names_in(n)))
            continue
        if isinstance(n, ast.AttrClass):
            attrs[(n.attr, n.op, n.value)] = None
            continue
        if isinstance(n, ast.Marker):
            markers[n.index] = None
            continue
        fields = getattr(n, "__dataclass_fields__", None)
        if fields:
            stack.extend(getattr(n, f) for f in reversed(list(fields)) if f != "span")
    return list(sets), list(attrs), list(markers), list(names)


@dataclass
class Atoms:
    """The one-letter predicates of one compiled check, numbered; computes signatures.

    The *signature* of a letter is the bit set of the predicates it satisfies
    (positively: a negated class is tested against its positive bit).  A
    predicate is a set of names (a name, a class, or a union of them: a zone
    listing 10,000 names is *one* predicate, so spec automata stay small), an
    attribute class or a marker.  ``names`` lists every spec name: the FEC's
    universe holds those that match none of its locations.
    """

    names: tuple[str, ...]
    sets: tuple[NameSet, ...]
    attrs: tuple[tuple[str, str, str], ...]
    markers: tuple[int, ...]
    groups: Mapping[str, str] | None = None
    group_level: bool = False
    bit: dict[Any, int] = field(default_factory=dict)
    marker_mask: int = 0
    #: name -> the bits of the name sets holding it
    name_bits: dict[str, int] = field(default_factory=dict)
    _regex: dict[str, Any] = field(default_factory=dict)
    _cache: dict[Any, int] = field(default_factory=dict)
    _matched: dict[Any, tuple[str, ...]] = field(default_factory=dict)
    _components: int = 1  # the most '|'-separated components of a spec name
    _group_names: frozenset[str] | None = None

    @staticmethod
    def collect(
        nodes: Iterable[Any],
        groups: Mapping[str, str] | None = None,
        group_level: bool = False,
    ) -> Atoms:
        sets: dict[NameSet, None] = {}
        attrs: dict[tuple[str, str, str], None] = {}
        markers: dict[int, None] = {}
        names: dict[str, None] = {}
        for node in nodes:
            s_, a_, m_, n_ = _predicates(node)
            sets.update(dict.fromkeys(s_))
            attrs.update(dict.fromkeys(a_))
            markers.update(dict.fromkeys(m_))
            names.update(dict.fromkeys(n_))
        atoms = Atoms(tuple(names), tuple(sets), tuple(attrs), tuple(markers), groups, group_level)
        atoms._number()
        return atoms

    def extended(self, nodes: Iterable[Any]) -> Atoms:
        """These atoms, plus the predicates of ``nodes`` they lack (``self`` when none).

        Expressions built after the atoms were collected (the domain of several
        clauses: ``a | b`` where the spec wrote ``a`` and ``b`` apart) may hold
        unions of names that are not predicates yet; a new numbering holds them.
        """
        extra = Atoms.collect(nodes)
        sets = [ns for ns in extra.sets if ("set", ns) not in self.bit]
        attrs = [a for a in extra.attrs if ("attr", a) not in self.bit]
        markers = [m for m in extra.markers if m not in self.markers]
        if not (sets or attrs or markers):
            return self
        names = dict.fromkeys(self.names) | dict.fromkeys(extra.names)
        atoms = Atoms(
            tuple(names),
            self.sets + tuple(sets),
            self.attrs + tuple(attrs),
            self.markers + tuple(markers),
            self.groups,
            self.group_level,
        )
        atoms._number()
        return atoms

    def _number(self) -> None:
        self._components = max((n.count("|") + 1 for n in self.names), default=1)
        k = 0
        for ns in self.sets:
            b = self.bit[("set", ns)] = 1 << k
            for n in ns:
                self.name_bits[n] = self.name_bits.get(n, 0) | b
            k += 1
        for a in self.attrs:
            self.bit[("attr", a)] = 1 << k
            if a[1] == "~":
                self._regex[a[2]] = compile_regex(a[2])
            k += 1
        for m in self.markers:
            self.bit[("marker", m)] = 1 << k
            self.marker_mask |= 1 << k
            k += 1

    # ------------------------------------------------------------------ letters
    def signature(self, letter: Letter) -> int:
        """Bit set of the predicates ``letter`` satisfies (cached)."""
        sig = self._cache.get(letter)
        if sig is None:
            sig = self._compute(letter)
            self._cache[letter] = sig
        return sig

    def matched_names(self, letter: Letter) -> tuple[str, ...]:
        """The spec names that match a location: a spec name matches when it is the
        location's name or a prefix of it ending before a ``|`` (DESIGN §3)."""
        got = self._matched.get(letter)
        if got is None:
            got = ()
            if isinstance(letter, str):
                name_bits, components = self.name_bits, self._components
                parts = letter.split("|", components)
                prefix = parts[0]
                found = []
                for i in range(min(len(parts), components)):
                    if i:
                        prefix = f"{prefix}|{parts[i]}"
                    if prefix in name_bits:
                        found.append(prefix)
                got = tuple(found)
            self._matched[letter] = got
        return got

    def _compute(self, letter: Letter) -> int:
        if letter is OTHER:
            return 0
        if isinstance(letter, MarkerLetter):
            return self.bit.get(("marker", letter.index), 0)
        name: str = letter
        name_bits = self.name_bits
        if self._components == 1 and not self.attrs:  # no spec name has a "|": one lookup
            return name_bits.get(name.partition("|")[0], 0)
        sig = 0
        for n in self.matched_names(name):
            sig |= name_bits[n]
        if self.attrs:
            values = self._attributes(name)
            for a in self.attrs:
                value = values.get(a[0])
                if value is None:
                    continue
                ok = value == a[2] if a[1] == "=" else _search(self._regex[a[2]], value)
                if ok:
                    sig |= self.bit[("attr", a)]
        return sig

    def _attributes(self, name: str) -> dict[str, str | None]:
        parts = name.split("|")
        device = parts[0]
        vrf = parts[1] if len(parts) > 1 and parts[1] else None
        iface = parts[2] if len(parts) > 2 and parts[2] else None
        return {
            "device": device,
            "vrf": vrf,
            "interface": iface,
            "group": self._group(name, device),
        }

    def _group(self, name: str, device: str) -> str | None:
        """The ``group`` attribute, as location matching sees it (docs/verification.md):
        at group granularity the device component is a group only when it is one
        of the mapping's groups (an unmapped device keeps its name and has no
        group); elsewhere the mapping gives the device's group.  ``drop`` never
        has a group."""
        if self.groups is None or name == DROP:
            return None
        if self.group_level:
            if self._group_names is None:
                self._group_names = frozenset(self.groups.values())
            return device if device in self._group_names else None
        return self.groups.get(device)

    def absent_names(self, present: Iterable[str]) -> list[str]:
        """Spec names that match none of the ``present`` location names."""
        matched: set[str] = set()
        for letter in present:
            matched.update(self.matched_names(letter))
        return [n for n in self.names if n not in matched]

    # ------------------------------------------------------------------ predicates
    def positive(self, expr: Any) -> tuple[int, bool] | None:
        """``(bit, negated)`` of a one-letter expression; ``None`` for ``.``."""
        if isinstance(expr, ast.AnyLoc):
            return None
        if isinstance(expr, ast.Marker):
            return self.bit[("marker", expr.index)], False
        if isinstance(expr, ast.AttrClass):
            return self.bit[("attr", (expr.attr, expr.op, expr.value))], expr.negated
        ns = name_set(expr)
        if ns is None:
            raise TypeError(f"not a one-letter expression: {expr!r}")
        return self.bit[("set", ns)], isinstance(expr, ast.NameClass) and expr.negated

    def test(self, expr: Any, sig: int) -> bool:
        """Whether a letter of signature ``sig`` satisfies one-letter expression ``expr``."""
        is_location = not sig & self.marker_mask
        got = self.positive(expr)
        if got is None:
            return is_location
        bit, negated = got
        if isinstance(expr, ast.Marker):
            return bool(sig & bit)
        return is_location and bool(sig & bit) != negated


def is_letter_set(expr: Any) -> bool:
    """Whether an expression is matched as one predicate (one letter of a path)."""
    return isinstance(expr, (ast.Name, ast.AnyLoc, ast.NameClass, ast.AttrClass, ast.Marker)) or (
        isinstance(expr, ast.Alt) and name_set(expr) is not None
    )


class _Matching:
    """Letters by predicate bit (built once per alphabet): matching an expression
    costs the letters that match it, not every letter (10,000 names x letters)."""

    def __init__(self, atoms: Atoms, letters: tuple[int, ...], sig: Callable[[int], int]) -> None:
        self.atoms = atoms
        self.letters = letters
        self.sig = sig
        self.locations = tuple(x for x in letters if not sig(x) & atoms.marker_mask)
        self._by_bit: dict[int, tuple[int, ...]] | None = None
        self._match: dict[Any, tuple[int, ...]] = {}

    def _index(self) -> dict[int, tuple[int, ...]]:
        if self._by_bit is None:
            acc: dict[int, list[int]] = {}
            for x in self.letters:
                rest = self.sig(x)
                while rest:
                    low = rest & -rest
                    acc.setdefault(low, []).append(x)
                    rest ^= low
            self._by_bit = {b: tuple(xs) for b, xs in acc.items()}
        return self._by_bit

    def matching(self, expr: Any) -> tuple[int, ...]:
        """The letters satisfying one-letter expression ``expr``, in letter order."""
        got = self._match.get(expr)
        if got is None:
            pos = self.atoms.positive(expr)
            if pos is None:
                got = self.locations
            else:
                bit, negated = pos
                hit = self._index().get(bit, ())
                if negated:
                    hits = set(hit)
                    got = tuple(x for x in self.locations if x not in hits)
                elif isinstance(expr, ast.Marker):
                    got = hit
                else:
                    mask = self.atoms.marker_mask
                    got = tuple(x for x in hit if not self.sig(x) & mask)
            self._match[expr] = got
        return got


class SigAlphabet(_Matching):
    """Letters are signatures: the alphabet spec automata are built over."""

    def __init__(self, atoms: Atoms, sigs: Iterable[int]) -> None:
        super().__init__(atoms, tuple(sorted(set(sigs))), lambda s: s)


class LetterAlphabet(_Matching):
    """Letters are interned letter ids of one FEC's universe."""

    def __init__(self, atoms: Atoms, letters: Iterable[int], sig_of: Mapping[int, int]) -> None:
        super().__init__(atoms, tuple(letters), sig_of.__getitem__)
        self.sig_of = sig_of
