"""ACL decisions on the hops of a skeleton: where a denied packet's path ends."""

from __future__ import annotations

from rela.network.filtering import filtered_graph
from rela.network.routing import DELIVERED_TO_SUBNET, Skeleton

# a[e0] (entry) -> a --e1/x1--> b --e9--> delivered-to-subnet ; c --x2--> b
SK = Skeleton(
    (("a", "e0"), ("c", None)),
    {
        "a": (("b", ("b", "default"), "x1", "e1"),),
        "c": (("b", ("b", "default"), "x2", "c1"),),
        "b": ((DELIVERED_TO_SUBNET, None, None, "e9"),),
    },
    frozenset(),
)


def decide(**rules: str):  # type: ignore[no-untyped-def]
    """``a_e0_in="deny"``: the decision of the ACL on a[e0] inbound (others permit)."""

    def f(dev: str, iface: str, way: str) -> tuple[str, str]:
        decision = rules.get(f"{dev}_{iface}_{way}")
        return (decision, f"ACL_{dev}_{iface}") if decision else ("permit", "")

    return f


def paths(result) -> set[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    assert result.graph is not None, result.problem
    return set(result.graph.paths())


def test_no_acl_is_the_skeleton() -> None:
    assert filtered_graph(SK, decide()).graph == SK.raw_graph()


def test_ingress_deny_at_the_start_and_at_a_later_hop() -> None:
    assert paths(filtered_graph(SK, decide(a_e0_in="deny"))) == {
        ("a", "drop|denied-in"), ("c", "b", DELIVERED_TO_SUBNET)
    }  # fmt: skip
    result = filtered_graph(SK, decide(b_x1_in="deny", b_x2_in="deny"))
    assert paths(result) == {("a", "b", "drop|denied-in"), ("c", "b", "drop|denied-in")}
    assert [u.describe() for u in result.uses] == [
        "b[x1] in ACL_b_x1: deny",
        "b[x2] in ACL_b_x2: deny",
    ]


def test_egress_deny_applies_before_delivery() -> None:
    assert paths(filtered_graph(SK, decide(b_e9_out="deny"))) == {
        ("a", "b", "drop|denied-out"), ("c", "b", "drop|denied-out")
    }  # fmt: skip
    assert paths(filtered_graph(SK, decide(a_e1_out="deny"))) == {
        ("a", "drop|denied-out"), ("c", "b", DELIVERED_TO_SUBNET)
    }  # fmt: skip


def test_an_undecided_acl_is_a_problem() -> None:
    result = filtered_graph(SK, decide(b_x2_in="unknown"))
    assert result.graph is None and not result.split
    assert result.problem == "b[x2] in ACL_b_x2 cannot be decided for this traffic"


def test_a_device_admitting_and_refusing_one_class_cannot_be_one_node() -> None:
    result = filtered_graph(SK, decide(b_x1_in="deny"))
    assert result.graph is None and result.split
    assert "b admits this traffic on x2 but its ingress ACL denies it on x1" in (
        result.problem or ""
    )
    # from each start alone there is a graph
    alone = [
        filtered_graph(Skeleton((s,), SK.out, SK.accepted), decide(b_x1_in="deny"))
        for s in SK.sources
    ]
    assert [paths(r) for r in alone] == [
        {("a", "b", "drop|denied-in")},
        {("c", "b", DELIVERED_TO_SUBNET)},
    ]
