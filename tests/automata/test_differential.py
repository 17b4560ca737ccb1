"""The verifier's verdict against the brute-force semantics of tests/reference.py.

Random small forwarding graphs (cycles, shared nodes, several sources and
sinks) and random specs using every modifier, ``then``, ``else``, guards, and IR
asserts.  Both sides see the same finite universe; the reference cuts every
set at K hops, so the comparison is:

* if the reference finds a difference within K hops, the verifier must report
  a violation, and its missing/unexpected paths of at most K hops must be
  exactly the reference's differences;
* if the verifier says *holds*, the reference must agree;
* if the verifier reports a violation the reference cannot see, every
  difference it lists must be longer than K hops.

The reference is exact up to K when the pre/post path sets are finite and
within K hops (test_surface_specs_on_finite_path_sets), and on any graph when
the relations preserve lengths (test_length_preserving_specs_on_cyclic_graphs).
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rela.check import Letters, SpecChecker
from rela.compile import compile_assert, compile_spec
from rela.lang import ast
from rela.network.model import Fec, Graph, TrafficKey
from rela.results import SpecialHop
from rela.traffic import contains
from tests import reference as ref

K = 3
# More than the number of paths of at most K hops over any test universe, so a
# truncated list always reaches past K hops and its short paths are complete.
MAX_PATHS = 700
NAMES = ("a", "b", "c", "a|x")
SPEC_NAMES = ("a", "b", "c", "d", "a|x")

# ---------------------------------------------------------------------- strategies


def names() -> st.SearchStrategy[ast.Name]:
    return st.sampled_from(SPEC_NAMES).map(ast.Name)


def letter_exprs() -> st.SearchStrategy[object]:
    return st.one_of(
        names(),
        st.just(ast.AnyLoc()),
        st.builds(
            ast.NameClass,
            st.lists(names(), min_size=1, max_size=2, unique=True).map(tuple),
            st.booleans(),
        ),
        st.builds(
            ast.AttrClass,
            st.just("device"),
            st.sampled_from(["=", "~"]),
            st.sampled_from(["a", "b", "^a"]),
            st.booleans(),
        ),
    )


def paths(max_leaves: int = 4) -> st.SearchStrategy[object]:
    base = st.one_of(letter_exprs(), st.just(ast.Epsilon()), st.just(ast.EmptySet()))
    return st.recursive(
        base,
        lambda inner: st.one_of(
            st.lists(inner, min_size=2, max_size=3).map(lambda ps: ast.Concat(tuple(ps))),
            st.lists(inner, min_size=2, max_size=3).map(lambda ps: ast.Alt(tuple(ps))),
            st.lists(inner, min_size=2, max_size=2).map(lambda ps: ast.Inter(tuple(ps))),
            inner.map(ast.Complement),
            inner.map(ast.Star),
            inner.map(ast.Plus),
            inner.map(ast.Optional),
        ),
        max_leaves=max_leaves,
    )


def zones() -> st.SearchStrategy[object]:
    dotstar = ast.Star(ast.AnyLoc())
    return st.one_of(st.just(dotstar), paths(3))


def modifiers(length_preserving: bool) -> st.SearchStrategy[object]:
    if length_preserving:
        return st.one_of(st.just(ast.Preserve()), st.builds(ast.Remove, paths(3)))
    return st.one_of(
        st.just(ast.Preserve()),
        st.builds(ast.Add, paths(3)),
        st.builds(ast.Remove, paths(3)),
        st.builds(ast.Replace, paths(2), paths(2)),
        st.just(ast.Drop()),
        st.builds(ast.AnyPaths, paths(2)),
    )


PREFIXES = (
    "0.0.0.0/0",
    "10.0.0.0/8",
    "10.1.0.0/16",
    "10.1.2.0/24",
    "10.1.2.3/32",
    "10.128.0.0/9",
    "192.168.0.0/16",
    "::/0",
    "2001:db8::/32",
    "2001:db8:1::/48",
)
PORT_RANGES = ((80, 80), (0, 1023), (443, 8443), (1024, 65535))


def atomic_conds() -> st.SearchStrategy[ast.Condition]:
    return st.one_of(
        st.builds(
            ast.PrefixCond,
            st.sampled_from(["dst", "src"]),
            st.lists(st.sampled_from(PREFIXES), min_size=1, max_size=3, unique=True).map(tuple),
        ),
        st.builds(ast.QosCond, st.sampled_from([0, 3, 4])),
        st.builds(
            ast.ProtoCond,
            st.lists(st.sampled_from([1, 6, 17]), min_size=1, max_size=2, unique=True).map(tuple),
        ),
        st.builds(
            ast.PortCond,
            st.sampled_from(["dport", "sport"]),
            st.lists(st.sampled_from(PORT_RANGES), min_size=1, max_size=2, unique=True).map(tuple),
        ),
    )


def conds() -> st.SearchStrategy[ast.Condition]:
    """Random guard conditions of every kind (prefixes, qos, protocol, ports, and/or/not)."""
    return st.recursive(
        atomic_conds(),
        lambda inner: st.one_of(
            st.lists(inner, min_size=2, max_size=2).map(lambda cs: ast.CondAnd(tuple(cs))),
            st.lists(inner, min_size=2, max_size=2).map(lambda cs: ast.CondOr(tuple(cs))),
            inner.map(ast.CondNot),
        ),
        max_leaves=3,
    )


def specs(length_preserving: bool = False) -> st.SearchStrategy[object]:
    atomic = st.builds(ast.Atomic, zones(), modifiers(length_preserving))
    return st.recursive(
        atomic,
        lambda inner: st.one_of(
            st.builds(ast.Then, inner, inner),
            st.builds(ast.Else, inner, inner),
            st.builds(ast.Guard, conds(), inner, st.none() | inner),
        ),
        max_leaves=3,
    )


@st.composite
def graphs(draw: st.DrawFn, acyclic: bool) -> tuple[Graph, set[tuple[str, ...]]]:
    """A random graph whose nodes carry labels (shared labels allowed)."""
    n = draw(st.integers(1, 5))
    labels = tuple(draw(st.sampled_from(NAMES + ("drop",))) for _ in range(n))
    succ = []
    for i in range(n):
        targets = range(i + 1, n) if acyclic else range(n)
        succ.append(
            tuple(
                sorted(draw(st.sets(st.sampled_from(list(targets)), max_size=2))) if targets else ()
            )
        )
    sources = tuple(sorted(draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=2))))
    sinks = frozenset(draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=2)))
    g = Graph(labels, tuple(succ), sources, sinks)
    return g, walk_labels(g, K + 3)


def walk_labels(g: Graph, k: int) -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    frontier = [(s, (g.labels[s],)) for s in g.sources]
    while frontier:
        nxt = []
        for node, p in frontier:
            if node in g.sinks:
                out.add(p)
            if len(p) < k:
                nxt.extend((t, p + (g.labels[t],)) for t in g.succ[node])
        frontier = nxt
    return out


V4_ADDRESSES = ("10.1.2.3", "10.1.2.0/24", "10.0.0.0/8", "172.16.0.1", "192.168.1.1")
V6_ADDRESSES = ("2001:db8::1", "2001:db8:1::/48", "2001:db9::/32")


@st.composite
def traffic_key(draw: st.DrawFn) -> TrafficKey:
    """A random packet cube: addresses of one family (or none), qos, protocol, ports."""
    pool = draw(st.sampled_from([V4_ADDRESSES, V6_ADDRESSES]))
    maybe = lambda s: st.none() | s  # noqa: E731
    return TrafficKey(
        dst=draw(maybe(st.sampled_from(pool))),
        src=draw(maybe(st.sampled_from(pool))),
        qos=draw(maybe(st.sampled_from([3, 4]))),
        protocol=draw(maybe(st.sampled_from([6, 17]))),
        dst_ports=draw(maybe(st.sampled_from(PORT_RANGES))),
        src_ports=draw(maybe(st.sampled_from(PORT_RANGES))),
    )


#: An FEC's traffic: no key at all stands for every packet.
traffic_keys = st.lists(traffic_key(), min_size=0, max_size=2).map(tuple)

# ---------------------------------------------------------------------- comparison


def run(check: ast.Check, fec: Fec):  # type: ignore[no-untyped-def]
    checker = SpecChecker(check, Letters(), max_paths=MAX_PATHS)
    return checker.check(fec)


def project(paths_: set) -> set:  # type: ignore[type-arg]
    """Names as the verifier prints them: one letter for all others, markers unnumbered."""

    def hop(x: str) -> str:
        if isinstance(x, SpecialHop):  # the verifier's hops that are not locations
            return "(other)" if x.kind == "other" else "#"
        if x in ref.OTHERS:
            return "(other)"
        return "#" if x.startswith("#") else x

    return {tuple(hop(x) for x in p) for p in paths_}


def assert_agrees(outcome, holds: bool, expected: set, actual: set) -> None:  # type: ignore[no-untyped-def]
    """One guard-free spec: the verifier's flows against the reference's sets."""
    missing_ref = project(expected - actual)
    unexpected_ref = project(actual - expected)
    if outcome.verdict == "holds":
        assert holds, f"verifier holds, reference differs: -{missing_ref} +{unexpected_ref}"
        return
    assert outcome.verdict == "violated", outcome
    assert_flows_agree(outcome.flows, holds, expected, actual)


def assert_flows_agree(flows, holds: bool, expected: set, actual: set) -> None:  # type: ignore[no-untyped-def]
    missing_ref = project(expected - actual)
    unexpected_ref = project(actual - expected)
    missing = project({p for f in flows for p in f.missing})
    unexpected = project({p for f in flows for p in f.unexpected})
    for f in flows:
        if f.truncated:
            assert all(
                len(lst[-1]) > K for lst in (f.missing, f.unexpected) if len(lst) == MAX_PATHS
            )
    short = lambda s: {p for p in s if len(p) <= K}  # noqa: E731
    assert short(missing) == missing_ref, (missing, missing_ref)
    assert short(unexpected) == unexpected_ref, (unexpected, unexpected_ref)
    if holds and flows:  # the verifier's differences are all beyond the reference's horizon
        assert missing or unexpected


def assert_parts_agree(outcome, parts: list[ref.Part]) -> None:  # type: ignore[no-untyped-def]
    """The verifier's verdict and per-part counterexamples against the reference's parts.

    Each reference part (packets seeing one guard-free spec) must be explained
    exactly by the verifier's flows whose traffic part holds its packets (all
    flows when the verifier did not split the FEC), and no packet may lie in
    two of the verifier's parts.
    """
    if not parts:  # keys describing no packet at all
        assert outcome.verdict == "error" and outcome.input_error, outcome
        return
    if outcome.verdict == "holds":
        bad = [p for p in parts if not p.holds]
        assert not bad, f"verifier holds, reference differs for {bad[0].spec}"
        return
    assert outcome.verdict == "violated", outcome
    regions = {id(f.part): f.part for f in outcome.flows if f.part is not None}
    for part in parts:
        for packet in part.packets:
            hit = [r for r in regions.values() if contains(r, packet)]
            assert len(hit) <= 1, ("overlapping parts", packet)
        first = part.packets[0]
        flows = [f for f in outcome.flows if f.part is None or contains(f.part, first)]
        assert all(
            f.part is None or all(contains(f.part, q) for q in part.packets) for f in flows
        ), "a reference part split across the verifier's parts"
        assert_flows_agree(flows, part.holds, part.expected, part.actual)
    if all(p.holds for p in parts):
        assert outcome.flows


def _letters_fine(paths_: set) -> bool:
    return all(len(p) <= K for p in paths_)


SETTINGS = settings(
    max_examples=350,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


_SPORT_QOS = ast.CondAnd((ast.PortCond("sport", ((80, 80), (443, 8443))), ast.QosCond(3)))
_ONE_HOP = (Graph.from_paths([("a",)]), {("a",)})


@SETTINGS
@given(specs(), graphs(acyclic=True), graphs(acyclic=True), traffic_keys)
@example(  # a branch no packet reaches: its names are "other" hops
    ast.Guard(
        _SPORT_QOS,
        ast.Guard(
            _SPORT_QOS,
            ast.Atomic(ast.Star(ast.AnyLoc()), ast.Add(ast.Complement(ast.Star(ast.Epsilon())))),
            ast.Atomic(ast.Name("b"), ast.Preserve()),
        ),
        None,
    ),
    _ONE_HOP,
    _ONE_HOP,
    (),
)
def test_surface_specs_on_finite_path_sets(spec, before, after, traffic) -> None:  # type: ignore[no-untyped-def]
    (_, p1), (_, p2) = before, after
    pre = {p for p in p1 if len(p) <= K}
    post = {p for p in p2 if len(p) <= K}
    fec = Fec(0, "k", traffic, Graph.from_paths(sorted(pre)), Graph.from_paths(sorted(post)))
    parts = ref.spec_parts(spec, pre, post, traffic, K)
    outcome = run(compile_spec(spec), fec)
    assert_parts_agree(outcome, parts)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs(length_preserving=True), graphs(acyclic=False), graphs(acyclic=False), traffic_keys)
def test_length_preserving_specs_on_cyclic_graphs(spec, before, after, traffic) -> None:  # type: ignore[no-untyped-def]
    (g1, _), (g2, _) = before, after
    pre, post = walk_labels(g1, K), walk_labels(g2, K)
    fec = Fec(0, "k", traffic, g1, g2)
    parts = ref.spec_parts(spec, pre, post, traffic, K)
    outcome = run(compile_spec(spec), fec)
    assert_parts_agree(outcome, parts)


def relations() -> st.SearchStrategy[object]:
    base = st.one_of(
        st.builds(ast.Identity, paths(2)),
        st.builds(ast.Product, paths(2), paths(2)),
    )
    return st.recursive(
        base,
        lambda inner: st.one_of(
            st.lists(inner, min_size=2, max_size=2).map(lambda rs: ast.RelConcat(tuple(rs))),
            st.lists(inner, min_size=2, max_size=2).map(lambda rs: ast.RelUnion(tuple(rs))),
            st.builds(ast.PriorityUnion, inner, inner),
            st.builds(ast.Compose, st.builds(ast.Identity, paths(2)), inner),
        ),
        max_leaves=3,
    )


def checks() -> st.SearchStrategy[object]:
    side = st.one_of(
        st.builds(ast.Image, st.just(ast.Pre()), relations()),
        st.builds(ast.Image, st.just(ast.Post()), relations()),
        st.just(ast.Pre()),
        st.just(ast.Post()),
        st.builds(ast.Inter, st.tuples(st.just(ast.Post()), paths(2))),
    )
    compare = st.builds(ast.Compare, st.sampled_from(["==", "<="]), side, side)
    return st.recursive(
        compare,
        lambda inner: st.one_of(
            st.lists(inner, min_size=2, max_size=2).map(lambda cs: ast.CheckAnd(tuple(cs))),
            st.lists(inner, min_size=2, max_size=2).map(lambda cs: ast.CheckOr(tuple(cs))),
            inner.map(ast.CheckNot),
            st.builds(ast.CheckIf, conds(), inner, inner),
        ),
        max_leaves=3,
    )


def ref_check(c, pre, post, u, packet) -> bool:  # type: ignore[no-untyped-def]
    """An IR check for the packets like ``packet``: guards follow the packet."""
    if isinstance(c, ast.Compare):
        left, right = ref.lang(c.left, u, pre, post), ref.lang(c.right, u, pre, post)
        return left == right if c.op == "==" else left <= right
    if isinstance(c, ast.CheckAnd):
        return all(ref_check(p, pre, post, u, packet) for p in c.parts)
    if isinstance(c, ast.CheckOr):
        return any(ref_check(p, pre, post, u, packet) for p in c.parts)
    if isinstance(c, ast.CheckNot):
        return not ref_check(c.operand, pre, post, u, packet)
    branch = c.then if ref.satisfies(packet, c.cond) else c.otherwise
    return ref_check(branch, pre, post, u, packet)


def _has_not(c) -> bool:  # type: ignore[no-untyped-def]
    if isinstance(c, ast.CheckNot):
        return True
    if isinstance(c, (ast.CheckAnd, ast.CheckOr)):
        return any(_has_not(p) for p in c.parts)
    if isinstance(c, ast.CheckIf):
        return _has_not(c.then) or _has_not(c.otherwise)
    return False


_A, _B = ast.Identity(ast.Name("a")), ast.Identity(ast.Name("b"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(checks(), graphs(acyclic=True), graphs(acyclic=True), traffic_keys)
@example(  # a side of identities whose domain joins names the spec never wrote as one class
    ast.Compare("==", ast.Image(ast.Pre(), _B), ast.Image(ast.Pre(), ast.RelUnion((_A, _B)))),
    _ONE_HOP,
    _ONE_HOP,
    (),
)
def test_ir_asserts(check, before, after, traffic) -> None:  # type: ignore[no-untyped-def]
    """IR asserts, with finite pre/post within K hops and outputs cut at K.

    Cutting is exact for ``==`` and ``<=`` only when both sides stay within K,
    so the verdicts are compared when every path involved is that short: the
    verifier's counterexamples (or a verdict under ``not``) beyond K are skipped.
    """
    (_, p1), (_, p2) = before, after
    pre = {p for p in p1 if len(p) <= K}
    post = {p for p in p2 if len(p) <= K}
    fec = Fec(0, "k", traffic, Graph.from_paths(sorted(pre)), Graph.from_paths(sorted(post)))
    compiled = compile_assert(check)
    present = {x for p in pre | post for x in p}
    u = ref.Universe.of(present, ref.spec_names(check), (), K)
    packets = ref.traffic_packets(traffic, check)
    outcome = run(compiled, fec)
    if not packets:
        assert outcome.verdict == "error" and outcome.input_error, outcome
        return
    expected = all(ref_check(check, pre, post, u, p) for p in packets)
    assert outcome.verdict in ("holds", "violated"), outcome
    got = outcome.verdict == "holds"
    if got == expected:
        return
    # Disagreement is only allowed when it comes from paths longer than K.
    long_paths = [
        p
        for f in outcome.flows
        for lst in (f.expected, f.actual, f.missing, f.unexpected)
        for p in lst
        if len(p) > K
    ]
    assert long_paths or _has_not(check), (got, expected, outcome)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs(), graphs(acyclic=True), traffic_keys)
def test_surface_specs_on_unchanged_graphs(spec, graph, traffic) -> None:  # type: ignore[no-untyped-def]
    """Before == after takes shortcuts in the checker (same relation, relations agreeing
    on the graph's letters): they must not change the verdict."""
    _, p = graph
    paths_ = {q for q in p if len(q) <= K}
    g = Graph.from_paths(sorted(paths_))
    parts = ref.spec_parts(spec, paths_, paths_, traffic, K)
    outcome = run(compile_spec(spec), Fec(0, "k", traffic, g, g))
    assert_parts_agree(outcome, parts)
