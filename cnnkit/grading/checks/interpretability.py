"""Checks for notebook 09, visualizing CNNs.

Each exercise is tried on the same small random CNN built three ways with the same weights: a
Functional model, a Sequential model with an ``Input``, and a Sequential model built by calling it on
data (in Keras 3 the last two have no ``.input``/``.output``). The oracles never go through a model
the learner's code could build: they call the layers one by one in a ``tf.GradientTape``. When an
answer is wrong, the checks compute what known mistakes give (no ReLU, gradients pooled over the
wrong axes, a heat map left at the layer's size, the gradient of the loss...) to name the cause.
"""

from __future__ import annotations

import functools

import numpy as np

from cnnkit.grading.assertions import as_array, call, call_with, describe, fail, same_values, signature
from cnnkit.grading.core import ExerciseFailure, exercise
from cnnkit.grading.learner import LearnerFunction

NOTEBOOK = "09_visualizing_cnns"

INPUT_SHAPE = (16, 12, 3)   # height != width, so that a swapped resize shows
NUM_CLASSES = 4
SEQUENTIAL_HINT = ("In Keras 3, `model.input` and `model.output` raise AttributeError on Sequential models: "
                   "use `model.inputs[0]` and `model.outputs[0]`, which every model has.")


def _layers(head):
    """A chain of named layers: conv_a (16, 12, 4), pool (8, 6, 4), conv_b (6, 4, 5), then class scores."""
    import keras

    layers = [keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv_a"),
              keras.layers.MaxPooling2D(2, name="pool"),
              keras.layers.Conv2D(5, 3, activation="relu", name="conv_b")]
    if head == "flatten":
        layers.append(keras.layers.Flatten(name="flatten"))
    else:
        layers.append(keras.layers.GlobalAveragePooling2D(name="gap"))
    return layers + [keras.layers.Dense(NUM_CLASSES, name="predictions")]


@functools.cache
def _models(head="flatten", seed=7):
    """The same random CNN as a Functional model and two kinds of Sequential model, same weights."""
    import keras

    keras.utils.set_random_seed(seed)
    inputs = keras.Input(INPUT_SHAPE, name="image")
    x = inputs
    for layer in _layers(head):
        x = layer(x)
    functional = keras.Model(inputs, x, name="functional_cnn")
    with_input = keras.Sequential([keras.Input(INPUT_SHAPE)] + _layers(head), name="sequential_with_input")
    called = keras.Sequential(_layers(head), name="sequential_called_on_data")
    called(np.zeros((1,) + INPUT_SHAPE, np.float32))
    # Bias the class scores apart so that softmax probabilities are far from uniform.
    weights = functional.get_weights()
    weights[-1] = np.linspace(-1.0, 1.0, NUM_CLASSES).astype(np.float32)
    for model in (functional, with_input, called):
        model.set_weights(weights)
    return {"a Functional model": functional, "a Sequential model with an Input": with_input,
            "a Sequential model built by calling it": called}


def _images(count, seed):
    return np.random.default_rng(seed).random((count,) + INPUT_SHAPE).astype(np.float32)


def _run(model, x, watch=None):
    """Every layer's output, by calling the layers one by one (oracle; ``watch`` is a tape)."""
    import keras

    outputs = {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):   # a Functional model lists its Input
            continue
        x = layer(x)
        if watch is not None and layer.name != model.layers[-1].name:
            watch.watch(x)
        outputs[layer.name] = x
    return outputs


def on_model(func, kind, head, *args):
    """Harness: ``func(model, *args)`` with the model of ``kind`` of :func:`_models` built next to
    the learner's code (a rebuilt copy would not keep the Keras 3 Sequential pitfalls); returns
    ``{"result", "args"}``, the arguments as the call left them."""
    return {"result": func(_models(head)[kind], *args), "args": list(args)}


def _call_on(kind, func, *args, hint=None, arguments=False):
    """Call the learner's function on a model of ``kind`` (``args[0]``, one of :func:`_models`'s)
    or call a model the learner's function returned; a crash names the kind of model and a
    likely cause: the Keras 3 Sequential pitfall when that is what broke, else ``hint``. With
    ``arguments``, returns the result and the arguments after ``model`` as the call left them."""
    try:
        if not isinstance(func, LearnerFunction):
            return call(func, *args)
        model, *rest = args
        head = "gap" if any(layer.name == "gap" for layer in model.layers) else "flatten"
        shown = signature(func.__name__, ("model", *rest), {})
        answer = call_with(on_model, func, kind, head, *rest, _shown=shown)
        return (answer["result"], answer["args"]) if arguments else answer["result"]
    except ExerciseFailure as failure:
        text = str(failure)
        if "Sequential" in kind and ("no defined input" in text or "no defined output" in text):
            hint = SEQUENTIAL_HINT
        raise ExerciseFailure(f"on {kind}: {text}" + (f" {hint}" if hint else "")) from failure


# ------------------------------------------------------------------ feature_maps_model
@exercise(NOTEBOOK)
def check_feature_maps_model(feature_maps_model):
    import keras

    batch = _images(2, seed=1)
    for kind, model in _models().items():
        expected_all = {name: value.numpy() for name, value in _run(model, batch).items()}
        for names in (["conv_b"], ["conv_b", "conv_a"], ["pool", "conv_a", "predictions"]):
            text = f"feature_maps_model(model, {names}) on {kind}"
            features = _call_on(kind, feature_maps_model, model, names)
            if not isinstance(features, keras.Model):
                fail(text, f"returned {describe(features)}, expected a keras.Model.",
                     "Return keras.Model(inputs=..., outputs=[...]) built from the model's own tensors.")
            outputs = _call_on(kind, features, batch)
            if not isinstance(outputs, (list, tuple)):
                if len(names) > 1:
                    fail(text, f"the model returns one tensor, expected a list of {len(names)}.",
                         "Give keras.Model one output per name: outputs=[... for name in layer_names].")
                outputs = [outputs]
            if len(outputs) != len(names):
                fail(text, f"the model returns {len(outputs)} outputs, expected {len(names)}, one per name.")
            outputs = [as_array(output, text) for output in outputs]
            expected = [expected_all[name] for name in names]
            for name, got, want in zip(names, outputs, expected):
                if same_values(got, want):
                    continue
                names_in_order = list(expected_all)
                index = names_in_order.index(name)
                before = batch if index == 0 else expected_all[names_in_order[index - 1]]
                if len(names) > 1 and ([o.shape for o in outputs] == [e.shape for e in reversed(expected)] or any(
                        same_values(got, expected_all[other]) for other in names if other != name)):
                    hint = "Return the outputs in the order of layer_names, not in the order of the model's layers."
                elif same_values(got, before):
                    hint = "That is the layer's input: use model.get_layer(name).output."
                elif got.shape != want.shape:
                    hint = f"Output {name!r} should be that layer's output, of shape {want.shape}."
                else:
                    hint = ("Reuse the model's own layers and weights (model.get_layer(name).output); "
                            "do not create new layers.")
                fail(text, f"output {names.index(name)}, of shape {got.shape}, is not the output of layer "
                           f"{name!r}, of shape {want.shape}.", hint)


# ------------------------------------------------------------------ saliency_map
def _saliency_variants(model, image, class_index):
    """The right saliency map and what common mistakes give instead: {description: (h, w) array}."""
    import tensorflow as tf

    x = tf.constant(image[None])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        scores = _run(model, x)[model.layers[-1].name]
        score = scores[0, class_index]
        probability = tf.nn.softmax(scores)[0, class_index]
        loss = -tf.math.log(probability)
    score_grad, prob_grad, loss_grad = (tape.gradient(target, x)[0].numpy() for target in (score, probability, loss))
    right = np.abs(score_grad).max(axis=-1)
    return right, {
        "loss": np.abs(loss_grad).max(axis=-1),
        "probability": np.abs(prob_grad).max(axis=-1),
        "no abs": score_grad.max(axis=-1),
        "no abs, max of the negative": -score_grad.min(axis=-1),
        "mean over channels": np.abs(score_grad).mean(axis=-1),
        "sum over channels": np.abs(score_grad).sum(axis=-1),
        "normalised": right / right.max(),
    }


_SALIENCY_HINTS = {
    "loss": ("You took the gradient of the loss. Saliency explains the class score itself: "
             "score = model(x)[0, class_index], the logit, before any softmax or loss."),
    "probability": ("You took the gradient of the softmax probability. Use the class score (the logit) "
                    "model(x)[0, class_index]: the probability also depends on every other class."),
    "no abs": "Take the absolute value of the gradient before the maximum over channels: large negative gradients matter too.",
    "mean over channels": "Take the maximum over the channels (axis -1), not the mean.",
    "sum over channels": "Take the maximum over the channels (axis -1), not the sum.",
    "normalised": "Return the raw gradient magnitudes; do not divide by the maximum (plots do that).",
}
_SALIENCY_HINTS["no abs, max of the negative"] = _SALIENCY_HINTS["no abs"]


@exercise(NOTEBOOK)
def check_saliency_map(saliency_map):
    images = _images(2, seed=2)
    crash_hint = ("If the gradient is None: call tape.watch(x) on the input tensor, and call the model "
                  "directly (model(x)), not model.predict, inside the tape.")
    for kind, model in _models().items():
        for image, class_index in zip(images, (1, 3)):
            text = f"saliency_map(model, image, {class_index}) on {kind}"
            original = image.copy()
            result, after = _call_on(kind, saliency_map, model, image, class_index, hint=crash_hint, arguments=True)
            result = as_array(result, text)
            right, variants = _saliency_variants(model, original, class_index)
            if not np.array_equal(after[0], original):
                fail(text, "changed the input image.", "Work on a copy or a new tensor.")
            if result.shape != right.shape:
                h, w, c = INPUT_SHAPE
                if result.shape in ((1, h, w), (h, w, 1), (1, h, w, 1)):
                    hint = "Drop the batch and channel axes: return a 2-D (h, w) array."
                elif result.shape in ((h, w, c), (1, h, w, c)):
                    hint = "Reduce the channels: the maximum of the absolute gradient over the last axis."
                else:
                    hint = "Return one value per pixel of the image."
                fail(text, f"returned an array of shape {result.shape}, expected {right.shape}.", hint)
            if same_values(result, right, atol=1e-5):
                continue
            for name, variant in variants.items():
                if same_values(result, variant, atol=1e-5) or same_values(result, variant / variant.max(), atol=1e-5):
                    fail(text, "the values are not the saliency map.", _SALIENCY_HINTS[name])
            fail(text, "the values are not the saliency map.",
                 "Saliency is max over channels of |d model(x)[0, class_index] / d x|, for x = image[None].")


# ------------------------------------------------------------------ grad_cam
def _resize(cam, size, method="bilinear"):
    import tensorflow as tf

    return tf.image.resize(cam[None, :, :, None], size, method=method).numpy()[0, :, :, 0]


def _normalise(cam):
    return cam / cam.max() if cam.max() > 0 else cam


def _grad_cam_parts(model, image, class_index, layer_name):
    """The layer's output A (h', w', k), and the gradients of the class score, of its softmax
    probability and of the loss with respect to A (each (h', w', k)), with a tape (oracle)."""
    import tensorflow as tf

    with tf.GradientTape(persistent=True) as tape:
        outputs = _run(model, tf.constant(image[None]), watch=tape)
        maps, scores = outputs[layer_name], outputs[model.layers[-1].name]
        probability = tf.nn.softmax(scores)[0, class_index]
        targets = {"score": scores[0, class_index], "probability": probability, "loss": -tf.math.log(probability)}
    return maps[0].numpy(), {name: tape.gradient(target, maps)[0].numpy() for name, target in targets.items()}


def _accepted_cams(maps, grads, size):
    """Grad-CAM as the docstring defines it, and the equally right variants: normalised before or
    after the resize, nearest instead of bilinear, ReLU after the resize."""
    raw = np.sum(maps * grads.mean(axis=(0, 1)), axis=-1)
    cams = []
    for method in ("bilinear", "nearest"):
        cams += [_normalise(_resize(np.maximum(raw, 0), size, method)),
                 _resize(_normalise(np.maximum(raw, 0)), size, method),
                 _normalise(np.maximum(_resize(raw, size, method), 0))]
    return raw, cams


def _grad_cam_mistakes(maps, grads, size):
    """{hint: [maps that this mistake gives]}, each map shaped (h, w) like the right answer."""
    no_relu = {"min-max": [], "max": []}
    raw = np.sum(maps * grads["score"].mean(axis=(0, 1)), axis=-1)
    for resized in (_resize(raw, size), _resize(raw / np.abs(raw).max(), size)):
        no_relu["min-max"].append((resized - resized.min()) / np.ptp(resized))
        no_relu["max"].append(resized / resized.max())
        no_relu["max"].append(resized / np.abs(resized).max())
    gradients = grads["score"]                                  # (h', w', k)
    wrong_weights = [
        gradients.mean(axis=-1, keepdims=True),   # averaged over the channels: one weight per position
        gradients.mean(axis=0, keepdims=True),    # averaged over height only (e.g. axes (0, 1) of the batch)
        gradients.mean(axis=1, keepdims=True),    # averaged over width only
        gradients.mean(),                         # one weight for everything
        gradients,                                # not averaged at all
    ]
    return {
        "relu": no_relu["min-max"] + no_relu["max"],
        "axes": [_normalise(_resize(np.maximum(np.sum(maps * weights, axis=-1), 0), size)) for weights in wrong_weights],
        "probability": [_normalise(_resize(np.maximum(np.sum(maps * grads[name].mean(axis=(0, 1)), axis=-1), 0), size))
                        for name in ("probability", "loss")],
        "unnormalised": [_resize(np.maximum(raw, 0), size)],
    }


_GRAD_CAM_HINTS = {
    "relu": ("Apply a ReLU to the weighted sum of the feature maps before normalising: Grad-CAM keeps only "
             "the evidence *for* the class, and negative values belong to other classes."),
    "axes": ("The gradients were pooled over the wrong axes. Average the (1, h', w', k) gradients over height "
             "and width, axes (1, 2), to get one weight per channel, shape (1, k)."),
    "probability": ("You took the gradient of the probability or of the loss. Use the class score (the logit) "
                    "scores[0, class_index], before any softmax."),
    "unnormalised": "Divide the heat map by its maximum, so that its values lie in [0, 1].",
}


@exercise(NOTEBOOK)
def check_grad_cam(grad_cam):
    h, w, _ = INPUT_SHAPE
    # (head, image seed, class, layer): the weighted sums of the first three have both signs; the last
    # has no positive evidence at all, so its heat map is all zeros.
    cases = [("flatten", 3, 2, "conv_b"), ("flatten", 4, 2, "conv_a"), ("gap", 5, 2, "conv_b"), ("gap", 3, 3, "conv_b")]
    crash_hint = ("Check the axes: average the gradients over height and width (axes 1 and 2) to get one "
                  "weight per channel, then weight the layer's output (1, h', w', k) channel by channel.")
    for head, seed, class_index, layer_name in cases:
        image = _images(1, seed)[0]
        for kind, model in _models(head).items():
            text = f"grad_cam(model, image, {class_index}, {layer_name!r}) on {kind}"
            result = as_array(_call_on(kind, grad_cam, model, image, class_index, layer_name, hint=crash_hint), text)
            maps, grads = _grad_cam_parts(model, image, class_index, layer_name)
            raw, accepted = _accepted_cams(maps, grads["score"], (h, w))
            if result.shape != (h, w):
                if result.shape[-2:] == maps.shape[:2] or result.shape[:2] == maps.shape[:2]:
                    hint = (f"The heat map is not resized to the input: it has the layer's size {maps.shape[:2]}. "
                            "Resize it to the image's height and width, e.g. with tf.image.resize.")
                elif result.shape == (w, h):
                    hint = "Height and width are swapped: resize to image.shape[:2], which is (height, width)."
                elif result.size == h * w:
                    hint = "Drop the batch and channel axes: return a 2-D (h, w) array."
                else:
                    hint = "Return one value per pixel of the input image: shape (h, w)."
                fail(text, f"returned an array of shape {result.shape}, expected {(h, w)}.", hint)
            if any(same_values(result, cam, atol=1e-4) for cam in accepted):
                continue
            if np.isnan(result).any():
                fail(text, "the heat map contains NaN.", "When the ReLU leaves nothing (maximum 0), return zeros "
                     "instead of dividing by 0, e.g. with tf.math.divide_no_nan.")
            mistakes = _grad_cam_mistakes(maps, grads, (h, w))
            for name in ("relu", "unnormalised", "axes", "probability"):
                if any(same_values(result, cam, atol=1e-4) for cam in mistakes[name]):
                    fail(text, "the values are not the Grad-CAM heat map.", _GRAD_CAM_HINTS[name])
            if result.min() < -1e-6:
                fail(text, f"the heat map has negative values (down to {result.min():.3g}).", _GRAD_CAM_HINTS["relu"])
            if result.max() > 1 + 1e-6:
                fail(text, f"the heat map goes up to {result.max():.3g}, expected values in [0, 1].",
                     _GRAD_CAM_HINTS["unnormalised"])
            fail(text, "the values are not the Grad-CAM heat map.",
                 f"Check each step: gradients of scores[0, class_index] with respect to the output of layer "
                 f"{layer_name!r}, averaged over axes (1, 2), weighted sum of the channels, ReLU, resize, "
                 "divide by the maximum.")
