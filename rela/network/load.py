"""``load_change()``: pick the loader for the inputs, apply the granularity and filters.

>>> import rela.network as net
>>> change = net.load_change(change="snapshots/graphs/reroute.json")  # doctest: +SKIP
>>> [fec.index for fec in change]  # doctest: +SKIP
[0, 1]
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from glob import escape as glob_escape
from pathlib import Path
from typing import Any, Union

from rela.errors import NetworkInputError, UsageError
from rela.network.formats.common import JsonStream, display_path, kind, open_binary, short
from rela.network.granularity import LoadedChange, as_granularity
from rela.network.model import Change, Fec, Granularity
from rela.network.selection import Selector, Tally

__all__ = [
    "FilteredChange",
    "SelectedChange",
    "SelectedPart",
    "load_change",
    "load_groups",
    "select",
]

PathLike = Union[str, "os.PathLike[str]"]


def load_groups(path: PathLike) -> dict[str, str]:
    """Read a device -> group mapping file ``{"device": "group", ...}``.

    Raises :class:`NetworkInputError` when the file is unreadable, is not a JSON
    object, is empty, or maps a device to something other than a group name
    (a non-empty string without ``|``).

    >>> import json, tempfile
    >>> with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
    ...     json.dump({"core1": "CORE", "core2": "CORE"}, f)
    >>> load_groups(f.name)
    {'core1': 'CORE', 'core2': 'CORE'}
    """
    p = Path(path)
    name = display_path(p)
    with open_binary(p) as fp:
        stream = JsonStream(fp, name)
        if not stream.skip_ws():
            stream.fail("empty file: expected a group mapping object {device: group}")
        mapping = stream.value()
        stream.end()
    if type(mapping) is not dict:
        raise NetworkInputError(
            f"a group mapping must be a JSON object {{device: group}}, got {kind(mapping)}",
            filename=name,
        )
    if not mapping:
        raise NetworkInputError("the group mapping is empty", filename=name)
    for device, group in mapping.items():
        if not device or "|" in device:
            raise NetworkInputError(
                f"{short(device)} is not a device name (non-empty, without '|')", filename=name
            )
        if type(group) is not str:
            raise NetworkInputError(
                f"the group of {short(device)} must be a string, got {kind(group)}",
                filename=name,
                where=f"[{short(device)}]",
            )
        if not group or "|" in group:
            raise NetworkInputError(
                f"the group of {short(device)} is {short(group)}: group names are non-empty and without '|'",
                filename=name,
                where=f"[{short(device)}]",
            )
    if stream.duplicates:
        raise NetworkInputError(
            f"device {short(stream.duplicates[0])} appears twice in the group mapping",
            filename=name,
        )
    return mapping


class SelectedChange(LoadedChange):
    """A change seen through input filters (:class:`~rela.network.selection.Selector`).

    Each pass keeps the FECs and flows the filters select and counts what they
    leave out into a fresh :class:`~rela.network.selection.Tally`, kept as
    ``tally`` (the last pass's); :meth:`parts` gives one filtered part per
    chunk file, each with its own tally, for workers that load their own
    input.  :func:`rela.network.selection.summarize` turns tallies into the
    report's ``fecs_input`` and filter notes, and refuses a filter that
    selected nothing.  Malformed FECs are always kept, so their errors are
    never hidden.
    """

    def __init__(self, inner: Any, selector: Selector) -> None:
        super().__init__(inner.granularity, getattr(inner, "groups", None), inner.description)
        self.inner = inner
        self.selector = selector
        self.description = f"{inner.description} ({selector.describe()})"
        self.warnings = tuple(getattr(inner, "warnings", ()))
        #: The tally of the last pass (None before the first).
        self.tally: Tally | None = None

    def __iter__(self) -> Iterator[Fec]:
        self.tally = Tally()
        return self.selector.select(self.inner, self.tally)

    def parts(self) -> list[SelectedPart]:
        """The filtered parts of a change made of chunk files (empty if it is not)."""
        inner_parts = getattr(self.inner, "parts", None)
        if inner_parts is None:
            return []
        return [SelectedPart(part, self.selector) for part in inner_parts()]

    def __repr__(self) -> str:
        return f"SelectedChange({self.inner!r}, {self.selector!r})"


#: The former name.
FilteredChange = SelectedChange


class SelectedPart:
    """One chunk file seen through the filters; ``tally`` is filled as it is read (by a worker)."""

    def __init__(self, inner: Iterable[Fec], selector: Selector) -> None:
        self.inner = inner
        self.selector = selector
        self.tally: Tally | None = None

    def __iter__(self) -> Iterator[Fec]:
        self.tally = Tally()
        return self.selector.select(self.inner, self.tally)


def select(
    change: Any, *, dst: Sequence[str] = (), start: Sequence[str] = (), flow: Sequence[str] = ()
) -> Any:
    """``change`` seen through these filters (itself when it already is, or when there are none).

    >>> from rela.network.model import Fec, Graph
    >>> fec = Fec(0, None, (), Graph.from_paths([["a"]]), Graph.from_paths([["a"]]))
    >>> [f.index for f in select([fec], flow=["a"])]
    [0]
    """
    selector = Selector(tuple(dst), tuple(start), tuple(flow))
    already = getattr(change, "selector", None)
    if not selector or (
        already is not None
        and already.dst == selector.dst
        and already.flow == selector.flow
        and (not selector.start or already.start == selector.start)
    ):
        return change
    if not hasattr(change, "granularity"):
        change = _Plain(change)
    return SelectedChange(change, selector)


class _Plain:
    """A bare iterable of FECs with the attributes of a change."""

    def __init__(self, fecs: Iterable[Fec]) -> None:
        self.fecs = fecs
        self.granularity = Granularity.DEVICE
        self.groups: dict[str, str] | None = None
        self.description = "FECs"

    def __iter__(self) -> Iterator[Fec]:
        return iter(self.fecs)


def _check_filters(start: Sequence[str], dst: Sequence[str], flow: Sequence[str] = ()) -> None:
    if isinstance(start, str) or isinstance(dst, str) or isinstance(flow, str):
        raise UsageError("start, dst and flow are sequences of strings, not a single string")
    for prefix in dst:
        try:
            ipaddress.ip_network(prefix, strict=False)
        except (ValueError, TypeError):
            raise UsageError(f"dst={prefix!r} is not an IP prefix (e.g. 10.0.0.0/8)") from None
    for option, names in (("start", start), ("flow", flow)):
        for name in names:
            if not isinstance(name, str) or not name or name.count("|") > 2:
                raise UsageError(f"{option}={name!r} is not a location name")


def load_change(
    *,
    change: PathLike | None = None,
    before: PathLike | None = None,
    after: PathLike | None = None,
    granularity: Granularity | str = Granularity.DEVICE,
    groups: PathLike | Mapping[str, str] | None = None,
    start: Sequence[str] = (),
    dst: Sequence[str] = (),
    flow: Sequence[str] = (),
) -> Change:
    """Load a change as a re-iterable stream of :class:`~rela.network.model.Fec`.

    * ``change``: a Rela graph JSON file (``.json`` or ``.json.gz``) or a
      directory of such chunk files;
    * ``before`` + ``after``: two path snapshot files, or two Batfish export
      directories;
    * ``granularity``: ``"device"`` (default), ``"interface"`` or ``"group"``;
    * ``groups``: a device -> group mapping file (or a mapping), needed by
      ``"group"``;
    * ``dst``: keep only FECs whose traffic overlaps one of these prefixes (a
      traffic key without destination, or an FEC without keys, overlaps all);
      ``start``/``flow``: keep only flows entering at these locations (FECs
      without such a flow are left out); for Batfish exports ``start`` is
      where flows start.  Each filter counts what it leaves out
      (:mod:`rela.network.selection`).

    Unreadable or malformed files raise :class:`NetworkInputError` (when the
    change is constructed, or while iterating for problems deep inside a
    file); a malformed FEC is yielded with ``problem`` set.  Conflicting
    options raise :class:`UsageError`.

    >>> load_change(before="a.json")
    Traceback (most recent call last):
    ...
    rela.errors.UsageError: error: before= and after= go together: give both
    """
    gran = as_granularity(granularity)
    _check_filters(start, dst, flow)
    if change is not None and (before is not None or after is not None):
        raise UsageError("give either change= or before=/after=, not both")
    if change is None and before is None and after is None:
        raise UsageError("no input: give change=PATH, or before=PATH and after=PATH")
    if change is None and (before is None or after is None):
        raise UsageError("before= and after= go together: give both")
    mapping: dict[str, str] | None
    if groups is None:
        mapping = None
    elif isinstance(groups, Mapping):
        mapping = dict(groups)
    else:
        mapping = load_groups(groups)
    if gran is Granularity.GROUP and mapping is None:
        raise UsageError("granularity='group' needs groups=MAP.json (a device -> group mapping)")

    loaded: Any
    if change is not None:
        from rela.network.formats.rela_json import RelaJsonChange

        loaded = RelaJsonChange(Path(change), gran, mapping)
    else:
        assert before is not None and after is not None
        b, a = Path(before), Path(after)
        if _batfish_export(b) and _batfish_export(a):
            batfish = _load_batfish(b, a, gran, mapping, start, dst)
            return select(batfish, flow=flow) if flow else batfish
        for side in (b, a):  # a typo'd path: name it, not the file/directory rule
            if not side.exists() and not _batfish_export(side):
                raise NetworkInputError("no such file or directory", filename=str(side))
        if b.is_dir() or a.is_dir():
            raise UsageError(
                "before= and after= must both be files (path snapshots) "
                "or both be directories (Batfish exports)"
            )
        from rela.network.formats.snapshot import SnapshotChange

        loaded = SnapshotChange(b, a, gran, mapping)
    selector = Selector(tuple(dst), tuple(start), tuple(flow))
    return SelectedChange(loaded, selector) if selector else loaded


def _batfish_export(path: Path) -> bool:
    """A Batfish export: a directory, or a file-name prefix such as ``exports/base``
    (for ``exports/base-node.json``, ``exports/base-edge.json``...)."""
    if path.is_dir():
        return True
    return not path.exists() and any(path.parent.glob(glob_escape(path.name) + "*.json"))


def _load_batfish(
    before: Path,
    after: Path,
    granularity: Granularity,
    groups: dict[str, str] | None,
    start: Sequence[str],
    dst: Sequence[str],
) -> Change:
    """Hook for Batfish export directories (``rela.network.formats.batfish``, loaded lazily)."""
    try:
        from rela.network.formats import batfish
    except ModuleNotFoundError as exc:
        if exc.name != "rela.network.formats.batfish":
            raise
        raise UsageError(
            "before=/after= directories (Batfish exports) are not supported by this version"
        ) from None
    return batfish.load_batfish_change(
        before, after, granularity=granularity, groups=groups, start=tuple(start), dst=tuple(dst)
    )
