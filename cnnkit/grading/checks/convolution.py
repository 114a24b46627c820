"""Checks for notebook 01, convolution basics.

Oracles are independent of the learner's code: ``np.pad`` for padding, TensorFlow's
``tf.nn.conv2d`` for convolutions (the by-hand worked example included) and output sizes, and
Keras' ``Conv2D`` for parameter counts. When an answer is wrong, the checks test it against the answers that common
mistakes give (a flipped kernel, a forgotten bias, an ignored stride...) to name the cause.
"""

from __future__ import annotations

import numpy as np

from cnnkit.grading.assertions import as_array, call, call_with, describe, difference, fail, same_values, signature
from cnnkit.grading.core import exercise
from cnnkit.grading.harnesses import returning_arguments
from cnnkit.grading.references import conv_cases, conv_shape_hint, conv_value_hint, tf_conv

NOTEBOOK = "01_convolution_basics"



# The worked example of correlate_by_hand, as its docstring shows it to the learner.
_HAND_X = np.array([[1, 0, 2, 3], [4, 1, 0, 1], [0, 2, 1, 0], [3, 1, 0, 2]], dtype=float)
_HAND_K = np.array([[1, -1], [2, 0]], dtype=float)
_HAND_B = 1.0


def _hand_output(K):
    """The worked example's output with kernel ``K`` (the learner's K, or a mistaken one), by TensorFlow."""
    return tf_conv(_HAND_X[None, :, :, None], K[:, :, None, None], np.array([_HAND_B]), 1, 0)[0, :, :, 0]


@exercise(NOTEBOOK)
def check_correlate_by_hand(correlate_by_hand):
    text = "correlate_by_hand()"
    Z = as_array(call(correlate_by_hand), text)
    expected = _hand_output(_HAND_K)
    if Z.shape != expected.shape:
        if Z.size == expected.size:
            hint = "Arrange the nine values as 3 rows of 3: np.array([[a, b, c], [d, e, f], [g, h, i]])."
        elif Z.shape == (2, 2):
            hint = "The stride is 1 here: the window moves one cell at a time."
        elif Z.shape in ((4, 4), (5, 5)):
            hint = "There is no padding here: only windows that fit inside X count."
        else:
            hint = "Without padding and with stride 1, the 2x2 kernel fits at 4 - 2 + 1 = 3 positions per axis."
        fail(text, f"returned an array of shape {Z.shape}, expected (3, 3).", hint)
    if same_values(Z, expected):
        return
    if same_values(Z, _hand_output(_HAND_K[::-1, ::-1])):
        fail(text, "these are the values of a true convolution, with the kernel flipped.",
             "CNN layers compute cross-correlation: lay K on the window as it is, K[0, 0] on the window's top-left.")
    if same_values(Z, expected.T):
        fail(text, "rows and columns are swapped (your answer is the transpose).",
             "output[h, w] comes from the window whose top-left cell is X[h, w]: h counts rows, w columns.")
    if same_values(Z, expected - _HAND_B):
        fail(text, "every value is off by the same amount.", "The bias is missing: add b = 1 to every window's sum.")
    wrong = np.argwhere(~np.isclose(Z, expected, atol=1e-6))
    h, w = (int(i) for i in wrong[0])
    count = "1 of 9 values is" if len(wrong) == 1 else f"{len(wrong)} of 9 values are"
    fail(text, f"{count} wrong, the first at output[{h}, {w}] = {Z[h, w]:g}.",
         f"Recompute it: multiply X[{h}:{h + 2}, {w}:{w + 2}] by K element by element, sum the four products "
         "and add b.")


@exercise(NOTEBOOK)
def check_zero_pad(zero_pad):
    rng = np.random.default_rng(1)
    for shape, pad in [((2, 3, 4, 3), 1), ((1, 5, 5, 1), 2), ((3, 2, 2, 2), 0), ((1, 4, 3, 5), 3)]:
        X = rng.normal(size=shape)
        original = X.copy()
        text = signature("zero_pad", (X,), {"pad": pad})
        answer = call_with(returning_arguments, zero_pad, X, pad)
        padded = as_array(answer["result"], text)
        expected = np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
        if not np.array_equal(answer["args"][0], original):
            fail(text, "changed its input array.", "Return a new padded array instead.")
        if padded.shape != expected.shape:
            m, _, _, channels = shape
            if padded.ndim == 4 and padded.shape[0] != m and padded.shape[3] != channels:
                hint = "You padded every axis: pad only height and width (axes 1 and 2)."
            elif padded.ndim == 4 and padded.shape[0] != m:
                hint = "You padded the batch axis (axis 0): pad only height and width (axes 1 and 2)."
            elif padded.ndim == 4 and padded.shape[3] != channels:
                hint = "You padded the channel axis (axis 3): pad only height and width (axes 1 and 2)."
            else:
                hint = "Add `pad` rows on top and bottom and `pad` columns on left and right."
            fail(text, f"output has shape {padded.shape}, expected {expected.shape}.", hint)
        if not same_values(padded, expected):
            border = padded.copy()
            border[:, pad:pad + shape[1], pad:pad + shape[2], :] = 0
            if np.any(border != 0):
                fail(text, "the added border is not all zeros.", "Pad with the constant 0.")
            fail(text, difference(padded, expected), "The original image must sit, unchanged, in the middle.")


@exercise(NOTEBOOK)
def check_conv_single_step(conv_single_step):
    rng = np.random.default_rng(2)
    for shape in [(3, 3, 4), (2, 2, 1), (5, 3, 2)]:
        a_slice, W = rng.normal(size=shape), rng.normal(size=shape)
        b = float(rng.normal())
        text = signature("conv_single_step", (a_slice, W, b), {})
        result = call(conv_single_step, a_slice, W, b)
        value = as_array(result, text)
        expected = float(np.sum(a_slice * W) + b)
        if value.size != 1:
            hint = ("You returned the element-wise product: sum all of it into one number."
                    if value.shape == shape else "Return one number: sum over the whole window.")
            fail(text, f"returned {describe(result)}, expected a single number.", hint)
        value = float(value.reshape(()))
        if np.isclose(value, expected, atol=1e-6):
            continue
        if np.isclose(value, expected - b, atol=1e-6):
            fail(text, f"returned {value:.6g}, expected {expected:.6g}.", "The bias b is missing: add it to the sum.")
        fail(text, f"returned {value:.6g}, expected {expected:.6g}.",
             "Multiply the window and the filter element by element, sum everything, then add b.")


def _output_size(n, f, pad, stride):
    """The size tf.nn.conv2d gives along one axis (oracle for output shapes)."""
    import tensorflow as tf

    padding = [[0, 0], [pad, pad], [0, 0], [0, 0]]
    out = tf.nn.conv2d(tf.zeros((1, n, 1, 1)), tf.zeros((f, 1, 1, 1)), strides=[1, stride, 1, 1], padding=padding)
    return int(out.shape[1])


# Wrong formulas learners often write, each with the hint that names it.
_OUTPUT_SIZE_MISTAKES = [
    (lambda n, f, p, s: (n + 2 * p - f) // s,
     "Off by one: add 1 for the first window position, which the division does not count."),
    (lambda n, f, p, s: n + 2 * p - f + 1,
     "The stride is ignored: divide the distance the kernel can travel by the stride."),
    (lambda n, f, p, s: (n + p - f) // s + 1,
     "Padding is added on both sides, so it counts twice: use 2 * pad."),
    (lambda n, f, p, s: -(-(n + 2 * p - f) // s) + 1,
     "Round down, not up: a window that does not fully fit is not counted."),
]


@exercise(NOTEBOOK)
def check_conv_output_size(conv_output_size):
    cases = [(5, 3, 0, 1), (7, 3, 1, 2), (32, 5, 2, 1), (28, 2, 0, 2), (6, 3, 0, 2),
             (10, 4, 1, 3), (224, 7, 3, 2), (1, 1, 0, 1), (13, 13, 0, 5), (9, 3, 2, 4)]
    answers = {}
    for n, f, pad, stride in cases:
        text = f"conv_output_size(n={n}, f={f}, pad={pad}, stride={stride})"
        result = call(conv_output_size, n, f, pad, stride)
        expected = _output_size(n, f, pad, stride)
        if not isinstance(result, (int, np.integer)) or isinstance(result, bool):
            hint = ("Use floor division `//`: a window that does not fit is not counted."
                    if isinstance(result, float) else "Return a whole number.")
            fail(text, f"returned {describe(result)}, expected the int {expected}.", hint)
        answers[(n, f, pad, stride)] = (int(result), expected, text)
    wrong = [(case, answer) for case, answer in answers.items() if answer[0] != answer[1]]
    if not wrong:
        return
    (n, f, pad, stride), (result, expected, text) = wrong[0]
    # Name the mistake whose formula explains every answer the learner gave.
    for formula, hint in _OUTPUT_SIZE_MISTAKES:  # noqa: B007 - the hint of the loop that breaks is used below
        if all(formula(*case) == answer[0] for case, answer in answers.items()):
            break
    else:
        hint = ("Off by one: check the +1." if abs(result - expected) == 1
                else "The formula is (n + 2 * pad - f) // stride + 1.")
    fail(text, f"returned {result}, expected {expected}.", hint)


def _conv_layer_params(kh, kw, c_in, c_out, bias):
    """Parameter count of a Keras Conv2D layer (oracle)."""
    import keras

    layer = keras.layers.Conv2D(c_out, (kh, kw), use_bias=bias)
    layer.build((None, max(kh, 8), max(kw, 8), c_in))
    return layer.count_params()


@exercise(NOTEBOOK)
def check_conv_param_count(conv_param_count):
    for kh, kw, c_in, c_out, bias in [(3, 3, 3, 64, True), (5, 5, 6, 16, True), (1, 1, 256, 64, False),
                                      (3, 5, 2, 7, True), (7, 7, 3, 96, False)]:
        text = f"conv_param_count(kh={kh}, kw={kw}, c_in={c_in}, c_out={c_out}, bias={bias})"
        result = call(conv_param_count, kh, kw, c_in, c_out, bias=bias)
        expected = _conv_layer_params(kh, kw, c_in, c_out, bias)
        if not isinstance(result, (int, np.integer)) or isinstance(result, bool):
            fail(text, f"returned {describe(result)}, expected the int {expected}.")
        if result == expected:
            continue
        weights = kh * kw * c_in * c_out
        if bias and result == weights:
            hint = "The biases are missing: each filter (output channel) has one bias."
        elif not bias and result == weights + c_out:
            hint = "With bias=False the layer has no biases: count only the weights."
        elif bias and result == weights + c_in:
            hint = "There is one bias per output channel (c_out), not per input channel."
        elif result in (kh * kw * c_out + (c_out if bias else 0), kh * kw * c_in + (c_out if bias else 0)):
            hint = "Each of the c_out filters spans all c_in input channels: kh * kw * c_in * c_out weights."
        else:
            hint = "Count kh * kw * c_in weights per filter, c_out filters, plus one bias per filter."
        fail(text, f"returned {result}, expected {expected}.", hint)



@exercise(NOTEBOOK, uses=("zero_pad", "conv_single_step"))
def check_conv_forward(conv_forward):
    rng = np.random.default_rng(3)
    for m, n_H, n_W, c_in, kh, kw, c_out, stride, pad in conv_cases(rng):
        A = rng.normal(size=(m, n_H, n_W, c_in))
        W = rng.normal(size=(kh, kw, c_in, c_out))
        b = rng.normal(size=c_out)
        text = signature("conv_forward", (A, W, b), {"stride": stride, "pad": pad})
        crash_hint = "Kernel height W.shape[0] and width W.shape[1] may differ here." if kh != kw else None
        Z = as_array(call(conv_forward, A, W, b, stride, pad, _hint=crash_hint), text)
        expected = tf_conv(A, W, b, stride, pad)
        if Z.shape != expected.shape:
            fail(text, f"output has shape {Z.shape}, expected {expected.shape}.",
                 conv_shape_hint(Z.shape, A, W, stride, pad))
        if not same_values(Z, expected):
            fail(text, difference(Z, expected), conv_value_hint(Z, A, W, b, stride, pad))


def _same_conv_matches(n, f, stride, before, after):
    """Whether padding ``before``/``after`` cells and a "valid" convolution give TensorFlow's "same" one.

    The oracle is ``tf.nn.conv2d(padding="SAME")`` on a random 1-D signal and kernel: the values, not
    only the size, must agree, so a padding that is right in total but wrongly split fails.
    """
    import tensorflow as tf

    rng = np.random.default_rng(n * 100 + f * 10 + stride)
    x = tf.constant(rng.normal(size=(1, n, 1, 1)))
    k = tf.constant(rng.normal(size=(f, 1, 1, 1)))
    same = tf.nn.conv2d(x, k, strides=[1, stride, 1, 1], padding="SAME").numpy()
    if min(before, after) < 0 or n + before + after < f:
        return False
    padded = tf.pad(x, [[0, 0], [before, after], [0, 0], [0, 0]])
    valid = tf.nn.conv2d(padded, k, strides=[1, stride, 1, 1], padding="VALID").numpy()
    return valid.shape == same.shape and same_values(valid, same)


def _same_padding_hint(n, f, stride, before, after):
    """Name the likely cause of a wrong ``same_padding`` answer (a hand-worked formula, hints only)."""
    out = -(-n // stride)
    total = max((out - 1) * stride + f - n, 0)
    if before + after == total and before > after:
        return ("The total is right but the odd cell is on the wrong side: TensorFlow puts the extra one "
                "after (bottom or right), pad_before = total // 2.")
    if before + after == total:
        return "The total is right but split wrongly: pad_before = total // 2, pad_after = the rest."
    if before == after and before + after == total - 1:
        return ("Both sides got total // 2, so one cell is lost when the total padding is odd: "
                "the odd cell goes after (pad_after = total - pad_before).")
    if min(before, after) < 0:
        return "Padding cannot be negative: when the kernel is smaller than the stride, clip the total at 0."
    if stride > 1 and before + after == f - 1:
        return ("The stride is ignored: the output size is ceil(n / stride), and the total padding is "
                "max((out - 1) * stride + f - n, 0).")
    if stride > 1 and n % stride and before + after == max((n // stride - 1) * stride + f - n, 0):
        return "Round the output size up: out = ceil(n / stride), e.g. -(-n // stride)."
    return ("The output size of \"same\" is out = ceil(n / stride); the total padding is "
            "max((out - 1) * stride + f - n, 0), of which total // 2 goes before and the rest after.")


@exercise(NOTEBOOK)
def check_same_padding(same_padding):
    cases = [(5, 3, 1), (8, 3, 2), (7, 3, 2), (8, 4, 1), (224, 7, 2), (6, 1, 2), (9, 2, 4),
             (10, 5, 3), (1, 3, 1), (28, 2, 2), (13, 6, 5), (4, 5, 1)]
    for n, f, stride in cases:
        text = f"same_padding(input_size={n}, kernel_size={f}, stride={stride})"
        result = call(same_padding, n, f, stride)
        if (not isinstance(result, (tuple, list)) or len(result) != 2
                or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in result)):
            hint = ("Use integer arithmetic (// and max), not /: padding is a whole number of cells."
                    if isinstance(result, (tuple, list)) and len(result) == 2 else None)
            fail(text, f"returned {describe(result)}, expected a pair of ints (pad_before, pad_after).",
                 hint or "Return a tuple (pad_before, pad_after).")
        before, after = (int(v) for v in result)
        if not _same_conv_matches(n, f, stride, before, after):
            fail(text, f"returned ({before}, {after}): padding the input this way and convolving with "
                       "\"valid\" does not give tf.nn.conv2d's \"SAME\" output.",
                 _same_padding_hint(n, f, stride, before, after))
