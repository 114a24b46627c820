"""The runner: the only process that executes a learner's code.

The judge (:mod:`cnnkit.grading.batch.judge`) starts it through :mod:`cnnkit.grading.batch.sandbox`
and gives it orders on its standard input; it answers on its standard output (see
:mod:`cnnkit.grading.batch.protocol`). Both are moved to private descriptors before any learner
code runs, and descriptors 0 and 1 then lead to ``/dev/null``, so that nothing the learner's
code prints can reach the judge as an answer. It never grades: it loads the exercise cells of
one notebook (whose text arrives with the order) and answers calls with plain data. Whatever
it says, the judge believes only the values, and checks them itself.

Its copy of cnnkit is built from an allow-list (:mod:`cnnkit.grading.batch.allowlist`): the
checks, the references and the library's copies of the graded notebooks' exercises are not in it.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import os
import resource
import signal
from pathlib import Path

from cnnkit.grading.batch.allowlist import use_learner_functions
from cnnkit.grading.batch.protocol import MAX_ANSWER_BYTES, encoded, receive, send
from cnnkit.grading.learner import GradingTimeout, answer, exception_text, type_name

#: The largest file the runner may write.
MAX_FILE_BYTES = 64 * 2**20
#: Seconds one exercise cell's definitions may take to load before that exercise is given up.
CELL_LOAD_SECONDS = 20.0
#: How often the time limit fires again when the learner's code catches it.
REPEAT_SECONDS = 0.5

_PID = os.getpid()
_armed = [False]


# ------------------------------------------------------------------ set-up
def import_course_package() -> None:
    """Import every module of cnnkit before any learner's code runs, so that what the
    learner's code imports comes from memory even if it deletes or changes files."""
    import pkgutil

    import cnnkit

    for info in pkgutil.walk_packages(cnnkit.__path__, prefix="cnnkit."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)


def limit_resources(memory_bytes: int) -> None:
    """Cap memory (the data segment, which TensorFlow's large virtual reservations do not fill),
    the size of any file written, and core dumps; an oversized write becomes an error."""
    if memory_bytes > 0:
        try:
            resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
        except (ValueError, OSError):  # macOS does not let a process lower it
            pass
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


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
        except RuntimeError:
            pass


# ------------------------------------------------------------------ time and output
def _on_alarm(signum, frame):
    if _armed[0]:
        raise GradingTimeout


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise :class:`GradingTimeout` in the block after ``seconds``, and every
    :data:`REPEAT_SECONDS` after that, in case the code catches it."""
    _armed[0] = True
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.01), REPEAT_SECONDS)
    try:
        yield
    finally:
        _armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)


class OutputCounter(io.TextIOBase):
    """Stands in for stdout and stderr while learner code runs: counts characters, keeps none."""

    def __init__(self):
        self.count = 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        self.count += len(str(text))
        return len(str(text))


@contextlib.contextmanager
def cell_limit(seconds: float):
    """Give up one exercise cell's definitions after ``seconds`` (the loader then reports that
    exercise alone as broken)."""
    try:
        with time_limit(seconds):
            yield
    except GradingTimeout:
        raise TimeoutError(f"its definitions did not finish loading within {seconds:g} s: does a class body, "
                           "a decorator or a default argument run forever?") from None


# ------------------------------------------------------------------ orders
def load(notebook: str, text: str, seconds: float, output: OutputCounter) -> dict:
    """The answer to a load order: the names of the functions found, or why there are none."""
    from cnnkit.grading.loader import NotebookError, load_exercises

    _functions.clear()
    try:
        with time_limit(seconds), contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            functions = load_exercises(Path(f"{notebook}.ipynb"), text.encode("utf-8", "surrogateescape"),
                                       each_cell=lambda: cell_limit(min(CELL_LOAD_SECONDS, seconds)))
    except GradingTimeout:
        return {"load_failed": f"loading the notebook took more than {seconds:g} s: does an import run forever?"}
    except NotebookError as error:
        return {"load_failed": exception_text(error)}
    except BaseException as error:  # noqa: BLE001 - the learner's code may raise anything
        return {"load_failed": f"the notebook could not be loaded: {type_name(error)}: {exception_text(error)}"}
    _functions.update({name: func for name, func in functions.items() if callable(func)})
    use_learner_functions(_functions)  # library code that calls an exercise left out runs the learner's
    return {"loaded": sorted(_functions)}


_functions: dict = {}


def run_call(request: dict, seconds: float, limit: float, output: OutputCounter) -> dict:
    """The reply to one call, within ``seconds``; ``limit`` is the exercise's limit, for messages."""
    try:
        with time_limit(seconds), contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            reply = answer(_functions, request)
    except GradingTimeout:
        return {"stopped": f"timed out after {limit:g} s: does a loop never end? (each exercise may run "
                           f"for {limit:g} s)"}
    if os.getpid() != _PID:  # a fork of the learner's code has come back here: it must not answer
        os._exit(0)
    size = len(encoded(reply))
    if size > MAX_ANSWER_BYTES - 2**16:
        return {"unplain": f"the answer is {size / 2**20:.0f} MB as plain data, more than the "
                           f"{MAX_ANSWER_BYTES // 2**20} MB the grader reads."}
    return reply


def serve(orders: int, answers: int) -> None:
    """Answer orders until told to quit or the judge goes away."""
    output, limit = OutputCounter(), 0.0
    while True:
        order = receive(orders)
        op = order.get("op")
        if op == "load":
            reply = load(str(order["notebook"]), str(order["text"]), float(order["seconds"]), output)
        elif op == "begin":
            limit, output = float(order["seconds"]), OutputCounter()
            continue
        elif op == "call":
            reply = {"id": order["id"], "reply": run_call(order["request"], float(order["seconds"]), limit, output)}
        elif op == "end":
            reply = {"printed": output.count}
        else:
            os._exit(0)
        if os.getpid() != _PID:
            os._exit(0)
        send(answers, reply)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run a learner's exercise functions (started by the judge).")
    parser.add_argument("--memory", type=int, default=0, help="bytes of data memory (0: no limit)")
    parser.add_argument("--threads", type=int, default=0, help="TensorFlow threads (0: its default)")
    args = parser.parse_args(argv)
    orders, answers = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    import_course_package()
    preload(args.threads)
    limit_resources(args.memory)
    signal.signal(signal.SIGALRM, _on_alarm)
    send(answers, {"ready": True})
    try:
        serve(orders, answers)
    except BaseException:  # noqa: BLE001 - the judge reads the end of the pipe as the cause
        pass
    os._exit(0)  # without waiting for threads the learner's code may have left running
