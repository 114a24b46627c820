"""Checks for notebook 03, backpropagation from scratch.

Oracles are independent of the learner's code: ``tf.GradientTape`` gradients of
``tf.nn.conv2d``, ``tf.nn.max_pool2d``, ``tf.nn.avg_pool2d`` and of batch normalisation written
with TensorFlow ops for the backward passes,
closed-form derivatives for the numerical gradient, ``tf.nn.conv2d`` for the vectorised
convolution, and plain arithmetic for the SGD step.
"""

from __future__ import annotations

import time

import numpy as np

from cnnkit.grading.assertions import as_array, call, call_with, describe, difference, fail, same_values, signature
from cnnkit.grading.core import exercise
from cnnkit.grading.harnesses import returning_arguments
from cnnkit.grading.references import conv_cases, conv_shape_hint, conv_value_hint, tf_conv, tf_pool

NOTEBOOK = "03_backprop_from_scratch"


def tape_gradients(forward, inputs, upstream):
    """Gradients of sum(forward(*inputs) * upstream) with respect to each input (float64 arrays),
    by ``tf.GradientTape``: what a backward pass given ``upstream`` as the output's gradient returns."""
    import tensorflow as tf

    variables = [tf.constant(x, tf.float64) for x in inputs]
    with tf.GradientTape() as tape:
        tape.watch(variables)
        loss = tf.reduce_sum(forward(*variables) * upstream)
    return [g.numpy() for g in tape.gradient(loss, variables)]


def _conv_inputs(rng):
    """(A_prev, W, b, stride, pad) for each case of notebook 01's convolution checks."""
    for m, n_H, n_W, c_in, kh, kw, c_out, stride, pad in conv_cases(rng):
        yield (rng.normal(size=(m, n_H, n_W, c_in)), rng.normal(size=(kh, kw, c_in, c_out)),
               rng.normal(size=c_out), stride, pad)


# ------------------------------------------------------------------ numerical_gradient
# The functions numerical_gradient is checked on: module-level, so that they can be named to the
# learner's code (a callable does not cross), and with M fixed once.
_M = np.random.default_rng(31).normal(size=(3, 4))


def _cube_sum(x):
    return np.sum(x ** 3)


def _mixed_sum(x):
    return np.sum(x) ** 2 + np.sum(_M * x)


_DIFFERENTIATED = {f.__name__: f for f in (_cube_sum, _mixed_sum)}


def differentiate_named(numerical_gradient, f_name, x, eps):
    """Harness: ``numerical_gradient`` of this module's function ``f_name`` at ``x``, with ``x`` as
    the call left it (to see whether it was changed in place)."""
    return {"gradient": numerical_gradient(_DIFFERENTIATED[f_name], x, eps), "x": x}


@exercise(NOTEBOOK)
def check_numerical_gradient(numerical_gradient):
    rng = np.random.default_rng(31)
    rng.normal(size=(3, 4))  # the draw that made _M, so that the x below stay as they were
    M = _M
    cases = [
        # f, its exact gradient, and a likely mistake's answer with its hint
        ("np.sum(x ** 3)", _cube_sum, lambda x, e: 3 * x ** 2 + e ** 2),
        ("np.sum(x) ** 2 + np.sum(M * x)", _mixed_sum, lambda x, e: 2 * np.sum(x) + M),
    ]
    for label, f, exact in cases:
        x = rng.normal(size=(3, 4))
        original = x.copy()
        eps = 1e-3
        text = f"numerical_gradient(f=lambda x: {label}, x={describe(x)}, eps={eps})"
        answer = call_with(differentiate_named, numerical_gradient, f.__name__, x, eps, _shown=text)
        grad = as_array(answer["gradient"], text)
        if not np.array_equal(answer["x"], original):
            fail(text, "changed the array x it was given.",
                 "Put each entry back to its original value after evaluating f (or work on a copy of x).")
        if grad.shape != x.shape:
            fail(text, f"returned shape {grad.shape}, expected {x.shape}.",
                 "Return one partial derivative per entry of x, in an array shaped like x.")
        expected = exact(x, eps)
        if same_values(grad, expected, atol=1e-6):
            continue
        forward = np.array([(f(x + eps * e) - f(x)) / eps for e in np.eye(x.size).reshape(-1, *x.shape)])
        if same_values(grad, forward.reshape(x.shape), atol=1e-6):
            hint = ("That is a one-sided difference (f(x + eps) - f(x)) / eps, whose error shrinks only like eps. "
                    "Use central differences, (f(x + eps) - f(x - eps)) / (2 * eps): their error shrinks like eps**2.")
        elif same_values(grad, 2 * expected, atol=1e-6):
            hint = "Divide by 2 * eps: the two evaluation points are 2 * eps apart."
        elif label.startswith("np.sum(x) **"):
            hint = ("This f mixes all entries: put each entry back to its original value before moving on "
                    "to the next one.")
        else:
            hint = "Entry i is (f(x + eps e_i) - f(x - eps e_i)) / (2 * eps), with e_i the unit array for entry i."
        fail(text, difference(grad, expected), hint)


# ------------------------------------------------------------------ conv_backward
def _conv_backward_hint(name, got, expected, dZ, pad):
    """Name the likely cause of a wrong dA_prev, dW or db."""
    m = dZ.shape[0]
    if name == "db":
        if got.shape == (m, dZ.shape[3]):
            return "db is not summed over the batch: sum dZ over axes 0, 1 and 2."
        if got.shape == expected.shape and same_values(got, dZ[0].sum(axis=(0, 1))):
            return "db uses the first image only: sum dZ over the batch as well (axes 0, 1 and 2)."
        if got.shape == expected.shape and m > 1 and same_values(got, expected / m):
            return "db is averaged over the batch: sum it instead (the loss already decides any averaging)."
        return "db[c] is the sum of dZ[..., c] over the batch, the height and the width."
    if got.shape != expected.shape:
        if name == "dA_prev" and got.ndim == 4 and got.shape[1:3] == (expected.shape[1] + 2 * pad,
                                                                     expected.shape[2] + 2 * pad):
            return ("dA_prev still has the padding: crop it away, "
                    "dA_pad[:, pad:pad + n_H_prev, pad:pad + n_W_prev, :].")
        if name == "dA_prev" and pad == 0 and 0 in got.shape:
            return "With pad = 0, the slice pad:-pad is empty: crop with pad:pad + n_H_prev instead."
        return f"{name} must have the shape of the array it is the gradient of, {expected.shape}."
    if m > 1 and same_values(got, expected / m):
        return f"{name} is averaged over the batch: sum the contributions of every image instead."
    if name == "dW":
        return "dW[i, j, k, c] sums window * dZ[:, h, w, c] over every image and every output position (h, w)."
    return ("Each window of the padded input gets W times dZ[:, h, w, :], summed over the filters; add (+=), "
            "since windows overlap.")


@exercise(NOTEBOOK)
def check_conv_backward(conv_backward):
    rng = np.random.default_rng(32)
    for A, W, b, stride, pad in _conv_inputs(rng):
        dZ = rng.normal(size=tf_conv(A, W, b, stride, pad).shape)
        cache = (A, W, b, stride, pad)
        text = signature("conv_backward", (dZ,), {"cache": f"(A_prev {A.shape}, W {W.shape}, b, "
                                                           f"stride={stride}, pad={pad})"})
        result = call(conv_backward, dZ, cache)
        if not isinstance(result, tuple) or len(result) != 3:
            fail(text, f"returned {describe(result)}.", "Return the tuple (dA_prev, dW, db).")

        def conv_in_tf(A, W, b):
            import tensorflow as tf

            return tf.nn.conv2d(A, W, strides=stride, padding=[[0, 0], [pad, pad], [pad, pad], [0, 0]]) + b

        expected = tape_gradients(conv_in_tf, (A, W, b), dZ)
        for name, value, theirs in zip(("dA_prev", "dW", "db"), result, expected):
            got = as_array(value, f"{text}, {name}")
            if got.shape != theirs.shape:
                fail(text, f"{name} has shape {got.shape}, expected {theirs.shape}.",
                     _conv_backward_hint(name, got, theirs, dZ, pad))
            if not same_values(got, theirs):
                fail(text, f"{name}: {difference(got, theirs)}", _conv_backward_hint(name, got, theirs, dZ, pad))


# ------------------------------------------------------------------ pool_backward
CACHE_HINT = "The cache is (A_prev, f, stride, mode), as pool_forward_cached keeps it: unpack all four."


def _tf_pooling(f, stride, mode):
    """TensorFlow's differentiable pooling (no padding) of the given mode: the oracle's forward pass."""
    def pooling(A):
        import tensorflow as tf

        pool = tf.nn.max_pool2d if mode == "max" else tf.nn.avg_pool2d
        return pool(A, ksize=f, strides=stride, padding="VALID")

    return pooling


@exercise(NOTEBOOK)
def check_pool_backward(pool_backward):
    rng = np.random.default_rng(33)
    # Windows that do not overlap first, then overlapping ones (stride < f).
    cases = [((2, 4, 4, 3), 2, 2), ((1, 6, 6, 2), 3, 3), ((2, 7, 5, 3), 2, 3),
             ((2, 5, 5, 2), 3, 1), ((1, 7, 6, 3), 3, 2)]
    for shape, f, stride in cases:
        for mode in ("max", "average"):
            # Continuous random values never tie, so TensorFlow's rule for ties (the whole gradient to the
            # first maximum) cannot decide the comparison; ties are checked on their own, below.
            A = rng.normal(size=shape)
            dA = rng.normal(size=tf_pool(A, f, stride, mode).shape)
            text = signature("pool_backward", (dA,), {"cache": f"(A_prev {shape}, f={f}, stride={stride}, "
                                                               f"mode={mode!r})"})
            got = as_array(call(pool_backward, dA, (A, f, stride, mode), _hint=CACHE_HINT), text)
            (expected,) = tape_gradients(_tf_pooling(f, stride, mode), (A,), dA)
            if got.shape != expected.shape:
                fail(text, f"output has shape {got.shape}, expected {expected.shape}.",
                     "dA_prev has the shape of the pooling layer's input A_prev.")
            if same_values(got, expected):
                continue
            # The average pool's gradient spreads dA evenly: the reference for the likely mistakes.
            (spread,) = tape_gradients(lambda A: _avg_pool(A, f, stride), (A,), dA)
            (other_mode,) = tape_gradients(_tf_pooling(f, stride, "average" if mode == "max" else "max"), (A,), dA)
            if same_values(got, other_mode):
                hint = (f"That is the gradient of the other pooling mode. Take the mode from the cache "
                        f"(A_prev, f, stride, mode = cache): here it is {mode!r}.")
            elif mode == "max" and same_values(got, spread * f * f):
                hint = ("The gradient went to every position of the window. Only the window's maximum reached the "
                        "output: send the gradient to that position only (mask = window == window.max(...)).")
            elif mode == "average" and same_values(got, spread * f * f):
                hint = f"Each value counted 1 / (f * f) = 1/{f * f} towards the average: divide the gradient by f * f."
            elif mode == "average" and same_values(got, spread * f):
                hint = f"Divide the gradient by f * f = {f * f}, the number of values in a window, not by f."
            elif stride < f:
                hint = "Windows overlap here (stride < f): add (+=) each window's gradient instead of overwriting it."
            else:
                hint = "Window (h, w) covers rows h * stride to h * stride + f and the same for columns."
            fail(text, difference(got, expected), hint)
    _check_max_pool_ties(pool_backward, rng)


def _check_max_pool_ties(pool_backward, rng):
    """Inputs where several values tie for a window's maximum, as after ReLU: each window must
    pass on its gradient once in total, to tied maxima only (to one of them, or shared)."""
    m, size, channels = 2, 4, 3
    A = rng.integers(0, 2, size=(m, size, size, channels)).astype(float)
    dA = rng.normal(size=(m, size // 2, size // 2, channels))
    text = signature("pool_backward", (dA,), {"cache": f"(A_prev {A.shape} of 0s and 1s, f=2, stride=2, "
                                                       "mode='max')"})
    got = as_array(call(pool_backward, dA, (A, 2, 2, "max"), _hint=CACHE_HINT), text)
    if got.shape != A.shape:
        fail(text, f"output has shape {got.shape}, expected {A.shape}.")
    # Split each 2x2 window out: axes (m, h, row in window, w, column in window, channel).
    windows, got_windows = A.reshape(m, 2, 2, 2, 2, channels), got.reshape(m, 2, 2, 2, 2, channels)
    is_max = windows == windows.max(axis=(2, 4), keepdims=True)
    if np.any(np.abs(got_windows[~is_max]) > 1e-9):
        fail(text, "a position that is not its window's maximum received gradient.",
             "Only the maximum of each window (per channel) gets the gradient.")
    passed_on = got_windows.sum(axis=(2, 4))
    if not np.allclose(passed_on, dA, atol=1e-9):
        ties = is_max.sum(axis=(2, 4))
        hint = ("Several values tie for the maximum here (frequent after ReLU, which makes many values 0), and "
                "each got the whole gradient. Together they must pass it on once: give it to one of them, or "
                "split it equally between them." if np.allclose(passed_on, dA * ties, atol=1e-9) else
                "The gradients a window passes back must add up to its dA value.")
        fail(text, "the gradient that reaches each window does not add up to that window's dA.", hint)


def _avg_pool(A, f, stride):
    import tensorflow as tf

    return tf.nn.avg_pool2d(A, ksize=f, strides=stride, padding="VALID")


# ------------------------------------------------------------------ sgd_step
@exercise(NOTEBOOK)
def check_sgd_step(sgd_step):
    rng = np.random.default_rng(34)
    for lr in (0.1, 0.03):
        params = {"W1": rng.normal(size=(3, 3, 2, 4)), "b1": rng.normal(size=4), "W2": rng.normal(size=(5, 3))}
        grads = {name: rng.normal(size=value.shape) for name, value in params.items()}
        saved = {name: value.copy() for name, value in params.items()}
        text = f"sgd_step(params={{'W1', 'b1', 'W2'}}, grads, lr={lr})"
        answer = call_with(returning_arguments, sgd_step, params, grads, lr, _shown=text)
        updated, params_after = answer["result"], answer["args"][0]
        if updated is None:
            fail(text, "returned None.", "Return a new dict of updated parameters (a dict comprehension does it).")
        if not isinstance(updated, dict):
            fail(text, f"returned {describe(updated)}, expected a dict name -> array.")
        if set(updated) != set(params):
            fail(text, f"returned the names {sorted(updated)}, expected {sorted(params)}.",
                 "Update every parameter, and keep its name.")
        for name in params:
            got = as_array(updated[name], f"{text}[{name!r}]")
            expected = saved[name] - lr * grads[name]
            if same_values(got, expected):
                continue
            if same_values(got, saved[name] + lr * grads[name]):
                hint = "That step goes uphill: subtract lr * gradient, the gradient points where the loss grows."
            elif same_values(got, saved[name] - grads[name]):
                hint = "The learning rate is missing: the step is lr * gradient."
            else:
                hint = "The new value is params[name] - lr * grads[name]."
            fail(f"{text}[{name!r}]", difference(got, expected), hint)
        if any(not np.array_equal(params_after.get(name), saved[name]) for name in params):
            fail(text, "changed the arrays in params in place.",
                 "Build new arrays, params[name] - lr * grads[name], and leave the old ones as they were.")


# ------------------------------------------------------------------ conv_forward_fast
#: A convolution on this input takes milliseconds when vectorised, seconds with loops.
SPEED_INPUT = dict(A=(8, 32, 32, 8), W=(3, 3, 8, 16))
#: The learner's version may take this many times as long as a vectorised reference timed on the
#: same machine at the same moment (so a busy machine slows both), and never fails under FLOOR_S.
SPEED_FACTOR, SPEED_FLOOR_S = 15, 0.3


def _vectorised_conv(A, W, b, pad):
    """A stride-1 convolution in one matrix product: the speed the learner's version is held to."""
    kh, kw = W.shape[:2]
    A_pad = np.pad(A, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(A_pad, (kh, kw), axis=(1, 2))  # (m, n_H, n_W, c, kh, kw)
    return np.tensordot(windows, W.transpose(2, 0, 1, 3), axes=3) + b


def _best_time(function, *args, repeats=3):
    """The fastest of a few runs, in seconds: one run can be slowed by anything else on the machine."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
        if times[-1] > 1.0:  # clearly slow: no need to wait for more runs
            break
    return min(times)


@exercise(NOTEBOOK)
def check_conv_forward_fast(conv_forward_fast):
    rng = np.random.default_rng(35)
    for A, W, b, stride, pad in _conv_inputs(rng):
        text = signature("conv_forward_fast", (A, W, b), {"stride": stride, "pad": pad})
        Z = as_array(call(conv_forward_fast, A, W, b, stride, pad), text)
        expected = tf_conv(A, W, b, stride, pad)
        if Z.shape != expected.shape:
            fail(text, f"output has shape {Z.shape}, expected {expected.shape}.",
                 conv_shape_hint(Z.shape, A, W, stride, pad))
        if not same_values(Z, expected):
            # sliding_window_view puts the window axes last: (n_C_prev, kh, kw) against W's (kh, kw, n_C_prev).
            kh, kw, c_in, c_out = W.shape
            W_misread = W.reshape(c_in, kh, kw, c_out).transpose(1, 2, 0, 3)
            if same_values(Z, tf_conv(A, W_misread, b, stride, pad)):
                hint = ("Windows and kernels are flattened in different orders: sliding_window_view gives "
                        "(..., n_C_prev, kh, kw); transpose the windows to (..., kh, kw, n_C_prev) like W first.")
            else:
                hint = conv_value_hint(Z, A, W, b, stride, pad)
            fail(text, difference(Z, expected), hint)
    A, W = rng.normal(size=SPEED_INPUT["A"]), rng.normal(size=SPEED_INPUT["W"])
    b = np.zeros(W.shape[-1])
    limit = max(SPEED_FLOOR_S, SPEED_FACTOR * _best_time(_vectorised_conv, A, W, b, 1))
    seconds = _best_time(lambda: call(conv_forward_fast, A, W, b, 1, 1))
    if seconds > limit:
        fail(signature("conv_forward_fast", (A, W, b), {"stride": 1, "pad": 1}),
             f"took {seconds:.2f} s; a vectorised convolution takes {limit / SPEED_FACTOR:.3f} s here.",
             "Are there still loops over output positions? Build every window at once (sliding_window_view) "
             "and apply all filters with one matrix product.")


# ------------------------------------------------------------------ batchnorm_backward
def _tf_batchnorm(eps):
    """Batch normalisation in training mode, written with TensorFlow ops (the oracle's forward pass)."""
    import tensorflow as tf

    def forward(x, gamma, beta):
        axes = list(range(len(x.shape) - 1))
        mean = tf.reduce_mean(x, axis=axes)
        variance = tf.reduce_mean(tf.square(x - mean), axis=axes)
        return gamma * (x - mean) / tf.sqrt(variance + eps) + beta

    return forward


def _batchnorm_mistakes(dout, x, gamma, eps):
    """dx as known mistakes compute it (NumPy, for hints only), each with the hint that names it."""
    axes = tuple(range(x.ndim - 1))
    xhat = (x - x.mean(axis=axes)) / np.sqrt(x.var(axis=axes) + eps)
    scale = gamma / np.sqrt(x.var(axis=axes) + eps)
    mean_dout, mean_dout_xhat = dout.mean(axis=axes), (dout * xhat).mean(axis=axes)
    return [
        (scale * dout,
         "You treated the mean and the variance as constants: they are computed from x, so the gradient also "
         "flows into x through mu and through var (two more paths on the graph)."),
        (scale * (dout - mean_dout),
         "The path through the variance is missing: var = mean(xc ** 2) depends on x too, which adds "
         "dvar * 2 * xc / N to dxc."),
        (scale * (dout - xhat * mean_dout_xhat),
         "The path through the mean is missing: mu = mean(x), so dx also gets dmu / N, with dmu = -sum(dxc) "
         "over every axis but the last."),
    ]


@exercise(NOTEBOOK)
def check_batchnorm_backward(batchnorm_backward):
    rng = np.random.default_rng(36)
    cases = [((6, 4), 1e-3), ((4, 5, 5, 3), 1e-3), ((3, 4, 6, 2), 0.5), ((2, 7, 3), 1e-3), ((8, 2, 2, 5), 1e-3)]
    for shape, eps in cases:
        x = rng.normal(loc=1.5, scale=2.0, size=shape)
        gamma = rng.normal(size=shape[-1])
        beta = rng.normal(size=shape[-1])
        dout = rng.normal(size=shape)
        kwargs = {} if eps == 1e-3 else {"eps": eps}
        text = signature("batchnorm_backward", (dout, x, gamma), kwargs)
        result = call(batchnorm_backward, dout, x, gamma, **kwargs)
        if not isinstance(result, (tuple, list)) or len(result) != 3:
            fail(text, f"returned {describe(result)}.", "Return the tuple (dx, dgamma, dbeta).")
        expected = tape_gradients(_tf_batchnorm(eps), (x, gamma, beta), dout)
        got = [as_array(value, f"{text}, {name}") for name, value in zip(("dx", "dgamma", "dbeta"), result)]
        for name, value, theirs in zip(("dx", "dgamma", "dbeta"), got, expected):
            if value.shape != theirs.shape:
                hint = ("The statistics, and so gamma's and beta's gradients, are per channel: sum over every "
                        "axis but the last (batch, height and width), not over the batch axis only."
                        if name != "dx" and value.shape == shape[1:] else
                        f"{name} has the shape of {'x' if name == 'dx' else 'gamma: one value per channel'}.")
                fail(text, f"{name} has shape {value.shape}, expected {theirs.shape}.", hint)
        dx, dgamma, dbeta = got
        if all(same_values(value, theirs) for value, theirs in zip(got, expected)):
            continue
        if eps != 1e-3 and all(same_values(value, theirs) for value, theirs in
                               zip(got, tape_gradients(_tf_batchnorm(1e-3), (x, gamma, beta), dout))):
            fail(text, f"the gradients are those of eps=1e-3, not of eps={eps}.",
                 "Use the eps argument, not a fixed number.")
        if not same_values(dbeta, expected[2]):
            fail(text, f"dbeta: {difference(dbeta, expected[2])}",
                 "out = gamma * xhat + beta: dbeta is dout summed over every axis but the last.")
        if not same_values(dgamma, expected[1]):
            hint = ("dgamma is the sum of dout * xhat (the normalised x), not of dout alone."
                    if same_values(dgamma, dout.sum(axis=tuple(range(x.ndim - 1)))) else
                    "dgamma sums dout * xhat over every axis but the last, with xhat = (x - mu) / sqrt(var + eps).")
            fail(text, f"dgamma: {difference(dgamma, expected[1])}", hint)
        hint = next((hint for wrong, hint in _batchnorm_mistakes(dout, x, gamma, eps) if same_values(dx, wrong)),
                    "Walk the graph backward node by node: out, xhat, inv, var, xc, mu, x; x and xc each "
                    f"receive gradient along two paths (N = {x.size // x.shape[-1]} values per channel here).")
        fail(text, f"dx: {difference(dx, expected[0])}", hint)

