"""Grades and the ways to report them: a table for the terminal, JSON and CSV gradebooks,
JUnit XML for CI systems, and the result format of GitHub Classroom's grading reporter.

Every report names the graders' digest and the isolation the learners' code ran under. A
gradebook file is written to a temporary file beside it and renamed into place, so a failure
never leaves an empty or half-written gradebook.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cnnkit.grading.batch.discovery import clean_text, neutralise_formula

#: The most characters of a message a gradebook keeps.
MESSAGE_CHARS = 1000
#: The most characters of a message in a JUnit failure's attribute.
SHORT_MESSAGE_CHARS = 300


def clean(text: str, limit: int = MESSAGE_CHARS) -> str:
    """A learner-influenced message made safe to print and to put in XML: control, bidirectional
    and zero-width characters (newlines and terminal escape codes included) shown escaped, so
    that no message can start a line of its own (a forged verdict) or hide what follows; length
    capped."""
    text = clean_text(str(text))
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 3)


@dataclass
class ExerciseGrade:
    exercise: str
    passed: bool
    points: float
    max_points: float
    message: str
    seconds: float = 0.0


@dataclass
class NotebookGrade:
    """One learner's grade for one notebook. ``notebook`` is None for a file that matched no notebook."""

    learner: str
    notebook: str | None
    path: str | None
    exercises: list[ExerciseGrade] = field(default_factory=list)
    note: str = ""
    seconds: float = 0.0

    @property
    def points(self) -> float:
        return sum(ex.points for ex in self.exercises)

    @property
    def max_points(self) -> float:
        return sum(ex.max_points for ex in self.exercises)

    @property
    def passed(self) -> bool:
        return self.notebook is not None and all(ex.passed for ex in self.exercises)


@dataclass
class Gradebook:
    """Every grade of one grading run, with the digest of the graders that gave them and the
    isolation the learners' code ran under."""

    grades: list[NotebookGrade]
    graders_digest: str
    seconds: float = 0.0
    isolation: str = "isolation: not recorded"

    @property
    def passed(self) -> bool:
        return bool(self.grades) and all(grade.passed for grade in self.grades)

    def learners(self) -> dict[str, list[NotebookGrade]]:
        by_learner: dict[str, list[NotebookGrade]] = {}
        for grade in self.grades:
            by_learner.setdefault(grade.learner, []).append(grade)
        return by_learner

    def columns(self) -> list[tuple[str, list[str]]]:
        """(notebook, its exercises) for every notebook graded, in the order graded."""
        columns: dict[str, list[str]] = {}
        for grade in self.grades:
            if grade.notebook is not None:
                columns.setdefault(grade.notebook, [ex.exercise for ex in grade.exercises])
        return list(columns.items())


def _score(points: float, max_points: float) -> str:
    return f"{_number(points)}/{_number(max_points)}"


# ------------------------------------------------------------------ terminal
def detail_lines(grades: list[NotebookGrade]) -> list[str]:
    """Per notebook and exercise: ✓ or ✗, points and the message."""
    lines = []
    for grade in grades:
        title = grade.notebook or (Path(grade.path).name if grade.path else "?")
        lines.append(f"{grade.learner} / {title}: {_score(grade.points, grade.max_points)} points"
                     + (f"  ({grade.note})" if grade.note else ""))
        width = max((len(ex.exercise) for ex in grade.exercises), default=0)
        for ex in grade.exercises:
            mark = "✓" if ex.passed else "✗"
            lines.append(f"  {mark} {ex.exercise:<{width}}  {_score(ex.points, ex.max_points):>5}  {clean(ex.message)}")
    return lines


def summary_lines(book: Gradebook) -> list[str]:
    """One row per learner: points per notebook and in total."""
    names = [nb for nb, _ in book.columns()]
    rows = [["learner", *names, "total"]]
    for learner, grades in book.learners().items():
        by_notebook = {grade.notebook: grade for grade in grades}
        cells = [_score(by_notebook[nb].points, by_notebook[nb].max_points) if nb in by_notebook else "-"
                 for nb in names]
        problems = "" if all(g.notebook for g in grades) else " (a file matched no notebook)"
        rows.append([learner, *cells, _score(sum(g.points for g in grades), sum(g.max_points for g in grades))
                     + problems])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]


def report(book: Gradebook, details: bool) -> str:
    """The text the command prints: details for one learner (or when asked), a summary table for several."""
    several = len(book.learners()) > 1
    lines = detail_lines(book.grades) if details or not several else []
    if several:
        lines += ([""] if lines else []) + summary_lines(book)
    points = sum(g.points for g in book.grades)
    max_points = sum(g.max_points for g in book.grades)
    failed = sum(not ex.passed for g in book.grades for ex in g.exercises)
    lines.append("")
    lines.append(f"{_score(points, max_points)} points; "
                 + ("every exercise passed." if book.passed else f"{failed} exercise(s) failed.")
                 + f" Graded in {book.seconds:.1f} s; graders {book.graders_digest[:12]}.")
    lines.append(book.isolation)
    return "\n".join(lines)


# ------------------------------------------------------------------ files
def to_json(book: Gradebook) -> dict:
    learners = []
    for learner, grades in book.learners().items():
        notebooks = [{**asdict(g), "points": _number(g.points), "max_points": _number(g.max_points),
                      "passed": g.passed, "exercises": [{**asdict(ex), "message": clean(ex.message)} for ex in g.exercises]}
                     for g in grades]
        learners.append({"learner": learner, "points": _number(sum(g.points for g in grades)),
                         "max_points": _number(sum(g.max_points for g in grades)), "notebooks": notebooks})
    return {"version": 1, "graders_digest": book.graders_digest, "isolation": book.isolation,
            "passed": book.passed, "seconds": round(book.seconds, 3), "learners": learners}


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all: to a temporary file beside it, then renamed."""
    path = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def write_json(book: Gradebook, path: Path) -> None:
    write_atomically(path, (json.dumps(to_json(book), indent=1, ensure_ascii=False) + "\n").encode("utf-8", "replace"))


def write_csv(book: Gradebook, path: Path) -> None:
    """One row per learner: total, then each notebook's points followed by its exercises' points."""
    columns = book.columns()
    header = ["learner", "points", "max_points"]
    for notebook, exercises in columns:
        header += [notebook] + [f"{notebook}:{ex}" for ex in exercises]
    header.append("isolation")
    file = io.StringIO(newline="")
    writer = csv.writer(file)
    writer.writerow(header)
    for learner, grades in book.learners().items():
        by_notebook = {g.notebook: g for g in grades}
        row = [learner, _number(sum(g.points for g in grades)), _number(sum(g.max_points for g in grades))]
        for notebook, exercises in columns:
            grade = by_notebook.get(notebook)
            points = {ex.exercise: ex.points for ex in grade.exercises} if grade else {}
            row += [_number(grade.points) if grade else ""] + [_number(points[ex]) if ex in points else ""
                                                                for ex in exercises]
        writer.writerow([neutralise_formula(cell) if isinstance(cell, str) else cell for cell in row + [book.isolation]])
    write_atomically(path, file.getvalue().encode("utf-8", "replace"))


def write_junit(book: Gradebook, path: Path) -> None:
    """One test suite per learner and notebook, one test case per exercise."""
    failures = sum(not ex.passed for g in book.grades for ex in g.exercises)
    root = ET.Element("testsuites", name="cnnkit grading", tests=str(sum(len(g.exercises) for g in book.grades)),
                      failures=str(failures), time=f"{book.seconds:.3f}")
    for grade in book.grades:
        name = f"{grade.learner}/{grade.notebook or Path(grade.path or '?').name}"
        suite = ET.SubElement(root, "testsuite", name=name, tests=str(len(grade.exercises)),
                              failures=str(sum(not ex.passed for ex in grade.exercises)), time=f"{grade.seconds:.3f}")
        properties = ET.SubElement(suite, "properties")
        for key, value in (("points", _number(grade.points)), ("max_points", _number(grade.max_points)),
                           ("graders", book.graders_digest), ("isolation", book.isolation)):
            ET.SubElement(properties, "property", name=key, value=clean(str(value)))
        if grade.notebook is None:
            error = ET.SubElement(suite, "error", message=clean(grade.note))
            error.text = clean(grade.note)
        for ex in grade.exercises:
            case = ET.SubElement(suite, "testcase", classname=f"{grade.learner}.{grade.notebook}", name=ex.exercise,
                                 time=f"{ex.seconds:.3f}")
            if not ex.passed:
                failure = ET.SubElement(case, "failure", message=clean(ex.message, SHORT_MESSAGE_CHARS))
                failure.text = clean(ex.message)
    data = io.BytesIO()
    ET.ElementTree(root).write(data, encoding="utf-8", xml_declaration=True)
    write_atomically(path, data.getvalue())


def to_classroom(book: Gradebook) -> dict:
    """The result of one 'runner' in the format GitHub Classroom's autograding-grading-reporter
    reads (base64-encoded, from the environment variable ``<RUNNER>_RESULTS``)."""
    tests = [{"name": f"{g.notebook}: {ex.exercise}", "status": "pass" if ex.passed else "fail",
              "score": _number(ex.points), "message": clean(ex.message), "line_no": 0,
              "execution_time": f"{ex.seconds:.2f}s"}
             for g in book.grades for ex in g.exercises]
    tests += [{"name": Path(g.path or "?").name, "status": "error", "score": 0, "message": clean(g.note),
               "line_no": 0, "execution_time": "0s"} for g in book.grades if g.notebook is None]
    return {"version": 1, "status": "pass" if book.passed else "fail", "isolation": book.isolation,
            "max_score": _number(sum(g.max_points for g in book.grades)), "tests": tests}


def write_classroom(book: Gradebook, path: Path) -> None:
    write_atomically(path, (json.dumps(to_classroom(book)) + "\n").encode("utf-8", "replace"))
