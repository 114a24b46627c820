"""The grading command: finding submissions, gradebooks, the grader manifest, and two
end-to-end runs (generated submissions into a correct gradebook; a solution with a verified
manifest for GitHub Classroom)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from grading_samples import file_hashes, gradebook_errors, make_submissions

from cnnkit.config import REPO_ROOT
from cnnkit.course.notebooks import SOLUTIONS_DIR
from cnnkit.grading import exercise, exercises_of
from cnnkit.grading.batch.command import batches, parse_size, resolve_notebook
from cnnkit.grading.batch.discovery import find_submissions, identify
from cnnkit.grading.batch.gradebook import (
    ExerciseGrade,
    Gradebook,
    NotebookGrade,
    report,
    to_classroom,
    write_csv,
    write_json,
    write_junit,
)
from cnnkit.grading.batch.manifest import (
    GradersChanged,
    copy_package,
    differences,
    hash_package,
    read_manifest,
    verify,
    write_manifest,
)
from cnnkit.grading.batch.sandbox import BUBBLEWRAP, available

NB = "01_convolution_basics"
SOLUTION = SOLUTIONS_DIR / f"{NB}.ipynb"


def run_command(*args, cwd=REPO_ROOT):
    """The command's run; where bubblewrap cannot start (macOS), at process limits, asked for by name."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    if available().level != BUBBLEWRAP and "--isolation" not in args:
        args = (*args, "--isolation", "limits", "--force-limits")
    return subprocess.run([sys.executable, "-m", "cnnkit.grading", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


# ------------------------------------------------------------------ arguments
@pytest.mark.parametrize(("text", "size"), [("4G", 4 * 2**30), ("1.5GB", int(1.5 * 2**30)), ("512m", 512 * 2**20),
                                            ("0", 0), ("2048", 2048)])
def test_sizes(text, size):
    assert parse_size(text) == size


def test_bad_size_and_unknown_notebook_are_clear_errors():
    with pytest.raises(Exception, match="not a size"):
        parse_size("lots")
    with pytest.raises(Exception, match="no graded notebook '99'"):
        resolve_notebook("99", [NB])
    assert resolve_notebook("1", [NB]) == resolve_notebook(f"{NB}.ipynb", [NB]) == NB


def test_points_must_be_positive():
    with pytest.raises(ValueError, match="points must be a positive number"):
        exercise(NB, name="never_registered", points=0)


# ------------------------------------------------------------------ finding submissions
def test_a_notebook_is_recognised_by_name_or_by_its_exercise_markers(tmp_path):
    renamed = tmp_path / "my homework (final).ipynb"
    renamed.write_bytes(SOLUTION.read_bytes())
    numbered = tmp_path / "01-mine.ipynb"
    numbered.write_text("{}")
    assert identify(renamed, [NB]) == NB and identify(numbered, [NB]) == NB
    (tmp_path / "other.ipynb").write_text("{}")
    assert identify(tmp_path / "other.ipynb", [NB]) is None


def test_learner_folder_ignores_solutions_and_hidden_folders(tmp_path):
    repo = tmp_path / "assignment-alice"
    for folder in ("notebooks", "solutions", "notebooks/.ipynb_checkpoints"):
        (repo / folder).mkdir(parents=True)
        (repo / folder / f"{NB}.ipynb").write_bytes(SOLUTION.read_bytes())
    [submission] = find_submissions([repo])
    assert submission.learner == "assignment-alice" and submission.path == repo / "notebooks" / f"{NB}.ipynb"
    [from_notebooks] = find_submissions([repo / "notebooks"])
    assert from_notebooks.learner == "assignment-alice"


def test_scratch_notebooks_in_a_learner_folder_are_skipped_but_a_lone_unknown_file_is_reported(tmp_path):
    (tmp_path / f"{NB}.ipynb").write_bytes(SOLUTION.read_bytes())
    (tmp_path / "scratch.ipynb").write_text("{}")
    assert [(s.notebook, s.path.name) for s in find_submissions([tmp_path])] == [(NB, f"{NB}.ipynb")]
    [lone] = find_submissions([tmp_path / "scratch.ipynb"])
    assert lone.notebook is None and "cannot tell which notebook scratch.ipynb is" in lone.note
    [told] = find_submissions([tmp_path / "scratch.ipynb"], only=[NB])
    assert told.notebook == NB


def test_submissions_folder_one_entry_per_learner_and_missing_notebooks(tmp_path):
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / f"{NB}.ipynb").write_bytes(SOLUTION.read_bytes())
    (tmp_path / "bob").mkdir()
    (tmp_path / "carol.ipynb").write_bytes(SOLUTION.read_bytes())
    found = {(s.learner, s.notebook): s for s in find_submissions([tmp_path])}
    assert set(found) == {("alice", NB), ("bob", NB), ("carol", NB)}
    assert found[("bob", NB)].path is None and "not submitted" in found[("bob", NB)].note


def test_two_files_for_one_notebook_grade_the_shallowest_and_say_so(tmp_path):
    (tmp_path / "old").mkdir()
    for path in (tmp_path / f"{NB}.ipynb", tmp_path / "old" / f"{NB} copy.ipynb"):
        path.write_bytes(SOLUTION.read_bytes())
    [submission] = find_submissions([tmp_path])
    assert submission.path == tmp_path / f"{NB}.ipynb" and "2 files" in submission.note


def test_batches_split_one_learner_across_jobs():
    from cnnkit.grading.batch.discovery import Submission

    subs = [Submission("alice", f"0{i}_x", Path(f"0{i}.ipynb"), snapshot=Path(f"{i}.ipynb")) for i in range(1, 5)]
    assert [len(tasks) for _, tasks in batches(subs, jobs=2)] == [2, 2]
    bob = Submission("bob", "01_x", Path("b.ipynb"), snapshot=Path("5.ipynb"))
    assert len(batches(subs + [bob], jobs=2)) == 2


# ------------------------------------------------------------------ gradebooks
def _book():
    ok = ExerciseGrade("zero_pad", True, 2, 2, "all checks passed.", 0.5)
    bad = ExerciseGrade("conv_forward", False, 0, 1, "output \x1b[31mred\x1b[0m <&> wrong", 1.0)
    return Gradebook([NotebookGrade("alice", NB, "a.ipynb", [ok, bad], seconds=1.5),
                      NotebookGrade("bob", NB, "b.ipynb", [ok, ExerciseGrade("conv_forward", True, 1, 1, "ok")]),
                      NotebookGrade("bob", None, "x.ipynb", [], "cannot tell which notebook x.ipynb is")],
                     "f" * 64, 3.0)


def test_gradebooks_agree_and_escape_learner_text(tmp_path):
    book = _book()
    write_csv(book, tmp_path / "g.csv")
    write_json(book, tmp_path / "g.json")
    write_junit(book, tmp_path / "g.xml")
    rows = list(csv.DictReader(open(tmp_path / "g.csv", encoding="utf-8")))
    assert [(r["learner"], r["points"], r["max_points"], r[f"{NB}:conv_forward"]) for r in rows] == [
        ("alice", "2", "3", "0"), ("bob", "3", "3", "1")]
    data = json.loads((tmp_path / "g.json").read_text())
    assert [learner["points"] for learner in data["learners"]] == [2, 3] and data["passed"] is False
    assert "\x1b" not in (tmp_path / "g.json").read_text()
    root = ET.parse(tmp_path / "g.xml").getroot()
    assert root.get("tests") == "4" and root.get("failures") == "1"
    assert len(root.findall(".//failure")) == 1 and len(root.findall(".//error")) == 1
    text = report(book, details=True)
    assert "\x1b" not in text and "alice" in text and "5/6 points" in text


def test_classroom_result_reports_points_per_exercise():
    result = to_classroom(_book())
    assert result["max_score"] == 6 and result["status"] == "fail"
    assert sum(test["score"] for test in result["tests"]) == 5
    assert {test["status"] for test in result["tests"]} == {"pass", "fail", "error"}


# ------------------------------------------------------------------ manifest
def test_manifest_round_trip_and_detects_changes(tmp_path):
    hashes = hash_package()
    assert "cnnkit/grading/checks/convolution.py" in hashes
    write_manifest(tmp_path / "manifest.json", hashes)
    assert read_manifest(tmp_path / "manifest.json") == hashes
    verify(hashes)
    copy = copy_package(tmp_path / "lib", hashes) / "cnnkit"
    (copy / "grading" / "checks" / "convolution.py").write_text("# always pass\n")
    (copy / "grading" / "checks" / "extra.py").write_text("")
    with pytest.raises(GradersChanged, match="changed: cnnkit/grading/checks/convolution.py"):
        verify(hashes, copy)
    assert differences(hashes, hash_package(copy)) == ["changed: cnnkit/grading/checks/convolution.py",
                                                       "added: cnnkit/grading/checks/extra.py"]


def test_command_refuses_graders_that_differ_from_the_manifest(tmp_path):
    manifest = {"digest": "", "files": {**hash_package(), "cnnkit/grading/core.py": "0" * 64}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    finished = run_command(SOLUTION, "--verify-manifest", tmp_path / "manifest.json")
    assert finished.returncode == 2 and "changed: cnnkit/grading/core.py" in finished.stderr


# ------------------------------------------------------------------ end to end
def test_generated_submissions_get_a_correct_gradebook(tmp_path):
    """The benchmark's check (benchmarks/grade_submissions.py) on 6 learners: good, partial,
    hostile, stub, corrupt and missing notebooks."""
    folder = tmp_path / "submissions"
    expected = make_submissions(folder, learners=6, seed=3)
    before = file_hashes(folder)
    finished = run_command(folder, "--jobs", 2, "--timeout", 15, "--csv", tmp_path / "g.csv",
                           "--json", tmp_path / "g.json", "--junit", tmp_path / "g.xml")
    assert finished.returncode == 1, finished.stdout + finished.stderr
    assert gradebook_errors(tmp_path / "g.csv", tmp_path / "g.json", expected) == []
    assert file_hashes(folder) == before
    cases = ET.parse(tmp_path / "g.xml").getroot().findall(".//testcase")
    assert len(cases) == sum(len(grades) for grades in expected.values())
    assert "learner00-good" in finished.stdout and "total" in finished.stdout


def test_a_solution_passes_with_a_verified_manifest_and_classroom_output(tmp_path):
    assert run_command("--write-manifest", tmp_path / "manifest.json").returncode == 0
    finished = run_command(SOLUTION, "--verify-manifest", tmp_path / "manifest.json",
                           "--classroom", tmp_path / "classroom.json", cwd=tmp_path)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    result = json.loads((tmp_path / "classroom.json").read_text())
    assert result["status"] == "pass" and result["max_score"] == len(exercises_of(NB))
    assert sum(test["score"] for test in result["tests"]) == result["max_score"]
    assert "every exercise passed" in finished.stdout
