"""Grade a folder of generated submissions, check the gradebook, and time each isolation level.

    python benchmarks/grade_submissions.py                  # 30 learners, 2 judges at once, both levels
    python benchmarks/grade_submissions.py --learners 10 --jobs 4 --isolation bubblewrap

Writes learner folders (good, partial, stub, hostile, corrupt and missing notebooks, made from
``solutions/`` by :mod:`grading_samples`) into a temporary folder, grades them with the
grading command into CSV and JSON gradebooks, checks every learner's points and messages and
that no submission file changed, and prints how many learners passed each exercise and the wall
time of each isolation level asked for:
``limits`` (judge and runner as plain processes with resource limits: the old grader's level of
isolation, with the judge/runner split; forced with ``--force-limits``: this times that level, it does
not test its protection, which does not keep one learner from another) and ``bubblewrap`` (namespaces, read-only system; the
issue asks that it cost at most 1.5 times ``limits``). Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cnnkit.config import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "tests"))  # the generated submissions are the tests' samples
from grading_samples import file_hashes, gradebook_errors, make_submissions  # noqa: E402


def grade_once(folder: Path, out: Path, expected: dict, args: argparse.Namespace, level: str) -> tuple[float, list[str]]:
    """Grade ``folder`` at isolation ``level``; return the wall time and what is wrong with the gradebook."""
    before = file_hashes(folder)
    command = [sys.executable, "-m", "cnnkit.grading", str(folder), "--jobs", str(args.jobs), "--timeout",
               str(args.timeout), "--isolation", level, "--csv", str(out / "grades.csv"), "--json",
               str(out / "grades.json"), "--quiet"] + (["--force-limits"] if level == "limits" else [])
    start = time.perf_counter()
    finished = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = finished.stdout.strip().splitlines()
    print("\n".join(lines[-2:]) if lines else finished.stderr[-2000:])
    errors = gradebook_errors(out / "grades.csv", out / "grades.json", expected) if finished.returncode == 1 else [
        f"the grading command exited with status {finished.returncode}, expected 1 (some exercises fail)"]
    if file_hashes(folder) != before:
        errors.append("grading changed files of the submissions")
    return seconds, errors


def passes_per_exercise(json_path: Path) -> dict[str, tuple[int, int]]:
    """``{"notebook:exercise": (learners who passed it, learners graded on it)}`` from a JSON gradebook."""
    counts: dict[str, list[int]] = {}
    for learner in json.loads(json_path.read_text(encoding="utf-8"))["learners"]:
        for notebook in learner["notebooks"]:
            for exercise in notebook["exercises"]:
                count = counts.setdefault(f"{notebook['notebook']}:{exercise['exercise']}", [0, 0])
                count[0] += bool(exercise["passed"])
                count[1] += 1
    return {name: (passed, graded) for name, (passed, graded) in counts.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2, help="judges at once (default 2)")
    parser.add_argument("--timeout", type=float, default=15, help="seconds per exercise (default 15)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--isolation", choices=["both", "limits", "bubblewrap"], default="both")
    args = parser.parse_args()
    levels = ["limits", "bubblewrap"] if args.isolation == "both" else [args.isolation]
    times, failed = {}, False
    with tempfile.TemporaryDirectory(prefix="cnnkit-submissions-") as temp:
        folder, out = Path(temp) / "submissions", Path(temp)
        expected = make_submissions(folder, args.learners, args.seed)
        exercises = sum(len(grades) for grades in expected.values())
        for level in levels:
            seconds, errors = grade_once(folder, out, expected, args, level)
            times[level] = seconds
            failed |= bool(errors)
            print(f"{level}: {args.learners} learners, {exercises} exercises, {args.jobs} judges at once, "
                  f"{os.cpu_count()} CPU cores: {seconds:.1f} s ({seconds / args.learners:.1f} s per learner)")
            print("  gradebook: " + ("correct" if not errors else f"{len(errors)} errors\n    " + "\n    ".join(errors)))
            if (out / "grades.json").is_file():
                counts = passes_per_exercise(out / "grades.json")
                print(f"  learners who passed each exercise ({len(counts)} exercises, "
                      f"{seconds / max(1, sum(g for _, g in counts.values())):.2f} s per graded exercise):")
                print("    " + "\n    ".join(f"{name}: {passed}/{graded}" for name, (passed, graded) in counts.items()))
    if len(times) == 2:
        print(f"bubblewrap / limits: {times['bubblewrap'] / times['limits']:.2f}x")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
