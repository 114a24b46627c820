"""Looking inside a trained CNN: feature maps, saliency maps, Grad-CAM and occlusion sensitivity.

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
