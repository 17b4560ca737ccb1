"""Default limits shared by the library and every command (cheap to import).

>>> DEFAULT_MAX_STATES, DEFAULT_FEC_TIMEOUT, DEFAULT_MAX_PATHS
(200000, 60.0, 20)
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_MAX_STATES",
    "DEFAULT_FEC_TIMEOUT",
    "DEFAULT_MAX_PATHS",
    "DEFAULT_MAX_CLAUSES",
    "SUGGESTED_NAME",
]

#: Per-FEC limit on automaton states visited by one operation.
DEFAULT_MAX_STATES = 200_000
#: Per-FEC time limit in seconds (0 disables it).
DEFAULT_FEC_TIMEOUT = 60.0
#: Paths listed per path list of a counterexample or a diff (counts stay exact).
DEFAULT_MAX_PATHS = 20
#: Clauses in a suggestion (``rela suggest``), the final ``else .* : preserve`` included.
DEFAULT_MAX_CLAUSES = 10
#: The name of the suggested spec.
SUGGESTED_NAME = "suggested"
