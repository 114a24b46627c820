"""The memory and task budget holds for a learner's whole sandbox, not for each process alone.

A runner's per-process limit (``RLIMIT_DATA``) leaves shared memory out, so one process can map
shared memory beyond it, and children can each take a share. The judge's watchdog
(:mod:`cnnkit.grading.batch.watchdog`) sums the memory of every process of the sandbox, shared
memory and in-memory files included, and counts its threads; over budget, it kills the whole
sandbox and the exercise fails with that cause. Graded once at each isolation level this
system has, with a small budget so that the attacks stay small; a good learner graded at the
same time keeps full marks (the budget costs no honest submission anything).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_grading_trust import RIGHT, _notebook

from cnnkit.course.notebooks import SOLUTIONS_DIR
from cnnkit.grading.batch.command import grade
from cnnkit.grading.batch.discovery import find_submissions
from cnnkit.grading.batch.jobs import Limits
from cnnkit.grading.batch.manifest import hash_package
from cnnkit.grading.batch.sandbox import BUBBLEWRAP, PROCESS_LIMITS, available, choose
from cnnkit.grading.batch.watchdog import Sandbox

NB = "01_convolution_basics"
MB = 2**20
#: A runner with TensorFlow loaded holds about 450 MB (PSS); each attack takes about 700 MB more.
LIMITS = Limits(exercise_seconds=20, load_seconds=180, memory_bytes=1024 * MB, max_tasks=64)
MARK = "cnnkit-hog"  # the name the attack's processes give themselves, to look for survivors
NAME_ME = f"import ctypes\nctypes.CDLL(None).prctl(15, b'{MARK}', 0, 0, 0)\n"  # PR_SET_NAME
# Four children each map 180 MB of shared memory (which RLIMIT_DATA does not count) and touch it.
FORK_AND_SHARE = ("import mmap, os, time\nfor _ in range(4):\n    if os.fork() == 0:\n" +
                  "".join("        " + line + "\n" for line in NAME_ME.splitlines()) +
                  "        m = mmap.mmap(-1, 180 * 2**20)\n        for i in range(0, len(m), 4096):\n"
                  "            m[i] = 1\n        time.sleep(60)\n        os._exit(0)\ntime.sleep(60)")
# Twelve memory files of 60 MB each (each under the 64 MB file-size limit), held open, never mapped.
MEMFDS = ("import os, time\nheld = []\nfor n in range(12):\n    fd = os.memfd_create(f'hog{n}')\n"
          "    for offset in range(0, 60 * 2**20, 2**20):\n        os.pwrite(fd, b'x' * 2**20, offset)\n"
          "    held.append(fd)\ntime.sleep(60)")
# Files in the sandbox's /dev/shm, closed (bubblewrap only: elsewhere they would land in the machine's).
SHM_FILES = ("import time\nfor n in range(12):\n    with open(f'/dev/shm/hog{n}', 'wb') as file:\n"
             "        for _ in range(60):\n            file.write(b'x' * 2**20)\ntime.sleep(60)")
# One process, no children: a shared mapping larger than the per-process limit allows for data.
ONE_BIG_SHARED = "import mmap, time\nm = mmap.mmap(-1, 1200 * 2**20)\nfor i in range(0, len(m), 4096):\n" \
                 "    m[i] = 1\ntime.sleep(60)"
SWARM = ("import threading, time\nthreading.stack_size(256 * 1024)\nfor _ in range(100):\n"
         "    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\ntime.sleep(60)")
LEVELS = [BUBBLEWRAP, PROCESS_LIMITS] if available().level == BUBBLEWRAP else [PROCESS_LIMITS]
IN_ALL = "MB of memory in all"


def _learners(level: str) -> dict[str, str]:
    third = SHM_FILES if level == BUBBLEWRAP else ONE_BIG_SHARED
    return {
        "hog": _notebook(answers={"zero_pad": RIGHT["zero_pad"], "conv_single_step": FORK_AND_SHARE,
                                  "conv_output_size": MEMFDS, "conv_param_count": third}),
        "swarm": _notebook(answers={"zero_pad": SWARM}),
        "good": (SOLUTIONS_DIR / f"{NB}.ipynb").read_text(encoding="utf-8"),
    }


@pytest.fixture(scope="module", params=LEVELS)
def graded(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("memory") / "submissions"
    for learner, text in _learners(request.param).items():
        (folder / learner).mkdir(parents=True)
        (folder / learner / f"{NB}.ipynb").write_text(text, encoding="utf-8")
    choose("bubblewrap" if request.param == BUBBLEWRAP else "limits")
    try:
        book = grade(find_submissions([folder]), LIMITS, jobs=2, graders=hash_package())
    finally:
        choose("auto")
    return {entry.learner: {ex.exercise: ex for ex in entry.exercises} for entry in book.grades}, request.param


@pytest.mark.parametrize("exercise", ["conv_single_step", "conv_output_size", "conv_param_count"])
def test_memory_of_the_whole_sandbox_is_limited(graded, exercise):
    """Children sharing memory, unmapped memory files, and /dev/shm files or one big shared map."""
    grades, level = graded
    got = grades["hog"][exercise]
    assert not got.passed and IN_ALL in got.message, f"{level}: {got.message}"
    assert "1024 MB allowed" in got.message


def test_too_many_threads_stop_the_sandbox(graded):
    grades, level = graded
    got = grades["swarm"]["zero_pad"]
    assert not got.passed and "more than the 64 allowed" in got.message, f"{level}: {got.message}"


def test_the_budget_costs_honest_code_nothing(graded):
    """The hog's right answer, and every answer of a good learner graded beside it."""
    grades, level = graded
    assert grades["hog"]["zero_pad"].passed, level
    assert all(ex.passed for ex in grades["good"].values()), [ex.message for ex in grades["good"].values()]
    assert not any(IN_ALL in ex.message for ex in grades["good"].values())


def test_no_attacking_process_survives(graded):
    survivors = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and Path(f"/proc/{entry}/comm").read_text().strip() == MARK:
                survivors.append(int(entry))
        except OSError:
            continue
    assert not survivors


def test_the_sandbox_of_a_process_limits_runner_is_the_judges_descendants():
    """Under process limits the judge (here, the test's process) counts all its descendants."""
    process = subprocess.Popen([sys.executable, "-c", "import subprocess, sys, time\n"
                                "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'])\n"
                                "time.sleep(30)"])
    try:
        sandbox = Sandbox(process, PROCESS_LIMITS)
        for _ in range(100):
            if len(sandbox.pids()) >= 2:
                break
            time.sleep(0.1)
        usage = sandbox.usage()
        assert process.pid in sandbox.pids() and usage.processes >= 2 and usage.bytes > 5 * MB
    finally:
        Sandbox(process, PROCESS_LIMITS).kill()
        process.wait()
