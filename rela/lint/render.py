"""``rela lint`` output: compiler-style text lines, or JSON.

>>> from rela.results import Warning_
>>> w = Warning_("s", "spec `s` has no final catch-all", "no-catch-all", "end with `else .* : preserve`", 2, 1)
>>> print(render_text(LintResult(("s",), (w,)), "f.rela"), end="")
f.rela:2:1: warning[no-catch-all]: spec `s` has no final catch-all
  hint: end with `else .* : preserve`
1 warning in 1 spec of f.rela
"""

from __future__ import annotations

import io
import json
from collections import Counter

from rich.console import Console
from rich.text import Text

from rela.lint.change import LintResult
from rela.results import Warning_

__all__ = ["render_text", "render_json", "summary_line"]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(result: LintResult, filename: str) -> str:
    """``2 warnings in 3 specs of f.rela`` or ``clean: 3 specs of f.rela, no warnings``."""
    specs = _plural(len(result.specs), "spec")
    fecs = "" if result.fecs is None else f" (checked against {_plural(result.fecs, 'FEC')})"
    if result.clean:
        return f"clean: {specs} of {filename}, no warnings{fecs}"
    return f"{_plural(len(result.warnings), 'warning')} in {specs} of {filename}{fecs}"


def _where(w: Warning_, filename: str) -> str:
    if w.line is None:
        return filename
    return f"{filename}:{w.line}:{w.column}" if w.column is not None else f"{filename}:{w.line}"


def render_text(
    result: LintResult, filename: str, *, color: bool = False, quiet: bool = False
) -> str:
    """One ``FILE:LINE:COL: warning[CODE]: message`` line per warning, its hint, a summary."""
    buf = io.StringIO()
    console = Console(
        file=buf,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
    )
    if not quiet:
        for w in result.warnings:
            spec = "" if w.line is not None or w.spec is None else f" (spec `{w.spec}`)"
            console.print(
                Text.assemble(
                    (_where(w, filename), "bold"),
                    ": ",
                    ("warning", "yellow"),
                    (f"[{w.code}]", "yellow"),
                    f": {w.message}{spec}",
                )
            )
            if w.hint:
                console.print(Text.assemble("  ", ("hint", "cyan"), f": {w.hint}"))
    console.print(summary_line(result, filename), style="green" if result.clean else "yellow")
    return buf.getvalue()


def render_json(result: LintResult, filename: str) -> str:
    """The result as JSON: ``file``, ``specs``, ``fecs``, ``outside_domain``, ``warnings``,
    ``summary`` (``warnings`` and ``by_code`` counts)."""
    data = {"file": filename, **result.to_dict()}
    data["summary"] = {
        "warnings": len(result.warnings),
        "by_code": dict(sorted(Counter(w.code for w in result.warnings).items())),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
