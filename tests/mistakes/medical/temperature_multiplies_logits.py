"""Multiplies the logits by T instead of dividing: the fitted value is 1 / T."""
import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import logsumexp

EXERCISE = "fit_temperature"
EXPECTED_HINT = "Divide the logits by T"


def fit_temperature(logits, labels):
    def nll(log_t):
        scaled = logits * np.exp(log_t)
        return np.mean(logsumexp(scaled, axis=1) - scaled[np.arange(len(labels)), labels])

    return float(np.exp(minimize_scalar(nll, bounds=(np.log(0.02), np.log(50)), method="bounded").x))
