"""``rela.values.frozen`` behaves as ``@dataclass(frozen=True)`` in everything a caller sees."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rela.values import frozen, node


def _pair(
    body: dict[str, Any], annotations: dict[str, Any], suffix: str = "local"
) -> tuple[type, type]:
    """The same class body as a reference dataclass and as a ``frozen`` value (module
    attributes ``Ref_<suffix>`` and ``Mine_<suffix>``, so that they pickle)."""

    def make(decorate: Any, name: str) -> type:
        ns = {"__annotations__": dict(annotations), "__module__": __name__, **body}
        cls = decorate(type(name, (), ns))
        globals()[name] = cls
        return cls

    return make(dataclass(frozen=True), f"Ref_{suffix}"), make(frozen, f"Mine_{suffix}")


FIELDS = {
    "none": ({}, {}),
    "one": ({}, {"a": "int"}),
    "two": ({"b": 5}, {"a": "int", "b": "int"}),
    "span": ({"span": field(default=None, compare=False)}, {"a": "int", "span": "Any"}),
    "unhashed": ({"b": field(default=0, hash=False)}, {"a": "int", "b": "int"}),
    "hidden": ({"b": field(default=0, repr=False)}, {"a": "int", "b": "int"}),
    "factory": ({"b": field(default_factory=tuple)}, {"a": "int", "b": "tuple"}),
}
values = st.one_of(st.integers(-3, 3), st.tuples(st.integers(0, 2)), st.none())


def _args(cls: type, draw: Any) -> dict[str, Any]:
    return {f.name: draw(values) for f in dataclasses.fields(cls) if f.init}


def _renamed(text: str) -> str:
    return text.replace("Mine_", "X_").replace("Ref_", "X_")


@pytest.mark.parametrize("shape", sorted(FIELDS))
@given(data=st.data())
def test_equality_hash_and_repr_are_the_dataclass_ones(shape: str, data: Any) -> None:
    ref, mine = _pair(*FIELDS[shape], suffix=shape)
    kw1, kw2 = _args(ref, data.draw), _args(ref, data.draw)
    r1, r2, m1, m2 = ref(**kw1), ref(**kw2), mine(**kw1), mine(**kw2)
    assert (m1 == m2) == (r1 == r2)
    assert (m1 != m2) == (r1 != r2)
    if m1 == m2:
        assert hash(m1) == hash(m2)
    assert _renamed(repr(m1)) == _renamed(repr(r1))
    assert m1 != r1 and (m1 == object()) is False  # another class is never equal
    assert [f.name for f in dataclasses.fields(mine)] == [f.name for f in dataclasses.fields(ref)]
    if kw1:
        name = next(iter(kw1))
        assert dataclasses.replace(m1, **{name: kw2[name]}) == mine(**{**kw1, name: kw2[name]})
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(m1, name, 1)
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(m1, name)
    assert pickle.loads(pickle.dumps(m1)) == m1 and copy.deepcopy(m1) == m1
    assert mine.__match_args__ == ref.__match_args__


def test_methods_of_the_class_body_are_kept() -> None:
    @frozen
    class Keyed:
        key: int
        label: str = ""

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Keyed) and other.key == self.key

        def __hash__(self) -> int:
            return hash(self.key)

        def __repr__(self) -> str:
            return f"<{self.key}>"

    assert Keyed(1, "a") == Keyed(1, "b") and hash(Keyed(1, "a")) == hash(Keyed(1, "b"))
    assert repr(Keyed(2)) == "<2>"


def test_an_eq_of_the_body_gets_the_field_hash_as_in_a_dataclass() -> None:
    def body() -> dict[str, Any]:
        def __eq__(self: Any, other: object) -> bool:
            return getattr(other, "a", None) == self.a

        return {"__eq__": __eq__}

    ref, mine = _pair(body(), {"a": "int"})
    assert hash(mine(3)) == hash(mine(3)) and (ref.__hash__ is None) == (mine.__hash__ is None)


def test_value_classes_of_the_package_use_it() -> None:
    """The AST and the results are ``frozen`` values: equality ignores source spans."""
    from rela.lang import ast, parse_spec

    a, b = parse_spec("spec s { a : preserve }"), parse_spec("\n\nspec s {   a : preserve }")
    assert a == b and hash(a) == hash(b) and a.decls[0].span != b.decls[0].span
    assert repr(ast.Name("x")).startswith("Name(")


NODE_SHAPES = ["none", "one", "two", "span", "unhashed", "hidden"]


@pytest.mark.parametrize("shape", NODE_SHAPES)
@given(data=st.data())
def test_node_classes_behave_as_frozen_dataclasses(shape: str, data: Any) -> None:
    """``node`` (nothing compiled, a closure ``__init__``) against ``@dataclass(frozen=True)``:
    construction by position, keyword and default, equality, hash, repr, replace, pickle."""
    body, annotations = FIELDS[shape]

    def make(decorate: Any, name: str) -> type:
        ns = {"__annotations__": dict(annotations), "__module__": __name__, **body}
        cls = decorate(type(name, (), ns))
        globals()[name] = cls
        return cls

    ref, mine = make(dataclass(frozen=True), f"Ref_node_{shape}"), make(node, f"Mine_node_{shape}")
    kw = _args(ref, data.draw)
    names = list(kw)
    cut = data.draw(st.integers(0, len(names)))
    args = [kw[n] for n in names[:cut]]
    optional = {f.name for f in dataclasses.fields(ref) if f.default is not dataclasses.MISSING}
    rest = {n: kw[n] for n in names[cut:] if n not in optional or data.draw(st.booleans())}
    r, m = ref(*args, **rest), mine(*args, **rest)
    assert [getattr(m, n) for n in names] == [getattr(r, n) for n in names]
    assert repr(m).replace("Mine_node_", "X_") == repr(r).replace("Ref_node_", "X_")
    other = mine(**_args(ref, data.draw))
    assert (m == other) == (r == ref(**{n: getattr(other, n) for n in names}))
    assert m == mine(*args, **rest) and hash(m) == hash(mine(*args, **rest))
    assert pickle.loads(pickle.dumps(m)) == m and copy.deepcopy(m) == m
    if names:
        actual = {n: getattr(r, n) for n in names}
        assert dataclasses.replace(m, **{names[0]: 7}) == mine(**{**actual, names[0]: 7})
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(m, names[0], 1)
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(m, names[0])
    # the same argument errors as a dataclass (the messages differ in wording only)
    for bad_args, bad_kw in (([0] * (len(names) + 1), {}), ([], {"nosuch": 1})):
        with pytest.raises(TypeError):
            ref(*bad_args, **bad_kw)
        with pytest.raises(TypeError):
            mine(*bad_args, **bad_kw)
    required = [f.name for f in dataclasses.fields(ref) if f.default is dataclasses.MISSING]
    if required:
        with pytest.raises(TypeError, match=repr(required[0])):
            mine()
        with pytest.raises(TypeError, match="multiple values"):
            mine(kw[names[0]], **{names[0]: kw[names[0]]})


def test_node_refuses_what_it_does_not_implement() -> None:
    with pytest.raises(TypeError, match="plain defaults only"):
        node(type("F", (), {"__annotations__": {"a": "tuple"}, "a": field(default_factory=tuple)}))
