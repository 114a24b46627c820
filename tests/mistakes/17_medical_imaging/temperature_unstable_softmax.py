"""Takes the log of a plain softmax: exp overflows on large logits and the loss becomes NaN."""
import numpy as np
from scipy.optimize import minimize_scalar

EXERCISE = "fit_temperature"
EXPECTED_HINT = "stable log-softmax"


def fit_temperature(logits, labels):
    def nll(log_t):
        with np.errstate(all="ignore"):
            scaled = np.exp(logits / np.exp(log_t))
            probabilities = scaled / scaled.sum(axis=1, keepdims=True)
            return -np.mean(np.log(probabilities[np.arange(len(labels)), labels]))

    return float(np.exp(minimize_scalar(nll, bounds=(np.log(0.02), np.log(50)), method="bounded").x))
