"""Letters of a run and the universe of one FEC.

:class:`Letters` interns every letter met in a run (location names, markers,
:data:`~rela.automata.alphabet.OTHER`) to a small int, shared by every spec.
:class:`Signatures` gives each letter its signature under one spec's atoms
(cached by letter id), and :meth:`Signatures.context` the FEC's universe
(docs/verification.md): its locations, the spec's names that match none of
them, one letter for every other location, and the spec's markers.

>>> from rela.automata.alphabet import Atoms
>>> from rela.lang import ast
>>> from rela.network.model import Fec, Graph
>>> letters = Letters()
>>> sigs = Signatures(Atoms.collect([ast.Name("a"), ast.Name("z")]), letters)
>>> fec = Fec(0, None, (), Graph.from_paths([["a", "b"]]), Graph.from_paths([["a"]]))
>>> sorted(letters.names[x] for x in sigs.context(fec).universe)
['a', 'b', 'z', SpecialHop('other', None, None)]
"""

from __future__ import annotations

from collections.abc import Iterable

from rela.automata.alphabet import OTHER, Atoms, Letter, MarkerLetter
from rela.network.model import Fec, Graph
from rela.results import ANY_OTHER, SpecialHop

__all__ = ["Letters", "FecContext", "Signatures", "Word"]

Word = tuple[int, ...]


class Letters:
    """Interning of letters (location names, markers, OTHER) to small ints, shared per run."""

    def __init__(self, cache_size: int = 4096) -> None:
        self.ids: dict[Letter, int] = {}
        self.values: list[Letter] = []
        self.names: list[str] = []
        self._graphs: dict[Graph, tuple[int, ...]] = {}
        self._cache_size = cache_size

    def of_graph(self, graph: Graph) -> tuple[int, ...]:
        """The letter ids of a graph's node labels, in node order (cached by graph:
        the checkers of a run and both sides of an unchanged FEC share them)."""
        got = self._graphs.get(graph)
        if got is None:
            letter_id = self.id
            got = tuple([letter_id(label) for label in graph.labels])
            if len(self._graphs) > self._cache_size:
                self._graphs.clear()
            self._graphs[graph] = got
        return got

    def id(self, letter: Letter) -> int:
        i = self.ids.get(letter)
        if i is None:
            i = self.ids[letter] = len(self.values)
            self.values.append(letter)
            self.names.append(_hop(letter))
        return i

    def path(self, word: Word) -> tuple[str, ...]:
        names = self.names
        return tuple(names[i] for i in word)


def _hop(letter: Letter) -> str:
    """How a letter appears in counterexample paths: its location name, or a
    :class:`~rela.results.SpecialHop` that no location name can equal."""
    if letter is OTHER:
        return ANY_OTHER
    if isinstance(letter, MarkerLetter):
        return SpecialHop("any", letter.index)
    return str(letter)


class FecContext:
    """One FEC's universe of letter ids, their signatures, and the letters by signature."""

    __slots__ = ("universe", "sig_of", "sigs", "_classes")

    def __init__(self, universe: list[int], sig_of: dict[int, int]) -> None:
        self.universe = universe
        self.sig_of = sig_of
        self.sigs = frozenset(sig_of.values())
        self._classes: dict[int, tuple[int, ...]] | None = None

    def class_letters(self) -> dict[int, tuple[int, ...]]:
        """Signature -> the letters of the universe with that signature (built once)."""
        if self._classes is None:
            acc: dict[int, list[int]] = {}
            for x in self.universe:
                acc.setdefault(self.sig_of[x], []).append(x)
            self._classes = {s: tuple(xs) for s, xs in acc.items()}
        return self._classes


class Signatures:
    """Signatures of letters under one spec's atoms, by letter id (cached for the run)."""

    def __init__(self, atoms: Atoms, letters: Letters) -> None:
        self.atoms = atoms
        self.letters = letters
        self._by_id: dict[int, int] = {}
        self._matched: dict[int, tuple[str, ...]] = {}
        self._absent: dict[frozenset[str], list[int]] = {}
        self.other_id = letters.id(OTHER)
        self.marker_ids = [letters.id(MarkerLetter(m)) for m in atoms.markers]

    def of(self, x: int) -> int:
        s = self._by_id.get(x)
        if s is None:
            s = self._by_id[x] = self.atoms.signature(self.letters.values[x])
        return s

    def present(self, fec: Fec) -> set[int]:
        """The letter ids of the FEC's locations (before and after)."""
        of_graph = self.letters.of_graph
        present = set(of_graph(fec.before))
        if fec.after is not fec.before:
            present.update(of_graph(fec.after))
        return present

    def context(self, fec: Fec, present: Iterable[int] | None = None) -> FecContext:
        """The FEC's universe (``present``: its location ids, when already known)."""
        universe = list(self.present(fec) if present is None else present)
        by_id, matched_of = self._by_id, self._matched
        sig_of: dict[int, int] = {}
        matched: set[str] = set()
        for x in universe:
            s = by_id.get(x)
            if s is None:
                s = self.of(x)
            sig_of[x] = s
            if s:  # a letter matching no atom matches no spec name
                names = matched_of.get(x)
                if names is None:
                    names = matched_of[x] = self.atoms.matched_names(self.letters.values[x])
                matched.update(names)
        extra = [*self._absent_names(frozenset(matched)), self.other_id, *self.marker_ids]
        sig = self.of
        for x in extra:
            sig_of[x] = sig(x)
        universe.extend(extra)
        return FecContext(universe, sig_of)

    def _absent_names(self, matched: frozenset[str]) -> list[int]:
        """Letter ids of the spec names outside ``matched`` (cached: FECs share them)."""
        got = self._absent.get(matched)
        if got is None:
            letter_id = self.letters.id
            got = [letter_id(n) for n in self.atoms.names if n not in matched]
            if len(self._absent) > 1024:
                self._absent.clear()
            self._absent[matched] = got
        return got
