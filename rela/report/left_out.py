"""The notes a verdict line carries when part of the input was not checked.

A quiet ``PASS`` on 4 FECs must not hide that the other 108 of the input were
never checked: every one-line verdict (``rela check``, ``rela diff``) ends with
a note when a filter (``--dst``, ``--start``, ``--flow``...) left FECs out, and
likewise when an ACL changed where no traffic of the run passes
(``acl-change-unchecked``).
"""

from __future__ import annotations

from collections.abc import Sequence

from rela.report.escape import visible
from rela.results import ACL_CHANGE_UNCHECKED, FilterNote, Warning_

__all__ = ["left_out_note", "unchecked_note", "not_checked_note"]


def left_out_note(filters: Sequence[FilterNote], fecs_input: int | None) -> str:
    """``; 108 of 112 FECs left out by --dst`` when input filters left FECs out, else ``""``
    (each FEC is counted by the one filter that left it out, so the counts add up).

    >>> left_out_note((FilterNote("--dst", "10.0.0.0/8", 2, ""),
    ...     FilterNote("--start", "a", 1, "")), 5)
    '; 3 of 5 FECs left out by --dst, --start'
    >>> left_out_note((), None)
    ''
    """
    notes = [f for f in filters if f.left_out]
    if not notes or fecs_input is None:
        return ""
    options = ", ".join(dict.fromkeys(visible(f.option) for f in notes))
    return f"; {sum(f.left_out for f in notes):,} of {fecs_input:,} FECs left out by {options}"


def unchecked_note(warnings: Sequence[Warning_]) -> str:
    """``; 2 ACL changes not checked (acl-change-unchecked)`` when the input warns that
    changed ACLs filter no traffic of the run, else ``""``.

    >>> unchecked_note((Warning_(None, "m", ACL_CHANGE_UNCHECKED),) * 2)
    '; 2 ACL changes not checked (acl-change-unchecked)'
    >>> unchecked_note((Warning_("s", "m", "vacuous-clause"),))
    ''
    """
    n = sum(1 for w in warnings if w.code == ACL_CHANGE_UNCHECKED)
    if not n:
        return ""
    return f"; {n:,} ACL change{'s' if n != 1 else ''} not checked ({ACL_CHANGE_UNCHECKED})"


def not_checked_note(
    filters: Sequence[FilterNote], fecs_input: int | None, warnings: Sequence[Warning_]
) -> str:
    """Everything a one-line verdict must add about what the run did not check: FECs that
    filters left out, then ACL changes no traffic of the run passes."""
    return left_out_note(filters, fecs_input) + unchecked_note(warnings)
