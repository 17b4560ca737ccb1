"""Untrusted names made visible: the one escape function of every text renderer.

Location names, FEC keys, traffic keys and spec names come from input files.
Rela accepts any character in them (a name is data, and refusing would make
some real inputs unusable), but a text or Markdown report must not let a name
*act*: a newline could print a forged ``PASS`` line, a carriage return
overwrite the verdict, an ESC sequence drive the terminal, a bidirectional
override reorder what a reader sees.  :func:`visible` replaces each such
character by a visible escape, so one name always prints as one run of
ordinary characters:

* C0 controls, DEL and C1 controls: ``\\n``, ``\\r``, ``\\t``, else ``\\xNN``;
* line and paragraph separators (U+2028, U+2029), bidirectional marks,
  embeddings, overrides and isolates: ``\\uNNNN``;
* lone surrogates (only possible in names built by hand): ``\\uDNNN``;
* ``⟨`` and ``⟩`` (U+27E8, U+27E9): reserved for the hops that are not
  locations (``⟨any other location⟩``), so no name can pass for one.

Backslashes are left alone: ``\\n`` in a report is either an escaped newline
or a name that contains a backslash and an ``n`` — neither can forge a line.
JSON and JUnit XML escape by their own rules (see docs/robustness.md).

>>> visible("core1\\nPASS: 1 spec holds")
'core1\\\\nPASS: 1 spec holds'
>>> visible("r1\\x1b[2J"), visible("⟨any other location⟩")
('r1\\\\x1b[2J', '\\\\u27e8any other location\\\\u27e9')
>>> visible("BORDER-1.DC1|vrf|Gi3/1/1")
'BORDER-1.DC1|vrf|Gi3/1/1'
"""

from __future__ import annotations

import re

__all__ = ["visible", "UNSAFE"]

#: Every character :func:`visible` escapes.
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\u27e8\u27e9\ud800-\udfff]"
)

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    named = _NAMED.get(c)
    if named is not None:
        return named
    code = ord(c)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every character that could forge or hide output escaped (see above)."""
    if UNSAFE.search(text) is None:
        return text
    return UNSAFE.sub(_escape, text)
