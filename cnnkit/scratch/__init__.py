"""NumPy reference layers and updates, written in the notebooks and kept here for later notebooks.

Shapes follow the course conventions: activations ``(batch, height, width, channels)``,
kernels ``(kh, kw, c_in, c_out)``, biases ``(c_out,)``, ``stride`` and ``pad`` as ints.
Each exercise function is the solution of a notebook exercise, verbatim; a test keeps the two
in step.

- :mod:`~cnnkit.scratch.conv`: padding, and the convolution layer, loop and
  vectorised (01, 03)
- :mod:`~cnnkit.scratch.pool`: max and average pooling (02)
- :mod:`~cnnkit.scratch.activations`: ReLU and a numerically stable softmax (02)
- :mod:`~cnnkit.scratch.receptive`: the receptive field of a stack of layers (02)
- :mod:`~cnnkit.scratch.backward`: forward passes that keep a cache, and the backward passes (03)
- :mod:`~cnnkit.scratch.gradient_check`: gradients by central differences (03)
- :mod:`~cnnkit.scratch.sgd`: one step of gradient descent (03)
- :mod:`~cnnkit.scratch.adam`: one step of Adam, as Keras takes it (05)
- :mod:`~cnnkit.scratch.dropout`: inverted dropout (06)
- :mod:`~cnnkit.scratch.batchnorm`: batch normalisation in training and at inference (06), and its
  backward pass (03)
"""

from cnnkit.scratch.activations import relu, softmax
from cnnkit.scratch.adam import adam_step
from cnnkit.scratch.backward import conv_backward, conv_forward_cached, pool_backward, pool_forward_cached
from cnnkit.scratch.batchnorm import batchnorm_backward, batchnorm_forward
from cnnkit.scratch.conv import (
    conv_forward,
    conv_forward_fast,
    conv_output_size,
    conv_param_count,
    conv_single_step,
    zero_pad,
)
from cnnkit.scratch.dropout import dropout_forward
from cnnkit.scratch.gradient_check import numerical_gradient
from cnnkit.scratch.pool import pool_forward
from cnnkit.scratch.receptive import receptive_field
from cnnkit.scratch.sgd import sgd_step

__all__ = [
    "adam_step", "batchnorm_backward", "batchnorm_forward", "conv_backward", "conv_forward", "conv_forward_cached", "conv_forward_fast",
    "conv_output_size", "conv_param_count", "conv_single_step", "dropout_forward", "numerical_gradient",
    "pool_backward", "pool_forward", "pool_forward_cached", "receptive_field", "relu", "sgd_step", "softmax",
    "zero_pad",
]
