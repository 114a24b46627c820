"""Batch normalisation's forward pass, in training and at inference, as Keras computes it (notebook 06)."""

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
