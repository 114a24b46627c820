"""Optimises log T (to keep T positive) and returns log T instead of T."""
import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import logsumexp

EXERCISE = "fit_temperature"
EXPECTED_HINT = "return its exponential"


def fit_temperature(logits, labels):
    def nll(log_t):
        scaled = logits / np.exp(log_t)
        return np.mean(logsumexp(scaled, axis=1) - scaled[np.arange(len(labels)), labels])

    return float(minimize_scalar(nll, bounds=(np.log(0.02), np.log(50)), method="bounded").x)
