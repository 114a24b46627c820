"""Course-wide settings: fast mode, paths and the repository the notebooks point at."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

#: Set this environment variable to ``1`` to run every notebook in fast mode:
#: fewer epochs and smaller subsets, every cell still executed (used by CI).
FAST_ENV = "CNNKIT_FAST"

#: Set this to ``1`` to forbid downloads (the loaders then only search local files).
OFFLINE_ENV = "CNNKIT_OFFLINE"

#: Set this to a folder to use it instead of the repository's ``data/`` folder.
DATA_DIR_ENV = "CNNKIT_DATA_DIR"

#: The GitHub repository (owner/name) that Colab badges and the Colab setup cell use.
COURSE_REPO = "cnn-course/cnn-course"

_TRUE = {"1", "true", "yes", "on"}


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def fast_mode() -> bool:
    """Return True when ``CNNKIT_FAST`` asks for the quick CI-sized run."""
    return _flag(FAST_ENV)


def offline() -> bool:
    """Return True when ``CNNKIT_OFFLINE`` forbids downloads."""
    return _flag(OFFLINE_ENV)


def by_mode(default: T, fast: T) -> T:
    """Pick a parameter value: ``fast`` in fast mode, ``default`` otherwise.

    Used in the parameters cell of every notebook, e.g. ``EPOCHS = by_mode(10, 1)``.
    """
    return fast if fast_mode() else default


def data_dir() -> Path:
    """The project's data folder: ``$CNNKIT_DATA_DIR``, else ``data/`` beside the package."""
    configured = os.environ.get(DATA_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path(__file__).resolve().parent.parent / "data"


def keras_cache_dir() -> Path:
    """Where ``keras.utils.get_file`` keeps downloads: ``$KERAS_HOME`` or ``~/.keras``."""
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")).expanduser()
