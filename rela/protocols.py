"""IP protocol numbers and the names specs, inputs and reports use for them.

>>> PROTOCOL_NUMBERS["tcp"], PROTOCOL_NAMES[17]
(6, 'udp')
"""

from __future__ import annotations

__all__ = ["PROTOCOL_NAMES", "PROTOCOL_NUMBERS"]

#: Protocol number -> name (the names `proto = ...` accepts and reports print).
PROTOCOL_NAMES: dict[int, str] = {1: "icmp", 6: "tcp", 17: "udp", 58: "icmpv6"}
#: Name -> protocol number.
PROTOCOL_NUMBERS: dict[str, int] = {v: k for k, v in PROTOCOL_NAMES.items()}
