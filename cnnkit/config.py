"""Course-wide settings: fast mode, offline mode, seeds, paths and the repository the notebooks point at."""

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

#: The repository's root folder: the parent of the installed ``cnnkit`` package (an editable install or a
#: checkout on the path). Every path of the course (solutions/, notebooks/, data/, README.md) starts here.
REPO_ROOT = Path(__file__).resolve().parent.parent

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


def set_seed(seed: int, deterministic: bool = False) -> None:
    """Seed Python's ``random``, NumPy and TensorFlow at once, so that weight initialisation,
    shuffling and dropout repeat from run to run.

    Args:
        seed: any int.
        deterministic: also make TensorFlow pick deterministic kernels
            (``tf.config.experimental.enable_op_determinism``); needed on GPUs, slower, and it
            cannot be switched off again in the same process. On a CPU the seed is usually enough.
    """
    import keras  # imported here so that reading a setting never loads TensorFlow
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()


def data_dir() -> Path:
    """The project's data folder: ``$CNNKIT_DATA_DIR``, else ``data/`` beside the package."""
    configured = os.environ.get(DATA_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    return REPO_ROOT / "data"


def keras_cache_dir() -> Path:
    """Where ``keras.utils.get_file`` keeps downloads: ``$KERAS_HOME`` or ``~/.keras``."""
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")).expanduser()
