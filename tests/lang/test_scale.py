"""Many ``let`` definitions cost linear work (issue 11 §2): parse, compile, print, lint.

No timing: the work is counted (every Python line executed by the whole
pipeline, Lark's parser included), and it must grow like the number of lets:
work that re-visits earlier lets for each new one shows as a ratio well above 4
for 4x the lets.  Work hidden inside one builtin call (copying a growing set per
declaration, as the printer once did) is one line for that count, so the steps
where it could hide also run once on 10^5 lets, where such a copy takes minutes
and the linear code seconds (a generous bound, not a speed test).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import rela
from rela.compile import compile_module
from rela.lang import ast, format_module, parse_spec
from rela.lint import lint_module


def _lets_text(n: int) -> str:
    """Lets that use earlier lets, names spelled like keywords, then one spec."""
    lines = ["let l0 = a"]
    lines += [f"let l{i} = a{i} l{i // 2} | drop x | then" for i in range(1, n)]
    lines.append(f"spec s {{ l{n - 1} : drop else .* : preserve }}")
    return "\n".join(lines) + "\n"


def _pipeline(text: str) -> None:
    module = parse_spec(text)
    compile_module(module)
    format_module(module)
    lint_module(module)


PACKAGE = str(Path(rela.__file__).parent)


def _lines(work: Callable[[], None]) -> int:
    """Lines (and calls) of Rela's own code executed by ``work`` (Lark's are not counted:
    its LALR parser is linear, and its per-token work would drown ours)."""
    count = 0

    def trace(frame: FrameType, event: str, arg: object) -> Callable[..., object] | None:
        nonlocal count
        if not frame.f_code.co_filename.startswith(PACKAGE):
            return None
        count += 1
        return trace

    sys.settrace(trace)
    try:
        work()
    finally:
        sys.settrace(None)
    return count


def test_work_grows_linearly_with_the_number_of_lets() -> None:
    small, large = 200, 800
    texts = {n: _lets_text(n) for n in (small, large)}
    _pipeline(texts[small])  # warm the caches (the parser is built once per process)
    work = {n: _lines(lambda n=n: _pipeline(texts[n])) for n in (small, large)}
    # 4x the lets: linear work is ~4x; looking at every earlier let again for each
    # new one (even three lines per let) makes it more than 5x
    assert work[large] / work[small] < 4.4, work


def test_a_hundred_thousand_lets_compile_print_and_lint() -> None:
    n = 100_000
    decls: list[ast.Decl] = [ast.Let("l0", ast.Name("a"))]
    decls += [
        ast.Let(
            f"l{i}",
            ast.Alt((ast.Concat((ast.Name(f"a{i}"), ast.Ref(f"l{i // 2}"))), ast.Name("drop"))),
        )
        for i in range(1, n)
    ]
    decls.append(ast.SpecDecl("s", ast.Atomic(ast.Ref(f"l{n - 1}"), ast.Drop())))
    module = ast.Module(tuple(decls))
    started = time.process_time()
    text = format_module(module)
    compile_module(module)
    lint_module(module)
    spent = time.process_time() - started
    assert text.count("\nlet ") == n - 1
    # linear: ~10 s on a slow shared machine; the quadratic printer alone took ~280 s
    assert spent < 120, spent
