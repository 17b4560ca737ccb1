"""The spec corpora: every valid file parses and round-trips; every invalid one
fails at the line:col and with the message its first line announces."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rela.compile import compile_module
from rela.errors import RelaError, SpecError
from rela.lang import format_module, load_spec, parse_spec

CORPUS = Path(__file__).parent / "corpus"
VALID = sorted((CORPUS / "valid").glob("*.rela"))
INVALID = sorted((CORPUS / "invalid").glob("*.rela"))
EXAMPLES = sorted((Path(__file__).parents[2] / "snapshots" / "specs").glob("*.rela"))
EXPECT = re.compile(r"#\s*expect:\s*(\d+):(\d+)\s+(.*)")


def test_corpora_are_not_empty() -> None:
    assert len(VALID) >= 8
    assert len(INVALID) >= 30


@pytest.mark.parametrize("path", VALID + EXAMPLES, ids=lambda p: p.stem)
def test_valid_file_parses_and_round_trips(path: Path) -> None:
    module = load_spec(path)
    assert module.decls
    text = format_module(module)
    assert parse_spec(text) == module
    assert format_module(parse_spec(text)) == text
    compile_module(module)  # compiles without error


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_file_is_rejected_with_location(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    m = EXPECT.match(text.splitlines()[0])
    assert m, f"{path.name}: first line must be `# expect: LINE:COL message`"
    line, column, message = int(m[1]), int(m[2]), m[3].strip()
    with pytest.raises(SpecError) as info:
        load_spec(path)
    err = info.value
    rendered = err.render()
    assert (err.line, err.column) == (line, column), rendered
    assert message in rendered, rendered
    assert rendered.startswith(f"{path}:{line}:{column}: error: ")
    # the caret sits under the reported column
    src_line, caret = rendered.splitlines()[1:3]
    assert caret.index("^") == column + 1
    assert src_line[2:] == text.splitlines()[line - 1].replace("\t", " ")


def test_every_error_is_a_rela_error() -> None:
    for path in INVALID:
        with pytest.raises(RelaError):
            load_spec(path)
