"""Generated submissions, good, partial and hostile, with the grades they must get.

Used to prove the grading command (``tests/test_grading_command.py``) and to time it
(``benchmarks/grade_submissions.py``). Every learner gets a folder with one file per graded
notebook, made from ``solutions/``: the complete solution, the learner's stub, a mix of the
two, or a solution in which some answers are replaced by hostile code (one line each).
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

from cnnkit.course.notebooks import SOLUTIONS_DIR, STUB, exercise_name, learner_version, strip_solutions
from cnnkit.grading.core import EXERCISES, exercises_of, graded_notebooks

#: Hostile answers: kind -> (one line of code replacing the answer, words the grader's message must
#: contain, or None when the words depend on the exercise's checker).
HOSTILE = {
    "raises": ("raise ValueError('a bug in my code')", "ValueError: a bug in my code"),
    "sys_exit": ("import sys; sys.exit(3)", "called sys.exit(3)"),
    "os_exit": ("import os; os._exit(7)", "exited with status 7"),
    "loops": ("while True: pass", "timed out"),
    "prints": ("for _ in range(300): print('spam ' * 1000)", "printed 1.4 MB"),
    "wrong_type": ("return {'not': 'an answer'}", None),
    "deletes": ("import glob, os; [os.remove(f) for f in glob.glob('*') + glob.glob('../*') if os.path.isfile(f)]",
                None),
    "missing_module": ("import a_module_nobody_installed; return a_module_nobody_installed.answer()",
                       "No module named 'a_module_nobody_installed'"),
    "renamed": (None, "no function named"),
}
LEARNER_KINDS = ["good", "partial", "hostile", "stub", "corrupt", "missing", "hostile", "partial", "good", "hostile"]


@dataclass(frozen=True)
class Expected:
    """The grade an exercise must get: passed or not, and words its message must contain."""

    passed: bool
    words: str | None = None


def replace_answer(source: str, code: str) -> str:
    """An exercise cell's source with each answer block replaced by ``code`` (lines indented like the block)."""
    lines = []
    for line in strip_solutions(source).split("\n"):
        if line.strip() == STUB:
            indent = line[:len(line) - len(line.lstrip())]
            lines += [indent + code_line for code_line in code.split("\n")]
        else:
            lines.append(line)
    return "\n".join(lines)


def _with_changes(solution: nbformat.NotebookNode, changes: dict[str, str]) -> nbformat.NotebookNode:
    """The solution notebook with the exercise cells named in ``changes`` altered: "stub", or a hostile kind."""
    notebook = nbformat.from_dict(solution)
    for cell in notebook.cells:
        name = exercise_name(cell.source) if cell.cell_type == "code" else None
        kind = changes.get(name)
        if kind == "stub":
            cell.source = strip_solutions(cell.source)
        elif kind == "renamed":
            cell.source = re.sub(rf"\bdef {name}\(", f"def {name}_renamed(", cell.source)
        elif kind:
            cell.source = replace_answer(cell.source, HOSTILE[kind][0])
    return notebook


def _uses(name: str) -> set[str]:
    """The exercises whose functions exercise ``name``'s answer calls, directly or not, as declared
    with ``@exercise(..., uses=...)`` (``conv_forward`` calls ``zero_pad``: a broken ``zero_pad``
    breaks both)."""
    found, todo = set(), list(EXERCISES[name].uses)
    while todo:
        used = todo.pop()
        if used not in found:
            found.add(used)
            todo += EXERCISES[used].uses
    return found


def make_submissions(folder: Path, learners: int = 30, seed: int = 0,
                     solutions: Path = SOLUTIONS_DIR) -> dict[str, dict[tuple[str, str], Expected]]:
    """Write ``learners`` learner folders into ``folder``; return, per learner, the grade each
    (notebook, exercise) must get. Kinds of learners cycle through :data:`LEARNER_KINDS`."""
    rng = random.Random(seed)
    notebooks = [nb for nb in graded_notebooks() if (solutions / f"{nb}.ipynb").is_file()]
    expected: dict[str, dict[tuple[str, str], Expected]] = {}
    for index in range(learners):
        kind = LEARNER_KINDS[index % len(LEARNER_KINDS)]
        learner = f"learner{index:02d}-{kind}"
        home = Path(folder) / learner
        home.mkdir(parents=True)
        special = rng.choice(notebooks)  # the notebook a corrupt or missing learner gets wrong
        grades = expected[learner] = {}
        for notebook in notebooks:
            source, target = solutions / f"{notebook}.ipynb", home / f"{notebook}.ipynb"
            names = exercises_of(notebook)
            if kind == "good" or kind in ("corrupt", "missing") and notebook != special:
                shutil.copyfile(source, target)
                grades.update({(notebook, ex): Expected(True) for ex in names})
            elif kind == "missing":
                grades.update({(notebook, ex): Expected(False, "not submitted") for ex in names})
            elif kind == "corrupt":
                target.write_text(source.read_text(encoding="utf-8")[:300], encoding="utf-8")
                grades.update({(notebook, ex): Expected(False, "not a valid notebook") for ex in names})
            elif kind == "stub":
                nbformat.write(learner_version(nbformat.read(source, as_version=4), target.name), target)
                grades.update({(notebook, ex): Expected(False, "not implemented") for ex in names})
            else:
                count = rng.randint(1, max(1, len(names) - 1))
                chosen = rng.sample(names, count)
                changes = {ex: "stub" if kind == "partial" else rng.choice(list(HOSTILE)) for ex in chosen}
                solution = nbformat.read(source, as_version=4)
                nbformat.write(_with_changes(solution, changes), target)
                for ex in names:
                    change = changes.get(ex)
                    words = None if change is None else "not implemented" if change == "stub" else HOSTILE[change][1]
                    grades[(notebook, ex)] = Expected(change is None and not _uses(ex) & changes.keys(), words)
    return expected


def gradebook_errors(csv_path: Path, json_path: Path, expected: dict[str, dict[tuple[str, str], Expected]]) -> list[str]:
    """Every way the CSV and JSON gradebooks of a run over :func:`make_submissions`'s folder
    differ from the grades expected (empty when they are right)."""
    errors = []
    with open(csv_path, newline="", encoding="utf-8") as file:
        rows = {row["learner"]: row for row in csv.DictReader(file)}
    messages = {(learner["learner"], notebook["notebook"], ex["exercise"]): ex["message"]
                for learner in json.loads(Path(json_path).read_text(encoding="utf-8"))["learners"]
                for notebook in learner["notebooks"] for ex in notebook["exercises"]}
    if set(rows) != set(expected):
        errors.append(f"learners in the CSV {sorted(rows)} are not those expected {sorted(expected)}")
    for learner, grades in expected.items():
        row = rows.get(learner, {})
        total = 0.0
        for (notebook, exercise), want in grades.items():
            points = EXERCISES[exercise].points if want.passed else 0
            total += points
            got = row.get(f"{notebook}:{exercise}")
            if got is None or float(got) != points:
                errors.append(f"{learner} {notebook}:{exercise}: {got} points in the CSV, expected {points:g}")
            message = messages.get((learner, notebook, exercise), "")
            if want.words and want.words not in message:
                errors.append(f"{learner} {notebook}:{exercise}: message {message!r} lacks {want.words!r}")
        if row and float(row["points"]) != total:
            errors.append(f"{learner}: total {row['points']} in the CSV, expected {total:g}")
    return errors


def file_hashes(folder: Path) -> dict[str, str]:
    """``{relative path: SHA-256}`` of every file under ``folder``, to prove grading changed nothing."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(Path(folder).rglob("*")) if path.is_file()}
