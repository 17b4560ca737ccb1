"""The open alphabet of locations, made finite per FEC.

A spec mentions finitely many *atoms*: location names (matched by component
prefix), attribute classes (``[group=X]``, ``[device~"re"]``) and markers
(``#k``).  The *signature* of a letter is the bit set of the atoms it
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

__all__ = ["OTHER", "MarkerLetter", "Atoms", "SigAlphabet", "LetterAlphabet", "atoms_of"]


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


@dataclass(frozen=True)
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


def atoms_of(node: Any) -> list[Any]:
    """The atomic path expressions (names, attribute classes, markers) under ``node``."""
    out: list[Any] = []
    for n in _walk_paths(node):
        if isinstance(n, ast.Name):
            out.append(ast.Name(n.text))
        elif isinstance(n, ast.AttrClass):
            out.append(ast.AttrClass(n.attr, n.op, n.value))
        elif isinstance(n, ast.Marker):
            out.append(ast.Marker(n.index))
    return out


@dataclass
class Atoms:
    """The atoms of one compiled check, numbered; computes letter signatures."""

    names: tuple[str, ...]
    attrs: tuple[tuple[str, str, str], ...]
    markers: tuple[int, ...]
    groups: Mapping[str, str] | None = None
    group_level: bool = False
    bit: dict[Any, int] = field(default_factory=dict)
    marker_mask: int = 0
    _regex: dict[str, Any] = field(default_factory=dict)
    _cache: dict[Any, int] = field(default_factory=dict)
    _components: int = 1  # the most '|'-separated components of a spec name
    _group_names: frozenset[str] | None = None

    @staticmethod
    def collect(
        nodes: Iterable[Any],
        groups: Mapping[str, str] | None = None,
        group_level: bool = False,
    ) -> Atoms:
        names: dict[str, None] = {}
        attrs: dict[tuple[str, str, str], None] = {}
        markers: dict[int, None] = {}
        for node in nodes:
            for a in atoms_of(node):
                if isinstance(a, ast.Name):
                    names[a.text] = None
                elif isinstance(a, ast.AttrClass):
                    attrs[(a.attr, a.op, a.value)] = None
                else:
                    markers[a.index] = None
        atoms = Atoms(tuple(names), tuple(attrs), tuple(markers), groups, group_level)
        atoms._number()
        return atoms

    def _number(self) -> None:
        self._components = max((n.count("|") + 1 for n in self.names), default=1)
        k = 0
        for n in self.names:
            self.bit[("name", n)] = 1 << k
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
        """Bit set of the atoms ``letter`` satisfies (cached)."""
        sig = self._cache.get(letter)
        if sig is None:
            sig = self._compute(letter)
            self._cache[letter] = sig
        return sig

    def _compute(self, letter: Letter) -> int:
        if letter is OTHER:
            return 0
        if isinstance(letter, MarkerLetter):
            return self.bit.get(("marker", letter.index), 0)
        name: str = letter
        sig = 0
        # A spec name matches when it is the name or a prefix of it ending before a '|'
        # (DESIGN §3): look the prefixes up, so many spec names cost nothing per letter.
        bit, components = self.bit, self._components
        parts = name.split("|", components)
        prefix = parts[0]
        for i in range(min(len(parts), components)):
            if i:
                prefix = f"{prefix}|{parts[i]}"
            b = bit.get(("name", prefix))
            if b is not None:
                sig |= b
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

    def name_mask(self) -> int:
        """The bits of the spec names (numbered first, so the low bits)."""
        return (1 << len(self.names)) - 1

    def predicate(self, expr: Any) -> Callable[[int], bool]:
        """:meth:`test` for one expression, its masks computed once (large name classes)."""
        if isinstance(expr, ast.NameClass):
            mask = 0
            for n in expr.names:
                mask |= self.bit[("name", n.text)]
            markers, negated = self.marker_mask, expr.negated
            return lambda sig: not sig & markers and bool(sig & mask) != negated
        return lambda sig: self.test(expr, sig)

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
        """The ``group`` attribute, as location matching sees it (docs/language.md):
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
        matched = 0
        for letter in present:
            matched |= self.signature(letter)
        return [n for n in self.names if not matched & self.bit[("name", n)]]

    # ------------------------------------------------------------------ predicates
    def test(self, expr: Any, sig: int) -> bool:
        """Whether a letter of signature ``sig`` satisfies one-letter expression ``expr``."""
        is_location = not sig & self.marker_mask
        if isinstance(expr, ast.Name):
            return bool(sig & self.bit[("name", expr.text)])
        if isinstance(expr, ast.AnyLoc):
            return is_location
        if isinstance(expr, ast.NameClass):
            hit = any(sig & self.bit[("name", n.text)] for n in expr.names)
            return is_location and hit != expr.negated
        if isinstance(expr, ast.AttrClass):
            hit = bool(sig & self.bit[("attr", (expr.attr, expr.op, expr.value))])
            return is_location and hit != expr.negated
        if isinstance(expr, ast.Marker):
            return bool(sig & self.bit[("marker", expr.index)])
        raise TypeError(f"not a one-letter expression: {expr!r}")


class SigAlphabet:
    """Letters are signatures: the alphabet spec automata are built over."""

    def __init__(self, atoms: Atoms, sigs: Iterable[int]) -> None:
        self.atoms = atoms
        self.letters = tuple(sorted(set(sigs)))
        self.locations = tuple(s for s in self.letters if not s & atoms.marker_mask)
        self._match: dict[Any, tuple[int, ...]] = {}

    def matching(self, expr: Any) -> tuple[int, ...]:
        got = self._match.get(expr)
        if got is None:
            if isinstance(expr, ast.Name):
                got = _by_name_bit(self, self.letters, lambda s: s).get(
                    self.atoms.bit[("name", expr.text)], ()
                )
            else:
                test = self.atoms.predicate(expr)
                got = tuple(s for s in self.letters if test(s))
            self._match[expr] = got
        return got


class LetterAlphabet:
    """Letters are interned letter ids of one FEC's universe."""

    def __init__(self, atoms: Atoms, letters: Iterable[int], sig_of: Mapping[int, int]) -> None:
        self.atoms = atoms
        self.letters = tuple(letters)
        self.sig_of = sig_of
        self.locations = tuple(x for x in self.letters if not sig_of[x] & atoms.marker_mask)
        self._match: dict[Any, tuple[int, ...]] = {}

    def matching(self, expr: Any) -> tuple[int, ...]:
        got = self._match.get(expr)
        if got is None:
            sig_of = self.sig_of
            if isinstance(expr, ast.Name):
                got = _by_name_bit(self, self.letters, sig_of.__getitem__).get(
                    self.atoms.bit[("name", expr.text)], ()
                )
            else:
                test = self.atoms.predicate(expr)
                got = tuple(x for x in self.letters if test(sig_of[x]))
            self._match[expr] = got
        return got


def _by_name_bit(
    alphabet: Any, letters: tuple[int, ...], sig: Callable[[int], int]
) -> dict[int, tuple[int, ...]]:
    """Letters by spec-name bit, in letter order (built once per alphabet).

    Matching each of N spec names against each of L letters costs N x L; a
    letter matches at most a few names, so indexing them is about L.
    """
    index: dict[int, tuple[int, ...]] | None = getattr(alphabet, "_name_index", None)
    if index is None:
        acc: dict[int, list[int]] = {}
        names = alphabet.atoms.name_mask()
        for x in letters:
            rest = sig(x) & names
            while rest:
                low = rest & -rest
                acc.setdefault(low, []).append(x)
                rest ^= low
        index = {b: tuple(xs) for b, xs in acc.items()}
        alphabet._name_index = index
    return index
