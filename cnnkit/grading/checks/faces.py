"""Checks for notebook 14, face recognition.

Every expected value is computed here in NumPy (float64) from inputs the checker keeps: the
pairwise distances by an explicit double loop, the triplet loss term by term, verification and
identification from distances computed pair by pair. When an answer is wrong, the checks
compare it with what known mistakes give (a square root taken, the margin's sign flipped,
a mean over the active triplets only, squared distances compared with a Euclidean threshold,
the mean embedding of a person instead of the nearest one...) to name the likely cause.
"""

from __future__ import annotations

import numpy as np

from cnnkit.grading.assertions import as_array, as_number, call, describe, difference, fail, same_values
from cnnkit.grading.core import exercise

NOTEBOOK = "14_face_recognition"


def _random(shape, seed, scale=1.0):
    return (scale * np.random.default_rng(seed).normal(size=shape)).astype(np.float32)


# --------------------------------------------------------------------------- pairwise_distances
def _squared_distances(x):
    """The oracle: an explicit loop over every pair, in float64."""
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            out[i, j] = np.sum((x[i] - x[j]) ** 2)
    return out


def _distance_hint(actual, x):
    x = np.asarray(x, dtype=np.float64)
    expected = _squared_distances(x)
    if actual.shape != expected.shape:
        return ("Compute every pair: broadcast x[:, None, :] - x[None, :, :] to shape (n, n, d), "
                "then sum over the last axis.")
    if same_values(actual, np.sqrt(expected), atol=1e-4):
        return "These are Euclidean distances: the exercise asks for squared distances, without the square root."
    if same_values(actual, expected / x.shape[1], atol=1e-4):
        return "Sum the squared differences over the features; do not average them."
    absolute = np.abs(x[:, None, :] - x[None, :, :]).sum(-1)
    if same_values(actual, absolute, atol=1e-4):
        return "Square the differences: the sum of absolute differences is the L1 distance."
    norms = np.sum(x**2, axis=1)
    if same_values(actual, norms[:, None] + norms[None, :], atol=1e-4):
        return "The cross term is missing: ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b."
    if np.any(actual < -1e-6):
        return "A squared distance is never negative: clamp rounding errors with maximum(d, 0)."
    return "Entry (i, j) is sum over k of (x[i, k] - x[j, k])**2."


@exercise(NOTEBOOK)
def check_pairwise_distances(pairwise_distances):
    duplicates = _random((4, 6), 1)
    duplicates[2] = duplicates[0]  # two identical embeddings are at distance 0
    cases = [
        ("5 embeddings of 3 numbers", _random((5, 3), 0)),
        ("4 embeddings of 6 numbers, rows 0 and 2 equal", duplicates),
        ("a single embedding", _random((1, 4), 2)),
        ("6 unit vectors of 2 numbers (float64)",
         np.stack([np.cos(np.arange(6.0)), np.sin(np.arange(6.0))], axis=1)),
    ]
    for what, x in cases:
        text = f"pairwise_distances({what}: {describe(x)})"
        actual = as_array(call(pairwise_distances, x.copy()), text)
        expected = _squared_distances(x)
        if not same_values(actual, expected, atol=1e-4):
            problem = (f"returned shape {actual.shape}, expected {expected.shape}." if actual.shape != expected.shape
                       else difference(actual, expected))
            fail(text, problem, _distance_hint(actual, x))


# --------------------------------------------------------------------------- triplet_loss
def _terms(anchor, positive, negative, margin):
    a, p, n = (np.asarray(v, dtype=np.float64) for v in (anchor, positive, negative))
    return [float(np.sum((a[i] - p[i]) ** 2) - np.sum((a[i] - n[i]) ** 2) + margin) for i in range(len(a))]


def _triplet_hint(value, anchor, positive, negative, margin):
    a, p, n = (np.asarray(v, dtype=np.float64) for v in (anchor, positive, negative))
    d_ap, d_an = np.sum((a - p) ** 2, axis=1), np.sum((a - n) ** 2, axis=1)
    hinge = np.maximum(d_ap - d_an + margin, 0)
    candidates = [
        (np.mean(np.maximum(d_ap - d_an - margin, 0)),
         "The margin's sign is flipped: the term is d(a, p) - d(a, n) + margin, so the negative must be "
         "farther than the positive by at least the margin."),
        (np.mean(np.maximum(np.sqrt(d_ap) - np.sqrt(d_an) + margin, 0)),
         "Use squared Euclidean distances ||a - p||^2 and ||a - n||^2, not their square roots."),
        (hinge.sum() / max(np.count_nonzero(hinge), 1),
         "The mean is taken over the active triplets only: average over the whole batch, where easy "
         "triplets count with loss 0."),
        (np.mean(d_ap - d_an + margin),
         "The hinge is missing: take max(d(a, p) - d(a, n) + margin, 0) for each triplet, so that easy "
         "triplets add 0 instead of a negative loss."),
        (hinge.sum(), "Average over the batch instead of summing."),
        (np.mean(np.maximum(d_an - d_ap + margin, 0)),
         "Positive and negative are swapped: the term is d(a, p) - d(a, n) + margin."),
    ]
    for candidate, hint in candidates:
        if np.isclose(value, candidate, atol=1e-5, rtol=1e-4):
            return hint
    return "loss = mean over the batch of max(||a - p||^2 - ||a - n||^2 + margin, 0)."


@exercise(NOTEBOOK)
def check_triplet_loss(triplet_loss):
    anchor = _random((6, 4), 3)
    positive = anchor + _random((6, 4), 4, scale=0.6)
    negative = anchor + _random((6, 4), 5, scale=0.8)
    origin = np.zeros((3, 2), dtype=np.float32)
    cases = [
        ("3 triplets on a line: one easy, two hard", origin,
         np.array([[1.0, 0.0], [2.0, 0.0], [1.0, 0.0]], np.float32),
         np.array([[3.0, 0.0], [1.0, 0.0], [1.2, 0.0]], np.float32), 0.5),
        ("6 random triplets, some easy, some hard", anchor, positive, negative, 0.5),
        ("the same with margin 0", anchor, positive, negative, 0.0),
        ("the same with margin 2", anchor, positive, negative, 2.0),
    ]
    for what, a, p, n, margin in cases:
        text = f"triplet_loss({what}: anchor {describe(a)}, margin={margin})"
        value = as_number(call(triplet_loss, a.copy(), p.copy(), n.copy(), margin), text,
                          "Average the per-triplet losses into a single number.")
        expected = float(np.mean(np.maximum(_terms(a, p, n, margin), 0)))
        if not np.isfinite(value) or not np.isclose(value, expected, atol=1e-5, rtol=1e-4):
            fail(text, f"returned {value:.6g}, expected {expected:.6g}.", _triplet_hint(value, a, p, n, margin))


# --------------------------------------------------------------------------- verify
def _pairs_at(distances, seed, dim=3):
    """Pairs (a, b) of embeddings whose Euclidean distances are exactly ``distances``."""
    a = _random((len(distances), dim), seed).astype(np.float64)
    directions = _random((len(distances), dim), seed + 1).astype(np.float64)
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    return a, a + np.asarray(distances, dtype=np.float64)[:, None] * directions


def _verify_hint(actual, distances, threshold):
    distances = np.asarray(distances)
    if actual.shape != distances.shape:
        return ("Return one bool per pair: reduce over the last axis (the features), e.g. "
                "np.sum(..., axis=-1).")
    if actual.dtype != bool:
        return "Return booleans (distance < threshold), not the distances themselves."
    if np.array_equal(actual, distances**2 < threshold):
        return ("You compared the squared distance with the threshold: the threshold is a Euclidean distance, "
                "so take the square root first.")
    if np.array_equal(actual, distances > threshold) or np.array_equal(actual, distances >= threshold):
        return "The comparison is reversed: the same person means *closer* than the threshold."
    return "same = sqrt(sum((a - b)**2, axis=-1)) < threshold."


@exercise(NOTEBOOK)
def check_verify(verify):
    gaps = np.array([0.1, 0.45, 0.7, 0.9, 1.3])
    a, b = _pairs_at(gaps, 6)
    single_a, single_b = _pairs_at([0.3], 9, dim=5)
    cases = [
        ("5 pairs at distances 0.1, 0.45, 0.7, 0.9, 1.3", a, b, gaps, 0.6),
        ("the same pairs with threshold 1.0", a, b, gaps, 1.0),
        ("one pair of 5-number embeddings at distance 0.3, shapes (5,)", single_a[0], single_b[0],
         np.array(0.3), 0.5),
    ]
    for what, x, y, distances, threshold in cases:
        text = f"verify({what}: {describe(x)}, {describe(y)}, threshold={threshold})"
        result = call(verify, x.copy(), y.copy(), threshold)
        if result is None:
            fail(text, "returned None.", "Did you forget the `return` statement?")
        actual = np.asarray(result)
        expected = distances < threshold
        if actual.shape != expected.shape or actual.dtype != bool or not np.array_equal(actual, expected):
            fail(text, f"returned {actual.tolist()!r}, expected {expected.tolist()!r}.",
                 _verify_hint(actual, distances, threshold))


# --------------------------------------------------------------------------- identify
def _nearest_name(embedding, database, threshold):
    """The oracle: distances to every stored embedding, one at a time."""
    best, best_distance = None, np.inf
    for name, stored in database.items():
        for row in np.asarray(stored, dtype=np.float64).reshape(-1, len(embedding)):
            distance = float(np.sqrt(np.sum((row - embedding) ** 2)))
            if distance < best_distance:
                best, best_distance = name, distance
    return best if best_distance < threshold else None


def _identify_hint(actual, embedding, database, threshold):
    def distances(stored):
        return np.sqrt(np.sum((np.asarray(stored, np.float64).reshape(-1, len(embedding)) - embedding) ** 2, axis=1))

    nearest = {name: distances(stored).min() for name, stored in database.items()}
    if actual is not None and not isinstance(actual, str):
        return "Return the name (a key of database) as a string, or None."
    if actual is not None and actual not in database:
        return "Return one of database's keys."
    closest = min(nearest, key=nearest.get)
    if actual is not None and nearest[closest] >= threshold:
        if nearest[closest] ** 2 < threshold:
            return ("You compared the squared distance with the threshold: it is a Euclidean distance, "
                    "so take the square root first.")
        return ("Apply the threshold: return None when even the nearest stored embedding is not closer "
                "than threshold (an unknown face).")
    if actual == max(nearest, key=nearest.get):
        return "You picked the farthest person: the best match has the smallest distance."
    means = {name: float(np.linalg.norm(np.asarray(stored, np.float64).reshape(-1, len(embedding)).mean(0)
                                        - embedding)) for name, stored in database.items()}
    if actual == min(means, key=means.get):
        return ("Compare with each stored embedding of a person and keep the nearest: the mean of several "
                "photos can lie far from every one of them.")
    if actual is None and nearest[closest] ** 2 >= threshold:
        return ("You compared the squared distance with the threshold: it is a Euclidean distance, "
                "so take the square root first.")
    return ("The answer is the name whose nearest stored embedding is closest, if that Euclidean distance "
            "is below threshold, else None.")


@exercise(NOTEBOOK)
def check_identify(identify):
    # Grace has two photos far apart, and their mean lies farther from her first photo than Ada does.
    database = {
        "ada": np.array([[0.0, 0.0, 0.0]]),
        "grace": np.array([[1.0, 1.0, 0.0], [3.0, 3.0, 0.0]]),
        "alan": np.array([[4.0, 0.0, 0.0], [4.0, 1.0, 0.0]]),
    }
    near_grace = np.array([0.9, 0.9, 0.1])
    cases = [
        ("a face next to grace's first photo, threshold 10: everybody is close enough", near_grace, 10.0),
        ("the same face with threshold 1.5", near_grace, 1.5),
        ("a face next to alan's second photo", np.array([4.1, 1.2, 0.0]), 0.6),
        ("a face far from everybody", np.array([10.0, 10.0, 10.0]), 0.6),
        ("a face at distance 0.7 from ada, threshold 0.6", np.array([0.0, 0.0, 0.7]), 0.6),
        ("a face at distance 1.2 from ada, threshold 1.3", np.array([0.0, 0.0, -1.2]), 1.3),
    ]
    for what, embedding, threshold in cases:
        text = f"identify({what}: {describe(embedding)}, database of ada, grace and alan, threshold={threshold})"
        copy = {name: stored.copy() for name, stored in database.items()}
        actual = call(identify, embedding.copy(), copy, threshold)
        expected = _nearest_name(embedding, database, threshold)
        if isinstance(actual, np.str_):
            actual = str(actual)
        if actual != expected or type(actual) is not type(expected):
            fail(text, f"returned {describe(actual)}, expected {expected!r}.",
                 _identify_hint(actual, embedding, database, threshold))
