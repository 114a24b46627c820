"""Helpers that checkers use to call a learner's function and compare what it returns.

Every failure message names the call, what was expected, what came back and, where a
checker passes one, a likely cause. No message dumps a whole array.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from cnnkit.grading.core import ExerciseFailure


def describe(value: Any) -> str:
    """A short description of a value: arrays by shape and dtype, others by a clipped repr."""
    if isinstance(value, np.ndarray) or hasattr(value, "shape") and hasattr(value, "dtype"):
        return f"array of shape {tuple(value.shape)} ({value.dtype})"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def signature(func_name: str, args: tuple, kwargs: dict) -> str:
    """``name(arg descriptions)`` for messages."""
    parts = [describe(arg) for arg in args] + [f"{key}={describe(val)}" for key, val in kwargs.items()]
    return f"{func_name}({', '.join(parts)})"


def call(func: Callable, *args, _hint: str | None = None, **kwargs) -> Any:
    """Call the learner's function; an exception becomes a failure that names the call,
    followed by ``_hint`` when the checker knows what usually causes a crash here.

    Arguments and results must be plain data (arrays, numbers, strings, None, and lists,
    tuples and dicts of these) or Keras models built from Keras' own layers: the grading
    command runs the learner's code in another process and only plain data crosses."""
    return _described(func, lambda: func(*args, **kwargs), args, kwargs, _hint)


def call_with(harness: Callable, func: Callable, *args, _hint: str | None = None, **kwargs) -> Any:
    """Run ``harness(func, *args, **kwargs)`` next to the learner's code, for exercises whose
    arguments cannot be plain data (a Keras tensor, an optimiser, a callable).

    ``harness`` is a trusted, module-level function of a ``cnnkit.grading`` module: it builds
    what the learner's function needs, calls it and returns plain data (see :func:`call`).
    A crash is reported as a crash of the learner's function."""
    return _described(func, lambda: harness(func, *args, **kwargs), args, kwargs, _hint)


def _described(func: Callable, run: Callable[[], Any], args: tuple, kwargs: dict, hint: str | None) -> Any:
    try:
        return run()
    except NotImplementedError:
        raise
    except ExerciseFailure:
        raise
    except Exception as error:
        raise ExerciseFailure(
            f"{signature(getattr(func, '__name__', type(func).__name__), args, kwargs)} raised {type(error).__name__}: {error}"
            + (f" {hint}" if hint else "")
        ) from error


def fail(call_text: str, problem: str, hint: str | None = None) -> None:
    """Raise a failure: ``"<call>: <problem> <hint>"``."""
    raise ExerciseFailure(f"{call_text}: {problem}" + (f" {hint}" if hint else ""))


def as_array(value: Any, call_text: str) -> np.ndarray:
    """The value as a float array, or a failure saying an array was expected."""
    if value is None:
        fail(call_text, "returned None.", "Did you forget the `return` statement?")
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        fail(call_text, f"returned {describe(value)}, expected a NumPy array.")


def as_number(value: Any, call_text: str, hint: str) -> float:
    """The value as a float, or a failure saying one number was expected (``hint`` says how)."""
    array = as_array(value, call_text)
    if array.size != 1:
        fail(call_text, f"returned {describe(np.asarray(value))}, expected a single number.", hint)
    return float(array.reshape(()))


def same_values(actual: np.ndarray, expected: np.ndarray, atol: float = 1e-5) -> bool:
    """True when the shapes agree and every value is within ``atol`` (plus a relative 1e-5)."""
    return actual.shape == expected.shape and np.allclose(actual, expected, atol=atol, rtol=1e-5)


def difference(actual: np.ndarray, expected: np.ndarray) -> str:
    """Where two same-shaped arrays differ most, in words."""
    gap = np.abs(actual - expected)
    where = np.unravel_index(np.argmax(gap), gap.shape)
    index = tuple(int(i) for i in where)
    wrong = int(np.sum(~np.isclose(actual, expected, atol=1e-5, rtol=1e-5)))
    return (f"{wrong} of {actual.size} values are wrong; the largest error is at index {index}: "
            f"got {actual[where]:.6g}, expected {expected[where]:.6g}.")
