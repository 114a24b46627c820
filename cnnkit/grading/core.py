"""The exercise registry and the code that runs an exercise's checks.

A *checker* is a function that takes the learner's function and raises
:class:`ExerciseFailure` with a helpful message at the first wrong answer. Checkers live in
:mod:`cnnkit.grading.checks`, one module per notebook (the course manifest,
:mod:`cnnkit.course.manifest`, names it), and are registered with :func:`exercise`. The same checkers
run in the notebook (:func:`check`), under pytest and in the grading command; in every case
the checker holds a :class:`~cnnkit.grading.learner.LearnerFunction`, whose calls cross as
plain data.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from cnnkit.course import manifest
from cnnkit.grading.learner import InProcess, LearnerFunction, NotGradable, Stopped

NOT_IMPLEMENTED = "not implemented yet"


class ExerciseFailure(AssertionError):
    """A learner's function gave a wrong answer; the message says what and why."""


@dataclass(frozen=True)
class Exercise:
    """One graded function of one notebook. ``uses`` names the exercises of the same notebook
    whose functions the answer calls: when they fail, this one's message says to fix them first."""

    name: str
    notebook: str
    checker: Callable[[Callable], None]
    points: int = 1
    uses: tuple[str, ...] = ()


EXERCISES: dict[str, Exercise] = {}


def exercise(notebook: str, name: str | None = None, points: int = 1, uses: tuple[str, ...] = ()):
    """Register the decorated checker for exercise ``name`` (default: the checker's name
    without its ``check_`` prefix) of ``notebook`` (e.g. ``"01_convolution_basics"``), worth
    ``points`` in gradebooks; ``uses`` names the exercises its answer calls
    (``uses=("gram_matrix",)``)."""
    if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
        raise ValueError(f"points must be a positive number, got {points!r}.")
    if isinstance(uses, str) or not all(isinstance(used, str) for used in uses):
        raise ValueError(f"uses must be a tuple of exercise names, got {uses!r}.")

    def register(checker: Callable[[Callable], None]) -> Callable[[Callable], None]:
        exercise_name = name or checker.__name__.removeprefix("check_")
        if exercise_name in EXERCISES:
            raise ValueError(f"Exercise {exercise_name!r} is registered twice.")
        EXERCISES[exercise_name] = Exercise(exercise_name, notebook, checker, points, tuple(uses))
        return checker

    return register


def exercises_of(notebook: str) -> list[str]:
    """Names of the exercises of one notebook, in the manifest's order."""
    _load_checkers()
    return list(manifest.notebook(notebook).exercises)


def graded_notebooks() -> list[str]:
    """Every notebook of the course manifest that has exercises, in the manifest's order."""
    _load_checkers()
    return [entry.stem for entry in manifest.NOTEBOOKS if entry.exercises]


_loaded = False


def _load_checkers() -> None:
    """Import the checks module of every notebook of the manifest (which registers its checkers)
    and insist that they register exactly the manifest's exercises."""
    global _loaded
    if _loaded:
        return
    for entry in manifest.NOTEBOOKS:
        importlib.import_module(f"cnnkit.grading.checks.{entry.topic}")
    for entry in manifest.NOTEBOOKS:
        registered = {name for name, ex in EXERCISES.items() if ex.notebook == entry.stem}
        if registered != set(entry.exercises):
            raise RuntimeError(f"cnnkit.grading.checks.{entry.topic} registers {sorted(registered)}, but the course "
                               f"manifest lists {sorted(entry.exercises)} for {entry.stem}.")
        for name in entry.exercises:
            unknown = set(EXERCISES[name].uses) - set(entry.exercises)
            if unknown:
                raise RuntimeError(f"{name} uses {sorted(unknown)}, which are not exercises of {entry.stem}.")
    _loaded = True


@dataclass(frozen=True)
class Result:
    """What grading one exercise gave."""

    exercise: str
    passed: bool
    message: str

    def line(self) -> str:
        mark = "✓" if self.passed else "✗"
        return f"{mark} {self.exercise}: {self.message}"

    def _ipython_display_(self) -> None:
        """Show nothing when a check cell's value is displayed: :func:`check` has printed the verdict."""


def learner_function(name: str, func: Callable | LearnerFunction | None) -> LearnerFunction | None:
    """``func`` as a handle the checkers can hold: a function defined here runs in this process,
    behind the same plain-data round trip as in the grading command; its notebook's other
    functions (its globals) are its siblings."""
    if func is None or isinstance(func, LearnerFunction):
        return func
    functions = dict(getattr(func, "__globals__", {}))
    functions[name] = func
    return LearnerFunction(name, InProcess(functions))


def run_checks(name: str, func: Callable | LearnerFunction | None, passed: dict[str, bool] | None = None) -> Result:
    """Run the checks of exercise ``name`` on ``func`` and say how it went; never raises for a
    wrong or crashing submission. ``passed`` gives the verdicts of exercises graded before
    (for "fix X first" messages); an exercise used by this one and not in it is checked now."""
    _load_checkers()
    if name not in EXERCISES:
        raise KeyError(f"No exercise called {name!r}; known: {', '.join(EXERCISES)}.")
    if func is None or isinstance(func, LearnerFunction) and not func.exists():
        return Result(name, False, f"no function named {name} was found. Did you rename it "
                                   "or delete its cell?")
    if not isinstance(func, LearnerFunction) and not callable(func):
        return Result(name, False, f"{name} should be a function, found {type(func).__name__}.")
    handle = learner_function(name, func)
    result = _checked(name, handle)
    if result.passed or result.message.startswith(NOT_IMPLEMENTED):
        return result
    for used in EXERCISES[name].uses:
        verdict = (passed or {}).get(used)
        if verdict is None:
            sibling = handle.sibling(used)
            verdict = sibling.exists() and _checked(used, sibling).passed
        if not verdict:
            return Result(name, False, f"{name} uses your {used}, which does not pass its check yet: "
                                       f"fix {used} first. (Its own check says: {result.message})")
    return result


def _checked(name: str, handle: LearnerFunction) -> Result:
    try:
        EXERCISES[name].checker(handle)
    except NotImplementedError:
        return Result(name, False, f"{NOT_IMPLEMENTED}: replace `raise NotImplementedError` "
                                   "with your code.")
    except ExerciseFailure as failure:
        return Result(name, False, str(failure))
    except Stopped as stop:
        return Result(name, False, str(stop))
    except NotGradable as error:
        return Result(name, False, f"{name} returned a value that cannot be graded: {error}")
    except Exception as error:  # a crash inside the learner's code, outside a described call
        return Result(name, False, f"crashed with {type(error).__name__}: {error}")
    return Result(name, True, "all checks passed.")


def check(func: Callable, name: str | None = None) -> Result:
    """Check a learner's function in the notebook and print one line: ✓ or ✗ with a hint."""
    result = run_checks(name or func.__name__, func)
    print(result.line())
    return result
