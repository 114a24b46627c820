"""Inverted dropout's forward pass (notebook 06)."""

from __future__ import annotations

import numpy as np


# From notebook 06, regularisation and augmentation.
def dropout_forward(x, rate, training, rng):
    """Inverted dropout: in training, zero each entry with probability ``rate`` and scale the
    survivors up by ``1 / (1 - rate)``, so that every entry keeps its expected value.

    Args:
        x: activations of any shape, e.g. ``(m, units)``.
        rate: the fraction of entries to drop, in ``[0, 1)`` (Keras' ``Dropout(rate)``).
        training: ``True`` to drop; ``False`` (inference) returns ``x`` unchanged.
        rng: a NumPy random generator (``np.random.default_rng(seed)``), the only source of
            randomness, so that the same seed drops the same entries.

    Returns:
        An array shaped like ``x``: each entry either 0 or ``x / (1 - rate)`` in training, drawn
        independently for every entry; ``x`` itself at inference.
    """
    if not 0 <= rate < 1:
        raise ValueError(f"rate must be in [0, 1), got {rate}.")
    if not training:
        return x
    keep = rng.random(x.shape) >= rate  # True with probability 1 - rate, for each entry on its own
    return np.where(keep, x / (1 - rate), 0.0)
