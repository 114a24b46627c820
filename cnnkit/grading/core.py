"""The exercise registry and the code that runs an exercise's checks.

A *checker* is a function that takes the learner's function and raises
:class:`ExerciseFailure` with a helpful message at the first wrong answer. Checkers live
in :mod:`cnnkit.grading.checks`, one module per notebook, and are registered with
:func:`exercise`. The same checkers run in the notebook (:func:`check`) and under pytest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

NOT_IMPLEMENTED = "not implemented yet"


class ExerciseFailure(AssertionError):
    """A learner's function gave a wrong answer; the message says what and why."""


@dataclass(frozen=True)
class Exercise:
    """One graded function of one notebook."""

    name: str
    notebook: str
    checker: Callable[[Callable], None]
    points: int = 1


EXERCISES: dict[str, Exercise] = {}


def exercise(notebook: str, name: str | None = None, points: int = 1):
    """Register the decorated checker for exercise ``name`` (default: the checker's name
    without its ``check_`` prefix) of ``notebook`` (e.g. ``"01_convolution_basics"``), worth
    ``points`` in gradebooks."""
    if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
        raise ValueError(f"points must be a positive number, got {points!r}.")

    def register(checker: Callable[[Callable], None]) -> Callable[[Callable], None]:
        exercise_name = name or checker.__name__.removeprefix("check_")
        if exercise_name in EXERCISES:
            raise ValueError(f"Exercise {exercise_name!r} is registered twice.")
        EXERCISES[exercise_name] = Exercise(exercise_name, notebook, checker, points)
        return checker

    return register


def exercises_of(notebook: str) -> list[str]:
    """Names of the exercises of one notebook, in the order they were registered."""
    _load_checkers()
    return [name for name, ex in EXERCISES.items() if ex.notebook == notebook]


def graded_notebooks() -> list[str]:
    """Every notebook that has at least one registered exercise, sorted."""
    _load_checkers()
    return sorted({ex.notebook for ex in EXERCISES.values()})


def _load_checkers() -> None:
    import cnnkit.grading.checks  # noqa: F401  (importing registers every checker)


@dataclass(frozen=True)
class Result:
    """What grading one exercise gave."""

    exercise: str
    passed: bool
    message: str

    def line(self) -> str:
        mark = "✓" if self.passed else "✗"
        return f"{mark} {self.exercise}: {self.message}"


def run_checks(name: str, func: Callable | None) -> Result:
    """Run the checks of exercise ``name`` on ``func`` and say how it went; never raises
    for a wrong or crashing submission."""
    _load_checkers()
    if name not in EXERCISES:
        raise KeyError(f"No exercise called {name!r}; known: {', '.join(EXERCISES)}.")
    if func is None:
        return Result(name, False, f"no function named {name} was found. Did you rename it "
                                   "or delete its cell?")
    if not callable(func):
        return Result(name, False, f"{name} should be a function, found {type(func).__name__}.")
    try:
        EXERCISES[name].checker(func)
    except NotImplementedError:
        return Result(name, False, f"{NOT_IMPLEMENTED}: replace `raise NotImplementedError` "
                                   "with your code.")
    except ExerciseFailure as failure:
        return Result(name, False, str(failure))
    except Exception as error:  # a crash inside the learner's code, outside a described call
        return Result(name, False, f"crashed with {type(error).__name__}: {error}")
    return Result(name, True, "all checks passed.")


def check(func: Callable, name: str | None = None) -> Result:
    """Check a learner's function in the notebook and print one line: ✓ or ✗ with a hint."""
    result = run_checks(name or func.__name__, func)
    print(result.line())
    return result
