"""The one abstract syntax tree of Rela: path expressions, change specs and the IR.

Path expressions (regular expressions over locations) are shared by the surface
language (``spec`` blocks) and the relational IR (``assert`` blocks): the IR's
*props* are path expressions extended with ``pre``, ``post``, images and
preimages.  All nodes are frozen dataclasses; ``span`` records where a node came
from and is ignored by ``==`` and ``hash`` so that printing and re-parsing gives
an equal tree.

>>> Concat((Name("a"), Star(AnyLoc())))
Concat(parts=(Name(text='a'), Star(operand=AnyLoc())))
"""

from __future__ import annotations

from dataclasses import field
from typing import Union

from rela.values import node

__all__ = [
    "Span",
    # path expressions / props
    "Name",
    "AnyLoc",
    "NameClass",
    "AttrClass",
    "Marker",
    "Epsilon",
    "EmptySet",
    "Ref",
    "Concat",
    "Alt",
    "Inter",
    "Complement",
    "Star",
    "Plus",
    "Optional",
    "Pre",
    "Post",
    "Image",
    "Preimage",
    "PathExpr",
    # relations
    "Identity",
    "Product",
    "RelConcat",
    "RelUnion",
    "PriorityUnion",
    "Compose",
    "RelStar",
    "Relation",
    # checks
    "Compare",
    "CheckAnd",
    "CheckOr",
    "CheckNot",
    "CheckIf",
    "Check",
    # traffic guards
    "PrefixCond",
    "QosCond",
    "ProtoCond",
    "PortCond",
    "CondAnd",
    "CondOr",
    "CondNot",
    "Condition",
    # surface specs
    "Preserve",
    "Add",
    "Remove",
    "Replace",
    "Drop",
    "AnyPaths",
    "Modifier",
    "Atomic",
    "Then",
    "Else",
    "Guard",
    "SpecExpr",
    # declarations
    "Let",
    "SpecDecl",
    "AssertDecl",
    "Decl",
    "Module",
    "ATTRIBUTES",
]

#: Location attributes usable in ``[attr=value]`` and ``[attr~"regex"]`` classes.
ATTRIBUTES = ("device", "vrf", "interface", "group")


@node
class Span:
    """Source range, 1-based lines and columns; ``end_*`` point just past the node."""

    line: int
    column: int
    end_line: int
    end_column: int


def _span() -> Span | None:
    return field(default=None, compare=False, repr=False)


# ---------------------------------------------------------------- path expressions


@node
class Name:
    """A location name as written, e.g. ``core1`` or ``BORDER-1.DC1|vrf|Gi3/1/1``.

    It matches every location whose ``|``-separated components start with this
    name's components (component-prefix matching, DESIGN §3).
    """

    text: str
    span: Span | None = _span()

    @property
    def components(self) -> tuple[str, ...]:
        return tuple(self.text.split("|"))


@node
class AnyLoc:
    """``.``: any one location."""

    span: Span | None = _span()


@node
class NameClass:
    """``[a b c]`` (one of the names) or ``[^a b]`` (none of them); never empty."""

    names: tuple[Name, ...]
    negated: bool = False
    span: Span | None = _span()


@node
class AttrClass:
    """``[group=CORE]``, ``[device~"^core"]``; ``negated`` for ``[^vrf=x]``.

    ``op`` is ``"="`` (equality) or ``"~"`` (regex search, RE2 syntax).
    """

    attr: str
    op: str
    value: str
    negated: bool = False
    span: Span | None = _span()


@node
class Marker:
    """``#k``: a fresh marker symbol (never a location), produced by compiling ``any``."""

    index: int
    span: Span | None = _span()


@node
class Epsilon:
    """``()``: the set holding only the empty path."""

    span: Span | None = _span()


@node
class EmptySet:
    """``none``: the empty set of paths."""

    span: Span | None = _span()


@node
class Ref:
    """A reference to an earlier ``let`` definition, by name."""

    name: str
    span: Span | None = _span()


@node
class Concat:
    """Juxtaposition ``p q r`` (at least two parts)."""

    parts: tuple[PathExpr, ...]
    span: Span | None = _span()


@node
class Alt:
    """Union ``p | q`` (at least two parts)."""

    parts: tuple[PathExpr, ...]
    span: Span | None = _span()


@node
class Inter:
    """Intersection ``p & q`` (at least two parts)."""

    parts: tuple[PathExpr, ...]
    span: Span | None = _span()


@node
class Complement:
    """``!p``: every path (over all locations) not in ``p``."""

    operand: PathExpr
    span: Span | None = _span()


@node
class Star:
    operand: PathExpr
    span: Span | None = _span()


@node
class Plus:
    operand: PathExpr
    span: Span | None = _span()


@node
class Optional:
    operand: PathExpr
    span: Span | None = _span()


@node
class Pre:
    """IR only: the pre-change paths of the FEC being checked."""

    span: Span | None = _span()


@node
class Post:
    """IR only: the post-change paths of the FEC being checked."""

    span: Span | None = _span()


@node
class Image:
    """IR only: ``P >> R``, the outputs of relation ``R`` on inputs in ``P``."""

    prop: PathExpr
    relation: Relation
    span: Span | None = _span()


@node
class Preimage:
    """IR only: ``R << P``, the inputs of ``R`` that have an output in ``P``."""

    relation: Relation
    prop: PathExpr
    span: Span | None = _span()


PathExpr = Union[
    Name,
    AnyLoc,
    NameClass,
    AttrClass,
    Marker,
    Epsilon,
    EmptySet,
    Ref,
    Concat,
    Alt,
    Inter,
    Complement,
    Star,
    Plus,
    Optional,
    Pre,
    Post,
    Image,
    Preimage,
]

# ---------------------------------------------------------------- relations (IR)


@node
class Identity:
    """``I(P)``: every path of ``P`` related to itself."""

    prop: PathExpr
    span: Span | None = _span()


@node
class Product:
    """``P x Q``: every path of ``P`` related to every path of ``Q``."""

    left: PathExpr
    right: PathExpr
    span: Span | None = _span()


@node
class RelConcat:
    """Relation concatenation ``R S`` (at least two parts)."""

    parts: tuple[Relation, ...]
    span: Span | None = _span()


@node
class RelUnion:
    """Relation union ``R | S`` (at least two parts)."""

    parts: tuple[Relation, ...]
    span: Span | None = _span()


@node
class PriorityUnion:
    """``R // S``: ``S`` on the inputs ``S`` accepts, ``R`` on the others."""

    left: Relation
    right: Relation
    span: Span | None = _span()


@node
class Compose:
    """``R ; S``: apply ``R`` first, then ``S``."""

    left: Relation
    right: Relation
    span: Span | None = _span()


@node
class RelStar:
    """``R*``: zero or more concatenated copies of ``R``."""

    operand: Relation
    span: Span | None = _span()


Relation = Union[Identity, Product, RelConcat, RelUnion, PriorityUnion, Compose, RelStar]

# ---------------------------------------------------------------- traffic guards


@node
class PrefixCond:
    """``dst in P1, P2`` or ``src in ...``: some traffic key's address lies in a prefix.

    Prefixes are kept as normalised strings (``"10.0.0.0/8"``, ``"2001:db8::/32"``).
    """

    field: str  # "dst" | "src"
    prefixes: tuple[str, ...]
    span: Span | None = _span()


@node
class QosCond:
    """``qos = N``: some traffic key has this QoS value."""

    value: int
    span: Span | None = _span()


@node
class ProtoCond:
    """``proto = tcp`` (or ``proto = 6``, ``proto in tcp, udp``): the IP protocol is one of
    these numbers (names are resolved by the parser: icmp 1, tcp 6, udp 17, ...)."""

    protocols: tuple[int, ...]
    span: Span | None = _span()


@node
class PortCond:
    """``dport = 80``, ``sport in 1024-65535, 8080``: the transport port lies in one of
    the inclusive ranges ``(lo, hi)``.  ``field`` is ``"dport"`` or ``"sport"``."""

    field: str
    ranges: tuple[tuple[int, int], ...]
    span: Span | None = _span()


@node
class CondAnd:
    """``c1 and c2``: packets satisfying every part (at least two parts)."""

    parts: tuple[Condition, ...]
    span: Span | None = _span()


@node
class CondOr:
    """``c1 or c2``: packets satisfying some part (at least two parts)."""

    parts: tuple[Condition, ...]
    span: Span | None = _span()


@node
class CondNot:
    """``not c``: packets not satisfying ``c``."""

    operand: Condition
    span: Span | None = _span()


Condition = Union[PrefixCond, QosCond, ProtoCond, PortCond, CondAnd, CondOr, CondNot]

# ---------------------------------------------------------------- checks (IR)


@node
class Compare:
    """``P == Q`` (``op="=="``) or ``P <= Q`` (``op="<="``, inclusion)."""

    op: str
    left: PathExpr
    right: PathExpr
    span: Span | None = _span()


@node
class CheckAnd:
    parts: tuple[Check, ...]
    span: Span | None = _span()


@node
class CheckOr:
    parts: tuple[Check, ...]
    span: Span | None = _span()


@node
class CheckNot:
    operand: Check
    span: Span | None = _span()


@node
class CheckIf:
    """A traffic guard in the IR: ``if COND { C1 } else { C2 }``."""

    cond: Condition
    then: Check
    otherwise: Check
    span: Span | None = _span()


Check = Union[Compare, CheckAnd, CheckOr, CheckNot, CheckIf]

# ---------------------------------------------------------------- surface specs


@node
class Preserve:
    span: Span | None = _span()


@node
class Add:
    paths: PathExpr
    span: Span | None = _span()


@node
class Remove:
    paths: PathExpr
    span: Span | None = _span()


@node
class Replace:
    old: PathExpr
    new: PathExpr
    span: Span | None = _span()


@node
class Drop:
    span: Span | None = _span()


@node
class AnyPaths:
    """``any(p)``: after the change the zone takes at least one path, only paths in ``p``."""

    paths: PathExpr
    span: Span | None = _span()


Modifier = Union[Preserve, Add, Remove, Replace, Drop, AnyPaths]


@node
class Atomic:
    """``zone : modifier``."""

    zone: PathExpr
    modifier: Modifier
    span: Span | None = _span()


@node
class Then:
    """``s1 then s2``: path segments in sequence."""

    left: SpecExpr
    right: SpecExpr
    span: Span | None = _span()


@node
class Else:
    """``s1 else s2``: ``s1`` on its domain, ``s2`` elsewhere."""

    left: SpecExpr
    right: SpecExpr
    span: Span | None = _span()


@node
class Guard:
    """``if COND { s1 } else { s2 }``; ``otherwise`` is None when there is no else."""

    cond: Condition
    then: SpecExpr
    otherwise: SpecExpr | None = None
    span: Span | None = _span()


SpecExpr = Union[Atomic, Then, Else, Guard]

# ---------------------------------------------------------------- declarations


@node
class Let:
    """``let NAME = path``; later bare uses of NAME are :class:`Ref` nodes."""

    name: str
    expr: PathExpr
    span: Span | None = _span()


@node
class SpecDecl:
    """``spec NAME { ... }``."""

    name: str
    body: SpecExpr
    span: Span | None = _span()


@node
class AssertDecl:
    """``assert NAME { ... }``: a check written directly in the IR."""

    name: str
    body: Check
    span: Span | None = _span()


Decl = Union[Let, SpecDecl, AssertDecl]


@node
class Module:
    """A whole spec file."""

    decls: tuple[Decl, ...]
    filename: str | None = field(default=None, compare=False)

    def lets(self) -> dict[str, PathExpr]:
        """The ``let`` definitions by name, in file order."""
        return {d.name: d.expr for d in self.decls if isinstance(d, Let)}

    def checks(self) -> tuple[SpecDecl | AssertDecl, ...]:
        """The spec and assert blocks, in file order."""
        return tuple(d for d in self.decls if isinstance(d, (SpecDecl, AssertDecl)))
