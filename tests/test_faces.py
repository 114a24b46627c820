"""cnnkit.topics.faces: distances, triplet losses and their mining, verification scores; and face crops."""

import itertools

import keras
import numpy as np
import pytest
import tensorflow as tf

from cnnkit.data import sample_image
from cnnkit.data.face_crops import crop_face, detect_faces
from cnnkit.topics.faces import (
    batch_hard_triplet_loss,
    identify,
    mined_triplet_loss,
    pair_distances,
    pairwise_distances,
    semi_hard_triplet_loss,
    tar_at_far,
    triplet_loss,
    verification_auc,
    verification_roc,
    verify,
)

LABELS = np.array([0, 0, 1, 1, 1, 2, 3])  # class 3 has no positive in the batch


def _embeddings(seed=0, n=7, d=4):
    return np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)


def _squared(x):
    x = np.asarray(x, np.float64)
    return np.array([[np.sum((a - b) ** 2) for b in x] for a in x])


def test_pairwise_distances_match_a_loop_on_arrays_and_tensors():
    x = _embeddings()
    np.testing.assert_allclose(pairwise_distances(x), _squared(x), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(pairwise_distances(tf.constant(x)), _squared(x), rtol=1e-5, atol=1e-6)
    assert np.all(np.diag(np.asarray(pairwise_distances(x))) == 0)


def test_triplet_loss_by_hand():
    a = np.zeros((2, 2), np.float32)
    p = np.array([[1, 0], [2, 0]], np.float32)
    n = np.array([[3, 0], [1, 0]], np.float32)
    # squared distances: (1, 9) -> max(1 - 9 + 0.5, 0) = 0 and (4, 1) -> 3.5; mean 1.75
    assert float(triplet_loss(a, p, n, 0.5)) == pytest.approx(1.75)


def _reference_batch_hard(labels, x, margin):
    d = _squared(x)
    losses = []
    for i in range(len(labels)):
        positives = [d[i, j] for j in range(len(labels)) if j != i and labels[j] == labels[i]]
        negatives = [d[i, j] for j in range(len(labels)) if labels[j] != labels[i]]
        if positives and negatives:
            losses.append(max(max(positives) - min(negatives) + margin, 0))
    return np.mean(losses)


def _reference_semi_hard(labels, x, margin):
    d = _squared(x)
    losses = []
    for i, j in itertools.permutations(range(len(labels)), 2):
        if labels[i] != labels[j]:
            continue
        negatives = [d[i, k] for k in range(len(labels)) if labels[k] != labels[i]]
        farther = [value for value in negatives if value > d[i, j]]
        negative = min(farther) if farther else max(negatives)
        losses.append(max(d[i, j] - negative + margin, 0))
    return np.mean(losses)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("margin", [0.2, 1.0])
def test_mined_losses_match_brute_force_references(seed, margin):
    x = _embeddings(seed)
    assert float(batch_hard_triplet_loss(LABELS, x, margin)) == pytest.approx(_reference_batch_hard(LABELS, x, margin), rel=1e-5)
    assert float(semi_hard_triplet_loss(LABELS, x, margin)) == pytest.approx(_reference_semi_hard(LABELS, x, margin), rel=1e-5)


def test_a_batch_of_one_label_has_no_triplet_and_zero_loss():
    x = _embeddings(5, n=4)
    for loss in (batch_hard_triplet_loss, semi_hard_triplet_loss):
        assert float(loss(np.zeros(4, int), x, 0.2)) == 0.0


def test_mined_loss_has_finite_gradients_even_for_identical_embeddings():
    x = tf.Variable(np.repeat(_embeddings(3, n=2), [4, 3], axis=0))  # every embedding duplicated
    loss = mined_triplet_loss("semi_hard", margin=0.2)
    with tf.GradientTape() as tape:
        value = loss(tf.constant(LABELS[:, None]), tf.math.l2_normalize(x, axis=1))  # labels as Keras passes them
    gradient = tape.gradient(value, x)
    assert np.isfinite(float(value)) and np.all(np.isfinite(gradient.numpy()))


def test_mined_loss_trains_a_model_in_keras():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.UnitNormalization()])
    model.compile(optimizer="adam", loss=mined_triplet_loss("batch_hard"))
    x, y = _embeddings(4, n=32), np.arange(32) % 4
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))


def test_unknown_mining_is_refused():
    with pytest.raises(ValueError, match="batch_hard"):
        mined_triplet_loss("hardest")


def test_verify_and_identify_use_euclidean_distances():
    a = np.zeros((2, 3))
    b = np.array([[0.7, 0, 0], [0.5, 0, 0]])
    assert verify(a, b, 0.6).tolist() == [False, True]  # 0.7**2 = 0.49 would pass a squared comparison
    database = {"ada": np.zeros((1, 3)), "alan": np.array([[5.0, 0, 0], [0, 5.0, 0]])}
    assert identify(np.array([0, 4.8, 0]), database, 0.6) == "alan"
    assert identify(np.array([0, 0, 0.7]), database, 0.6) is None


def test_pair_distances_cover_every_unordered_pair_once():
    x = _embeddings(n=5)
    distances, same = pair_distances(x, [0, 0, 1, 1, 1])
    assert distances.shape == same.shape == (10,)
    assert same.sum() == 1 + 3
    np.testing.assert_allclose(np.sort(distances), np.sort(np.sqrt(_squared(x)[np.triu_indices(5, 1)])), rtol=1e-6)
    with pytest.raises(ValueError, match="labels"):
        pair_distances(x, [0, 1])


def test_roc_auc_and_tar_at_far_on_a_hand_case():
    distances = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    same = np.array([True, True, False, True, False, False])
    # same pairs at 0.1, 0.2, 0.4; different at 0.3, 0.5, 0.6: 8 of 9 (same, different) orders right
    assert verification_auc(distances, same) == pytest.approx(8 / 9)
    far, tar, thresholds = verification_roc(distances, same)
    assert np.all(np.diff(far) >= 0) and np.all(np.diff(tar) >= 0)
    assert tar_at_far(distances, same, far=0.0) == (pytest.approx(2 / 3), pytest.approx(0.2))
    assert tar_at_far(distances, same, far=1 / 3)[0] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="both"):
        verification_auc(distances, np.ones(6, bool))
    with pytest.raises(ValueError, match="rate"):
        tar_at_far(distances, same, far=5)


@pytest.mark.parametrize("name", ["astronaut", "grace_hopper"])
def test_one_face_found_in_each_portrait_and_none_in_coffee(name):
    boxes = detect_faces(sample_image(name))
    assert boxes.shape == (1, 4)
    x_min, y_min, x_max, y_max = boxes[0]
    assert 80 < x_max - x_min < 300 and x_max - x_min == y_max - y_min
    assert detect_faces(sample_image("coffee")).shape == (0, 4)


def test_crop_face_size_range_turn_and_errors():
    photo = np.zeros((100, 100, 3))
    photo[40:60, 20:80] = 1.0  # a bright horizontal bar
    box = (20, 20, 80, 80)
    crop = crop_face(photo, box, size=30)
    assert crop.shape == (30, 30, 3) and crop.dtype == np.float32 and crop.max() == pytest.approx(255)
    assert crop[15, 2:28, 0].min() > 200 and crop[2, 15, 0] < 1  # the bar is horizontal
    turned = crop_face(photo, box, size=30, angle=90)
    assert turned[2:28, 15, 0].min() > 200 and turned[15, 2, 0] < 1  # a quarter turn makes it vertical
    with pytest.raises(ValueError, match="box"):
        crop_face(photo, (50, 50, 40, 60))
    with pytest.raises(ValueError, match="image"):
        crop_face(np.zeros((10, 10)), box)
