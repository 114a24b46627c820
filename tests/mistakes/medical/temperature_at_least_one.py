"""Searches T only from 1 upwards, as if a model could only be overconfident."""
import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import logsumexp

EXERCISE = "fit_temperature"
EXPECTED_HINT = "T can be below 1"


def fit_temperature(logits, labels):
    def nll(t):
        scaled = logits / t
        return np.mean(logsumexp(scaled, axis=1) - scaled[np.arange(len(labels)), labels])

    return float(minimize_scalar(nll, bounds=(1.0, 50.0), method="bounded").x)
