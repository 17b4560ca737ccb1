"""Checking one FEC against one compiled check: verdict and counterexamples.

:class:`SpecChecker` holds everything that is per spec and per run: the atoms
of the spec, the signature of every letter seen so far, the spec automata built
over each set of signatures met (usually one or two per run), graph automata by
graph, and the verdicts of (before, after) pairs already decided.  Its
:meth:`SpecChecker.check` is the per-FEC hot path.

Semantics (``docs/verification.md``): for the FEC's universe of letters (its
locations, the spec's names that match none of them, the spec's markers and
one letter for every other location), the check is evaluated exactly; a
comparison ``P == Q`` fails when some path is in one side only.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rela.automata import transducer as T
from rela.automata.alphabet import (
    OTHER,
    OTHER_NAME,
    Atoms,
    LetterAlphabet,
    MarkerLetter,
    SigAlphabet,
)
from rela.automata.decide import Budget, difference, enumerate_words, equivalent, included
from rela.automata.evaluate import Evaluator, is_spec_only
from rela.automata.nfa import Nfa, intersect, is_empty, trim
from rela.automata.transducer import Transducer
from rela.lang import ast
from rela.network.model import Fec, Graph, TrafficKey

__all__ = ["Letters", "SpecChecker", "Outcome", "FlowDiff"]

Word = tuple[int, ...]


class Letters:
    """Interning of letters (location names, markers, OTHER) to small ints, shared per run."""

    def __init__(self) -> None:
        self.ids: dict[Any, int] = {}
        self.values: list[Any] = []
        self.names: list[str] = []

    def id(self, letter: Any) -> int:
        i = self.ids.get(letter)
        if i is None:
            i = self.ids[letter] = len(self.values)
            self.values.append(letter)
            self.names.append(OTHER_NAME if letter is OTHER else str(letter))
        return i

    def path(self, word: Word) -> tuple[str, ...]:
        names = self.names
        return tuple(names[i] for i in word)


@dataclass(frozen=True)
class FlowDiff:
    """A violated flow: path lists as location names (see results.Violation)."""

    flow: str
    before: tuple[tuple[str, ...], ...]
    after: tuple[tuple[str, ...], ...]
    expected: tuple[tuple[str, ...], ...]
    actual: tuple[tuple[str, ...], ...]
    missing: tuple[tuple[str, ...], ...]
    unexpected: tuple[tuple[str, ...], ...]
    truncated: bool


@dataclass(frozen=True)
class Outcome:
    """Verdict of one check on one FEC: ``holds``, ``violated`` or ``error``."""

    verdict: str
    flows: tuple[FlowDiff, ...] = ()
    message: str = ""
    input_error: bool = False


HOLDS = Outcome("holds")
VIOLATED = Outcome("violated")


def _cond_holds(cond: Any, traffic: Sequence[TrafficKey]) -> bool:
    if isinstance(cond, ast.QosCond):
        return any(t.qos == cond.value for t in traffic)
    return any(t.matches_prefix(cond.field, p) for t in traffic for p in cond.prefixes)


def _conditions(check: Any) -> list[Any]:
    """The distinct traffic guards of a check, in first-use order."""
    out: list[Any] = []
    stack = [check]
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


def _resolve(check: Any, outcome: Mapping[Any, bool]) -> Any:
    if isinstance(check, ast.CheckIf):
        return _resolve(check.then if outcome[check.cond] else check.otherwise, outcome)
    if isinstance(check, ast.CheckAnd):
        return ast.CheckAnd(tuple(_resolve(p, outcome) for p in check.parts))
    if isinstance(check, ast.CheckOr):
        return ast.CheckOr(tuple(_resolve(p, outcome) for p in check.parts))
    if isinstance(check, ast.CheckNot):
        return ast.CheckNot(_resolve(check.operand, outcome))
    return check


class _Leaf:
    """A guard-free check with what is known about its comparisons."""

    __slots__ = ("check", "sides", "same_sides")

    def __init__(self, check: Any) -> None:
        self.check = check
        self.sides: dict[int, tuple[Any, Any]] = {}
        stack = [check]
        while stack:
            c = stack.pop()
            if isinstance(c, ast.Compare):
                self.sides[id(c)] = (_side(c.left), _side(c.right))
            elif isinstance(c, (ast.CheckAnd, ast.CheckOr)):
                stack.extend(c.parts)
            elif isinstance(c, ast.CheckNot):
                stack.append(c.operand)
        self.same_sides = isinstance(check, ast.Compare) and _same_sides(*self.sides[id(check)])


def _side(expr: Any) -> tuple[str, Any] | None:
    """``(pre|post, relation-or-None)`` when ``expr`` is pre, post or an image of them."""
    if isinstance(expr, ast.Pre):
        return ("pre", None)
    if isinstance(expr, ast.Post):
        return ("post", None)
    if (
        isinstance(expr, ast.Image)
        and isinstance(expr.prop, (ast.Pre, ast.Post))
        and is_spec_only(expr.relation)
    ):
        return ("pre" if isinstance(expr.prop, ast.Pre) else "post", expr.relation)
    return None


class _FecContext:
    """Per-FEC letters, signatures and lazily built automata."""

    __slots__ = ("universe", "sig_of", "sigs", "classes")

    def __init__(self, universe: list[int], sig_of: dict[int, int]) -> None:
        self.universe = universe
        self.sig_of = sig_of
        self.sigs = frozenset(sig_of[x] for x in universe)
        self.classes: dict[int, tuple[int, ...]] | None = None

    def class_letters(self) -> dict[int, tuple[int, ...]]:
        if self.classes is None:
            acc: dict[int, list[int]] = {}
            for x in self.universe:
                acc.setdefault(self.sig_of[x], []).append(x)
            self.classes = {s: tuple(xs) for s, xs in acc.items()}
        return self.classes


class SpecChecker:
    """Decides one compiled check on FEC after FEC (compile once, reuse everywhere)."""

    def __init__(
        self,
        check: Any,
        letters: Letters,
        *,
        groups: Mapping[str, str] | None = None,
        group_level: bool = False,
        max_paths: int = 20,
        max_states: int = 0,
        fec_timeout: float = 0.0,
        cache_size: int = 50_000,
        counterexamples: bool = True,
    ) -> None:
        self.check_ast = check
        self.letters = letters
        self.atoms = Atoms.collect([check], groups=groups, group_level=group_level)
        self.max_paths = max_paths
        self.max_states = max_states
        self.fec_timeout = fec_timeout
        self.counterexamples = counterexamples
        self._conds = _conditions(check)
        self._leaves: dict[tuple[bool, ...], _Leaf] = {}
        self._leaf: _Leaf | None = None  # the leaf currently being decided
        self._sig_by_id: dict[int, int] = {}
        self._sig_evals: dict[frozenset[int], Evaluator] = {}
        self._verdicts: dict[tuple[Any, ...], Outcome] = {}
        self._agree: dict[tuple[Any, ...], bool] = {}
        self._graph_nfas: dict[tuple[Graph, int | None], Nfa] = {}
        self._cache_size = cache_size
        self.other_id = letters.id(OTHER)
        self.marker_ids = [letters.id(MarkerLetter(m)) for m in self.atoms.markers]
        self.seen: set[int] = set()

    # ------------------------------------------------------------------ letters
    def _sig(self, x: int) -> int:
        s = self._sig_by_id.get(x)
        if s is None:
            s = self._sig_by_id[x] = self.atoms.signature(self.letters.values[x])
        return s

    def _context(self, fec: Fec) -> _FecContext:
        letter_id = self.letters.id
        present = {letter_id(label) for label in fec.before.labels}
        present.update(letter_id(label) for label in fec.after.labels)
        self.seen |= present
        sig = self._sig
        matched = 0
        for x in present:
            matched |= sig(x)
        universe = list(present)
        for n in self.atoms.names:
            if not matched & self.atoms.bit[("name", n)]:
                universe.append(letter_id(n))
        universe.append(self.other_id)
        universe.extend(self.marker_ids)
        return _FecContext(universe, {x: sig(x) for x in universe})

    # ------------------------------------------------------------------ automata
    def _graph_nfa(self, graph: Graph, flow: int | None = None) -> Nfa:
        key = (graph, flow)
        got = self._graph_nfas.get(key)
        if got is None:
            got = graph_nfa(graph, self.letters, flow)
            if len(self._graph_nfas) > self._cache_size:
                self._graph_nfas.clear()
            self._graph_nfas[key] = got
        return got

    def _spec_rel(self, ctx: _FecContext, relation: Any, budget: Budget) -> Transducer:
        ev = self._sig_evals.get(ctx.sigs)
        if ev is None:
            ev = self._sig_evals[ctx.sigs] = Evaluator(SigAlphabet(self.atoms, ctx.sigs))
        ev.budget = budget  # built for this FEC: its limits apply (results are reused)
        return ev.rel(relation)

    def _sides(
        self, ctx: _FecContext, cmp: ast.Compare, pre: Nfa, post: Nfa, budget: Budget
    ) -> tuple[Nfa, Nfa]:
        """The two path sets a comparison compares, for graphs ``pre``/``post``."""
        assert self._leaf is not None
        left, right = self._leaf.sides[id(cmp)]
        if left is not None and right is not None:
            out = []
            for which, relation in (left, right):
                graph = pre if which == "pre" else post
                if relation is None:
                    out.append(graph)
                else:
                    t = self._spec_rel(ctx, relation, budget)
                    out.append(image_by_class(graph, t, ctx, budget))
            return out[0], out[1]
        ev = Evaluator(LetterAlphabet(self.atoms, ctx.universe, ctx.sig_of), pre, post, budget)
        return ev.prop(cmp.left), ev.prop(cmp.right)

    # ------------------------------------------------------------------ verdicts
    def check(self, fec: Fec) -> Outcome:
        """The verdict of this check on ``fec`` (counterexamples when violated)."""
        if fec.problem is not None:
            return Outcome("error", message=fec.problem, input_error=True)
        branch = tuple(_cond_holds(c, fec.traffic) for c in self._conds)
        leaf = self._leaves.get(branch)
        if leaf is None:
            resolved = _resolve(self.check_ast, dict(zip(self._conds, branch)))
            leaf = self._leaves[branch] = _Leaf(resolved)
        key = (branch, fec.before, fec.after)
        got = self._verdicts.get(key)
        if got is not None:
            self._note_letters(fec)
            return got
        self._leaf = leaf
        outcome = self._decide(fec, leaf)
        if len(self._verdicts) > self._cache_size:
            self._verdicts.clear()
        self._verdicts[key] = outcome
        return outcome

    def _note_letters(self, fec: Fec) -> None:
        letter_id = self.letters.id
        for label in fec.before.labels:
            self.seen.add(letter_id(label))
        for label in fec.after.labels:
            self.seen.add(letter_id(label))

    def _decide(self, fec: Fec, leaf_info: _Leaf) -> Outcome:
        leaf = leaf_info.check
        # Same relation on both sides of the same graph: nothing to compute.
        if leaf_info.same_sides and fec.before == fec.after:
            self._note_letters(fec)
            return HOLDS
        budget = Budget(self.max_states, self.fec_timeout)
        ctx = self._context(fec)
        if fec.before == fec.after and self._agree_on_graph(ctx, fec, leaf_info, budget):
            return HOLDS
        pre, post = self._graph_nfa(fec.before), self._graph_nfa(fec.after)
        if self._holds(ctx, leaf, pre, post, budget):
            return HOLDS
        if not self.counterexamples:
            return VIOLATED
        return Outcome("violated", flows=self._counterexamples(ctx, fec, leaf, budget))

    def _agree_on_graph(self, ctx: _FecContext, fec: Fec, leaf: _Leaf, budget: Budget) -> bool:
        """``pre >> R == post >> Q`` on one unchanged graph, when R and Q agree on its letters.

        R and Q restricted to inputs whose signatures occur in the graph, read
        as automata over (input, output) arc labels: equal label languages mean
        equal relations, so both images of the graph are equal.  Decided once
        per set of signatures.
        """
        if not isinstance(leaf.check, ast.Compare) or leaf.check.op != "==":
            return False
        left, right = leaf.sides[id(leaf.check)]
        if left is None or right is None or left[1] is None or right[1] is None:
            return False
        sig_of = ctx.sig_of
        letter_id = self.letters.id
        present = frozenset(sig_of[letter_id(label)] for label in fec.before.labels)
        key = (id(leaf), ctx.sigs, present)
        got = self._agree.get(key)
        if got is None:
            r = self._spec_rel(ctx, left[1], budget)
            q = self._spec_rel(ctx, right[1], budget)
            got = equivalent(_arc_language(r, present), _arc_language(q, present), budget) is None
            self._agree[key] = got
        return got

    def _equal_on_the_fly(
        self, ctx: _FecContext, cmp: ast.Compare, pre: Nfa, post: Nfa, budget: Budget
    ) -> bool | None:
        """Decide ``pre >> R == post >> Q`` without building the images, when both stay
        deterministic; ``None`` when they do not (the caller builds them)."""
        assert self._leaf is not None
        left, right = self._leaf.sides[id(cmp)]
        if left is None or right is None:
            return None
        sides = []
        for which, relation in (left, right):
            graph = pre if which == "pre" else post
            t = self._spec_rel(ctx, relation, budget) if relation is not None else None
            lazy = _LazyImage.of(graph, t, ctx)
            if lazy is None:
                return None
            sides.append(lazy)
        try:
            return _lazy_equal(sides[0], sides[1], budget)
        except _NotDeterministic:
            return None

    def _holds(self, ctx: _FecContext, check: Any, pre: Nfa, post: Nfa, budget: Budget) -> bool:
        if isinstance(check, ast.Compare):
            if check.op == "==":
                quick = self._equal_on_the_fly(ctx, check, pre, post, budget)
                if quick is not None:
                    return quick
            left, right = self._sides(ctx, check, pre, post, budget)
            if check.op == "==":
                return equivalent(left, right, budget) is None
            return included(left, right, budget) is None
        if isinstance(check, ast.CheckAnd):
            return all(self._holds(ctx, p, pre, post, budget) for p in check.parts)
        if isinstance(check, ast.CheckOr):
            return any(self._holds(ctx, p, pre, post, budget) for p in check.parts)
        if isinstance(check, ast.CheckNot):
            return not self._holds(ctx, check.operand, pre, post, budget)
        raise TypeError(f"not a check: {check!r}")

    # ------------------------------------------------------------------ counterexamples
    def _counterexamples(
        self, ctx: _FecContext, fec: Fec, leaf: Any, budget: Budget
    ) -> tuple[FlowDiff, ...]:
        """Missing and unexpected paths of the whole FEC, attributed to flows.

        The differences are those of the whole FEC; a missing path is shown
        under every flow whose pre paths are expected to produce it, an
        unexpected one under every flow whose post paths produce it.
        """
        pre, post = self._graph_nfa(fec.before), self._graph_nfa(fec.after)
        failing = _failing_compares(leaf, lambda c: self._holds(ctx, c, pre, post, budget))
        flows: list[FlowDiff] = []
        for cmp in failing:
            left, right = self._sides(ctx, cmp, pre, post, budget)
            if cmp.op == "==":
                expected, actual = left, right
                missing = difference(expected, actual, budget)
            else:  # left <= right: paths of left outside right are unexpected
                expected, actual = right, left
                missing = Nfa.empty()
            unexpected = difference(actual, expected, budget)
            found = False
            for flow in fec.flows():
                budget.check(0)  # many small flows never reach a construction's own checks
                flow_id = self.letters.id(flow)
                pre_f = self._graph_nfa(fec.before, flow_id)
                post_f = self._graph_nfa(fec.after, flow_id)
                left_f, right_f = self._sides(ctx, cmp, pre_f, post_f, budget)
                expected_f, actual_f = (left_f, right_f) if cmp.op == "==" else (right_f, left_f)
                missing_f = trim(intersect(missing, expected_f))
                unexpected_f = trim(intersect(unexpected, actual_f))
                if is_empty(missing_f) and is_empty(unexpected_f):
                    continue
                found = True
                flows.append(
                    self._render(
                        flow, pre_f, post_f, expected_f, actual_f, missing_f, unexpected_f, budget
                    )
                )
            if not found:  # not attributable to one flow (or equal sets under `not`)
                flows.append(
                    self._render("*", pre, post, expected, actual, missing, unexpected, budget)
                )
        return tuple(flows)

    def _render(self, flow: str, *nfas_and_budget: Any) -> FlowDiff:
        *nfas, budget = nfas_and_budget
        lists = []
        truncated = False
        for a in nfas:
            words, more = enumerate_words(a, self.max_paths, budget)
            truncated = truncated or more
            lists.append(tuple(self.letters.path(w) for w in words))
        before, after, expected, actual, missing, unexpected = lists
        return FlowDiff(flow, before, after, expected, actual, missing, unexpected, truncated)


class _NotDeterministic(Exception):
    """The image being explored turned out nondeterministic (or has epsilon moves)."""


class _LazyImage:
    """The image of a deterministic graph automaton through a spec transducer, built
    state by state as an equivalence check asks for it (so a difference found early
    costs only the states visited).  Raises :class:`_NotDeterministic` when a state
    would need epsilon moves or two targets for one letter."""

    __slots__ = ("ia", "ti", "a_finals", "t_finals", "sig_of", "ctx", "ids", "pairs")

    @staticmethod
    def of(a: Nfa, t: Transducer | None, ctx: _FecContext) -> _LazyImage | None:
        if len(a.starts) != 1 or a.has_epsilon():
            return None
        if t is not None and len(t.starts) != 1:
            return None
        return _LazyImage(a, t, ctx)

    def __init__(self, a: Nfa, t: Transducer | None, ctx: _FecContext) -> None:
        self.ia = a.index()
        self.ti = t.by_input() if t is not None else None
        self.a_finals = a.finals
        self.t_finals = t.finals if t is not None else frozenset({0})
        self.sig_of = ctx.sig_of
        self.ctx = ctx
        (sa,) = a.starts
        sq = next(iter(t.starts)) if t is not None else 0
        self.ids: dict[tuple[int, int], int] = {(sa, sq): 0}
        self.pairs: list[tuple[int, int]] = [(sa, sq)]

    def final(self, k: int) -> bool:
        p, q = self.pairs[k]
        return p in self.a_finals and q in self.t_finals

    def _id(self, pair: tuple[int, int]) -> int:
        k = self.ids.get(pair)
        if k is None:
            k = self.ids[pair] = len(self.pairs)
            self.pairs.append(pair)
        return k

    def row(self, k: int) -> dict[int, int]:
        p, q = self.pairs[k]
        out: dict[int, int] = {}
        if self.ti is None:  # the graph itself
            for x, ps in self.ia[p].items():
                if len(ps) != 1:
                    raise _NotDeterministic
                out[x] = self._id((ps[0], 0))
            return out
        tq = self.ti[q]
        if T.EPS in tq:
            raise _NotDeterministic
        sig_of = self.sig_of
        classes = None
        for x, ps in self.ia[p].items():
            moves = tq.get(sig_of[x])
            if not moves:
                continue
            if len(ps) != 1:
                raise _NotDeterministic
            for o, q2 in moves:
                target = self._id((ps[0], q2))
                if o == T.COPY:
                    letters: tuple[int, ...] = (x,)
                elif o == T.EPS:
                    raise _NotDeterministic
                else:
                    if classes is None:
                        classes = self.ctx.class_letters()
                    letters = classes.get(o, ())
                for y in letters:
                    if out.setdefault(y, target) != target:
                        raise _NotDeterministic
        return out


def _lazy_equal(a: _LazyImage, b: _LazyImage, budget: Budget) -> bool:
    """Hopcroft–Karp over two lazily built deterministic images (dead state: -1)."""
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(x: tuple[int, int]) -> tuple[int, int]:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    dead = (2, -1)
    rows: list[dict[int, dict[int, int]]] = [{}, {}]
    sides = (a, b)

    def row(side: int, k: int) -> dict[int, int]:
        if k < 0:
            return {}
        got = rows[side].get(k)
        if got is None:
            got = rows[side][k] = sides[side].row(k)
        return got

    def final(side: int, k: int) -> bool:
        return k >= 0 and sides[side].final(k)

    parent[find((0, 0))] = find((1, 0))
    queue: deque[tuple[int, int]] = deque([(0, 0)])
    steps = 0
    while queue:
        p, q = queue.popleft()
        if final(0, p) != final(1, q):
            return False
        steps += 1
        if steps & 255 == 0:
            budget.check(steps)
        rp, rq = row(0, p), row(1, q)
        for x in rp.keys() | rq.keys():
            np_, nq = rp.get(x, -1), rq.get(x, -1)
            ra = find((0, np_) if np_ >= 0 else dead)
            rb = find((1, nq) if nq >= 0 else dead)
            if ra == rb:
                continue
            parent[ra] = rb
            queue.append((np_, nq))
    return True


def _arc_language(t: Transducer, inputs: frozenset[int]) -> Nfa:
    """``t`` restricted to the given input letters, as an automaton over its arc labels."""
    width = 1 << 32
    arcs = [
        [((i + 3) * width + (o + 3), d) for i, o, d in row if i == T.EPS or i in inputs]
        for row in t.arcs
    ]
    return trim(Nfa(t.n, t.starts, t.finals, arcs))


def _same_sides(left: Any, right: Any) -> bool:
    """``pre >> R op post >> R`` (or ``pre op post``): equal graphs make it hold."""
    return (
        left is not None
        and right is not None
        and {left[0], right[0]} == {"pre", "post"}
        and left[1] == right[1]
    )


def _failing_compares(check: Any, holds: Any) -> list[ast.Compare]:
    """The comparisons that explain why ``check`` fails.

    A conjunction is explained by its failing parts; under ``or``/``not`` the
    first comparison is shown.
    """
    if isinstance(check, ast.Compare):
        return [check]
    if isinstance(check, ast.CheckAnd):
        out: list[ast.Compare] = []
        for p in check.parts:
            if not holds(p):
                out.extend(_failing_compares(p, holds))
        return out
    first = _first_compare(check)
    return [first] if first is not None else []


def _first_compare(check: Any) -> ast.Compare | None:
    if isinstance(check, ast.Compare):
        return check
    if isinstance(check, (ast.CheckAnd, ast.CheckOr)):
        for p in check.parts:
            got = _first_compare(p)
            if got is not None:
                return got
        return None
    if isinstance(check, ast.CheckNot):
        return _first_compare(check.operand)
    return None


# ---------------------------------------------------------------------- graphs


def graph_nfa(graph: Graph, letters: Letters, flow: int | None = None) -> Nfa:
    """The automaton of a forwarding graph's paths; with ``flow``, only paths starting there.

    State 0 enters the graph; a node's state is entered by reading its label.
    Nodes with the same successors and the same sink status accept the same
    continuations, so they share one state: at interface granularity all the
    inbound-interface nodes of a device collapse into one state per device.
    """
    ids = [letters.id(label) for label in graph.labels]
    sinks = graph.sinks
    state_of_key: dict[tuple[tuple[int, ...], bool], int] = {}
    node_state: list[int] = []
    members: list[int] = []  # one node per state (state k+1 -> members[k])
    for i, nexts in enumerate(graph.succ):
        key = (nexts, i in sinks)
        st = state_of_key.get(key)
        if st is None:
            st = state_of_key[key] = len(members) + 1
            members.append(i)
        node_state.append(st)
    starts = sorted(
        {(ids[s], node_state[s]) for s in graph.sources if flow is None or ids[s] == flow}
    )
    arcs: list[list[tuple[int, int]]] = [starts]
    finals = []
    for k, node in enumerate(members):
        arcs.append(sorted({(ids[v], node_state[v]) for v in graph.succ[node]}))
        if node in sinks:
            finals.append(k + 1)
    return trim(Nfa(len(arcs), [0], finals, arcs))


def image_by_class(a: Nfa, t: Transducer, ctx: _FecContext, budget: Budget) -> Nfa:
    """``a >> t`` for ``a`` over the FEC's letters and a spec transducer ``t`` over signatures.

    An identity arc copies the very letter read; an output signature stands for
    every letter of the FEC's universe with that signature.
    """

    def write(sig: int) -> tuple[int, ...]:
        return ctx.class_letters().get(sig, ())

    return T.image(a, t, budget=budget, read=ctx.sig_of.__getitem__, write=write)
