"""``rela change build``: compute a change (Rela graph JSON) from two Batfish exports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer

from rela.cli.app import app, err_console, handle_errors
from rela.cli.output import emit, refuse_clobber
from rela.errors import UsageError
from rela.network.dataplane import Snapshot
from rela.network.formats.batfish import build_change, find_export, load_snapshot, refuse_problems

__all__ = ["change_app", "build"]

change_app = typer.Typer(
    help="Build changes from network snapshots (Batfish exports).",
    no_args_is_help=True,
)
app.add_typer(change_app, name="change")

_FILE = {"exists": True, "dir_okay": False, "readable": True}


@change_app.command("build")
def build(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the change JSON ('-': stdout).")
    ],
    before: Annotated[
        Path | None,
        typer.Option(
            help="Batfish export of the snapshot before the change (directory or file prefix)."
        ),
    ] = None,
    after: Annotated[
        Path | None,
        typer.Option(
            help="Batfish export of the snapshot after the change (directory or file prefix)."
        ),
    ] = None,
    before_routes: Annotated[
        Path | None,
        typer.Option(help="routes() answer (JSON) before the change.", **_FILE),
    ] = None,
    before_edges: Annotated[
        Path | None,
        typer.Option(help="layer3Edges() answer (JSON) before the change.", **_FILE),
    ] = None,
    before_interfaces: Annotated[
        Path | None,
        typer.Option(
            help="interfaceProperties() answer (JSON) before the change (optional).", **_FILE
        ),
    ] = None,
    before_acls: Annotated[
        Path | None,
        typer.Option(
            help="namedStructures() answer (JSON) before the change (optional: the ACLs).",
            **_FILE,
        ),
    ] = None,
    after_routes: Annotated[
        Path | None,
        typer.Option(help="routes() answer (JSON) after the change.", **_FILE),
    ] = None,
    after_edges: Annotated[
        Path | None,
        typer.Option(help="layer3Edges() answer (JSON) after the change.", **_FILE),
    ] = None,
    after_interfaces: Annotated[
        Path | None,
        typer.Option(
            help="interfaceProperties() answer (JSON) after the change (optional).", **_FILE
        ),
    ] = None,
    after_acls: Annotated[
        Path | None,
        typer.Option(
            help="namedStructures() answer (JSON) after the change (optional: the ACLs).",
            **_FILE,
        ),
    ] = None,
    start: Annotated[
        list[str] | None,
        typer.Option(
            "--start",
            help="Start location: device, device|vrf or device\\[interface] (repeatable; default: every device).",
        ),
    ] = None,
    dst: Annotated[
        list[str] | None,
        typer.Option("--dst", help="Only destinations in this prefix (repeatable; default: all)."),
    ] = None,
    merge: Annotated[
        bool,
        typer.Option(
            "--merge/--no-merge",
            help="Merge destination ranges with identical before/after graphs into one FEC.",
        ),
    ] = True,
) -> None:
    """Compute the forwarding graphs of two Batfish snapshots and write them as a change.

    The output is Rela graph JSON: one entry per FEC (traffic forwarded
    uniformly before and after: destination prefixes, or packet cubes when both
    snapshots come with their ACLs), ready for rela check --change.
    """
    with handle_errors():
        refuse_clobber(
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
        built = build_change(before_snap, after_snap, start=start or (), dst=dst or (), merge=merge)
        for warning in built.warnings:
            err_console.print(f"warning: {warning.message} [{warning.code}]", markup=False)
        refuse_problems(built)
        fecs = built.fecs
        data = orjson.dumps([fec.to_json() for fec in fecs])
        emit(data + b"\n", output)
        if str(output) != "-":
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
    if export is not None:
        if routes or edges or interfaces or acls:
            raise UsageError(f"give either --{side} or --{side}-routes/--{side}-edges, not both")
        return find_export(export).load()
    if routes is None or edges is None:
        raise UsageError(
            f"the {side} snapshot needs --{side} DIR, or both --{side}-routes and --{side}-edges"
        )
    return load_snapshot(routes, edges, interfaces, acls)
