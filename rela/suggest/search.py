"""Clause synthesis: a short chain of (guarded) clauses under which every FEC holds.

The suggestion is a chain ``c1 else c2 else ... else .* : preserve`` where each
clause may be guarded by ``if dst in ...``.  An FEC sees the clauses whose
guard takes it in, in chain order; clauses that cannot touch its paths (see
:func:`rela.suggest.clauses.trigger_names`) are left out of what it sees, so
FECs fall into few *cells* (same situation, same clauses seen).  The search is
greedy: each round tries every candidate clause at the front and at the back
of the chain, asks the :class:`~rela.suggest.oracle.Oracle` on which cells the
new chain holds, and guards the clause (:func:`rela.suggest.guards.cover`) so
that it takes in the FECs it newly explains and leaves out those it would
break.  Exact clauses are tried first, located ones (``any``) only when no
exact one helps, broad ones last; within a tier the clause explaining the most
FECs wins (then fewer guard prefixes, the kind that says more, a simpler
clause).  A clause may take in more FECs than it explains where it still holds
(a more general guard); a loose one less so
(:func:`rela.suggest.clauses.may_take_in`).  Rounds stop when every FEC holds
or the clause budget is spent; :meth:`Search.prune` drops clauses the others
made useless, and :meth:`Search.fallback` explains the rest with explicit
clauses.

>>> from rela.network.model import Fec, Graph
>>> from rela.suggest.observe import observe
>>> from rela.suggest.oracle import Oracle
>>> b, a = Graph.from_paths([["s", "core1", "t"]]), Graph.from_paths([["s", "core2", "t"]])
>>> obs = observe([Fec(0, None, (), b, a)])
>>> s = Search(obs, Oracle())
>>> [p.candidate.kind for p in s.run(9)], s.failing_fecs()
(['replace'], [])
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from rela.diff import ONLY_AFTER
from rela.lang import ast
from rela.suggest import clauses as cl
from rela.suggest.clauses import BROAD, EXACT, LOCATED, Candidate
from rela.suggest.guards import Cover, Member, cover
from rela.suggest.observe import FecInfo, Observation, Situation
from rela.suggest.oracle import Chain, Oracle
from rela.suggest.patterns import candidates, combinations
from rela.suggest.regex import graph_regex, writable
from rela.values import frozen

__all__ = ["Placed", "Search", "Cell"]

FRONT, BACK = "front", "back"
#: Between clauses that explain as much, the kinds that say more come first (a drain is
#: better told as "X replaced by Y" than as "paths through X removed").
_PREFERENCE = {
    k: i
    for i, k in enumerate(
        ("replace", "add-link", "add", "drop", "undrop", "loop", "no-path", "remove", "combined")
    )
}
#: Combinations tried per situation that no single clause explains.
MAX_COMBINATIONS = 40
#: Clauses already found that are tried on a new situation before looking for patterns.
KNOWN_TRIED = 3


@frozen
class Placed:
    """A clause in the chain: what it is, where it sits (``rank``) and its guard."""

    id: int
    candidate: Candidate
    rank: float
    guard: Cover | None
    explicit: bool = False


@frozen
class Cell:
    """FECs of one situation that see the same clauses."""

    sit: Situation
    chain: tuple[int, ...]
    fecs: tuple[int, ...]


@frozen
class _Option:
    candidate: Candidate
    position: str
    guard: Cover | None
    gain: int
    inside: frozenset[int]  # FEC ids that will see the clause

    def key(self) -> tuple[int, int, int, int, bool, int]:
        n = len(self.guard.prefixes) if self.guard else 0
        c = self.candidate
        return (
            self.gain,
            -c.tier,
            -n,
            -_PREFERENCE.get(c.kind, 99),
            self.position == BACK,
            -cl.size(c.body),
        )


def _prefixes(location: str) -> Iterator[str]:
    parts = location.split("|")
    for k in range(1, len(parts) + 1):
        yield "|".join(parts[:k])


@dataclass
class Search:
    """The greedy search over one observed change (state: the clauses placed so far)."""

    obs: Observation
    oracle: Oracle
    placed: list[Placed] = field(default_factory=list)
    exempt: Cover | None = None
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.fecs: list[FecInfo] = []
        self.sit_of: list[Situation] = []
        for sit in self.obs.situations:
            for info in sit.fecs:
                self.fecs.append(info)
                self.sit_of.append(sit)
        self.seen: list[tuple[int, ...]] = [()] * len(self.fecs)
        self._names = {
            s.id: {p for loc in s.locations for p in _prefixes(loc)} for s in self.obs.situations
        }
        self._relevant: dict[tuple[ast.SpecExpr, int], bool] = {}
        self.skipped: set[int] = set()  # FEC ids exempted (no path before the change)
        self.locations = frozenset().union(*(s.locations for s in self.obs.situations))
        # a name that also matches longer locations (``a`` matches ``a|x``) says more than meant
        self.ambiguous = frozenset(
            p for loc in self.locations for p in _prefixes(loc) if p != loc and p in self.locations
        )
        self.short = cl.short_names(self.locations)
        self.ambiguous |= {self.short[a] for a in self.ambiguous if a in self.short}
        self.ambiguous |= {loc for loc in self.locations if not writable(loc)}

    # ------------------------------------------------------------------ cells

    def relevant(self, body: ast.SpecExpr, sit: Situation) -> bool:
        """Whether the clause can touch the situation's paths."""
        key = (body, sit.id)
        r = self._relevant.get(key)
        if r is None:
            names = cl.trigger_names(body)
            r = self._relevant[key] = names is None or bool(names & self._names[sit.id])
        return r

    def bodies(self, ids: Iterable[int]) -> Chain:
        return tuple(self.placed[i].candidate.body for i in ids)

    def cells(self) -> list[Cell]:
        groups: dict[tuple[int, tuple[int, ...]], list[int]] = {}
        for fid, chain in enumerate(self.seen):
            if fid not in self.skipped:
                groups.setdefault((self.sit_of[fid].id, chain), []).append(fid)
        sits = {s.id: s for s in self.obs.situations}
        return [Cell(sits[s], chain, tuple(f)) for (s, chain), f in groups.items()]

    def holds(self, cell: Cell, chain: tuple[int, ...] | None = None) -> bool:
        return self.oracle.holds(self.bodies(cell.chain if chain is None else chain), cell.sit)

    def failing_fecs(self) -> list[int]:
        """FEC ids on which the chain does not hold yet."""
        return [f for c in self.cells() if not self.holds(c) for f in c.fecs]

    def _order(self, ids: Iterable[int]) -> tuple[int, ...]:
        return tuple(sorted(ids, key=lambda i: self.placed[i].rank))

    # ------------------------------------------------------------------ candidates

    def candidate_pool(self) -> list[Candidate]:
        """Patterns seen on the changed situations, plus combinations where one is needed.

        Situations are visited largest first; one that a clause already found
        explains on its own adds nothing new (patterns cost more than checks).
        """
        pool: dict[ast.SpecExpr, Candidate] = {}
        explained: dict[ast.SpecExpr, int] = {}
        changed = [s for s in self.obs.situations if s.changed and s.diff.status != ONLY_AFTER]
        for sit in sorted(changed, key=lambda s: (-len(s.fecs), s.id)):
            exact = [b for b in explained if pool[b].tier == EXACT]
            known = sorted(exact, key=lambda b: -explained[b])[:KNOWN_TRIED]
            hit = next((b for b in known if self.oracle.holds((b,), sit)), None)
            if hit is None:
                found = candidates(sit.before, sit.after, self.short, self.ambiguous)
                for c in found:
                    pool.setdefault(c.body, c)
                hit = self._explain(sit, found, pool)
            if hit is not None:
                explained[hit] = explained.get(hit, 0) + len(sit.fecs)
        return list(pool.values())

    def _explain(
        self, sit: Situation, found: list[Candidate], pool: dict[ast.SpecExpr, Candidate]
    ) -> ast.SpecExpr | None:
        """A clause that explains the situation alone: exact ones (or an exact
        combination) before located ones; a broad clause may hold too, but a
        precise combination says more.  Combinations found join the pool."""
        for tiers in ((EXACT,), (EXACT, LOCATED)):
            group = [c for c in found if c.tier in tiers]
            hit = next((c.body for c in group if self.oracle.holds((c.body,), sit)), None)
            if hit is not None:
                return hit
            combos = itertools.islice(combinations(group), MAX_COMBINATIONS)
            combo = next((c for c in combos if self.oracle.holds((c.body,), sit)), None)
            if combo is not None:
                pool.setdefault(combo.body, combo)
                return combo.body
        return None

    # ------------------------------------------------------------------ one clause

    def _evaluate(
        self,
        cand: Candidate,
        position: str,
        cells: list[Cell],
        failing: set[Cell],
        best: int,
        may_hold: Callable[[Cell], bool] | None = None,
    ) -> _Option | None:
        """The option of placing ``cand`` there, or None when it gains less than ``best``.

        ``may_hold(cell)`` False says the new chain cannot hold on the cell, without
        asking the oracle (the final verification still decides every FEC).
        """

        def chain_with(cell: Cell) -> Chain:
            bodies = self.bodies(cell.chain)
            return (cand.body, *bodies) if position == FRONT else (*bodies, cand.body)

        def holds_with(cell: Cell) -> bool:
            if may_hold is not None and not may_hold(cell):
                return False
            return self.oracle.holds(chain_with(cell), cell.sit)

        relevant = [c for c in cells if self.relevant(cand.body, c.sit)]
        todo = sorted((c for c in relevant if c in failing), key=lambda c: -len(c.fecs))
        left = sum(len(c.fecs) for c in todo)
        gains: list[Cell] = []
        upper = 0
        for c in todo:
            if upper + left < best:  # cannot catch up with the best option any more
                return None
            left -= len(c.fecs)
            if cl.says_true(cand, c.sit.before, c.sit.after) and holds_with(c):
                gains.append(c)
                upper += len(c.fecs)
        if upper == 0 or upper < best:
            return None
        outs: list[Cell] = []
        free: list[Cell] = []
        gain_set = set(gains)
        for c in relevant:
            if c in gain_set:
                continue
            sit = c.sit
            if not cl.may_take_in(cand, sit.before, sit.after, sit.changed, c in failing) or (
                c not in failing and not holds_with(c)
            ):
                outs.append(c)
            else:
                free.append(c)
        if not outs:
            inside = frozenset(f for c in relevant for f in c.fecs)
            return _Option(cand, position, None, upper, inside)
        guard = cover(self._members(gains), self._members(outs), self._members(free))
        covered = [f for c in gains for f in c.fecs if f not in guard.conflicts]
        if not covered:
            return None
        from rela.suggest.guards import inside as _inside

        inside = frozenset(
            f for c in relevant for f in c.fecs if _inside(self.fecs[f].dst, guard.blocks)
        )
        return _Option(cand, position, guard, len(covered), inside)

    def _members(self, cells: Iterable[Cell]) -> list[Member]:
        return [Member(f, self.fecs[f].dst) for c in cells for f in c.fecs]

    def _place(self, option: _Option, explicit: bool = False) -> None:
        ranks = [p.rank for p in self.placed] or [0.0]
        rank = min(ranks) - 1 if option.position == FRONT else max(ranks) + 1
        pid = len(self.placed)
        self.placed.append(Placed(pid, option.candidate, rank, option.guard, explicit))
        for f in option.inside:
            self.seen[f] = self._order((*self.seen[f], pid))

    def _best(self, pool: list[Candidate], cells: list[Cell], failing: set[Cell]) -> _Option | None:
        used = {p.candidate.body for p in self.placed}
        weight = {}
        for cand in pool:
            if cand.body not in used:
                weight[cand.body] = sum(
                    len(c.fecs) for c in failing if self.relevant(cand.body, c.sit)
                )
        best: _Option | None = None
        for tier in (EXACT, LOCATED, BROAD):
            ranked = [c for c in pool if c.body in weight and c.tier == tier]
            ranked.sort(key=lambda c: -weight[c.body])
            for cand in ranked:
                bound = weight[cand.body]
                if bound == 0 or (best is not None and bound < best.gain):
                    break
                for position in (BACK, FRONT) if self.placed else (BACK,):
                    option = self._evaluate(
                        cand, position, cells, failing, best.gain if best else 1
                    )
                    if option is not None and (best is None or option.key() > best.key()):
                        best = option
            if best is not None:
                return best
        return None

    # ------------------------------------------------------------------ the search

    def run(self, budget: int) -> list[Placed]:
        """Place at most ``budget`` clauses; returns the placed clauses in chain order."""
        self._exempt_new_traffic()
        pool = self.candidate_pool()
        while len(self.placed) < budget:
            cells = self.cells()
            failing = {c for c in cells if not self.holds(c)}
            if not failing:
                break
            option = self._best(pool, cells, failing)
            if option is None:
                break
            self._place(option)
        return self.chain()

    def chain(self) -> list[Placed]:
        return sorted(self.placed, key=lambda p: p.rank)

    def _exempt_new_traffic(self) -> None:
        """FECs without a path before the change: no spec relates their paths to old ones."""
        new = [f for f, sit in enumerate(self.sit_of) if sit.diff.status == ONLY_AFTER]
        if not new:
            return
        others = [Member(f, self.fecs[f].dst) for f in range(len(self.fecs)) if f not in set(new)]
        guard = cover([Member(f, self.fecs[f].dst) for f in new], others)
        taken = [f for f in new if f not in guard.conflicts]
        if taken:
            self.exempt = guard
            self.skipped.update(taken)
            self.notes.append(
                f"{len(taken)} FEC(s) had no path before the change: a spec relates after paths "
                "to before paths, so their new paths cannot be described; they are exempted "
                "(`none : preserve`)"
            )

    def fallback(self) -> int:
        """Explain the FECs that still fail with explicit clauses at the front; returns how many."""
        added = 0
        while True:
            cells = self.cells()
            failing = {c for c in cells if not self.holds(c)}
            if not failing:
                return added
            best: _Option | None = None
            for sit in sorted({c.sit for c in failing}, key=lambda s: s.id):
                cand = _explicit(sit, self.locations, self.short)
                option = self._evaluate(cand, FRONT, cells, failing, 1, _same_after(sit))
                if option is not None and (best is None or option.key() > best.key()):
                    best = option
            if best is None:
                return added
            self._place(best, explicit=True)
            added += 1

    def pin(self, indices: Iterable[int]) -> bool:
        """Give FECs (by input index) explicit clauses at the front, guarded to them alone.

        The repair step when the final verification finds FECs the search
        believed explained; returns whether a clause was placed.
        """
        wanted = set(indices)
        fids = [f for f, info in enumerate(self.fecs) if info.index in wanted]
        placed = False
        for sit in sorted({self.sit_of[f] for f in fids}, key=lambda s: s.id):
            mine = [f for f in fids if self.sit_of[f] is sit]
            others = [
                Member(f, self.fecs[f].dst)
                for f in range(len(self.fecs))
                if f not in set(mine) and self.sit_of[f].after != sit.after
            ]
            guard = cover([Member(f, self.fecs[f].dst) for f in mine], others)
            inside = frozenset(f for f in mine if f not in guard.conflicts)
            cand = _explicit(sit, self.locations, self.short)
            if inside and all(p.candidate.body != cand.body for p in self.placed):
                self._place(_Option(cand, FRONT, guard, len(inside), inside), explicit=True)
                placed = True
        return placed

    def fallback_used(self, max_clauses: int) -> bool:
        """Whether some FECs needed explicit clauses or an exemption, or the budget was exceeded."""
        return (
            any(p.explicit for p in self.placed)
            or self.exempt is not None
            or len(self.placed) + 1 > max_clauses
            or bool(self.failing_fecs())
        )

    # ------------------------------------------------------------------ tidying

    def prune(self) -> int:
        """Drop clauses that every FEC holds without (later ones made them redundant)."""
        dropped = 0
        while True:
            coverage = self.coverage()
            order = sorted(self.chain(), key=lambda p: (len(coverage[p.id]), -p.rank))
            victim = next((p for p in order if self._removable(p.id)), None)
            if victim is None:
                return dropped
            self._drop(victim.id)
            dropped += 1

    def _removable(self, pid: int) -> bool:
        for cell in self.cells():
            if pid not in cell.chain or not self.holds(cell):
                continue
            if not self.holds(cell, tuple(x for x in cell.chain if x != pid)):
                return False
        return True

    def _drop(self, pid: int) -> None:
        keep = [p for p in self.placed if p.id != pid]
        new_id = {p.id: i for i, p in enumerate(keep)}
        self.placed = [Placed(new_id[p.id], p.candidate, p.rank, p.guard, p.explicit) for p in keep]
        self.seen = [tuple(new_id[x] for x in chain if x != pid) for chain in self.seen]

    def reorder(self) -> None:
        """Move clauses that explain more FECs earlier, where the spec still holds."""
        weight = self.coverage()
        order = self.chain()
        changed = True
        while changed:
            changed = False
            for i in range(len(order) - 1):
                a, b = order[i], order[i + 1]
                if len(weight[b.id]) <= len(weight[a.id]):
                    continue
                if self._swap_keeps(a, b):
                    order[i], order[i + 1] = b, a
                    changed = True
        for rank, p in enumerate(order):
            self.placed[p.id] = Placed(p.id, p.candidate, float(rank), p.guard, p.explicit)
        self.seen = [self._order(chain) for chain in self.seen]

    def _swap_keeps(self, a: Placed, b: Placed) -> bool:
        for cell in self.cells():
            if a.id in cell.chain and b.id in cell.chain:
                chain = list(cell.chain)
                i, j = chain.index(a.id), chain.index(b.id)
                chain[i], chain[j] = chain[j], chain[i]
                if self.holds(cell) and not self.holds(cell, tuple(chain)):
                    return False
        return True

    def coverage(self) -> dict[int, list[int]]:
        """Per placed clause, the changed FECs it explains (it is needed for them to hold)."""
        out: dict[int, list[int]] = {p.id: [] for p in self.placed}
        for cell in self.cells():
            if not cell.sit.changed or not self.holds(cell):
                continue
            needed = [
                pid
                for pid in cell.chain
                if not self.holds(cell, tuple(x for x in cell.chain if x != pid))
            ]
            for pid in needed or cell.chain[:1]:
                out[pid].extend(cell.fecs)
        return out


def _same_after(sit: Situation) -> Callable[[Cell], bool]:
    """Where the explicit clause of ``sit`` may hold: in front, ``.* : replace(.*, P)``
    makes every path ``P``, so only on FECs whose after paths are the situation's (its
    after graph, as a rule; a cell passed over for another graph of the same paths only
    costs conciseness)."""
    after = sit.after
    return lambda cell: cell.sit.after == after


def _explicit(sit: Situation, locations: Iterable[str], short: dict[str, str]) -> Candidate:
    """The explicit clause of a situation: its after paths, listed as a path expression."""
    regex = graph_regex(sit.after, locations)
    if isinstance(regex, ast.EmptySet):
        return Candidate(cl.no_path(), "no-path", "no path any more", cl.EXACT)
    says = "whatever its paths were, they are now exactly the ones listed"
    return Candidate(cl.explicit(cl.rename(regex, short)), "explicit", says, cl.EXPLICIT)
