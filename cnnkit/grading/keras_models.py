"""Checks shared by exercises that build Keras classifiers: the builder returns a model, the
model gives logits of the right shape by default and probabilities with
``classifier_activation="softmax"``, and its layers are what the exercise asks for."""

from __future__ import annotations

import numpy as np

from cnnkit.grading.assertions import call, describe, fail

SOFTMAX_TWICE = (
    "The outputs are probabilities (each row sums to 1): the model ends in a softmax. The course's "
    "losses use from_logits=True and apply the softmax themselves, so it would be applied twice. "
    "Give the last layer activation=classifier_activation: with the default, None, it outputs logits."
)

IGNORES_SOFTMAX = (
    "classifier_activation is ignored: pass it to the last layer as its activation "
    "(activation=classifier_activation), so that classifier_activation='softmax' gives probabilities."
)


def build(builder, *args, _hint=None, **kwargs):
    """Call a learner's builder and insist on a ``keras.Model``; ``_hint`` follows a crash's message."""
    import keras

    text = f"{builder.__name__}({', '.join([repr(a) for a in args] + [f'{k}={v!r}' for k, v in kwargs.items()])})"
    model = call(builder, *args, _hint=_hint, **kwargs)
    if model is None:
        fail(text, "returned None.", "Did you forget `return keras.Model(inputs, outputs)`?")
    if not isinstance(model, keras.Model):
        fail(text, f"returned {describe(model)}, expected a keras.Model.")
    return model, text


def _outputs(model, input_shape, batch, seed):
    """The model's outputs, in inference mode, on a batch of random images (both as NumPy arrays)."""
    x = np.random.default_rng(seed).random((batch, *input_shape)).astype(np.float32)
    try:
        out = model(x, training=False)
    except Exception as error:  # noqa: BLE001 - the learner's model crashed on a batch
        fail(f"{model.name}(images of shape {x.shape})", f"raised {type(error).__name__}: {error}",
             "Check the layers' shapes.")
    return x, np.asarray(out, dtype=np.float64)


def are_probabilities(out, axis=-1):
    """True when ``out`` is non-negative and sums to 1 along ``axis``: a softmax's output, not logits."""
    return bool(np.all(out >= 0) and np.allclose(out.sum(axis=axis), 1.0, atol=1e-4))


def logits(model, input_shape, num_classes, text, batch=3, seed=0):
    """Run the model in inference mode on random images; check the output is ``(batch, num_classes)``
    logits. Returns the inputs and outputs as NumPy arrays."""
    x, out = _outputs(model, input_shape, batch, seed)
    if out.shape != (batch, num_classes):
        if out.ndim == 2 and out.shape[0] == batch and out.shape[1] == 10 and num_classes != 10:
            hint = "The number of output units is fixed at 10: use num_classes."
        elif out.ndim == 2 and out.shape[0] == batch:
            hint = "The last Dense layer needs num_classes units: one score per class."
        elif out.ndim > 2:
            hint = "Flatten the feature maps (keras.layers.Flatten) before the Dense layers."
        else:
            hint = "The model must map (batch, *input_shape) to (batch, num_classes)."
        fail(text, f"the model's output has shape {out.shape} for a batch of {batch}, "
                   f"expected {(batch, num_classes)}.", hint)
    if are_probabilities(out):
        fail(text, "the model outputs probabilities, not logits.", SOFTMAX_TWICE)
    return x, out


def probabilities(builder, *args, input_shape, batch=3, seed=0, **kwargs):
    """Build a model with ``builder(*args, classifier_activation="softmax", **kwargs)``, run it on
    images of ``input_shape`` and check that its outputs, over their last axis (the classes; per
    pixel for a segmentation model), are probabilities that sum to 1."""
    model, text = build(builder, *args, classifier_activation="softmax", **kwargs,
                        _hint="The builder takes classifier_activation (None or \"softmax\") and gives it to the "
                              "last layer as its activation.")
    _, out = _outputs(model, input_shape, batch, seed)
    if not are_probabilities(out):
        fail(text, "the outputs are not probabilities (they do not sum to 1 over the classes).", IGNORES_SOFTMAX)


def layers_of(model, kind):
    """The layers of ``model`` (nested models included) that are instances of ``kind``, in order."""
    found = []
    for layer in model.layers:
        if isinstance(layer, kind):
            found.append(layer)
        if hasattr(layer, "layers"):
            found.extend(layers_of(layer, kind))
    return found


def activation_name(layer) -> str:
    """The name of a layer's activation function (``"linear"`` when it has none)."""
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", "linear") if activation is not None else "linear"
