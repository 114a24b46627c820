"""The isolation level: bubblewrap wherever Python and the course live, never a silent fall back
to process limits, and process limits only by name, with its weaker promises said (issue 31)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cnnkit.course.notebooks import SOLUTIONS_DIR
from cnnkit.grading.batch import command, sandbox
from cnnkit.grading.batch.sandbox import BUBBLEWRAP, PROCESS_LIMITS, Isolation, available

NB = "01_convolution_basics"
ROOT = Path(__file__).resolve().parent.parent
needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None or not sys.platform.startswith("linux"),
                                 reason="bubblewrap is not installed (make setup installs it on Debian)")


@needs_bwrap
def test_the_sandbox_starts_where_setup_installed_bubblewrap():
    # make test fails, instead of grading at a weaker level, when bubblewrap is there but cannot start.
    assert available().level == BUBBLEWRAP, available().detail


@needs_bwrap
def test_bubblewrap_level_with_python_and_the_course_under_tmp(tmp_path_factory):
    # The sandbox mounts its own /tmp: Python, a venv and the checkout under the machine's /tmp stay
    # visible, under any name (a space, non-ASCII letters).
    folder = Path(tmp_path_factory.mktemp("h31")) / "a clone é"
    folder.mkdir()
    assert str(folder).startswith("/tmp/") or os.environ.get("TMPDIR"), folder
    venv = folder / "venv ü"
    venv.symlink_to(Path(sys.prefix), target_is_directory=True)
    checkout = folder / "course ß"
    checkout.mkdir()
    (checkout / "cnnkit").symlink_to(ROOT / "cnnkit", target_is_directory=True)
    python = venv / "bin" / Path(sys.executable).name
    out = folder / "grades é.json"
    done = subprocess.run([str(python), "-m", "cnnkit.grading", str(SOLUTIONS_DIR / f"{NB}.ipynb"), "--json", str(out),
                           "--isolation", "auto", "--quiet"], cwd=checkout, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "PYTHONPATH": str(checkout)})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    book = json.loads(out.read_text(encoding="utf-8"))
    assert book["isolation"].startswith(f"isolation: {BUBBLEWRAP} ("), book["isolation"]
    assert book["passed"]


def test_the_sandbox_binds_python_after_its_own_tmp(monkeypatch):
    monkeypatch.setattr(sys, "prefix", "/tmp/a venv é")
    args = sandbox._bubblewrap_args(None, None)
    tmp = args.index("/tmp", args.index("--tmpfs"))
    binds = [i for i, arg in enumerate(args) if arg == "--ro-bind"]
    assert binds and min(binds) > tmp


def test_auto_stops_and_says_why_and_how(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(sandbox, "_probe", lambda: Isolation(PROCESS_LIMITS, "bubblewrap is not installed"))
    monkeypatch.setattr(sandbox, "_chosen", [None])
    with pytest.raises(sandbox.IsolationUnavailable, match="not installed.*--isolation limits"):
        sandbox.choose("auto")
    with pytest.raises(sandbox.IsolationUnavailable):
        sandbox.isolation()
    assert command.main([str(tmp_path), "--isolation", "auto"]) == command.EXIT_ERROR
    err = capsys.readouterr().err
    assert "bubblewrap is not installed" in err and "apt-get install bubblewrap" in err


def _two_learners(folder: Path) -> None:
    for learner in ("alice", "bob"):
        (folder / learner).mkdir(parents=True)
        shutil.copyfile(SOLUTIONS_DIR / f"{NB}.ipynb", folder / learner / f"{NB}.ipynb")


def test_process_limits_by_name_only_with_its_promises_said(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(sandbox, "_chosen", [None])
    _two_learners(tmp_path)
    assert command.main([str(tmp_path), "--isolation", "limits"]) == command.EXIT_ERROR
    err = capsys.readouterr().err
    assert "warning: process limits only" in err and "can read every file you can" in err
    assert "refusing to grade several learners" in err and "--force-limits" in err
    assert sandbox.isolation().level == PROCESS_LIMITS
    assert "chosen with --isolation limits" in sandbox.isolation().line()


@needs_bwrap
def test_no_user_namespace_inside_the_sandbox():
    # A tmpfs mounted in a user namespace of its own would hold memory the watchdog does not see.
    unshare = shutil.which("unshare")
    if unshare is None or "--disable-userns" not in sandbox._bwrap_options():
        pytest.skip("needs unshare and a bubblewrap with --disable-userns (0.8 or newer)")
    done = subprocess.run(sandbox._bubblewrap_args(None, None) + ["--", unshare, "-U", "-r", "true"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0, "the learner's code could create a user namespace"
