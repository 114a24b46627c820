"""Copy every submission before any learner's code runs, and grade the copies.

A learner's code could otherwise change or delete another learner's file before it is
graded. :func:`take` reads each submitted notebook once, as a regular file (a device, a
pipe or a link that :mod:`~cnnkit.grading.batch.discovery` let through is refused), up to
:data:`MAX_NOTEBOOK_BYTES`, into a private folder. A file that has vanished or cannot be
read costs only its learner, with a note saying why.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from pathlib import Path

from cnnkit.grading.batch.discovery import Submission, clean_text

#: The largest notebook file that is graded.
MAX_NOTEBOOK_BYTES = 32 * 2**20


class Unreadable(OSError):
    """A submitted file that cannot be taken; the message says why."""


def read_regular(path: Path) -> bytes:
    """The bytes of the regular file at ``path`` (its last component not a link), at most
    :data:`MAX_NOTEBOOK_BYTES`."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise Unreadable(f"it could not be opened ({error.strerror or type(error).__name__})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("it is not a regular file")
        if info.st_size > MAX_NOTEBOOK_BYTES:
            raise Unreadable(f"it is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB")
        with os.fdopen(fd, "rb", closefd=False) as file:
            data = file.read(MAX_NOTEBOOK_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise Unreadable(f"it is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB")
    return data


def take(submissions: list[Submission], folder: Path) -> list[Submission]:
    """The submissions, each graded one with ``snapshot`` set to its copy in ``folder`` (a private
    folder of the caller's), or with a note and no copy when its file could not be taken."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    taken = []
    for index, sub in enumerate(submissions):
        if sub.path is None or sub.notebook is None:
            taken.append(sub)
            continue
        try:
            data = read_regular(sub.path.resolve() if sub.path.is_symlink() else sub.path)
        except Unreadable as error:
            note = f"{clean_text(sub.path.name)} could not be read: {error}"
            taken.append(dataclasses.replace(sub, note=note, snapshot=None))
            continue
        copy = folder / f"{index:05d}.ipynb"
        copy.write_bytes(data)
        taken.append(dataclasses.replace(sub, snapshot=copy))
    return taken
