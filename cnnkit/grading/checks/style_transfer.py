"""Checks for notebook 11, neural style transfer.

Oracles are independent of the learner's code: Gram matrices with ``np.einsum`` in float64,
losses written out in NumPy, closed-form cases (constant features, ramps), and for the
optimisation step a ``tf.GradientTape`` over those oracle losses on a tiny fixed extractor.
Wrong answers are compared with what common mistakes give (no normalisation, the
positions-by-positions product, one axis only, no clipping...) to name the cause.
"""

from __future__ import annotations

import functools

import numpy as np

from cnnkit.grading.assertions import as_array, as_number, call_with, describe, difference, fail, same_values, signature
from cnnkit.grading.core import exercise
from cnnkit.grading.harnesses import with_tensors

NOTEBOOK = "11_style_transfer"


def _tensor(array):
    import tensorflow as tf

    return tf.constant(np.asarray(array, np.float32))


def _gram(features):
    """Oracle: (b, h, w, c) -> (b, c, c), summed over positions and divided by their number."""
    features = np.asarray(features, np.float64)
    return np.einsum("bijc,bijd->bcd", features, features) / (features.shape[1] * features.shape[2])


def _scalar(value, text):
    return as_number(value, text, "Reduce over every axis, e.g. with keras.ops.mean, so that the loss is one number.")


def _close(value, expected):
    return np.isclose(value, expected, rtol=1e-4, atol=1e-6)


@exercise(NOTEBOOK)
def check_gram_matrix(gram_matrix):
    rng = np.random.default_rng(11)
    ones = np.ones((1, 2, 3, 2))
    cases = [ones, rng.normal(size=(2, 5, 4, 3)), rng.normal(size=(1, 3, 7, 6)), rng.uniform(size=(1, 6, 6, 2))]
    for features in cases:
        text = signature("gram_matrix", (np.float32(features),), {})
        result = as_array(call_with(with_tensors, gram_matrix, np.float32(features)), text)
        expected = _gram(features)
        batch, height, width, channels = features.shape
        positions = height * width
        if result.shape != expected.shape:
            if result.shape in ((batch, positions, positions), (positions, positions)):
                hint = ("You multiplied in the wrong order and got positions by positions. Reshape to "
                        "(batch, positions, channels) F and compute F^T F: channels by channels.")
            elif result.shape == (channels, channels):
                hint = "Keep the batch axis: return one Gram matrix per image, shape (batch, channels, channels)."
            else:
                hint = "The Gram matrix compares every pair of channels: shape (batch, channels, channels)."
            fail(text, f"output has shape {result.shape}, expected {expected.shape}.", hint)
        if same_values(result, expected, atol=1e-4):
            continue
        if same_values(result, expected * positions, atol=1e-3):
            hint = (f"Not normalised by the number of positions: divide the sum by height * width "
                    f"({height} * {width} = {positions}) so the value does not depend on the image size.")
        elif same_values(result, expected / channels, atol=1e-4):
            hint = "Divide by the number of positions, height * width, only (not by the channels too)."
        elif same_values(result, expected * positions / (positions - 1), atol=1e-4):
            hint = "Divide by height * width, not height * width - 1."
        else:
            hint = "G[b, c, d] is the sum over positions of features[b, :, :, c] * features[b, :, :, d], / (h * w)."
        fail(text, difference(result, expected), hint)


@exercise(NOTEBOOK)
def check_content_loss(content_loss):
    rng = np.random.default_rng(12)
    cases = [(np.zeros((1, 2, 2, 1)), np.full((1, 2, 2, 1), 3.0)),
             (rng.normal(size=(1, 4, 5, 3)), rng.normal(size=(1, 4, 5, 3))),
             (rng.normal(size=(2, 3, 3, 8)), rng.normal(size=(2, 3, 3, 8)))]
    for content, generated in cases:
        text = signature("content_loss", (np.float32(content), np.float32(generated)), {})
        value = _scalar(call_with(with_tensors, content_loss, np.float32(content), np.float32(generated)), text)
        difference_ = np.asarray(generated, np.float64) - content
        expected = float(np.mean(difference_ ** 2))
        if _close(value, expected):
            continue
        if _close(value, float(np.sum(difference_ ** 2))):
            hint = "You summed the squared differences: take their mean, so the loss does not grow with the layer size."
        elif _close(value, np.sqrt(expected)):
            hint = "No square root: the loss is the mean squared difference itself."
        elif _close(value, float(np.mean(np.abs(difference_)))):
            hint = "Square the differences instead of taking their absolute values."
        elif _close(value, expected / 2):
            hint = "No factor 1/2 here: the loss is the plain mean of the squared differences."
        else:
            hint = "The loss is mean((generated - content) ** 2) over all entries."
        fail(text, f"returned {value:.6g}, expected {expected:.6g}.", hint)


@exercise(NOTEBOOK, uses=("gram_matrix",))
def check_style_loss(style_loss):
    rng = np.random.default_rng(13)
    shapes = [(1, 6, 6, 3), (1, 3, 3, 5)]
    for layer_weights in ([1.0, 1.0], [0.7, 0.2]):
        generated = [rng.normal(size=shape) for shape in shapes]
        style = [rng.normal(size=shape) for shape in shapes]
        grams = [_gram(features) for features in style]
        args = ([np.float32(g) for g in grams], [np.float32(f) for f in generated], layer_weights)
        text = signature("style_loss", (f"{len(grams)} Gram matrices", f"{len(generated)} feature maps"),
                         {"layer_weights": layer_weights})
        value = _scalar(call_with(with_tensors, style_loss, *args, _shown=text,
                                  _hint="style_grams are already Gram matrices: compute gram_matrix of the generated "
                                        "features only."), text)
        per_layer = [float(np.mean((_gram(f) - g) ** 2)) for f, g in zip(generated, grams)]
        expected = float(np.dot(layer_weights, per_layer))
        if _close(value, expected):
            continue
        if _close(value, sum(per_layer)) or _close(value, np.mean(per_layer)):
            hint = "The layer weights are missing: multiply each layer's loss by layer_weights[l]."
        elif _close(value, float(np.dot(layer_weights, [np.sum((_gram(f) - g) ** 2) for f, g in zip(generated, grams)]))):
            hint = "You summed the squared differences of each Gram matrix: take their mean."
        elif _close(value, expected / len(shapes)):
            hint = "Add the weighted layer losses up; do not divide by the number of layers."
        else:
            hint = "Sum over layers of layer_weights[l] * mean((gram_matrix(generated[l]) - style_grams[l]) ** 2)."
        fail(text, f"returned {value:.6g}, expected {expected:.6g}.", hint)


def _tv_parts(image):
    image = np.asarray(image, np.float64)
    return np.diff(image, axis=1), np.diff(image, axis=2)


@exercise(NOTEBOOK)
def check_total_variation_loss(total_variation_loss):
    rng = np.random.default_rng(14)
    ramp = np.broadcast_to(np.arange(5.0)[None, None, :, None] * 0.1, (1, 4, 5, 2))  # changes along the width
    # The random image first: there the known mistakes give values that tell them apart.
    cases = [rng.uniform(size=(2, 6, 5, 3)), np.zeros((1, 3, 3, 3)), ramp, np.swapaxes(ramp, 1, 2)]
    for image in cases:
        text = signature("total_variation_loss", (np.float32(image),), {})
        value = _scalar(call_with(with_tensors, total_variation_loss, np.float32(image)), text)
        vertical, horizontal = _tv_parts(image)
        expected = float(np.mean(vertical ** 2) + np.mean(horizontal ** 2))
        if _close(value, expected):
            continue
        across_channels = float(np.mean(np.diff(image, axis=3) ** 2))
        if _close(value, float(np.mean(vertical ** 2))) or _close(value, float(np.mean(horizontal ** 2))):
            hint = ("Total variation along one axis only: add the differences between vertical neighbours "
                    "(axis 1) and between horizontal neighbours (axis 2).")
        elif _close(value, across_channels + float(np.mean(horizontal ** 2))) or \
                _close(value, float(np.mean(vertical ** 2)) + across_channels):
            hint = "Neighbours are along height (axis 1) and width (axis 2), not along the channels (axis 3)."
        elif _close(value, float(np.sum(vertical ** 2) + np.sum(horizontal ** 2))):
            hint = "You summed the squared differences: take the mean of each, so the loss does not grow with the image."
        elif _close(value, float(np.mean(np.abs(vertical)) + np.mean(np.abs(horizontal)))):
            hint = "Square the differences instead of taking their absolute values."
        else:
            hint = ("mean((image[:, 1:] - image[:, :-1]) ** 2) + mean((image[:, :, 1:] - image[:, :, :-1]) ** 2).")
        fail(text, f"returned {value:.6g}, expected {expected:.6g}.", hint)


@functools.lru_cache(maxsize=1)
def _tiny_extractor():
    """A fixed two-layer extractor with the same outputs as the real one: content and two style maps."""
    import keras

    images = keras.Input((None, None, 3), name="image")
    first = keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv1",
                                kernel_initializer=keras.initializers.RandomNormal(0.0, 0.5, seed=1))(images)
    pooled = keras.layers.AveragePooling2D(2, name="pool")(first)
    second = keras.layers.Conv2D(6, 3, padding="same", activation="relu", name="conv2",
                                 kernel_initializer=keras.initializers.RandomNormal(0.0, 0.5, seed=2))(pooled)
    return keras.Model(images, {"content": second, "style": [first, second]}, name="tiny_extractor")


def _oracle_losses(extractor, image, targets, weights):
    """The four losses written out with tf ops (independent of the learner's functions)."""
    import tensorflow as tf

    features = extractor(image)
    content = tf.reduce_mean((features["content"] - targets["content"]) ** 2)
    style = 0.0
    for target, generated, weight in zip(targets["style_grams"], features["style"], weights["style_layers"]):
        positions = tf.cast(tf.shape(generated)[1] * tf.shape(generated)[2], tf.float32)
        gram = tf.einsum("bijc,bijd->bcd", generated, generated) / positions
        style += weight * tf.reduce_mean((gram - target) ** 2)
    tv = tf.reduce_mean((image[:, 1:] - image[:, :-1]) ** 2) + tf.reduce_mean((image[:, :, 1:] - image[:, :, :-1]) ** 2)
    total = weights["content"] * content + weights["style"] * style + weights["tv"] * tv
    return {"total": total, "content": content, "style": style, "tv": tv}


def _targets(content_image, style_image):
    """The content features and style Gram matrices of the tiny extractor for two images."""
    import tensorflow as tf

    extractor = _tiny_extractor()
    return {"content": extractor(_tensor(content_image))["content"],
            "style_grams": [tf.constant(_gram(f), tf.float32) for f in extractor(_tensor(style_image))["style"]]}


def run_style_transfer_step(style_transfer_step, start, content_image, style_image, learning_rate, weights):
    """Harness: one ``style_transfer_step`` on a variable holding ``start``, with the tiny
    extractor, the targets of ``content_image`` and ``style_image`` and SGD(``learning_rate``).
    Returns the losses it reports and the image after the step."""
    import keras
    import tensorflow as tf

    image = tf.Variable(start)
    losses = style_transfer_step(image, _tiny_extractor(), _targets(content_image, style_image),
                                 keras.optimizers.SGD(learning_rate), weights)
    return {"losses": losses, "image": image.numpy()}


@exercise(NOTEBOOK, uses=("gram_matrix", "content_loss", "style_loss", "total_variation_loss"))
def check_style_transfer_step(style_transfer_step):
    import tensorflow as tf

    rng = np.random.default_rng(15)
    extractor = _tiny_extractor()
    start = rng.uniform(size=(1, 8, 10, 3)).astype(np.float32)
    start[0, :2] = 0.0  # pixels on the edges of the valid range, so that a step can leave it
    start[0, -2:] = 1.0
    content_image, style_image = rng.uniform(size=(1, 8, 10, 3)), rng.uniform(size=(1, 12, 12, 3))
    targets = _targets(content_image, style_image)
    weights = {"content": 0.5, "style": 2.0, "tv": 3.0, "style_layers": [0.6, 0.4]}
    learning_rate = 0.5

    with tf.GradientTape() as tape:
        variable = tf.Variable(start)
        expected = _oracle_losses(extractor, variable, targets, weights)
    gradient = tape.gradient(expected["total"], variable).numpy()
    unclipped = start - learning_rate * gradient
    after = np.clip(unclipped, 0.0, 1.0)

    text = "style_transfer_step(image, extractor, targets, optimizer=SGD(0.5), weights)"
    outcome = call_with(run_style_transfer_step, style_transfer_step, start, content_image, style_image, learning_rate,
                        weights, _shown=text)
    losses = outcome["losses"]
    if not isinstance(losses, dict) or not {"total", "content", "style", "tv"} <= set(losses):
        fail(text, f"returned {describe(losses)}.", 'Return a dict with the keys "total", "content", "style" and "tv".')
    got = {name: _scalar(losses[name], f"{text}[{name!r}]") for name in ("total", "content", "style", "tv")}
    for name in ("content", "style", "tv", "total"):
        if not _close(got[name], float(expected[name])):
            if name == "total":
                hint = 'total = weights["content"] * content + weights["style"] * style + weights["tv"] * tv.'
            else:
                hint = f"Compute the {name} loss from the image as it is before the step."
            fail(text, f'losses["{name}"] is {got[name]:.6g}, expected {float(expected[name]):.6g}.', hint)
    moved = outcome["image"]
    if same_values(moved, after):
        return
    if np.array_equal(moved, start):
        hint = "The image did not change: apply the gradient with optimizer.apply_gradients([(gradient, image)])."
    elif same_values(moved, unclipped):
        hint = ("The step forgets to clip: after the update, clip the image to the valid range [0, 1] "
                "with image.assign(keras.ops.clip(image, 0.0, 1.0)).")
    elif same_values(moved, np.clip(start + learning_rate * gradient, 0, 1)) or \
            same_values(moved, start + learning_rate * gradient):
        hint = "The image moved uphill: the optimizer minimises the loss, pass it the gradient itself, not its negative."
    elif same_values(moved, np.clip(start - gradient, 0, 1)):
        hint = "Let the optimizer apply the gradient (it knows the learning rate) instead of subtracting it yourself."
    else:
        hint = "Take the gradient of the total loss with respect to the image, apply it with the optimizer, then clip."
    fail(text, "the updated image is wrong: " + difference(moved, after), hint)
