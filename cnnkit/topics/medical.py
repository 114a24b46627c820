"""Notebook 17 (medical imaging): matching predicted nuclei to annotated ones, training targets and
instances for the nucleus image, the classical baseline, and generated CT data.

``iou_matrix`` and ``match_score`` are the solutions of notebook 17, kept verbatim.

Conventions: a *label image* holds one integer per pixel, 0 for background and 1, 2, ... one
label per object (the annotators' mask, or what :func:`instances_from_probabilities` returns). The
*three classes* of the U-Net are ``BACKGROUND``, ``INTERIOR`` and ``BOUNDARY`` of a nucleus.
CT images are float32 attenuation maps in [0, 1] on a square grid; sinograms are what
``skimage.transform.radon`` returns.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage as ndi
from skimage.feature import peak_local_max
from skimage.filters import threshold_otsu
from skimage.measure import label as connected_components
from skimage.segmentation import find_boundaries, watershed
from skimage.transform import iradon, radon

BACKGROUND, INTERIOR, BOUNDARY = 0, 1, 2
CLASS_NAMES = ("background", "interior", "boundary")


# --------------------------------------------------------------------------- matching (notebook 17's solutions)
def iou_matrix(true_labels, pred_labels):
    """IoU of every annotated object with every predicted object.

    Args:
        true_labels: integer label image (height, width), 0 for background, one label per object.
        pred_labels: integer label image of the same shape.

    Returns:
        Float array of shape (number of true objects, number of predicted objects): entry [i, j]
        is the IoU of the i-th true and the j-th predicted object, both in increasing order of
        their labels (label 0 left out).
    """
    true_ids = np.unique(true_labels[true_labels > 0])
    pred_ids = np.unique(pred_labels[pred_labels > 0])
    iou = np.zeros((len(true_ids), len(pred_ids)))
    for i, t in enumerate(true_ids):
        mask = true_labels == t
        overlapping = np.unique(pred_labels[mask])  # only these can have a nonzero IoU with t
        for p in overlapping[overlapping > 0]:
            other = pred_labels == p
            iou[i, np.searchsorted(pred_ids, p)] = np.sum(mask & other) / np.sum(mask | other)
    return iou


def match_score(true_labels, pred_labels, threshold=0.5):
    """Match predicted objects to annotated ones at an IoU threshold and score the matching.

    A true and a predicted object match when their IoU is strictly greater than ``threshold``.
    With ``threshold >= 0.5`` an object can match at most one other (two objects that each cover
    more than half of a third would overlap), so the matches are just the pairs above it.

    Args:
        true_labels, pred_labels: integer label images of the same shape, 0 for background.
        threshold: the IoU a pair must exceed, at least 0.5.

    Returns:
        A dict: "tp" matched pairs, "fp" predicted objects without a match, "fn" true objects
        without a match, and "accuracy" = TP / (TP + FP + FN) (1.0 when neither image has an object).
    """
    iou = iou_matrix(true_labels, pred_labels)
    tp = int(np.sum(iou > threshold))
    fp = iou.shape[1] - tp
    fn = iou.shape[0] - tp
    total = tp + fp + fn
    return {"tp": tp, "fp": fp, "fn": fn, "accuracy": tp / total if total else 1.0}


# --------------------------------------------------------------------------- nuclei
def three_class_targets(labels: np.ndarray) -> np.ndarray:
    """Per-pixel classes from a label image: the inner boundary of each object, its interior, background.

    A boundary pixel belongs to an object and touches another label (background or another
    object), so two touching nuclei are separated by their boundaries. Returns uint8, same shape.
    """
    boundary = find_boundaries(labels, mode="inner")
    classes = np.where(labels > 0, INTERIOR, BACKGROUND).astype(np.uint8)
    classes[boundary & (labels > 0)] = BOUNDARY
    return classes


def random_crops(arrays: tuple[np.ndarray, ...], size: int, count: int, seed: int) -> tuple[np.ndarray, ...]:
    """``count`` random ``size`` x ``size`` crops at the same places of every 2-D array in ``arrays``,
    each turned by a random multiple of 90 degrees and flipped at random (the same way in every array).

    Deterministic for a seed. Returns one array of shape (count, size, size) per input.
    """
    rng = np.random.default_rng(seed)
    height, width = arrays[0].shape
    if size > min(height, width):
        raise ValueError(f"size {size} is larger than the arrays, of shape {arrays[0].shape}.")
    out = [np.empty((count, size, size), a.dtype) for a in arrays]
    for k in range(count):
        top, left = rng.integers(0, height - size + 1), rng.integers(0, width - size + 1)
        turns, flip = rng.integers(0, 4), rng.random() < 0.5
        for array, target in zip(arrays, out):
            crop = np.rot90(array[top:top + size, left:left + size], turns)
            target[k] = crop[:, ::-1] if flip else crop
    return tuple(out)


def instances_from_probabilities(probabilities: np.ndarray, threshold: float = 0.5, min_size: int = 10) -> np.ndarray:
    """Nuclei as a label image, from per-pixel probabilities of (background, interior, boundary).

    Each connected region where the interior probability exceeds ``threshold`` is one seed; seeds
    smaller than ``min_size`` pixels are dropped; a watershed on the background probability grows
    each seed over the pixels that are not background (argmax), so the boundary returns to its nucleus.
    """
    seeds = connected_components(probabilities[..., INTERIOR] > threshold)
    sizes = np.bincount(seeds.ravel())
    seeds[sizes[seeds] < min_size] = 0
    foreground = probabilities.argmax(-1) != BACKGROUND
    return watershed(probabilities[..., BACKGROUND], markers=seeds, mask=foreground | (seeds > 0))


def otsu_watershed(image: np.ndarray, min_distance: int = 5, min_size: int = 10) -> np.ndarray:
    """The classical baseline: Otsu's threshold, then a watershed of the distance transform.

    Foreground is what is brighter than Otsu's threshold; the peaks of the distance to the
    background (at least ``min_distance`` pixels apart) seed one object each, and a watershed splits
    touching objects between them. Objects smaller than ``min_size`` pixels are removed.
    """
    foreground = image > threshold_otsu(image)
    distance = ndi.distance_transform_edt(foreground)
    peaks = peak_local_max(distance, min_distance=min_distance, labels=connected_components(foreground))
    markers = np.zeros(image.shape, np.int32)
    markers[tuple(peaks.T)] = np.arange(1, len(peaks) + 1)
    labels = watershed(-distance, markers, mask=foreground)
    sizes = np.bincount(labels.ravel())
    labels[sizes[labels] < min_size] = 0
    return labels


# --------------------------------------------------------------------------- CT
def random_ellipse_phantoms(count: int, size: int = 64, ellipses: tuple[int, int] = (6, 12), seed: int = 0
                            ) -> np.ndarray:
    """``count`` CT phantoms of ``size`` x ``size`` pixels, deterministic for a seed.

    Each is a large ellipse of soft tissue (value 0.5 to 0.7) holding ``ellipses`` (a range) smaller
    ellipses of random position, shape, angle and value (added, so they may overlap), inside the
    disc a CT scanner sees; values are clipped to [0, 1]. Returns float32 of shape (count, size, size).
    """
    rng = np.random.default_rng(seed)
    grid = np.linspace(-1, 1, size, dtype=np.float32)
    x, y = np.meshgrid(grid, grid)
    phantoms = np.zeros((count, size, size), np.float32)

    def ellipse(cx, cy, a, b, angle):
        c, s = np.cos(angle), np.sin(angle)
        u, v = (x - cx) * c + (y - cy) * s, -(x - cx) * s + (y - cy) * c
        return (u / a) ** 2 + (v / b) ** 2 <= 1

    for k in range(count):
        body = ellipse(0, 0, rng.uniform(0.7, 0.85), rng.uniform(0.55, 0.8), rng.uniform(0, np.pi))
        phantom = body * rng.uniform(0.5, 0.7)
        for _ in range(rng.integers(ellipses[0], ellipses[1] + 1)):
            r, t = rng.uniform(0, 0.55), rng.uniform(0, 2 * np.pi)
            phantom = phantom + ellipse(r * np.cos(t), r * np.sin(t), rng.uniform(0.03, 0.25), rng.uniform(0.03, 0.2),
                                        rng.uniform(0, np.pi)) * rng.uniform(-0.3, 0.4) * body
        phantoms[k] = np.clip(phantom, 0, 1)
    return phantoms


def sparse_view_fbp(images: np.ndarray, num_angles: int, noise: float, seed: int = 0) -> np.ndarray:
    """Simulate a sparse-view scan of each image and reconstruct it by filtered back-projection.

    ``num_angles`` projections evenly spread over 180 degrees (``skimage.transform.radon``), Gaussian
    noise of standard deviation ``noise`` times the sinogram's largest value, then ``iradon`` with
    the ramp filter. Returns float32 of the images' shape.
    """
    rng = np.random.default_rng(seed)
    angles = np.linspace(0.0, 180.0, num_angles, endpoint=False)
    out = np.empty(images.shape, np.float32)
    for k, image in enumerate(images):
        sinogram = radon(image, theta=angles, circle=True)
        sinogram = sinogram + rng.normal(0, noise * sinogram.max(), sinogram.shape)
        out[k] = iradon(sinogram, theta=angles, filter_name="ramp", circle=True, output_size=image.shape[0])
    return out
