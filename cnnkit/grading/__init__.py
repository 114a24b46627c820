"""Grading: load exercises from notebooks and check them with learner-friendly messages.

In a notebook, ``check(zero_pad)`` prints one line, ✓ or ✗ with a hint. Under pytest,
``tests/graders`` runs the same checks on the learner's notebooks, the solutions or the stubs.
For instructors, ``python -m cnnkit.grading PATH`` (:mod:`cnnkit.grading.batch.command`) grades
notebooks, a learner's folder or a folder of submissions in isolated processes and writes
gradebooks.
"""

from cnnkit.grading.core import (
    EXERCISES,
    ExerciseFailure,
    Result,
    check,
    exercise,
    exercises_of,
    graded_notebooks,
    run_checks,
)
from cnnkit.grading.loader import NotebookError, load_exercises

__all__ = [
    "EXERCISES", "ExerciseFailure", "NotebookError", "Result", "check", "exercise",
    "exercises_of", "graded_notebooks", "load_exercises", "run_checks",
]
