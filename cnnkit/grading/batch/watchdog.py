"""Watch the memory and the tasks of a runner's whole sandbox, and kill the sandbox when it takes too much.

The runner's resource limit on memory (``RLIMIT_DATA``, set in :mod:`cnnkit.grading.batch.runner`)
holds for each process alone and leaves shared memory out: a learner's code could map shared
memory, or start children that each take a share, and stay under every per-process limit.
cgroups would count all of it, but a course cannot count on having them (a container, a laptop
without systemd delegation). So the judge looks at the sandbox as a whole every
:data:`POLL_SECONDS` (Linux only, through ``/proc``):

- **Which processes.** Under bubblewrap: the ``bwrap`` process the judge started and every process
  below it, which are the processes of the runner's PID namespace and of any namespace nested in it
  (an orphan there is adopted within the namespace). Under process limits: every descendant of the
  judge (the judge is a child subreaper, :func:`~cnnkit.grading.batch.sandbox.adopt_orphans`, so a
  daemon the learner's code double-forks is adopted by the judge and stays in the tree; the judge
  starts no process but its runner).
- **Memory.** The proportional set size (PSS) of each process: a page shared by several processes
  is divided among them, so the pages a fork shares with its parent are counted once, and shared
  memory mapped by several sandbox processes is counted once in all. Added whole: every
  shared-memory object a process holds open (a memfd, a file in ``/dev/shm``) that is not already
  counted below, and, under bubblewrap, everything stored in the sandbox's own in-memory file
  systems (its root, ``/dev``, ``/tmp`` and the work folder). Memory that is both mapped and held
  open is counted twice: the sum errs on the side of the instructor's machine.
- **Tasks.** Every thread of these processes (a process is a task too).

When either total goes over its budget, the watchdog records why and kills the whole sandbox
(under bubblewrap, killing the PID namespace's first process ends every process in it at once).
The judge then reports that cause for the exercise that was running, for this learner only.

What it cannot stop: a burst faster than the polling interval (memory taken and used within
~0.1 s, or a fork bomb that fills the machine's process table before the next look), memory the
kernel does not show in ``/proc`` for a process (System V shared memory that no process maps any
more, kernel buffers such as pipes and sockets), and under process limits files written to the
machine's own ``/tmp`` or ``/dev/shm`` and closed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from dataclasses import dataclass

from cnnkit.grading.batch.sandbox import BUBBLEWRAP

#: Seconds between two looks at a sandbox.
POLL_SECONDS = 0.1
#: The most processes and threads a learner's sandbox may have at once (a runner with TensorFlow
#: loaded has a few dozen threads; a few per core on a large machine).
MAX_TASKS = 1024
_SHARED_MEMORY = ("/memfd:", "/dev/shm/", "/SYSV")  # how /proc/<pid>/fd names shared-memory objects
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_CHILDREN_LISTED = os.path.exists(f"/proc/self/task/{os.getpid()}/children")


@dataclass(frozen=True)
class Usage:
    """What a sandbox uses at one moment: ``bytes`` of memory (see the module's docstring for
    what is counted), ``tasks`` (processes and threads) and ``processes``."""

    bytes: int
    tasks: int
    processes: int


# ------------------------------------------------------------------ finding the sandbox's processes
def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:  # the process has gone, or is not ours to read
        return None


def children(pid: int) -> list[int]:
    """The children of process ``pid`` (of all its threads: an orphan adopted by a child subreaper
    becomes the child of one of its threads)."""
    if not _CHILDREN_LISTED:  # a kernel without CONFIG_PROC_CHILDREN: every process's parent
        try:
            entries = os.listdir("/proc")
        except OSError:  # no /proc (macOS): nothing to find, and only the runner's group is killed
            return []
        return [int(e) for e in entries if e.isdigit() and _parent(int(e)) == pid]
    found = []
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for thread in threads:
        found += [int(child) for child in (_read(f"/proc/{pid}/task/{thread}/children") or b"").split()]
    return found


def _parent(pid: int) -> int | None:
    stat = _read(f"/proc/{pid}/stat")
    return int(stat.rsplit(b")", 1)[1].split()[1]) if stat else None


def descendants(root: int) -> list[int]:
    """Every process below ``root`` (not ``root`` itself)."""
    found, todo = [], children(root)
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children(pid)
    return found


class Sandbox:
    """The processes of one runner's sandbox, started as ``process`` at isolation ``level``.

    Under bubblewrap, the ``bwrap`` process and its descendants: the first process of the runner's
    PID namespace is bwrap's child, and an orphan in that namespace (or in one nested inside it) is
    adopted within it, so that nothing started inside can leave the tree. Under process limits,
    every descendant of this process, the judge, which adopts orphans as a child subreaper and
    starts no process but its runner."""

    def __init__(self, process: subprocess.Popen, level: str):
        self.process, self.level = process, level
        self.first: int | None = None  # the first process of the PID namespace (bubblewrap)

    def pids(self) -> list[int]:
        """Every process of the sandbox now (zombies too: they hold no memory)."""
        if self.level != BUBBLEWRAP:
            return descendants(os.getpid())
        if self.first is None:
            self.first = next(iter(children(self.process.pid)), None)
        return [self.process.pid, *descendants(self.process.pid)]

    def kill(self) -> None:
        """Kill every process of the sandbox (the caller reaps the runner)."""
        if self.first is not None:
            _signal(self.first)  # the kernel then kills every process of its PID namespace at once
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        for _ in range(100):  # again while processes fork between two looks
            alive = [pid for pid in self.pids() if _alive(pid)]
            if not alive:
                break
            for pid in alive:
                _signal(pid)

    def usage(self, memory_bytes: int = 0) -> Usage:
        """What the sandbox uses now. The resident sizes are summed first, which is cheap and never
        less than the proportional sizes; these are read only when the sum is over ``memory_bytes``."""
        pids = self.pids()
        devices: set[int] = set()
        stored = self._file_systems(devices)
        objects: dict[tuple[int, int], int] = {}
        for pid in pids:
            objects.update(_shared_objects(pid, devices))
        resident = sum(map(_rss, pids))
        if stored + sum(objects.values()) + resident > memory_bytes:
            resident = sum(map(_pss, pids))
        return Usage(stored + sum(objects.values()) + resident, sum(map(_tasks, pids)), len(pids))

    def _file_systems(self, devices: set[int]) -> int:
        """Bytes stored in the sandbox's in-memory file systems; their devices go into ``devices``."""
        if self.first is None:
            return 0
        root = f"/proc/{self.first}/root"
        total = 0
        for line in (_read(f"/proc/{self.first}/mountinfo") or b"").decode("utf-8", "replace").splitlines():
            mount, _, rest = line.partition(" - ")
            if rest.split()[:1] != ["tmpfs"]:
                continue
            place = root + mount.split()[4].replace("\\040", " ")
            try:
                device, stats = os.stat(place).st_dev, os.statvfs(place)
            except OSError:
                continue
            if device not in devices:
                devices.add(device)
                total += (stats.f_blocks - stats.f_bfree) * stats.f_frsize
        return total


def _alive(pid: int) -> bool:
    stat = _read(f"/proc/{pid}/stat")
    return stat is not None and stat.rsplit(b")", 1)[1].split()[0] != b"Z"


def _signal(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _rss(pid: int) -> int:
    """Bytes of ``pid``'s resident set (shared pages counted whole)."""
    statm = _read(f"/proc/{pid}/statm")
    return int(statm.split()[1]) * _PAGE if statm else 0


def _pss(pid: int) -> int:
    """Bytes of ``pid``'s proportional set size, or of its resident set where PSS cannot be read."""
    for line in (_read(f"/proc/{pid}/smaps_rollup") or b"").splitlines():
        if line.startswith(b"Pss:"):
            return int(line.split()[1]) * 1024
    return _rss(pid)


def _tasks(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return 0


def _shared_objects(pid: int, counted_devices: set[int]) -> dict[tuple[int, int], int]:
    """``{(device, inode): bytes}`` of the shared-memory objects ``pid`` holds open, except those on
    a file system counted whole already."""
    found = {}
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return found
    for fd in fds:
        path = f"/proc/{pid}/fd/{fd}"
        try:
            if not os.readlink(path).startswith(_SHARED_MEMORY):
                continue
            stat = os.stat(path)
        except OSError:
            continue
        if stat.st_dev not in counted_devices:
            found[(stat.st_dev, stat.st_ino)] = stat.st_blocks * 512
    return found


# ------------------------------------------------------------------ the watchdog
class Watchdog:
    """Looks at a sandbox every :data:`POLL_SECONDS` from a thread of the judge and kills it when
    it uses more than ``memory_bytes`` (0: no limit) or more than ``max_tasks`` tasks; :attr:`cause`
    then says why, in words for the learner."""

    def __init__(self, process: subprocess.Popen, level: str, memory_bytes: int, max_tasks: int = MAX_TASKS):
        self.sandbox = Sandbox(process, level)
        self.memory_bytes, self.max_tasks = memory_bytes, max_tasks
        self.cause: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="sandbox-watchdog", daemon=True)

    def start(self) -> Watchdog:
        if os.path.isdir("/proc") and (self.memory_bytes > 0 or self.max_tasks > 0):
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            if self.sandbox.process.poll() is not None:
                return
            try:
                usage = self.sandbox.usage(self.memory_bytes)
            except OSError:  # /proc changed under us: look again next time
                continue
            cause = self._over(usage)
            if cause:
                self.cause = cause
                self.sandbox.kill()
                return

    def _over(self, usage: Usage) -> str | None:
        if 0 < self.memory_bytes < usage.bytes:
            return (f"the grading process and the processes it started used {usage.bytes / 2**20:.0f} MB of memory "
                    f"in all, more than the {self.memory_bytes / 2**20:.0f} MB allowed, and were stopped: a very "
                    "large array, shared memory, or many processes at once?")
        if 0 < self.max_tasks < usage.tasks:
            return (f"the grading process started {usage.tasks} processes and threads, more than the "
                    f"{self.max_tasks} allowed, and was stopped: does the code start processes or threads in a loop?")
        return None
