"""Checks for notebook 07, classic architectures.

Oracles: closed-form parameter counts, ``keras.applications.VGG16`` for a whole VGG, and the
block's output recomputed from its own weights with ``keras.ops`` (convolution, ReLU, pooling)
in the order the architecture prescribes. ``build_vgg`` returns logits by default and
probabilities with ``classifier_activation="softmax"``.
"""

from __future__ import annotations

import functools

import numpy as np

from cnnkit.grading.assertions import call, call_with, difference, fail, same_values
from cnnkit.grading.core import exercise
from cnnkit.grading.harnesses import architecture_of
from cnnkit.grading.model_checks import block_as_model, layers_of, logits, probabilities

NOTEBOOK = "07_classic_architectures"


def _conv_relu(x, conv):
    """The convolution of ``conv``'s own weights with "same" padding, then ReLU (the oracle)."""
    import keras

    y = keras.ops.conv(x, conv.kernel, strides=1, padding="same")
    if conv.use_bias:
        y = y + conv.bias
    return keras.ops.relu(y)


# ------------------------------------------------------------------ VGG
@exercise(NOTEBOOK)
def check_vgg_block(vgg_block):
    import keras

    rng = np.random.default_rng(7)
    for input_shape, num_convs, filters in [((16, 16, 3), 2, 8), ((12, 10, 4), 3, 5), ((8, 8, 6), 1, 4)]:
        text = f"vgg_block(x of shape {(None, *input_shape)}, num_convs={num_convs}, filters={filters})"
        model = block_as_model(vgg_block, text, input_shape, num_convs, filters)
        h, w, c_in = input_shape
        expected = (None, h // 2, w // 2, filters)
        got = tuple(model.output.shape)
        if got != expected:
            if got[1:3] == (h, w):
                hint = "End the block with 2x2 max pooling of stride 2."
            elif got[1:3] == (h // 2**num_convs, w // 2**num_convs) and num_convs > 1:
                hint = "Pool once, after the last convolution, not after each one."
            elif got[1] < h // 2:
                hint = "Use padding='same' so that the convolutions keep the size; only the pooling halves it."
            else:
                hint = f"The block's convolutions have `filters` ({filters}) filters each."
            fail(text, f"output has shape {got}, expected {expected}.", hint)
        convs = layers_of(model, "Conv2D", nested=False)
        if len(convs) != num_convs:
            fail(text, f"found {len(convs)} convolutions, expected {num_convs}.", "Add num_convs convolutions.")
        if any(tuple(conv.kernel.shape[:2]) != (3, 3) for conv in convs):
            fail(text, "a convolution does not have a 3x3 kernel.",
                 "VGG uses 3x3 kernels only: two of them see a 5x5 window with fewer weights.")
        x = rng.normal(size=(2, *input_shape)).astype("float32")
        y = x
        for conv in convs:
            y = _conv_relu(y, conv)
        expected_values = np.asarray(keras.ops.max_pool(y, 2, strides=2))
        out = np.asarray(model(x))
        if not same_values(out, expected_values, atol=1e-4):
            hint = ("The output has negative values: every convolution is followed by a ReLU."
                    if out.min() < 0 else "Each 3x3 convolution ('same' padding) has a ReLU; then 2x2 max pooling.")
            fail(text, difference(out, expected_values), hint)


@functools.cache
def _keras_vgg16_params(size):
    import keras

    return keras.applications.VGG16(weights=None, input_shape=(size, size, 3)).count_params()


@exercise(NOTEBOOK, uses=("vgg_block",))
def check_build_vgg(build_vgg):
    config = [(1, 4), (2, 8)]
    text = f"build_vgg({config}, (16, 16, 1), 10, dense_units=32)"
    model = call(build_vgg, config, (16, 16, 1), 10, dense_units=32,
                 _hint="Give each block its own name (name=f'block{i}'): layer names must be unique in a model.")
    if model is None:
        fail(text, "returned None.", "Did you forget the `return` statement?")
    if tuple(model.output.shape) != (None, 10):
        fail(text, f"output has shape {tuple(model.output.shape)}, expected (None, 10).",
             "End with Flatten, two dense ReLU layers and Dense(num_classes, activation=classifier_activation).")
    convs = (9 * 1 * 4 + 4) + (9 * 4 * 8 + 8) + (9 * 8 * 8 + 8)
    dense = (4 * 4 * 8 * 32 + 32) + (32 * 32 + 32) + (32 * 10 + 10)
    count = model.count_params()
    if count != convs + dense:
        if count == convs + 4 * 4 * 8 * 10 + 10:
            hint = "The two hidden dense layers of `dense_units` units are missing."
        elif count == convs + (4 * 4 * 8 * 32 + 32) + (32 * 10 + 10):
            hint = "VGG has two hidden dense layers of `dense_units` units, not one."
        else:
            hint = "One vgg_block per (num_convs, filters) pair, then Flatten, Dense, Dense, Dense(num_classes)."
        fail(text, f"has {count} parameters, expected {convs + dense}.", hint)
    logits(model, (16, 16, 1), 10, text)
    probabilities(build_vgg, config, (16, 16, 1), 10, dense_units=32, input_shape=(16, 16, 1))
    features = call(build_vgg, config, (16, 16, 1), 10, include_top=False)
    if tuple(features.output.shape) != (None, 4, 4, 8):
        fail(f"build_vgg({config}, (16, 16, 1), 10, include_top=False)",
             f"output has shape {tuple(features.output.shape)}, expected (None, 4, 4, 8).",
             "Without the top, return the last block's feature map.")
    # VGG-16 against Keras' own (at 32x32 the dense head is small enough to build fast).
    vgg16_config = [(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)]
    text = f"build_vgg({vgg16_config}, (32, 32, 3), 1000)"
    count, expected = call_with(architecture_of, build_vgg, vgg16_config, (32, 32, 3), 1000).count_params(), _keras_vgg16_params(32)
    if count != expected:
        fail(text, f"has {count} parameters, keras.applications.VGG16 has {expected}.")


# ------------------------------------------------------------------ Inception
def _inception_params(c_in, f1, f3r, f3, f5r, f5, pp):
    return ((c_in * f1 + f1) + (c_in * f3r + f3r) + (9 * f3r * f3 + f3) + (c_in * f5r + f5r) + (25 * f5r * f5 + f5)
            + (c_in * pp + pp))


@exercise(NOTEBOOK)
def check_inception_module(inception_module):
    import keras

    rng = np.random.default_rng(11)
    for input_shape, filters in [((8, 8, 6), (4, 3, 5, 2, 7, 9)), ((7, 5, 10), (2, 6, 3, 4, 5, 1))]:
        f1, f3r, f3, f5r, f5, pp = filters
        described = f"f1={f1}, f3_reduce={f3r}, f3={f3}, f5_reduce={f5r}, f5={f5}, pool_proj={pp}"
        text = f"inception_module(x of shape {(None, *input_shape)}, {described})"
        model = block_as_model(inception_module, text, input_shape, *filters,
                               _hint="All four branches must keep height and width: 'same' padding everywhere, and "
                                     "the pooling branch uses MaxPooling2D(3, strides=1, padding='same').")
        h, w, c_in = input_shape
        channels = f1 + f3 + f5 + pp
        got = tuple(model.output.shape)
        if got != (None, h, w, channels):
            if got[3] == f1 + f3 + f5 + c_in:
                hint = "The pooling branch needs its 1x1 projection to pool_proj channels after the max pooling."
            elif got[1:3] != (h, w):
                hint = "Every branch keeps the size: 'same' padding, and stride 1 for the 3x3 max pooling."
            else:
                hint = "Concatenate the four branches along the channels (the last axis)."
            fail(text, f"output has shape {got}, expected {(None, h, w, channels)}.", hint)
        count, expected = model.count_params(), _inception_params(c_in, *filters)
        if count != expected:
            if count == expected - (c_in * f3r + f3r) - (c_in * f5r + f5r) - (9 * f3r * f3 + 25 * f5r * f5) + (
                    9 * c_in * f3 + 25 * c_in * f5):
                hint = ("The 1x1 reduce convolutions are missing: the 3x3 and 5x5 convolutions work on f3_reduce and "
                        "f5_reduce channels, which is what makes the module cheap.")
            else:
                hint = ("Branches: 1x1 (f1); 1x1 (f3_reduce) then 3x3 (f3); 1x1 (f5_reduce) then 5x5 (f5); "
                        "3x3 max pooling then 1x1 (pool_proj).")
            fail(text, f"has {count} parameters, expected {expected}.", hint)
        # Recompute each branch from the module's own convolutions, found by their kernel shapes.
        by_shape = {tuple(conv.kernel.shape): conv for conv in layers_of(model, "Conv2D", nested=False)}
        wanted = [(1, 1, c_in, f1), (1, 1, c_in, f3r), (3, 3, f3r, f3), (1, 1, c_in, f5r), (5, 5, f5r, f5),
                  (1, 1, c_in, pp)]
        if any(shape not in by_shape for shape in wanted):
            fail(text, "its convolutions do not have the expected kernels.",
                 "Branches: 1x1 (f1); 1x1 (f3_reduce) then 3x3 (f3); 1x1 (f5_reduce) then 5x5 (f5); "
                 "3x3 max pooling then 1x1 (pool_proj).")
        x = rng.normal(size=(2, *input_shape)).astype("float32")
        branches = [
            _conv_relu(x, by_shape[(1, 1, c_in, f1)]),
            _conv_relu(_conv_relu(x, by_shape[(1, 1, c_in, f3r)]), by_shape[(3, 3, f3r, f3)]),
            _conv_relu(_conv_relu(x, by_shape[(1, 1, c_in, f5r)]), by_shape[(5, 5, f5r, f5)]),
            _conv_relu(keras.ops.max_pool(x, 3, strides=1, padding="same"), by_shape[(1, 1, c_in, pp)]),
        ]
        branches = [np.asarray(branch) for branch in branches]
        out = np.asarray(model(x))
        expected_values = np.concatenate(branches, axis=-1)
        if same_values(out, expected_values, atol=1e-4):
            continue
        if out.min() < 0:
            hint = "The output has negative values: every convolution is followed by a ReLU."
        elif sorted(out.sum(axis=(0, 1, 2)).round(3)) == sorted(expected_values.sum(axis=(0, 1, 2)).round(3)):
            hint = "Concatenate the branches in the order 1x1, 3x3, 5x5, pooling."
        else:
            hint = "Each convolution uses 'same' padding and ReLU; the pooling branch is MaxPool 3x3/1, then 1x1."
        fail(text, difference(out, expected_values), hint)
