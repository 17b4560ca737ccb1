"""Text from input files made safe and visible in HTML and SVG.

Location names, FEC keys and spec names come from files a user does not
control: they may hold ``<``, ``&``, quotes, control characters or lone
surrogates.  :func:`esc` makes any string safe as element text *and* as a
quoted attribute value; control characters become visible escapes (a name
with a tab must not look like a name with a space).

>>> esc('a<b & "c"')
'a&lt;b &amp; &quot;c&quot;'
>>> esc("x\\ty\\x00")
'x\\\\ty\\\\x00'
"""

from __future__ import annotations

import html
import re

__all__ = ["esc", "visible"]

# C0 and C1 controls, DEL, lone surrogates, and the two non-characters U+FFFE/U+FFFF
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape_one(m: re.Match[str]) -> str:
    ch = m.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character (and lone surrogate) written as an escape.

    >>> visible("core1\\nx")
    'core1\\\\nx'
    """
    return _INVISIBLE.sub(_escape_one, text)


def esc(text: object) -> str:
    """``text`` (any value, as ``str``) escaped for HTML/SVG text and attributes."""
    return html.escape(visible(str(text)), quote=True)
