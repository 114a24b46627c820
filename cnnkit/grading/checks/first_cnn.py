"""Checks for notebook 04, a first CNN with Keras.

Oracles: parameter counts in closed form (a Dense layer has ``inputs * units + units``, a
Conv2D ``kh * kw * c_in * filters + filters``), the output shapes the architecture implies,
and Keras' own layer attributes. Models output logits by default (``classifier_activation=None``)
and probabilities with ``classifier_activation="softmax"``.
"""

from __future__ import annotations

import math

from cnnkit.grading.assertions import fail
from cnnkit.grading.core import exercise
from cnnkit.grading.model_checks import activation_name, build, layers_of, logits, probabilities

NOTEBOOK = "04_first_cnn_with_keras"


def _dense_params(sizes):
    """Parameters of a chain of Dense layers with the given widths, input first."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes, sizes[1:]))


def _hidden_activation_hint(model, text):
    import keras

    dense = layers_of(model, keras.layers.Dense)
    linear = [layer.name for layer in dense[:-1] if activation_name(layer) == "linear"]
    if linear:
        fail(text, f"the hidden Dense layer(s) {linear} have no activation.",
             "Use activation='relu': without a non-linearity, stacked Dense layers collapse into one linear map.")


@exercise(NOTEBOOK)
def check_build_mlp(build_mlp):
    import keras

    for input_shape, num_classes in [((28, 28, 1), 10), ((32, 32, 3), 5)]:
        model, text = build(build_mlp, input_shape, num_classes)
        logits(model, input_shape, num_classes, text)
        probabilities(build_mlp, input_shape, num_classes, input_shape=input_shape)
        if layers_of(model, keras.layers.Conv2D):
            fail(text, "the model has Conv2D layers.", "build_mlp is the dense baseline: Flatten, then Dense layers only.")
        _hidden_activation_hint(model, text)
        expected = _dense_params([math.prod(input_shape), 256, 128, num_classes])
        if model.count_params() != expected:
            widths = [layer.units for layer in layers_of(model, keras.layers.Dense)]
            fail(text, f"the model has {model.count_params():,} parameters, expected {expected:,}.",
                 f"Its Dense layers have {widths} units; expected [256, 128, {num_classes}] (ReLU, ReLU, no activation).")


@exercise(NOTEBOOK)
def check_build_lenet5(build_lenet5):
    import keras

    for input_shape, num_classes in [((28, 28, 1), 10), ((32, 32, 3), 7)]:
        model, text = build(build_lenet5, input_shape, num_classes)
        logits(model, input_shape, num_classes, text)
        probabilities(build_lenet5, input_shape, num_classes, input_shape=input_shape)
        convs = layers_of(model, keras.layers.Conv2D)
        if [(c.filters, tuple(c.kernel_size)) for c in convs] != [(6, (5, 5)), (16, (5, 5))]:
            found = [f"{c.filters} filters {c.kernel_size[0]}x{c.kernel_size[1]}" for c in convs] or "none"
            fail(text, f"the Conv2D layers are {found}.", "LeNet-5 has two: 6 filters 5x5, then 16 filters 5x5.")
        if layers_of(model, keras.layers.AveragePooling2D):
            fail(text, "the model uses average pooling.",
                 "The original LeNet-5 averaged; the modernised one uses MaxPooling2D(2).")
        if len(layers_of(model, keras.layers.MaxPooling2D)) != 2:
            fail(text, "expected two MaxPooling2D(2) layers, one after each convolution.")
        activations = [activation_name(layer) for layer in convs]
        if activations != ["relu", "relu"]:
            hint = ("The original LeNet-5 used tanh-like squashing; the modernised one uses activation='relu'."
                    if "tanh" in activations or "sigmoid" in activations
                    else "Each convolution needs activation='relu'.")
            fail(text, f"the convolutions' activations are {activations}.", hint)
        if [c.padding for c in convs] != ["same", "valid"]:
            fail(text, f"the convolutions' paddings are {[c.padding for c in convs]}, expected ['same', 'valid'].",
                 "conv1 keeps 28x28 with padding='same' (the original had 32x32 inputs); conv2 uses 'valid'.")
        _hidden_activation_hint(model, text)
        height, width, channels = input_shape
        flat = ((height // 2 - 4) // 2) * ((width // 2 - 4) // 2) * 16
        expected = (5 * 5 * channels * 6 + 6) + (5 * 5 * 6 * 16 + 16) + _dense_params([flat, 120, 84, num_classes])
        if model.count_params() != expected:
            widths = [layer.units for layer in layers_of(model, keras.layers.Dense)]
            fail(text, f"the model has {model.count_params():,} parameters, expected {expected:,}.",
                 f"Its Dense layers have {widths} units; expected [120, 84, {num_classes}].")
