"""Checks for notebook 15, 1-D convolutions for time series and text.

Oracles are independent of the learner's code: ``keras.layers.Conv1D`` (float64, with the
learner's weights) for ``conv1d_forward``; an impulse pushed through a Keras stack of causal,
dilated convolutions with kernels of ones for ``causal_receptive_field`` (the furthest output
it reaches gives the span that one output sees); parameter counts in closed form and Keras' own
layer attributes for the two builders. When an answer is wrong, the checks compare it with
what known mistakes give (dilation used as a stride, causal zeros at the end, the odd "same"
zero at the start, pooling over channels...) to name the cause.
"""

from __future__ import annotations

import numpy as np

from cnnkit.grading.assertions import as_array, call, describe, difference, fail, same_values, signature
from cnnkit.grading.core import exercise
from cnnkit.grading.model_checks import SOFTMAX_TWICE, activation_name, build, layers_of

NOTEBOOK = "15_sequences_conv1d"


# ------------------------------------------------------------------ conv1d_forward
def _keras_conv1d(x, W, b, stride=1, padding="valid", dilation=1):
    """keras.layers.Conv1D in float64 with the given weights (the oracle)."""
    import keras

    layer = keras.layers.Conv1D(W.shape[2], W.shape[0], strides=stride, padding=padding, dilation_rate=dilation,
                                dtype="float64")
    layer.build((None, None, W.shape[1]))
    layer.set_weights([W, b])
    return np.asarray(layer(x), np.float64)


def _padded_valid(x, W, b, left, right, stride, dilation):
    """A "valid" Keras convolution of ``x`` padded by hand: how misplaced zeros come out."""
    return _keras_conv1d(np.pad(x, ((0, 0), (left, right), (0, 0))), W, b, stride, "valid", dilation)


def _conv1d_cases():
    """(batch, steps, c_in, k, c_out, stride, padding, dilation); never stride > 1 with dilation > 1,
    which Keras refuses."""
    return [(2, 9, 3, 3, 4, 1, "valid", 1), (2, 10, 2, 3, 3, 2, "valid", 1), (1, 12, 2, 3, 2, 1, "valid", 2),
            (2, 9, 3, 3, 4, 1, "same", 1), (2, 11, 2, 4, 3, 1, "same", 1), (1, 10, 2, 4, 2, 3, "same", 1),
            (2, 13, 2, 3, 2, 1, "same", 3), (2, 9, 3, 3, 4, 1, "causal", 1), (1, 12, 2, 2, 3, 1, "causal", 4),
            (2, 10, 3, 3, 2, 1, "causal", 2), (1, 11, 2, 3, 2, 2, "causal", 1), (2, 7, 1, 1, 2, 1, "same", 1)]


def _conv1d_shape_hint(length, steps, k, stride, padding, dilation):
    """Name the likely cause when conv1d_forward's output has the wrong number of steps."""
    span = (k - 1) * dilation + 1
    if dilation > 1 and length == (steps - k) // dilation + 1:
        return ("The dilation is applied like a stride: it spreads the kernel's taps apart inside one window "
                "(steps t * stride + i * dilation for i = 0 .. k - 1); the windows still move by `stride`.")
    if dilation > 1 and padding == "valid" and length == steps - k + 1:
        return "The dilation is ignored: a dilated window spans (k - 1) * dilation + 1 steps."
    if dilation > 1 and padding == "causal" and length == steps - (span - k):
        return "Causal padding must add (k - 1) * dilation zeros, the whole span of a dilated window minus one."
    if stride > 1 and length == _length(steps, k, 1, padding, dilation):
        return "Did you apply the stride? Output t starts at input step t * stride."
    if padding != "valid" and length == (steps - span) // stride + 1:
        return f'padding="{padding}" adds zeros: the output has ceil(steps / stride) steps.'
    return "valid: (steps - span) // stride + 1 outputs; same and causal: ceil(steps / stride)."


def _length(steps, k, stride, padding, dilation):
    if padding == "valid":
        return (steps - (k - 1) * dilation - 1) // stride + 1
    return -(-steps // stride)


def _conv1d_value_hint(y, x, W, b, stride, padding, dilation):
    """Name the likely cause when conv1d_forward's values are wrong, by trying known mistakes."""
    span = (W.shape[0] - 1) * dilation + 1
    if padding == "causal" and same_values(y, _padded_valid(x, W, b, 0, span - 1, stride, dilation)):
        return ("The zeros are on the wrong side: causal padding puts all (k - 1) * dilation zeros at the "
                "start, so that output t sees steps up to t and never a future one.")
    if padding == "same":
        total = max((-(-x.shape[1] // stride) - 1) * stride + span - x.shape[1], 0)  # Keras' zeros in all
        if total % 2 and same_values(y, _padded_valid(x, W, b, total - total // 2, total // 2, stride, dilation)):
            return ('With an odd number of "same" zeros, Keras puts the extra one at the end: '
                    "total // 2 at the start, the rest at the end.")
    if padding == "causal" and same_values(y, _keras_conv1d(x, W, b, stride, "same", dilation)):
        return "This is \"same\" padding (zeros on both sides): causal padding puts every zero at the start."
    if same_values(y, _keras_conv1d(x, W[::-1], b, stride, padding, dilation)):
        return "The kernel is flipped: Conv1D computes a cross-correlation; use W as it is."
    if same_values(y, _keras_conv1d(x, W, np.zeros_like(b), stride, padding, dilation)):
        return "The bias is missing: add b to every output step."
    if dilation > 1 and padding != "valid" and same_values(y, _keras_conv1d(x, W, b, stride, padding, 1)):
        return "The dilation is ignored: the taps of one window are `dilation` steps apart."
    return "Check the window: taps at steps t * stride + i * dilation of the padded input, all input channels."


@exercise(NOTEBOOK)
def check_conv1d_forward(conv1d_forward):
    rng = np.random.default_rng(15)
    for batch, steps, c_in, k, c_out, stride, padding, dilation in _conv1d_cases():
        x = rng.normal(size=(batch, steps, c_in))
        W = rng.normal(size=(k, c_in, c_out))
        b = rng.normal(size=c_out)
        original = x.copy()
        text = signature("conv1d_forward", (x, W, b), {"stride": stride, "padding": padding, "dilation": dilation})
        y = as_array(call(conv1d_forward, x, W, b, stride=stride, padding=padding, dilation=dilation), text)
        if not np.array_equal(x, original):
            fail(text, "changed its input array.", "Pad into a new array (np.pad) instead.")
        expected = _keras_conv1d(x, W, b, stride, padding, dilation)
        if y.shape != expected.shape:
            hint = ("Keep the batch axis first, time second and the filters last: (batch, steps_out, c_out)."
                    if y.ndim != 3 or y.shape[0] != batch or y.shape[2] != c_out
                    else _conv1d_shape_hint(y.shape[1], steps, k, stride, padding, dilation))
            fail(text, f"output has shape {y.shape}, expected {expected.shape}.", hint)
        if not np.all(np.isfinite(y)):
            fail(text, "the output holds NaN or infinity.")
        if not same_values(y, expected):
            fail(text, difference(y, expected), _conv1d_value_hint(y, x, W, b, stride, padding, dilation))


# ------------------------------------------------------------------ causal_receptive_field
def receptive_field_by_impulse(kernel_size, dilations):
    """Push an impulse at step 0 through causal Conv1D layers with kernels of ones: the last output
    step it reaches is R - 1, where R is how many steps one output spans (dilated taps leave gaps
    in between, so the reached steps are not counted)."""
    import keras

    length = 1 + sum((kernel_size - 1) * d for d in dilations) + 8  # the oracle's own upper bound, with room
    x = np.zeros((1, length, 1))
    x[0, 0, 0] = 1.0
    y = x
    for dilation in dilations:
        layer = keras.layers.Conv1D(1, kernel_size, padding="causal", dilation_rate=dilation, use_bias=False,
                                    kernel_initializer="ones", dtype="float64")
        y = np.asarray(layer(y))
    return int(np.flatnonzero(y[0, :, 0]).max()) + 1


# Wrong formulas learners write, each with the hint that names it.
_FIELD_MISTAKES = [
    (lambda k, ds: sum((k - 1) * d for d in ds),
     "Off by one: start from 1, the output's own step, then add (k - 1) * dilation per layer."),
    (lambda k, ds: 1 + len(ds) * (k - 1),
     "The dilations are ignored: a dilated layer reaches (k - 1) * dilation steps further back."),
    (lambda k, ds: sum(k * d for d in ds),
     "Each layer adds (k - 1) * dilation steps, not k * dilation: its newest tap is the step already seen."),
    (lambda k, ds: 1 + sum(k * d for d in ds),
     "Each layer adds (k - 1) * dilation steps, not k * dilation: its newest tap is the step already seen."),
    (lambda k, ds: k * int(np.prod(ds)) if ds else 1,
     "The fields add up layer by layer (1 + sum of (k - 1) * dilation); they do not multiply."),
]


@exercise(NOTEBOOK)
def check_causal_receptive_field(causal_receptive_field):
    cases = [(2, [1, 2, 4, 8]), (3, [1, 2, 4]), (3, [1, 1, 1]), (5, [1]), (2, [1, 2, 4, 8, 16, 32]),
             (4, [1, 3, 9]), (3, [2, 2]), (2, [])]
    answers = {}
    for kernel_size, dilations in cases:
        text = f"causal_receptive_field(kernel_size={kernel_size}, dilations={dilations})"
        result = call(causal_receptive_field, kernel_size, list(dilations))
        expected = receptive_field_by_impulse(kernel_size, dilations)
        if not isinstance(result, (int, np.integer)) or isinstance(result, bool):
            fail(text, f"returned {describe(result)}, expected the int {expected}.", "Return a whole number of steps.")
        answers[(kernel_size, tuple(dilations))] = (int(result), expected, text)
    wrong = [(case, answer) for case, answer in answers.items() if answer[0] != answer[1]]
    if not wrong:
        return
    _, (result, expected, text) = wrong[0]
    for formula, hint in _FIELD_MISTAKES:  # noqa: B007 - the hint of the loop that breaks is used below
        if all(formula(k, list(ds)) == answer[0] for (k, ds), answer in answers.items()):
            break
    else:
        hint = "The field is 1 + the sum over the layers of (kernel_size - 1) * dilation."
    fail(text, f"returned {result}, expected {expected}.", hint)


# ------------------------------------------------------------------ shared model checks
def _run(model, x, text, batch, num_classes, hint):
    """Run ``model`` in inference mode on ``x``; insist on ``(batch, num_classes)`` logits."""
    out = np.asarray(call(model, x, training=False, _hint=hint), np.float64)
    if out.shape != (batch, num_classes):
        fail(text, f"the model's output has shape {out.shape} for inputs of shape {x.shape}, expected "
                   f"{(batch, num_classes)}.", hint)
    if not np.all(np.isfinite(out)):
        fail(text, "the model's output holds NaN or infinity.")
    if np.all(out >= 0) and np.allclose(out.sum(axis=1), 1.0, atol=1e-4):
        fail(text, "the model outputs probabilities, not logits.", SOFTMAX_TWICE)
    return out


def _check_blocks(model, text, expected, padding):
    """Each Conv1D has the expected (filters, kernel size), the padding, no bias and no activation,
    and is followed by BatchNormalization, then ReLU."""
    import keras

    convs = layers_of(model, keras.layers.Conv1D)
    found = [(conv.filters, conv.kernel_size[0]) for conv in convs]
    if found != expected:
        fail(text, f"the Conv1D layers have (filters, kernel size) {found}, expected {expected}.")
    for conv in convs:
        if conv.padding != padding:
            fail(text, f"{conv.name} has padding={conv.padding!r}, expected {padding!r}.",
                 "'same' keeps the length, so every block sees the whole series." if padding == "same" else None)
        if activation_name(conv) != "linear":
            fail(text, f"{conv.name} applies {activation_name(conv)} itself.",
                 "The order is Conv1D -> BatchNormalization -> ReLU: leave the convolution without activation.")
        if conv.use_bias:
            fail(text, f"{conv.name} has a bias.",
                 "A convolution followed by batch normalisation needs no bias (use_bias=False): the "
                 "normalisation's beta replaces it.")
    order = [layer for layer in model.layers
             if isinstance(layer, (keras.layers.Conv1D, keras.layers.BatchNormalization))
             or activation_name(layer) == "relu" or isinstance(layer, keras.layers.ReLU)]
    kinds = ["conv" if isinstance(layer, keras.layers.Conv1D)
             else "bn" if isinstance(layer, keras.layers.BatchNormalization) else "relu" for layer in order]
    if kinds != ["conv", "bn", "relu"] * len(convs):
        fail(text, f"the layers come in the order {kinds}.",
             "Each block is Conv1D -> BatchNormalization -> ReLU, in that order.")


def _check_time_pooling(model, text, kind, other, why_kind):
    """The model pools with ``kind`` over the time axis, keeping one value per channel."""
    import keras

    pools = layers_of(model, kind)
    if not pools:
        if layers_of(model, other):
            fail(text, f"the model uses {other.__name__}.", why_kind)
        if layers_of(model, keras.layers.Flatten):
            fail(text, "the model flattens the feature maps.",
                 f"Use {kind.__name__}: one value per channel, whatever the length, with far fewer weights.")
        fail(text, f"the model has no {kind.__name__} layer.", why_kind)
    if getattr(pools[0], "data_format", "channels_last") != "channels_last":
        fail(text, f"{pools[0].name} pools over the channels (data_format={pools[0].data_format!r}).",
             "Pool over time, the steps axis: the default data_format='channels_last' keeps one value per channel.")


def _dense_params(n_in, n_out):
    return n_in * n_out + n_out


# ------------------------------------------------------------------ build_conv1d_classifier
def _fcn_params(channels, num_classes, filters, kernel_sizes):
    widths = [channels, *filters]
    convs = sum(k * c_in * c_out for k, c_in, c_out in zip(kernel_sizes, widths, widths[1:]))
    return convs + sum(4 * f for f in filters) + _dense_params(filters[-1], num_classes)


ANY_LENGTH = ("With input_shape (None, channels) the model must accept any length: keep 'same' convolutions "
              "and a global pooling over time, with no Flatten or fixed-size layer.")


@exercise(NOTEBOOK)
def check_build_conv1d_classifier(build_conv1d_classifier):
    import keras

    rng = np.random.default_rng(5)
    why_average = ("The FCN averages each channel over time (GlobalAveragePooling1D): its class activation "
                   "map relies on the average.")
    for input_shape, num_classes, kwargs in [((150, 2), 2, {}), ((60, 1), 4, {"filters": (16, 32, 8),
                                                                              "kernel_sizes": (7, 5, 3)})]:
        model, text = build(build_conv1d_classifier, input_shape, num_classes, **kwargs)
        _run(model, rng.normal(size=(3, *input_shape)), text, 3, num_classes, "Check the layers' shapes.")
        filters, kernel_sizes = kwargs.get("filters", (128, 256, 128)), kwargs.get("kernel_sizes", (8, 5, 3))
        _check_blocks(model, text, list(zip(filters, kernel_sizes)), "same")
        _check_time_pooling(model, text, keras.layers.GlobalAveragePooling1D, keras.layers.GlobalMaxPooling1D,
                            why_average)
        expected = _fcn_params(input_shape[1], num_classes, filters, kernel_sizes)
        if model.count_params() != expected:
            fail(text, f"the model has {model.count_params():,} parameters, expected {expected:,}.",
                 "After the pooling comes one Dense layer with num_classes units, nothing else.")
    model, text = build(build_conv1d_classifier, (None, 1), 3, _hint=ANY_LENGTH)
    for steps in (40, 75):
        _run(model, rng.normal(size=(2, steps, 1)), text, 2, 3, ANY_LENGTH)


# ------------------------------------------------------------------ build_text_cnn
def _text_cnn_params(vocab_size, num_classes, embedding_dim, filters, kernel_size):
    return (vocab_size * embedding_dim + kernel_size * embedding_dim * filters + 4 * filters
            + _dense_params(filters, num_classes))


@exercise(NOTEBOOK)
def check_build_text_cnn(build_text_cnn):
    import keras

    rng = np.random.default_rng(6)
    why_max = ("A text CNN keeps each filter's strongest response anywhere in the text (GlobalMaxPooling1D): "
               "a telling phrase counts wherever it appears, however long the review.")
    for args, kwargs in [((500, 40, 2), {}), ((1000, 64, 3), {"embedding_dim": 16, "filters": 8, "kernel_size": 3,
                                                               "dropout": 0.25})]:
        vocab_size, sequence_length, num_classes = args
        model, text = build(build_text_cnn, *args, **kwargs)
        tokens = rng.integers(0, vocab_size, size=(3, sequence_length))
        tokens[0, :] = vocab_size - 1  # the largest id must have an embedding too
        _run(model, tokens.astype("int32"), text, 3, num_classes,
             "The input is (batch, sequence_length) integer token ids: start with an Embedding layer.")
        embeddings = layers_of(model, keras.layers.Embedding)
        if len(embeddings) != 1:
            fail(text, f"the model has {len(embeddings)} Embedding layers, expected 1.")
        embedding_dim = kwargs.get("embedding_dim", 64)
        if embeddings[0].input_dim != vocab_size:
            fail(text, f"the Embedding has {embeddings[0].input_dim} rows, expected vocab_size = {vocab_size}.",
                 "Token ids run from 0 to vocab_size - 1: Embedding(vocab_size, embedding_dim), one row per id.")
        if embeddings[0].output_dim != embedding_dim:
            fail(text, f"the Embedding gives vectors of length {embeddings[0].output_dim}, expected "
                       f"embedding_dim = {embedding_dim}.")
        _check_blocks(model, text, [(kwargs.get("filters", 128), kwargs.get("kernel_size", 5))], "valid")
        _check_time_pooling(model, text, keras.layers.GlobalMaxPooling1D, keras.layers.GlobalAveragePooling1D,
                            why_max)
        dropouts = [layer.rate for layer in layers_of(model, keras.layers.Dropout)]
        if dropouts != [kwargs.get("dropout", 0.5)]:
            fail(text, f"the Dropout rates are {dropouts}, expected [{kwargs.get('dropout', 0.5)}].",
                 "One Dropout(dropout) layer, between the pooling and the classifier.")
        expected = _text_cnn_params(vocab_size, num_classes, embedding_dim, kwargs.get("filters", 128),
                                    kwargs.get("kernel_size", 5))
        if model.count_params() != expected:
            fail(text, f"the model has {model.count_params():,} parameters, expected {expected:,}.",
                 "After the pooling and the dropout comes one Dense layer with num_classes units, nothing else.")
