"""Gives each input channel a bias instead of each filter."""
EXERCISE = "conv_param_count"
EXPECTED_HINT = "one bias per output channel"


def conv_param_count(kh, kw, c_in, c_out, bias=True):
    return kh * kw * c_in * c_out + (c_in if bias else 0)
