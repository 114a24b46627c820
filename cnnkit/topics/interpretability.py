"""Looking inside a trained CNN: feature maps, saliency maps, Grad-CAM, occlusion sensitivity, and two
tools that check or complete them: model randomisation and images made by gradient ascent.

The first three functions are the solutions of notebook 09, verbatim (a test keeps the two in
step). Every function takes a built Keras model, Functional or Sequential, with one image input
of shape ``(batch, height, width, channels)`` and one output of **class scores** ``(batch,
classes)``: logits, taken before any softmax. Images are single ``(height, width, channels)``
arrays; every map comes back as a NumPy array of the image's ``(height, width)``.

Keras 3 pitfall: ``model.input`` and ``model.output`` raise ``AttributeError`` on a Sequential
model, even a built one. ``model.inputs`` and ``model.outputs`` (lists) work on both kinds of
model, so the functions below use them.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf


# From notebook 09, visualizing CNNs.
def feature_maps_model(model, layer_names):
    """A model that maps a batch of images to the outputs of some layers of ``model``.

    Args:
        model: a built Keras model (Functional or Sequential) with one input.
        layer_names: names of layers of ``model``, e.g. ["conv1", "conv3"].

    Returns:
        A keras.Model that shares the weights of ``model``. Called on a batch of shape
        (n, h, w, c), it returns a list with one tensor per name, in the order of
        ``layer_names``: (n, h_l, w_l, c_l) for a convolution layer.
    """
    outputs = [model.get_layer(name).output for name in layer_names]
    # model.inputs (plural) exists on Functional and Sequential models alike; model.input does not.
    return keras.Model(inputs=model.inputs[0], outputs=outputs)


def saliency_map(model, image, class_index):
    """How much each pixel affects one class score: the gradient of the score with respect to the image.

    Args:
        model: a Keras model whose output is class scores (logits), shape (n, classes).
        image: one image, shape (h, w, c).
        class_index: the class whose score is explained, an int.

    Returns:
        NumPy array of shape (h, w): the absolute value of d score[class_index] / d image,
        maximised over the channels. Not normalised.
    """
    x = tf.convert_to_tensor(image[None], dtype=tf.float32)   # a batch of one: (1, h, w, c)
    with tf.GradientTape() as tape:
        tape.watch(x)                                          # x is a tensor, not a variable
        score = model(x, training=False)[0, class_index]       # the class score, not a loss
    gradient = tape.gradient(score, x)[0]                      # (h, w, c)
    return tf.reduce_max(tf.abs(gradient), axis=-1).numpy()    # (h, w)


def grad_cam(model, image, class_index, conv_layer_name):
    """Grad-CAM: where in the image the named convolution layer sees evidence for a class.

    Args:
        model: a Keras model whose output is class scores (logits), shape (n, classes).
        image: one image, shape (h, w, c).
        class_index: the class to explain, an int.
        conv_layer_name: name of a layer of ``model`` whose output is (n, h', w', k).

    Returns:
        NumPy array of shape (h, w) with values in [0, 1]: the ReLU of the channels of the
        layer's output weighted by their spatially averaged gradients, resized (bilinear) to the
        image's height and width and divided by its maximum (all zeros if the maximum is 0).
    """
    grad_model = keras.Model(model.inputs[0], [model.get_layer(conv_layer_name).output, model.outputs[0]])
    x = tf.convert_to_tensor(image[None], dtype=tf.float32)          # (1, h, w, c)
    with tf.GradientTape() as tape:
        feature_maps, scores = grad_model(x, training=False)        # (1, h', w', k), (1, classes)
        score = scores[0, class_index]
    gradients = tape.gradient(score, feature_maps)                  # (1, h', w', k)
    weights = tf.reduce_mean(gradients, axis=(1, 2))                # (1, k): average over h' and w'
    cam = tf.reduce_sum(feature_maps * weights[:, None, None, :], axis=-1)  # (1, h', w')
    cam = tf.nn.relu(cam)                                           # keep evidence *for* the class
    cam = tf.image.resize(cam[..., None], image.shape[:2])          # (1, h, w, 1), bilinear
    cam = tf.math.divide_no_nan(cam, tf.reduce_max(cam))            # into [0, 1]
    return cam[0, :, :, 0].numpy()


def occlusion_sensitivity(model, image, class_index, patch_size=6, stride=2, fill=0.0, batch_size=256):
    """How much the probability of a class drops when a square patch of the image is covered.

    A model-agnostic check of the gradient-based maps: it only calls the model. A
    ``patch_size`` x ``patch_size`` square of value ``fill`` slides over the image in steps of
    ``stride`` pixels (the last row and column of positions touch the border); for every
    position the softmax probability of ``class_index`` is compared with that of the intact image.

    Args:
        model: a Keras model whose output is class scores (logits), shape (n, classes).
        image: one image, shape (h, w, c).
        class_index: the class to explain, an int.
        patch_size: side of the square patch, in pixels (1 to min(h, w)).
        stride: step between patch positions, in pixels (at least 1).
        fill: the value written into the patch (0 is black).
        batch_size: occluded images per model call.

    Returns:
        NumPy array of shape (h, w): for each pixel, the mean drop in probability over the
        patches that covered it. Positive where covering the pixel hurts the class, negative
        where it helps.
    """
    image = np.asarray(image, dtype=np.float32)
    if image.ndim != 3:
        raise ValueError(f"image must have shape (h, w, c), got {image.shape}.")
    height, width, _ = image.shape
    if not 1 <= patch_size <= min(height, width):
        raise ValueError(f"patch_size must be between 1 and {min(height, width)} for this image, got {patch_size}.")
    if stride < 1:
        raise ValueError(f"stride must be at least 1, got {stride}.")

    def starts(size):
        positions = list(range(0, size - patch_size + 1, stride))
        if positions[-1] != size - patch_size:
            positions.append(size - patch_size)
        return positions

    corners = [(top, left) for top in starts(height) for left in starts(width)]
    occluded = np.repeat(image[None], len(corners), axis=0)
    for copy, (top, left) in zip(occluded, corners):
        copy[top:top + patch_size, left:left + patch_size] = fill
    scores = model.predict(np.concatenate([image[None], occluded]), batch_size=batch_size, verbose=0)
    probabilities = keras.ops.convert_to_numpy(keras.ops.softmax(scores, axis=-1))[:, class_index]
    drop, covered = np.zeros((height, width)), np.zeros((height, width))
    for probability, (top, left) in zip(probabilities[1:], corners):
        drop[top:top + patch_size, left:left + patch_size] += probabilities[0] - probability
        covered[top:top + patch_size, left:left + patch_size] += 1
    return drop / covered


def randomize_layers(model, layer_names, seed=0):
    """A copy of ``model`` whose named layers have fresh random weights, the rest the trained ones.

    The model-randomisation test of Adebayo et al. (2018): an explanation that describes what the
    model learned must change when the learned weights are destroyed. Every weight of a named
    layer (kernels, biases, batch-norm scales, offsets and moving statistics) is redrawn from
    that layer's own initialiser, as on a freshly built model; ``model`` itself is not changed.

    Args:
        model: a built Keras model (Functional or Sequential).
        layer_names: names of layers of ``model`` to re-initialise, e.g. ["predictions", "conv3_conv"].
        seed: seed of the new random weights (the same seed gives the same copy).

    Returns:
        A new keras.Model of the same architecture: the named layers re-initialised, every other
        layer with the weights of ``model``.
    """
    names = {layer.name for layer in model.layers}
    unknown = [name for name in layer_names if name not in names]
    if unknown:
        raise ValueError(f"randomize_layers: no layer named {unknown} in the model; its layers are {sorted(names)}.")
    keras.utils.set_random_seed(seed)
    copy = keras.models.clone_model(model)   # same architecture, weights from the initialisers
    fresh = {name: copy.get_layer(name).get_weights() for name in layer_names}
    copy.set_weights(model.get_weights())
    for name, weights in fresh.items():
        copy.get_layer(name).set_weights(weights)
    return copy


def _blur(images):
    """A 3 x 3 binomial blur of a batch ``(n, h, w, c)``, each channel on its own, edges mirrored."""
    taps = tf.constant([1.0, 2.0, 1.0]) / 4.0
    kernel = tf.tile((taps[:, None] * taps[None, :])[:, :, None, None], [1, 1, images.shape[-1], 1])
    padded = tf.pad(images, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="SYMMETRIC")
    return tf.nn.depthwise_conv2d(padded, kernel, strides=[1, 1, 1, 1], padding="VALID")


def maximize_activation(model, layer_name, channels, steps=80, step_size=0.05, jitter=1, blur_every=4, seed=0):
    """Images that make chosen channels of a layer fire strongly: gradient ascent on the input.

    Each image starts as mid-grey (0.5) with a little noise and climbs the mean activation of its
    channel over the layer's height and width. Three small regularisers keep the result an image
    rather than high-frequency noise: each gradient is taken on a copy shifted by up to ``jitter``
    pixels (a pattern must work wherever it sits), every ``blur_every`` steps the image is blurred
    with a 3 x 3 binomial kernel, and after every step it is clipped to the valid range [0, 1].
    Each step moves every image by ``step_size`` times its gradient divided by the gradient's
    root mean square, so that the step does not depend on the scale of the activations.

    Args:
        model: a built Keras model with one image input (batch, h, w, c); it is not changed.
        layer_name: the layer whose output (batch, h', w', k) is maximised.
        channels: the channels of that output to visualise, a list of ints in [0, k).
        steps: gradient-ascent steps.
        step_size: root-mean-square change of a pixel per step, in pixel-value units (pixels are in [0, 1]).
        jitter: the largest random shift before a gradient, in pixels (0 for none).
        blur_every: blur every this many steps (0 for never).
        seed: seed of the starting noise and the shifts.

    Returns:
        NumPy array (len(channels), h, w, c) with values in [0, 1]: image i maximises channel channels[i].
    """
    extractor = keras.Model(model.inputs[0], model.get_layer(layer_name).output)
    depth = extractor.outputs[0].shape[-1]
    channels = [int(k) for k in channels]
    if not channels or not all(0 <= k < depth for k in channels):
        raise ValueError(f"channels must be a non-empty list of ints in [0, {depth}) for layer {layer_name!r}; "
                         f"got {channels}.")
    rng = np.random.default_rng(seed)
    shape = (len(channels),) + tuple(model.inputs[0].shape[1:])
    images = tf.Variable(np.clip(0.5 + rng.normal(0, 0.05, shape), 0, 1).astype(np.float32))
    pick = tf.one_hot(channels, depth)                                   # (n, k): the channel of each image

    @tf.function
    def ascend(shift):
        with tf.GradientTape() as tape:
            shifted = tf.roll(images, shift, axis=[1, 2])
            activations = extractor(shifted, training=False)             # (n, h', w', k)
            objective = tf.reduce_sum(tf.reduce_mean(activations, axis=[1, 2]) * pick)   # each image its own channel
        gradient = tape.gradient(objective, images)                      # taken through the roll: unshifted
        rms = tf.sqrt(tf.reduce_mean(tf.square(gradient), axis=[1, 2, 3], keepdims=True)) + 1e-8
        images.assign(tf.clip_by_value(images + step_size * gradient / rms, 0.0, 1.0))

    for step in range(1, steps + 1):
        ascend(tf.constant(rng.integers(-jitter, jitter + 1, size=2), dtype=tf.int32))
        if blur_every and step % blur_every == 0:
            images.assign(_blur(images))
    return images.numpy()
