"""cnnkit.models.unet and cnnkit.topics.segmentation: the U-Net builder, Dice, mean IoU, the combined loss,
and the overlay figures of notebook 10."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from sklearn.metrics import jaccard_score

from cnnkit.models.unet import build_unet
from cnnkit.topics.segmentation import combined_loss, dice_coefficient, mean_iou


@pytest.mark.parametrize("upsampling", ["transpose", "bilinear"])
def test_unet_maps_images_to_per_pixel_logits_or_probabilities(upsampling):
    images = np.random.default_rng(0).random((2, 32, 48, 3), dtype=np.float32)
    model = build_unet((32, 48, 3), 5, depth=3, base_filters=4, upsampling=upsampling)
    logits = np.asarray(model(images))
    assert logits.shape == (2, 32, 48, 5)
    assert logits.min() < 0  # logits by default, no softmax
    keras.utils.set_random_seed(0)
    softmax = build_unet((32, 48, 3), 5, depth=3, base_filters=4, upsampling=upsampling,
                         classifier_activation="softmax")
    np.testing.assert_allclose(np.asarray(softmax(images)).sum(-1), 1.0, atol=1e-5)
    names = [layer.name for layer in model.layers]
    assert len(names) == len(set(names)) and "predictions" in names and "bottleneck_conv1" in names
    kinds = {type(layer).__name__ for layer in model.layers}
    assert ("Conv2DTranspose" in kinds) == (upsampling == "transpose")


def test_skip_connections_concatenate_one_encoder_level_each():
    with_skips = build_unet((32, 32, 1), 2, depth=2, base_filters=4)
    without = build_unet((32, 32, 1), 2, depth=2, base_filters=4, skip_connections=False)
    concat = [layer for layer in with_skips.layers if isinstance(layer, keras.layers.Concatenate)]
    assert [layer.name for layer in concat] == ["decoder1_concat", "decoder0_concat"]
    assert not any(isinstance(layer, keras.layers.Concatenate) for layer in without.layers)
    assert without.count_params() < with_skips.count_params()


def test_unet_rejects_sizes_that_do_not_halve_evenly_and_unknown_upsampling():
    with pytest.raises(ValueError, match="divisible by 2\\*\\*depth = 8"):
        build_unet((36, 32, 3), 3, depth=3)
    with pytest.raises(ValueError, match="upsampling"):
        build_unet((32, 32, 3), 3, depth=2, upsampling="nearest")


def test_mean_iou_agrees_with_scikit_learn_over_the_classes_that_occur():
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 3, size=(3, 10, 10))
    pred = np.where(rng.random((3, 10, 10)) < 0.4, rng.integers(0, 3, size=(3, 10, 10)), truth)
    expected = jaccard_score(truth.ravel(), pred.ravel(), average="macro")
    # Classes 3 and 4 occur nowhere: they must not pull the mean down.
    assert float(mean_iou(truth, pred, 5)) == pytest.approx(expected, abs=1e-6)


def test_dice_is_one_for_perfect_and_empty_masks_and_smooth_for_disjoint_ones():
    one_hot = np.eye(3, dtype=np.float32)[np.array([[0, 1], [1, 0]])]
    assert float(dice_coefficient(one_hot, one_hot)) == pytest.approx(1.0)
    empty = np.zeros((2, 2, 3), np.float32)
    assert float(dice_coefficient(empty, empty)) == pytest.approx(1.0)
    swapped = one_hot[..., [1, 0, 2]]
    # Classes 0 and 1: (0 + 1) / (2 + 2 + 1) each; class 2 is absent from both: 1.
    assert float(dice_coefficient(one_hot, swapped)) == pytest.approx((0.2 + 0.2 + 1.0) / 3)


def test_combined_loss_is_cross_entropy_plus_one_minus_dice_and_trains():
    labels = np.array([[[0, 1], [2, 1]]])
    probabilities = np.full((1, 2, 2, 3), 0.1, np.float32)
    probabilities[0, 0, 0, 0] = probabilities[0, 0, 1, 1] = probabilities[0, 1, 0, 2] = probabilities[0, 1, 1, 1] = 0.8
    cross_entropy = -np.log(0.8)
    dice = float(dice_coefficient(np.eye(3, dtype=np.float32)[labels], probabilities))
    expected = cross_entropy + 1 - dice
    assert float(combined_loss(labels, probabilities, from_logits=False)) == pytest.approx(expected, rel=1e-5)
    with_channel_axis = combined_loss(labels[..., None], probabilities, from_logits=False)
    assert float(with_channel_axis) == pytest.approx(expected, rel=1e-5)
    # By default y_pred holds logits: any logits whose softmax is `probabilities` give the same loss.
    logits = np.log(probabilities) + 3.0
    assert float(combined_loss(labels, logits)) == pytest.approx(expected, rel=1e-5)

    model = build_unet((16, 16, 3), 3, depth=1, base_filters=4)
    model.compile(keras.optimizers.Adam(1e-2), loss=combined_loss)
    x = np.random.default_rng(2).random((8, 16, 16, 3), dtype=np.float32)
    y = (x[..., 0] > 0.5).astype(np.uint8) + (x[..., 1] > 0.8)
    history = model.fit(x, y, epochs=5, batch_size=8, verbose=0).history["loss"]
    assert np.isfinite(history).all() and history[-1] < history[0]


