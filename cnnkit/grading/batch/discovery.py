"""Find what to grade: which learner submitted which notebook, in which file.

A path given to the grading command is one of three things:

* a notebook file: one learner (named after the file), one notebook;
* one learner's folder, like ``notebooks/`` or a clone of a learner's repository: a folder
  that holds, directly or in a ``notebooks/`` sub-folder, a file named exactly like a course
  notebook (``01_convolution_basics.ipynb``). Its notebooks are searched for in all its
  sub-folders except hidden ones and ``solutions/``;
* otherwise a folder of submissions: each sub-folder is one learner's folder and each
  notebook file directly in it one learner's notebook (``alice.ipynb``).

A file's notebook is recognised by its name (``01_convolution_basics.ipynb``, or anything
containing ``01_convolution_basics`` or the number ``01``), else by the exercise markers in
it. A single file that matches no notebook is reported; in a learner's folder it is skipped
(a scratch notebook). Notebooks that some learner of a folder submitted and another did not
are graded as missing for the latter, so every row of a gradebook has the same columns.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from cnnkit.grading.core import exercises_of, graded_notebooks
from cnnkit.notebooks import SOLUTIONS

MARKER_IN_FILE = re.compile(r"#\s*EXERCISE:\s*([A-Za-z_]\w*)")
SKIPPED_FOLDERS = {"solutions", "__pycache__", "node_modules"}


@dataclass(frozen=True)
class Submission:
    """One learner's file for one notebook. ``path`` is None when the notebook is missing, and
    ``notebook`` is None when the file could not be matched to a notebook; ``note`` says why."""

    learner: str
    notebook: str | None
    path: Path | None
    note: str = ""


def identify(path: Path, notebooks: list[str]) -> str | None:
    """Which of ``notebooks`` the file at ``path`` is, by its name, else by its exercise markers."""
    stem = path.stem
    for name in notebooks:
        if name in stem:
            return name
    numbers = set(re.findall(r"(?<!\d)(\d{2})(?!\d)", stem))
    by_number = [name for name in notebooks if name[:2] in numbers]
    if len(by_number) == 1:
        return by_number[0]
    try:
        text = path.read_bytes()[:50 * 2**20].decode("utf-8", errors="replace")
    except OSError:
        return None
    owner = {exercise: name for name in notebooks for exercise in exercises_of(name)}
    votes = Counter(owner[exercise] for exercise in MARKER_IN_FILE.findall(text) if exercise in owner)
    return votes.most_common(1)[0][0] if votes else None


def _visible(path: Path, top: Path) -> bool:
    parts = path.relative_to(top).parts[:-1]
    return not any(part.startswith(".") or part in SKIPPED_FOLDERS for part in parts)


def notebook_files(folder: Path) -> list[Path]:
    """Notebook files anywhere in ``folder``, except in hidden folders and ``solutions/``."""
    return sorted(path for path in folder.rglob("*.ipynb") if path.is_file() and _visible(path, folder))


def is_learner_folder(folder: Path, notebooks: list[str]) -> bool:
    """True when ``folder`` (or its ``notebooks/``) holds a file named exactly like a course notebook."""
    return any((place / f"{name}.ipynb").is_file() for place in (folder, folder / "notebooks") for name in notebooks)


def learner_name(folder: Path) -> str:
    """A folder's learner: its name, or its parent's when it is called ``notebooks``."""
    folder = folder.resolve()
    return folder.parent.name if folder.name == "notebooks" and folder.parent.name else folder.name


def course_notebooks() -> list[str]:
    """Every notebook of the course: those with graded exercises and those in ``solutions/``."""
    return sorted(set(graded_notebooks()) | {path.stem for path in SOLUTIONS.glob("*.ipynb")})


def _learner_submissions(learner: str, files: list[Path], wanted: list[str], single: bool) -> list[Submission]:
    """One submission per wanted notebook found among ``files`` (the shallowest file wins a tie).
    A file that matches no notebook is reported when it is the learner's ``single`` file, and
    skipped in a folder (a learner's scratch notebook); files of notebooks not wanted are skipped."""
    found: dict[str, list[Path]] = {}
    unknown = []
    for path in files:
        name = identify(path, course_notebooks())
        if name is None and single:
            unknown.append(Submission(learner, None, path, f"cannot tell which notebook {path.name} is: name it "
                                                              "like NN_name.ipynb or pass --notebook"))
        elif name in wanted:
            found.setdefault(name, []).append(path)
    chosen = []
    for name in wanted:
        if name in found:
            paths = sorted(found[name], key=lambda p: (len(p.parts), p.name != f"{name}.ipynb", str(p)))
            note = (f"{len(paths)} files for this notebook; graded {paths[0].name}, not "
                    + ", ".join(p.name for p in paths[1:])) if len(paths) > 1 else ""
            chosen.append(Submission(learner, name, paths[0], note))
    return chosen + unknown


def _learners_in(path: Path, learner: str | None, submissions_folder: bool | None) -> list[tuple[str, list[Path], bool]]:
    """(learner, their notebook files, whether it is a single file) for a path given to the command."""
    if path.is_file():
        return [(learner or path.stem, [path], True)]
    if not path.is_dir():
        raise FileNotFoundError(f"There is no file or folder at {path}.")
    if submissions_folder is False or (submissions_folder is None and is_learner_folder(path, course_notebooks())):
        return [(learner or learner_name(path), notebook_files(path), False)]
    entries = sorted(p for p in path.iterdir() if not p.name.startswith("."))
    return [(entry.stem, [entry], True) if entry.is_file() else (entry.name, notebook_files(entry), False)
            for entry in entries if entry.is_dir() or entry.suffix == ".ipynb"]


def find_submissions(paths: list[Path], only: list[str] | None = None, learner: str | None = None,
                     submissions_folder: bool | None = None) -> list[Submission]:
    """Every submission under ``paths``, with missing notebooks as submissions without a path.

    ``only`` restricts grading to these notebooks (and makes them expected from every learner);
    ``learner`` names the learner of a file or learner folder; ``submissions_folder`` forces
    (True) or forbids (False) reading a folder as a folder of submissions.
    """
    wanted = only or graded_notebooks()
    result: list[Submission] = []
    for path in map(Path, paths):
        learners = _learners_in(path, learner, submissions_folder)
        if only and len(only) == 1 and path.is_file():  # the command was told which notebook this file is
            result.append(Submission(learners[0][0], only[0], path))
            continue
        found = [_learner_submissions(name, files, wanted, single) for name, files, single in learners]
        expected = only or [nb for nb in wanted if any(s.notebook == nb for subs in found for s in subs)]
        for (name, _, _), subs in zip(learners, found):
            have = {s.notebook for s in subs}
            result += subs + [Submission(name, nb, None, f"not submitted: no {nb}.ipynb found")
                              for nb in expected if nb not in have]
    return result
