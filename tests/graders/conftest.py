"""Load each graded notebook once per session, from the folder ``--grade`` names."""

from __future__ import annotations

import pytest

from cnnkit.grading import load_exercises
from cnnkit.notebooks import NOTEBOOKS, SOLUTIONS, write_learner_version


@pytest.fixture(scope="session")
def graded_functions(request, tmp_path_factory):
    """``graded_functions(notebook)`` -> {exercise name: function} for the chosen variant."""
    variant = request.config.getoption("--grade")
    cache: dict[str, dict] = {}

    def load(notebook: str) -> dict:
        if notebook not in cache:
            if variant == "solutions":
                path = SOLUTIONS / f"{notebook}.ipynb"
            elif variant == "learner":
                path = NOTEBOOKS / f"{notebook}.ipynb"
            else:
                path = write_learner_version(SOLUTIONS / f"{notebook}.ipynb", tmp_path_factory.mktemp("stubs"))
            cache[notebook] = load_exercises(path)
        return cache[notebook]

    return load
