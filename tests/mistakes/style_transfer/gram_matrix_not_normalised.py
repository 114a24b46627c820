"""Sums over positions but forgets to divide by their number."""
import keras

EXERCISE = "gram_matrix"
EXPECTED_HINT = "not normalised by the number of positions"


def gram_matrix(features):
    return keras.ops.einsum("bijc,bijd->bcd", features, features)
