"""The learner's functions as a checker sees them: handles whose calls cross as plain data.

A checker receives a :class:`LearnerFunction`, never the learner's function itself. Calling
it sends a *request* (the function's name, the arguments as plain data, and optionally the
harness to run it with) through a *transport* and turns the *reply* back into a value or an
exception. The grading command's transport is a pipe to a separate runner process
(:mod:`cnnkit.grading.batch.runner`); :class:`InProcess`, used by :func:`cnnkit.grading.check`
in a notebook and by the tests, runs the same code on the same JSON in this process, so
that a learner sees the verdict the grading command would give.

What a harness computes beside the learner's code (whether the function changed its arguments in
place, whether its value has a gradient) is the runner's word: a learner who rewrites the
harness inside their runner can change it. Checkers use such results to explain honest mistakes;
every value that decides a grade is computed or checked on the checker's side.

Request: ``{"function": name, "harness": "module:qualname" or None, "args": data, "kwargs": data}``.
Reply, one of: ``{"value": data}``; ``{"raised": {"type": name, "text": message}}`` (the learner's
code raised an exception); ``{"unplain": why}`` (it returned something that is not plain data);
``{"stopped": why}`` (it called ``sys.exit`` or raised a ``BaseException``).
"""

from __future__ import annotations

import builtins
import importlib
import json
import re
from collections.abc import Callable
from typing import Any

from cnnkit.grading.plain import NotPlainData, decode, encode

#: The most characters of a learner's exception message that a grade repeats.
EXCEPTION_TEXT_CHARS = 500
#: Modules whose functions may serve as harnesses (see :func:`cnnkit.grading.assertions.call_with`).
HARNESS_PACKAGE = "cnnkit.grading."
_TYPE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,79}$")


class GradingTimeout(BaseException):
    """Raised in the runner when an exercise runs past its time (a BaseException, so that the
    learner's ``except Exception`` does not swallow it)."""


class Stopped(BaseException):
    """The learner's code ended the call without an answer (``sys.exit``, ``KeyboardInterrupt``,
    a time limit, a dead runner); the message says how. Ends the exercise's checks."""


class LearnerError(Exception):
    """An exception the learner's code raised, rebuilt on the checker's side from its type
    name and message. When the type is a built-in one, the rebuilt exception is an instance
    of it too, so that a checker may catch ``ValueError`` from a learner's function."""


class NotGradable(Exception):
    """The learner's function returned a value that cannot cross as plain data."""


# ------------------------------------------------------------------ the learner's side
def exception_text(error: BaseException) -> str:
    """``str(error)`` cut to :data:`EXCEPTION_TEXT_CHARS`, or words saying it could not be made."""
    try:
        text = str(error)
    except BaseException as failure:  # noqa: BLE001 - a learner's __str__ may raise anything
        return f"(its message could not be turned into text: __str__ raised {type(failure).__name__})"
    if not isinstance(text, str):
        return "(its message is not text)"
    return text if len(text) <= EXCEPTION_TEXT_CHARS else text[:EXCEPTION_TEXT_CHARS - 3] + "..."


def type_name(error: BaseException) -> str:
    name = getattr(type(error), "__name__", "")
    return name if isinstance(name, str) and _TYPE_NAME.match(name) else "Exception"


def harness_named(reference: str) -> Callable:
    """The harness ``"module:qualname"``: a function defined at module level in a module of
    :data:`HARNESS_PACKAGE`. Anything else is refused."""
    module_name, _, qualname = str(reference).partition(":")
    if not module_name.startswith(HARNESS_PACKAGE) or not qualname.isidentifier():
        raise ValueError(f"{reference!r} is not a harness of a cnnkit.grading module.")
    harness = getattr(importlib.import_module(module_name), qualname, None)
    if not callable(harness) or getattr(harness, "__module__", None) != module_name:
        raise ValueError(f"{reference!r} is not a function of its module.")
    return harness


def answer(functions: dict[str, Callable], request: dict) -> dict:
    """Run one request on the learner's functions and say how it went, as a reply."""
    func = functions.get(request.get("function"))
    args, kwargs = decode(request["args"]), decode(request["kwargs"])
    harness = harness_named(request["harness"]) if request.get("harness") else None
    try:
        result = harness(func, *args, **kwargs) if harness else func(*args, **kwargs)
    except GradingTimeout:
        raise
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, (int, type(None))) else exception_text(stop)
        return {"stopped": f"called sys.exit({code!r}) (or exit() / quit()): a graded function must "
                           "return its answer, not end the program."}
    except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
        return {"raised": {"type": type_name(error), "text": exception_text(error)}}
    except BaseException as error:  # noqa: BLE001 - e.g. KeyboardInterrupt raised by the learner
        return {"stopped": f"stopped with {type_name(error)}: {exception_text(error)}"}
    try:
        return {"value": encode(result)}
    except NotPlainData as error:
        return {"unplain": exception_text(error)}
    except Exception as error:  # noqa: BLE001 - e.g. an __array__ that raises
        return {"unplain": f"turning it into plain data raised {type_name(error)}: {exception_text(error)}"}


# ------------------------------------------------------------------ the checker's side
_ERROR_TYPES: dict[str, type] = {}


def _error_type(name: str) -> type:
    """An exception class named ``name``: a subclass of the built-in of that name when there is
    one (so ``except ValueError`` works), of :class:`LearnerError` in every case."""
    name = name if _TYPE_NAME.match(name) else "Exception"
    if name not in _ERROR_TYPES:
        builtin = getattr(builtins, name, None)
        bases = (builtin, LearnerError) if isinstance(builtin, type) and issubclass(builtin, Exception) \
            and builtin is not Exception else (LearnerError,)
        try:
            _ERROR_TYPES[name] = type(name, bases, {"__module__": "learner"})
        except TypeError:  # a built-in whose layout cannot be mixed in
            _ERROR_TYPES[name] = type(name, (LearnerError,), {"__module__": "learner"})
    return _ERROR_TYPES[name]


def value_of(reply: Any, function: str) -> Any:
    """The value a reply carries, or the exception it reports raised here."""
    if type(reply) is not dict or len(reply) != 1:
        raise Stopped(f"the runner sent a malformed reply while {function} ran.")
    (kind, body), = reply.items()
    if kind == "value":
        try:
            return decode(body)
        except NotPlainData as error:
            raise NotGradable(str(error)) from None
    if kind == "raised" and type(body) is dict:
        name, text = str(body.get("type", "Exception")), str(body.get("text", ""))[:EXCEPTION_TEXT_CHARS]
        if name == "NotImplementedError":
            raise NotImplementedError(text)
        raise _error_type(name)(text)
    if kind == "unplain":
        raise NotGradable(str(body)[:EXCEPTION_TEXT_CHARS])
    if kind == "stopped":
        raise Stopped(str(body)[:EXCEPTION_TEXT_CHARS])
    raise Stopped(f"the runner sent a reply of unknown kind while {function} ran.")


def harness_reference(harness: Callable) -> str:
    """``"module:qualname"`` of a module-level harness function, or a TypeError saying why not."""
    module, qualname = getattr(harness, "__module__", ""), getattr(harness, "__qualname__", "")
    if not str(module).startswith(HARNESS_PACKAGE) or not str(qualname).isidentifier():
        raise TypeError(f"call_with needs a module-level function of a cnnkit.grading module, got {harness!r}.")
    return f"{module}:{qualname}"


class LearnerFunction:
    """Stands for the learner's function ``name``: calls go through ``transport`` as plain data."""

    def __init__(self, name: str, transport: Transport):
        self.__name__ = self.name = name
        self._transport = transport

    def __repr__(self) -> str:
        return f"<your function {self.name}>"

    def __call__(self, *args, **kwargs) -> Any:
        return self.call_with(None, *args, **kwargs)

    def call_with(self, harness: Callable | None, *args, **kwargs) -> Any:
        """``harness(<the learner's function>, *args, **kwargs)`` next to the learner's code, or
        the function itself when ``harness`` is None."""
        try:
            request = {"function": self.name, "harness": harness_reference(harness) if harness else None,
                       "args": encode(list(args)), "kwargs": encode(dict(kwargs))}
        except NotPlainData as error:
            raise TypeError(f"a checker passed {self.name} something that is not plain data: {error}") from None
        return value_of(self._transport.request(request), self.name)

    def exists(self) -> bool:
        return self._transport.defines(self.name)

    def sibling(self, name: str) -> LearnerFunction:
        """The learner's function ``name`` from the same notebook."""
        return LearnerFunction(name, self._transport)


class Transport:
    """Where the learner's functions run. ``request`` returns the reply to one request."""

    def request(self, request: dict) -> Any:
        raise NotImplementedError

    def defines(self, name: str) -> bool:
        raise NotImplementedError


class InProcess(Transport):
    """The learner's functions run in this process, behind the same JSON as in the grading command."""

    def __init__(self, functions: dict[str, Callable]):
        self._functions = functions

    def request(self, request: dict) -> Any:
        reply = answer(self._functions, json.loads(json.dumps(request, allow_nan=False)))
        return json.loads(json.dumps(reply, allow_nan=False))

    def defines(self, name: str) -> bool:
        return callable(self._functions.get(name))
