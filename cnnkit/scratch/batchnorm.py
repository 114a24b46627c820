"""Batch normalisation: its forward pass, in training and at inference, as Keras computes it (notebook 06),
and its backward pass in training mode (notebook 03)."""

from __future__ import annotations

import numpy as np


# From notebook 06, regularisation and augmentation.
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.99, eps=1e-3):
    """Normalise each channel of ``x``, then scale it by ``gamma`` and shift it by ``beta``.

    The statistics are taken over every axis but the last (the channels): over the batch, the
    height and the width of ``(m, n_H, n_W, n_C)`` activations, over the batch of ``(m, units)``
    ones. The variance is the biased one (divided by the count), as in Keras.

    Args:
        x: activations, ``(m, ..., n_C)``, channels last.
        gamma: ``(n_C,)`` learned scale.
        beta: ``(n_C,)`` learned shift.
        running_mean: ``(n_C,)`` moving average of the batch means (Keras' ``moving_mean``).
        running_var: ``(n_C,)`` moving average of the batch variances (Keras' ``moving_variance``).
        training: ``True``: normalise with this batch's mean and variance and update the running
            statistics; ``False`` (inference): normalise with the running statistics, unchanged.
        momentum: the share of the old running statistics that an update keeps.
        eps: added to the variance under the square root, so that a constant channel does not
            divide by zero.

    Returns:
        ``(out, new_running_mean, new_running_var)``: ``out`` shaped like ``x``; the running
        statistics, ``(n_C,)``, after this call: ``momentum * old + (1 - momentum) * batch`` in
        training, the old ones at inference.
    """
    if training:
        axes = tuple(range(x.ndim - 1))  # every axis but the channels
        mean = x.mean(axis=axes)
        var = x.var(axis=axes)  # biased: divided by the count, as Keras does
        new_running_mean = momentum * running_mean + (1 - momentum) * mean
        new_running_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
        new_running_mean, new_running_var = running_mean, running_var
    x_hat = (x - mean) / np.sqrt(var + eps)  # each channel now has mean 0 and variance about 1
    return gamma * x_hat + beta, new_running_mean, new_running_var


# From notebook 03, backpropagation from scratch.
def batchnorm_backward(dout, x, gamma, eps=1e-3):
    """Backward pass of batch normalisation in training mode, walked node by node on its graph.

    The forward pass normalises each channel with the statistics of the batch, over every axis
    but the last: ``mu = mean(x)``, ``xc = x - mu``, ``var = mean(xc ** 2)``,
    ``inv = 1 / sqrt(var + eps)``, ``xhat = xc * inv``, ``out = gamma * xhat + beta``.

    Args:
        dout: gradient of the loss with respect to ``out``, shaped like ``x``.
        x: the layer's input, ``(m, ..., n_C)``, channels last.
        gamma: ``(n_C,)`` learned scale.
        eps: added to the variance under the square root, as in the forward pass.

    Returns:
        ``(dx, dgamma, dbeta)``: ``dx`` shaped like ``x``; ``dgamma`` and ``dbeta``, ``(n_C,)``.
    """
    axes = tuple(range(x.ndim - 1))  # every axis but the channels
    count = x.size // x.shape[-1]  # N: values per channel
    # The forward pass again, keeping every node of the graph.
    mu = x.mean(axis=axes)
    xc = x - mu
    var = (xc ** 2).mean(axis=axes)
    inv = 1 / np.sqrt(var + eps)
    xhat = xc * inv
    # Backward, from the last node to the first; each line is one node's local derivative.
    dbeta = dout.sum(axis=axes)  # out = gamma * xhat + beta: beta was added everywhere
    dgamma = (dout * xhat).sum(axis=axes)
    dxhat = dout * gamma
    dinv = (dxhat * xc).sum(axis=axes)  # xhat = xc * inv; inv was broadcast, so its gradient sums
    dxc = dxhat * inv  # the first of xc's two paths
    dvar = dinv * -0.5 * (var + eps) ** -1.5  # inv = (var + eps) ** -0.5
    dxc = dxc + dvar * 2 * xc / count  # the second path: var = mean(xc ** 2)
    dmu = -dxc.sum(axis=axes)  # xc = x - mu
    dx = dxc + dmu / count  # x's two paths: directly into xc, and through mu = mean(x)
    return dx, dgamma, dbeta
