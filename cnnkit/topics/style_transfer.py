"""Neural style transfer (Gatys, Ecker and Bethge, 2015): the losses and the optimisation loop.

The exercise functions of notebook 11 live here verbatim: :func:`gram_matrix`,
:func:`content_loss`, :func:`style_loss`, :func:`total_variation_loss` and
:func:`style_transfer_step`. :func:`transfer_style` runs the whole optimisation with a
progress bar, snapshots and the history of every loss. Images are float arrays in [0, 1];
the feature extractor comes from :func:`cnnkit.models.vgg_features.build_style_extractor`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf

#: Default loss weights, tuned for a 256-pixel image: the style term dominates the start,
#: the content term keeps the photo recognisable, total variation removes speckle.
DEFAULT_WEIGHTS = {"content": 1.0, "style": 1e-3, "tv": 30.0, "style_layers": [0.2, 0.2, 0.2, 0.2, 0.2]}


def gram_matrix(features):
    """The Gram matrix of feature maps: how strongly each pair of channels fires together.

    Args:
        features: activations of one layer, shape (batch, height, width, channels).

    Returns:
        (batch, channels, channels): G[b, c, d] = sum over positions (i, j) of
        features[b, i, j, c] * features[b, i, j, d], divided by the number of positions
        height * width, so that the value does not grow with the image size.
    """
    positions = keras.ops.cast(keras.ops.shape(features)[1] * keras.ops.shape(features)[2], features.dtype)
    return keras.ops.einsum("bijc,bijd->bcd", features, features) / positions


def content_loss(content, generated):
    """Mean squared difference between two feature maps of the same shape.

    Args:
        content: features of the content photo, shape (batch, height, width, channels).
        generated: features of the generated image, the same shape.

    Returns:
        a scalar tensor: the mean over all entries of (generated - content) ** 2.
    """
    return keras.ops.mean(keras.ops.square(generated - content))


def style_loss(style_grams, generated_features, layer_weights):
    """Weighted sum over layers of the mean squared difference of Gram matrices.

    Args:
        style_grams: one target Gram matrix per style layer, each (batch, channels_l, channels_l),
            computed from the painting with gram_matrix.
        generated_features: the generated image's activations of the same layers, each
            (batch, height_l, width_l, channels_l).
        layer_weights: one number per layer.

    Returns:
        a scalar tensor: sum over layers l of layer_weights[l] * mean((gram_matrix(generated_l) - style_grams[l]) ** 2).
    """
    loss = 0.0
    for target, features, weight in zip(style_grams, generated_features, layer_weights):
        loss += weight * keras.ops.mean(keras.ops.square(gram_matrix(features) - target))
    return loss


def total_variation_loss(image):
    """How much neighbouring pixels differ: small for smooth images, large for noisy ones.

    Args:
        image: shape (batch, height, width, channels).

    Returns:
        a scalar tensor: the mean squared difference between vertical neighbours
        (image[:, 1:] - image[:, :-1]) plus that between horizontal neighbours
        (image[:, :, 1:] - image[:, :, :-1]).
    """
    vertical = image[:, 1:, :, :] - image[:, :-1, :, :]
    horizontal = image[:, :, 1:, :] - image[:, :, :-1, :]
    return keras.ops.mean(keras.ops.square(vertical)) + keras.ops.mean(keras.ops.square(horizontal))


def style_transfer_step(image, extractor, targets, optimizer, weights):
    """One gradient step on the pixels of the generated image.

    Args:
        image: tf.Variable of shape (1, height, width, 3), values in [0, 1]; updated in place.
        extractor: model mapping images to {"content": features, "style": [features per layer]}.
        targets: {"content": the photo's content features, "style_grams": the painting's Gram matrices}.
        optimizer: a keras optimizer.
        weights: {"content": a, "style": b, "tv": c, "style_layers": [one weight per style layer]}.

    Returns:
        {"total", "content", "style", "tv"}: the losses before the step, scalar tensors, with
        total = a * content + b * style + c * tv. After the step the image is clipped to [0, 1].
    """
    with tf.GradientTape() as tape:
        features = extractor(image)
        losses = {
            "content": content_loss(targets["content"], features["content"]),
            "style": style_loss(targets["style_grams"], features["style"], weights["style_layers"]),
            "tv": total_variation_loss(image),
        }
        losses["total"] = sum(weights[name] * losses[name] for name in ("content", "style", "tv"))
    gradient = tape.gradient(losses["total"], image)
    optimizer.apply_gradients([(gradient, image)])
    image.assign(keras.ops.clip(image, 0.0, 1.0))
    return losses


def style_targets(extractor, content, style) -> dict:
    """What the generated image must match: the photo's content features and the painting's Grams.

    ``content`` and ``style`` are images of shape (height, width, 3) in [0, 1]; their sizes may differ.
    """
    content_features = extractor(np.asarray(content, np.float32)[None])["content"]
    style_features = extractor(np.asarray(style, np.float32)[None])["style"]
    return {"content": content_features, "style_grams": [gram_matrix(f) for f in style_features]}


@dataclass
class StyleTransferResult:
    """What :func:`transfer_style` returns.

    ``image``: (height, width, 3) in [0, 1]; ``history``: each loss per step (before the step);
    ``snapshots``: ``(step, image)`` pairs taken every ``preview_every`` steps; ``seconds``: wall time.
    """

    image: np.ndarray
    history: dict[str, list[float]] = field(default_factory=dict)
    snapshots: list[tuple[int, np.ndarray]] = field(default_factory=list)
    seconds: float = 0.0


def transfer_style(content, style, extractor, steps: int = 200, weights: dict | None = None,
                   learning_rate: float = 0.02, preview_every: int = 50,
                   on_preview: Callable[[int, np.ndarray], None] | None = None,
                   step_function: Callable | None = None, progress: bool = True) -> StyleTransferResult:
    """Optimise the pixels of an image, starting from the photo, to take on the painting's style.

    Args:
        content: the photo, (height, width, 3) in [0, 1]; the result has its size.
        style: the painting, (h, w, 3) in [0, 1].
        extractor: the feature extractor, from :func:`cnnkit.models.vgg_features.build_style_extractor`.
        steps: Adam steps on the pixels.
        extractor: from :func:`cnnkit.models.vgg_features.build_style_extractor` (built when omitted).
        weights: loss weights as in :data:`DEFAULT_WEIGHTS` (missing keys take the default).
        learning_rate: Adam's step size, in units of pixel value.
        preview_every: keep a snapshot every this many steps (0: none); the first and last are always kept.
        on_preview: called as ``on_preview(step, image)`` for every snapshot, e.g. to show it.
        step_function: the step to use, ``style_transfer_step``'s signature (default: this module's).
        progress: show a tqdm progress bar with the current losses.
    """
    from tqdm import tqdm

    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}.")
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    targets = style_targets(extractor, content, style)
    image = tf.Variable(np.asarray(content, np.float32)[None])
    optimizer = keras.optimizers.Adam(learning_rate)
    step_function = step_function or style_transfer_step
    step = tf.function(lambda: step_function(image, extractor, targets, optimizer, weights))
    result = StyleTransferResult(image=np.asarray(content, np.float32))

    def snapshot(number):
        result.snapshots.append((number, image.numpy()[0].copy()))
        if on_preview is not None:
            on_preview(number, result.snapshots[-1][1])

    start = time.perf_counter()
    snapshot(0)
    bar = tqdm(range(1, steps + 1), desc="style transfer", disable=not progress, mininterval=2.0)
    for number in bar:
        losses = {name: float(value) for name, value in step().items()}
        for name, value in losses.items():
            result.history.setdefault(name, []).append(value)
        bar.set_postfix(total=f"{losses['total']:.4g}", refresh=False)
        if number == steps or (preview_every and number % preview_every == 0):
            snapshot(number)
    result.seconds = time.perf_counter() - start
    result.image = image.numpy()[0]
    return result
