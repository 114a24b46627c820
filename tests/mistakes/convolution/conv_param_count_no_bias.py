"""Counts the weights but not the biases."""
EXERCISE = "conv_param_count"
EXPECTED_HINT = "biases are missing"


def conv_param_count(kh, kw, c_in, c_out, bias=True):
    return kh * kw * c_in * c_out
