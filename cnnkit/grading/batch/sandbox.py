"""Start a runner as isolated as this system allows, and say how isolated that is.

With bubblewrap (Debian's ``bubblewrap``, installed by ``make setup``) the runner gets its own
user, PID, network, IPC and UTS namespaces (no network, no other process visible, the
learner's uid mapped to ``nobody``), a read-only view of the Python installation and of a
private copy of cnnkit and nothing else of the file system, a private size-capped work
folder and ``/tmp``, an allow-listed environment, no capabilities, and a guarantee that every
process it starts dies with it (``--die-with-parent``, and the PID namespace ends with its
first process).

Where bubblewrap is missing or cannot create namespaces (macOS, a locked-down container), grading
stops and says why and how to fix it. Only when asked for by name (``--isolation limits``) does the
runner run as a plain child process with resource limits, in its own session, in a private
temporary folder, with the same environment, and the weaker promises are printed
(:data:`WEAKER_PROMISES`); :func:`isolation` says which level is in use, and every gradebook
records it.
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


def _site_folders() -> list[str]:
    """The folders Python imports installed packages from (the standard library's and every
    ``site-packages`` on ``sys.path``), wherever they are."""
    import site
    import sysconfig

    folders = {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    folders.update(site.getsitepackages() if hasattr(site, "getsitepackages") else [])
    folders.update(entry for entry in sys.path if Path(entry).name in ("site-packages", "dist-packages"))
    return sorted(folder for folder in folders if os.path.isabs(folder))


def _system_binds() -> list[str]:
    """Read-only binds of what Python needs: system libraries, the interpreter and the environment,
    wherever they are (under /tmp too: these come after the sandbox's own /tmp). A copy of cnnkit
    found in them (an installed one, or the checkout an editable install points to) is hidden
    under an empty folder, so that the runner sees only the copy it is given."""
    places = ["/usr", "/lib", "/lib64", "/lib32", "/bin", "/etc/ld.so.cache", "/etc/ld.so.conf",
              "/etc/ld.so.conf.d", "/etc/localtime"]
    places += [sys.base_prefix, sys.prefix, str(Path(sys.executable).parent),
               str(Path(sys.executable).resolve().parent.parent), *_site_folders()]
    bound: list[str] = []
    for place in dict.fromkeys(os.path.abspath(p) for p in places):
        if os.path.exists(place) and not any(_inside(place, outer) for outer in bound):
            bound = [outer for outer in bound if not _inside(outer, place)] + [place]
    args = []
    for place in bound:
        args += ["--ro-bind", place, place]
    hidden = {str(Path(folder) / "cnnkit") for folder in _site_folders()} | {str(_package_root())}
    for folder in sorted(hidden):
        if os.path.isdir(folder) and any(_inside(folder, outer) for outer in bound):
            args += ["--tmpfs", folder, "--remount-ro", folder]
    return args


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _package_root() -> Path:
    import cnnkit

    return Path(cnnkit.__file__).resolve().parent


@functools.lru_cache(maxsize=1)
def _bwrap_options() -> tuple[str, ...]:
    """Options of this bubblewrap that harden the sandbox when it has them (``--disable-userns``,
    bubblewrap 0.8: the learner's code cannot make user namespaces of its own, whose mounts
    would hide memory from the watchdog)."""
    try:
        text = subprocess.run(["bwrap", "--help"], capture_output=True, text=True, timeout=PROBE_SECONDS).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return ("--unshare-user", "--disable-userns") if "--disable-userns" in text else ()


def _bubblewrap_args(library: Path | None, work: Path | None) -> list[str]:
    # Order matters: each mount hides what an earlier one put at or under its place, so the
    # sandbox's own /tmp comes first and the binds of Python after it.
    args = ["bwrap", "--unshare-all", *_bwrap_options(), "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--uid", "65534", "--gid", "65534", "--hostname", "grading",
            "--proc", "/proc", "--dev", "/dev",
            "--size", str(WORK_FOLDER_BYTES), "--tmpfs", "/tmp",
            *_system_binds(),
            "--size", str(WORK_FOLDER_BYTES), "--tmpfs", WORK_MOUNT, "--chdir", WORK_MOUNT,
            "--clearenv"]
    if library is not None:
        args += ["--ro-bind", str(library), LIBRARY_MOUNT]
    return args


#: What the process-limits level does not promise, printed whenever it is chosen.
WEAKER_PROMISES = (
    "process limits only: the learner's code runs as you, with memory, file-size, time and task limits. "
    "It can read every file you can (the solutions, other learners' notebooks), write where you can, see "
    "and signal your processes and reach the network; grades of one learner are kept from another's code "
    "only at the bubblewrap level. Use it for one learner you trust, or your own notebooks")
FIX = ("install bubblewrap (sudo apt-get install bubblewrap) and allow unprivileged user namespaces "
       "(sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 also "
       "kernel.apparmor_restrict_unprivileged_userns=0), or grade with --isolation limits, which keeps "
       "weaker promises")


class IsolationUnavailable(RuntimeError):
    """The isolation asked for cannot be had here; the message says why and how to fix it."""


_chosen: list[Isolation | None] = [None]


def choose(level: str) -> Isolation:
    """Set the isolation of the runners started from now on and return it: ``"auto"`` or
    :data:`BUBBLEWRAP` (bubblewrap, or :class:`IsolationUnavailable` saying why not and how to
    fix it: never a silent fall back), or ``"limits"`` (process limits, by name only)."""
    if level in ("auto", BUBBLEWRAP):
        found = available()
        if found.level != BUBBLEWRAP:
            raise IsolationUnavailable(f"the bubblewrap sandbox cannot start here: {found.detail}. To grade, {FIX}.")
        _chosen[0] = found
    elif level == "limits":
        _chosen[0] = Isolation(PROCESS_LIMITS, "chosen with --isolation limits: the learner's code ran as the "
                                               "instructor, with memory, file-size, time and task limits only")
    else:
        raise ValueError(f"unknown isolation {level!r}; use auto, bubblewrap or limits")
    return _chosen[0]


def isolation() -> Isolation:
    """The isolation runners get: the one chosen with :func:`choose`, else bubblewrap (or
    :class:`IsolationUnavailable`)."""
    return _chosen[0] or choose("auto")


def available() -> Isolation:
    """The best isolation this system allows (bubblewrap is tried once); chooses nothing."""
    return _probe()


@functools.lru_cache(maxsize=1)
def _probe() -> Isolation:
    if not sys.platform.startswith("linux"):
        return Isolation(PROCESS_LIMITS, f"bubblewrap needs Linux, and this is {sys.platform}")
    if shutil.which("bwrap") is None:
        return Isolation(PROCESS_LIMITS, "bubblewrap is not installed")
    probe = _bubblewrap_args(None, None) + ["--", sys.executable, "-I", "-c", "print('ok')"]
    try:
        done = subprocess.run(probe, capture_output=True, timeout=PROBE_SECONDS, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as error:
        return Isolation(PROCESS_LIMITS, f"bubblewrap could not run ({type(error).__name__})")
    if done.returncode != 0 or done.stdout.strip() != b"ok":
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        return Isolation(PROCESS_LIMITS, f"bubblewrap failed to start Python ({reason[0][:200]})")
    return Isolation(BUBBLEWRAP, "own user, PID and network namespaces; read-only Python and an allow-listed "
                                 f"copy of cnnkit; private {WORK_FOLDER_BYTES // 2**20} MB work folder; "
                                 "allow-listed environment; every process dies with the runner")


def bytecode_cache() -> Path:
    """The grading processes' own bytecode folder (``-X pycache_prefix``), private to this user:
    judges and runners never read a ``__pycache__`` file beside a source (one planted in the checkout
    or in site-packages), and TensorFlow is compiled once, not at every start. Runners see it
    read-only at the bubblewrap level; after a process-limits run the command deletes it (learner
    code ran as you and could have written to it)."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = root / "cnnkit" / "grading-pycache"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    return folder


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
        cache = str(bytecode_cache())
        command += ["--ro-bind", cache, cache, "--", sys.executable, "-I", "-X", f"pycache_prefix={cache}", "-c",
                    _BOOTSTRAP, LIBRARY_MOUNT, *runner_args]
        return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                start_new_session=True, env={})
    command = [sys.executable, "-I", "-X", f"pycache_prefix={bytecode_cache()}", "-c", _BOOTSTRAP,
               str(library), *runner_args]
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
