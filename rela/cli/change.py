"""``rela change build``: compute a change (Rela graph JSON) from two Batfish exports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from rela.cli.app import app, err_console, handle_errors
from rela.cli.inputs import AfterOption, BeforeOption, DstOption, StartOption
from rela.cli.options import OutputOption
from rela.cli.output import check_output, emit, is_stdout
from rela.errors import UsageError

if TYPE_CHECKING:
    from rela.network.dataplane import Snapshot

__all__ = ["change_app", "build"]

change_app = typer.Typer(
    help="Build changes from network snapshots (Batfish exports).",
    no_args_is_help=True,
)
app.add_typer(change_app, name="change")

_FILE = {"exists": True, "dir_okay": False, "readable": True}


@change_app.command("build")
def build(
    before: BeforeOption = None,
    after: AfterOption = None,
    before_routes: Annotated[
        Path | None,
        typer.Option(
            "--before-routes",
            metavar="FILE",
            help="routes() answer (JSON) before the change.",
            **_FILE,
        ),
    ] = None,
    before_edges: Annotated[
        Path | None,
        typer.Option(
            "--before-edges",
            metavar="FILE",
            help="layer3Edges() answer (JSON) before the change.",
            **_FILE,
        ),
    ] = None,
    before_interfaces: Annotated[
        Path | None,
        typer.Option(
            "--before-interfaces",
            metavar="FILE",
            help="interfaceProperties() answer (JSON) before the change (optional).",
            **_FILE,
        ),
    ] = None,
    before_acls: Annotated[
        Path | None,
        typer.Option(
            "--before-acls",
            metavar="FILE",
            help="namedStructures() answer (JSON) before the change (optional: the ACLs).",
            **_FILE,
        ),
    ] = None,
    after_routes: Annotated[
        Path | None,
        typer.Option(
            "--after-routes",
            metavar="FILE",
            help="routes() answer (JSON) after the change.",
            **_FILE,
        ),
    ] = None,
    after_edges: Annotated[
        Path | None,
        typer.Option(
            "--after-edges",
            metavar="FILE",
            help="layer3Edges() answer (JSON) after the change.",
            **_FILE,
        ),
    ] = None,
    after_interfaces: Annotated[
        Path | None,
        typer.Option(
            "--after-interfaces",
            metavar="FILE",
            help="interfaceProperties() answer (JSON) after the change (optional).",
            **_FILE,
        ),
    ] = None,
    after_acls: Annotated[
        Path | None,
        typer.Option(
            "--after-acls",
            metavar="FILE",
            help="namedStructures() answer (JSON) after the change (optional: the ACLs).",
            **_FILE,
        ),
    ] = None,
    start: StartOption = None,
    dst: DstOption = None,
    merge: Annotated[
        bool,
        typer.Option(
            "--merge/--no-merge",
            help="Merge destination ranges with identical before/after graphs into one FEC.",
        ),
    ] = True,
    output: OutputOption = None,
) -> None:
    """Compute the forwarding graphs of two Batfish snapshots and write them as a change.

    The output is Rela graph JSON: one entry per FEC (traffic forwarded
    uniformly before and after: destination prefixes, or packet cubes when both
    snapshots come with their ACLs), ready for rela check --change; to stdout
    without --output.  Exit status: 0 written; 2 bad input or usage.
    """
    with handle_errors():
        check_output(
            output,
            [before, before_routes, before_edges, before_interfaces, before_acls]
            + [after, after_routes, after_edges, after_interfaces, after_acls],
        )
        before_snap = _snapshot(
            "before", before, before_routes, before_edges, before_interfaces, before_acls
        )
        after_snap = _snapshot(
            "after", after, after_routes, after_edges, after_interfaces, after_acls
        )
        from rela.network.formats.batfish import build_change, refuse_problems

        built = build_change(before_snap, after_snap, start=start or (), dst=dst or (), merge=merge)
        for warning in built.warnings:
            err_console.warn(warning)
        refuse_problems(built)
        fecs = built.fecs
        data = orjson.dumps([fec.to_json() for fec in fecs])
        emit(data + b"\n", output)
        if not is_stdout(output):
            changed = sum(1 for fec in fecs if fec.before != fec.after)
            err_console.print(
                f"wrote {len(fecs)} FECs ({changed} with changed forwarding) to {output}",
                markup=False,
            )


def _snapshot(
    side: str,
    export: Path | None,
    routes: Path | None,
    edges: Path | None,
    interfaces: Path | None,
    acls: Path | None,
) -> Snapshot:
    from rela.network.formats.batfish import find_export, load_snapshot

    if export is not None:
        if routes or edges or interfaces or acls:
            raise UsageError(f"give either --{side} or --{side}-routes/--{side}-edges, not both")
        return find_export(export).load()
    if routes is None or edges is None:
        raise UsageError(
            f"the {side} snapshot needs --{side} DIR, or both --{side}-routes and --{side}-edges"
        )
    return load_snapshot(routes, edges, interfaces, acls)
