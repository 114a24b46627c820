"""Uses the stride-1 rule, total padding f - 1, whatever the stride."""
EXERCISE = "same_padding"
EXPECTED_HINT = "stride is ignored"


def same_padding(input_size, kernel_size, stride):
    total = kernel_size - 1
    return total // 2, total - total // 2
