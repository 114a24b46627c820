"""The grading command: ``python -m cnnkit.grading PATH ...`` (or ``cnnkit-grade PATH ...``).

Grades one notebook file, one learner's folder of notebooks (like ``notebooks/``) or a folder
of submissions (one sub-folder or notebook file per learner), each learner in grading
processes of its own, several at once (``--jobs``). Prints a score table and writes the
gradebooks asked for, each written whole or not at all. Every output names the isolation
the learners' code ran under (:mod:`cnnkit.grading.batch.sandbox`). Exit status: 0 when every
exercise passed, 1 when some did not (or a notebook is missing or unrecognised), 2 when the
command could not grade (bad arguments, an ambiguous folder, graders that differ from the
manifest, graders that changed during grading).
"""

from __future__ import annotations

import argparse
import math
import os
import queue
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from cnnkit.grading.batch import snapshot
from cnnkit.grading.batch.allowlist import conflicts
from cnnkit.grading.batch.discovery import AmbiguousLayout, Submission, clean_text, find_submissions
from cnnkit.grading.batch.gradebook import (
    ExerciseGrade,
    Gradebook,
    NotebookGrade,
    report,
    write_classroom,
    write_csv,
    write_json,
    write_junit,
)
from cnnkit.grading.batch.jobs import Limits, Task, cpu_slots, grade_tasks, kill_all, start_grading
from cnnkit.grading.batch.manifest import (
    PACKAGE_ROOT,
    GradersChanged,
    differences,
    digest,
    hash_package,
    read_manifest,
    stale_bytecode,
    verify,
    verify_environment,
    write_manifest,
)
from cnnkit.grading.batch.sandbox import PROCESS_LIMITS, WEAKER_PROMISES, bytecode_cache, choose, isolation
from cnnkit.grading.core import EXERCISES, exercises_of, graded_notebooks

EXIT_PASSED, EXIT_FAILED, EXIT_ERROR = 0, 1, 2
#: Words of the messages of an exercise or a start that ran out of time.
_TIMED_OUT = re.compile(r"timed out|took more than|did not stop within|did not respond")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """Bytes from ``"4G"``, ``"1.5GB"``, ``"512M"`` or ``"0"`` (no limit)."""
    match = _SIZE.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size: use e.g. 4G, 1.5GB, 512M or 0 for no limit")
    number, unit = match.groups()
    return int(float(number) * {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}[unit.lower()])


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def resolve_notebook(text: str, notebooks: list[str]) -> str:
    """The graded notebook a user means by ``01``, ``01_convolution_basics`` or ``01_convolution_basics.ipynb``."""
    text = Path(text).stem
    matches = [nb for nb in notebooks if nb == text or nb[:2] == text.zfill(2)]
    if len(matches) != 1:
        raise argparse.ArgumentTypeError(f"no graded notebook {text!r}; known: {', '.join(notebooks)}")
    return matches[0]


def batches(submissions: list[Submission], jobs: int) -> list[tuple[str, list[Task]]]:
    """Each learner's notebooks to grade, split so that at least ``jobs`` processes can run."""
    by_learner: dict[str, list[Task]] = {}
    for sub in submissions:
        if sub.snapshot is not None and sub.notebook is not None:
            by_learner.setdefault(sub.learner, []).append(Task(sub.notebook, sub.snapshot))
    parts = max(1, math.ceil(jobs / max(1, len(by_learner))))
    return [(learner, part) for learner, tasks in by_learner.items() for part in _split(tasks, parts)]


def _split(tasks: list[Task], parts: int) -> list[list[Task]]:
    """``tasks`` in at most ``parts`` parts of nearly equal size, notebooks that cannot share a runner
    (:func:`~cnnkit.grading.batch.allowlist.conflicts`) in different parts where possible."""
    if parts <= 1 or len(tasks) <= 1:
        return [tasks]
    texts = {}
    for task in tasks:
        try:
            texts[task.notebook] = task.path.read_bytes().decode("utf-8", "replace")
        except OSError:
            texts[task.notebook] = ""
    clashes = conflicts(texts)
    split: list[list[Task]] = [[] for _ in range(min(parts, len(tasks)))]
    for task in tasks:
        free = [part for part in split if not any(frozenset((task.notebook, t.notebook)) in clashes for t in part)]
        min(free or split, key=len).append(task)
    return [part for part in split if part]


def _notebook_grade(sub: Submission, grades: dict) -> NotebookGrade:
    path = clean_text(str(sub.path)) if sub.path else None
    if sub.notebook is None:
        return NotebookGrade(sub.learner, None, path, [], sub.note)
    exercises = []
    for name in exercises_of(sub.notebook):
        passed, message, seconds = grades.get((sub.learner, sub.notebook, name), (False, sub.note, 0.0))
        points = EXERCISES[name].points
        exercises.append(ExerciseGrade(name, passed, points if passed else 0, points, message, seconds))
    return NotebookGrade(sub.learner, sub.notebook, path, exercises, sub.note if sub.path else "",
                         sum(ex.seconds for ex in exercises))


def grade(submissions: list[Submission], limits: Limits, jobs: int, graders: dict[str, str],
          progress=None) -> Gradebook:
    """Grade every submission, ``jobs`` judges at a time, from copies taken before any learner's
    code runs."""
    start = time.perf_counter()
    start_grading()
    with tempfile.TemporaryDirectory(prefix="cnnkit-snapshot-") as folder:
        submissions = snapshot.take(submissions, Path(folder))
        grades = _grade_snapshots(submissions, limits, jobs, graders, progress)
    learners = {name: i for i, name in enumerate(dict.fromkeys(s.learner for s in submissions))}
    notebooks = {name: i for i, name in enumerate(graded_notebooks())}
    ordered = sorted(submissions, key=lambda s: (learners[s.learner], notebooks.get(s.notebook, len(notebooks)),
                                                 str(s.path)))
    slots = cpu_slots(jobs)
    cpus = (f"; each of {jobs} jobs on {len(slots[0])} CPU(s) of its own" if slots else
            f"; {jobs} jobs shared {_cores()} CPUs, so a busy neighbour could slow a learner's grading")
    return Gradebook([_notebook_grade(sub, grades) for sub in ordered], digest(graders), time.perf_counter() - start,
                     isolation().line() + cpus)


def _grade_snapshots(submissions: list[Submission], limits: Limits, jobs: int, graders: dict[str, str],
                     progress) -> dict[tuple[str, str, str], tuple[bool, str, float]]:
    grades: dict[tuple[str, str, str], tuple[bool, str, float]] = {}
    slots = queue.Queue()
    for cpus in cpu_slots(jobs) or [None] * jobs:
        slots.put(cpus)

    def on_own_cpus(tasks: list[Task]):
        cpus = slots.get()
        try:
            return grade_tasks(tasks, limits, graders, cpus)
        finally:
            slots.put(cpus)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(on_own_cpus, tasks): (learner, tasks) for learner, tasks in batches(submissions, jobs)}
        try:
            for future in as_completed(futures):
                learner, tasks = futures[future]
                for (notebook, exercise), value in future.result().items():
                    grades[(learner, notebook, exercise)] = value
                if progress:
                    done = sum(grades.get((learner, t.notebook, ex), (False,))[0]
                               for t in tasks for ex in exercises_of(t.notebook))
                    total = sum(len(exercises_of(t.notebook)) for t in tasks)
                    progress(f"graded {learner}: {', '.join(t.notebook for t in tasks)}: {done}/{total} passed")
        except BaseException:
            for future in futures:
                future.cancel()
            kill_all()
            raise
    if jobs > 1 and cpu_slots(jobs) is None:  # jobs shared CPUs: a time-out may be a neighbour's doing
        for learner, tasks in batches(submissions, 1):
            keys = [(learner, t.notebook, ex) for t in tasks for ex in exercises_of(t.notebook)]
            if any(not grades.get(key, (True, ""))[0] and _TIMED_OUT.search(grades[key][1]) for key in keys):
                if progress:
                    progress(f"re-grading {learner} alone: an exercise timed out while {jobs} jobs shared the CPUs")
                for (notebook, exercise), (passed, message, seconds) in grade_tasks(tasks, limits, graders).items():
                    grades[(learner, notebook, exercise)] = (
                        passed, message + " (re-graded alone after a time-out while jobs shared the CPUs)", seconds)
    return grades


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cnnkit.grading", description=__doc__.split("\n\n")[1].replace("``", ""),
        epilog="Exit status: 0 every exercise passed, 1 some did not, 2 could not grade.")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="a notebook, a learner's folder (e.g. notebooks/) or a folder of submissions")
    what = parser.add_argument_group("what to grade")
    what.add_argument("--notebook", action="append", metavar="NAME",
                      help="grade only this notebook (e.g. 01 or 01_convolution_basics); repeatable")
    what.add_argument("--learner", help="the learner's name for a single file or folder (default: its name)")
    what.add_argument("--submissions", action="store_true",
                      help="read each folder as a folder of submissions, one entry per learner")
    what.add_argument("--list", action="store_true", help="list the graded notebooks, exercises and points")
    limits = parser.add_argument_group("limits")
    cores = _cores()
    limits.add_argument("--jobs", "-j", type=int, default=cores, help=f"grading processes at once (default {cores})")
    limits.add_argument("--timeout", type=float, default=Limits.exercise_seconds,
                        help="seconds each exercise may run (default %(default)g)")
    limits.add_argument("--load-timeout", type=float, default=Limits.load_seconds,
                        help="seconds to start a grading process or load a notebook (default %(default)g)")
    limits.add_argument("--memory-limit", type=parse_size, default=Limits.memory_bytes,
                        help="memory for each learner's grading processes together, shared memory "
                        "included, e.g. 4G (default); 0 for no limit")
    limits.add_argument("--isolation", choices=["auto", "bubblewrap", "limits"], default="auto",
                        help="how to isolate learner code: auto and bubblewrap (the default) use the bubblewrap "
                             "sandbox or stop and say why; limits runs it as you with process limits only")
    limits.add_argument("--force-limits", action="store_true",
                        help="with --isolation limits, grade several learners anyway (their code can change "
                             "each other's grades and files at that level)")
    out = parser.add_argument_group("reports")
    out.add_argument("--json", type=Path, metavar="FILE", help="write a JSON gradebook")
    out.add_argument("--csv", type=Path, metavar="FILE", help="write a CSV gradebook, one row per learner")
    out.add_argument("--junit", type=Path, metavar="FILE", help="write JUnit XML, one test case per exercise")
    out.add_argument("--classroom", type=Path, metavar="FILE",
                     help="write the result JSON of GitHub Classroom's autograding reporter")
    out.add_argument("--details", action="store_true", help="show every exercise of every learner")
    out.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    graders = parser.add_argument_group("graders")
    graders.add_argument("--write-manifest", type=Path, metavar="FILE", help="write the graders' hashes to FILE")
    graders.add_argument("--verify-manifest", type=Path, metavar="FILE",
                         help="grade only if the graders match FILE, and check them again afterwards")
    return parser


def _list() -> str:
    lines = []
    for notebook in graded_notebooks():
        names = exercises_of(notebook)
        lines.append(f"{notebook}: {sum(EXERCISES[n].points for n in names):g} points")
        lines += [f"  {name}: {EXERCISES[name].points:g}" for name in names]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    notebooks = graded_notebooks()
    try:
        only = [resolve_notebook(text, notebooks) for text in args.notebook or []]
    except argparse.ArgumentTypeError as error:
        parser.error(str(error))
    if args.jobs < 1 or args.timeout <= 0 or args.load_timeout <= 0:
        parser.error("--jobs, --timeout and --load-timeout must be positive")
    try:
        choose(args.isolation)
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    if isolation().level == PROCESS_LIMITS:
        print(f"warning: {WEAKER_PROMISES}.", file=sys.stderr)
    if sys.pycache_prefix is None:  # with a prefix of its own, Python never reads the checkout's __pycache__
        planted = stale_bytecode()
        if planted:
            print("error: these bytecode files differ from their source, and Python would run them instead of the "
                  "checked graders: " + ", ".join(planted[:5]) + ". Delete the __pycache__ folders, or run "
                  "python -X pycache_prefix=FOLDER -m cnnkit.grading ...", file=sys.stderr)
            return EXIT_ERROR
    hashes = before = hash_package()
    if args.list:
        print(_list() + f"\ngraders digest: {digest(hashes)}")
    if args.write_manifest:
        write_manifest(args.write_manifest, hashes)
        print(f"Wrote the hashes of {len(hashes)} grader files to {args.write_manifest} (digest {digest(hashes)}).")
    if not args.paths:
        if args.list or args.write_manifest:
            return EXIT_PASSED
        parser.error("give a notebook, a learner's folder or a folder of submissions to grade")
    try:
        inside = [path for path in args.paths if PACKAGE_ROOT.is_relative_to(Path(path).resolve())]
        if inside:
            raise GradersChanged(f"cnnkit was imported from {PACKAGE_ROOT}, inside {clean_text(str(inside[0]))}, the "
                                 "folder being graded: its code could have changed the graders. Grade it with a "
                                 "copy of the course installed elsewhere (e.g. a clone of the release).")
        if args.verify_manifest:
            hashes = read_manifest(args.verify_manifest)
            verify(hashes)
            verify_environment(args.verify_manifest)
        submissions = find_submissions(args.paths, only or None, args.learner, True if args.submissions else None)
    except (GradersChanged, FileNotFoundError, AmbiguousLayout) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    if not submissions:
        print("error: found no notebook to grade in " + ", ".join(clean_text(str(p)) for p in args.paths),
              file=sys.stderr)
        return EXIT_ERROR
    several = len({sub.learner for sub in submissions}) > 1
    if several and isolation().level == PROCESS_LIMITS and not args.force_limits:
        print("error: refusing to grade several learners under process limits: each learner's code would run "
              "as you and could read, change or delete the other learners' notebooks, snapshots and grades. "
              "Install bubblewrap, grade one learner at a time, or add --force-limits to grade them anyway.",
              file=sys.stderr)
        return EXIT_ERROR
    limits = Limits(args.timeout, args.load_timeout, args.memory_limit, max(1, _cores() // args.jobs))
    progress = None if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    if progress:
        progress(isolation().line())
    try:
        book = grade(submissions, limits, args.jobs, hashes, progress)
    except GradersChanged as error:  # a judge's copy of the graders did not match their hashes
        print(f"error: graders changed during grading (the grades were not written): {error}", file=sys.stderr)
        return EXIT_ERROR
    if isolation().level == PROCESS_LIMITS:  # learner code ran as you: no bytecode it could have written is kept
        shutil.rmtree(bytecode_cache(), ignore_errors=True)
    changed = differences(before, hash_package())
    if changed:  # a submission must not have rewritten the graders for those graded after it
        print("error: graders changed during grading (the grades were not written):\n  " + "\n  ".join(changed),
              file=sys.stderr)
        return EXIT_ERROR
    print(report(book, args.details))
    for path, write in ((args.json, write_json), (args.csv, write_csv), (args.junit, write_junit),
                        (args.classroom, write_classroom)):
        if path:
            write(book, path)
    return EXIT_PASSED if book.passed else EXIT_FAILED
