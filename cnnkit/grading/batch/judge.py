"""The judge: a trusted process that grades one learner's notebooks without running their code.

:mod:`cnnkit.grading.batch.jobs` starts it in a fresh Python (``python -I``) on a private,
hash-checked copy of cnnkit. For each notebook it starts a runner
(:mod:`cnnkit.grading.batch.runner`, isolated by :mod:`cnnkit.grading.batch.sandbox`), sends
it the notebook's text, and runs every checker here with a
:class:`~cnnkit.grading.learner.LearnerFunction` whose calls go to the runner as plain data.
Expected values are computed here, from inputs the runner never touches.

Each exercise's learner code may run for ``--timeout`` seconds in all: every call gets what is
left of that time and an absolute deadline (what is left plus :data:`KILL_GRACE`) that nothing
the runner sends can move; the checker's own work here does not count. A runner that misses a
deadline, dies, or breaks the protocol is killed (with everything it started); the exercise
fails with the cause and a new runner loads the notebook for the exercises left. A
:class:`~cnnkit.grading.batch.watchdog.Watchdog` thread sums the memory and counts the tasks of the
runner's whole sandbox every 0.1 s and kills it when it takes more than ``--memory`` or
``--max-tasks``; the exercise then fails with that cause. The judge
reports to the command on a pipe of its own, one JSON object per line::

    {"event": "ready"}
    {"event": "loading", "notebook": nb}
    {"event": "load_failed", "notebook": nb, "message": why}
    {"event": "start", "notebook": nb, "exercise": ex}
    {"event": "result", "notebook": nb, "exercise": ex, "passed": bool, "message": text, "seconds": s}
    {"event": "done"}
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import cnnkit
from cnnkit.grading.batch import allowlist, sandbox
from cnnkit.grading.batch.gradebook import clean
from cnnkit.grading.batch.protocol import (
    LOAD_FAILED,
    LOADED,
    MAX_ANSWER_BYTES,
    PRINTED,
    READY,
    AnswerLate,
    ProtocolError,
    RunnerGone,
    answer_to,
    expect,
    expect_one_of,
    receive,
    send,
)
from cnnkit.grading.batch.watchdog import MAX_TASKS, Watchdog
from cnnkit.grading.learner import LearnerFunction, Stopped, Transport

#: Extra seconds past an exercise's limit before its runner is killed (the runner's own alarm
#: should stop the code at the limit; the grace covers the answer's journey).
KILL_GRACE = 3.0
#: Printing more characters than this during one exercise is mentioned in its message.
PRINT_NOTE_CHARS = 2**20
#: Seconds a runner gets to answer "end" once its exercise is over.
END_SECONDS = 5.0
#: The least time a call gets, even when the exercise's time is used up (the runner's alarm then
#: ends it at once with "timed out").
MIN_CALL_SECONDS = 0.05

_result_fd = -1


def report(**event) -> None:
    """Write one event for the command."""
    data = (json.dumps(event) + "\n").encode("utf-8")
    while data:
        data = data[os.write(_result_fd, data):]


class Runner(Transport):
    """One runner process, which loads one learner's notebooks in turn; a failure kills it and
    raises :class:`Stopped`, and the next :meth:`load` starts a new one."""

    def __init__(self, settings: argparse.Namespace, work: Path, library: Path):
        self.settings, self.work, self.library = settings, work, library
        self.process = None
        self.watchdog: Watchdog | None = None
        self.notebook: str | None = None
        self.functions: set[str] = set()
        self.used = 0.0  # seconds the learner's code has run during this exercise
        self.calls = 0
        self.cause = "the grading process had stopped."  # why the last runner ended, for later calls

    # -------------------------------------------------------------- life
    def load(self, notebook: str, text: str) -> str | None:
        """Have a runner (this one, or a new one if it has stopped) load the notebook; return why
        it could not be loaded, or None."""
        settings = self.settings
        deadline = time.monotonic() + settings.load_timeout
        self.notebook, self.functions = None, set()
        try:
            if not self.alive():
                self.process = sandbox.start_runner(self.library, self.work, settings.memory,
                                                    settings.threads, settings.isolation)
                self.watchdog = Watchdog(self.process, settings.isolation, settings.memory, settings.max_tasks).start()
                expect(self._receive(deadline, "starting"), READY)
                deadline = time.monotonic() + settings.load_timeout
            send(self.process.stdin.fileno(), {"op": "load", "notebook": notebook, "text": text,
                                               "seconds": settings.load_timeout})
            loaded = expect_one_of(self._receive(deadline, "loading the notebook"), LOADED, LOAD_FAILED)
        except Stopped as stop:
            return str(stop)
        except OSError:  # its stdin closed: it died between two orders
            self.close()
            return self.cause
        if "load_failed" in loaded:
            return loaded["load_failed"]
        self.notebook = notebook
        self.functions = {name for name in loaded["loaded"] if isinstance(name, str)}
        return None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def close(self) -> None:
        """Kill the runner and everything it started; :attr:`cause` then says why it ended."""
        if self.process is None:
            return
        self.watchdog.stop()
        self.watchdog.sandbox.kill()
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        status = self.process.wait()
        self.process = None
        self.cause = self.watchdog.cause or sandbox.exit_cause(status, self.settings.isolation)
        sandbox.kill_strays()

    def _receive(self, deadline: float, doing: str) -> dict:
        try:
            return receive(self.process.stdout.fileno(), deadline, MAX_ANSWER_BYTES)
        except AnswerLate:
            self.close()
            raise Stopped(self.watchdog.cause or self._late(doing)) from None
        except RunnerGone:
            self.close()
            raise Stopped(self.cause) from None
        except ProtocolError as error:
            self.close()
            raise Stopped(f"the grading process broke the grading protocol and was stopped ({error}): does the "
                          "code write to the grader's pipes?") from None

    def _late(self, doing: str) -> str:
        if doing == "exercise":
            return (f"did not stop within {self.settings.timeout:g} s, even when interrupted, and was killed: a "
                    "loop that never ends (maybe inside a try/except that catches the interruption), or a very "
                    "long computation?")
        return f"{doing} took more than {self.settings.load_timeout:g} s and was stopped."

    # -------------------------------------------------------------- one exercise
    def begin(self, exercise: str) -> None:
        self.used = 0.0
        try:
            send(self.process.stdin.fileno(), {"op": "begin", "exercise": exercise, "seconds": self.settings.timeout})
        except OSError:  # it died after its last answer; the first call reports why
            self.close()

    def end(self) -> int:
        """Close the exercise; return how many characters the learner's code printed during it."""
        if not self.alive():
            return 0
        try:
            send(self.process.stdin.fileno(), {"op": "end"})
            return expect(self._receive(time.monotonic() + END_SECONDS, "exercise"), PRINTED)["printed"]
        except (Stopped, OSError):
            self.close()
            return 0

    # -------------------------------------------------------------- Transport
    def defines(self, name: str) -> bool:
        return name in self.functions

    def request(self, request: dict):
        if not self.alive():
            raise Stopped(self.cause)
        self.calls += 1
        start = time.monotonic()
        seconds = max(MIN_CALL_SECONDS, self.settings.timeout - self.used)
        try:
            send(self.process.stdin.fileno(), {"op": "call", "id": self.calls, "request": request, "seconds": seconds})
        except OSError:
            self.close()
            raise Stopped(self.cause) from None
        message = self._receive(start + seconds + KILL_GRACE, "exercise")
        self.used += time.monotonic() - start
        try:
            return answer_to(message, self.calls)
        except ProtocolError as error:
            self.close()
            raise Stopped(f"the grading process broke the grading protocol and was stopped ({error}).") from None


def _notes(message: str, printed: int, memory: int) -> str:
    if "MemoryError" in message and memory > 0:
        message += f" (the grader allows {memory / 2**20:.1f} MB of memory)"
    if printed > PRINT_NOTE_CHARS:
        message += f" (it printed {printed / 2**20:.1f} MB, which the grader discards)"
    return message


def grade_notebook(runner: Runner, notebook: str, text: str, exercises: list[str]) -> None:
    """Grade ``exercises`` of one notebook, reporting each result."""
    from cnnkit.grading.core import run_checks

    settings = runner.settings
    report(event="loading", notebook=notebook)
    problem = runner.load(notebook, text)
    if problem is not None:
        report(event="load_failed", notebook=notebook, message=clean(problem))
        return
    passed: dict[str, bool] = {}
    for name in exercises:
        report(event="start", notebook=notebook, exercise=name)
        start = time.perf_counter()
        if not runner.alive():  # the last exercise's code killed it: a fresh one for this exercise
            problem = runner.load(notebook, text)
        if problem is not None:
            result_passed, message = False, f"the notebook could not be loaded again: {problem}"
        else:
            runner.begin(name)
            result = run_checks(name, LearnerFunction(name, runner), passed)
            result_passed, message = result.passed, _notes(result.message, runner.end(), settings.memory)
        passed[name] = result_passed
        report(event="result", notebook=notebook, exercise=name, passed=result_passed, message=clean(message),
               seconds=round(time.perf_counter() - start, 3))


def limit_memory(memory_bytes: int) -> None:
    """The judge's own bound: as much data memory as a runner may use (a configuration or an
    answer that would take more makes it fail, not the machine; the command then names the
    exercise and starts a new judge for the rest)."""
    if memory_bytes > 0:
        try:
            resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
        except (ValueError, OSError):  # macOS does not let a process lower it
            pass


def main(argv: list[str] | None = None) -> None:
    global _result_fd
    parser = argparse.ArgumentParser(description="Grade notebooks (started by cnnkit.grading.batch.jobs).")
    parser.add_argument("tasks", type=Path, help='JSON: [{"notebook", "path", "exercises"}, ...]')
    parser.add_argument("--result-fd", type=int, required=True)
    parser.add_argument("--isolation", required=True, choices=[sandbox.BUBBLEWRAP, sandbox.PROCESS_LIMITS])
    parser.add_argument("--timeout", type=float, required=True, help="seconds per exercise")
    parser.add_argument("--load-timeout", type=float, required=True, help="seconds to start a runner and load")
    parser.add_argument("--memory", type=int, default=0, help="bytes of memory per runner: each process's data, "
                        "and all its processes and shared memory together (0: no limit)")
    parser.add_argument("--threads", type=int, default=0, help="TensorFlow threads (0: its default)")
    parser.add_argument("--max-tasks", type=int, default=MAX_TASKS, help="processes and threads per runner "
                        "(0: no limit)")
    settings = parser.parse_args(argv)
    _result_fd = settings.result_fd
    limit_memory(settings.memory)
    sandbox.adopt_orphans()
    tasks = json.loads(settings.tasks.read_text(encoding="utf-8"))
    texts = {task["notebook"]: Path(task["path"]).read_bytes().decode("utf-8", "surrogateescape") for task in tasks}
    import cnnkit.grading.core as core

    core.graded_notebooks()  # imports every checker now
    report(event="ready")
    with tempfile.TemporaryDirectory(prefix="cnnkit-runner-", ignore_cleanup_errors=True) as private:
        # Under process limits the runner works in private/work, so that its `..` is private too: code that
        # deletes what lies around its folder (the benchmark's hostile samples do) does not reach the
        # machine's /tmp. Nothing stops code that climbs further: only bubblewrap protects files.
        work = Path(private) / "work"
        work.mkdir()
        package = Path(cnnkit.__file__).resolve().parent  # this judge's verified copy
        exercises = {task["notebook"]: task["exercises"] for task in tasks}
        # One learner's notebooks share a runner (they trust each other), except where one imports
        # another's exercise from cnnkit: each runner's copy of cnnkit lacks its notebooks' answers.
        for number, group in enumerate(allowlist.groups(texts)):
            library = allowlist.build(package, Path(private) / f"lib{number}", group)
            runner = Runner(settings, work, library)
            for notebook in group:
                grade_notebook(runner, notebook, texts[notebook], exercises[notebook])
            runner.close()
    sandbox.kill_strays()
    report(event="done")
    sys.stdout.flush()
    os._exit(0)
