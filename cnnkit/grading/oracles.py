"""Reference oracles and harnesses that several notebooks' checkers share.

* Keras classifiers: :func:`build` calls a learner's builder and insists on a model,
  :func:`block_as_model` does the same for a block function, :func:`logits` and
  :func:`probabilities` check its outputs, :func:`layers_of` and :func:`activation_name` read its layers.
* Harnesses for :func:`~cnnkit.grading.assertions.call_with` (they run next to the learner's
  code and return plain data; none computes what the answer should be):
  :func:`with_tensors` passes arrays as TensorFlow tensors, :func:`block_model` calls a block
  function on ``keras.Input`` placeholders, :func:`returning_arguments` also returns the
  arguments as the learner's function left them, :func:`gradient_of` also returns a gradient.
  :func:`call_block` is the checker's side of :func:`block_model`.
* :func:`trusted_function` finds a function a checker names for the learner's code to call.
"""

from __future__ import annotations

import numpy as np

from cnnkit.grading.assertions import call, call_with, describe, fail
from cnnkit.grading.learner import harness_named

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


# ------------------------------------------------------------------ harnesses
def _tensors(value):
    import tensorflow as tf

    if isinstance(value, np.ndarray):
        return tf.constant(value.astype(np.float32) if value.dtype == np.float64 else value)
    if isinstance(value, (list, tuple)):
        return type(value)(_tensors(item) for item in value)
    if isinstance(value, dict):
        return {key: _tensors(item) for key, item in value.items()}
    return value


def with_tensors(func, *args, **kwargs):
    """Harness: ``func`` called with every array (in lists, tuples and dicts too) as a
    TensorFlow tensor (float64 arrays become float32 tensors)."""
    return func(*_tensors(list(args)), **_tensors(kwargs))


def returning_arguments(func, *args, **kwargs):
    """Harness: ``{"result": func(*args, **kwargs), "args": args as func left them}``, so that a
    checker can see whether the learner's function changed its inputs in place."""
    result = func(*args, **kwargs)
    return {"result": result, "args": list(args)}


def gradient_of(func, position, *args, **kwargs):
    """Harness: ``{"value": func(*args, **kwargs), "gradient": d value / d args[position]}``, the
    argument at ``position`` passed as a watched float32 tensor; the gradient is None when the
    value does not depend on it differentiably."""
    import tensorflow as tf

    args = list(args)
    watched = tf.constant(np.asarray(args[position], np.float32))
    args[position] = watched
    with tf.GradientTape() as tape:
        tape.watch(watched)
        value = func(*args, **kwargs)
    gradient = tape.gradient(value, watched) if value is not None and tf.is_tensor(value) else None
    return {"value": value, "gradient": gradient}


def architecture_of(func, *args, **kwargs):
    """Harness: the Keras model ``func(*args, **kwargs)`` returns, crossing as its architecture
    only (it arrives with fresh weights): for counting the parameters of a large model."""
    from cnnkit.grading.plain import ArchitectureOnly

    return ArchitectureOnly(func(*args, **kwargs))


def trusted_function(reference: str):
    """The function ``"module:qualname"`` of a ``cnnkit.grading`` module, for a harness that must
    hand the learner's code a callable (a block function, a function to differentiate)."""
    return harness_named(reference)


def block_model(block, input_shapes, *args, **kwargs):
    """Harness: ``block(*inputs, *args, **kwargs)`` on one ``keras.Input`` per shape of
    ``input_shapes`` (None stays None), returned as a description the checker can rebuild with
    :func:`call_block`: ``{"structure", "model", "used"}``. ``structure`` is ``"tensor"``,
    ``"tuple"``, ``"list"`` or, for anything else, the value itself; ``model`` maps the inputs that
    the output depends on (``used``, indices) to the output tensors, or is None when none does."""
    import keras

    inputs = [None if shape is None else keras.Input(tuple(shape)) for shape in input_shapes]
    out = block(*inputs, *args, **kwargs)
    if isinstance(out, keras.KerasTensor):
        structure, outputs = "tensor", [out]
    elif isinstance(out, (tuple, list)) and out and all(isinstance(o, keras.KerasTensor) for o in out):
        structure, outputs = type(out).__name__, list(out)
    else:
        return {"structure": {"value": out if out is None or isinstance(out, (int, float, str)) else describe(out)},
                "model": None, "used": [], "shapes": []}
    shapes = [list(tensor.shape) for tensor in outputs]
    present = [i for i, tensor in enumerate(inputs) if tensor is not None]
    for used in [present] + [[i] for i in present]:
        try:
            model = keras.Model([inputs[i] for i in used], outputs)
        except (ValueError, TypeError, AttributeError):
            continue
        return {"structure": structure, "model": model, "used": used, "shapes": shapes}
    return {"structure": structure, "model": None, "used": [], "shapes": shapes}


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
