"""The AST as plain JSON data (``rela parse --format json``), and back.

Every node becomes ``{"node": <class name>, <field>: ..., "span": {...}}``;
tuples become lists; ``span`` is present only when the node has one.

>>> from rela.lang import ast
>>> node_to_json(ast.Concat((ast.Name("a"), ast.AnyLoc())))
{'node': 'Concat', 'parts': [{'node': 'Name', 'text': 'a'}, {'node': 'AnyLoc'}]}
"""

from __future__ import annotations

import dataclasses
from typing import Any

from rela.errors import SpecSemanticError
from rela.lang import ast

__all__ = ["node_to_json", "node_from_json", "module_to_json", "module_from_json"]

_CLASSES: dict[str, type] = {
    name: cls
    for name in ast.__all__
    if isinstance(cls := getattr(ast, name), type) and dataclasses.is_dataclass(cls)
}


def _span_json(span: ast.Span) -> dict[str, int]:
    return {
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
    }


def node_to_json(node: Any) -> Any:
    """JSON-ready data for an AST node (or a tuple of nodes, or a plain value)."""
    if isinstance(node, tuple):
        return [node_to_json(item) for item in node]
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return node
    out: dict[str, Any] = {"node": type(node).__name__}
    for f in dataclasses.fields(node):
        if f.name in ("span", "filename"):
            continue
        out[f.name] = node_to_json(getattr(node, f.name))
    span = getattr(node, "span", None)
    if span is not None:
        out["span"] = _span_json(span)
    return out


def node_from_json(data: Any) -> Any:
    """The inverse of :func:`node_to_json` (lists become tuples)."""
    if isinstance(data, list):
        return tuple(node_from_json(item) for item in data)
    if not isinstance(data, dict) or "node" not in data:
        return data
    cls = _CLASSES.get(data["node"])
    if cls is None or cls is ast.Module:
        raise ValueError(f"unknown AST node {data['node']!r}")
    kwargs = {k: node_from_json(v) for k, v in data.items() if k not in ("node", "span")}
    if "span" in data:
        kwargs["span"] = ast.Span(**data["span"])
    return cls(**kwargs)


def module_to_json(module: ast.Module) -> dict[str, Any]:
    """``{"node": "Module", "filename": ..., "decls": [...]}``."""
    try:
        decls = [node_to_json(d) for d in module.decls]
    except RecursionError:
        raise SpecSemanticError("spec nested too deeply to convert to JSON") from None
    return {"node": "Module", "filename": module.filename, "decls": decls}


def module_from_json(data: dict[str, Any]) -> ast.Module:
    """The inverse of :func:`module_to_json`."""
    return ast.Module(
        tuple(node_from_json(d) for d in data["decls"]), filename=data.get("filename")
    )
