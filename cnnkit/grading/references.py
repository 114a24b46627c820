"""Independent references that several notebooks' checkers share, computed in the judge only.

:func:`tf_conv` and :func:`tf_pool` compute a convolution and a pooling with TensorFlow in float64;
:func:`conv_cases` lists the convolution cases the checkers try (hand-picked first, then random);
:func:`conv_shape_hint` and :func:`conv_value_hint` name the likely mistake behind a wrong
convolution output (notebooks 01 and 03); :func:`unet_params` counts the parameters of the course's
U-Net in closed form (notebooks 10 and 17). Nothing here runs learner code.
"""

from __future__ import annotations

from cnnkit.grading.assertions import same_values


def tf_conv(A, W, b, stride, pad):
    """Reference convolution (cross-correlation) in float64 with TensorFlow."""
    import tensorflow as tf

    padding = [[0, 0], [pad, pad], [pad, pad], [0, 0]]
    Z = tf.nn.conv2d(tf.constant(A, tf.float64), tf.constant(W, tf.float64), strides=stride, padding=padding)
    return Z.numpy() + b


def conv_cases(rng):
    """(m, n_H, n_W, c_in, kh, kw, c_out, stride, pad): hand-picked cases first, then random ones."""
    cases = [(2, 5, 5, 3, 3, 3, 4, 1, 0), (2, 7, 7, 3, 3, 3, 4, 2, 1), (1, 6, 8, 2, 3, 3, 3, 1, 1),
             (2, 9, 9, 3, 5, 5, 2, 2, 2), (1, 7, 7, 1, 2, 2, 1, 3, 0), (2, 7, 8, 3, 3, 2, 2, 2, 0)]
    for _ in range(6):
        kh, kw = rng.integers(1, 5, size=2)
        pad, stride = int(rng.integers(0, 3)), int(rng.integers(1, 4))
        n_H, n_W = int(rng.integers(kh, 10)), int(rng.integers(kw, 10))
        cases.append((int(rng.integers(1, 3)), n_H, n_W, int(rng.integers(1, 4)), int(kh), int(kw),
                      int(rng.integers(1, 4)), stride, pad))
    return cases


def conv_shape_hint(shape, A, W, stride, pad):
    """Name the likely cause when conv_forward's output has the wrong shape."""
    m, n_H, n_W, _ = A.shape
    kh, kw, _, n_C = W.shape

    def size(s, p, swap=False):
        fh, fw = (kw, kh) if swap else (kh, kw)
        return (m, (n_H + 2 * p - fh) // s + 1, (n_W + 2 * p - fw) // s + 1, n_C)

    if stride > 1 and shape == size(1, pad):
        return "Did you apply the stride? The output size divides by it."
    if pad > 0 and shape == size(stride, 0):
        return "Did you pad the input? The output size counts 2 * pad extra pixels."
    if kh != kw and shape == size(stride, pad, swap=True):
        return "Kernel height (W.shape[0]) and width (W.shape[1]) may differ: use each on its own axis."
    return "n_H = (n_H_prev + 2 * pad - kh) // stride + 1, and likewise for n_W."


def conv_value_hint(Z, A, W, b, stride, pad):
    """Name the likely cause when conv_forward's values are wrong, by trying known mistakes."""
    if same_values(Z, tf_conv(A, W[::-1, ::-1], b, stride, pad)):
        return ("Your output is a true convolution, with the kernel flipped. CNN layers compute "
                "cross-correlation: slide W as it is, without flipping it.")
    if same_values(Z, tf_conv(A, W, 0.0, stride, pad)):
        return "The bias is missing: add b[c] to every output of filter c."
    dense = tf_conv(A, W, b, 1, pad)
    if stride > 1 and same_values(Z, dense[:, :Z.shape[1], :Z.shape[2], :]):
        return ("The stride is ignored when choosing windows: the window of output (h, w) "
                "starts at row h * stride and column w * stride.")
    return "Check the window slicing: rows top:top + kh, columns left:left + kw, all channels."


def tf_pool(A, f, stride, mode):
    """Reference pooling ("valid", no padding) in float64 with TensorFlow."""
    import tensorflow as tf

    pool = tf.nn.max_pool2d if mode == "max" else tf.nn.avg_pool2d
    return pool(tf.constant(A, tf.float64), ksize=f, strides=stride, padding="VALID").numpy()


def conv_block_params(c_in, filters):
    """conv_block: two 3x3 convolutions without bias, each with batch norm (4 numbers per channel)."""
    return 9 * c_in * filters + 9 * filters * filters + 2 * 4 * filters


def decoder_params(c_in, c_skip, filters, upsampling="transpose"):
    if upsampling == "transpose":
        return 4 * c_in * filters + filters + conv_block_params(filters + c_skip, filters)
    return conv_block_params(c_in + c_skip, filters)


def unet_params(in_channels, num_classes, depth, base, upsampling="transpose", skips=True):
    """The parameters of ``build_unet`` (three input channels, ``depth`` levels, ``base`` filters), by hand."""
    filters = [base * 2**level for level in range(depth + 1)]
    total, c_in = 0, in_channels
    for level in range(depth):
        total += conv_block_params(c_in, filters[level])
        c_in = filters[level]
    total += conv_block_params(c_in, filters[depth])
    for level in reversed(range(depth)):
        total += decoder_params(filters[level + 1], filters[level] if skips else 0, filters[level], upsampling)
    return total + filters[0] * num_classes + num_classes
