"""``python -m rela.synth``: write a synthetic change (see :mod:`rela.synth`)."""

from __future__ import annotations

import argparse
import sys

from rela.synth.change import BUGS, CHANGES
from rela.synth.generate import CHANGE_DIR, generate


def _count(text: str) -> int:
    """``1000``, ``1e6``, ``10_000`` -> an int."""
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1 or value != int(value):
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return int(value)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m rela.synth",
        description="Generate a synthetic network change (Rela graph JSON chunks), the spec "
        "it should satisfy and the FECs an injected bug must violate.",
    )
    p.add_argument(
        "--topology",
        choices=("clos", "wan"),
        default="clos",
        help="network shape (default: %(default)s)",
    )
    p.add_argument(
        "--fecs",
        type=_count,
        metavar="N",
        default=1000,
        help="number of FECs, e.g. 1e6 (default: %(default)s)",
    )
    p.add_argument(
        "--change", choices=CHANGES, default="drain", help="the change (default: %(default)s)"
    )
    p.add_argument(
        "--bug", choices=BUGS, default="blackhole", help="the injected bug (default: %(default)s)"
    )
    p.add_argument(
        "--seed", type=int, metavar="N", default=0, help="random seed (default: %(default)s)"
    )
    p.add_argument("--out", required=True, metavar="DIR", help="output directory (required)")
    p.add_argument(
        "--chunk-size",
        type=_count,
        metavar="N",
        default=1000,
        help="FECs per chunk file (default: %(default)s)",
    )
    size = p.add_argument_group(
        "topology size (defaults: clos 8 pods x (8 ToRs + 4 leaves) + 4 spines; wan 16 regions x 6 PEs)"
    )
    size.add_argument("--pods", type=_count, metavar="N", help="clos: pods")
    size.add_argument("--tors", type=_count, metavar="N", help="clos: ToRs per pod")
    size.add_argument("--leaves", type=_count, metavar="N", help="clos: leaves per pod")
    size.add_argument("--spines", type=_count, metavar="N", help="clos: spines")
    size.add_argument("--regions", type=_count, metavar="N", help="wan: regions")
    size.add_argument("--pops", type=_count, metavar="N", help="wan: PE routers per region")
    size.add_argument("--parallel", type=_count, metavar="N", help="parallel links per bundle")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    return p


_CLOS = ("pods", "tors", "leaves", "spines", "parallel")
_WAN = ("regions", "pops", "parallel")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    allowed = _CLOS if args.topology == "clos" else _WAN
    params = {}
    for name in set(_CLOS) | set(_WAN):
        value = getattr(args, name)
        if value is None:
            continue
        if name not in allowed:
            parser().error(f"--{name} does not apply to --topology {args.topology}")
        params[name] = value
    try:
        g = generate(
            args.out,
            topology=args.topology,
            fecs=args.fecs,
            change=args.change,
            bug=args.bug,
            seed=args.seed,
            chunk_size=args.chunk_size,
            **params,
        )
    except (ValueError, RuntimeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        sc = g.expected["scenario"]
        print(
            f"wrote {g.fecs} FECs in {g.chunks} chunk(s) to {g.change_dir} "
            f"({g.bytes / 1e6:.1f} MB) in {g.seconds:.2f} s "
            f"({g.fecs / g.seconds:,.0f} FECs/s)\n"
            f"  {sc['topology']['kind']}: {sc['topology']['devices']} devices, "
            f"{sc['templates_used']}/{sc['templates']} graph templates used; "
            f"change {sc['change']}; bug {sc['bug']}\n"
            f"  {sc['fecs_changed']} FECs changed by the change, "
            f"{len(g.violating)} must violate spec {g.expected['spec']!r}\n"
            f"  check: rela check {g.spec_path} --change {g.out / CHANGE_DIR}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
