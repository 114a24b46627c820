"""Start a runner as isolated as this system allows, and say how isolated that is.

With bubblewrap (Debian's ``bubblewrap``, installed by ``make setup``) the runner gets its own
user, PID, network, IPC and UTS namespaces (no network, no other process visible, the
learner's uid mapped to ``nobody``), a read-only view of the Python installation and of a
private copy of cnnkit and nothing else of the file system, a private size-capped work
folder and ``/tmp``, an allow-listed environment, no capabilities, and a guarantee that every
process it starts dies with it (``--die-with-parent``, and the PID namespace ends with its
first process).

Where bubblewrap is missing or cannot create namespaces (macOS, a locked-down container), the
runner runs as a plain child process with resource limits, in its own session, in a private
temporary folder, with the same environment; :func:`isolation` says which level is in use, and
every gradebook records it.
"""

from __future__ import annotations

import ctypes
import functools
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BUBBLEWRAP = "bubblewrap"
PROCESS_LIMITS = "process limits"
#: The runner's private work folder and /tmp hold at most this many bytes each (bubblewrap only).
WORK_FOLDER_BYTES = 256 * 2**20
#: Where the runner sees its private copy of cnnkit and its work folder (bubblewrap only).
LIBRARY_MOUNT, WORK_MOUNT = "/grading/lib", "/grading/work"
#: Seconds to wait for ``bwrap`` to show that it can create namespaces here.
PROBE_SECONDS = 20
_BOOTSTRAP = ("import sys; sys.path.insert(0, sys.argv.pop(1)); "
              "from cnnkit.grading.batch.runner import main; main()")
_PR_SET_PDEATHSIG, _PR_SET_CHILD_SUBREAPER = 1, 36
try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here: the child of a fork must not load it
except (OSError, AttributeError):
    _prctl = None


@dataclass(frozen=True)
class Isolation:
    """How runners are isolated: ``level`` is :data:`BUBBLEWRAP` or :data:`PROCESS_LIMITS`, ``detail``
    says what that means, or why bubblewrap is not used."""

    level: str
    detail: str

    def line(self) -> str:
        return f"isolation: {self.level} ({self.detail})"


def _system_binds() -> list[str]:
    """Read-only binds of what Python needs: system libraries, the interpreter and the environment."""
    places = ["/usr", "/lib", "/lib64", "/lib32", "/bin", "/etc/ld.so.cache", "/etc/ld.so.conf",
              "/etc/ld.so.conf.d", "/etc/localtime"]
    places += sorted({sys.base_prefix, sys.prefix, str(Path(sys.executable).resolve().parent.parent)})
    args = []
    for place in places:
        if os.path.exists(place):
            args += ["--ro-bind", place, place]
    return args


def _bubblewrap_args(library: Path, work: Path | None) -> list[str]:
    args = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--uid", "65534", "--gid", "65534", "--hostname", "grading", *_system_binds(),
            "--proc", "/proc", "--dev", "/dev",
            "--size", str(WORK_FOLDER_BYTES), "--tmpfs", "/tmp",
            "--size", str(WORK_FOLDER_BYTES), "--tmpfs", WORK_MOUNT, "--chdir", WORK_MOUNT,
            "--clearenv"]
    if library is not None:
        args += ["--ro-bind", str(library), LIBRARY_MOUNT]
    return args


_chosen: list[Isolation | None] = [None]


def choose(level: str) -> Isolation:
    """Set the isolation of the runners started from now on: ``"auto"`` (the best this system
    allows), :data:`BUBBLEWRAP` (an error where it cannot run) or ``"limits"``; return it."""
    if level == "auto":
        _chosen[0] = None
    elif level == "limits":
        _chosen[0] = Isolation(PROCESS_LIMITS, "chosen with --isolation limits: only memory, file-size and time "
                                               "limits apply")
    elif level == BUBBLEWRAP:
        available = _probe()
        if available.level != BUBBLEWRAP:
            raise RuntimeError(f"--isolation bubblewrap cannot be had here: {available.detail}")
        _chosen[0] = available
    else:
        raise ValueError(f"unknown isolation {level!r}; use auto, bubblewrap or limits")
    return isolation()


def isolation() -> Isolation:
    """The isolation runners get (see :func:`choose`; by default the best this system allows)."""
    return _chosen[0] or _probe()


@functools.lru_cache(maxsize=1)
def _probe() -> Isolation:
    """The best isolation this system allows (bubblewrap is tried once)."""
    if not sys.platform.startswith("linux"):
        return Isolation(PROCESS_LIMITS, f"bubblewrap needs Linux; on {sys.platform} only memory, file-size and "
                                         "time limits apply")
    if shutil.which("bwrap") is None:
        return Isolation(PROCESS_LIMITS, "bubblewrap is not installed (apt-get install bubblewrap): only memory, "
                                         "file-size and time limits apply")
    probe = _bubblewrap_args(None, None) + ["--", sys.executable, "-I", "-c", "print('ok')"]
    try:
        done = subprocess.run(probe, capture_output=True, timeout=PROBE_SECONDS, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as error:
        return Isolation(PROCESS_LIMITS, f"bubblewrap could not run ({type(error).__name__}): only memory, "
                                         "file-size and time limits apply")
    if done.returncode != 0 or done.stdout.strip() != b"ok":
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        return Isolation(PROCESS_LIMITS, f"bubblewrap cannot create namespaces here ({reason[0][:120]}): only "
                                         "memory, file-size and time limits apply")
    return Isolation(BUBBLEWRAP, "own user, PID and network namespaces; read-only Python and cnnkit; private "
                                 f"{WORK_FOLDER_BYTES // 2**20} MB work folder; allow-listed environment; "
                                 "every process dies with the runner")


def environment(threads: int, home: str) -> dict[str, str]:
    """The runner's whole environment: nothing of the instructor's is passed on."""
    env = {"PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "CUDA_VISIBLE_DEVICES": "",
           "TF_CPP_MIN_LOG_LEVEL": "3", "CNNKIT_OFFLINE": "1", "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0",
           "PYTHONDONTWRITEBYTECODE": "1", "MPLCONFIGDIR": f"{home}/.matplotlib"}
    if threads:
        env.update({name: str(threads) for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")})
    return env


def die_with_parent() -> None:
    """In a child, before exec: a session of its own, and killed when its parent dies (Linux)."""
    os.setsid()
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def adopt_orphans() -> None:
    """Make this process the one that inherits the orphans of its descendants (Linux), so that
    :func:`kill_strays` can find a daemon a learner's code double-forked."""
    if _prctl is not None:
        _prctl(_PR_SET_CHILD_SUBREAPER, 1)


def kill_strays(keep: set[int] = frozenset()) -> None:
    """Kill and reap every child process of this one except those in ``keep``."""
    me = os.getpid()
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit() or int(entry) in keep:
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as file:
                parent = int(file.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == me:
            try:
                os.kill(int(entry), signal.SIGKILL)
                os.waitpid(int(entry), 0)
            except (ProcessLookupError, ChildProcessError):
                pass


def start_runner(library: Path, work: Path, memory_bytes: int, threads: int, level: str) -> subprocess.Popen:
    """Start a runner whose orders go to its stdin and answers come from its stdout."""
    runner_args = ["--memory", str(memory_bytes), "--threads", str(threads)]
    if level == BUBBLEWRAP:
        env = environment(threads, WORK_MOUNT)
        command = _bubblewrap_args(library, work)
        for key, value in env.items():
            command += ["--setenv", key, value]
        command += ["--", sys.executable, "-I", "-c", _BOOTSTRAP, LIBRARY_MOUNT, *runner_args]
        return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                start_new_session=True, env={})
    command = [sys.executable, "-I", "-c", _BOOTSTRAP, str(library), *runner_args]
    return subprocess.Popen(command, cwd=work, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, preexec_fn=die_with_parent,
                            env=environment(threads, str(work)))


def exit_cause(status: int, level: str) -> str:
    """Words for how a runner ended early (bubblewrap reports a signal as 128 + its number)."""
    if level == BUBBLEWRAP and status > 128:
        status = -(status - 128)
    if status >= 0:
        return (f"the grading process exited with status {status}: does the code call os._exit() "
                "or end the process in another way?")
    if -status == signal.SIGKILL:
        return "the grading process was killed (SIGKILL): did it use too much memory, or kill its own process?"
    if -status == signal.SIGSEGV:
        return "the grading process crashed (SIGSEGV): very deep recursion, or a library called with bad arguments?"
    try:
        name = signal.Signals(-status).name
    except ValueError:
        name = f"signal {-status}"
    return f"the grading process was stopped by {name}: does the code send signals to its own process?"
