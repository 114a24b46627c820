"""Face recognition with embeddings: distances, triplet losses with mining, verification,
identification and the scores that measure them (notebook 14).

An *embedding* network maps an image to a vector of ``d`` numbers such that images of the same
identity land close together and images of different identities far apart. Everything here
works on those vectors; shapes are ``(n, d)`` for a batch of ``n`` embeddings.

``pairwise_distances``, ``triplet_loss``, ``verify`` and ``identify`` are the notebook's exercise
solutions, kept verbatim (a test holds them in step). The distance and loss functions use
``keras.ops``, so they accept NumPy arrays and tensors alike and can train a network.
"""

from __future__ import annotations

import numpy as np
from keras import ops
from sklearn.metrics import roc_auc_score, roc_curve


# --------------------------------------------------------------------------- exercises
def pairwise_distances(embeddings):
    """Squared Euclidean distance between every pair of rows.

    Args:
        embeddings: array or tensor of shape (n, d).

    Returns:
        Tensor of shape (n, n) whose entry (i, j) is ||e_i - e_j||^2: zero on the diagonal,
        symmetric, never negative.
    """
    embeddings = ops.cast(embeddings, "float32")
    differences = embeddings[:, None, :] - embeddings[None, :, :]  # (n, n, d) by broadcasting
    return ops.sum(ops.square(differences), axis=-1)


def triplet_loss(anchor, positive, negative, margin=0.2):
    """The triplet loss, averaged over the batch.

    For each triplet: max(||a - p||^2 - ||a - n||^2 + margin, 0), with squared Euclidean
    distances. The loss is zero once the negative is farther from the anchor than the positive
    by at least ``margin``.

    Args:
        anchor, positive, negative: arrays or tensors of shape (batch, d); the positive has the
            anchor's identity, the negative another one.
        margin: the gap wanted between the two squared distances, a number >= 0.

    Returns:
        A scalar tensor: the mean over all ``batch`` triplets, easy ones (loss 0) included.
    """
    anchor, positive, negative = (ops.cast(x, "float32") for x in (anchor, positive, negative))
    positive_distance = ops.sum(ops.square(anchor - positive), axis=-1)
    negative_distance = ops.sum(ops.square(anchor - negative), axis=-1)
    return ops.mean(ops.maximum(positive_distance - negative_distance + margin, 0.0))


def verify(embedding_a, embedding_b, threshold):
    """Decide, pair by pair, whether two embeddings show the same identity.

    Args:
        embedding_a, embedding_b: arrays of shape (n, d) (or (d,) for a single pair).
        threshold: a Euclidean (not squared) distance; closer than this means "same".

    Returns:
        NumPy bool array of shape (n,) (shape () for a single pair): True where
        ||a - b|| < threshold.
    """
    embedding_a = np.asarray(embedding_a, dtype=np.float64)
    embedding_b = np.asarray(embedding_b, dtype=np.float64)
    distance = np.sqrt(np.sum((embedding_a - embedding_b) ** 2, axis=-1))
    return distance < threshold


def identify(embedding, database, threshold):
    """Name the identity of ``embedding``, or say that it is nobody we know.

    Args:
        embedding: array of shape (d,), the face to identify.
        database: dict mapping each known name to an array of shape (k, d): k >= 1
            embeddings of that person (several photos).
        threshold: a Euclidean (not squared) distance.

    Returns:
        The name whose nearest stored embedding is closest to ``embedding``, if that
        Euclidean distance is below ``threshold``; otherwise None.
    """
    embedding = np.asarray(embedding, dtype=np.float64)
    best_name, best_distance = None, np.inf
    for name, stored in database.items():
        stored = np.asarray(stored, dtype=np.float64).reshape(-1, embedding.shape[-1])
        distance = np.sqrt(np.sum((stored - embedding) ** 2, axis=-1)).min()  # nearest photo of this person
        if distance < best_distance:
            best_name, best_distance = name, distance
    return best_name if best_distance < threshold else None


# --------------------------------------------------------------------------- mining inside a batch
def _label_masks(labels):
    """(same, different): bool tensors of shape (n, n). ``same`` leaves out the diagonal (an
    image is not its own positive)."""
    labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
    equal = ops.equal(labels[:, None], labels[None, :])
    not_self = ops.logical_not(ops.cast(ops.eye(ops.shape(labels)[0]), "bool"))
    return ops.logical_and(equal, not_self), ops.logical_not(equal)


def batch_hard_triplet_loss(labels, embeddings, margin=0.2):
    """Triplet loss with batch-hard mining (Hermans, Beyer and Leibe, 2017).

    Each image of the batch is an anchor once; its triplet takes the *farthest* image of the
    same label and the *closest* image of another label. Anchors without a positive or
    without a negative in the batch are left out.

    Args:
        labels: integer identities, shape (n,) (or (n, 1), as Keras passes ``y_true``).
        embeddings: shape (n, d).
        margin: as in :func:`triplet_loss`, on squared distances.

    Returns:
        A scalar tensor, the mean over the anchors that have both.
    """
    distances = pairwise_distances(embeddings)
    same, different = _label_masks(labels)
    hardest_positive = ops.max(ops.where(same, distances, 0.0), axis=1)
    # Push same-label entries above every real distance, so that the minimum is a negative.
    hardest_negative = ops.min(ops.where(different, distances, ops.max(distances) + 1.0), axis=1)
    valid = ops.cast(ops.logical_and(ops.any(same, axis=1), ops.any(different, axis=1)), "float32")
    losses = ops.maximum(hardest_positive - hardest_negative + margin, 0.0) * valid
    return ops.sum(losses) / ops.maximum(ops.sum(valid), 1.0)


def semi_hard_triplet_loss(labels, embeddings, margin=0.2):
    """Triplet loss with semi-hard mining (Schroff, Kalenichenko and Philbin, FaceNet, 2015).

    Every (anchor, positive) pair of the batch forms one triplet. Its negative is the closest
    image of another label that is still *farther* than the positive (d_an > d_ap): hard
    enough to teach something, not so hard that early training collapses. When no negative
    is farther, the farthest negative is used.

    Args and returns as in :func:`batch_hard_triplet_loss`; the mean is over the
    (anchor, positive) pairs whose anchor has a negative in the batch.
    """
    distances = pairwise_distances(embeddings)
    same, different = _label_masks(labels)
    d_ap = distances[:, :, None]  # axis 1: the positive
    d_an = distances[:, None, :]  # axis 2: the negative
    semi_hard = ops.logical_and(different[:, None, :], d_an > d_ap)  # (anchor, positive, negative)
    ceiling = ops.max(distances) + 1.0
    closest_semi_hard = ops.min(ops.where(semi_hard, d_an, ceiling), axis=2)
    farthest_negative = ops.max(ops.where(different, distances, 0.0), axis=1)[:, None]
    has_semi_hard = ops.any(semi_hard, axis=2)
    negative = ops.where(has_semi_hard, closest_semi_hard, farthest_negative)
    pairs = ops.cast(ops.logical_and(same, ops.any(different, axis=1)[:, None]), "float32")
    losses = ops.maximum(distances - negative + margin, 0.0) * pairs
    return ops.sum(losses) / ops.maximum(ops.sum(pairs), 1.0)


MINING = {"batch_hard": batch_hard_triplet_loss, "semi_hard": semi_hard_triplet_loss}


def mined_triplet_loss(mining="semi_hard", margin=0.2):
    """A Keras loss ``loss(y_true, y_pred)`` that mines triplets inside each batch.

    ``y_true`` holds the integer labels of the batch, ``y_pred`` the embeddings, so a model
    that outputs embeddings trains with ``model.compile(loss=mined_triplet_loss())`` and
    ``model.fit(images, labels)``.

    Args:
        mining: ``"semi_hard"`` (trains from random weights) or ``"batch_hard"``.
        margin: on squared distances.
    """
    if mining not in MINING:
        raise ValueError(f"mining must be one of {sorted(MINING)}, got {mining!r}.")
    chosen = MINING[mining]

    def loss(y_true, y_pred):
        return chosen(y_true, y_pred, margin)

    loss.__name__ = f"{mining}_triplet_loss"
    return loss


# --------------------------------------------------------------------------- scoring verification
def pair_distances(embeddings, labels):
    """Euclidean distance and same-identity flag of every unordered pair (i < j).

    Args:
        embeddings: shape (n, d); labels: shape (n,).

    Returns:
        (distances, same): float array and bool array, each of shape (n * (n - 1) / 2,).
    """
    embeddings = np.asarray(embeddings, dtype=np.float64)
    labels = np.asarray(labels).reshape(-1)
    if len(embeddings) != len(labels):
        raise ValueError(f"embeddings has {len(embeddings)} rows but labels has {len(labels)}.")
    rows, cols = np.triu_indices(len(labels), k=1)
    distances = np.sqrt(np.sum((embeddings[rows] - embeddings[cols]) ** 2, axis=-1))
    return distances, labels[rows] == labels[cols]


def _check_pairs(distances, same):
    distances, same = np.asarray(distances, dtype=np.float64), np.asarray(same, dtype=bool)
    if distances.shape != same.shape:
        raise ValueError(f"distances {distances.shape} and same {same.shape} must have one shape.")
    if same.all() or not same.any():
        raise ValueError("ROC needs both same-identity and different-identity pairs.")
    return distances, same


def verification_roc(distances, same):
    """The ROC curve of "same identity when distance <= threshold", over every threshold.

    Args:
        distances: shape (pairs,), the distance of each pair.
        same: bool, shape (pairs,), True where the pair shows one identity.

    Returns:
        (far, tar, thresholds): false-accept rate (different-identity pairs accepted) and
        true-accept rate (same-identity pairs accepted), both rising, and the distance
        threshold of each point.
    """
    distances, same = _check_pairs(distances, same)
    far, tar, thresholds = roc_curve(same, -distances)  # a smaller distance is a stronger "same"
    return far, tar, -thresholds


def verification_auc(distances, same):
    """Area under the ROC curve: the chance that a random same-identity pair is closer than a
    random different-identity pair (1 perfect, 0.5 chance)."""
    distances, same = _check_pairs(distances, same)
    return float(roc_auc_score(same, -distances))


def tar_at_far(distances, same, far=1e-2):
    """The true-accept rate at the threshold whose false-accept rate is at most ``far``.

    Returns:
        (tar, threshold): the share of same-identity pairs accepted, and the distance
        threshold that achieves it.
    """
    if not 0 <= far <= 1:
        raise ValueError(f"far must be a rate in [0, 1], got {far!r}.")
    rates, accepts, thresholds = verification_roc(distances, same)
    best = np.flatnonzero(rates <= far)[-1]  # rates rise, and the first point has rate 0
    return float(accepts[best]), float(thresholds[best])
