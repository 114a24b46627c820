"""The grading process: grades the notebooks it is given, one exercise at a time.

:mod:`cnnkit.grading.sandbox` starts it in a fresh Python (``python -I``), from a temporary
folder that holds copies of the submissions and a private copy of cnnkit. It reports on a
pipe of its own, one JSON object per line, so that nothing a learner prints can pass for a
result::

    {"event": "ready"}                                  TensorFlow imported, limits set
    {"event": "loading", "notebook": nb}                loading a notebook's exercises
    {"event": "load_failed", "notebook": nb, "message": why}
    {"event": "start", "notebook": nb, "exercise": ex}
    {"event": "result", "notebook": nb, "exercise": ex, "passed": bool, "message": text, "seconds": s}
    {"event": "done"}

Inside, each exercise runs under a wall-time limit (a ``SIGALRM`` that keeps firing until the
exercise stops), with its printing captured and counted; ``sys.exit`` and every exception
become a failed exercise. What cannot be caught here (``os._exit``, a signal, a loop that
swallows the alarm) ends the process: the parent then names the exercise that was running,
kills the process group and starts a new process for the exercises left.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import signal
import sys
import time
from pathlib import Path

from cnnkit.grading.gradebook import clean

MAX_FILE_BYTES = 64 * 2**20  # the largest file the grading process may write
PRINT_NOTE_CHARS = 2**20    # printing more characters than this is mentioned in the message

_WORKER_PID = os.getpid()
_RESULT_FD = -1


class GradingTimeout(BaseException):
    """Raised by the alarm when an exercise runs past its time limit (a BaseException, so that
    the learner's ``except Exception`` does not swallow it)."""


# ------------------------------------------------------------------ reporting
def send(**event) -> None:
    """Write one event to the parent. A process forked by a learner's code never reports: it exits."""
    if os.getpid() != _WORKER_PID:
        os._exit(0)
    data = (json.dumps(event) + "\n").encode("utf-8")
    while data:
        data = data[os.write(_RESULT_FD, data):]


def megabytes(count: int) -> str:
    return f"{count / 2**20:.1f} MB"


# ------------------------------------------------------------------ limits
def limit_resources(memory_bytes: int) -> None:
    """Cap memory (the data segment, which TensorFlow's large virtual reservations do not
    fill), the size of any file written, and core dumps; make an oversized write an error
    (``OSError: File too large``) rather than a fatal signal."""
    if memory_bytes > 0:
        try:
            resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
        except (ValueError, OSError):  # macOS does not let a process lower it: no memory limit there
            pass
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


_armed = False


def _on_alarm(signum, frame):
    if _armed:
        raise GradingTimeout


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise :class:`GradingTimeout` in the block after ``seconds``, and every 0.5 s after
    that, in case the code catches it."""
    global _armed
    _armed = True
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    try:
        yield
    finally:
        _armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)


class OutputCounter(io.TextIOBase):
    """Stands in for stdout and stderr while an exercise runs: counts the characters printed, keeps none."""

    def __init__(self):
        self.count = 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        self.count += len(str(text))
        return len(str(text))


def preload(threads: int) -> None:
    """Import TensorFlow and Keras now, so that no exercise's time limit pays for it."""
    try:
        import keras  # noqa: F401
        import tensorflow as tf
    except ImportError:
        return
    if threads > 0:
        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:  # the notebook's imports already started TensorFlow's runtime
            pass


def import_course_package() -> None:
    """Import every module of cnnkit now, before any learner's code runs, so that notebooks
    importing from cnnkit later get the modules from memory even if a submission has deleted
    or changed files of this process's copy of the package."""
    import importlib
    import pkgutil

    import cnnkit

    for info in pkgutil.walk_packages(cnnkit.__path__, prefix="cnnkit."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)


# ------------------------------------------------------------------ grading
def grade_exercise(name: str, func, seconds: float, memory_bytes: int) -> tuple[bool, str]:
    """Run the checks of one exercise under a time limit; any way it can go wrong becomes a message."""
    from cnnkit.grading.core import run_checks

    output = OutputCounter()
    try:
        with time_limit(seconds), contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            result = run_checks(name, func)
        passed, message = result.passed, result.message
    except GradingTimeout:
        passed, message = False, (f"timed out after {seconds:g} s: does a loop never end? "
                                  f"(each exercise may run for {seconds:g} s)")
    except SystemExit as stop:
        passed, message = False, (f"called sys.exit({stop.code!r}) (or exit() / quit()): "
                                  "a graded function must return its answer, not end the program.")
    except BaseException as error:  # noqa: BLE001 - e.g. KeyboardInterrupt raised by the learner
        passed, message = False, f"stopped with {type(error).__name__}: {error}"
    if os.getpid() != _WORKER_PID:  # a fork of the learner's code has run the checks too
        os._exit(0)
    if "MemoryError" in message and memory_bytes > 0:
        message += f" (the grader allows {megabytes(memory_bytes)} of memory)"
    if output.count > PRINT_NOTE_CHARS:
        message += f" (it printed {megabytes(output.count)}, which the grader discards)"
    return passed, message


def load(path: Path, text: bytes, seconds: float):
    """The exercise functions of the notebook at ``path`` whose contents are ``text``, or the
    reason they cannot be loaded."""
    from cnnkit.grading.loader import NotebookError, load_exercises

    output = OutputCounter()
    try:
        with time_limit(seconds), contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            return load_exercises(path, text), None
    except GradingTimeout:
        return None, (f"loading the notebook took more than {seconds:g} s: does an import, a decorator, "
                      "a class body or a default argument run forever?")
    except NotebookError as error:
        return None, str(error)
    except BaseException as error:  # noqa: BLE001
        return None, f"the notebook could not be loaded: {type(error).__name__}: {error}"


def main(argv: list[str] | None = None) -> None:
    global _RESULT_FD
    parser = argparse.ArgumentParser(description="Grade notebooks (started by cnnkit.grading.sandbox).")
    parser.add_argument("tasks", type=Path, help='JSON: [{"notebook", "path", "exercises"}, ...]')
    parser.add_argument("--result-fd", type=int, required=True)
    parser.add_argument("--timeout", type=float, required=True, help="seconds per exercise")
    parser.add_argument("--load-timeout", type=float, required=True, help="seconds to load one notebook")
    parser.add_argument("--memory", type=int, default=0, help="bytes of data memory (0: no limit)")
    parser.add_argument("--threads", type=int, default=0, help="TensorFlow threads (0: its default)")
    args = parser.parse_args(argv)
    _RESULT_FD = args.result_fd
    tasks = json.loads(args.tasks.read_text(encoding="utf-8"))
    # Read every notebook before any learner's code runs: code that deletes files must not
    # take the notebooks graded after it along.
    texts = {task["notebook"]: Path(task["path"]).read_bytes() for task in tasks}
    import_course_package()  # for the same reason
    folder = str(Path.cwd()) + os.sep  # messages name the submission, not its temporary copy

    limit_resources(args.memory)
    signal.signal(signal.SIGALRM, _on_alarm)
    send(event="ready")
    preloaded = False
    for task in tasks:
        notebook = task["notebook"]
        send(event="loading", notebook=notebook)
        functions, problem = load(Path(task["path"]), texts[notebook], args.load_timeout)
        if problem is not None:
            send(event="load_failed", notebook=notebook, message=clean(problem.replace(folder, "")))
            continue
        if not preloaded:  # not before: a notebook that cannot be loaded needs no TensorFlow
            preload(args.threads)
            preloaded = True
        for name in task["exercises"]:
            send(event="start", notebook=notebook, exercise=name)
            start = time.perf_counter()
            passed, message = grade_exercise(name, functions.get(name), args.timeout, args.memory)
            send(event="result", notebook=notebook, exercise=name, passed=passed,
                 message=clean(message.replace(folder, "")), seconds=round(time.perf_counter() - start, 3))
    send(event="done")
    sys.stdout.flush()
    os._exit(0)  # without waiting for threads a learner's code may have left running
