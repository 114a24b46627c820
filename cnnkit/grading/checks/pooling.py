"""Checks for notebook 02, pooling and activations.

Oracles are independent of the learner's code: TensorFlow's ``tf.nn.max_pool2d``,
``tf.nn.avg_pool2d``, ``tf.nn.relu`` and ``tf.nn.softmax``, and, for receptive fields, the
gradient of one output of a stack of convolutions with respect to its input
(``tf.GradientTape``): the input pixels with a non-zero gradient are the ones it sees.
"""

from __future__ import annotations

import numpy as np

from cnnkit.grading.assertions import as_array, call, call_with, describe, difference, fail, same_values, signature
from cnnkit.grading.core import exercise
from cnnkit.grading.harnesses import returning_arguments
from cnnkit.grading.references import tf_pool

NOTEBOOK = "02_pooling_and_activations"



def _pool_value_hint(out, A, f, stride, mode):
    """Name the likely cause when pool_forward's values are wrong, by trying known mistakes."""
    expected = tf_pool(A, f, stride, mode)
    across_channels = np.broadcast_to(expected.max(axis=-1, keepdims=True) if mode == "max"
                                      else expected.mean(axis=-1, keepdims=True), expected.shape)
    if same_values(out, across_channels):
        return ("You pooled over the channels too: reduce each window over its height and width only "
                "(axis=(1, 2)); every channel is pooled on its own.")
    other = "average" if mode == "max" else "max"
    if same_values(out, tf_pool(A, f, stride, other)):
        return f"With mode={mode!r} you computed the {other}: check how you use the mode argument."
    if mode == "average":
        ratio = out / expected
        if np.allclose(ratio, ratio.flat[0], rtol=1e-6):
            return (f"Your averages are {ratio.flat[0]:.4g} times the right value: divide each window's sum by the number "
                    f"of values it holds in one channel, f * f = {f * f}, or use .mean(axis=(1, 2)).")
    dense = tf_pool(A, f, 1, mode)
    if stride > 1 and same_values(out, dense[:, :out.shape[1], :out.shape[2], :]):
        return "The stride is ignored when choosing windows: window (h, w) starts at row h * stride, column w * stride."
    return "Check the window slicing: rows top:top + f, columns left:left + f, every channel."


@exercise(NOTEBOOK)
def check_pool_forward(pool_forward):
    rng = np.random.default_rng(21)
    cases = [((2, 4, 4, 3), 2, 2), ((1, 6, 6, 2), 3, 3), ((2, 7, 5, 4), 3, 2), ((2, 6, 6, 3), 3, 1),
             ((1, 9, 8, 2), 2, 3), ((3, 5, 5, 5), 5, 1)]
    for shape, f, stride in cases:
        for mode in ("max", "average"):
            A = rng.normal(size=shape)
            text = signature("pool_forward", (A,), {"f": f, "stride": stride, "mode": mode})
            out = as_array(call(pool_forward, A, f, stride, mode=mode,
                                _hint="Reduce each window over axes 1 and 2 (height and width)."), text)
            expected = tf_pool(A, f, stride, mode)
            if out.shape != expected.shape:
                if out.ndim == 4 and out.shape[:3] == expected.shape[:3]:
                    hint = "Pooling keeps the number of channels: pool each channel on its own."
                elif stride > 1 and out.shape[1] == shape[1] - f + 1:
                    hint = "Did you apply the stride? n_H = (n_H_prev - f) // stride + 1."
                else:
                    hint = "n_H = (n_H_prev - f) // stride + 1 and likewise n_W; batch and channels do not change."
                fail(text, f"output has shape {out.shape}, expected {expected.shape}.", hint)
            if not same_values(out, expected):
                fail(text, difference(out, expected), _pool_value_hint(out, A, f, stride, mode))


@exercise(NOTEBOOK)
def check_relu(relu):
    rng = np.random.default_rng(22)
    for shape in [(3, 4), (2, 5, 5, 3), (7,)]:
        Z = rng.normal(size=shape)
        original = Z.copy()
        text = signature("relu", (Z,), {})
        answer = call_with(returning_arguments, relu, Z)
        out = as_array(answer["result"], text)
        expected = np.where(original > 0, original, 0.0)
        if not np.array_equal(answer["args"][0], original):
            fail(text, "changed its input array.", "Return a new array, e.g. np.maximum(Z, 0), instead of "
                                                   "writing zeros into Z.")
        if out.shape != expected.shape:
            hint = ("np.max(Z, 0) takes the maximum along axis 0; np.maximum(Z, 0) compares element by element."
                    if out.shape == original.max(axis=0).shape else "ReLU works element by element: same shape out.")
            fail(text, f"output has shape {out.shape}, expected {expected.shape}.", hint)
        if not same_values(out, expected):
            if same_values(out, (original > 0).astype(float)):
                hint = "You returned the mask Z > 0 (that is ReLU's derivative): keep the positive values themselves."
            else:
                hint = "Negative values become 0, positive values stay as they are."
            fail(text, difference(out, expected), hint)


def _tf_softmax(Z, axis):
    import tensorflow as tf

    return tf.nn.softmax(tf.constant(Z, tf.float64), axis=axis).numpy()


@exercise(NOTEBOOK)
def check_softmax(softmax):
    rng = np.random.default_rng(23)
    cases = [
        (rng.normal(size=(4, 5)), -1, None),
        (rng.normal(size=(3, 4)), 0, None),
        (rng.normal(size=(2, 3, 4)), 1, None),
        (np.array([[1000.0, 1001.0, 1002.0]]), -1, "large"),
        (np.array([[1000.0, 1001.0, 999.0], [-2.0, 0.0, 1.0]]), -1, "scales"),
    ]
    for Z, axis, kind in cases:
        text = signature("softmax", (Z,), {"axis": axis})
        with np.errstate(all="ignore"):
            out = as_array(call(softmax, Z, axis=axis), text)
        expected = _tf_softmax(Z, axis)
        if out.shape != expected.shape:
            fail(text, f"output has shape {out.shape}, expected {expected.shape}.",
                 "Softmax keeps the shape: use keepdims=True when you take the max and the sum along axis.")
        if not np.all(np.isfinite(out)):
            if kind == "large":
                hint = ("It overflows: np.exp(1000) is inf. Subtract the maximum along axis first "
                        "(np.max(Z, axis=axis, keepdims=True)); the result does not change.")
            elif kind == "scales":
                hint = ("Subtract the maximum of each slice along axis (np.max(Z, axis=axis, keepdims=True)), not the "
                        "maximum of the whole array: a row far below it underflows to 0 / 0.")
            else:
                hint = "Subtract the maximum along axis before np.exp."
            fail(text, "returned inf or nan values.", hint)
        if not same_values(out, expected):
            sums = out.sum(axis=axis)
            if np.isclose(out.sum(), 1.0) and Z.size > Z.shape[axis]:
                hint = "The whole array sums to 1: sum along axis only (np.sum(..., axis=axis, keepdims=True))."
            elif axis not in (-1, Z.ndim - 1) and same_values(out, _tf_softmax(Z, -1)):
                hint = f"You normalised along the last axis; use the axis argument (here axis={axis})."
            elif not np.allclose(sums, 1.0):
                hint = "The probabilities along axis should sum to 1: divide np.exp(...) by its sum along axis."
            else:
                hint = "softmax(z)_i = exp(z_i - max z) / sum_j exp(z_j - max z) along axis."
            fail(text, difference(out, expected), hint)


def receptive_field_by_gradient(layers, length=512):
    """The receptive field of a 1-D stack of all-ones convolutions, one per (kernel, stride)
    pair, measured as the number of input pixels whose gradient reaches the first output."""
    import tensorflow as tf

    x = tf.zeros((1, 1, length, 1), tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x
        for kernel, stride in layers:
            y = tf.nn.conv2d(y, tf.ones((1, kernel, 1, 1), tf.float64), strides=[1, 1, stride, 1], padding="VALID")
        first = y[0, 0, 0, 0]
    return int(np.count_nonzero(tape.gradient(first, x).numpy()))


def _field_ignoring_strides(layers):
    return 1 + sum(k - 1 for k, _ in layers)


def _field_own_stride(layers):
    return 1 + sum((k - 1) * s for k, s in layers)


def _field_sum_of_kernels(layers):
    return sum(k for k, _ in layers)


# Wrong formulas learners often use, each with the hint that names it.
_FIELD_MISTAKES = [
    (_field_ignoring_strides,
     "The strides are ignored: a layer's kernel covers neighbours that are (product of the strides of all "
     "earlier layers) input pixels apart, so multiply (kernel - 1) by that stride product."),
    (_field_own_stride,
     "Each layer's (kernel - 1) is multiplied by the product of the strides of the layers BEFORE it, "
     "not by its own stride."),
    (_field_sum_of_kernels,
     "Adding up the kernel sizes counts the shared pixel of neighbouring layers twice: start at 1 and add "
     "(kernel - 1) times the stride product of the earlier layers."),
    (lambda layers: receptive_field_by_gradient(layers) - 1,
     "Off by one: a stack of no layers sees 1 pixel, so start the count at 1."),
]


@exercise(NOTEBOOK)
def check_receptive_field(receptive_field):
    cases = [[(3, 1)], [(3, 1), (3, 1)], [(5, 1), (2, 2), (5, 1)], [(3, 2), (3, 2), (3, 2)],
             [(7, 2), (3, 2), (3, 1), (3, 1)], [(11, 4), (3, 2), (5, 1), (3, 2), (3, 1)], [(2, 2), (2, 2)], []]
    answers = []
    for layers in cases:
        text = f"receptive_field({layers})"
        result = call(receptive_field, list(layers))
        expected = receptive_field_by_gradient(layers)
        if not isinstance(result, (int, np.integer)) or isinstance(result, bool):
            fail(text, f"returned {describe(result)}, expected the int {expected}.",
                 "Use whole numbers only (no / division)." if isinstance(result, float) else None)
        answers.append((layers, int(result), expected, text))
    wrong = [answer for answer in answers if answer[1] != answer[2]]
    if not wrong:
        return
    _, result, expected, text = wrong[0]
    for formula, hint in _FIELD_MISTAKES:  # noqa: B007 - the hint of the loop that breaks is used below
        if all(formula(layers) == given for layers, given, _, _ in answers):
            break
    else:
        hint = "Start at 1; each layer adds (kernel - 1) times the product of the strides of the layers before it."
    fail(text, f"returned {result}, expected {expected}.", hint)
