"""The verdict cache of ``rela check --cache DIR``: re-check only the FECs that changed.

An entry holds one spec's outcome on one FEC and that FEC's clause-coverage
counts (:mod:`rela.verify.cache_codec`), keyed by a content hash of

* the run: the cache format, :data:`MEANING`, ``rela.__version__`` and every option that can
  change an outcome (max paths, max states, FEC timeout, granularity, groups;
  runs with and without counterexamples share entries, see
  :mod:`rela.verify.cached`);
* the spec: its name, its compiled check and its clause model (clause texts
  and places, which explanations report);
* the FEC: its before graph, its after graph and its traffic keys.

Never the FEC's index or key: an FEC that moved in a rebased change still hits.

The store is one SQLite database, ``DIR/verdicts-v2.sqlite`` (standard library,
WAL journal): each worker process opens its own connection, reads freely and
writes its new entries in one transaction per batch, so ``--jobs N`` workers
share it safely; a transaction is atomic, a crash leaves the database as it
was.  Every row also stores the rela version that wrote it and a checksum of
its body; a row whose checksum, version or shape is wrong is ignored (and
decided again), and a database that cannot be read is replaced by an empty one.

The store stays under :data:`MAX_BYTES`: every run has a number (``meta.run``,
counted up by :func:`prepare`), every entry the number of the last run that
wrote or read it, and after a run :func:`prune` deletes the entries of the
least recently used runs while the database is larger than that (never those
of the latest run).  An older-format database in the directory is removed.
Only ``holds`` and ``violated`` outcomes are stored: error verdicts (resource
limits depend on the machine and its load) and malformed FECs never are.

>>> import tempfile
>>> from rela.check import HOLDS
>>> d = tempfile.mkdtemp()
>>> prepare(d)
(True, [])
>>> store = VerdictCache.open(d)
>>> store.put(b"k" * 16, HOLDS, ())
>>> store.flush()
>>> store.get(b"k" * 16) == (HOLDS, ()), store.get(b"x" * 16)
(True, None)
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from rela import __version__
from rela.check import Outcome
from rela.errors import UsageError
from rela.network.model import Fec, Graph
from rela.verify.cache_codec import BadEntry, CoverageDelta, decode, encode
from rela.verify.cache_stats import CacheStats

__all__ = [
    "DB_NAME",
    "FORMAT",
    "MEANING",
    "CacheStats",
    "VerdictCache",
    "prepare",
    "prune",
    "prune_after_run",
    "reset",
    "canonical",
    "digest",
    "FecKeys",
]

#: The database file inside the cache directory (the format number is in its name).
DB_NAME = "verdicts-v2.sqlite"
#: Databases of older formats, never read by this version: removed from the directory.
OLD_DB_NAMES = ("verdicts-v1.sqlite",)
#: What the ``meta`` table says about the database.
FORMAT = "rela-verdict-cache/2"
#: What an entry's outcome means beyond its format, counted up when an outcome of
#: the same FEC would now read otherwise (2: a new drop is placed where it is dropped,
#: not where the paths part), so that a build of the same version never serves an
#: entry an older build explained differently.  Part of every key.
MEANING = 2
#: Size (bytes of live database pages) above which :func:`prune` deletes the least
#: recently used entries; it deletes down to :data:`PRUNE_TO` of it, so that not
#: every run has to prune.
MAX_BYTES = 1 << 30
PRUNE_TO = 0.8
#: Seconds a worker waits for another one's write transaction.
_BUSY_SECONDS = 60.0


def digest(*parts: bytes) -> bytes:
    """A 16-byte content hash of ``parts`` (length-prefixed, so parts never run together).

    >>> digest(b"ab", b"c") != digest(b"a", b"bc")
    True
    """
    h = hashlib.blake2b(digest_size=16)
    for p in parts:
        h.update(len(p).to_bytes(8, "little"))
        h.update(p)
    return h.digest()


def canonical(value: Any) -> Any:
    """``value`` as plain JSON data that equal values share, across processes and runs.

    Dataclasses give their class name and the fields that take part in
    equality (source spans do not; clause places in a model do); sets are
    sorted; anything else is refused, so a new kind of node cannot slip into a
    key unnoticed.

    >>> from rela.lang import ast
    >>> canonical(ast.Star(ast.Name("a")))
    ['Star', ['Name', 'a']]
    >>> canonical(frozenset({"b", "a"}))
    ['<set>', 'a', 'b']
    """
    if value is None or type(value) in (str, int, bool):
        return value
    if type(value) is float:
        return ["<float>", repr(value)]
    if isinstance(value, enum.Enum):
        return [type(value).__name__, canonical(value.value)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__] + [
            canonical(getattr(value, f.name)) for f in dataclasses.fields(value) if f.compare
        ]
    if isinstance(value, (tuple, list)):
        return ["<seq>", *(canonical(v) for v in value)]
    if isinstance(value, (frozenset, set)):
        return ["<set>", *sorted((canonical(v) for v in value), key=orjson.dumps)]
    if isinstance(value, Mapping):
        items = sorted(([canonical(k), canonical(v)] for k, v in value.items()), key=orjson.dumps)
        return ["<map>", *items]
    raise TypeError(f"cannot key a {type(value).__name__} for the verdict cache")


class FecKeys:
    """Cache keys of (spec, FEC) pairs; graph hashes are shared by the FECs that share graphs.

    >>> from rela.network.model import Fec, Graph
    >>> g = Graph.from_paths([["a", "b"]])
    >>> keys = FecKeys([b"spec1", b"spec2"])
    >>> a, b = keys.of(Fec(0, "x", (), g, g)), keys.of(Fec(7, "y", (), g, g))
    >>> a == b, len(a), a[0] != a[1]
    (True, 2, True)
    """

    def __init__(self, spec_digests: list[bytes]) -> None:
        self.specs = spec_digests
        self._graphs: dict[Graph, bytes] = {}

    def _graph(self, g: Graph) -> bytes:
        got = self._graphs.get(g)
        if got is None:
            if len(self._graphs) > 100_000:
                self._graphs.clear()
            got = self._graphs[g] = digest(
                orjson.dumps([g.labels, g.succ, g.sources, sorted(g.sinks)])
            )
        return got

    def of(self, fec: Fec) -> list[bytes]:
        """One key per spec for ``fec``."""
        traffic = orjson.dumps([canonical(k) for k in fec.traffic])
        f = digest(self._graph(fec.before), self._graph(fec.after), traffic)
        return [digest(s, f) for s in self.specs]


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=_BUSY_SECONDS, isolation_level=None)
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def _create(path: Path) -> None:
    db = _connect(path)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("BEGIN IMMEDIATE")
        db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute(
            "CREATE TABLE IF NOT EXISTS entries (key BLOB PRIMARY KEY, version TEXT NOT NULL,"
            " checksum BLOB NOT NULL, body BLOB NOT NULL, used INTEGER NOT NULL) WITHOUT ROWID"
        )
        db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))
        db.execute("INSERT OR IGNORE INTO meta VALUES ('run', '0')")
        # a new run: the entries it writes or reads are the most recently used
        db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE name = 'run'")
        db.execute("COMMIT")
        (fmt,) = db.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
        db.execute("SELECT key FROM entries LIMIT 1").fetchall()
    finally:
        db.close()
    if fmt != FORMAT:
        raise sqlite3.DatabaseError(f"its format is {fmt!r}, not {FORMAT!r}")


def _remove(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def prepare(directory: str | os.PathLike[str]) -> tuple[bool, list[str]]:
    """Make ``directory`` a usable cache before the workers start: whether it is usable,
    and the problems met (as text, for the ``cache-ignored`` warnings).

    A path that is an existing file, or a directory that cannot be made, is a
    :class:`~rela.errors.UsageError`.  A database that cannot be read or is of
    another format is replaced by an empty one (it is never trusted); a
    database that cannot be replaced leaves the run without a cache.
    """
    where = Path(directory)
    if where.exists() and not where.is_dir():
        raise UsageError(f"--cache {str(directory)!r}: exists and is not a directory")
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"--cache {str(directory)!r}: cannot create the directory: {exc.strerror or exc}"
        ) from None
    for old in OLD_DB_NAMES:
        with contextlib.suppress(OSError):
            _remove(where / old)
    path = where / DB_NAME
    try:
        _create(path)
        return True, []
    except sqlite3.Error as exc:
        problem = f"the cache database {path} could not be read ({exc})"
    try:
        _remove(path)
        _create(path)
    except (OSError, sqlite3.Error) as exc:
        return False, [f"{problem}; it could not be replaced ({exc}): the run used no cache"]
    return True, [f"{problem}; it was replaced by an empty one"]


def reset(directory: str | os.PathLike[str]) -> str:
    """Replace a database found damaged during a run by an empty one; what happened, as text."""
    path = Path(directory) / DB_NAME
    try:
        _remove(path)
        _create(path)
    except (OSError, sqlite3.Error) as exc:
        return f"the damaged cache database {path} could not be replaced ({exc})"
    return f"the damaged cache database {path} was replaced by an empty one after the run"


def _live_bytes(db: sqlite3.Connection) -> int:
    """Bytes of the database's pages in use (free pages are reused by later writes)."""
    (pages,) = db.execute("PRAGMA page_count").fetchone()
    (free,) = db.execute("PRAGMA freelist_count").fetchone()
    (size,) = db.execute("PRAGMA page_size").fetchone()
    return int((pages - free) * size)


def prune(directory: str | os.PathLike[str], max_bytes: int | None = None) -> int:
    """Delete the entries of the least recently used runs while the database is larger
    than ``max_bytes`` (default :data:`MAX_BYTES`; down to :data:`PRUNE_TO` of it),
    keeping the latest run's entries whatever their size; how many entries were
    deleted.  Raises :class:`sqlite3.Error` when the database cannot be read or written."""
    if max_bytes is None:
        max_bytes = MAX_BYTES
    db = _connect(Path(directory) / DB_NAME)
    try:
        size = _live_bytes(db)
        if size <= max_bytes:
            return 0
        runs = db.execute(
            "SELECT used, SUM(length(key) + length(version) + length(checksum) + length(body))"
            " FROM entries GROUP BY used ORDER BY used"
        ).fetchall()
        total = sum(n for _, n in runs) or 1
        # rows hold about size/total bytes of pages per byte of data
        target = max_bytes * PRUNE_TO * total / size
        kept, cut = total, None
        for used, n in runs[:-1]:
            if kept <= target:
                break
            kept -= n
            cut = used
        if cut is None:
            return 0
        db.execute("BEGIN IMMEDIATE")
        deleted = db.execute("DELETE FROM entries WHERE used <= ?", (cut,)).rowcount
        db.execute("COMMIT")
        return int(deleted)
    finally:
        db.close()


def prune_after_run(directory: str | os.PathLike[str]) -> list[str]:
    """:func:`prune`, with a failure turned into a problem (text, for the warnings)."""
    try:
        prune(directory)
    except sqlite3.Error as exc:
        return [f"the cache database could not be pruned ({exc}); it may grow past its limit"]
    return []


class VerdictCache:
    """One process's connection to the cache database (see the module docstring)."""

    def __init__(self, db: sqlite3.Connection | None, stats: CacheStats, run: int = 0) -> None:
        self._db = db
        self.stats = stats
        self.run = run
        self._pending: list[tuple[bytes, str, bytes, bytes, int]] = []
        self._touched: list[tuple[int, bytes, int]] = []

    @staticmethod
    def open(directory: str | os.PathLike[str]) -> VerdictCache:
        """The cache of ``directory`` (made ready by :func:`prepare`); unusable: no cache."""
        stats = CacheStats()
        try:
            db = _connect(Path(directory) / DB_NAME)
            row = db.execute("SELECT value FROM meta WHERE name = 'run'").fetchone()
            run = int(row[0]) if row is not None else 0
        except (sqlite3.Error, ValueError) as exc:
            stats.note(f"the cache database could not be opened ({exc})")
            return VerdictCache(None, stats)
        return VerdictCache(db, stats, run)

    @property
    def usable(self) -> bool:
        return self._db is not None

    def _give_up(self, exc: Exception) -> None:
        self.stats.note(f"the cache database failed ({exc}); the rest of the run used no cache")
        # damage, not a passing condition (locked, I/O, disk full): replace it after the run
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
            self.stats.broken = True
        self._pending.clear()
        self._touched.clear()
        if self._db is not None:
            self._db.close()
        self._db = None

    def get(self, key: bytes) -> tuple[Outcome, CoverageDelta] | None:
        """The entry of ``key`` when there is a sound one (an unsound one is counted)."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT version, checksum, body FROM entries WHERE key = ?", (key,)
            ).fetchone()
        except sqlite3.Error as exc:
            self._give_up(exc)
            return None
        if row is None:
            return None
        version, checksum, body = row
        try:
            if version != __version__:
                raise BadEntry(f"written by rela {version!r}, this is {__version__}")
            if not isinstance(body, bytes) or checksum != digest(key, body):
                raise BadEntry("checksum mismatch (damaged or truncated)")
            got = decode(body)
        except BadEntry as exc:
            self.stats.ignored += 1
            self.stats.note(f"an entry was not trusted: {exc}")
            return None
        self._touched.append((self.run, key, self.run))  # recently used: kept by prune
        return got

    def put(self, key: bytes, outcome: Outcome, coverage: CoverageDelta) -> None:
        """Queue an entry; :meth:`flush` writes the queue in one transaction."""
        if self._db is None:
            return
        body = encode(outcome, coverage)
        self._pending.append((key, __version__, digest(key, body), body, self.run))

    def flush(self) -> None:
        """Write the queued entries and mark the entries read as used by this run
        (atomically: all of it or nothing)."""
        if self._db is None or not (self._pending or self._touched):
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)", self._pending
            )
            self._db.executemany(
                "UPDATE entries SET used = ? WHERE key = ? AND used < ?", self._touched
            )
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            self._give_up(exc)
            return
        self.stats.stored += len(self._pending)
        self._pending.clear()
        self._touched.clear()

    def take(self) -> CacheStats:
        """Write what is queued, then hand over the counts so far and start again from zero."""
        self.flush()
        out, self.stats = self.stats, CacheStats()
        return out
