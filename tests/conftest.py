"""Shared pytest set-up: quiet TensorFlow, no downloads, a headless matplotlib backend,
and the ``--grade`` option that picks which notebooks the graders load."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CNNKIT_OFFLINE", "1")  # tests never download; the offline paths are what we test
os.environ.setdefault("MPLBACKEND", "Agg")

GRADE_CHOICES = ("learner", "solutions", "stubs")


def pytest_addoption(parser):
    parser.addoption(
        "--grade",
        choices=GRADE_CHOICES,
        default="learner",
        help="which notebooks tests/graders grades: learner (notebooks/, your work, the default), "
             "solutions (solutions/, must all pass) or stubs (freshly generated, must all fail)",
    )


@pytest.fixture(scope="session")
def solution_results():
    """``solution_results(notebook)`` -> {exercise: Result} of grading the solution notebook, computed
    once per test run and shared by every test that needs it."""
    from cnnkit.course.notebooks import SOLUTIONS_DIR
    from cnnkit.grading import exercises_of, load_exercises, run_checks

    cache: dict[str, dict] = {}

    def results(notebook: str) -> dict:
        if notebook not in cache:
            functions = load_exercises(SOLUTIONS_DIR / f"{notebook}.ipynb")
            cache[notebook] = {name: run_checks(name, functions.get(name)) for name in exercises_of(notebook)}
        return cache[notebook]

    return results


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every figure a test opened: pyplot keeps figures alive until closed, and a test run
    draws hundreds of them."""
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:  # never import matplotlib for a test that did not
        sys.modules["matplotlib.pyplot"].close("all")
