"""``rela.suggest``: the acceptance cases of the Batfish example, and what a user relies on.

* base -> change2 is the core1 -> core2 cost-out and nothing else;
* base -> change1 is the cost-out and a separate clause: 10.100.1.10/32 dropped at core2;
* the spec text is the module, coverage adds up, JSON matches its schema;
* fallbacks (explicit clauses, FECs without a path before) are said, never hidden;
* input errors are RelaErrors naming the problem.
"""

from __future__ import annotations

import ipaddress
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import rela
from rela.errors import NetworkInputError, UsageError
from rela.lang import ast, format_spec
from rela.network.model import Fec, Graph, TrafficKey
from rela.suggest import DEFAULT_MAX_CLAUSES, Suggestion

REPO = Path(__file__).resolve().parents[2]
BATFISH = REPO / "snapshots" / "batfish"
START = ["border1[Ethernet0]", "border2[Ethernet0]"]
COSTOUT = "[^core1]* : preserve then core1 : replace(core1, core2) then [^core1]* : preserve"
P = Graph.from_paths


def batfish(after: str) -> Any:
    return rela.load_change(
        before=BATFISH / "base", after=BATFISH / after, start=START, dst=["10.100.0.0/16"]
    )


def schema() -> dict[str, Any]:
    text = resources.files("rela").joinpath("schemas", "suggest.schema.json").read_text("utf-8")
    return json.loads(text)


def check_consistent(s: Suggestion) -> None:
    """What every suggestion must satisfy, whatever the change."""
    assert rela.parse_spec(s.text) == s.module
    (decl,) = s.module.decls
    assert isinstance(decl, ast.SpecDecl) and decl.name == s.name
    assert s.clauses[-1].kind == "preserve" and format_spec(s.clauses[-1].spec) == ".* : preserve"
    jsonschema.Draft202012Validator(schema()).validate(json.loads(json.dumps(s.to_dict())))
    assert s.report.fecs_read == s.fecs
    assert s.holds == s.report.holds
    explained = [i for c in s.clauses[:-1] for i in c.indices]
    assert all(c.fecs == len(c.indices) for c in s.clauses)
    assert set(explained) | set(s.clauses[-1].indices) <= set(range(s.fecs))


def test_change2_is_the_cost_out_and_nothing_else() -> None:
    s = rela.suggest(batfish("change2"))
    check_consistent(s)
    assert s.holds and not s.fallback
    assert [c.text for c in s.clauses] == [COSTOUT, ".* : preserve"]
    assert s.clauses[0].kind == "replace" and s.clauses[0].guard is None
    changed = [f.index for f in batfish("change2") if f.before != f.after]
    assert s.clauses[0].indices == tuple(changed) and s.clauses[0].flows == 2 * len(changed)
    assert s.clauses[0].names == ("core1", "core2")


def test_change1_is_the_cost_out_and_the_black_hole_at_core2() -> None:
    s = rela.suggest(batfish("change1"))
    check_consistent(s)
    assert s.holds and not s.fallback
    kinds = [c.kind for c in s.clauses]
    assert kinds == ["drop", "replace", "preserve"]
    drop, costout, _ = s.clauses
    host_web = next(f.index for f in batfish("change1") if f.key == "10.100.1.10/32")
    assert drop.guard == ("10.100.1.10/32",) and drop.indices == (host_web,)
    assert "core2" in drop.names and "dropped at core2" in drop.says
    assert drop.example is not None and drop.example.after == ("border1", "core2", "drop")
    moved = [f.index for f in batfish("change1") if f.before != f.after and f.index != host_web]
    assert costout.text == COSTOUT and costout.guard is None and costout.indices == tuple(moved)
    # the separate clause comes first: `else` gives it priority on 10.100.1.10/32
    assert s.text.index("10.100.1.10/32 {") < s.text.index(COSTOUT)


def test_the_suggestion_is_checked_by_rela_check_semantics() -> None:
    """The module verifies again on the change, read afresh."""
    for after in ("change1", "change2"):
        s = rela.suggest(batfish(after))
        assert rela.verify(rela.parse_spec(s.text), batfish(after)).holds


def test_no_change_is_just_preserve() -> None:
    g = P([["a", "b"]])
    s = rela.suggest([Fec(0, "k", (), g, g), Fec(1, "k1", (), g, g)])
    check_consistent(s)
    assert s.holds and not s.fallback and [c.kind for c in s.clauses] == ["preserve"]
    assert s.clauses[0].fecs == 2 and s.changed == 0


def test_comments_give_coverage_and_an_example() -> None:
    s = rela.suggest(batfish("change1"))
    lines = s.text.splitlines()
    i = lines.index("  (if dst in 10.100.1.10/32 {")
    assert lines[i - 4].startswith("  # 1 FEC, 2 changed flows: dropped at core2")
    assert re.fullmatch(r"  #   e\.g\. FEC #\d+ \(10\.100\.1\.10/32\), flow border1:", lines[i - 3])
    assert lines[i - 2] == "  #     before: border1 core1 spine1 leaf1 host-web"
    assert lines[i - 1] == "  #     after:  border1 core2 drop"
    assert "# everything else stays the same (1 FEC unchanged)" in s.text


def test_a_guard_aggregates_prefixes() -> None:
    """Six FECs are cost out; between them 10.0.0.3 is not: the fewest prefixes, exactly."""
    b, a, same = P([["s", "core1", "t"]]), P([["s", "core2", "t"]]), P([["s", "core1", "t"]])
    fecs = []
    for i, host in enumerate([0, 1, 2, 3, 4, 5, 6, 8, 9, 12]):
        moved = host in (0, 1, 2, 4, 5, 6)
        fecs.append(Fec(i, None, (TrafficKey(dst=f"10.0.0.{host}"),), b, a if moved else same))
    s = rela.suggest(fecs)
    check_consistent(s)
    assert s.holds and not s.fallback
    # 10.0.0.7 carries no traffic: it may be inside; 10.0.0.3 and 10.0.0.8 must not
    assert s.clauses[0].guard == ("10.0.0.0/31", "10.0.0.2/32", "10.0.0.4/30")
    assert s.clauses[0].text.startswith("if dst in 10.0.0.0/31, 10.0.0.2/32, 10.0.0.4/30 {")


def test_max_clauses_bounds_the_concise_part() -> None:
    s = rela.suggest(batfish("change1"), max_clauses=2)
    check_consistent(s)
    assert s.holds and s.fallback
    assert [c.kind for c in s.clauses][-1] == "preserve"
    assert any(c.explicit for c in s.clauses)
    assert "Fallback:" in s.text


def test_max_clauses_one_explains_everything_explicitly() -> None:
    s = rela.suggest(batfish("change2"), max_clauses=1)
    check_consistent(s)
    assert s.holds and s.fallback and all(c.explicit for c in s.clauses[:-1])
    assert "core2" in s.clauses[0].text


def test_a_dozen_guarded_clauses_compile_and_hold() -> None:
    """Twelve FECs, each with its own replacement: twelve clauses guarded by disjoint
    destinations in one `else` chain (it used to expand into 2^12 guard cases, an error)."""
    n = 12
    fecs = [
        Fec(
            i,
            f"k{i}",
            (TrafficKey(dst=f"10.{i}.0.0/16"),),
            P([["a", "b", "c"]]),
            P([["a", f"x{i}", "c"]]),
        )
        for i in range(n)
    ]
    s = rela.suggest(fecs)
    check_consistent(s)
    assert s.holds and s.fallback and len(s.clauses) == n + 1
    assert s.text.count("if dst in") == n - 1  # the last replacement needs no guard
    assert rela.verify(rela.parse_spec(s.text), fecs).holds


def test_fecs_without_paths_before_are_exempted_and_said() -> None:
    new = Fec(0, "new", (TrafficKey(dst="10.9.0.1"),), Graph.empty(), P([["s", "t"]]))
    moved = Fec(
        1, "old", (TrafficKey(dst="10.1.0.1"),), P([["s", "core1", "t"]]), P([["s", "core2", "t"]])
    )
    s = rela.suggest([new, moved])
    check_consistent(s)
    assert s.holds and s.fallback
    assert "exempted" in " ".join(s.notes)
    (decl,) = s.module.decls
    assert isinstance(decl, ast.SpecDecl) and isinstance(decl.body, ast.Guard)
    assert decl.body.cond == ast.PrefixCond("dst", ("10.9.0.1/32",))


def test_fecs_that_no_destination_guard_can_tell_apart() -> None:
    """Same destination, different behaviour: no spec with dst guards holds; it is said."""
    b, a = P([["s", "core1", "t"]]), P([["s", "core2", "t"]])
    one = Fec(0, None, (TrafficKey(dst="10.0.0.1", qos=0),), b, a)
    two = Fec(1, None, (TrafficKey(dst="10.0.0.1", qos=4),), b, b)
    s = rela.suggest([one, two])
    assert not s.holds and s.fallback
    assert any("FEC #0" in n and "told apart" in n for n in s.notes)
    assert "NOT VERIFIED" in s.text


def test_a_bug_is_its_own_clause_naming_its_device() -> None:
    """A drain of x onto y, and one destination black-holed at v."""
    before = P([["s", "x", "v", "t"], ["s", "y", "v", "t"]])
    drained = P([["s", "y", "v", "t"]])
    holed = P([["s", "y", "v", "drop"]])
    fecs = [
        Fec(
            i,
            None,
            (TrafficKey(dst=f"10.0.{i // 4}.{i}"),),
            before,
            holed if i in (8, 9) else drained,
        )
        for i in range(12)
    ]
    s = rela.suggest(fecs)
    check_consistent(s)
    assert s.holds and not s.fallback
    bug = [c for c in s.clauses if "v" in c.names]
    assert len(bug) == 1 and bug[0].indices == (8, 9) and bug[0].guard == ("10.0.2.8/31",)
    main = [c for c in s.clauses if c.kind == "replace"]
    assert main and main[0].guard is None and main[0].names == ("x", "y")


def test_bad_arguments_and_input() -> None:
    g = P([["a"]])
    with pytest.raises(UsageError):
        rela.suggest([Fec(0, None, (), g, g)], max_clauses=0)
    with pytest.raises(NetworkInputError, match="no FECs"):
        rela.suggest([])
    broken = Fec(3, "k", (), Graph.empty(), Graph.empty(), problem="graphAfter: not an object")
    with pytest.raises(NetworkInputError, match="FEC #3: graphAfter: not an object"):
        rela.suggest([broken])


def test_defaults() -> None:
    assert DEFAULT_MAX_CLAUSES == 10
    s = rela.suggest(batfish("change2"), name="costout")
    assert s.text.count("spec costout {") == 1 and s.max_clauses == 10


def test_a_loose_clause_hides_no_exact_clause_and_no_unchanged_fec() -> None:
    """change1 without --dst: a few FECs (core1's own addresses, whose traffic now
    detours) fit no exact pattern and get a loose `any` clause.  Unguarded in front, that
    clause admitted every path avoiding host-web, so the cost-out and the black hole were
    pruned as redundant and `else .* : preserve` never applied: a nearly vacuous spec.
    The loose clause must take in no unchanged FEC and leave the exact ones their FECs."""
    change = rela.load_change(before=BATFISH / "base", after=BATFISH / "change1", start=START)
    s = rela.suggest(change)
    check_consistent(s)
    assert s.holds
    kinds = [c.kind for c in s.clauses]
    assert "replace" in kinds and "drop" in kinds, kinds
    assert any(c.kind == "replace" and COSTOUT in c.text for c in s.clauses)
    unchanged = [f.index for f in change if f.before == f.after]
    assert s.clauses[-1].indices == tuple(unchanged) and unchanged
    dst = {f.index: [k.dst for k in f.traffic] for f in change}
    for c in s.clauses[:-1]:
        if " any(" in c.text:  # a loose clause
            assert c.guard, c.text
            nets = [ipaddress.ip_network(p) for p in c.guard]
            inside = {
                i
                for i, keys in dst.items()
                if any(ipaddress.ip_network(k).subnet_of(n) for k in keys if k for n in nets)
            }
            assert not inside & set(unchanged), (c.text, sorted(inside))
    # "X avoided" explains only FECs whose paths passed X before and avoid it after: it
    # holds on any FEC that avoids X, but its comment would be false there
    fecs = {f.index: f for f in change}
    for c in s.clauses:
        if c.kind == "avoid":
            (x,) = c.names
            for i in c.indices:
                assert x in fecs[i].before.locations(), (c.says, i)
                assert x not in fecs[i].after.locations(), (c.says, i)


def test_a_loose_clause_leaves_unchanged_traffic_to_the_catch_all() -> None:
    """`x avoided` holds on any unchanged FEC that avoids x, so unguarded it would take in
    FEC 1 and its catch-all would never apply: a later change of FEC 1's paths would pass.
    The suggestion must still catch that change."""
    moved = Fec(
        0, None, (TrafficKey(dst="10.0.0.0"),), P([["s", "x", "t"]]), P([["s", "w", "z", "t"]])
    )
    kept = Fec(1, None, (TrafficKey(dst="10.0.0.1"),), P([["s", "y", "t"]]), P([["s", "y", "t"]]))
    s = rela.suggest([moved, kept])
    check_consistent(s)
    assert s.holds and [c.kind for c in s.clauses] == ["avoid", "preserve"]
    assert s.clauses[0].guard == ("10.0.0.0/32",) and s.clauses[-1].indices == (1,)
    broken = Fec(1, None, kept.traffic, kept.before, P([["s", "q", "t"]]))
    report = rela.verify(s.module, [moved, broken])
    assert not report.holds and [v.fec.index for v in report] == [1]


def test_x_avoided_does_not_swallow_the_drain_that_says_more() -> None:
    """A drain of x onto y on three FECs, and one FEC whose traffic now avoids x by
    another way (no exact pattern).  `x avoided` also holds on the drained FECs; taking
    them in would make `replace(x, y)` look redundant, and the suggestion would say "x
    avoided" where it can say "x replaced by y"."""
    fecs = [
        Fec(0, None, (TrafficKey(dst="10.0.0.0"),), P([["s", "x", "t"]]), P([["s", "w", "z", "t"]]))
    ]
    fecs += [
        Fec(i, None, (TrafficKey(dst=f"10.0.0.{i}"),), P([["s", "x", "t"]]), P([["s", "y", "t"]]))
        for i in (1, 2, 3)
    ]
    s = rela.suggest(fecs)
    check_consistent(s)
    assert s.holds
    assert [(c.kind, c.guard, c.indices) for c in s.clauses] == [
        ("avoid", ("10.0.0.0/32",), (0,)),
        ("replace", None, (1, 2, 3)),
        ("preserve", None, ()),
    ]


def test_x_avoided_is_said_only_of_traffic_that_passed_x() -> None:
    """`x avoided` also holds on FEC 1, whose traffic never passed x (any path without x
    goes): explaining FEC 1 with it would put a false comment on it.  Each FEC gets the
    device it avoids."""
    fecs = [
        Fec(
            0, None, (TrafficKey(dst="10.0.0.0"),), P([["s", "x", "t"]]), P([["s", "w", "z", "t"]])
        ),
        Fec(
            1, None, (TrafficKey(dst="10.0.0.1"),), P([["s", "y", "t"]]), P([["s", "q", "r", "t"]])
        ),
    ]
    s = rela.suggest(fecs)
    check_consistent(s)
    assert s.holds
    assert [(c.kind, c.names, c.indices) for c in s.clauses] == [
        ("avoid", ("x",), (0,)),
        ("avoid", ("y",), (1,)),
        ("preserve", (), ()),
    ]


def test_dropped_at_v_leaves_unchanged_traffic_to_the_catch_all() -> None:
    """`.* : any(.* v drop)` also holds on FEC 1, whose traffic was already dropped at v:
    unguarded it would take FEC 1 in, and a later change of FEC 1's paths (still ending
    dropped at v) would pass.  The suggestion must catch it."""
    moved = Fec(
        0, None, (TrafficKey(dst="10.0.0.0"),), P([["s", "v", "t"]]), P([["s", "c", "v", "drop"]])
    )
    kept = Fec(
        1, None, (TrafficKey(dst="10.0.0.1"),), P([["s", "v", "drop"]]), P([["s", "v", "drop"]])
    )
    s = rela.suggest([moved, kept])
    check_consistent(s)
    assert s.holds and [c.kind for c in s.clauses] == ["drop", "preserve"]
    assert s.clauses[0].guard == ("10.0.0.0/32",) and s.clauses[-1].indices == (1,)
    broken = Fec(1, None, kept.traffic, kept.before, P([["s", "c", "v", "drop"]]))
    assert [v.fec.index for v in rela.verify(s.module, [moved, broken])] == [1]
