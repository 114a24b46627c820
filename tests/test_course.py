"""The course manifest (cnnkit/course/manifest.py) and the files written from it."""

from __future__ import annotations

import importlib.util

import nbformat
import pytest

from cnnkit.config import COURSE_REPO
from cnnkit.course import files
from cnnkit.course.manifest import NOTEBOOKS, notebook, notebook_of_exercise
from cnnkit.course.notebooks import SOLUTIONS_DIR, exercise_name


def test_every_solution_notebook_is_in_the_manifest_and_back():
    assert [entry.stem for entry in NOTEBOOKS] == sorted(path.stem for path in SOLUTIONS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("entry", NOTEBOOKS, ids=lambda entry: entry.stem)
def test_manifest_lists_the_exercises_in_the_order_the_notebook_presents_them(entry):
    cells = nbformat.read(SOLUTIONS_DIR / f"{entry.stem}.ipynb", as_version=4).cells
    names = [exercise_name(cell.source) for cell in cells if cell.cell_type == "code"]
    assert tuple(name for name in names if name) == entry.exercises


def test_lookups_by_stem_number_and_exercise():
    assert notebook(8) is notebook("08_resnet") is notebook_of_exercise("build_resnet")
    with pytest.raises(KeyError, match="known: 01_convolution_basics"):
        notebook(99)


def test_readme_table_and_classroom_workflow_are_up_to_date():
    stale = files.stale_files()
    assert not stale, f"{[path.name for path in stale]} out of date: run python -m cnnkit.course.files"


def test_classroom_workflow_grades_each_notebook_in_its_own_step():
    yaml = pytest.importorskip("yaml")
    chosen = [notebook(1), notebook(4)]
    workflow = yaml.safe_load(files.classroom_workflow(chosen))
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    grading = [step for step in steps if step.get("id", "").startswith("nb")]
    assert [step["id"] for step in grading] == ["nb01", "nb04"]
    assert "--notebook 04_first_cnn_with_keras" in grading[1]["run"]
    reporter = steps[-1]
    assert reporter["with"]["runners"] == "nb01,nb04"
    assert reporter["env"]["NB04_RESULTS"] == "${{ steps.nb04.outputs.result }}"


def test_classroom_workflow_grades_with_graders_the_learner_cannot_edit():
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load(files.classroom_workflow([notebook(1)], graders_ref="v1.2"))
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    checkouts = [step["with"] for step in steps if step.get("uses", "").startswith("actions/checkout")]
    assert checkouts == [{"path": "submission"}, {"repository": COURSE_REPO, "ref": "v1.2", "path": "graders"}]
    install = next(step["run"] for step in steps if step.get("id") == "install")
    assert "graders/requirements.txt" in install and "--no-deps ./graders" in install and "-e" not in install.split()
    grading = next(step["run"] for step in steps if step.get("id") == "nb01")
    assert "python -m cnnkit.grading submission/notebooks/" in grading


@pytest.mark.parametrize("entry", NOTEBOOKS, ids=lambda entry: entry.stem)
def test_manifest_names_modules_that_exist(entry):
    assert importlib.util.find_spec(f"cnnkit.grading.checks.{entry.topic}") is not None, entry.topic
    for module in entry.library:
        assert importlib.util.find_spec(module) is not None, module
