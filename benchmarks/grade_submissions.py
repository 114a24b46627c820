"""Grade a folder of generated submissions and check the gradebook.

    python benchmarks/grade_submissions.py                  # 30 learners, 2 grading processes
    python benchmarks/grade_submissions.py --learners 10 --jobs 4

Writes learner folders (good, partial, stub, hostile, corrupt and missing notebooks, made from
``solutions/`` by :mod:`cnnkit.grading.batch.samples`) into a temporary folder, grades them with the
grading command into CSV and JSON gradebooks, checks every learner's points and messages and
that no submission file changed, and prints the wall time. Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cnnkit.grading.batch.samples import gradebook_errors, make_submissions, file_hashes  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2, help="grading processes at once (default 2)")
    parser.add_argument("--timeout", type=float, default=15, help="seconds per exercise (default 15)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cnnkit-submissions-") as temp:
        folder, out = Path(temp) / "submissions", Path(temp)
        expected = make_submissions(folder, args.learners, args.seed)
        before = file_hashes(folder)
        command = [sys.executable, "-m", "cnnkit.grading", str(folder), "--jobs", str(args.jobs),
                   "--timeout", str(args.timeout), "--csv", str(out / "grades.csv"), "--json", str(out / "grades.json"),
                   "--quiet"]
        start = time.perf_counter()
        finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                                  env={**os.environ, "PYTHONPATH": str(ROOT)})
        seconds = time.perf_counter() - start
        print(finished.stdout.strip().splitlines()[-1] if finished.stdout.strip() else finished.stderr[-2000:])
        errors = gradebook_errors(out / "grades.csv", out / "grades.json", expected) if finished.returncode == 1 else [
            f"the grading command exited with status {finished.returncode}, expected 1 (some exercises fail)"]
        if file_hashes(folder) != before:
            errors.append("grading changed files of the submissions")
    exercises = sum(len(grades) for grades in expected.values())
    print(f"{args.learners} learners, {exercises} exercises, {args.jobs} grading processes at once, "
          f"{os.cpu_count()} CPU cores: {seconds:.1f} s ({seconds / args.learners:.1f} s per learner)")
    print("gradebook: " + ("correct" if not errors else f"{len(errors)} errors\n  " + "\n  ".join(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
