"""Run issue 14's and issue 31's attacks against the grading command of any commit, and say which succeed.

    python benchmarks/attacks_old_vs_new.py e9db3b8        # the single-process grader before the rework
    python benchmarks/attacks_old_vs_new.py HEAD           # this checkout's grader
    python benchmarks/attacks_old_vs_new.py e9db3b8 HEAD   # both, one table

The attacks are those of ``tests/test_grading_trust.py`` (built by that file's own helpers, so
that the table and the tests cannot drift apart), one more submission whose children share memory
beyond the memory limit, and the discovery cases as folders. For each commit the script makes a
throwaway git worktree of it (removed at the end), writes the submissions beside it, and runs that
commit's ``python -m cnnkit.grading`` with ``--json --csv --junit`` on them, from the worktree (as an
instructor runs it from the course's checkout, ``solutions/`` included), with a secret in its
environment. The attack on the grader sources targets the worktree's own
``cnnkit/grading/checks/convolution.py``.

Safety: everything runs inside an outer bubblewrap sandbox that sees the whole file system
read-only except the scratch folder (worktree, submissions, gradebooks), with private ``/tmp``,
``/dev``, network and IPC namespaces, killed after ``--timeout`` seconds. A grader without a
sandbox of its own (no ``cnnkit/grading/batch/sandbox.py``, like the old one) also gets a private
PID namespace and ``/proc``: an orphan that kills its parent again and again then reaches only the
namespace's first process, which ignores it, and every process dies with the namespace. A grader
that starts bubblewrap itself keeps the machine's PID namespace and ``/proc`` instead (the kernel
refuses its runners a fresh ``/proc`` inside a ``/proc`` with read-only parts, so it would fall back
to process limits); there the process inside adopts every orphan (a child subreaper) and kills all
its descendants before it ends (its runners live in PID namespaces of their own, so no orphan of
theirs can name it as a parent). So an
attack that succeeds (kills its parent, leaves a daemon, writes files) acts on the scratch folder
and the outer sandbox only, never on this shell, this checkout or other work. The attacks are
the fixed ones below, none of which writes to ``/proc``. Without bubblewrap the script refuses to
run unless ``--unsafe`` is given (then the command runs in a session of its own with the same
timeout). The grader file the vandal appends to is restored after the main run, so that the
later runs test what they mean to.

One case of the tests cannot be run from outside a process: a gradebook write that fails half-way
(the test injects the failure into the writer). The deletion of a learner's file after discovery is
done from outside: the file is deleted as soon as the command, grading one learner at a time, reports its first
graded learner.

Prints one row per attack with ``succeeded``/``failed`` for each commit (``n/a`` where a run
produced nothing to judge it by, with the reason in the notes).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]
SECRET_NAME = "CNNKIT_TEST_SECRET"
HOSTILE_NAMES = {"latin1": b"caf\xe9-latin1", "formula": b'=HYPERLINK("evil")', "control": b"two\nlines\x1b[31m"}
HOG_CHILDREN, HOG_MB = 4, 450  # children, each touching this much shared memory: over the 1.5 GB limit together
HOG = (f"import mmap, os\nread, write = os.pipe()\nfor _ in range({HOG_CHILDREN}):\n    if os.fork() == 0:\n"
       f"        m = mmap.mmap(-1, {HOG_MB} * 2**20)\n        for i in range(0, len(m), 4096):\n            m[i] = 1\n"
       "        os.write(write, b'x')\n        import time\n        time.sleep(30)\n        os._exit(0)\n"
       f"got = b''\nwhile len(got) < {HOG_CHILDREN}:\n    got += os.read(read, 1)\n"
       f"raise ValueError(f'touched {{len(got)}} children x {HOG_MB} MB of shared memory')")


# ------------------------------------------------------------------ the submissions
def write_scenarios(root: Path, checkout: Path) -> dict:
    """Write the submission folders under ``root``; return what the inside run needs."""
    import test_grading_trust as trust

    from cnnkit.course.notebooks import SOLUTIONS_DIR

    paths = {"victim": root / "harm" / "victim" / f"{trust.NB}.ipynb",
             "canary": checkout / "cnnkit" / "grading" / "checks" / "convolution.py",
             "stray": Path("/tmp") / "cnnkit-stray-attack", "gradebook": root / "out-harm" / "grades.json"}
    for learner, notebooks in trust._learners(paths).items():
        scenario = {"vanished": "vanish", "vandal": "harm", "victim": "harm"}.get(learner, "main")
        folder = root / scenario / learner
        for notebook, text in notebooks.items():
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{notebook}.ipynb").write_text(text, encoding="utf-8")
    hog = trust._notebook(answers={"zero_pad": trust.RIGHT["zero_pad"], "conv_single_step": HOG})
    (root / "main" / "hog").mkdir()
    (root / "main" / "hog" / f"{trust.NB}.ipynb").write_text(hog, encoding="utf-8")
    solution = (SOLUTIONS_DIR / f"{trust.NB}.ipynb").read_bytes()

    def learner(folder: Path, name: bytes) -> None:
        place = os.path.join(os.fsencode(folder), name)
        os.makedirs(place)
        with open(os.path.join(place, f"{trust.NB}.ipynb".encode()), "wb") as file:
            file.write(solution)

    links = root / "links"
    learner(links, b"alice")
    (links / "mallory").symlink_to(checkout / "solutions", target_is_directory=True)
    (links / "eve").mkdir()
    (links / "eve" / f"{trust.NB}.ipynb").symlink_to(links / "alice" / f"{trust.NB}.ipynb")
    learner(links, b"dup")
    (links / "dup.ipynb").write_bytes(solution)
    learner(links, HOSTILE_NAMES["formula"])
    learner(links, HOSTILE_NAMES["control"])
    for name in (b"alice", HOSTILE_NAMES["latin1"]):
        learner(root / "latin1", name)
    learner(root / "vanish", b"alice")  # graded first (one job at a time), then vanished's file is deleted
    for name in (b"notebooks", b"alice", b"bob"):
        learner(root / "layout", name)
    return {"checkout": str(checkout), "root": str(root), "notebook": trust.NB, "secret": "hunter2-grading-secret",
            "stray": str(paths["stray"]), "gradebook": str(paths["gradebook"]), "daemon_mark": trust.DAEMON_MARK,
            "vanish": str(root / "vanish" / "vanished" / f"{trust.NB}.ipynb")}


# ------------------------------------------------------------------ inside the outer sandbox
def _grade(spec: dict, scenario: str, vanish: str | None = None) -> dict:
    """Run the commit's grading command on one scenario's folder; return what it did."""
    out = Path(spec["root"]) / f"out-{scenario}"
    out.mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": spec["checkout"], "CNNKIT_OFFLINE": "1", SECRET_NAME: spec["secret"]}
    command = [sys.executable, "-m", "cnnkit.grading", str(Path(spec["root"]) / scenario), "--notebook",
               spec["notebook"], "--notebook", "05", "--jobs", "1" if vanish or scenario == "harm" else "2", "--timeout", "20", "--memory-limit", "1.5G",
               "--json", str(out / "grades.json"), "--csv", str(out / "grades.csv"), "--junit", str(out / "grades.xml")]
    if scenario != "main":
        command[command.index("05") - 1:command.index("05") + 1] = []
    process = subprocess.Popen(command, cwd=spec["checkout"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, errors="replace")
    stderr = []
    for line in process.stderr:
        stderr.append(line)
        if vanish and line.startswith("graded ") and os.path.exists(vanish):
            os.unlink(vanish)  # after discovery, while other learners are graded
    stdout = process.stdout.read()
    status = process.wait()
    return {"status": status, "stdout": stdout[-4000:], "stderr": "".join(stderr)[-4000:]}


def inside(spec_path: Path) -> None:
    """Grade every scenario, then look for what outlived the command; write results.json."""
    from cnnkit.grading.batch.sandbox import adopt_orphans
    from cnnkit.grading.batch.watchdog import descendants

    spec = json.loads(spec_path.read_text())
    if spec["own_sandbox"]:
        adopt_orphans()
    canary = Path(spec["checkout"], "cnnkit/grading/checks/convolution.py")
    original = canary.read_bytes()
    results = {"main": _grade(spec, "main"), "harm": _grade(spec, "harm")}
    results["canary_changed"] = canary.read_bytes() != original
    canary.write_bytes(original)
    book = Path(spec["gradebook"])
    results["gradebook_at_exit"] = book.read_text(errors="replace") if book.exists() else None
    time.sleep(3)  # time for a daemon to act
    results["gradebook_later"] = book.read_text(errors="replace") if book.exists() else None
    results["stray"] = os.path.exists(spec["stray"])
    survivors = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and spec["daemon_mark"].encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                survivors.append(int(entry))
        except OSError:
            continue
    results["survivors"] = survivors
    results["vanish"] = _grade(spec, "vanish", spec["vanish"])
    for scenario in ("links", "latin1", "layout"):
        results[scenario] = _grade(spec, scenario)
    (Path(spec["root"]) / "results.json").write_text(json.dumps(results))
    for pid in descendants(os.getpid()):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# ------------------------------------------------------------------ judging the results
def _book(root: Path, scenario: str) -> dict | None:
    try:
        return json.loads((root / f"out-{scenario}" / "grades.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _exercise(book: dict | None, learner: str, exercise: str) -> dict | None:
    for entry in (book or {}).get("learners", []):
        if entry["learner"] == learner:
            for notebook in entry["notebooks"]:
                for ex in notebook["exercises"]:
                    if ex["exercise"] == exercise:
                        return ex
    return None


def _points(book: dict | None, learner: str) -> float | None:
    return next((float(e["points"]) for e in (book or {}).get("learners", []) if e["learner"] == learner), None)


def judge(root: Path, before: dict, spec: dict) -> list[tuple[str, str, str | None, str]]:
    """``(kind, attack, "succeeded"/"failed"/None, note)`` for every attack."""
    results = json.loads((root / "results.json").read_text())
    main = _book(root, "main")
    rows = []

    def passed(learner, exercise):
        ex = _exercise(main, learner, exercise)
        return None if ex is None else bool(ex["passed"])

    def message(learner, exercise):
        ex = _exercise(main, learner, exercise)
        return None if ex is None else ex["message"]

    def row(kind, attack, success, note=""):
        rows.append((kind, attack, None if success is None else "succeeded" if success else "failed", note))

    no_book = "" if main else f"no gradebook (exit {results['main']['status']}: " \
                              f"{results['main']['stderr'].strip().splitlines()[-1:] or ''})"
    row("1 tampering", "numpy patched from a class body at load time", passed("tamperer", "zero_pad"), no_book)
    row("1 tampering", "numpy.isclose and the checks module's fail() patched in the call",
        passed("tamperer", "conv_single_step"), no_book)
    row("1 tampering", "the checker registry replaced by an earlier exercise", passed("tamperer", "conv_param_count"),
        no_book)
    row("2 lying values", "inputs zeroed in place so that a late oracle agrees", passed("liar", "conv_single_step"),
        no_book)
    row("2 lying values", "an int whose __eq__ is always true", passed("liar", "conv_param_count"), no_book)
    row("2 lying values", "NaN weights make `gap > tol` false (notebook 05)", passed("liar", "train_step"), no_book)
    forged = [message("liar", ex) for ex in ("conv_output_size", "conv_param_count")]
    row("3 forging", "result events written to the result descriptor, then os._exit",
        None if None in forged else any(passed("liar", ex) for ex in ("conv_output_size", "conv_param_count")),
        no_book)
    for exercise, what in (("conv_forward", "cnnkit's own copy, through importlib.reload"),
                           ("conv_single_step", "cnnkit's own copy, through a guard's closure"),
                           ("conv_output_size", "the checker's reference, imported from the checks module")):
        row("1 answers (issue 31)", f"the answer taken from {what}", passed("thief", exercise), no_book)
    forged_line = message("thief", "conv_param_count")
    row("6 forged text (issue 31)", "a message with a newline that prints a verdict line",
        None if forged_line is None else "\n" in forged_line, no_book)
    for exercise, secret, what in (("zero_pad", "BEGIN SOLUTION", "the solutions through /proc/<parent>/cwd"),
                                   ("conv_single_step", spec["secret"], "the instructor's environment variables"),
                                   ("conv_output_size", "VICTIM-MARKER", "another learner's notebook")):
        text = message("snooper", exercise)
        row("4 reading", f"{what} in an exception message", None if text is None else secret in text, no_book)
    harm = _book(root, "harm")
    victim_same = before["victim"] == (Path(spec["root"]) / "harm" / "victim" / f"{spec['notebook']}.ipynb").read_bytes()
    victim_points = _points(harm, "victim")

    def seen(effect: bool) -> bool | None:
        """A side effect seen is an attack that succeeded; none seen says nothing when the run died first."""
        return True if effect else None if harm is None else False

    row("5 harming others", "overwriting a later learner's submission",
        seen(not victim_same or (victim_points is not None and victim_points < before["full"])),
        f"victim file {'unchanged' if victim_same else 'changed'}, victim points {victim_points}")
    vandal = [None if (ex := _exercise(harm, "vandal", name)) is None else ex["passed"]
              for name in ("zero_pad", "conv_single_step", "conv_param_count")]
    row("5 harming others", "os.kill(os.getppid(), 9)", True if harm is None else
        None if None in vandal else not all(vandal),
        f"exit {results['harm']['status']}, vandal's right answers passed: {vandal}")
    row("5 harming others", "a double-forked daemon rewrites the gradebook after the command exits",
        seen(bool(results["survivors"]) or results["gradebook_later"] != results["gradebook_at_exit"]),
        f"survivors {results['survivors']}")
    row("5 harming others", "code appended to the grader sources of the instructor's checkout",
        seen(results["canary_changed"]))
    row("5 harming others", "a file left in /tmp", seen(results["stray"]))
    hog = message("hog", "conv_single_step")
    row("5 harming others", f"{HOG_CHILDREN} children x {HOG_MB} MB of shared memory past a 1.5 GB limit",
        None if hog is None else f"touched {HOG_CHILDREN} children" in hog, (hog or no_book)[:100])
    links, latin1, layout = _book(root, "links"), _book(root, "latin1"), _book(root, "layout")
    row("6 discovery", "a learner folder that links to solutions/ gets marks",
        None if links is None else bool(_points(links, "mallory")), "" if links else "no gradebook")
    row("6 discovery", "a notebook that links to another learner's gets marks",
        None if links is None else bool(_points(links, "eve")), "" if links else "no gradebook")
    names = [e["learner"] for e in (links or {}).get("learners", [])]
    row("6 discovery", "dup/ beside dup.ipynb merged into one learner",
        None if links is None else sum(n.startswith("dup") for n in names) < 2, f"learners {names}")
    try:
        with open(root / "out-links" / "grades.csv", newline="", encoding="utf-8") as file:
            cells = [cell for line in csv.reader(file) for cell in line]
        formula = any(cell.startswith(("=", "+", "@")) for cell in cells)
    except OSError:
        formula = None
    row("6 discovery", "a learner name that is a CSV formula (=HYPERLINK)", formula)
    try:
        ET.parse(root / "out-links" / "grades.xml")
        control = any(any(c in n for c in "\n\x1b") for n in names) or "\x1b" in results["links"]["stdout"]
    except (OSError, ET.ParseError):
        control = True
    row("6 discovery", "newlines and ANSI escapes in a name (forged lines, invalid JUnit XML)", control)
    latin_ok = latin1 is not None and len(latin1.get("learners", [])) == 2
    row("6 discovery", "a folder name that is not UTF-8 breaks the gradebooks", not latin_ok,
        f"exit {results['latin1']['status']}")
    layout_names = [e["learner"] for e in (layout or {}).get("learners", [])]
    refused = layout is None and results["layout"]["status"] == 2 and "--submissions" in results["layout"]["stderr"]
    row("6 discovery", "a learner folder named notebooks turns the run into one learner",
        not refused and len(layout_names) < 3, f"exit {results['layout']['status']}, learners {layout_names}")
    vanish = _book(root, "vanish")
    row("6 discovery", "a file deleted after discovery crashes the whole run",
        vanish is None or _points(vanish, "alice") is None,
        f"exit {results['vanish']['status']}, learners {[e['learner'] for e in (vanish or {}).get('learners', [])]}")
    row("7 the course's answer", "an exercise cell that imports cnnkit.scratch.conv_forward passes",
        passed("tamperer", "conv_forward"), no_book)
    fragile = [passed("fragile", ex) for ex in ("zero_pad", "conv_forward")]
    row("8 fragile loading", "a malformed cell and a never-ending class body cost the other exercises",
        None if None in fragile else not all(fragile), no_book or f"right answers passed: {fragile}")
    odd = message("snooper", "conv_param_count")
    row("8 fragile loading", "an exception whose __str__ raises is not reported as such",
        None if odd is None else "turned into text" not in odd and "__str__" not in odd, (odd or no_book)[:100])
    return rows


# ------------------------------------------------------------------ one commit
def _outer(root: Path, own_sandbox: bool, unsafe: bool) -> list[str]:
    command = [sys.executable, "-I", str(Path(__file__).resolve()), "--inside", str(root / "spec.json")]
    processes = ["--bind", "/proc", "/proc"] if own_sandbox else ["--unshare-pid", "--proc", "/proc"]
    if shutil.which("bwrap"):
        return ["bwrap", "--die-with-parent", "--new-session", "--unshare-net", "--unshare-ipc",
                "--ro-bind", "/", "/", *processes, "--bind", str(root), str(root), "--tmpfs", "/tmp",
                "--dev", "/dev", "--chdir", str(root), "--", *command]
    if not unsafe:
        sys.exit("bubblewrap is not installed: the attacks would run against this machine (use --unsafe to do so "
                 "anyway, in a disposable machine)")
    return command


def run_commit(commit: str, timeout: float, unsafe: bool, scratch: Path | None, keep: bool) -> list[tuple]:
    """Run every attack against ``commit``'s grader; return the judged rows."""
    root = Path(tempfile.mkdtemp(prefix="cnnkit-attacks-", dir=scratch))
    checkout = root / "checkout"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "--quiet", str(checkout), commit], check=True)
    try:
        spec = write_scenarios(root, checkout)
        spec["own_sandbox"] = (checkout / "cnnkit/grading/batch/sandbox.py").is_file()
        (root / "spec.json").write_text(json.dumps(spec))
        import test_grading_trust as trust

        victim = Path(spec["root"]) / "harm" / "victim" / f"{trust.NB}.ipynb"
        from cnnkit.grading.core import EXERCISES, exercises_of

        before = {"victim": victim.read_bytes(), "full": sum(EXERCISES[ex].points for ex in exercises_of(trust.NB))}
        start = time.perf_counter()
        process = subprocess.Popen(_outer(root, spec["own_sandbox"], unsafe), start_new_session=True, stdin=subprocess.DEVNULL)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return [("-", f"the run took more than {timeout:g} s and was stopped", None, "")]
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        print(f"{commit}: graded in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        return judge(root, before, spec)
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(checkout)], check=False)
        if not keep:
            shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("commits", nargs="*", default=["HEAD"], help="commits whose grader to attack (default HEAD)")
    parser.add_argument("--timeout", type=float, default=2400, help="seconds for one commit's runs (default 2400)")
    parser.add_argument("--scratch", type=Path, help="where to make each commit's scratch folder (default: the "
                        "system's temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folders (submissions, gradebooks)")
    parser.add_argument("--unsafe", action="store_true", help="run without bubblewrap (a disposable machine only)")
    parser.add_argument("--inside", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        inside(args.inside)
        return 0
    table = {commit: run_commit(commit, args.timeout, args.unsafe, args.scratch, args.keep) for commit in args.commits}
    first = next(iter(table.values()))
    width = max(len(attack) for _, attack, *_ in first)
    print(f"{'kind':<22} {'attack':<{width}} " + " ".join(f"{c[:12]:>12}" for c in table))
    for index, (kind, attack, *_) in enumerate(first):
        cells = [rows[index][2] if index < len(rows) else None for rows in table.values()]
        print(f"{kind:<22} {attack:<{width}} " + " ".join(f"{c or 'n/a':>12}" for c in cells))
    for commit, rows in table.items():
        for _, attack, _, note in rows:
            if note:
                print(f"  {commit[:12]} {attack}: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
