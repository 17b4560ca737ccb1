"""The built spec parser is kept in the user's cache and loaded from there by later runs.

What a user relies on: a cached parser parses exactly as a freshly built one; a
damaged cache file, a grammar change or a cache directory others can write to
never gives a wrong parse or an error (the parser is simply built again).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from rela.lang import parser as P
from rela.lang.parser import grammar_text, parse_spec, parser_cache_file

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted(
    [
        *ROOT.glob("snapshots/**/*.rela"),
        *ROOT.glob("docs/**/*.rela"),
        *ROOT.glob("examples/**/*.rela"),
    ]
)


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("RELA_NO_PARSER_CACHE", raising=False)
    P._parser.cache_clear()
    yield tmp_path
    P._parser.cache_clear()


def _fresh_parse(text: str) -> object:
    """A parse by the parser (never the parsed-spec cache of rela.lang.spec_cache)."""
    P._parser.cache_clear()
    return P._parse_text(text, None)


def test_a_cached_parser_parses_every_shipped_spec_as_a_built_one(cache_home: Path) -> None:
    assert SPECS
    texts = [p.read_text(encoding="utf-8") for p in SPECS]
    built = [_fresh_parse(t) for t in texts]  # first run: builds and writes the cache
    path = parser_cache_file(grammar_text())
    assert path is not None and path.is_file()
    assert path.parent == cache_home / "rela"
    assert (path.parent.stat().st_mode & 0o777) == 0o700
    P._parser.cache_clear()
    loaded = [P._parse_text(t, None) for t in texts]  # second run: loads it
    assert loaded == built


def test_a_damaged_cache_file_is_built_again(cache_home: Path) -> None:
    text = "spec s { [^core1]* : preserve then core1 : replace(core1, core2) }"
    want = _fresh_parse(text)
    path = parser_cache_file(grammar_text())
    assert path is not None
    path.write_bytes(b"\x80\x04not a parser")
    assert _fresh_parse(text) == want
    assert path.read_bytes()[:2] != b"\x80\x04n"  # replaced by a good one


def test_the_cache_key_follows_the_grammar(cache_home: Path) -> None:
    grammar = grammar_text()
    assert parser_cache_file(grammar) != parser_cache_file(grammar + "\n// changed\n")


def test_a_cache_directory_others_can_write_to_is_not_used(cache_home: Path) -> None:
    folder = cache_home / "rela"
    folder.mkdir(mode=0o700)
    os.chmod(folder, 0o777)
    assert parser_cache_file(grammar_text()) is None
    assert _fresh_parse("spec s { .* : preserve }")  # still parses, built in memory


def test_the_cache_can_be_turned_off(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELA_NO_PARSER_CACHE", "1")
    assert parser_cache_file(grammar_text()) is None
    _fresh_parse("spec s { .* : preserve }")
    assert not (cache_home / "rela").exists()


def test_a_cache_that_cannot_be_written_still_parses(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full or read-only disk: the parser is built in memory, nothing is raised."""

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(P.tempfile, "mkstemp", no_space)
    assert _fresh_parse("spec s { .* : preserve }")
    assert not list((cache_home / "rela").glob("parser-*"))


def test_keywords_are_never_those_of_another_parser(cache_home: Path) -> None:
    """Keyword tables are kept per parser object; a parser built again (other LALR state
    numbers) that gets the id of a freed one must not get the freed one's table (it
    parsed `spec` at the start of a file as an IndexError)."""
    from rela.lang import keywords as K

    built = P._parser()
    P._parser.cache_clear()
    other = P._parser()  # loaded from the cache file: another object
    assert other is not built
    stale = K.keywords_of(built)
    K._CACHE[id(other)] = (built, stale)  # as if `other` had reused the freed id
    assert K.keywords_of(other) is not stale
    assert parse_spec("spec s { .* : preserve }")
