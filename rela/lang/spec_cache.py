"""Parsed spec files kept between runs, so that a file parsed before needs no parser at all.

A short command spends more time importing Lark and loading the parser's
tables (60-90 ms) than parsing; CI runs the same spec file again and again.
After a successful parse of a file (:func:`rela.lang.parser.load_spec`; text
given to ``parse_spec`` is parsed, never kept), the AST is kept in the user's cache directory (the folder of
the parser cache, :func:`cache_folder`), under a hash of everything it depends
on: the spec text and file name (error positions name the file), the grammar,
the source of the modules that build the AST, Rela's and Python's versions.  A
later run with the same key loads the AST and never imports Lark.

What is never trusted: a file that does not unpickle to a :class:`Module`
(damaged, truncated, foreign) is ignored and written again; a folder other
users can write to is not used (the files are pickles); ``RELA_NO_PARSER_CACHE``
turns the cache off.  Errors are never kept: a spec that does not parse is
parsed (and reported) every time.  At most :data:`MAX_SPECS` files are kept,
the least recently written are removed first.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from rela.lang import ast

__all__ = ["cache_folder", "load_cached", "store", "MAX_SPECS"]

#: Most parsed specs kept (each a few KB); older ones are removed when a new one is written.
MAX_SPECS = 256
#: The modules whose code decides what AST a text parses to and how its nodes are laid
#: out (their source is in the key), relative to the ``rela`` package.
_AST_SOURCES = (
    "lang/ast.py",
    "lang/transform.py",
    "lang/keywords.py",
    "lang/lexical.py",
    "lang/values.py",
    "lang/parser.py",
    "values.py",
    "protocols.py",
)


def cache_folder() -> Path | None:
    """``$XDG_CACHE_HOME/rela`` (or ``~/.cache/rela``), created private to the user; None
    when ``RELA_NO_PARSER_CACHE`` is set, it cannot be made, or others can write to it."""
    if os.environ.get("RELA_NO_PARSER_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "rela"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError:
        return None
    if info.st_uid != os.getuid() or info.st_mode & 0o022:
        return None
    return folder


@functools.cache
def _code_key() -> bytes:
    """What the AST of a text depends on besides the text: grammar, code and versions."""
    from rela import __version__
    from rela.lang.parser import grammar_text

    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for part in (grammar_text(), __version__, sys.version):
        digest.update(part.encode("utf-8") + b"\0")
    for name in _AST_SOURCES:
        with contextlib.suppress(OSError):
            digest.update((package / name).read_bytes())
        digest.update(b"\0")
    return digest.digest()


def _path(folder: Path, text: str, filename: str | None) -> Path:
    digest = hashlib.sha256(_code_key())
    digest.update(text.encode("utf-8", "surrogatepass") + b"\0" + repr(filename).encode())
    return folder / f"spec-{digest.hexdigest()[:32]}.pickle"


def load_cached(text: str, filename: str | None) -> ast.Module | None:
    """The AST kept for this text and file name, or None (none kept, or not trusted)."""
    folder = cache_folder()
    if folder is None:
        return None
    try:
        with _path(folder, text, filename).open("rb") as f:
            found = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - damaged, truncated or foreign: parse again
        return None
    return found if isinstance(found, ast.Module) else None


def store(text: str, filename: str | None, module: ast.Module) -> None:
    """Keep the AST of a successful parse (atomically; a cache that cannot be written is
    left as it is), and remove the oldest files beyond :data:`MAX_SPECS`."""
    folder = cache_folder()
    if folder is None:
        return
    path = _path(folder, text, filename)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".spec-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(module, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:  # noqa: BLE001 - unwritable, full, or an AST that does not pickle
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return
    _prune(folder)


def _prune(folder: Path) -> None:
    try:
        files = [(p.stat().st_mtime, p) for p in folder.glob("spec-*.pickle")]
    except OSError:
        return
    if len(files) <= MAX_SPECS:
        return
    files.sort()
    for _, old in files[: len(files) - MAX_SPECS]:
        with contextlib.suppress(OSError):
            old.unlink()
