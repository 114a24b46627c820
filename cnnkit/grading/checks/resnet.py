"""Checks for notebook 08, ResNet.

Blocks are checked by behaviour and structure: output shapes, parameter counts against closed
forms, which convolution carries the stride, whether a projection is there when it must be and
absent when it must not, and the output against the block recomputed from its own layers in the
order conv -> BN -> ReLU -> ... -> add -> ReLU. Every convolution is followed by batch norm and
has no bias, as the exercises state. ``build_resnet`` is run with the checker's own blocks; it
returns logits by default and probabilities with ``classifier_activation="softmax"``, and its
ResNet-50 is counted against ``keras.applications.ResNet50`` less that model's convolution biases.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from cnnkit.grading.assertions import call_with, fail, same_values
from cnnkit.grading.core import exercise
from cnnkit.grading.harnesses import architecture_of
from cnnkit.grading.model_checks import block_as_model, layers_of, logits, outputs_are_probabilities

NOTEBOOK = "08_resnet"

PROJECTION_HINT = ("When the stride is not 1 or the number of channels changes, the input cannot be added as it "
                   "is: the shortcut must be a 1x1 convolution with the block's stride, followed by batch "
                   "normalisation (a projection).")

NO_BIAS_HINT = ("A convolution followed by batch norm needs no bias: give every convolution use_bias=False (batch "
                "norm subtracts the channel mean, bias included, and its beta is the shift).")


# ------------------------------------------------------------------ closed forms (convolutions without bias)
def _conv(k, c_in, c_out):
    return k * k * c_in * c_out


def _bn(channels):
    return 4 * channels  # gamma, beta, moving mean, moving variance


def _basic_params(c_in, filters, stride):
    total = _conv(3, c_in, filters) + _conv(3, filters, filters) + 2 * _bn(filters)
    if stride != 1 or c_in != filters:
        total += _conv(1, c_in, filters) + _bn(filters)
    return total


def _bottleneck_params(c_in, filters, stride):
    out = 4 * filters
    total = (_conv(1, c_in, filters) + _conv(3, filters, filters) + _conv(1, filters, out)
             + 2 * _bn(filters) + _bn(out))
    if stride != 1 or c_in != out:
        total += _conv(1, c_in, out) + _bn(out)
    return total


# ------------------------------------------------------------------ helpers
def _block_model(block, func_name, input_shape, filters, stride, projection):
    text = f"{func_name}(x of shape {(None, *input_shape)}, filters={filters}, stride={stride})"
    return block_as_model(block, text, input_shape, filters, stride, _hint=PROJECTION_HINT if projection else None), text


def _randomise_batch_norms(model, rng):
    """Give every BN layer random statistics so that it is not the identity."""
    for layer in layers_of(model, "BatchNormalization", nested=False):
        c = layer.gamma.shape[0]
        layer.set_weights([rng.uniform(0.5, 1.5, c), rng.normal(0, 0.3, c), rng.normal(0, 0.3, c),
                           rng.uniform(0.5, 1.5, c)])


def _check_shape(model, text, input_shape, channels, stride):
    h, w, _ = input_shape
    expected = (None, math.ceil(h / stride), math.ceil(w / stride), channels)
    got = tuple(model.output.shape)
    if got == expected:
        return
    if got[1:3] == (h, w) and stride != 1:
        hint = "The size did not shrink: apply the stride (to the strided convolution and to the projection)."
    elif got[3] != channels:
        hint = f"The block must output {channels} channels."
    else:
        hint = "Use padding='same' on the 3x3 convolution so that only the stride changes the size."
    fail(text, f"output has shape {got}, expected {expected}.", hint)


def _check_counts(model, text, main_convs, main_bns, projection):
    convs, bns = len(layers_of(model, "Conv2D", nested=False)), len(layers_of(model, "BatchNormalization", nested=False))
    expected_convs = main_convs + (1 if projection else 0)
    if projection and convs == main_convs:
        fail(text, f"found {convs} convolutions, expected {expected_convs}.", PROJECTION_HINT)
    if not projection and convs == main_convs + 1:
        fail(text, f"found {convs} convolutions, expected {main_convs}.",
             "Input and output have the same shape here, so the shortcut is the identity: add the input "
             "itself, without a projection.")
    if convs != expected_convs:
        fail(text, f"found {convs} convolutions, expected {expected_convs}.")
    if projection and bns == main_bns:
        fail(text, f"found {bns} BatchNormalization layers, expected {main_bns + 1}.",
             "Batch normalisation is missing on the shortcut projection: follow its 1x1 convolution by "
             "BatchNormalization, as on the main path, so that both terms of the sum are on the same scale.")
    if bns != main_bns + (1 if projection else 0):
        fail(text, f"found {bns} BatchNormalization layers, expected {main_bns + (1 if projection else 0)}.",
             "Every convolution is followed by batch normalisation.")


def _check_params(model, text, expected, layout):
    biased = [layer.name for layer in layers_of(model, "Conv2D", nested=False) if layer.use_bias]
    if biased:
        fail(text, f"the convolutions {biased} have a bias although batch norm follows each of them.", NO_BIAS_HINT)
    count = model.count_params()
    if count != expected:
        fail(text, f"has {count} parameters, expected {expected}.", f"The block is {layout}.")


def _check_output_relu(model, text, rng):
    x = rng.normal(size=(2, *model.input.shape[1:])).astype("float32")
    out = np.asarray(model(x, training=False))
    if out.min() < -1e-6:
        fail(text, f"the output has negative values (min {out.min():.3g}).",
             "The ReLU must come after the addition: add the shortcut to the output of the last batch "
             "normalisation, then apply the ReLU (did you apply it before adding the shortcut?).")
    return x, out


def _check_identity_block(model, text, rng):
    """Recompute an identity block from its own layers, in the right order, and compare."""
    import keras

    _randomise_batch_norms(model, rng)
    x, out = _check_output_relu(model, text, rng)
    relu = keras.ops.relu
    branch = x
    convs, bns = layers_of(model, "Conv2D", nested=False), layers_of(model, "BatchNormalization", nested=False)
    for index, (conv, bn) in enumerate(zip(convs, bns)):
        branch = bn(conv(branch), training=False)
        if conv.activation is not keras.activations.linear:
            fail(text, f"the convolution {conv.name} has activation {conv.activation.__name__}.",
                 "Apply the ReLU after the batch normalisation, not inside the convolution.")
        if index < len(convs) - 1:
            branch = relu(branch)
    branch = np.asarray(branch)
    if same_values(out, np.asarray(relu(branch + x))):
        return
    if same_values(out, np.asarray(relu(branch))):
        fail(text, "the output does not depend on the shortcut.",
             "The shortcut is missing: add the block's input to the main path before the last ReLU.")
    if same_values(out, np.asarray(relu(relu(branch) + x))):
        fail(text, "the output differs from conv -> BN -> ReLU -> ... -> BN, add, ReLU.",
             "There is a ReLU before the addition as well as after it: the last batch normalisation goes "
             "straight into the addition.")
    fail(text, "the output differs from conv -> BN -> ReLU -> ... -> BN, add, ReLU.",
         "Check the order: each convolution is followed by BN, every BN but the last by a ReLU; add the "
         "input; then one ReLU.")


def _misplaced_stride(model, kernel_shape):
    """None when the convolution with ``kernel_shape`` has stride 2, else the strided convolutions."""
    strided = [layer for layer in layers_of(model, "Conv2D", nested=False) if tuple(layer.strides) != (1, 1)]
    wanted = [layer for layer in layers_of(model, "Conv2D", nested=False) if tuple(layer.kernel.shape) == kernel_shape]
    if wanted and tuple(wanted[0].strides) == (2, 2):
        return
    return strided


# ------------------------------------------------------------------ exercises
@exercise(NOTEBOOK)
def check_residual_block(residual_block):
    rng = np.random.default_rng(8)
    layout = ("Conv 3x3 (stride) -> BN -> ReLU -> Conv 3x3 -> BN, plus a shortcut (1x1 Conv with the stride "
              "-> BN when the shape changes), every convolution without bias")
    for input_shape, filters, stride in [((8, 8, 16), 16, 1), ((8, 8, 16), 32, 2), ((8, 8, 16), 32, 1),
                                         ((7, 7, 8), 8, 2)]:
        c_in = input_shape[-1]
        projection = stride != 1 or c_in != filters
        model, text = _block_model(residual_block, "residual_block", input_shape, filters, stride, projection)
        _check_shape(model, text, input_shape, filters, stride)
        _check_counts(model, text, 2, 2, projection)
        if stride != 1:
            strided = _misplaced_stride(model, (3, 3, c_in, filters))
            if strided is not None:
                fail(text, "the first 3x3 convolution does not have stride 2.",
                     "The stride belongs on the first 3x3 convolution (and the projection); the second "
                     "3x3 convolution has stride 1.")
        _check_params(model, text, _basic_params(c_in, filters, stride), layout)
        if projection:
            _check_output_relu(model, text, rng)
        else:
            _check_identity_block(model, text, rng)


@exercise(NOTEBOOK)
def check_bottleneck_block(bottleneck_block):
    rng = np.random.default_rng(9)
    layout = ("Conv 1x1 (filters) -> BN -> ReLU -> Conv 3x3 (filters, stride) -> BN -> ReLU -> Conv 1x1 "
              "(4 * filters) -> BN, plus a shortcut (1x1 Conv to 4 * filters with the stride -> BN when the "
              "shape changes), every convolution without bias")
    for input_shape, filters, stride in [((8, 8, 64), 16, 1), ((8, 8, 16), 16, 1), ((8, 8, 64), 32, 2)]:
        c_in = input_shape[-1]
        projection = stride != 1 or c_in != 4 * filters
        model, text = _block_model(bottleneck_block, "bottleneck_block", input_shape, filters, stride, projection)
        if tuple(model.output.shape)[3:] == (filters,):
            fail(text, f"output has {filters} channels, expected {4 * filters}.",
                 "The last 1x1 convolution expands the channels to 4 * filters.")
        _check_shape(model, text, input_shape, 4 * filters, stride)
        _check_counts(model, text, 3, 3, projection)
        if stride != 1:
            strided = _misplaced_stride(model, (3, 3, filters, filters))
            if strided is not None:
                first = [layer for layer in strided if tuple(layer.kernel.shape) == (1, 1, c_in, filters)]
                last = [layer for layer in strided if tuple(layer.kernel.shape) == (1, 1, filters, 4 * filters)]
                where = ("the first 1x1 convolution, which then skips 3 pixels out of 4 before looking at them "
                         "(the original paper and Keras' ResNet50 do this; the exercise, like ResNet v1.5, does not)"
                         if first else "the last 1x1 convolution" if last else "another convolution")
                fail(text, "the 3x3 convolution does not have stride 2.",
                     f"The stride is on {where}: put it on the 3x3 convolution (and the projection).")
        _check_params(model, text, _bottleneck_params(c_in, filters, stride), layout)
        if projection:
            _check_output_relu(model, text, rng)
        else:
            _check_identity_block(model, text, rng)


def _reference_basic(x, filters, stride=1, name=None):
    """The checker's own basic block (post-activation, projection when the shape changes)."""
    from keras import layers

    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = layers.BatchNormalization()(layers.Conv2D(filters, 1, strides=stride, use_bias=False)(x))
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
    y = layers.ReLU()(layers.BatchNormalization()(y))
    y = layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(y))
    return layers.ReLU()(layers.Add()([y, shortcut]))


def _reference_bottleneck(x, filters, stride=1, name=None):
    """The checker's own bottleneck block."""
    from keras import layers

    shortcut = x
    if stride != 1 or x.shape[-1] != 4 * filters:
        shortcut = layers.BatchNormalization()(layers.Conv2D(4 * filters, 1, strides=stride, use_bias=False)(x))
    y = layers.ReLU()(layers.BatchNormalization()(layers.Conv2D(filters, 1, use_bias=False)(x)))
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(y)
    y = layers.ReLU()(layers.BatchNormalization()(y))
    y = layers.BatchNormalization()(layers.Conv2D(4 * filters, 1, use_bias=False)(y))
    return layers.ReLU()(layers.Add()([y, shortcut]))


@functools.cache
def _keras_resnet50_params_without_conv_biases(size):
    """Parameters of ``keras.applications.ResNet50`` less its convolution biases, which the course leaves out."""
    import keras

    model = keras.applications.ResNet50(weights=None, input_shape=(size, size, 3))
    biases = sum(layer.bias.shape[0] for layer in model.layers
                 if isinstance(layer, keras.layers.Conv2D) and layer.use_bias)
    return model.count_params() - biases


def build_with_reference_block(build_resnet, block_name, *args, **kwargs):
    """Harness: ``build_resnet`` given the checker's own block function ``block_name`` (a
    callable cannot cross; its name can)."""
    blocks = {"_reference_basic": _reference_basic, "_reference_bottleneck": _reference_bottleneck}
    return build_resnet(blocks[block_name], *args, **kwargs)


def architecture_with_reference_block(build_resnet, block_name, *args, **kwargs):
    """Harness: as :func:`build_with_reference_block`, the model crossing as its architecture only."""
    return architecture_of(build_with_reference_block, build_resnet, block_name, *args, **kwargs)


def _built(build_resnet, args, kwargs, harness=build_with_reference_block):
    parts = ["block", str(list(args[1]))] + [repr(a) for a in args[2:]] + [f"{k}={v!r}" for k, v in kwargs.items()]
    text = f"build_resnet({', '.join(parts)})"
    model = call_with(harness, build_resnet, args[0].__name__, *args[1:], _shown=text, **kwargs)
    if model is None:
        fail(text, "returned None.", "Did you forget the `return` statement?")
    if not hasattr(model, "count_params") or not hasattr(model, "output"):
        fail(text, f"returned {type(model).__name__}, expected a keras.Model.")
    return model, text


@exercise(NOTEBOOK)
def check_build_resnet(build_resnet):
    # The feature map of an ImageNet-style ResNet: 64 -> stem /4 -> 16, then 16, 8, 4, 2.
    model, text = _built(build_resnet, (_reference_bottleneck, [1, 1, 1, 1], (64, 64, 3), 10),
                         {"base_filters": 8, "include_top": False})
    got = tuple(model.output.shape)
    if got != (None, 2, 2, 4 * 64):
        size = got[1] if len(got) == 4 else None
        hints = {
            4: "Either the stem's max pooling (3x3, stride 2) is missing, or a stage does not start with stride 2.",
            1: "Stage 1 keeps the size (stride 1, the stem has already shrunk the image); only stages 2, 3 and 4 "
               "start with stride 2.",
            16: "The first block of every stage after the first has stride 2.",
        }
        hint = hints.get(size, "Stem /4, then stages with base_filters, 2 * base_filters... filters, stride 2 from "
                               "stage 2 on.")
        if len(got) == 4 and got[3] != 256:
            hint = ("Stage s (from 0) uses base_filters * 2**s filters; pass them to the block, which outputs 4x as "
                    "many when it is a bottleneck.")
        fail(text, f"without the top, the output has shape {got}, expected (None, 2, 2, 256).", hint)

    # A small ResNet for 28x28 grey images: 3x3 stem, three stages, pooling and the classifier.
    args = (_reference_basic, [1, 1, 1], (28, 28, 1), 10)
    model, text = _built(build_resnet, args, {"base_filters": 8, "small_input": True})
    if tuple(model.output.shape) != (None, 10):
        fail(text, f"output has shape {tuple(model.output.shape)}, expected (None, 10).",
             "With the top: global average pooling, then Dense(num_classes, activation=classifier_activation).")
    stem = _conv(3, 1, 8) + _bn(8)
    expected = (stem + _basic_params(8, 8, 1) + _basic_params(8, 16, 2) + _basic_params(16, 32, 2) + 32 * 10 + 10)
    count = model.count_params()
    if count == expected + 8:
        fail(text, f"has {count} parameters, expected {expected}: the stem convolution has a bias.",
             "The stem is Conv (use_bias=False) -> BN -> ReLU: " + NO_BIAS_HINT)
    if count != expected:
        features = call_with(build_with_reference_block, build_resnet, args[0].__name__, *args[1:], base_filters=8,
                             small_input=True, include_top=False).output.shape
        hint = ("With small_input the stem is one 3x3 convolution (stride 1, no bias) with `base_filters` filters, "
                "BN and ReLU, without max pooling." if tuple(features) == (None, 7, 7, 32) else
                "Stem, then stage s (from 0) with base_filters * 2**s filters, stride 2 in its first block from "
                "stage 2 on.")
        fail(text, f"has {count} parameters, expected {expected}.", hint)
    logits(model, (28, 28, 1), 10, text)
    model, text = _built(build_resnet, args, {"base_filters": 8, "small_input": True, "classifier_activation": "softmax"})
    outputs_are_probabilities(model, text, (28, 28, 1))

    # ResNet-50 against Keras' own.
    model, text = _built(build_resnet, (_reference_bottleneck, [3, 4, 6, 3], (64, 64, 3), 1000), {},
                         harness=architecture_with_reference_block)
    expected = _keras_resnet50_params_without_conv_biases(64)
    if model.count_params() != expected:
        fail(text, f"has {model.count_params()} parameters, expected {expected} (keras.applications.ResNet50 less "
                   "its convolution biases).",
             "ImageNet stem: Conv 7x7 with stride 2, `base_filters` filters and no bias, BN, ReLU, MaxPool 3x3 with "
             "stride 2; stages of base_filters, 2 * base_filters, 4 * base_filters, 8 * base_filters filters; "
             "pooling and the classifier.")

