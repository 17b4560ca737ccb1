"""Path snapshots (DESIGN §2, format 2): one file per snapshot, FECs paired by key.

A snapshot is a JSON object (schema: ``rela/schemas/snapshot.schema.json``)::

    {"format": "rela-snapshot/1",
     "fecs": [{"key": "10.0.0.0/24", "traffic": [{"dstIp": "10.0.0.0/24"}],
               "paths": [["r1", "r2", "r3"], ["r1", "r4", "r3"]]},
              {"key": "10.0.1.0/24", "traffic": [], "graph": G}]}

Before and after FECs are paired by ``key``.  The FECs of the change come in
before-file order, then the keys found only in the after file, in after-file
order; a key on one side only is an FEC whose other side has no paths.

Memory: the after file is read first into a dict ``key -> graph`` (graphs at
the chosen granularity, much smaller than the JSON); the before file is then
streamed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from rela.errors import NetworkInputError
from rela.network.formats.common import (
    FecProblem,
    JsonStream,
    display_path,
    kind,
    open_binary,
    problem_text,
    short,
)
from rela.network.granularity import (
    GraphBuilder,
    LoadedChange,
    location_mapper,
    parse_traffic,
)
from rela.network.model import Fec, Granularity, Graph, TrafficKey
from rela.values import frozen

__all__ = ["SNAPSHOT_FORMAT", "SnapshotChange", "iter_snapshot", "snapshot_schema"]

#: The value of the ``format`` field.
SNAPSHOT_FORMAT = "rela-snapshot/1"

_FEC_FIELDS = frozenset(("key", "traffic", "paths", "graph"))
_PROBE_BLOCK = 4096


def snapshot_schema() -> dict[str, Any]:
    """The JSON Schema of the path snapshot format (shipped in the package).

    >>> snapshot_schema()["properties"]["format"]["const"]
    'rela-snapshot/1'
    """
    text = resources.files("rela.schemas").joinpath("snapshot.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@frozen
class SnapshotFec:
    """One FEC of one snapshot file (``index`` is its position in that file)."""

    index: int
    key: str | None
    traffic: tuple[TrafficKey, ...]
    graph: Graph
    problem: str | None = None


def _check_paths(paths: Any) -> list[list[str]]:
    if type(paths) is not list:
        raise FecProblem("paths", f"expected a list of paths, got {kind(paths)}")
    for i, path in enumerate(paths):
        if type(path) is not list:
            raise FecProblem(
                f"paths[{i}]", f"expected a path (a list of locations), got {kind(path)}"
            )
        if not path:
            raise FecProblem(f"paths[{i}]", "empty path: a path has at least one location")
        for j, loc in enumerate(path):
            if type(loc) is not str:
                raise FecProblem(f"paths[{i}][{j}]", f"locations must be strings, got {kind(loc)}")
            parts = loc.split("|")
            if not parts[0] or len(parts) > 3:
                raise FecProblem(
                    f"paths[{i}][{j}]",
                    f"{short(loc)} is not a location name (device, device|vrf or device|vrf|interface)",
                )
    return paths


def snapshot_fec(
    item: Any, index: int, filename: str, mapper: Callable[[str], str], builder: GraphBuilder
) -> SnapshotFec:
    """Validate one element of ``fecs`` and build its graph at the granularity."""
    key: str | None = None
    traffic: tuple[TrafficKey, ...] = ()
    try:
        if type(item) is not dict:
            raise FecProblem("", f"expected an FEC object, got {kind(item)}")
        if "key" not in item:
            raise FecProblem("key", "missing field")
        raw_key = item["key"]
        if type(raw_key) is not str or not raw_key:
            raise FecProblem(
                "key", f"expected a non-empty string, got {kind(raw_key)} {short(raw_key)}"
            )
        key = raw_key
        unknown = item.keys() - _FEC_FIELDS
        if unknown:
            raise FecProblem(
                sorted(unknown)[0], "unknown field (allowed: key, traffic, paths, graph)"
            )
        traffic = parse_traffic(item.get("traffic", []), "traffic", strict=True)
        if "paths" in item and "graph" in item:
            raise FecProblem("paths", "give either 'paths' or 'graph', not both")
        if "paths" in item:
            graph = Graph.from_paths(
                [mapper(loc) for loc in path] for path in _check_paths(item["paths"])
            )
        elif "graph" in item:
            graph = builder.build(item["graph"], "graph")
        else:
            raise FecProblem("paths", "missing field (an FEC needs 'paths' or 'graph')")
    except FecProblem as exc:
        message = problem_text(filename, index, key, exc.field, exc.message)
        return SnapshotFec(index, key, traffic, Graph.empty(), message)
    return SnapshotFec(index, key, traffic, graph)


def _probe(path: Path) -> None:
    with open_binary(path) as fp:
        stream = JsonStream(fp, display_path(path), block=_PROBE_BLOCK)
        first = stream.skip_ws()
        if not first:
            stream.fail("empty file: expected a path snapshot object")
        if first != "{":
            hint = "this looks like a Rela graph JSON change: use change=" if first == "[" else None
            line, col = stream.line_col()
            raise NetworkInputError(
                'expected a path snapshot object {"format": "rela-snapshot/1", "fecs": [...]}, '
                "but the file does not start with '{'",
                filename=stream.filename,
                line=line,
                column=col,
                hint=hint,
            )


def iter_snapshot(
    path: Path, mapper: Callable[[str], str], builder: GraphBuilder
) -> Iterator[SnapshotFec]:
    """The FECs of one snapshot file, streamed; whole-file problems raise NetworkInputError."""
    name = display_path(path)
    with open_binary(path) as fp:
        stream = JsonStream(fp, name)
        first = stream.skip_ws()
        if first != "{":
            stream.fail(
                "expected a path snapshot object, found "
                + (repr(first) if first else "the end of the file")
            )
        stream.pos += 1
        seen: set[str] = set()
        if stream.skip_ws() == "}":
            stream.pos += 1
        else:
            while True:
                if stream.skip_ws() != '"':
                    stream.fail("invalid JSON: expected a field name in double quotes")
                field = stream.value()
                stream.expect(":", "':' after a field name")
                if field in seen:
                    stream.fail(f"duplicate top-level field {short(field)}")
                seen.add(field)
                if field == "fecs":
                    for i, item in enumerate(stream.array_items("field 'fecs'")):
                        side = snapshot_fec(item, i, name, mapper, builder)
                        if stream.duplicates:
                            message = problem_text(
                                name,
                                i,
                                side.key,
                                "",
                                f"a JSON object in this FEC has the name {short(stream.duplicates[0])} "
                                "twice (ambiguous: which one?)",
                            )
                            side = SnapshotFec(i, side.key, side.traffic, Graph.empty(), message)
                        yield side
                else:
                    value = stream.value()
                    if field == "format" and value != SNAPSHOT_FORMAT:
                        raise NetworkInputError(
                            f"unsupported format {short(value)} (expected {SNAPSHOT_FORMAT!r})",
                            filename=name,
                            where="format",
                        )
                got = stream.skip_ws()
                stream.pos += 1
                if got == "}":
                    break
                if got != ",":
                    stream.pos -= 1
                    stream.fail("invalid JSON: expected ',' or '}' after a field")
        stream.end()
    if "fecs" not in seen:
        raise NetworkInputError("missing field 'fecs' (the list of FECs)", filename=name)


def _duplicate(path: Path, key: str, first: int, second: int) -> NetworkInputError:
    return NetworkInputError(
        f"duplicate FEC key {short(key)} (FECs {first} and {second}): keys must be unique "
        "to pair before and after",
        filename=display_path(path),
        where=f"fecs[{second}].key",
    )


def _pair(index: int, before: SnapshotFec | None, after: SnapshotFec | None) -> Fec:
    sides = [s for s in (before, after) if s is not None]
    key = sides[0].key
    traffic = tuple(dict.fromkeys(t for s in sides for t in s.traffic))
    problems = [s.problem for s in sides if s.problem]
    if problems:
        return Fec(index, key, traffic, Graph.empty(), Graph.empty(), problem="; ".join(problems))
    return Fec(
        index,
        key,
        traffic,
        before.graph if before is not None else Graph.empty(),
        after.graph if after is not None else Graph.empty(),
    )


class SnapshotChange(LoadedChange):
    """The change between two path snapshot files (re-iterable: each pass re-reads them)."""

    def __init__(
        self,
        before: Path,
        after: Path,
        granularity: Granularity | str = Granularity.DEVICE,
        groups: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            granularity,
            groups,
            f"path snapshots {display_path(before)} -> {display_path(after)}",
        )
        self.before = before
        self.after = after
        self._builder = GraphBuilder(self.granularity, self.groups)
        self._mapper = location_mapper(self.granularity, self.groups)
        _probe(before)
        _probe(after)

    def __iter__(self) -> Iterator[Fec]:
        return self._fecs()

    def _fecs(self) -> Iterator[Fec]:
        pending: dict[Any, SnapshotFec] = {}
        for side in iter_snapshot(self.after, self._mapper, self._builder):
            slot: Any = side.key if side.key is not None else (None, side.index)
            if slot in pending:
                raise _duplicate(self.after, side.key or "", pending[slot].index, side.index)
            pending[slot] = side
        index = 0
        seen: dict[str, int] = {}
        for side in iter_snapshot(self.before, self._mapper, self._builder):
            other = None
            if side.key is not None:
                if side.key in seen:
                    raise _duplicate(self.before, side.key, seen[side.key], side.index)
                seen[side.key] = side.index
                other = pending.pop(side.key, None)
            yield _pair(index, side, other)
            index += 1
        for side in pending.values():
            yield _pair(index, None, side)
            index += 1
        if index == 0:
            raise NetworkInputError(
                "the snapshots contain no FECs (both 'fecs' lists are empty)",
                filename=display_path(self.before),
            )

    def __repr__(self) -> str:
        return (
            f"SnapshotChange({display_path(self.before)!r}, {display_path(self.after)!r}, "
            f"granularity={self.granularity.value!r})"
        )
