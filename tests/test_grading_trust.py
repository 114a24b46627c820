"""Submissions written to cheat or to harm: none changes a grade but its own, reads what it
must not, or leaves anything behind (issue 14's kinds of attack, one or more cases each, and
issue 31's: answers taken from the runner's copy of cnnkit, forged verdict lines).

One grading run per isolation level covers the attacks that need learner code to run
(notebook 01, plus notebook 05 for NaN weights); the discovery and gradebook cases need none.
Each test asserts what its level promises (the README's threat model, level by level): a test
of a promise that only bubblewrap keeps is skipped at process limits, saying so. Each case passed
with the old grader, which ran the checkers in the learner's process, read the original files
while grading and passed the instructor's environment on; the comments say how.
"""

from __future__ import annotations

import csv
import json
import os
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest
from grading_samples import file_hashes, replace_answer
from nbformat.v4 import new_code_cell, new_markdown_cell

from cnnkit.course.notebooks import SOLUTIONS_DIR, exercise_name
from cnnkit.grading.batch.command import grade
from cnnkit.grading.batch.discovery import AmbiguousLayout, clean_name, find_submissions
from cnnkit.grading.batch.gradebook import detail_lines, report, write_csv, write_json, write_junit
from cnnkit.grading.batch.jobs import Limits
from cnnkit.grading.batch.manifest import hash_package
from cnnkit.grading.batch.sandbox import BUBBLEWRAP, PROCESS_LIMITS, available, choose

NB, NB05 = "01_convolution_basics", "05_training_cnns"
LIMITS = Limits(exercise_seconds=20, load_seconds=180, memory_bytes=int(1.5 * 2**30))
SECRET = "hunter2-grading-secret"
VICTIM_MARKER = "VICTIM-MARKER-7781"
DAEMON_MARK = "600.4242"
RIGHT = {
    "zero_pad": "return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))",
    "conv_single_step": "return float(np.sum(a_slice * W) + b)",
    "conv_output_size": "return (n + 2 * pad - f) // stride + 1",
    "conv_param_count": "return kh * kw * c_in * c_out + (c_out if bias else 0)",
}
FORGED = "  ✓ conv_param_count  1/1  all checks passed."
OS_ISOLATED = available().level == BUBBLEWRAP
LEVELS = [BUBBLEWRAP, PROCESS_LIMITS]


def promised_by_bubblewrap_only(run, what: str) -> None:
    """Skip, saying why, where the run's level does not promise ``what``."""
    if run["level"] != BUBBLEWRAP:
        pytest.skip(f"process limits do not promise that {what} (README: threat model)")


def _notebook(answers=None, cells=None, extra=(), source=NB, first=()):
    """A notebook from a solution: ``answers`` replace answer blocks, ``cells`` whole exercise cells,
    ``extra`` cells go last and ``first`` cells first (raw dicts allowed, to make malformed cells)."""
    notebook = nbformat.read(SOLUTIONS_DIR / f"{source}.ipynb", as_version=4)
    for cell in notebook.cells:
        name = exercise_name(cell.source) if cell.cell_type == "code" else None
        if name in (answers or {}):
            cell.source = replace_answer(cell.source, answers[name])
        if name in (cells or {}):
            cell.source = cells[name]
    notebook.cells = list(first) + notebook.cells + [new_code_cell(text) for text in extra]
    return json.dumps(notebook)


def _learners(paths: dict[str, Path]) -> dict[str, dict[str, str]]:
    victim, canary, stray, book = (repr(str(paths[key])) for key in ("victim", "canary", "stray", "gradebook"))
    daemon = (f"import time\nfor _ in range(600):\n    time.sleep(0.5)\n    try:\n"
              f"        open({book}, 'w').write('rewritten')\n    except OSError:\n        pass")
    return {
        # Kind 1, tampering with the judge (old: the checkers ran next to this code) and kind 7.
        "tamperer": {NB: _notebook(
            answers={
                "conv_single_step": "import numpy, cnnkit.grading.checks.convolution as checks\n"
                                    "numpy.isclose = lambda *a, **k: True\nchecks.fail = lambda *a, **k: None\n"
                                    "return 0.0",
                "conv_output_size": "import cnnkit.grading.core as core\n"
                                    "core.EXERCISES['conv_param_count'] = core.Exercise("
                                    "'conv_param_count', '01_convolution_basics', lambda f: None)\n"
                                    + RIGHT["conv_output_size"],
                "conv_param_count": "return 0"},
            cells={
                "zero_pad": "# EXERCISE: zero_pad\nimport numpy as np\nclass Patch:\n"
                            "    np.allclose = staticmethod(lambda *a, **k: True)\n"
                            "    np.array_equal = staticmethod(lambda *a, **k: True)\n"
                            "def zero_pad(X, pad):\n"
                            "    return np.zeros((X.shape[0], X.shape[1] + 2 * pad, X.shape[2] + 2 * pad, X.shape[3]))",
                "conv_forward": "# EXERCISE: conv_forward\nfrom cnnkit.scratch import conv_forward"})},
        # Kind 2, lying values, and kind 3, forging the protocol (old: the result fd was on the command line).
        "liar": {NB: _notebook(answers={
            "zero_pad": RIGHT["zero_pad"],
            "conv_single_step": "a_slice[...] = 0\nW[...] = 0\nreturn float(b)",
            "conv_param_count": "class Liar(int):\n    def __eq__(self, other):\n        return True\n"
                                "    __hash__ = int.__hash__\nreturn Liar(0)",
            "conv_output_size": "import json, os\nforged = [{'event': 'result', 'notebook': '01_convolution_basics', "
                                "'exercise': name, 'passed': True, 'message': 'all checks passed.', 'seconds': 0} "
                                "for name in ('conv_output_size', 'conv_param_count')] + [{'event': 'done'}]\n"
                                "data = ''.join(json.dumps(e) + '\\n' for e in forged).encode()\n"
                                "for fd in range(3, 64):\n    try:\n        os.write(fd, data)\n"
                                "    except OSError:\n        pass\nos._exit(0)"}),
                  NB05: _notebook(source=NB05, cells={"train_step": (
                      "# EXERCISE: train_step\nimport tensorflow as tf\n"
                      "def train_step(model, optimizer, loss_fn, x, y):\n    with tf.GradientTape() as tape:\n"
                      "        loss = loss_fn(y, model(x, training=True))\n"
                      "    grads = tape.gradient(loss, model.trainable_variables)\n"
                      "    optimizer.apply_gradients(zip(grads, model.trainable_variables))\n"
                      "    for variable in model.trainable_variables:\n"
                      "        variable.assign(variable * float('nan'))\n    return loss")})},
        # Kind 4, reading what it must not, and kind 8, an exception whose str() raises.
        "snooper": {NB: _notebook(answers={
            "zero_pad": "import glob\nfor name in glob.glob('/proc/*/cwd/solutions/01_convolution_basics.ipynb'):\n"
                        "    text = open(name).read()\n"
                        "    raise ValueError(text[text.index('BEGIN SOLUTION'):][:400])\n" + RIGHT["zero_pad"],
            "conv_single_step": "import os\nraise ValueError(str(sorted(os.environ.items())))",
            "conv_output_size": f"text = open({victim}).read()\nraise ValueError(text[text.index('VICTIM'):][:200])",
            "conv_param_count": "class Odd(Exception):\n    def __str__(self):\n        raise RuntimeError('no')\n"
                                "raise Odd()"})},
        # Kind 5, harming others: their files, the grader, the machine.
        "vandal": {NB: _notebook(answers={
            "zero_pad": f"try:\n    open({victim}, 'w').write('{{}}')\nexcept OSError:\n    pass\n" + RIGHT["zero_pad"],
            "conv_single_step": "import os, sys\nif not os.environ.get('FORKED'):\n    os.environ['FORKED'] = '1'\n"
                                "    if os.fork() == 0:\n        os.setsid()\n        if os.fork() == 0:\n"
                                f"            os.execv(sys.executable, [sys.executable, '-c', {daemon!r}, '{DAEMON_MARK}'])\n"
                                "        os._exit(0)\n"
                                f"try:\n    open({stray}, 'w').write('left behind')\nexcept OSError:\n    pass\n"
                                + RIGHT["conv_single_step"],
            "conv_output_size": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n" + RIGHT["conv_output_size"],
            "conv_param_count": f"try:\n    open({canary}, 'a').write('raise SystemExit')\nexcept OSError:\n    pass\n"
                                + RIGHT["conv_param_count"]})},
        # Kind 8, fragile loading: a malformed cell, a class body that never ends.
        "fragile": {NB: _notebook(
            first=[{"cell_type": "code", "source": None, "metadata": {}, "outputs": [], "execution_count": None}],
            cells={"conv_param_count": "# EXERCISE: conv_param_count\nclass Forever:\n    while True:\n        pass\n"
                                       "def conv_param_count(kh, kw, c_in, c_out, bias=True):\n    return 0"})},
        # Issue 31, kind 1: the answers from the runner's own copy of cnnkit (reloaded, through a
        # closure, or the checker's reference), and kind 6: a message that forges a verdict line.
        "thief": {NB: _notebook(cells={
            "conv_forward": "# EXERCISE: conv_forward\nimport importlib\nimport cnnkit.scratch.conv\n"
                            "def conv_forward(A_prev, W, b, stride, pad):\n"
                            "    return importlib.reload(cnnkit.scratch.conv).conv_forward(A_prev, W, b, stride, pad)",
            "conv_single_step": "# EXERCISE: conv_single_step\nimport cnnkit.scratch\n"
                                "def conv_single_step(a_slice, W, b):\n"
                                "    inner = cnnkit.scratch.conv_single_step.__closure__[0].cell_contents\n"
                                "    return inner(a_slice, W, b)",
            "conv_output_size": "# EXERCISE: conv_output_size\ndef conv_output_size(n, f, pad, stride):\n"
                                "    from cnnkit.grading.checks.convolution import _output_size\n"
                                "    return _output_size(n, f, pad, stride)",
            "conv_param_count": "# EXERCISE: conv_param_count\ndef conv_param_count(kh, kw, c_in, c_out, bias=True):\n"
                                "    class ExerciseFailure(Exception):\n        pass\n"
                                f"    raise ExerciseFailure('wrong\\n' + {FORGED!r})"})},
        "victim": {NB: _notebook(first=[new_markdown_cell(VICTIM_MARKER)])},
        "vanished": {NB: _notebook()},
    }


@pytest.fixture(scope="module", params=LEVELS, ids=["bubblewrap", "limits"])
def run(request, tmp_path_factory):
    if request.param == BUBBLEWRAP and not OS_ISOLATED:
        pytest.skip(f"bubblewrap cannot start here: {available().detail}")
    choose("bubblewrap" if request.param == BUBBLEWRAP else "limits")
    root = tmp_path_factory.mktemp("trust")
    folder = root / "submissions"
    paths = {"victim": folder / "victim" / f"{NB}.ipynb", "canary": root / "checkout" / "convolution.py",
             "stray": Path("/tmp") / f"cnnkit-stray-{os.getpid()}", "gradebook": root / "grades.json"}
    paths["canary"].parent.mkdir()
    paths["canary"].write_text("# a grader file of the instructor's checkout\n")
    for learner, notebooks in _learners(paths).items():
        for notebook, text in notebooks.items():
            (folder / learner).mkdir(parents=True, exist_ok=True)
            (folder / learner / f"{notebook}.ipynb").write_text(text, encoding="utf-8")
    submissions = find_submissions([folder])
    (folder / "vanished" / f"{NB}.ipynb").unlink()  # after discovery: one deleted file costs one learner
    before, graders, canary = file_hashes(folder), hash_package(), paths["canary"].read_bytes()
    os.environ["CNNKIT_TEST_SECRET"] = SECRET
    try:
        book = grade(submissions, LIMITS, jobs=2, graders=graders)
    finally:
        del os.environ["CNNKIT_TEST_SECRET"]
    gradebook = paths["gradebook"]
    write_json(book, gradebook)
    time.sleep(2)  # a daemon would have had time to act
    choose("auto" if OS_ISOLATED else "limits")
    return {"level": request.param, "book": book, "before": before, "after": file_hashes(folder), "graders": graders, "paths": paths,
            "canary": canary, "gradebook": gradebook, "gradebook_text": gradebook.read_bytes()}


def grade_of(run, learner, exercise, notebook=NB):
    for entry in run["book"].grades:
        if entry.learner == learner and entry.notebook == notebook:
            return next(ex for ex in entry.exercises if ex.exercise == exercise)
    raise AssertionError(f"no grade for {learner} {notebook}")


# (learner, exercise, notebook, words its message contains): every one a wrong answer that must fail.
WRONG = [
    ("tamperer", "zero_pad", NB, ""),                  # numpy patched from a class body at load time
    ("tamperer", "conv_single_step", NB, ""),          # numpy and the checks module's fail() patched in the call
    ("tamperer", "conv_param_count", NB, ""),          # the registry replaced by an earlier exercise
    ("tamperer", "conv_forward", NB, "use your own implementation"),  # cnnkit's own copy of the answer
    ("liar", "conv_single_step", NB, "expected"),      # inputs zeroed so that a late oracle agrees
    ("liar", "conv_param_count", NB, "returned 0"),    # an int whose __eq__ is always true
    ("liar", "conv_output_size", NB, ""),              # forged result events, then os._exit
    ("liar", "train_step", NB05, "weights differ"),    # NaN weights made `gap > tol` false
    ("fragile", "conv_param_count", NB, "did not finish loading"),
    ("snooper", "conv_param_count", NB, "could not be turned into text"),
    ("thief", "conv_forward", NB, "use your own implementation"),   # importlib.reload of the library copy
    ("thief", "conv_single_step", NB, ""),             # the answer inside a guard's closure
    ("thief", "conv_output_size", NB, ""),             # the checker's own reference
    ("thief", "conv_param_count", NB, ""),             # a message forging a verdict line
]


@pytest.mark.parametrize(("learner", "exercise", "notebook", "words"), WRONG,
                         ids=[f"{learner}:{exercise}" for learner, exercise, *_ in WRONG])
def test_no_wrong_answer_passes(run, learner, exercise, notebook, words):
    got = grade_of(run, learner, exercise, notebook)
    assert not got.passed and words in got.message, f"{learner}:{exercise}: {got.message}"


@pytest.mark.parametrize(("learner", "exercise"), [("liar", "zero_pad"), ("vandal", "zero_pad"),
                                                   ("vandal", "conv_single_step"), ("vandal", "conv_param_count"),
                                                   ("fragile", "zero_pad"), ("fragile", "conv_forward")])
def test_right_answers_beside_attacks_still_pass(run, learner, exercise):
    got = grade_of(run, learner, exercise)
    assert got.passed, f"{learner}:{exercise}: {got.message}"


def test_forged_results_do_not_count(run):
    got = grade_of(run, "liar", "conv_param_count")
    assert not got.passed and "all checks passed" not in got.message


def test_a_message_cannot_forge_a_verdict_line(run):
    [thief] = [g for g in run["book"].grades if g.learner == "thief" and g.notebook == NB]
    lines = detail_lines([thief])  # the title, then one line per exercise: none of its own from a message
    assert len(lines) == 1 + len(thief.exercises)
    assert not any(line.startswith("  ✓ conv_param_count") for line in lines)


def test_another_learner_keeps_full_marks_and_an_identical_file(run):
    promised_by_bubblewrap_only(run, "one learner's code cannot change another's files or grades")
    [victim] = [g for g in run["book"].grades if g.learner == "victim" and g.notebook == NB]
    assert victim.passed, [ex.message for ex in victim.exercises]
    assert run["after"]["victim/01_convolution_basics.ipynb"] == run["before"]["victim/01_convolution_basics.ipynb"]


def test_a_file_deleted_after_discovery_costs_only_its_learner(run):
    [vanished] = [g for g in run["book"].grades if g.learner == "vanished" and g.notebook == NB]
    assert vanished.points == 0 and "could not be read" in vanished.exercises[0].message


def test_graders_are_unchanged_after_grading(run):
    assert hash_package() == run["graders"]


def test_the_gradebook_is_untouched_after_grading(run):
    promised_by_bubblewrap_only(run, "no process outlives grading to rewrite a gradebook")
    assert run["gradebook"].read_bytes() == run["gradebook_text"]


def test_messages_carry_no_secret_no_solution_and_no_other_learner(run):
    messages = " ".join(ex.message for g in run["book"].grades for ex in g.exercises)
    assert SECRET not in messages
    if run["level"] == BUBBLEWRAP:  # at process limits the learner's code can read every file the instructor can
        assert "BEGIN SOLUTION" not in messages and VICTIM_MARKER not in messages


def test_every_message_is_short(run):
    assert all(len(ex.message) <= 1000 for g in run["book"].grades for ex in g.exercises)


def test_no_file_outside_the_work_folder_and_no_process_survives(run):
    promised_by_bubblewrap_only(run, "no file is written outside the work folder and no process survives")
    assert not run["paths"]["stray"].exists()
    assert run["paths"]["canary"].read_bytes() == run["canary"]
    survivors = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and DAEMON_MARK.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                survivors.append(int(entry))
        except OSError:
            continue
    assert not survivors, f"processes {survivors} outlived grading"


def test_the_isolation_level_is_in_every_output(run):
    assert run["book"].isolation.startswith(f"isolation: {run['level']} (")
    assert run["book"].isolation in report(run["book"], details=False).splitlines()
    promised_by_bubblewrap_only(run, "the gradebook file is still the one written (a daemon may rewrite it)")
    assert json.loads(run["gradebook_text"])["isolation"] == run["book"].isolation


# ------------------------------------------------------------------ discovery and gradebooks (kind 6)
def _solution(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((SOLUTIONS_DIR / f"{NB}.ipynb").read_bytes())


def test_links_to_solutions_or_to_another_learner_are_refused(tmp_path):
    _solution(tmp_path / "alice" / f"{NB}.ipynb")
    (tmp_path / "mallory").symlink_to(SOLUTIONS_DIR, target_is_directory=True)
    (tmp_path / "eve").mkdir()
    (tmp_path / "eve" / f"{NB}.ipynb").symlink_to(tmp_path / "alice" / f"{NB}.ipynb")
    found = {(s.learner, s.notebook): s for s in find_submissions([tmp_path])}
    assert found[("alice", NB)].path is not None
    for learner in ("mallory", "eve"):
        assert found[(learner, NB)].path is None  # graded as not submitted, with a note saying why
        assert "symbolic link" in found[(learner, None)].note


def test_a_folder_beside_a_file_of_the_same_name_are_two_learners(tmp_path):
    _solution(tmp_path / "dup" / f"{NB}.ipynb")
    _solution(tmp_path / "dup.ipynb")
    learners = {s.learner for s in find_submissions([tmp_path])}
    assert learners == {"dup", "dup.ipynb"}


def test_a_learner_named_notebooks_among_others_is_an_ambiguous_layout(tmp_path):
    for learner in ("notebooks", "alice", "bob"):
        _solution(tmp_path / learner / f"{NB}.ipynb")
    with pytest.raises(AmbiguousLayout, match="--submissions"):
        find_submissions([tmp_path])
    assert {s.learner for s in find_submissions([tmp_path], submissions_folder=True)} == {"notebooks", "alice", "bob"}


@pytest.mark.parametrize("name", [b"caf\xe9-latin1", b"=HYPERLINK(\"evil\")", b"two\nlines\x1b[31m"])
def test_hostile_folder_names_make_valid_gradebooks(tmp_path, name):
    folder = tmp_path / "submissions"
    folder.mkdir()
    os.makedirs(os.path.join(os.fsencode(folder), name))
    _solution(Path(os.fsdecode(os.path.join(os.fsencode(folder), name))) / f"{NB}.ipynb")
    _solution(folder / "alice" / f"{NB}.ipynb")
    submissions = find_submissions([folder])
    learner = next(s.learner for s in submissions if s.learner != "alice")
    assert learner == clean_name(os.fsdecode(name)) and not any(c in learner for c in "\n\x1b")
    from cnnkit.grading.batch.gradebook import ExerciseGrade, Gradebook, NotebookGrade

    grades = [NotebookGrade(s.learner, s.notebook, os.fsdecode(os.fsencode(s.path)),
                            [ExerciseGrade("zero_pad", True, 1, 1, "ok")]) for s in submissions]
    book = Gradebook(grades, "0" * 64, 1.0, "isolation: test")
    write_json(book, tmp_path / "g.json")
    write_csv(book, tmp_path / "g.csv")
    write_junit(book, tmp_path / "g.xml")
    assert {row["learner"] for row in json.loads((tmp_path / "g.json").read_text())["learners"]} == {learner, "alice"}
    with open(tmp_path / "g.csv", newline="", encoding="utf-8") as file:
        assert not any(row["learner"].startswith(("=", "+", "-", "@")) for row in csv.DictReader(file))
    ET.parse(tmp_path / "g.xml")


def test_a_failed_gradebook_write_leaves_the_old_file(tmp_path, monkeypatch):
    from cnnkit.grading.batch import gradebook

    path = tmp_path / "grades.csv"
    path.write_text("previous")
    calls = []

    def failing_number(value):  # fails half-way through the rows
        calls.append(value)
        if len(calls) > 3:
            raise RuntimeError("disk full")
        return value

    monkeypatch.setattr(gradebook, "_number", failing_number)
    grades = [gradebook.NotebookGrade(name, NB, "x", [gradebook.ExerciseGrade("zero_pad", True, 1, 1, "ok")])
              for name in ("alice", "bob", "carol")]
    with pytest.raises(RuntimeError, match="disk full"):
        write_csv(gradebook.Gradebook(grades, "0" * 64), path)
    assert path.read_text() == "previous" and os.listdir(tmp_path) == ["grades.csv"]
