"""A small change-management client of the library, checked with ``mypy --strict``
(tests/package/test_typed.py): every value it takes from ``rela`` has a real type.

Run: python tests/package/typed_client.py SPEC BEFORE AFTER
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import rela


def violations_per_spec(report: rela.Report) -> dict[str, int]:
    """How many violated flows each spec has, from a flat walk over the report."""
    counts: Counter[str] = Counter()
    for violation in report:
        counts[violation.spec] += 1
    return dict(counts)


def describe(violation: rela.Violation) -> list[str]:
    lines = [
        f"{violation.spec}: FEC {violation.fec.index} ({violation.fec.key}), flow {violation.flow}"
    ]
    lines += ["  - " + " -> ".join(path) for path in violation.missing]
    lines += ["  + " + " -> ".join(path) for path in violation.unexpected]
    return lines


def main(spec_file: Path, before: Path, after: Path) -> int:
    try:
        spec = rela.load_spec(spec_file)
        change = rela.load_change(before=before, after=after, granularity="device")
        report = rela.verify(spec, change, max_paths=5)
    except rela.RelaError as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    also = rela.parse_spec("spec everything { .* : preserve }", filename="inline.rela")
    inline: rela.Report = rela.verify(also, change)
    for result in report.specs:
        state: str = "holds" if result.ok else "violated"
        print(f"{result.name}: {state} ({result.holds}/{result.total} FECs)")
    for name, n in sorted(violations_per_spec(report).items()):
        print(f"{name}: {n} violated flow(s)")
    for violation in report:
        print("\n".join(describe(violation)))
    errors: list[str] = [e.message for s in report.specs for e in s.fec_errors]
    print(f"inline spec holds: {inline.holds}; errors: {len(errors)}")
    return 0 if report.holds else 1


if __name__ == "__main__":
    sys.exit(main(*(Path(a) for a in sys.argv[1:4])))
