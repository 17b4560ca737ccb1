"""Text from input files made safe and visible in HTML and SVG.

Location names, FEC keys and spec names come from files a user does not
control: they may hold ``<``, ``&``, quotes, control characters, bidirectional
overrides or lone surrogates.  :func:`esc` makes any string safe as element
text *and* as a quoted attribute value: first made visible by the escape
policy every renderer shares (:func:`rela.report.escape.visible`: a name
with a tab must not look like a name with a space), then HTML-escaped.

>>> esc('a<b & "c"')
'a&lt;b &amp; &quot;c&quot;'
>>> esc("x\\ty\\x00")
'x\\\\ty\\\\x00'
"""

from __future__ import annotations

import html

# the one escape policy of every renderer (controls, bidi overrides, line
# separators, lone surrogates, the brackets reserved for hops that are not locations)
from rela.report.escape import visible

__all__ = ["esc", "visible"]


def esc(text: object) -> str:
    """``text`` (any value, as ``str``) escaped for HTML/SVG text and attributes."""
    return html.escape(visible(str(text)), quote=True)
