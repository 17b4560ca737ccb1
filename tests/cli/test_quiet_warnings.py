"""``-q`` keeps stdout to the verdict line, but never hides a warning: they go to stderr.

A CI job running ``rela check -q`` on a spec that names nothing (a typo) must
learn it from its log, as a full report would tell it.  Warnings the verdict
line already carries (``filtered``: what filters left out) are not repeated.
"""

from __future__ import annotations

from subprocess import CompletedProcess

from tests.cli.conftest import Inputs, run_rela


def _typo_check(inputs: Inputs, *options: str) -> CompletedProcess[str]:
    """A quiet check of a spec whose only name is a typo, on a change that changes nothing:
    a PASS that checks nothing of what the spec is about."""
    spec = inputs.root / "typo.rela"
    spec.write_text("spec s { .* cor1 .* : remove(.* cor1 .*) else .* : preserve }\n")
    before = ("--before", str(inputs.before), "--after", str(inputs.before))
    return run_rela("check", spec, *before, "-q", *options)


def test_check_quiet_prints_the_warnings_of_the_report_on_stderr(inputs: Inputs) -> None:
    done = _typo_check(inputs)
    assert done.returncode == 0
    assert done.stdout == "PASS: 1 spec holds on 3 FECs\n"
    assert done.stderr.splitlines() == [
        "warning: s: name 'cor1' matches no location of the input; closest: core1, core2"
        " [unknown-name]",
        "  hint: did you mean core1, core2?",
        "warning: s: clause `.* cor1 .* : remove(.* cor1 .*)` at 1:10 applied to no FEC"
        " [vacuous-clause]",
        "  hint: no before or after path falls in its domain: check its names, or whether an"
        " earlier clause (else priority) already takes these paths",
    ]


def test_check_quiet_with_strict_still_fails_and_says_why(inputs: Inputs) -> None:
    done = _typo_check(inputs, "--strict")
    assert done.returncode == 1
    assert done.stdout == "PASS: 1 spec holds on 3 FECs\n"
    assert "[unknown-name]" in done.stderr
    assert done.stderr.rstrip().splitlines()[-1].startswith("error: --strict:")


def test_check_quiet_without_warnings_writes_nothing_to_stderr(inputs: Inputs) -> None:
    spec = inputs.root / "keep.rela"
    spec.write_text("spec keep { .* : preserve }\n")
    done = run_rela("check", spec, *inputs.snapshot_args(), "-q")
    assert (done.returncode, done.stderr) == (1, "")


def test_quiet_does_not_repeat_what_the_verdict_line_tells(inputs: Inputs) -> None:
    spec = inputs.root / "keep.rela"
    spec.write_text("spec keep { .* : preserve }\n")
    checked = run_rela("check", spec, "--change", inputs.graphs, "--dst", "10.0.1.0/24", "-q")
    diffed = run_rela("diff", "--change", inputs.graphs, "--dst", "10.0.1.0/24", "-q")
    assert checked.stdout.endswith("; 2 of 3 FECs left out by --dst\n")
    assert diffed.stdout.endswith("; 2 of 3 FECs left out by --dst\n")
    assert (checked.stderr, diffed.stderr) == ("", "")


def test_diff_quiet_prints_input_warnings_on_stderr(inputs: Inputs) -> None:
    (inputs.chunks / "notes.txt").write_text("not a chunk\n")
    done = run_rela("diff", "--change", inputs.chunks, "-q")
    assert done.stdout.count("\n") == 1
    assert done.stderr.startswith("warning: 1 entry of the change directory "), done.stderr
    assert "notes.txt [skipped-file]\n  hint: only *.json" in done.stderr
