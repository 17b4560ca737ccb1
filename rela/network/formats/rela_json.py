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
    short,
)
from rela.network.formats.fastjson import Unsure, array_segments
from rela.network.granularity import GraphBuilder, LoadedChange, parse_traffic
from rela.network.model import Fec, Granularity, Graph
from rela.results import Warning_
from rela.values import frozen

__all__ = [
    "RelaJsonChange",
    "ambiguous",
    "change_files",
    "fec_from_item",
    "iter_fecs",
    "list_change",
    "skipped_warning",
]

_WHAT = "a Rela graph JSON change (a list of FECs)"
_PROBE_BLOCK = 4096


def _is_chunk(name: str) -> bool:
    return name.endswith(".json") or name.endswith(".json.gz")


def list_change(path: Path) -> tuple[tuple[Path, ...], tuple[str, ...]]:
    """The files of a change and the names skipped in its directory.

    ``path`` itself when it is not a directory; otherwise the ``*.json`` and
    ``*.json.gz`` entries of the directory in natural name order, and the other
    entries (``notes.txt``, ``x.JSON``, ``old/``), which are not read.  Hidden
    entries (``.DS_Store``) are neither read nor listed.  Entries are not
    opened here: :func:`~rela.network.formats.files.open_binary` refuses the
    ones that are not regular files when the change is probed.
    """
    name = display_path(path)
    try:
        if not path.is_dir():
            if not path.exists():
                raise NetworkInputError("no such file or directory", filename=name)
            return (path,), ()
        files: list[Path] = []
        skipped: list[str] = []
        for p in path.iterdir():
            if p.name.startswith("."):
                continue
            if p.is_dir():
                skipped.append(p.name + "/")
            elif _is_chunk(p.name):
                files.append(p)
            else:
                skipped.append(p.name)
    except PermissionError:
        raise NetworkInputError("permission denied", filename=name) from None
    except OSError as exc:
        raise NetworkInputError(f"cannot read: {exc.strerror or exc}", filename=name) from None
    if not files:
        raise NetworkInputError(
            "the directory contains no *.json or *.json.gz files",
            filename=name,
            hint=_skipped_text(skipped) if skipped else None,
        )
    return tuple(sorted(files, key=lambda p: natural_key(p.name))), tuple(
        sorted(skipped, key=natural_key)
    )


def change_files(path: Path) -> tuple[Path, ...]:
    """The files of a change: ``path`` itself, or the chunk files of a directory (:func:`list_change`)."""
    return list_change(path)[0]


_SKIPPED_SHOWN = 10


def _skipped_text(names: tuple[str, ...] | list[str]) -> str:
    shown = ", ".join(names[:_SKIPPED_SHOWN])
    more = f" and {len(names) - _SKIPPED_SHOWN} more" if len(names) > _SKIPPED_SHOWN else ""
    return f"not read: {shown}{more} (only *.json and *.json.gz files are, case-sensitive)"


def skipped_warning(directory: Path, names: tuple[str, ...]) -> Warning_:
    """The ``skipped-file`` warning listing the entries of a change directory that were not read.

    >>> skipped_warning(Path("chunks"), ("notes.txt", "x.JSON")).message
    '2 entries of the change directory chunks were skipped: notes.txt, x.JSON'
    """
    n = len(names)
    shown = ", ".join(names[:_SKIPPED_SHOWN])
    more = f" and {n - _SKIPPED_SHOWN} more" if n > _SKIPPED_SHOWN else ""
    what = "1 entry of the change directory" if n == 1 else f"{n} entries of the change directory"
    verb = "was" if n == 1 else "were"
    return Warning_(
        None,
        f"{what} {display_path(directory)} {verb} skipped: {shown}{more}",
        code="skipped-file",
        hint="only *.json and *.json.gz files are read (lower case); rename a chunk to include it",
    )


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
        raw_before, raw_after = item["graphBefore"], item["graphAfter"]
        before = builder.build(raw_before, "graphBefore")
        # an FEC the change leaves alone: its graphs are equal (compared in C), built once
        after = before if raw_after == raw_before else builder.build(raw_after, "graphAfter")
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
        f"a JSON object in this FEC has the name {short(name)} twice (ambiguous: which one?)",
    )
    return Fec(fec.index, fec.key, fec.traffic, Graph.empty(), Graph.empty(), problem=message)


# What a top-level FEC object may start with (the fast path cuts segments there).
_FEC_STARTS = (b'"ipTrafficKeys"', b'"graphBefore"', b'"graphAfter"', b'"key"')


def _dicts_len(values: Any) -> int:
    """Name/value pairs of the objects among ``values`` (a list or dict view)."""
    if set(map(type, values)) == {dict}:
        return sum(map(len, values))
    return sum(len(v) for v in values if type(v) is dict)


def fec_pairs(item: Any) -> int:
    """Name/value pairs in the objects of an FEC that matter (a lower bound of all its pairs).

    The fast path compares it with the colons of the text to rule out a name
    repeated in an object; each object is counted once, so it never overcounts.

    >>> fec_pairs({"ipTrafficKeys": [{"dstIp": "10.0.0.1"}], "graphBefore": {
    ...     "nodeToOutEdgesMap": {"a": {"b": []}, "b": {}}, "sourceNodes": [], "sinkNodes": []}})
    9
    """
    if type(item) is not dict:
        return -1
    n = len(item)
    keys = item.get("ipTrafficKeys")
    if type(keys) is list:
        n += _dicts_len(keys)
    for side in ("graphBefore", "graphAfter"):
        graph = item.get(side)
        if type(graph) is dict:
            n += len(graph)
            edges = graph.get("nodeToOutEdgesMap")
            if type(edges) is dict:
                n += len(edges) + _dicts_len(edges.values())
    return n


def _fast_fecs(
    path: Path, builder: GraphBuilder, first_index: int, done: list[int]
) -> Iterator[Fec]:
    """The FECs of one file through the fast path, counting them in ``done[0]``.

    Raises :class:`Unsure` as soon as the exact reader must take over (a
    malformed FEC included: its message comes from the exact reader).
    """
    name = display_path(path)
    with open_binary(path) as fp:
        for items in array_segments(fp, _FEC_STARTS, fec_pairs):
            for item in items:
                fec = fec_from_item(item, first_index + done[0], name, builder)
                if fec.problem is not None:
                    raise Unsure("a malformed FEC")
                yield fec
                done[0] += 1
            # release the segment before the next one is decoded: one in memory at a time
            items.clear()
            item = None


def _exact_fecs(path: Path, builder: GraphBuilder, first_index: int, skip: int) -> Iterator[Fec]:
    """The FECs of one file through the exact streaming reader, the first ``skip`` left out."""
    name = display_path(path)
    index = first_index
    with open_binary(path) as fp:
        stream = JsonStream(fp, name)
        for item in stream.array_items(_WHAT):
            if index - first_index >= skip:
                fec = fec_from_item(item, index, name, builder)
                if stream.duplicates:
                    fec = ambiguous(fec, name, stream.duplicates[0])
                yield fec
            index += 1
        stream.end()


def file_fecs(path: Path, builder: GraphBuilder, first_index: int = 0) -> Iterator[Fec]:
    """The FECs of one file, indexed from ``first_index``.

    Decoded by the fast path (:mod:`~rela.network.formats.fastjson`); from the
    first thing it cannot vouch for on, by the exact reader, so messages about
    malformed input are always the exact reader's.
    """
    done = [0]
    try:
        yield from _fast_fecs(path, builder, first_index, done)
        return
    except Unsure:
        pass
    yield from _exact_fecs(path, builder, first_index, done[0])


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


@frozen
class FilePart:
    """One chunk file of a change: loaded and checked on its own by a worker process.

    Its FECs are indexed from 0; the verifier shifts them by the FECs of the
    files before it.
    """

    path: Path
    granularity: Granularity
    groups: Mapping[str, str] | None

    def __iter__(self) -> Iterator[Fec]:
        return file_fecs(self.path, _part_builder(self.granularity, self.groups))


#: The builder of the parts last read in this process (parts of one change share graphs).
_PART_BUILDER: list[Any] = [None, None]


def _part_builder(granularity: Granularity, groups: Mapping[str, str] | None) -> GraphBuilder:
    """A builder for a part: the one of the last part read here if it builds the same way."""
    key = (granularity, None if groups is None else sorted(groups.items()))
    if _PART_BUILDER[0] != key:
        _PART_BUILDER[:] = [key, GraphBuilder(granularity, groups)]
    builder: GraphBuilder = _PART_BUILDER[1]
    return builder


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
        files, skipped = list_change(path)
        count = f"{len(files)} files" if len(files) > 1 else "1 file"
        super().__init__(
            granularity, groups, f"Rela graph JSON change {display_path(path)} ({count})"
        )
        self.path = path
        self.files = files
        #: Entries of the change directory that are not read (a ``skipped-file`` warning).
        self.skipped = skipped
        self.warnings = (skipped_warning(path, skipped),) if skipped else ()
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
