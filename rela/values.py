"""Immutable values: frozen dataclasses that import fast.

``@dataclass(frozen=True)`` compiles six methods per class when its module is
imported (``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` and the frozen
``__setattr__``/``__delattr__``): for the hundred-odd value classes on the path
of ``rela check`` that is about 0.1 s of every start.  :func:`frozen` lets
:func:`dataclasses.dataclass` compile only what must be per class (``__init__``
and the frozen attribute guards) and gives ``==``, ``hash()`` and ``repr()``
the dataclass meaning with closures over the class's fields instead:

* ``==`` holds between instances of the very same class whose fields with
  ``compare=True`` are equal (else ``NotImplemented``);
* ``hash()`` is that of the fields with ``hash=True``, or ``compare=True`` when
  ``hash`` is not given, so equal values hash alike;
* ``repr()`` is ``Name(field=value, ...)`` over the fields with ``repr=True``.

A method the class body defines itself is kept, as a dataclass keeps it.

Everything else is a plain dataclass: :func:`dataclasses.fields`,
:func:`dataclasses.replace`, pickling and ``match`` work as before
(``tests/style/test_values.py`` compares every behaviour with
``@dataclass(frozen=True)``).

:func:`node` goes one step further for classes built in small numbers (the
spec AST, built once per parse): nothing is compiled at all; ``__init__`` is
a closure too (positional and keyword arguments, defaults) and the frozen
guards are shared functions, at the price of a slower constructor.  It takes
plain defaults only (no ``default_factory``, ``init=False`` or
``__post_init__``), and says so when a class has them.

>>> @frozen
... class Point:
...     x: int
...     y: int = 0
>>> Point(1), Point(1) == Point(1, 0), hash(Point(1)) == hash(Point(1, 0))
(Point(x=1, y=0), True, True)
>>> Point(1).x = 2
Traceback (most recent call last):
...
dataclasses.FrozenInstanceError: cannot assign to field 'x'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # for type checkers only (Python 3.10 has no typing.dataclass_transform)
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_kwargs: Any) -> Callable[[T], T]:
        return lambda decorated: decorated


__all__ = ["frozen", "node"]

T = TypeVar("T")


def _getter(names: tuple[str, ...]) -> Callable[[Any], Any]:
    """The fields ``names`` of an instance, as one value that compares and hashes alike
    (a tuple for several fields; the value itself for one)."""
    if not names:
        return lambda _self: ()
    return attrgetter(*names)


def _methods(cls: type) -> dict[str, Callable[..., Any]]:
    fields = dataclasses.fields(cls)
    compared = _getter(tuple(f.name for f in fields if f.compare))
    hashed = _getter(tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash)))
    shown = tuple(f.name for f in fields if f.repr)

    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return bool(compared(self) == compared(other))

    def __hash__(self: Any) -> int:
        return hash(hashed(self))

    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{self.__class__.__qualname__}({inner})"

    return {"__eq__": __eq__, "__hash__": __hash__, "__repr__": __repr__}


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: type[T]) -> type[T]:
    """``@dataclass(frozen=True)`` with shared ``==``, ``hash()`` and ``repr()`` (module
    docstring)."""
    own = dict(cls.__dict__)
    # as a dataclass: ``__hash__ = None`` that Python set for an ``__eq__`` of the body
    # is not a hash of the body's own
    if own.get("__hash__", 0) is None and "__eq__" in own:
        del own["__hash__"]
    out = dataclasses.dataclass(frozen=True, eq=False, repr=False)(cls)
    for name, method in _methods(out).items():
        if name not in own:
            method.__qualname__ = f"{out.__qualname__}.{name}"
            setattr(out, name, method)
    return out


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def _init(cls: type) -> Callable[..., None]:
    """``__init__`` of a :func:`node` class: fields in order, keywords, plain defaults."""
    fields = dataclasses.fields(cls)
    for f in fields:
        if not f.init or f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"@node {cls.__qualname__}.{f.name}: plain defaults only")
    if "__post_init__" in cls.__dict__:
        raise TypeError(f"@node {cls.__qualname__}: no __post_init__")
    names = tuple(f.name for f in fields)
    defaults = {f.name: f.default for f in fields if f.default is not dataclasses.MISSING}
    n = len(names)
    where = f"{cls.__qualname__}.__init__()"
    setter = object.__setattr__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) > n:
            raise TypeError(
                f"{where} takes {n + 1} positional arguments but {len(args) + 1} were given"
            )
        for name, value in zip(names, args):
            setter(self, name, value)
        if len(args) == n and not kwargs:
            return
        for name in names[: len(args)]:
            if name in kwargs:
                raise TypeError(f"{where} got multiple values for argument {name!r}")
        for name in names[len(args) :]:
            if name in kwargs:
                setter(self, name, kwargs.pop(name))
            elif name in defaults:
                setter(self, name, defaults[name])
            else:
                raise TypeError(f"{where} missing 1 required argument: {name!r}")
        if kwargs:
            raise TypeError(f"{where} got an unexpected keyword argument {next(iter(kwargs))!r}")

    return __init__


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def node(cls: type[T]) -> type[T]:
    """:func:`frozen`, with nothing compiled: for classes built in small numbers (module
    docstring)."""
    own = dict(cls.__dict__)
    out = dataclasses.dataclass(init=False, repr=False, eq=False)(cls)
    methods = {
        "__init__": _init(out),
        "__setattr__": _frozen_setattr,
        "__delattr__": _frozen_delattr,
        **_methods(out),
    }
    for name, method in methods.items():
        if name not in own:
            if name not in ("__setattr__", "__delattr__"):
                method.__qualname__ = f"{out.__qualname__}.{name}"
            setattr(out, name, method)
    return out
