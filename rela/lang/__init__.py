"""The Rela spec language: parser, AST, printer and JSON form.

>>> from rela.lang import parse_spec, format_module
>>> print(format_module(parse_spec("spec s {a : drop else .* : preserve}")), end="")
spec s {
  a : drop
  else .* : preserve
}
"""

from __future__ import annotations

from rela.lang.jsonast import module_from_json, module_to_json, node_from_json, node_to_json
from rela.lang.parser import MAX_NESTING, load_spec, parse_spec
from rela.lang.printer import (
    format_check,
    format_condition,
    format_module,
    format_path,
    format_relation,
    format_spec,
)

__all__ = [
    "parse_spec",
    "load_spec",
    "MAX_NESTING",
    "format_module",
    "format_path",
    "format_relation",
    "format_check",
    "format_spec",
    "format_condition",
    "module_to_json",
    "module_from_json",
    "node_to_json",
    "node_from_json",
]
