"""``load_change()``: pick the loader for the inputs, apply the granularity and filters.

>>> import rela.network as net
>>> change = net.load_change(change="snapshots/graphs/reroute.json")  # doctest: +SKIP
>>> [fec.index for fec in change]  # doctest: +SKIP
[0, 1]
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator, Mapping, Sequence
from glob import escape as glob_escape
from pathlib import Path
from typing import Any, Union

from rela.errors import NetworkInputError, UsageError
from rela.network.formats.common import JsonStream, display_path, kind, open_binary
from rela.network.granularity import LoadedChange, as_granularity
from rela.network.model import Change, Fec, Granularity, Graph

__all__ = ["FilteredChange", "load_change", "load_groups"]

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
                f"{device!r} is not a device name (non-empty, without '|')", filename=name
            )
        if type(group) is not str:
            raise NetworkInputError(
                f"the group of {device!r} must be a string, got {kind(group)}",
                filename=name,
                where=f"[{device!r}]",
            )
        if not group or "|" in group:
            raise NetworkInputError(
                f"the group of {device!r} is {group!r}: group names are non-empty and without '|'",
                filename=name,
                where=f"[{device!r}]",
            )
    if stream.duplicates:
        raise NetworkInputError(
            f"device {stream.duplicates[0]!r} appears twice in the group mapping", filename=name
        )
    return mapping


def _matches_name(name: str, label: str) -> bool:
    """DESIGN §3 name matching: the name's components are a prefix of the label's."""
    want = name.split("|")
    return label.split("|")[: len(want)] == want


class FilteredChange(LoadedChange):
    """A change restricted to FECs with a destination in ``dst`` and flows entering at ``start``.

    An FEC is kept when one of its traffic keys has a destination inside one of
    the ``dst`` prefixes; with ``start``, only the sources whose location
    matches a start name (component prefix, DESIGN §3) are kept.  Malformed
    FECs are always kept, so their errors are never hidden.
    """

    def __init__(self, inner: Any, dst: Sequence[str] = (), start: Sequence[str] = ()) -> None:
        super().__init__(inner.granularity, inner.groups, inner.description)
        self.inner = inner
        self.dst = tuple(dst)
        self.start = tuple(start)
        parts = []
        if self.dst:
            parts.append("dst in " + ", ".join(self.dst))
        if self.start:
            parts.append("start at " + ", ".join(self.start))
        self.description = f"{inner.description} ({'; '.join(parts)})"

    def _graph(self, graph: Graph) -> Graph:
        sources = tuple(
            s for s in graph.sources if any(_matches_name(n, graph.labels[s]) for n in self.start)
        )
        if sources == graph.sources:
            return graph
        return Graph(graph.labels, graph.succ, sources, graph.sinks)

    def __iter__(self) -> Iterator[Fec]:
        for fec in self.inner:
            if fec.problem is None:
                if self.dst and not any(
                    t.matches_prefix("dst", p) for t in fec.traffic for p in self.dst
                ):
                    continue
                if self.start:
                    fec = Fec(
                        fec.index,
                        fec.key,
                        fec.traffic,
                        self._graph(fec.before),
                        self._graph(fec.after),
                    )
            yield fec


def _check_filters(start: Sequence[str], dst: Sequence[str]) -> None:
    if isinstance(start, str) or isinstance(dst, str):
        raise UsageError("start and dst are sequences of strings, not a single string")
    for prefix in dst:
        try:
            ipaddress.ip_network(prefix, strict=False)
        except (ValueError, TypeError):
            raise UsageError(f"dst={prefix!r} is not an IP prefix (e.g. 10.0.0.0/8)") from None
    for name in start:
        if not isinstance(name, str) or not name or name.count("|") > 2:
            raise UsageError(f"start={name!r} is not a location name")


def load_change(
    *,
    change: PathLike | None = None,
    before: PathLike | None = None,
    after: PathLike | None = None,
    granularity: Granularity | str = Granularity.DEVICE,
    groups: PathLike | Mapping[str, str] | None = None,
    start: Sequence[str] = (),
    dst: Sequence[str] = (),
) -> Change:
    """Load a change as a re-iterable stream of :class:`~rela.network.model.Fec`.

    * ``change``: a Rela graph JSON file (``.json`` or ``.json.gz``) or a
      directory of such chunk files;
    * ``before`` + ``after``: two path snapshot files, or two Batfish export
      directories;
    * ``granularity``: ``"device"`` (default), ``"interface"`` or ``"group"``;
    * ``groups``: a device -> group mapping file (or a mapping), needed by
      ``"group"``;
    * ``dst``: keep only FECs with a destination inside one of these prefixes;
      ``start``: keep only flows entering at these locations.

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
    _check_filters(start, dst)
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
        raise UsageError(
            "granularity='group' needs groups=MAP.json (a device -> group mapping)"
        )

    loaded: Any
    if change is not None:
        from rela.network.formats.rela_json import RelaJsonChange

        loaded = RelaJsonChange(Path(change), gran, mapping)
    else:
        assert before is not None and after is not None
        b, a = Path(before), Path(after)
        if _batfish_export(b) and _batfish_export(a):
            return _load_batfish(b, a, gran, mapping, start, dst)
        if b.is_dir() or a.is_dir():
            raise UsageError(
                "before= and after= must both be files (path snapshots) "
                "or both be directories (Batfish exports)"
            )
        from rela.network.formats.snapshot import SnapshotChange

        loaded = SnapshotChange(b, a, gran, mapping)
    if start or dst:
        loaded = FilteredChange(loaded, dst=dst, start=start)
    return loaded


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
