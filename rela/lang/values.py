"""The values of traffic guards: prefixes, QoS, protocols, ports, read from their text.

Each reader returns the normalised value or raises :class:`BadValue` with the
message and a one-line fix; the transformer turns that into an error located
at the value.

>>> prefix("2001:DB8::/32"), protocol("TCP"), ports("1024-65535")
('2001:db8::/32', 6, (1024, 65535))
>>> try:
...     ports("90-80")
... except BadValue as exc:
...     print(exc.message, "|", exc.hint)
port range `90-80` is empty (the low end is above the high end) | did you mean `80-90`?
"""

from __future__ import annotations

import difflib
import ipaddress

from rela.protocols import PROTOCOL_NAMES, PROTOCOL_NUMBERS

__all__ = ["BadValue", "prefix", "qos", "protocol", "ports"]


class BadValue(ValueError):
    """A guard value that means nothing: ``message`` and ``hint`` for the user."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def prefix(text: str) -> str:
    """An IPv4 or IPv6 prefix, normalised (a bare address is a host prefix)."""
    text = text.strip()
    try:
        return str(ipaddress.ip_network(text, strict=True))
    except ValueError:
        pass
    try:
        loose = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise BadValue(
            f"invalid prefix `{text}`",
            "write an IPv4 or IPv6 prefix such as 10.0.0.0/8 or 2001:db8::/32 "
            '(quote IPv6 prefixes that start with `:`, e.g. "::/0")',
        ) from None
    raise BadValue(f"invalid prefix `{text}`: host bits are set", f"did you mean `{loose}`?")


def qos(text: str) -> int:
    """A QoS value: a non-negative integer."""
    if not (text.isascii() and text.isdigit()):
        raise BadValue(f"qos must be a non-negative integer, not `{text}`", "write e.g. `qos = 5`")
    if len(text) > 20:  # int() refuses > 4300 digits; no qos is near 10**20
        raise BadValue(f"qos value `{text[:24]}...` is too large")
    return int(text)


def protocol(text: str) -> int:
    """An IP protocol: a name of :data:`rela.protocols.PROTOCOL_NAMES` or a number 0-255."""
    known = ", ".join(PROTOCOL_NAMES.values())
    if text.isascii() and text.isdigit():
        if len(text) > 3 or int(text) > 255:
            raise BadValue(
                f"protocol number {text[:8]} is out of range (0-255)",
                f"write a protocol number 0-255 or a name ({known})",
            )
        return int(text)
    number = PROTOCOL_NUMBERS.get(text.lower())
    if number is None:
        close = difflib.get_close_matches(text.lower(), list(PROTOCOL_NUMBERS), n=1)
        guess = f"did you mean `{close[0]}`? " if close else ""
        raise BadValue(
            f"unknown protocol `{text}`",
            f"{guess}write a name ({known}) or a protocol number 0-255",
        )
    return number


def ports(text: str) -> tuple[int, int]:
    """``80`` -> (80, 80); ``1024-65535`` -> (1024, 65535): an inclusive port range."""
    lo_text, dash, hi_text = text.partition("-")
    numbers = []
    for bound in [lo_text, hi_text] if dash else [lo_text]:
        if not (bound.isascii() and bound.isdigit()):
            raise BadValue(
                f"invalid port `{text}`",
                "write a port number 0-65535 or a range such as 1024-65535",
            )
        if len(bound) > 5 or int(bound) > 65535:
            raise BadValue(f"port {bound[:8]} is out of range (0-65535)", "ports are 0-65535")
        numbers.append(int(bound))
    lo, hi = numbers[0], numbers[-1]
    if lo > hi:
        raise BadValue(
            f"port range `{text}` is empty (the low end is above the high end)",
            f"did you mean `{hi}-{lo}`?",
        )
    return lo, hi
