"""A spec file parsed before is loaded from the user's cache, without Lark (rela.lang.spec_cache).

What a user relies on: the loaded AST is the parsed one; a damaged or foreign
file, a spec that does not parse, a changed file name never give a wrong AST
or a missed error; the folder stays bounded; a run on a cached spec does not
import Lark (the point of the cache: start-up).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rela.errors import SpecError
from rela.lang import parser as P
from rela.lang import spec_cache
from rela.lang.keywords import keywords_of
from rela.lang.lexical import KEYWORDS
from rela.lang.parser import load_spec, parse_spec

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted([*ROOT.glob("snapshots/**/*.rela"), *ROOT.glob("docs/**/*.rela")])
TEXT = "spec s { [^core1]* : preserve then core1 : replace(core1, core2) }"


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("RELA_NO_PARSER_CACHE", raising=False)
    yield tmp_path


def load(home: Path, text: str, name: str = "spec.rela") -> object:
    """``load_spec`` of ``text`` written to the file ``name``."""
    path = home / name
    path.write_text(text, encoding="utf-8")
    return load_spec(path)


def files(home: Path) -> list[Path]:
    return sorted((home / "rela").glob("spec-*.pickle"))


def no_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str, filename: str | None) -> None:
        raise AssertionError("parsed, not loaded from the cache")

    monkeypatch.setattr(P, "_parse_text", refuse)


def test_a_spec_file_parsed_before_is_loaded_as_parsed(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert SPECS
    parsed = [load_spec(p) for p in SPECS]
    assert parsed == [parse_spec(p.read_text(encoding="utf-8"), str(p)) for p in SPECS]
    assert len(files(cache_home)) == len(SPECS)
    no_parser(monkeypatch)
    assert [load_spec(p) for p in SPECS] == parsed


def test_text_given_to_parse_spec_is_never_kept(cache_home: Path) -> None:
    parse_spec(TEXT, "a.rela")
    assert files(cache_home) == []


def test_the_key_follows_the_text_and_the_file_name(cache_home: Path) -> None:
    load(cache_home, TEXT, "a.rela")
    load(cache_home, TEXT, "b.rela")
    load(cache_home, TEXT + "\n", "a.rela")
    assert len(files(cache_home)) == 3
    # the AST names its file (reports cite clauses as file:line:col), which equality
    # does not compare: a file's AST, loaded, names that file
    for name in ("a.rela", "b.rela"):
        assert load(cache_home, TEXT, name).filename == str(cache_home / name)  # type: ignore[attr-defined]


def test_a_spec_that_does_not_parse_is_never_kept(cache_home: Path) -> None:
    for _ in range(2):
        with pytest.raises(SpecError) as err:
            load(cache_home, "spec s { core1 : }", "bad.rela")
        assert err.value.filename == str(cache_home / "bad.rela")
    assert files(cache_home) == []


@pytest.mark.parametrize(
    "content",
    [b"\x80\x05not a pickle", b"", pickle.dumps({"decls": ()}), pickle.dumps("spec")],
    ids=["damaged", "empty", "foreign", "text"],
)
def test_a_damaged_or_foreign_file_is_parsed_again_and_replaced(
    cache_home: Path, content: bytes
) -> None:
    want = load(cache_home, TEXT)
    (path,) = files(cache_home)
    path.write_bytes(content)
    assert load(cache_home, TEXT) == want
    assert pickle.loads(path.read_bytes()) == want


def test_the_folder_is_bounded(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spec_cache, "MAX_SPECS", 3)
    for i in range(6):
        load(cache_home, f"spec s{i} {{ .* : preserve }}")
    assert len(files(cache_home)) == 3


def test_off_with_the_parser_cache(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELA_NO_PARSER_CACHE", "1")
    load(cache_home, TEXT)
    assert not (cache_home / "rela").exists()
    os.makedirs(cache_home / "rela", mode=0o700)
    os.chmod(cache_home / "rela", 0o777)  # others can write: not used either
    monkeypatch.delenv("RELA_NO_PARSER_CACHE")
    load(cache_home, TEXT)
    assert files(cache_home) == []


def test_only_keywords_are_contested_so_the_printer_asks_the_parser_about_them_alone() -> None:
    assert keywords_of(P._parser()).contested <= KEYWORDS


PROBE = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('LARK' if 'lark' in sys.modules else 'NO-LARK',"
    " file=sys.stderr))\n"
    "sys.argv = ['rela', *sys.argv[1:]]\n"
    "from rela.entry import main\n"
    "main()\n"
)


def test_a_check_of_a_cached_spec_does_not_import_lark(tmp_path: Path) -> None:
    fecs = json.loads((ROOT / "snapshots" / "graphs" / "reroute.json").read_text())
    change = tmp_path / "one.json"
    change.write_text(json.dumps(fecs[:1]))
    spec = tmp_path / "keep.rela"
    spec.write_text("spec keep { .* : preserve }\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("RELA_NO_PARSER_CACHE", None)
    cmd = [sys.executable, "-c", PROBE, "check", str(spec), "--change", str(change), "-q"]
    runs = [subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
            for _ in range(2)]  # fmt: skip
    assert [r.stdout for r in runs] == ["PASS: 1 spec holds on 1 FEC\n"] * 2
    assert [r.stderr.strip().splitlines()[-1] for r in runs] == ["LARK", "NO-LARK"]


def test_every_module_named_in_the_key_exists() -> None:
    """A renamed module would silently leave the key (a missing file is skipped there)."""
    package = Path(spec_cache.__file__).resolve().parents[1]
    assert all((package / name).is_file() for name in spec_cache._AST_SOURCES)
