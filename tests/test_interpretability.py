"""cnnkit.topics.interpretability on models whose answer is known: a model that only sees one region of the image,
Functional and Sequential twins with the same weights, and occlusion against a hand-made model."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from cnnkit.topics.interpretability import (
    feature_maps_model,
    grad_cam,
    maximize_activation,
    occlusion_sensitivity,
    randomize_layers,
    saliency_map,
)

HEIGHT, WIDTH = 40, 56   # not square, so that a swapped height and width shows


def region_layers(region):
    """Layers of a CNN that sees only ``region`` = (top, bottom, left, right) of the image: everything
    else is cropped away and replaced by zeros before the first convolution."""
    top, bottom, left, right = region
    return [
        keras.layers.Cropping2D(((top, HEIGHT - bottom), (left, WIDTH - right)), name="crop"),
        keras.layers.ZeroPadding2D(((top, HEIGHT - bottom), (left, WIDTH - right)), name="pad"),
        keras.layers.Conv2D(6, 3, padding="same", activation="relu", name="conv1"),
        keras.layers.Conv2D(8, 3, padding="same", activation="relu", name="conv2"),
        keras.layers.MaxPooling2D(2, name="pool"),
        keras.layers.Conv2D(8, 3, padding="same", activation="relu", name="conv3"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(3, name="predictions"),
    ]


def functional(layers, input_shape):
    inputs = keras.Input(input_shape, name="image")
    x = inputs
    for layer in layers:
        x = layer(x)
    return keras.Model(inputs, x)


def twins(layers, input_shape, seed=0):
    """The same network three ways, with identical weights: Functional, Sequential with an Input,
    and Sequential built by calling it on data (no Input layer, the Keras 3 pitfall)."""
    keras.utils.set_random_seed(seed)
    first = functional(layers(), input_shape)
    with_input = keras.Sequential([keras.Input(input_shape)] + layers())
    called = keras.Sequential(layers())
    called(np.zeros((1,) + input_shape, np.float32))
    for model in (with_input, called):
        model.set_weights(first.get_weights())
    return {"functional": first, "sequential with Input": with_input, "sequential, called": called}


QUADRANTS = {"top-left": (0, HEIGHT // 2, 0, WIDTH // 2), "bottom-right": (HEIGHT // 2, HEIGHT, WIDTH // 2, WIDTH)}
WHOLE_IMAGE = (0, HEIGHT, 0, WIDTH)


def region_mask(region):
    top, bottom, left, right = region
    mask = np.zeros((HEIGHT, WIDTH), bool)
    mask[top:bottom, left:right] = True
    return mask


def four_blobs(count, seed=1):
    """Black images with one bright 5x5 square of random brightness near the centre of each quadrant,
    7 pixels or more from its edges: further than the convolutions of the model below can reach."""
    rng = np.random.default_rng(seed)
    images = np.zeros((count, HEIGHT, WIDTH, 1), np.float32)
    for image in images:
        for row in (HEIGHT // 4, 3 * HEIGHT // 4):
            for col in (WIDTH // 4, 3 * WIDTH // 4):
                r, c = row + rng.integers(-1, 2), col + rng.integers(-1, 2)
                image[r - 2:r + 3, c - 2:c + 3] = rng.uniform(0.3, 1.0)
    return images


def mass_in(maps, mask):
    """For each non-zero map, the fraction of its total that lies inside ``mask``."""
    return [float(m[mask].sum() / m.sum()) for m in maps if m.max() > 0]


def explanations(model, images):
    """Saliency maps and Grad-CAM maps (of a full- and a half-resolution layer) for every class."""
    saliency, cams = [], []
    for image in images:
        for class_index in range(3):
            saliency.append(saliency_map(model, image, class_index))
            cams += [grad_cam(model, image, class_index, layer) for layer in ("conv2", "conv3")]
    for m in saliency + cams:
        assert m.shape == (HEIGHT, WIDTH) and m.min() >= 0
    assert all(cam.max() <= 1 for cam in cams)
    return saliency, cams


@pytest.mark.parametrize("where", sorted(QUADRANTS))
def test_saliency_and_grad_cam_put_their_mass_where_the_model_looks(where):
    mask = region_mask(QUADRANTS[where])
    images = four_blobs(3)
    for kind, model in twins(lambda: region_layers(QUADRANTS[where]), (HEIGHT, WIDTH, 1)).items():
        saliency, cams = explanations(model, images)
        assert min(mass_in(saliency, mask)) > 0.99, f"{kind}: saliency outside the {where} quadrant"
        inside = mass_in(cams, mask)
        assert len(inside) >= 6, f"{kind}: too few classes with positive Grad-CAM evidence to judge"
        assert min(inside) > 0.9, f"{kind}: Grad-CAM puts mass outside the {where} quadrant"


def test_a_model_that_sees_everything_spreads_its_mass():
    """The control for the test above: it is the model, not the images, that confines the maps."""
    mask = region_mask(QUADRANTS["top-left"])
    model = twins(lambda: region_layers(WHOLE_IMAGE), (HEIGHT, WIDTH, 1))["functional"]
    saliency, cams = explanations(model, four_blobs(3))
    assert np.mean(mass_in(saliency, mask)) < 0.5 and np.mean(mass_in(cams, mask)) < 0.5


def test_functional_and_sequential_models_give_the_same_maps():
    models = list(twins(lambda: region_layers(WHOLE_IMAGE), (HEIGHT, WIDTH, 1), seed=3).values())
    image = np.random.default_rng(2).random((HEIGHT, WIDTH, 1)).astype(np.float32)
    reference = models[0]
    for model in models[1:]:
        np.testing.assert_allclose(saliency_map(model, image, 1), saliency_map(reference, image, 1), atol=1e-6)
        np.testing.assert_allclose(grad_cam(model, image, 2, "conv3"), grad_cam(reference, image, 2, "conv3"),
                                   atol=1e-6)
        maps, other = feature_maps_model(model, ["conv3", "conv1"]), feature_maps_model(reference, ["conv3", "conv1"])
        for mine, theirs in zip(maps(image[None]), other(image[None])):
            np.testing.assert_allclose(mine, theirs, atol=1e-6)


def test_feature_maps_model_shares_weights_and_keeps_the_order_of_names():
    model = twins(lambda: region_layers(WHOLE_IMAGE), (HEIGHT, WIDTH, 1))["sequential, called"]
    maps = feature_maps_model(model, ["pool", "conv1"])
    batch = np.random.default_rng(0).random((2, HEIGHT, WIDTH, 1)).astype(np.float32)
    pool, conv1 = maps(batch)
    assert pool.shape == (2, HEIGHT // 2, WIDTH // 2, 8) and conv1.shape == (2, HEIGHT, WIDTH, 6)
    x = batch
    for layer in model.layers[:3]:
        x = layer(x)
    np.testing.assert_allclose(conv1, x, atol=1e-6)
    model.get_layer("conv1").kernel.assign(tf.zeros_like(model.get_layer("conv1").kernel))
    assert np.allclose(maps(batch)[1], 0)  # the feature model follows the model's weights


def test_grad_cam_of_a_class_without_positive_evidence_is_all_zeros():
    inputs = keras.Input((8, 8, 1))
    conv = keras.layers.Conv2D(2, 3, padding="same", activation="relu", name="conv",
                               kernel_initializer="ones", bias_initializer="ones")(inputs)
    pooled = keras.layers.GlobalAveragePooling2D()(conv)
    scores = keras.layers.Dense(2, kernel_initializer=keras.initializers.Constant([[1.0, -1.0], [1.0, -1.0]]))(pooled)
    model = keras.Model(inputs, scores)
    image = np.ones((8, 8, 1), np.float32)
    assert grad_cam(model, image, 0, "conv").min() > 0
    np.testing.assert_array_equal(grad_cam(model, image, 1, "conv"), np.zeros((8, 8)))


def test_occlusion_finds_the_only_pixels_that_matter():
    # Score of class 0 = the mean brightness of a 4x4 square at rows 2-5, columns 10-13; class 1 = 0.
    weights = np.zeros((12, 16, 1, 2), np.float32)
    weights[2:6, 10:14, 0, 0] = 1 / 16
    inputs = keras.Input((12, 16, 1))
    scores = keras.layers.Conv2D(2, (12, 16), use_bias=False, name="score")(inputs)
    model = keras.Model(inputs, keras.layers.Flatten()(scores))
    model.get_layer("score").set_weights([weights])
    image = np.ones((12, 16, 1), np.float32)
    drop = occlusion_sensitivity(model, image, 0, patch_size=2, stride=2)
    assert drop.shape == (12, 16)
    assert np.all(drop[2:6, 10:14] > 0.05)
    outside = np.ones((12, 16), bool)
    outside[2:6, 10:14] = False
    np.testing.assert_allclose(drop[outside], 0, atol=1e-6)


def test_occlusion_covers_every_pixel_and_rejects_bad_arguments():
    model = functional(region_layers(WHOLE_IMAGE), (HEIGHT, WIDTH, 1))
    image = np.random.default_rng(0).random((HEIGHT, WIDTH, 1)).astype(np.float32)
    drop = occlusion_sensitivity(model, image, 0, patch_size=6, stride=4)   # 4 does not divide 40 - 6 or 56 - 6
    assert drop.shape == (HEIGHT, WIDTH) and np.all(np.isfinite(drop))
    with pytest.raises(ValueError, match="patch_size"):
        occlusion_sensitivity(model, image, 0, patch_size=HEIGHT + 1)
    with pytest.raises(ValueError, match="stride"):
        occlusion_sensitivity(model, image, 0, stride=0)
    with pytest.raises(ValueError, match="image"):
        occlusion_sensitivity(model, image[..., 0], 0)


def test_randomize_layers_redraws_only_the_named_layers():
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(4, 3, use_bias=False, name="conv_conv")(inputs)
    x = keras.layers.BatchNormalization(name="conv_bn")(x)
    x = keras.layers.Conv2D(4, 3, name="top")(keras.layers.Activation("relu", name="conv")(x))
    model = keras.Model(inputs, keras.layers.Dense(2, name="predictions")(keras.layers.Flatten()(x)))
    for weight in model.get_layer("conv_bn").weights:                  # as if trained: not the initial values
        weight.assign(weight + 0.5)
    trained = [w.copy() for w in model.get_weights()]
    copy = randomize_layers(model, ["conv_bn", "predictions"], seed=1)
    for mine, theirs in zip(model.get_weights(), trained):            # the original is untouched
        np.testing.assert_array_equal(mine, theirs)
    for name in ("conv_conv", "top"):
        for mine, theirs in zip(copy.get_layer(name).get_weights(), model.get_layer(name).get_weights()):
            np.testing.assert_array_equal(mine, theirs)
    assert not np.allclose(copy.get_layer("predictions").kernel, model.get_layer("predictions").kernel)
    gamma, beta, mean, variance = copy.get_layer("conv_bn").get_weights()   # back to the initialisers
    np.testing.assert_array_equal(gamma, 1) and np.testing.assert_array_equal(variance, 1)
    np.testing.assert_array_equal(beta, 0) and np.testing.assert_array_equal(mean, 0)
    again = randomize_layers(model, ["conv_bn", "predictions"], seed=1)
    np.testing.assert_array_equal(again.get_layer("predictions").kernel, copy.get_layer("predictions").kernel)
    with pytest.raises(ValueError, match="no layer named"):
        randomize_layers(model, ["conv9"])


def test_maximize_activation_finds_the_input_a_channel_wants():
    # Channel 0 of "mix" is (red - green), channel 1 is (green - red): each wants one colour at 1, the other at 0.
    inputs = keras.Input((10, 10, 2))
    mixed = keras.layers.Conv2D(2, 1, use_bias=False, name="mix")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(3)(keras.layers.GlobalAveragePooling2D()(mixed)))
    model.get_layer("mix").set_weights([np.array([[[[1.0, -1.0], [-1.0, 1.0]]]], np.float32)])
    images = maximize_activation(model, "mix", [0, 1], steps=20)
    assert images.shape == (2, 10, 10, 2) and images.min() >= 0 and images.max() <= 1
    np.testing.assert_allclose(images[0, ..., 0], 1, atol=0.02)
    np.testing.assert_allclose(images[0, ..., 1], 0, atol=0.02)
    np.testing.assert_allclose(images[1, ..., 0], 0, atol=0.02)
    np.testing.assert_allclose(images[1, ..., 1], 1, atol=0.02)


def test_gradient_ascent_nearly_reaches_the_best_image_of_a_linear_channel():
    # Without activations a channel's mean is linear in the pixels, so the best image in [0, 1] is known:
    # 1 where the channel's weight on the pixel (its gradient) is positive, 0 where it is negative.
    keras.utils.set_random_seed(0)
    inputs = keras.Input((16, 16, 1))
    x = keras.layers.Conv2D(4, 3, name="conv1")(inputs)
    x = keras.layers.Conv2D(6, 3, name="conv2")(x)
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.GlobalAveragePooling2D()(x)))
    weights = [w.copy() for w in model.get_weights()]
    channels = [0, 2, 5]
    images = maximize_activation(model, "conv2", channels, steps=30)
    for mine, theirs in zip(model.get_weights(), weights):            # the model is not trained
        np.testing.assert_array_equal(mine, theirs)
    conv2 = feature_maps_model(model, ["conv2", "conv1"])

    def channel_means(batch):
        return conv2(tf.constant(batch, tf.float32))[0].numpy().mean(axis=(1, 2))   # (image, channel)

    grey = np.full((1, 16, 16, 1), 0.5, np.float32)
    reached = channel_means(images)
    for row, channel in enumerate(channels):
        x = tf.constant(grey)
        with tf.GradientTape() as tape:
            tape.watch(x)
            mean = tf.reduce_mean(conv2(x)[0][..., channel])
        best = (tape.gradient(mean, x).numpy() > 0).astype(np.float32)
        start, optimum = channel_means(grey)[0, channel], channel_means(best)[0, channel]
        # blur and jitter trade a little of the optimum for smoothness
        assert reached[row, channel] > start + 0.75 * (optimum - start), f"channel {channel} stopped short"
        assert np.argmax(reached[:, channel]) == row, f"channel {channel} fires more on another channel's image"
    with pytest.raises(ValueError, match="channels"):
        maximize_activation(model, "conv2", [6])


# ------------------------------------------------------------------ the plots of notebook 09


