"""The graders: every registered exercise of every notebook, checked on the notebooks that
``--grade`` selects. Run ``make grade`` to grade your own work in ``notebooks/``."""

from __future__ import annotations

import pytest

from cnnkit.grading import EXERCISES, graded_notebooks, run_checks

graded_notebooks()  # fills the registry
CASES = [(ex.notebook, name) for name, ex in EXERCISES.items()]


@pytest.mark.parametrize(("notebook", "exercise"), CASES, ids=[f"{nb}:{ex}" for nb, ex in CASES])
def test_exercise(graded_functions, notebook, exercise):
    result = run_checks(exercise, graded_functions(notebook).get(exercise))
    assert result.passed, result.line()
