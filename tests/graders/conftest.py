"""Load each graded notebook once per session, from the folder ``--grade`` names."""

from __future__ import annotations

import pytest

from cnnkit.course.notebooks import LEARNER_DIR, SOLUTIONS_DIR, write_learner_version
from cnnkit.grading import load_exercises


@pytest.fixture(scope="session")
def graded_functions(request, tmp_path_factory):
    """``graded_functions(notebook)`` -> {exercise name: function} for the chosen variant."""
    variant = request.config.getoption("--grade")
    cache: dict[str, dict] = {}

    def load(notebook: str) -> dict:
        if notebook not in cache:
            if variant == "solutions":
                path = SOLUTIONS_DIR / f"{notebook}.ipynb"
            elif variant == "learner":
                path = LEARNER_DIR / f"{notebook}.ipynb"
            else:
                path = write_learner_version(SOLUTIONS_DIR / f"{notebook}.ipynb", tmp_path_factory.mktemp("stubs"))
            cache[notebook] = load_exercises(path)
        return cache[notebook]

    return load

