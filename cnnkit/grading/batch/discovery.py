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

What a learner controls is distrusted: a symbolic link that leads out of the learner's folder
(to ``solutions/``, to another learner) is refused with a note, never followed; names are
cleaned once (:func:`clean_name`: undecodable bytes, control characters, a leading character
that a spreadsheet reads as a formula) and two learners never share a name; a folder that
could be read both as one learner's folder and as a folder of submissions is refused with an
error that says how to choose.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from cnnkit.course.notebooks import SOLUTIONS_DIR
from cnnkit.grading.core import exercises_of, graded_notebooks

MARKER_IN_FILE = re.compile(r"#\s*EXERCISE:\s*([A-Za-z_]\w*)")
SKIPPED_FOLDERS = {"solutions", "__pycache__", "node_modules"}
#: How much of a file is searched for exercise markers.
MARKER_SEARCH_BYTES = 50 * 2**20
#: Characters shown escaped (\\uXXXX): C0 and C1 controls, bidirectional marks and overrides,
#: zero-width characters and other invisible formatting, so that no two names look alike
#: for want of a character one cannot see, and none reorders or hides what follows it.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
                        "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class AmbiguousLayout(ValueError):
    """A folder can be read in two ways; the message says which and how to choose."""


def escape_invisible(text: str) -> str:
    """``text`` with every control, bidirectional and zero-width character shown as ``\\uXXXX``
    (a newline too: no text can start a line of its own in a report)."""
    return _INVISIBLE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def clean_text(text: str) -> str:
    """``text`` with undecodable bytes (from a file name) replaced by "?" and invisible
    characters escaped (:func:`escape_invisible`)."""
    text = str(text).encode("utf-8", "surrogateescape").decode("utf-8", "replace").replace("\ufffd", "?")
    return escape_invisible(text)


def neutralise_formula(text: str) -> str:
    """``text`` quoted with ``'`` when a spreadsheet would run it as a formula: when it starts,
    after any spaces, with ``= + - @`` (or a tab or carriage return)."""
    return "'" + text if text.lstrip(" ").startswith(_FORMULA_START) or text.startswith(_FORMULA_START) else text


def scripts(text: str) -> set[str]:
    """The scripts of the letters of ``text`` (LATIN, CYRILLIC, GREEK, ...), from their Unicode names."""
    import unicodedata

    found = set()
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "UNKNOWN")
            found.add(name.split(" ")[0])
    return found


def clean_name(name: str) -> str:
    """A learner's name safe in a terminal, JSON, XML and a spreadsheet: :func:`clean_text`,
    formulas neutralised (:func:`neutralise_formula`), and a name whose letters mix scripts
    (Latin ``a`` beside Cyrillic ``а``: names that look alike) flagged."""
    text = neutralise_formula(clean_text(name) or "?")
    mixed = scripts(text)
    return f"{text} [mixed scripts: {', '.join(sorted(mixed)).lower()}]" if len(mixed) > 1 else text


@dataclass(frozen=True)
class Submission:
    """One learner's file for one notebook. ``path`` is None when the notebook is missing, and
    ``notebook`` is None when the file could not be matched to a notebook; ``note`` says why.
    ``snapshot`` is the private copy that is graded (see :mod:`cnnkit.grading.batch.snapshot`)."""

    learner: str
    notebook: str | None
    path: Path | None
    note: str = ""
    snapshot: Path | None = None


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
        with open(path, "rb") as file:
            text = file.read(MARKER_SEARCH_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None
    owner = {exercise: name for name in notebooks for exercise in exercises_of(name)}
    votes = Counter(owner[exercise] for exercise in MARKER_IN_FILE.findall(text) if exercise in owner)
    return votes.most_common(1)[0][0] if votes else None


def _visible(path: Path, top: Path) -> bool:
    parts = path.relative_to(top).parts[:-1]
    return not any(part.startswith(".") or part in SKIPPED_FOLDERS for part in parts)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def notebook_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """Notebook files anywhere in ``folder``, except in hidden folders and ``solutions/``, without
    following links to folders; and, apart, the links among them that lead out of ``folder``."""
    found, refused = [], []
    for root, folders, files in os.walk(folder, followlinks=False):
        folders[:] = sorted(name for name in folders if not name.startswith(".") and name not in SKIPPED_FOLDERS)
        for name in sorted(files):
            path = Path(root) / name
            if not name.endswith(".ipynb") or not _visible(path, folder):
                continue
            if path.is_symlink() and not _inside(path, folder):
                refused.append(path)
            elif path.is_file():
                found.append(path)
    return sorted(found), refused


def is_learner_folder(folder: Path, notebooks: list[str]) -> bool:
    """True when ``folder`` (or its ``notebooks/``) holds a file named exactly like a course notebook."""
    return any((place / f"{name}.ipynb").is_file() for place in (folder, folder / "notebooks") for name in notebooks)


def learner_name(folder: Path) -> str:
    """A folder's learner: its name, or its parent's when it is called ``notebooks``."""
    folder = folder.resolve()
    return folder.parent.name if folder.name == "notebooks" and folder.parent.name else folder.name


def course_notebooks() -> list[str]:
    """Every notebook of the course: those with graded exercises and those in ``solutions/``."""
    return sorted(set(graded_notebooks()) | {path.stem for path in SOLUTIONS_DIR.glob("*.ipynb")})


def _learner_submissions(learner: str, files: list[Path], wanted: list[str], single: bool,
                         refused: list[Path] = ()) -> list[Submission]:
    """One submission per wanted notebook found among ``files`` (the shallowest file wins a tie).
    A file that matches no notebook is reported when it is the learner's ``single`` file, and
    skipped in a folder (a learner's scratch notebook); files of notebooks not wanted are skipped.
    Each link in ``refused`` is reported, never read."""
    found: dict[str, list[Path]] = {}
    unknown = [Submission(learner, None, path, f"refused {clean_text(path.name)}: a symbolic link that leads out of "
                                               "the learner's folder") for path in refused]
    for path in files:
        name = identify(path, course_notebooks())
        if name is None and single:
            unknown.append(Submission(learner, None, path, f"cannot tell which notebook {clean_text(path.name)} is: "
                                                              "name it like NN_name.ipynb or pass --notebook"))
        elif name in wanted:
            found.setdefault(name, []).append(path)
    chosen = []
    for name in wanted:
        if name in found:
            paths = sorted(found[name], key=lambda p: (len(p.parts), p.name != f"{name}.ipynb", str(p)))
            note = (f"{len(paths)} files for this notebook; graded {clean_text(paths[0].name)}, not "
                    + ", ".join(clean_text(p.name) for p in paths[1:])) if len(paths) > 1 else ""
            chosen.append(Submission(learner, name, paths[0], note))
    return chosen + unknown


def _check_layout(path: Path, notebooks: list[str]) -> None:
    """Refuse a folder that is a learner's folder only through its ``notebooks/`` sub-folder while
    other sub-folders are learner folders too (a learner named "notebooks" among others)."""
    if any((path / f"{name}.ipynb").is_file() for name in notebooks):
        return
    others = sorted(entry.name for entry in path.iterdir() if entry.is_dir() and not entry.is_symlink()
                    and entry.name not in SKIPPED_FOLDERS | {"notebooks"} and not entry.name.startswith(".")
                    and is_learner_folder(entry, notebooks))
    if others:
        raise AmbiguousLayout(
            f"{clean_text(str(path))} can be read as one learner's folder (it has notebooks/ with course notebooks) "
            f"or as a folder of submissions (its sub-folders {', '.join(map(clean_text, others[:3]))} hold course "
            "notebooks too). Pass --submissions to grade each sub-folder as a learner, or give the learner's "
            "folder itself.")


def _learners_in(path: Path, learner: str | None, submissions_folder: bool | None) -> list[tuple]:
    """(learner, their notebook files, whether it is a single file, refused links) for a path
    given to the command; learners' names are cleaned and never shared."""
    if path.is_file():
        return [(clean_name(learner or path.stem), [path], True, [])]
    if not path.is_dir():
        raise FileNotFoundError(f"There is no file or folder at {clean_text(str(path))}.")
    notebooks = course_notebooks()
    if submissions_folder is False or (submissions_folder is None and is_learner_folder(path, notebooks)):
        if submissions_folder is None:
            _check_layout(path, notebooks)
        files, refused = notebook_files(path)
        return [(clean_name(learner or learner_name(path)), files, False, refused)]
    learners = []
    for entry in sorted(p for p in path.iterdir() if not p.name.startswith(".")):
        if entry.is_symlink():  # never followed: it may lead to solutions/ or to another learner
            learners.append((entry.name, [], True, [entry]))
        elif entry.is_dir():
            files, refused = notebook_files(entry)
            learners.append((entry.name, files, False, refused))
        elif entry.suffix == ".ipynb" and entry.is_file():
            learners.append((entry.stem, [entry], True, []))
    return _distinct(learners, path)


def _distinct(learners: list[tuple], folder: Path) -> list[tuple]:
    """The learners with cleaned names that no two share: a file named like a folder (``dup.ipynb``
    beside ``dup/``) keeps its suffix, and any other clash gets a number."""
    folders = {clean_name(name) for name, _, single, _ in learners if not single}
    seen: Counter = Counter()
    result = []
    for name, files, single, refused in learners:
        entry = (files or refused or [folder / name])[0]
        cleaned = clean_name(entry.name if single and clean_name(name) in folders else name)
        seen[cleaned] += 1
        result.append((cleaned if seen[cleaned] == 1 else f"{cleaned} ({seen[cleaned]})", files, single, refused))
    return result


def find_submissions(paths: list[Path], only: list[str] | None = None, learner: str | None = None,
                     submissions_folder: bool | None = None) -> list[Submission]:
    """Every submission under ``paths``, with missing notebooks as submissions without a path.

    ``only`` restricts grading to these notebooks (and makes them expected from every learner);
    ``learner`` names the learner of a file or learner folder; ``submissions_folder`` forces
    (True) or forbids (False) reading a folder as a folder of submissions.
    """
    wanted = only or graded_notebooks()
    result: list[Submission] = []
    taken: Counter = Counter()
    for path in map(Path, paths):
        learners = []
        for name, files, single, refused in _learners_in(path, learner, submissions_folder):
            taken[name] += 1  # the same name from two paths given to the command
            learners.append((name if taken[name] == 1 else f"{name} ({taken[name]})", files, single, refused))
        if only and len(only) == 1 and path.is_file():  # the command was told which notebook this file is
            result.append(Submission(learners[0][0], only[0], path))
            continue
        found = [_learner_submissions(name, files, wanted, single, refused) for name, files, single, refused in learners]
        expected = only or [nb for nb in wanted if any(s.notebook == nb for subs in found for s in subs)]
        for (name, *_), subs in zip(learners, found):
            have = {s.notebook for s in subs}
            result += subs + [Submission(name, nb, None, f"not submitted: no {nb}.ipynb found")
                              for nb in expected if nb not in have]
    return result
