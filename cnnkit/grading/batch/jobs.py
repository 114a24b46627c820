"""Grade batches of submissions (one learner's notebooks each), several at a time.

Each batch is graded by a judge process (:mod:`cnnkit.grading.batch.judge`), started in a new
session on a private, hash-checked copy of cnnkit, which runs the learner's code in runners of
its own (each with its own copy of cnnkit). This side watches the judge's reports; when the
judge dies or stops reporting it kills its process group (its runners die with it), names
the exercise that was running and the cause, and starts a new judge for the exercises left.
A learner's whole grading has a wall-clock budget (:attr:`Limits.learner_seconds`).
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from cnnkit.grading.batch.judge import END_SECONDS, KILL_GRACE
from cnnkit.grading.batch.manifest import copy_package
from cnnkit.grading.batch.sandbox import bytecode_cache, die_with_parent, exit_cause, isolation
from cnnkit.grading.batch.watchdog import MAX_TASKS
from cnnkit.grading.core import exercises_of

#: The longest report line a judge writes, the seconds between looks at a judge, and how much of
#: its error output a failure to start quotes.
MAX_REPORT_BYTES, POLL_SECONDS, ERROR_TAIL_BYTES = 1 << 20, 0.2, 2000
_BOOTSTRAP = "import sys; sys.path.insert(0, sys.argv.pop(1)); from cnnkit.grading.batch.judge import main; main()"
_RUNNING: set[int] = set()  # process groups of running grading processes
_RUNNING_LOCK = threading.Lock()
_STOPPING = threading.Event()  # set by kill_all: start no more grading processes


@dataclass(frozen=True)
class Limits:
    """What grading may use: seconds per exercise, seconds to start a runner and load one
    notebook, bytes of memory per runner (each process's data, and all the processes of its
    sandbox with their shared memory together; 0: no limit), TensorFlow threads (0: TensorFlow's
    choice), seconds for one learner's whole grading, and processes and threads per runner
    (0: no limit)."""

    exercise_seconds: float = 60.0
    load_seconds: float = 120.0
    memory_bytes: int = 4 * 2**30
    threads: int = 0
    learner_seconds: float = 3600.0
    max_tasks: int = MAX_TASKS

    def exercise_deadline(self) -> float:
        """Seconds the judge may take over one exercise: its limit, the kill, and a new runner."""
        return self.exercise_seconds + 2 * KILL_GRACE + END_SECONDS + self.load_seconds


@dataclass(frozen=True)
class Task:
    """One notebook to grade: its name and the learner's file."""

    notebook: str
    path: Path


@dataclass
class _Run:
    """What one grading process reported before it ended."""

    results: dict[tuple[str, str], tuple[bool, str, float]] = field(default_factory=dict)
    load_failures: dict[str, str] = field(default_factory=dict)
    phase: str = "startup"         # startup, loading, exercise, between, done
    notebook: str | None = None
    exercise: str | None = None
    cause: str = ""                # why the process ended early (empty when it finished)


def _environment(limits: Limits) -> dict[str, str]:
    """The judge's environment: the instructor's, without GPUs (the judge runs no learner code)."""
    env = dict(os.environ)
    env.update({"CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3", "CNNKIT_OFFLINE": "1",
                "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"})
    if limits.threads:
        env.update({"OMP_NUM_THREADS": str(limits.threads), "OPENBLAS_NUM_THREADS": str(limits.threads),
                    "MKL_NUM_THREADS": str(limits.threads)})
    return env


def _exited(process: subprocess.Popen) -> bool:
    """Whether the process has ended. Where the system allows it (Linux), without reaping it, so
    that its process group id stays reserved until the group is killed."""
    if hasattr(os, "waitid"):
        return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    return process.poll() is not None


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def start_grading() -> None:
    """Allow grading processes again (a grading call starts after an interrupted one)."""
    _STOPPING.clear()


def kill_all() -> None:
    """Kill every grading process still running, and start no more (the command was interrupted)."""
    _STOPPING.set()
    with _RUNNING_LOCK:
        for pid in list(_RUNNING):
            _kill_group(pid)


def _handle(run: _Run, event: dict, limits: Limits, now: float) -> float:
    """Record one reported event; return the new deadline."""
    kind, notebook, exercise = event.get("event"), str(event.get("notebook")), str(event.get("exercise"))
    if kind == "ready":
        run.phase = "between"
    elif kind == "loading":
        run.phase, run.notebook = "loading", notebook
        return now + 2 * limits.load_seconds
    elif kind == "load_failed":
        run.load_failures[notebook] = str(event.get("message", ""))
        run.phase = "between"
    elif kind == "start":
        run.phase, run.notebook, run.exercise = "exercise", notebook, exercise
        return now + limits.exercise_deadline()
    elif kind == "result":
        run.results[(notebook, exercise)] = (bool(event.get("passed")), str(event.get("message", "")),
                                             float(event.get("seconds", 0.0)))
        run.phase = "between"
    elif kind == "done":
        run.phase = "done"
    return now + limits.exercise_deadline()


def _watch(process: subprocess.Popen, read_fd: int, limits: Limits, budget_end: float) -> _Run:
    """Follow a judge until it finishes, dies, overruns or the learner's budget ends; kill its
    process group."""
    run, buffer = _Run(), b""
    deadline = time.monotonic() + limits.load_seconds
    overran = closed = False
    while run.phase != "done":
        readable = not closed and select.select([read_fd], [], [], POLL_SECONDS)[0]
        chunk = os.read(read_fd, 1 << 16) if readable else b""
        if readable and not chunk:
            closed, readable = True, False
        elif closed:
            time.sleep(0.05)
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        if len(buffer) > MAX_REPORT_BYTES:  # no report is this long
            buffer = b""
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            try:
                deadline = _handle(run, event, limits, time.monotonic())
            except (AttributeError, TypeError, ValueError):  # not a report the worker wrote
                continue
        if _exited(process) and not readable:
            break  # everything it wrote has been read
        if time.monotonic() > min(deadline, budget_end):
            overran = True
            break
    _kill_group(process.pid)  # before reaping, so that the group id cannot have been reused
    status = process.wait()
    if run.phase != "done":
        over_budget = overran and time.monotonic() > budget_end
        run.cause = (f"grading this learner took more than its budget of {limits.learner_seconds:g} s and was stopped."
                     if over_budget else _overrun_cause(run, limits) if overran else exit_cause(status, ""))
    return run


def _overrun_cause(run: _Run, limits: Limits) -> str:
    if run.phase == "exercise":
        return (f"did not stop within {limits.exercise_seconds:g} s, even when interrupted, and was killed: a loop "
                "that never ends (maybe inside a try/except that catches the interruption), or a very long computation?")
    if run.phase == "loading":
        return f"loading the notebook took more than {limits.load_seconds:g} s and was stopped."
    return f"the grading process did not respond for {limits.load_seconds:g} s and was stopped."


def _start_in(cpus: frozenset[int] | None):
    """What a judge runs before exec: :func:`die_with_parent`, and its CPUs (which its runners inherit)."""
    def start() -> None:
        die_with_parent()
        if cpus:
            os.sched_setaffinity(0, cpus)
    return start


def cpu_slots(jobs: int) -> list[frozenset[int]] | None:
    """One set of CPUs per job, none shared, when this machine has a CPU for every job (Linux);
    else None (jobs share the CPUs, and a busy neighbour can slow a learner's grading)."""
    if not hasattr(os, "sched_getaffinity"):
        return None
    cpus = sorted(os.sched_getaffinity(0))
    if jobs > len(cpus):
        return None
    share = len(cpus) // jobs
    return [frozenset(cpus[i * share:(i + 1) * share]) for i in range(jobs)]


def _run_judge(tasks: list[tuple[Task, list[str]]], limits: Limits, graders: dict[str, str],
               budget_end: float, cpus: frozenset[int] | None = None) -> tuple[_Run, str]:
    """Grade ``tasks`` (notebook, exercises to grade) in one judge; return its report and the
    end of its error output (the judge's own: it runs no learner code)."""
    with tempfile.TemporaryDirectory(prefix="cnnkit-grade-", ignore_cleanup_errors=True) as temp:
        temp = Path(temp)
        library = copy_package(temp / "lib", graders)
        work = temp / "notebooks"
        work.mkdir()
        plan = []
        for task, exercises in tasks:
            copy = work / f"{task.notebook}.ipynb"
            shutil.copyfile(task.path, copy)
            plan.append({"notebook": task.notebook, "path": str(copy), "exercises": exercises})
        (temp / "tasks.json").write_text(json.dumps(plan), encoding="utf-8")
        read_fd, write_fd = os.pipe()
        command = [sys.executable, "-I", "-X", f"pycache_prefix={bytecode_cache()}", "-c", _BOOTSTRAP, str(library),
                   str(temp / "tasks.json"),
                   "--result-fd", str(write_fd), "--timeout", str(limits.exercise_seconds),
                   "--load-timeout", str(limits.load_seconds), "--memory", str(limits.memory_bytes),
                   "--threads", str(limits.threads), "--max-tasks", str(limits.max_tasks),
                   "--isolation", isolation().level]
        with tempfile.TemporaryFile() as log:  # nameless, so that the learner's code cannot delete it
            try:
                process = subprocess.Popen(command, cwd=work, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                           stderr=log, pass_fds=(write_fd,), preexec_fn=_start_in(cpus),
                                           env=_environment(limits))
            finally:
                os.close(write_fd)
            with _RUNNING_LOCK:
                _RUNNING.add(process.pid)
            try:
                run = _watch(process, read_fd, limits, budget_end)
            finally:
                os.close(read_fd)
                with _RUNNING_LOCK:
                    _RUNNING.discard(process.pid)
            log.seek(max(0, log.seek(0, os.SEEK_END) - ERROR_TAIL_BYTES))
            errors = log.read().decode("utf-8", errors="replace")
    return run, errors


def grade_tasks(tasks: list[Task], limits: Limits, graders: dict[str, str],
                cpus: frozenset[int] | None = None) -> dict[tuple[str, str], tuple[bool, str, float]]:
    """``{(notebook, exercise): (passed, message, seconds)}`` for every exercise of ``tasks``,
    graded in as few processes as the submissions allow, on ``cpus`` alone when given."""
    pending = {task.notebook: list(exercises_of(task.notebook)) for task in tasks}
    by_name = {task.notebook: task for task in tasks}
    budget_end = time.monotonic() + limits.learner_seconds
    grades: dict[tuple[str, str], tuple[bool, str, float]] = {}

    def fail(notebook: str, exercises: list[str], message: str, seconds: float = 0.0) -> None:
        for exercise in exercises:
            grades[(notebook, exercise)] = (False, message, seconds)

    while pending and not _STOPPING.is_set():
        run, errors = _run_judge([(by_name[nb], exs) for nb, exs in pending.items()], limits, graders, budget_end,
                                 cpus)
        grades.update(run.results)
        for notebook, message in run.load_failures.items():
            fail(notebook, pending.get(notebook, []), message)
        if run.phase == "exercise" and run.cause:
            fail(run.notebook, [run.exercise], run.cause, limits.exercise_seconds)
        elif run.phase == "loading" and run.cause:
            fail(run.notebook, pending.get(run.notebook, []), f"the notebook could not be loaded: {run.cause}")
        before = sum(map(len, pending.values()))
        pending = {nb: left for nb, exs in pending.items() if (left := [ex for ex in exs if (nb, ex) not in grades])}
        if pending and sum(map(len, pending.values())) == before:
            # It died before or between notebooks, or ended without grading them: no one exercise's fault.
            detail = errors.strip().splitlines()[-1] if errors.strip() else ""
            why = run.cause or "the grading process ended without grading this exercise."
            for notebook, exercises in pending.items():
                fail(notebook, exercises, f"grading failed: {why}" + (f" Last error: {detail}" if detail else ""))
            pending = {}
    return grades
