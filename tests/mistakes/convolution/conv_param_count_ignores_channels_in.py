"""Forgets that each filter spans every input channel."""
EXERCISE = "conv_param_count"
EXPECTED_HINT = "spans all c_in"


def conv_param_count(kh, kw, c_in, c_out, bias=True):
    return kh * kw * c_out + (c_out if bias else 0)
