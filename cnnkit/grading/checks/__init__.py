"""Checkers, one module per notebook; importing this package registers all of them."""

from cnnkit.grading.checks import convolution  # noqa: F401
