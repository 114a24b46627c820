"""The notebook pipeline: generated learner notebooks, notebook conventions, the library
copies of exercise solutions, and executing every solution notebook in fast mode."""

from __future__ import annotations

import ast
import importlib
import inspect
import re

import nbformat
import pytest

from cnnkit.config import COURSE_REPO
from cnnkit.course.manifest import NOTEBOOKS as COURSE
from cnnkit.course.notebooks import (
    BEGIN_SOLUTION,
    END_SOLUTION,
    SOLUTIONS_DIR,
    STUB,
    MarkerError,
    exercise_name,
    generate,
    learner_version,
    run_notebook,
    strip_solutions,
    text_outputs,
)
from cnnkit.course.results import parse_results
from cnnkit.grading import exercises_of, graded_notebooks

SOLUTION_PATHS = sorted(SOLUTIONS_DIR.glob("*.ipynb"))
IDS = [path.stem for path in SOLUTION_PATHS]
# Which library modules keep the solutions of which notebook, verbatim (the course manifest says).
LIBRARY_COPIES = {entry.stem: entry.library for entry in COURSE if entry.library}
PRACTICE_ONLY = {entry.stem: entry.practice_only for entry in COURSE}
# The simplest method beside each headline result: these names must be recorded (issue 29).
BASELINE_RESULTS = {
    "07_classic_architectures": ["best small model on validation ({}), test accuracy"],
    "08_resnet": ["deep plain / shallow plain training loss"],
    "14_face_recognition": ["unseen-class ROC AUC, random weights", "unseen-class ROC AUC, trained minus random weights",
                            "open-set identification accuracy, random weights"],
    "15_sequences_conv1d": ["GunPoint test accuracy (1-NN, Euclidean)", "OSULeaf test accuracy (1-NN, Euclidean)",
                            "OSULeaf test accuracy (FCN)", "IMDB test accuracy (TF-IDF + logistic regression)"],
    "16_generative_models": ["denoising baseline, MSE median filter", "denoising baseline, MSE Gaussian filter",
                             "Frechet distance, plain autoencoder, N(0, I) codes"],
    "10_segmentation_unet": ["classical baseline (threshold, regions, shape classifier) held-out mean IoU"],
    "12_transfer_learning": ["logistic regression on pixels, mean test accuracy",
                             "linear probe at that depth, mean test accuracy",
                             "image folder, logistic regression on pixels, test accuracy"],
    "13_object_detection": ["classical baseline (threshold, regions, shape classifier) held-out mAP@0.5"],
}


def read(path):
    return nbformat.read(path, as_version=4)


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


# ------------------------------------------------------------------ the generator
def test_committed_learner_notebooks_are_freshly_generated():
    stale = generate(check=True)
    assert not stale, f"notebooks/ is out of date for {stale}: run `make notebooks`"


def test_strip_solutions_keeps_indentation_and_everything_outside_blocks():
    source = "\n".join([
        "def f(x):", '    """Doc."""', f"    {BEGIN_SOLUTION}", "    y = x + 1", "    return y", f"    {END_SOLUTION}",
        "", "def g():", f"    {BEGIN_SOLUTION}", "    return 2", f"    {END_SOLUTION}",
    ])
    stripped = strip_solutions(source)
    assert stripped.split("\n") == ["def f(x):", '    """Doc."""', f"    {STUB}", "", "def g():", f"    {STUB}"]
    ast.parse(stripped)


@pytest.mark.parametrize("source", [
    f"{BEGIN_SOLUTION}\nx = 1",
    f"x = 1\n{END_SOLUTION}",
    f"{BEGIN_SOLUTION}\n{BEGIN_SOLUTION}\n{END_SOLUTION}",
])
def test_unbalanced_markers_are_errors(source):
    with pytest.raises(MarkerError):
        strip_solutions(source, "test cell")


@pytest.mark.parametrize("path", SOLUTION_PATHS, ids=IDS)
def test_learner_version_has_no_answers_and_no_outputs(path):
    learner = learner_version(read(path), path.name)
    for cell in code_cells(learner):
        assert cell.outputs == [] and cell.execution_count is None
        assert BEGIN_SOLUTION not in cell.source and END_SOLUTION not in cell.source
    assert f"/notebooks/{path.name}" in learner.cells[0].source
    assert f"/solutions/{path.name}" not in learner.cells[0].source


# ------------------------------------------------------------------ notebook conventions
@pytest.mark.parametrize("path", SOLUTION_PATHS, ids=IDS)
def test_notebook_opens_with_title_badge_setup_and_parameters(path):
    notebook = read(path)
    first = notebook.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    badge = f"colab.research.google.com/github/{COURSE_REPO}/blob/main/solutions/{path.name}"
    assert badge in first.source
    setup = code_cells(notebook)[0].source
    assert "google.colab" in setup and f"git+https://github.com/{COURSE_REPO}" in setup
    assert not re.search(r"install[^\n]*tensorflow", setup), "the Colab setup must not reinstall TensorFlow"
    tagged = [cell for cell in code_cells(notebook) if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one code cell must be tagged 'parameters'"


@pytest.mark.parametrize("path", SOLUTION_PATHS, ids=IDS)
def test_every_exercise_is_registered_and_checked_right_after(path):
    cells = code_cells(read(path))
    names = [exercise_name(cell.source) for cell in cells]
    assert sorted(n for n in names if n) == sorted(exercises_of(path.stem)), "exercise cells and checkers differ"
    for index, name in enumerate(names):
        if name:
            assert f"check({name})" in cells[index + 1].source, f"no check({name}) cell right after {name}"


def test_every_graded_notebook_exists():
    assert set(graded_notebooks()) <= {path.stem for path in SOLUTION_PATHS}


def _solution_sources(path):
    sources = {}
    for cell in code_cells(read(path)):
        name = exercise_name(cell.source)
        if name:
            lines = [line for line in cell.source.split("\n")[1:] if line.strip() not in (BEGIN_SOLUTION, END_SOLUTION)]
            sources[name] = "\n".join(lines).strip()
    return sources


@pytest.mark.parametrize("notebook", sorted(LIBRARY_COPIES))
def test_library_keeps_the_notebook_solutions_verbatim(notebook):
    names = LIBRARY_COPIES[notebook]
    modules = [importlib.import_module(name) for name in names]
    for name, source in _solution_sources(SOLUTIONS_DIR / f"{notebook}.ipynb").items():
        if name in PRACTICE_ONLY[notebook]:
            assert not any(hasattr(module, name) for module in modules), (
                f"{name} of {notebook} is practice only (the manifest says), yet a library module keeps it")
            continue
        # The module that defines the function, not one that imports it from elsewhere.
        function = next((getattr(module, name) for module in modules if hasattr(module, name)), None)
        assert function is not None, f"{name} of {notebook} is in none of the library modules {names}"
        assert function.__module__ in names or any(function.__module__.startswith(n + ".") for n in names), (
            f"{name} of {notebook} is defined in {function.__module__}, which the manifest does not list")
        assert inspect.getsource(function).strip() == source, (
            f"{function.__module__}.{name} differs from the solution in {notebook}: keep them identical"
        )


# ------------------------------------------------------------------ execution
@pytest.mark.notebook
@pytest.mark.parametrize("path", SOLUTION_PATHS, ids=IDS)
def test_solution_notebook_runs_offline_in_fast_mode(path):
    executed, seconds = run_notebook(path, fast=True)
    printed = text_outputs(executed)
    checks = [line for line in printed.splitlines() if line.startswith(("✓ ", "✗ "))]
    assert all(line.startswith("✓ ") for line in checks), "\n".join(checks)
    assert len(checks) == len(exercises_of(path.stem)), "every exercise's check cell must run once"
    recorded = parse_results(printed)
    assert recorded, "the notebook reports no headline result with cnnkit.course.results.record"
    for name in BASELINE_RESULTS.get(path.stem, []):
        pattern = re.escape(name).replace(re.escape("{}"), ".+")  # {} stands for a name the notebook chooses
        assert any(re.fullmatch(pattern, key) for key in recorded), f"the baseline result {name!r} is not recorded"
    print(f"{path.name}: {seconds:.1f} s in fast mode")
