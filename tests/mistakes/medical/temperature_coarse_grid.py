"""Picks T from a coarse grid of whole numbers."""
import numpy as np
from scipy.special import logsumexp

EXERCISE = "fit_temperature"
EXPECTED_HINT = "search it finely"


def fit_temperature(logits, labels):
    def nll(t):
        scaled = logits / t
        return np.mean(logsumexp(scaled, axis=1) - scaled[np.arange(len(labels)), labels])

    grid = np.arange(1, 11) / 4
    return float(grid[np.argmin([nll(t) for t in grid])])
