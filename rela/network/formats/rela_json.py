"""Rela graph JSON changes (DESIGN §2, format 1), read as a stream.

A change is a JSON list of FECs::

    [{"ipTrafficKeys": [{"srcIp": ..., "dstIp": ..., "qos": ...}],
      "graphBefore": G, "graphAfter": G}, ...]

in one file, a ``.json.gz`` file, or a directory of such files (chunks), read
in natural name order (``chunk_2`` before ``chunk_10``).  FECs are decoded one
at a time; a malformed FEC becomes a :class:`~rela.network.model.Fec` with
``problem`` set, a malformed *file* raises
:class:`~rela.errors.NetworkInputError` (possibly in the middle of iteration).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rela.errors import NetworkInputError
from rela.network.formats.common import (
    FecProblem,
    JsonStream,
    display_path,
    kind,
    natural_key,
    open_binary,
    problem_text,
)
from rela.network.granularity import GraphBuilder, LoadedChange, parse_traffic
from rela.network.model import Fec, Granularity, Graph

__all__ = ["RelaJsonChange", "ambiguous", "change_files", "fec_from_item", "iter_fecs"]

_WHAT = "a Rela graph JSON change (a list of FECs)"
_PROBE_BLOCK = 4096


def change_files(path: Path) -> tuple[Path, ...]:
    """The files of a change: ``path`` itself, or the ``*.json``/``*.json.gz`` files of a directory.

    Hidden files are ignored; the order is natural name order.
    """
    try:
        if not path.is_dir():
            if not path.exists():
                raise NetworkInputError("no such file or directory", filename=display_path(path))
            return (path,)
        entries = [
            p
            for p in path.iterdir()
            if not p.name.startswith(".")
            and (p.name.endswith(".json") or p.name.endswith(".json.gz"))
            and not p.is_dir()
        ]
    except PermissionError:
        raise NetworkInputError("permission denied", filename=display_path(path)) from None
    except OSError as exc:
        raise NetworkInputError(
            f"cannot read: {exc.strerror or exc}", filename=display_path(path)
        ) from None
    if not entries:
        raise NetworkInputError(
            "the directory contains no *.json or *.json.gz files", filename=display_path(path)
        )
    return tuple(sorted(entries, key=lambda p: natural_key(p.name)))


def _probe(path: Path) -> bool:
    """Check that ``path`` is readable and starts a JSON list; return whether the list is empty."""
    with open_binary(path) as fp:
        stream = JsonStream(fp, display_path(path), block=_PROBE_BLOCK)
        first = stream.skip_ws()
        if not first:
            stream.fail("empty file: expected " + _WHAT)
        if first != "[":
            hint = (
                "this looks like a path snapshot or a group mapping, not a change"
                if first == "{"
                else None
            )
            line, col = stream.line_col()
            raise NetworkInputError(
                f"expected {_WHAT}, but the file does not start with '['",
                filename=stream.filename,
                line=line,
                column=col,
                hint=hint,
            )
        stream.pos += 1
        return stream.skip_ws() == "]"


def fec_from_item(item: Any, index: int, filename: str, builder: GraphBuilder) -> Fec:
    """Validate one FEC object of a Rela graph JSON change and build its graphs."""
    key: str | None = None
    traffic: tuple[Any, ...] = ()
    try:
        if type(item) is not dict:
            raise FecProblem("", f"expected an FEC object, got {kind(item)}")
        raw_key = item.get("key")
        if raw_key is not None:
            if type(raw_key) is not str:
                raise FecProblem("key", f"expected a string, got {kind(raw_key)}")
            key = raw_key
        for name in ("ipTrafficKeys", "graphBefore", "graphAfter"):
            if name not in item:
                raise FecProblem(name, "missing field")
        traffic = parse_traffic(item["ipTrafficKeys"], "ipTrafficKeys")
        before = builder.build(item["graphBefore"], "graphBefore")
        after = builder.build(item["graphAfter"], "graphAfter")
    except FecProblem as exc:
        message = problem_text(filename, index, key, exc.field, exc.message)
        return Fec(index, key, traffic, Graph.empty(), Graph.empty(), problem=message)
    return Fec(index, key, traffic, before, after)


def ambiguous(fec: Fec, filename: str, name: str) -> Fec:
    """``fec`` turned into a problem: one of its JSON objects repeats ``name``."""
    message = problem_text(
        filename,
        fec.index,
        fec.key,
        "",
        f"a JSON object in this FEC has the name {name!r} twice (ambiguous: which one?)",
    )
    return Fec(fec.index, fec.key, fec.traffic, Graph.empty(), Graph.empty(), problem=message)


def file_fecs(path: Path, builder: GraphBuilder, first_index: int = 0) -> Iterator[Fec]:
    """The FECs of one file, indexed from ``first_index``."""
    name = display_path(path)
    index = first_index
    with open_binary(path) as fp:
        stream = JsonStream(fp, name)
        for item in stream.array_items(_WHAT):
            fec = fec_from_item(item, index, name, builder)
            if stream.duplicates:
                fec = ambiguous(fec, name, stream.duplicates[0])
            yield fec
            index += 1
        stream.end()


def iter_fecs(files: tuple[Path, ...], builder: GraphBuilder) -> Iterator[Fec]:
    """The FECs of ``files`` in order, indexed across files."""
    index = 0
    for path in files:
        for fec in file_fecs(path, builder, index):
            yield fec
            index += 1
    if index == 0:
        raise NetworkInputError(
            "the change contains no FECs", filename=display_path(files[0]) if files else None
        )


@dataclass(frozen=True)
class FilePart:
    """One chunk file of a change: loaded and checked on its own by a worker process.

    Its FECs are indexed from 0; the verifier shifts them by the FECs of the
    files before it.
    """

    path: Path
    granularity: Granularity
    groups: Mapping[str, str] | None

    def __iter__(self) -> Iterator[Fec]:
        return file_fecs(self.path, GraphBuilder(self.granularity, self.groups))


class RelaJsonChange(LoadedChange):
    """A re-iterable Rela graph JSON change: every pass re-opens and re-reads the files.

    Constructing it checks that the files exist, are readable and start a JSON
    list (so the common mistakes fail before verification starts).
    """

    def __init__(
        self,
        path: Path,
        granularity: Granularity | str = Granularity.DEVICE,
        groups: Mapping[str, str] | None = None,
    ) -> None:
        files = change_files(path)
        count = f"{len(files)} files" if len(files) > 1 else "1 file"
        super().__init__(
            granularity, groups, f"Rela graph JSON change {display_path(path)} ({count})"
        )
        self.path = path
        self.files = files
        self._builder = GraphBuilder(self.granularity, self.groups)
        empty = [_probe(p) for p in self.files]
        if all(empty):
            raise NetworkInputError("the change contains no FECs", filename=display_path(path))

    def __iter__(self) -> Iterator[Fec]:
        return iter_fecs(self.files, self._builder)

    def parts(self) -> list[FilePart]:
        """One part per chunk file, for workers that load their own input."""
        return [FilePart(p, self.granularity, self.groups) for p in self.files]

    def __repr__(self) -> str:
        return (
            f"RelaJsonChange({display_path(self.path)!r}, granularity={self.granularity.value!r})"
        )
