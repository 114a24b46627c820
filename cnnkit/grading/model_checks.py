"""Checks of Keras models and blocks that several notebooks' checkers share, run in the judge.

:func:`build` calls a learner's builder and insists on a model, :func:`block_as_model` does the same
for a block function, :func:`call_block` runs a block function on placeholders through the
:func:`~cnnkit.grading.harnesses.block_model` harness; :func:`logits`, :func:`probabilities` and
:func:`outputs_are_probabilities` check a classifier's outputs; :func:`layers_of` and
:func:`activation_name` read its layers. ``SOFTMAX_TWICE`` and ``IGNORES_SOFTMAX`` are the hints for
the two classifier mistakes every notebook meets.
"""

from __future__ import annotations

import numpy as np

from cnnkit.grading.assertions import call, call_with, describe, fail
from cnnkit.grading.harnesses import block_model

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
    return x, np.asarray(call(model, x, training=False, _hint="Check the layers' shapes."), dtype=np.float64)


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
    """Build a model with ``builder(*args, classifier_activation="softmax", **kwargs)`` and check
    with :func:`outputs_are_probabilities` that it gives probabilities on images of ``input_shape``."""
    model, text = build(builder, *args, classifier_activation="softmax", **kwargs,
                        _hint="The builder takes classifier_activation (None or \"softmax\") and gives it to the "
                              "last layer as its activation.")
    outputs_are_probabilities(model, text, input_shape, batch, seed)


def outputs_are_probabilities(model, text, input_shape, batch=3, seed=0):
    """Run ``model`` (built with ``classifier_activation="softmax"``) on images of ``input_shape`` and
    check that its outputs, over their last axis (the classes; per pixel for a segmentation model),
    are probabilities that sum to 1."""
    _, out = _outputs(model, input_shape, batch, seed)
    if not are_probabilities(out):
        fail(text, "the outputs are not probabilities (they do not sum to 1 over the classes).", IGNORES_SOFTMAX)


def block_as_model(block, text, input_shape, *args, _hint=None):
    """Call a learner's block function on a ``keras.Input`` of ``input_shape`` (see :func:`call_block`)
    and insist on a tensor computed from it; return ``keras.Model(input, output)``. ``text`` names
    the call in messages; ``_hint`` follows a crash's message."""
    import keras

    (inputs,), out = call_block(block, [input_shape], *args, _hint=_hint)
    if out is None:
        fail(text, "returned None.", "Did you forget the `return` statement?")
    try:
        return keras.Model(inputs, out)
    except Exception as error:  # noqa: BLE001 - not a tensor computed from the input
        fail(text, f"did not return a tensor computed from x ({type(error).__name__}).",
             "Return the output of the last layer, called on the block's input.")


def layers_of(model, kind, nested=True):
    """The layers of ``model`` that are instances of ``kind`` (a class, or the name of one of
    ``keras.layers``: ``"Conv2D"``), in order: with ``nested``, those of the models and layers it
    holds too; without, only its own (a block's layers, not those inside them)."""
    if isinstance(kind, str):
        import keras

        kind = getattr(keras.layers, kind)
    found = []
    for layer in model.layers:
        if isinstance(layer, kind):
            found.append(layer)
        if nested and hasattr(layer, "layers"):
            found.extend(layers_of(layer, kind))
    return found


def activation_name(layer) -> str:
    """The name of a layer's activation function (``"linear"`` when it has none)."""
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", "linear") if activation is not None else "linear"


def call_block(block, input_shapes, *args, _hint=None, **kwargs):
    """Call a learner's block function on fresh ``keras.Input`` placeholders of ``input_shapes``
    and return ``(inputs, output)`` as symbolic tensors of this process, as if it had run here.

    ``inputs`` holds one placeholder per shape (None for None), ``output`` is a tensor, a tuple
    or list of tensors, or what the block returned instead (None, a number, a description).
    When the output depends on none of the inputs, its tensors are placeholders of their own,
    so that ``keras.Model(inputs, output)`` fails as it would have on the learner's tensors."""
    import keras

    found = call_with(block_model, block, [None if s is None else list(s) for s in input_shapes], *args,
                      _hint=_hint, **kwargs)
    structure, model, used = found["structure"], found["model"], found["used"]
    if isinstance(structure, dict):
        return [None if s is None else keras.Input(tuple(s)) for s in input_shapes], structure["value"]
    inputs: list = [None if s is None else keras.Input(tuple(s)) for s in input_shapes]
    if model is None:
        outputs = [keras.Input(tuple(shape[1:])) for shape in found["shapes"]]
    else:
        for index, tensor in zip(used, model.inputs):
            inputs[index] = tensor
        outputs = list(model.outputs)
    output = outputs[0] if structure == "tensor" else tuple(outputs) if structure == "tuple" else outputs
    return inputs, output
