"""Issue 31's kinds of attack that need no grading run: the runner's copy of cnnkit holds no
answer, the judge has bounds of its own, names and messages cannot forge or hide, and what
persists between runs (bytecode, .pth files, a grader inside the graded folder) is checked."""

from __future__ import annotations

import importlib
import json
import os
import py_compile
import subprocess
import sys
from pathlib import Path

import pytest

import cnnkit
from cnnkit.course.notebooks import SOLUTIONS_DIR
from cnnkit.grading.batch import allowlist, command, manifest
from cnnkit.grading.batch.discovery import clean_name
from cnnkit.grading.batch.gradebook import ExerciseGrade, Gradebook, NotebookGrade, detail_lines, write_csv
from cnnkit.grading.batch.jobs import cpu_slots
from cnnkit.grading.batch.protocol import ProtocolError, receive
from cnnkit.grading.plain import MAX_PARAMETERS, NotPlainData, decode, estimate_parameters

PACKAGE = Path(cnnkit.__file__).resolve().parent
NB1, NB3 = "01_convolution_basics", "03_backprop_from_scratch"
REFERENCES = ("tf_conv", "tf_pool", "conv_value_hint", "unet_params", "_output_size", "_hand_output", "_conv_layer_params")


# ------------------------------------------------------------------ the runner gets no answers
@pytest.fixture(scope="module")
def runner_copy(tmp_path_factory):
    return allowlist.build(PACKAGE, tmp_path_factory.mktemp("runner-lib"), [NB1])


def test_the_runner_copy_holds_no_check_and_no_reference(runner_copy):
    text = "\n".join(path.read_text(encoding="utf-8") for path in runner_copy.rglob("*.py"))
    for name in [f"def {name}(" for name in REFERENCES] + ["def check_zero_pad", "def check_conv_forward",
                                                            "@exercise("]:
        assert name not in text, name
    assert not (runner_copy / "cnnkit/grading/checks/convolution.py").exists()
    assert not (runner_copy / "cnnkit/grading/references.py").exists()
    assert not (runner_copy / "cnnkit/grading/model_checks.py").exists()
    assert not (runner_copy / "cnnkit/grading/batch/judge.py").exists()
    # Harnesses stay: they run beside the learner's code.
    assert "def returning_arguments" in (runner_copy / "cnnkit/grading/harnesses.py").read_text(encoding="utf-8")
    assert "def differentiate_named" in (runner_copy / "cnnkit/grading/checks/backprop.py").read_text(encoding="utf-8")


def test_the_graded_notebooks_library_answers_are_left_out_not_wrapped(runner_copy):
    code = f"""
import importlib, sys
sys.path.insert(0, {str(runner_copy)!r})
import cnnkit.scratch.conv as conv
conv = importlib.reload(conv)
for name in ("zero_pad", "conv_forward", "conv_single_step"):
    func = getattr(conv, name)
    assert func.__closure__ is None and "pad" not in func.__code__.co_names, name
    try:
        func(None, 1)
    except Exception as error:
        assert type(error).__name__ == "LeftOut" and "use your own implementation" in str(error)
    else:
        raise AssertionError(name)
import cnnkit.scratch.pool as pool
assert pool.pool_forward.__name__ == "pool_forward"   # notebook 02's answers stay for notebook 01
print("ok")
"""
    done = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "ok", done.stderr[-2000:]


def test_the_allow_list_comes_from_the_course_manifest():
    from cnnkit.course import manifest

    left_out = allowlist.withheld(PACKAGE, [NB1])
    entry = manifest.notebook(NB1)
    assert left_out and all(names == set(entry.exercises) for names in left_out.values())
    assert all(file.startswith(tuple(m.replace(".", "/") for m in entry.library)) for file in left_out)


def test_a_notebook_that_imports_anothers_answer_gets_its_own_runner():
    texts = {nb: (SOLUTIONS_DIR / f"{nb}.ipynb").read_text(encoding="utf-8") for nb in (NB1, NB3)}
    assert "zero_pad" in allowlist.imported_names(texts[NB3])
    assert allowlist.groups(texts) == [[NB1], [NB3]]


# ------------------------------------------------------------------ the judge's own bounds
def test_a_huge_keras_config_is_refused_before_it_is_built():
    dense = {"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "units": 1_000_000}}
    flatten = {"module": "keras.layers", "class_name": "Flatten", "config": {"name": "f"}}
    config = {"module": "keras", "class_name": "Sequential",
              "config": {"name": "s", "layers": [
                  {"module": "keras.layers", "class_name": "InputLayer",
                   "config": {"batch_shape": [None, 28, 28, 1], "name": "i"}}, flatten, dense]}}
    assert estimate_parameters(config) > MAX_PARAMETERS
    with pytest.raises(NotPlainData, match="parameters"):
        decode({"keras": {"config": json.dumps(config), "weights": []}})


def test_the_judge_stops_reading_at_the_answer_size():
    read, write = os.pipe()
    try:
        os.write(write, (100 * 2**20).to_bytes(4, "big") + b"{")
        with pytest.raises(ProtocolError, match="announced"):
            receive(read, None, limit=64 * 2**20)
    finally:
        os.close(read)
        os.close(write)


def test_each_job_gets_cpus_of_its_own():
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0
    if cpus < 2:
        pytest.skip("one CPU")
    slots = cpu_slots(2)
    assert len(slots) == 2 and not slots[0] & slots[1]
    assert cpu_slots(cpus + 1) is None


# ------------------------------------------------------------------ names and messages
@pytest.mark.parametrize(("name", "shown"), [
    ("bob\u200b", "bob\\u200b"), ("eve\u202egnp.exe", "eve\\u202egnp.exe"), ("a\u2066b", "a\\u2066b"),
    (" =1+1", "' =1+1"), ("\t=SUM(A1)", "\\u0009=SUM(A1)"),
])
def test_invisible_characters_are_escaped_and_formulas_neutralised(name, shown):
    assert clean_name(name) == shown


def test_look_alike_names_are_flagged():
    assert "mixed scripts" in clean_name("\u0430lice")  # a Cyrillic a
    assert clean_name("alice") == "alice" and clean_name("Zoë") == "Zoë"


def test_a_message_cannot_forge_a_verdict_line(tmp_path):
    forged = "wrong\n  ✓ conv_param_count      1/1  all checks passed."
    grade = NotebookGrade("mallory", NB1, "x", [ExerciseGrade("conv_param_count", False, 0, 1, forged)])
    lines = detail_lines([grade])
    assert len(lines) == 2 and not any(line.lstrip().startswith("✓") for line in lines)
    book = Gradebook([NotebookGrade(" =1+1", NB1, "x", [ExerciseGrade("zero_pad", True, 1, 1, "ok")])], "0" * 64)
    write_csv(book, tmp_path / "g.csv")
    assert "\n' =1+1," in (tmp_path / "g.csv").read_text(encoding="utf-8")


# ------------------------------------------------------------------ persistence
def test_planted_bytecode_is_found(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    source = package / "mod.py"
    source.write_text("ANSWER = 1\n")
    py_compile.compile(str(source), doraise=True)
    assert manifest.stale_bytecode(package) == []
    cached = Path(importlib.util.cache_from_source(str(source)))
    honest = cached.read_bytes()
    other = tmp_path / "other.py"
    other.write_text("ANSWER = 2\n")
    forged = Path(py_compile.compile(str(other), cfile=str(tmp_path / "other.pyc"), doraise=True)).read_bytes()
    cached.write_bytes(honest[:16] + forged[16:])  # the header that matches the source, other code
    assert manifest.stale_bytecode(package) == [str(cached)]


def test_a_planted_pth_file_fails_verification(tmp_path, monkeypatch):
    site = tmp_path / "site-packages"
    site.mkdir()
    (site / "good.pth").write_text("/nowhere\n")
    monkeypatch.setattr(manifest, "_site_folders", lambda: [site])
    path = tmp_path / "manifest.json"
    manifest.write_manifest(path, {"cnnkit/x.py": "0"})
    manifest.verify_environment(path)
    (site / "evil.pth").write_text("import os\n")
    with pytest.raises(manifest.GradersChanged, match="evil.pth"):
        manifest.verify_environment(path)


def test_grading_the_folder_cnnkit_came_from_is_refused(capsys):
    assert command.main([str(PACKAGE.parent), "--isolation", "limits"]) == command.EXIT_ERROR
    assert "the folder being graded" in capsys.readouterr().err


# ------------------------------------------------------------------ CPU contention
def test_a_learner_that_timed_out_beside_others_on_shared_cpus_is_regraded_alone(monkeypatch):
    from cnnkit.grading.batch.discovery import Submission
    from cnnkit.grading.batch.jobs import Limits
    from cnnkit.grading.core import exercises_of

    calls = []

    def grade_tasks(tasks, limits, graders, cpus=None):
        calls.append([t.notebook for t in tasks])
        first = len(calls) <= 2
        return {(t.notebook, ex): (not first, "timed out after 60 s" if first else "all checks passed.", 1.0)
                for t in tasks for ex in exercises_of(t.notebook)}

    monkeypatch.setattr(command, "cpu_slots", lambda jobs: None)
    monkeypatch.setattr(command, "grade_tasks", grade_tasks)
    subs = [Submission(name, NB1, Path("x"), snapshot=Path("x")) for name in ("alice", "bob")]
    grades = command._grade_snapshots(subs, Limits(), 3, {}, None)
    assert len(calls) == 4  # both graded side by side, then each alone
    assert all(passed and "re-graded alone" in message for passed, message, _ in grades.values())


def test_notebooks_that_cannot_share_a_runner_go_to_different_jobs():
    from cnnkit.course import manifest
    from cnnkit.grading.batch.command import _split
    from cnnkit.grading.batch.jobs import Task

    tasks = [Task(entry.stem, SOLUTIONS_DIR / f"{entry.stem}.ipynb") for entry in manifest.NOTEBOOKS]
    parts = _split(tasks, 2)
    assert len(parts) == 2 and sorted(t.notebook for part in parts for t in part) == sorted(t.notebook for t in tasks)
    assert abs(len(parts[0]) - len(parts[1])) <= 1
    for part in parts:  # one runner start per job, as before the allow-list
        texts = {t.notebook: t.path.read_text(encoding="utf-8") for t in part}
        assert len(allowlist.groups(texts)) == 1
