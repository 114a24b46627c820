"""Helpers that checkers use to call a learner's function and compare what it returns.

Every failure message names the call, what was expected, what came back and, where a
checker passes one, a likely cause. No message dumps a whole array.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from cnnkit.grading.core import ExerciseFailure
from cnnkit.grading.learner import LearnerError, LearnerFunction, NotGradable


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


def call(func: Callable, *args, _hint: str | None = None, _shown: str | None = None, **kwargs) -> Any:
    """Call the learner's function; an exception becomes a failure that names the call,
    followed by ``_hint`` when the checker knows what usually causes a crash here.

    Arguments and results must be plain data (arrays, numbers, strings, None, and lists,
    tuples and dicts of these) or Keras models built from Keras' own layers
    (:mod:`cnnkit.grading.plain`): the learner's function runs behind a plain-data boundary
    (in another process in the grading command) and gets copies, so nothing it does to its
    arguments reaches the checker. ``func`` may also be one of the checker's own objects (a
    model rebuilt from the learner's answer): that runs here. ``_shown`` replaces the call's
    description in messages (``"grad_cam(model, image, 2, 'conv_b')"``)."""
    return _described(_shown or signature(_name(func), args, kwargs), lambda: func(*args, **kwargs), _hint)


def call_with(harness: Callable, func: Callable, *args, _hint: str | None = None, _shown: str | None = None,
              **kwargs) -> Any:
    """Run ``harness(func, *args, **kwargs)`` next to the learner's code, for exercises whose
    arguments cannot be plain data (a Keras tensor, an optimiser, a callable).

    ``harness`` is a trusted function defined at module level in a ``cnnkit.grading`` module
    (it crosses as ``"module:qualname"``): it receives the learner's function and the plain-data
    arguments, builds what the learner's function needs, calls it and returns plain data (see
    :func:`call`). It must not compute what the answer should be: the checker does that from
    its own inputs. A crash is reported as a crash of the learner's function."""
    if isinstance(func, LearnerFunction):
        run = lambda: func.call_with(harness, *args, **kwargs)  # noqa: E731
    else:
        run = lambda: harness(func, *args, **kwargs)  # noqa: E731
    return _described(_shown or signature(_name(func), args, kwargs), run, _hint)


def _name(func: Callable) -> str:
    name = getattr(func, "__name__", None)
    return name if isinstance(name, str) else type(func).__name__


def _described(shown: str, run: Callable[[], Any], hint: str | None) -> Any:
    try:
        return run()
    except NotImplementedError:
        raise
    except ExerciseFailure:
        raise
    except LearnerError as error:
        if type(error).__name__ == "ExerciseFailure":  # the loader's stand-in for a cell that does not run
            raise ExerciseFailure(str(error)) from None
        raise ExerciseFailure(f"{shown} raised {type(error).__name__}: {_reason(error)}"
                              + (f" {hint}" if hint else "")) from None
    except NotGradable as error:
        raise ExerciseFailure(f"{shown} returned a value that cannot be graded: "
                              f"{error}") from None
    except Exception as error:
        raise ExerciseFailure(
            f"{shown} raised {type(error).__name__}: {_reason(error)}"
            + (f" {hint}" if hint else "")
        ) from error


def _reason(error: BaseException) -> str:
    """An exception's text without TensorFlow's decorations: a leading ``{{function_node ...}}``
    and a trailing ``[Op:...]`` say where in the graph, not what went wrong."""
    return re.sub(r"\{\{.*?\}\}\s*", "", str(error)).split(" [Op:")[0].strip()


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
    """True when the shapes agree, every value is finite and within ``atol`` (plus a relative 1e-5)."""
    return (actual.shape == expected.shape and bool(np.all(np.isfinite(actual)))
            and np.allclose(actual, expected, atol=atol, rtol=1e-5))


def difference(actual: np.ndarray, expected: np.ndarray) -> str:
    """Where two same-shaped arrays differ most, in words."""
    gap = np.abs(actual - expected)
    where = np.unravel_index(np.argmax(gap), gap.shape)
    index = tuple(int(i) for i in where)
    wrong = int(np.sum(~np.isclose(actual, expected, atol=1e-5, rtol=1e-5)))
    return (f"{wrong} of {actual.size} values are wrong; the largest error is at index {index}: "
            f"got {actual[where]:.6g}, expected {expected[where]:.6g}.")
