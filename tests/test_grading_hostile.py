"""Hostile and broken submissions: each is graded without crashing the run, costs only the
exercises it breaks, gets a message naming the cause, and leaves every submission file as it was.

All learners are graded in one run (two grading processes at once, short limits), then each
test reads its learner's grades. Every learner submits notebook 01, built from the solution
with some answers or cells replaced; ``conv_forward`` calls ``zero_pad`` and
``conv_single_step``, so breaking those breaks it too.
"""

from __future__ import annotations

import os
import signal

import nbformat
import pytest
from grading_samples import file_hashes, replace_answer
from nbformat.v4 import new_code_cell

from cnnkit.course.notebooks import SOLUTIONS_DIR, exercise_name
from cnnkit.grading import graded_notebooks
from cnnkit.grading.batch.command import grade
from cnnkit.grading.batch.discovery import find_submissions
from cnnkit.grading.batch.jobs import Limits
from cnnkit.grading.batch.manifest import hash_package
from cnnkit.grading.batch.sandbox import BUBBLEWRAP, available, choose

NOTEBOOK = "01_convolution_basics"
OTHER_NOTEBOOKS = [nb for nb in graded_notebooks() if nb != NOTEBOOK and (SOLUTIONS_DIR / f"{nb}.ipynb").is_file()]
EXERCISES = ["zero_pad", "conv_single_step", "conv_output_size", "conv_param_count", "conv_forward"]
LIMITS = Limits(exercise_seconds=15, load_seconds=120, memory_bytes=int(1.5 * 2**30))
RIGHT = {  # correct one-line answers, so that a hostile line can come first and the answer still pass
    "zero_pad": "return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))",
    "conv_single_step": "return float(np.sum(a_slice * W) + b)",
    "conv_output_size": "return (n + 2 * pad - f) // stride + 1",
    "conv_param_count": "return kh * kw * c_in * c_out + (c_out if bias else 0)",
}
SWALLOW = "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n    except BaseException:\n        pass"
SLEEP_MARK = "600.1717"  # in the command line of the processes a submission starts, to find them afterwards
SPAWN = ("import subprocess\nfor _ in range(3):\n    process = subprocess.Popen(['sleep', '" + SLEEP_MARK + "'])\n"
         + RIGHT["conv_param_count"])
FORK_ONCE = ("import os\nif not os.environ.get('FORKED'):\n    os.environ['FORKED'] = '1'\n    os.fork()\n"
             + RIGHT["zero_pad"])
# The next two act once (conv_forward calls their functions thousands of times); they go on when
# the system refuses (bubblewrap mounts the runner's copy of cnnkit read-only).
# The checks module is not in the runner's copy of cnnkit at all; the tamperer rewrites whatever it can import.
TAMPER = ("import os, cnnkit.grading.core as core\nmodules = [core]\n"
          "try:\n    import cnnkit.grading.checks.convolution as checks\n    modules.append(checks)\n"
          "except ImportError:\n    pass\n"
          "if not os.environ.get('TAMPERED'):\n    os.environ['TAMPERED'] = '1'\n"
          "    for module in modules:\n        try:\n"
          "            open(module.__file__, 'w').write('raise SystemExit')\n        except OSError:\n            pass\n"
          + RIGHT["conv_single_step"])
DELETE = ("import glob, os\nif not os.environ.get('DELETED'):\n    os.environ['DELETED'] = '1'\n"
          "    for name in glob.glob('*') + glob.glob('../*') + glob.glob('../*/cnnkit/*/*.py'):\n"
          "        try:\n            os.remove(name)\n        except OSError:\n            pass\n" + RIGHT["zero_pad"])


def _build(answers=None, cells=None, remove=(), extra=()):
    """Notebook 01 from its solution: ``answers`` replace answer blocks, ``cells`` whole exercise
    cells, ``remove`` drops exercise cells, ``extra`` appends code cells."""
    notebook = nbformat.read(SOLUTIONS_DIR / f"{NOTEBOOK}.ipynb", as_version=4)
    kept = []
    for cell in notebook.cells:
        name = exercise_name(cell.source) if cell.cell_type == "code" else None
        if name in remove:
            continue
        if name in (answers or {}):
            cell.source = replace_answer(cell.source, answers[name])
        if name in (cells or {}):
            cell.source = cells[name]
        kept.append(cell)
    notebook.cells = kept + [new_code_cell(source) for source in extra]
    return nbformat.writes(notebook)


def _learners():
    return {
        "crashes": _build({"zero_pad": "def again(n):\n    return again(n + 1)\nreturn again(0)",
                           "conv_output_size": "import os; os._exit(0)",
                           "conv_param_count": "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"}),
        "loops": _build({"zero_pad": "return amni.pad(X)", "conv_output_size": "while True: pass",
                         "conv_param_count": SWALLOW},
                        extra=["import a_module_nobody_installed as amni"]),
        "exits": _build({"zero_pad": "import sys; sys.exit(3)", "conv_single_step": "return 'a string'",
                         "conv_output_size": "raise KeyboardInterrupt",
                         "conv_param_count": "raise ValueError('x' * 10**6)"}),
        "output_and_files": _build({"zero_pad": DELETE, "conv_single_step": TAMPER,
                                    "conv_output_size": "print('spam ' * 100_000)\n" + RIGHT["conv_output_size"],
                                    "conv_param_count": "open('big.bin', 'wb').write(b'0' * 100 * 2**20)"}),
        "memory_and_processes": _build({"zero_pad": FORK_ONCE, "conv_output_size": "import numpy\nnumpy.ones(2**28)  # 2 GB",
                                        "conv_param_count": SPAWN}),
        "broken_cells": _build(
            {"conv_single_step": "return a_slice"},
            cells={"conv_output_size": "# EXERCISE: conv_output_size\ndef conv_output_size(n, f, pad, stride)\n    return n",
                   "conv_param_count": "# EXERCISE: conv_param_count\nimport sys\n"
                                       "def conv_param_count(kh, kw, c_in, c_out, bias=True, _=sys.exit(5)):\n    return 0"},
            extra=["import os\nos._exit(1)", "import sys\nsys.exit(2)", "while True:\n    pass"]),
        "renamed_and_missing": _build(remove=["conv_output_size", "zero_pad"], cells={
            "conv_param_count": "# EXERCISE: conv_param_count\ndef count_params(kh, kw, c_in, c_out, bias=True):\n    return 0"}),
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "submissions"
    for learner, text in _learners().items():
        (folder / learner).mkdir(parents=True)
        (folder / learner / f"{NOTEBOOK}.ipynb").write_text(text, encoding="utf-8")
    for other in OTHER_NOTEBOOKS:  # graded after notebook 01, whose zero_pad deletes every file it can
        (folder / "output_and_files" / f"{other}.ipynb").write_bytes((SOLUTIONS_DIR / f"{other}.ipynb").read_bytes())
    (folder / "crashes" / "numpy.py").write_text("raise SystemExit('a module beside the notebook must not shadow numpy')")
    for learner, content in {"truncated_json": '{"cells": [{"cell_type": "code", "source": "def',
                             "binary": "\x00\x01\x02 not a notebook \xff", "empty": "",
                             "json_not_notebook": '{"hello": "world"}'}.items():
        (folder / learner).mkdir()
        (folder / learner / f"{NOTEBOOK}.ipynb").write_text(content, encoding="utf-8")
    (folder / "nothing_submitted").mkdir()
    (folder / "mystery.ipynb").write_text("not even JSON", encoding="utf-8")
    graders, before = hash_package(), file_hashes(folder)
    choose("auto" if available().level == BUBBLEWRAP else "limits")  # limits only where bubblewrap cannot start
    book = grade(find_submissions([folder]), LIMITS, jobs=2, graders=graders)
    return {"book": book, "before": before, "after": file_hashes(folder), "graders": graders}


def result(graded, learner, exercise):
    for entry in graded["book"].grades:
        if entry.learner == learner:
            return next(ex for ex in entry.exercises if ex.exercise == exercise)
    raise AssertionError(f"no grade for {learner}")


# (learner, exercise, passes, words its message contains)
CASES = [
    ("crashes", "zero_pad", False, "RecursionError"),
    ("crashes", "conv_output_size", False, "exited with status 0"),
    ("crashes", "conv_param_count", False, "killed (SIGKILL)"),
    ("crashes", "conv_single_step", True, "all checks passed"),
    ("loops", "conv_output_size", False, "timed out after 15 s"),
    ("loops", "conv_param_count", False, "did not stop within 15 s"),
    ("loops", "zero_pad", False, "`import a_module_nobody_installed as amni` failed in your notebook"),
    ("loops", "conv_single_step", True, "all checks passed"),
    ("exits", "zero_pad", False, "called sys.exit(3)"),
    ("exits", "conv_forward", False, "called sys.exit(3)"),
    ("exits", "conv_single_step", False, "returned 'a string'"),
    ("exits", "conv_output_size", False, "stopped with KeyboardInterrupt"),
    ("exits", "conv_param_count", False, "raised ValueError: xxx"),
    ("output_and_files", "zero_pad", True, "all checks passed"),
    ("output_and_files", "conv_single_step", True, "all checks passed"),
    ("output_and_files", "conv_output_size", True, "printed 4.8 MB, which the grader discards"),
    ("output_and_files", "conv_param_count", False, "File too large"),
    ("output_and_files", "conv_forward", True, "all checks passed"),
    ("memory_and_processes", "conv_output_size", False, "MemoryError"),
    ("memory_and_processes", "conv_param_count", True, "all checks passed"),
    ("memory_and_processes", "zero_pad", True, "all checks passed"),
    ("memory_and_processes", "conv_forward", True, "all checks passed"),
    ("broken_cells", "conv_output_size", False, "does not run: expected ':' on line 2"),
    ("broken_cells", "conv_param_count", False, "does not run: SystemExit: 5"),
    ("broken_cells", "conv_single_step", False, "expected a single number"),
    ("broken_cells", "zero_pad", True, "all checks passed"),
    ("renamed_and_missing", "conv_param_count", False, "Did you rename it"),
    ("renamed_and_missing", "conv_output_size", False, "no function named conv_output_size"),
    ("renamed_and_missing", "zero_pad", False, "no function named zero_pad"),
    ("truncated_json", "zero_pad", False, "is not a valid notebook"),
    ("binary", "conv_forward", False, "is not a valid notebook"),
    ("empty", "zero_pad", False, "is not a valid notebook"),
    ("json_not_notebook", "zero_pad", False, "is not a valid notebook"),
    ("nothing_submitted", "conv_forward", False, "not submitted"),
]


@pytest.mark.parametrize(("learner", "exercise", "passes", "words"), CASES,
                         ids=[f"{learner}:{exercise}" for learner, exercise, *_ in CASES])
def test_hostile_submission_costs_only_what_it_breaks(graded, learner, exercise, passes, words):
    got = result(graded, learner, exercise)
    assert got.passed is passes and words in got.message, f"{learner}:{exercise}: {got.passed} {got.message}"


@pytest.mark.skipif(not OTHER_NOTEBOOKS, reason="needs a second graded notebook")
def test_deleting_files_costs_no_notebook_graded_later(graded):
    later = [g for g in graded["book"].grades if g.learner == "output_and_files" and g.notebook in OTHER_NOTEBOOKS]
    assert len(later) == len(OTHER_NOTEBOOKS) and all(g.passed for g in later), [
        ex.message for g in later for ex in g.exercises if not ex.passed]


def test_messages_are_short(graded):
    assert all(len(ex.message) <= 1000 for grade in graded["book"].grades for ex in grade.exercises)


def test_an_unrecognisable_file_is_reported_not_graded(graded):
    mystery = {grade.notebook: grade for grade in graded["book"].grades if grade.learner == "mystery"}
    assert "cannot tell which notebook" in mystery[None].note and mystery[None].exercises == []
    assert mystery[NOTEBOOK].points == 0  # the notebook every other learner submitted counts as missing
    assert not graded["book"].passed


def test_submissions_are_byte_identical_after_grading(graded):
    assert graded["after"] == graded["before"]


def test_graders_are_unchanged_after_a_submission_rewrote_its_copy(graded):
    assert hash_package() == graded["graders"]


def test_processes_started_by_a_submission_are_killed(graded):
    alive = []
    for entry in os.listdir("/proc"):
        try:
            if not entry.isdigit() or SLEEP_MARK.encode() not in open(f"/proc/{entry}/cmdline", "rb").read():
                continue
            if open(f"/proc/{entry}/stat").read().split(")")[-1].split()[0] != "Z":  # a zombie is dead already
                alive.append(int(entry))
                os.kill(int(entry), signal.SIGKILL)
        except OSError:
            continue
    assert not alive, f"processes {alive} outlived grading"
