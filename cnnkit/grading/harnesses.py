"""Harnesses: functions that run next to the learner's code, in the runner, for
:func:`~cnnkit.grading.assertions.call_with`.

A checker names a harness when an exercise's arguments cannot cross as plain data, or when it must
see what the call did to its arguments. The harness builds what the learner's function needs, calls
it, and returns plain data. A harness never computes what the answer should be, and the judge
believes nothing a harness says beyond the values it returns:

* :func:`with_tensors` passes arrays as TensorFlow tensors;
* :func:`returning_arguments` also returns the arguments as the learner's function left them;
* :func:`gradient_of` also returns a gradient with respect to one argument;
* :func:`architecture_of` returns a large model's architecture without its weights;
* :func:`block_model` calls a block function on ``keras.Input`` placeholders (its checker side is
  :func:`cnnkit.grading.model_checks.call_block`);
* :func:`trusted_function` finds a function a checker names for the learner's code to call.
"""

from __future__ import annotations

import numpy as np

from cnnkit.grading.assertions import describe
from cnnkit.grading.learner import harness_named


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


