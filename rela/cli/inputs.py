"""Input options shared by ``rela check``, ``rela diff`` and ``rela show``.

Each command declares its parameters with these annotated types, so the
options are spelled and documented the same everywhere, and builds its change
with :func:`change_from_options`::

    @app.command()
    def show(change: ChangeOption = None, before: BeforeOption = None, ...):
        with handle_errors():
            fecs = change_from_options(change, before, after, granularity, groups, start, dst)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from rela.network.load import load_change
from rela.network.model import Change, Granularity

__all__ = [
    "SHARED_INPUTS",
    "AfterOption",
    "BeforeOption",
    "ChangeOption",
    "DstOption",
    "FlowOption",
    "GranularityOption",
    "GroupsOption",
    "StartOption",
    "change_from_options",
]

ChangeOption = Annotated[
    Path | None,
    typer.Option(
        "--change",
        metavar="PATH",
        help="Rela graph JSON change: a .json or .json.gz file, or a directory of chunk files.",
        show_default=False,
    ),
]
BeforeOption = Annotated[
    Path | None,
    typer.Option(
        "--before",
        metavar="PATH",
        help="Pre-change snapshot: a path snapshot file, or a Batfish export (directory or "
        "file prefix).",
        show_default=False,
    ),
]
AfterOption = Annotated[
    Path | None,
    typer.Option(
        "--after",
        metavar="PATH",
        help="Post-change snapshot: a path snapshot file, or a Batfish export (directory or "
        "file prefix).",
        show_default=False,
    ),
]
GranularityOption = Annotated[
    Granularity,
    typer.Option(
        "--granularity",
        "-g",
        metavar="LEVEL",
        help="What one hop of a path is: interface (an inbound interface), device, or group "
        "(a device group, with --groups).",
        case_sensitive=False,
    ),
]
GroupsOption = Annotated[
    Path | None,
    typer.Option(
        "--groups",
        metavar="MAP.json",
        help="Device -> group mapping (a JSON object); needed by --granularity group.",
        show_default=False,
    ),
]
StartOption = Annotated[
    list[str] | None,
    typer.Option(
        "--start",
        metavar="LOC",
        help="Only flows entering at LOC (component-prefix match; repeatable); FECs "
        "without such a flow are left out and counted. For Batfish exports: where flows "
        "start, as device, device|vrf or device[interface] (default: every device).",
        show_default=False,
    ),
]
DstOption = Annotated[
    list[str] | None,
    typer.Option(
        "--dst",
        metavar="PREFIX",
        help="Only FECs whose traffic overlaps PREFIX (repeatable); FECs left out are "
        "counted in the report. A traffic key without dstIp overlaps every prefix.",
        show_default=False,
    ),
]
FlowOption = Annotated[
    list[str] | None,
    typer.Option(
        "--flow",
        metavar="LOC",
        help="Only flows whose start location matches LOC (component prefix; repeatable); "
        "FECs without such a flow are left out and counted.",
        show_default=False,
    ),
]


def change_from_options(
    change: Path | None,
    before: Path | None,
    after: Path | None,
    granularity: Granularity | str = Granularity.DEVICE,
    groups: Path | None = None,
    start: Sequence[str] | None = (),
    dst: Sequence[str] | None = (),
    flow: Sequence[str] | None = (),
) -> Change:
    """The change named by the shared input options (see :func:`rela.network.load_change`).

    Raises :class:`~rela.errors.UsageError` for impossible combinations (for
    example ``--granularity group`` without ``--groups``) and
    :class:`~rela.errors.NetworkInputError` for bad files; call it inside
    :func:`rela.cli.app.handle_errors` to turn them into exit code 2.  A
    filter that selects nothing is found after the pass over the change
    (:func:`rela.network.selection.summarize`, called by ``verify``,
    ``diff_change`` and ``rela show``): a :class:`~rela.errors.UsageError` too.
    """
    return load_change(
        change=change,
        before=before,
        after=after,
        granularity=granularity,
        groups=groups,
        start=tuple(start or ()),
        dst=tuple(dst or ()),
        flow=tuple(flow or ()),
    )


#: Parameter name -> declaration of the shared input options (see rela.cli.options).
SHARED_INPUTS: dict[str, object] = {
    "change": ChangeOption,
    "before": BeforeOption,
    "after": AfterOption,
    "granularity": GranularityOption,
    "groups": GroupsOption,
    "start": StartOption,
    "dst": DstOption,
    "flow": FlowOption,
}
