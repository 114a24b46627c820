"""Proof that the graders grade: stubs fail, and every known mistake in ``tests/mistakes/`` fails
with the hint it is expected to get. Independent of ``--grade``. That the solutions pass is asserted
once per exercise by ``tests/graders`` with ``--grade=solutions``, which ``make test`` passes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from cnnkit.course import manifest
from cnnkit.course.notebooks import SOLUTIONS_DIR, write_learner_version
from cnnkit.grading import EXERCISES, graded_notebooks, load_exercises, run_checks
from cnnkit.grading.core import NOT_IMPLEMENTED

MISTAKES = sorted(Path(__file__).parent.joinpath("mistakes").glob("*/*.py"))
GRADED = graded_notebooks()


def _module(path: Path):
    spec = importlib.util.spec_from_file_location(f"mistake_{path.parent.name}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("notebook", GRADED)
def test_stubs_fail_every_check(notebook, tmp_path):
    functions = load_exercises(write_learner_version(SOLUTIONS_DIR / f"{notebook}.ipynb", tmp_path))
    for name, ex in EXERCISES.items():
        if ex.notebook == notebook:
            result = run_checks(name, functions.get(name))
            assert not result.passed and NOT_IMPLEMENTED in result.message, result.line()


def test_every_notebook_with_exercises_has_mistakes_in_its_topic_folder():
    folders = {path.parent.name for path in MISTAKES}
    topics = {manifest.notebook(stem).topic for stem in GRADED}
    assert topics <= folders, f"no known mistakes for {topics - folders}"


def test_every_exercise_has_at_least_three_known_mistakes():
    counts = {name: 0 for name in EXERCISES}
    for path in MISTAKES:
        counts[_module(path).EXERCISE] = counts.get(_module(path).EXERCISE, 0) + 1
    few = {name: count for name, count in counts.items() if count < 3}
    assert not few, f"fewer than three known mistakes in tests/mistakes/ for {few}"


@pytest.mark.parametrize("path", MISTAKES, ids=[f"{p.parent.name}/{p.stem}" for p in MISTAKES])
def test_mistake_is_caught_with_its_hint(path):
    module = _module(path)
    assert module.EXERCISE in EXERCISES, f"{path.name} names an unknown exercise {module.EXERCISE!r}"
    assert manifest.notebook(EXERCISES[module.EXERCISE].notebook).topic == path.parent.name, (
        f"{path.name} is in tests/mistakes/{path.parent.name}/, not in the folder of its notebook's topic")
    result = run_checks(module.EXERCISE, getattr(module, module.EXERCISE))
    assert not result.passed, f"{path.name}: the grader let this mistake pass"
    assert module.EXPECTED_HINT.lower() in result.message.lower(), (
        f"{path.name}: expected the hint {module.EXPECTED_HINT!r}, got: {result.message}"
    )
