"""Checks for notebook 10, segmentation with U-Net.

Oracles are independent of the learner's code: closed-form parameter counts of the layers a
block must hold, TensorFlow's max pooling, ``keras.metrics.MeanIoU`` for the mean IoU, and
the Dice formula evaluated in NumPy. When an answer is wrong, the checks compare it with what
known mistakes give (a missing skip concatenation, upsampling to the wrong size, absent
classes counted in the mean, Dice without smoothing...) to name the likely cause.
"""

from __future__ import annotations

import numpy as np

from cnnkit.grading.assertions import as_number, call, call_with, describe, fail
from cnnkit.grading.core import ExerciseFailure, exercise
from cnnkit.grading.harnesses import gradient_of
from cnnkit.grading.model_checks import SOFTMAX_TWICE, are_probabilities, call_block, probabilities
from cnnkit.grading.references import conv_block_params, decoder_params, unet_params

NOTEBOOK = "10_segmentation_unet"

UPSAMPLE_HINT = ("Upsampling must bring x to exactly skip's height and width, a factor of 2 "
                 "(Conv2DTranspose(filters, 2, strides=2) or UpSampling2D(2)), before the two are concatenated.")


# --------------------------------------------------------------------------- helpers
def _shape(tensor):
    return tuple(tensor.shape) if hasattr(tensor, "shape") else None


def _block_layers(model):
    import keras

    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def _check_names(model, name, text):
    unnamed = [layer.name for layer in _block_layers(model) if not layer.name.startswith(name)]
    if unnamed:
        fail(text, f"layer {unnamed[0]!r} does not start with name={name!r}.",
             "Pass `name` on to conv_block and name every other layer f\"{name}_...\": a U-Net uses "
             "this block several times, and layer names must be unique in a model.")


def _random(shape, seed):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


# --------------------------------------------------------------------------- the blocks
@exercise(NOTEBOOK)
def check_encoder_block(encoder_block):
    import keras
    import tensorflow as tf

    text = "encoder_block(keras.Input((16, 12, 3)), filters=8, name='down1')"
    (x,), result = call_block(encoder_block, [(16, 12, 3)], 8, name="down1")
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(text, f"returned {describe(result)}, expected a tuple (features, skip).",
             "Return both tensors: `return features, skip`.")
    features, skip = result
    wanted_features, wanted_skip = (None, 8, 6, 8), (None, 16, 12, 8)
    if (_shape(features), _shape(skip)) == (wanted_skip, wanted_features):
        fail(text, f"features has shape {_shape(features)} and skip {_shape(skip)}.",
             "The order is swapped: return (features, skip), the pooled tensor first.")
    if _shape(skip) != wanted_skip:
        hint = ("skip is the block's input: it must be the output of conv_block, before pooling."
                if _shape(skip) == (None, 16, 12, 3) else "skip is the output of conv_block(x, filters, name), before pooling.")
        fail(text, f"skip has shape {_shape(skip)}, expected {wanted_skip}.", hint)
    if _shape(features) != wanted_features:
        hint = ("features is not pooled: apply 2x2 max pooling to skip." if _shape(features) == wanted_skip
                else "features = MaxPooling2D(2)(skip) halves the height and width.")
        fail(text, f"features has shape {_shape(features)}, expected {wanted_features}.", hint)
    model = keras.Model(x, [features, skip])
    expected = conv_block_params(3, 8)
    if model.count_params() != expected:
        fail(text, f"the block has {model.count_params()} parameters, expected {expected}.",
             "Use conv_block(x, filters, name) once (two 3x3 convolutions with batch norm), then pool.")
    _check_names(model, "down1", text)
    pooled, before = model(_random((2, 16, 12, 3), 0))
    if not np.allclose(pooled, tf.nn.max_pool2d(before, 2, 2, "VALID"), atol=1e-5):
        hint = ("You used average pooling: U-Net uses max pooling."
                if np.allclose(pooled, tf.nn.avg_pool2d(before, 2, 2, "VALID"), atol=1e-5)
                else "features must be MaxPooling2D(2) applied to skip.")
        fail(text, "features is not the 2x2 max pooling of skip.", hint)


@exercise(NOTEBOOK)
def check_decoder_block(decoder_block):
    import keras

    cases = [("transpose", True), ("bilinear", True), ("transpose", False)]
    for number, (upsampling, with_skip) in enumerate(cases):
        name = f"up{number}"
        text = (f"decoder_block(keras.Input((6, 5, 16)), {'keras.Input((12, 10, 8))' if with_skip else 'None'}, "
                f"filters=8, upsampling={upsampling!r}, name={name!r})")
        hint = UPSAMPLE_HINT if with_skip else "With skip=None there is nothing to concatenate: skip that step."
        (x, skip), out = call_block(decoder_block, [(6, 5, 16), (12, 10, 8) if with_skip else None], 8,
                                    upsampling=upsampling, name=name, _hint=hint)
        if _shape(out) != (None, 12, 10, 8):
            shape = _shape(out)
            if shape and shape[1:3] != (12, 10):
                hint = UPSAMPLE_HINT
            elif shape and shape[-1] != 8:
                hint = "The output has `filters` channels: apply conv_block(x, filters, name) after concatenating."
            else:
                hint = "Upsample by 2, concatenate skip, then conv_block."
            fail(text, f"output has shape {shape}, expected (None, 12, 10, 8).", hint)
        missing_skip = ("The skip concatenation is missing: join the upsampled x and skip along the channels "
                        "with keras.layers.Concatenate() before conv_block.")
        try:
            model = keras.Model([x, skip] if with_skip else x, out)
        except ValueError:  # Keras refuses an input that the output does not use
            fail(text, f"the output does not depend on {'skip' if with_skip else 'x'}.",
                 missing_skip if with_skip else None)
        if with_skip:
            inputs = _random((1, 6, 5, 16), 1)
            first = np.asarray(model([inputs, _random((1, 12, 10, 8), 2)]))
            second = np.asarray(model([inputs, _random((1, 12, 10, 8), 3)]))
            if np.allclose(first, second):
                fail(text, "the output does not depend on skip.", missing_skip)
        expected = decoder_params(16, 8 if with_skip else 0, 8, upsampling)
        params = model.count_params()
        if params != expected:
            if with_skip and params == decoder_params(16, 0, 8, upsampling):
                hint = "x and skip are added, not concatenated: use keras.layers.Concatenate()."
            elif upsampling == "transpose" and params == decoder_params(16, 8 if with_skip else 0, 8, "bilinear"):
                hint = "upsampling='transpose' asks for a learned Conv2DTranspose(filters, 2, strides=2)."
            elif upsampling == "bilinear" and params == decoder_params(16, 8, 8, "transpose"):
                hint = "upsampling='bilinear' asks for UpSampling2D(2, interpolation='bilinear'), which learns nothing."
            else:
                hint = "Upsample (a 2x2 transposed convolution with `filters` channels), concatenate, conv_block."
            fail(text, f"the block has {params} parameters, expected {expected}.", hint)
        _check_names(model, name, text)


@exercise(NOTEBOOK, uses=("encoder_block", "decoder_block"))
def check_build_unet(build_unet):
    import keras

    cases = [((16, 16, 3), 4, 2, 4, "transpose", True), ((16, 24, 1), 2, 3, 4, "transpose", True),
             ((16, 16, 3), 3, 2, 4, "transpose", False), ((16, 8, 3), 3, 1, 8, "bilinear", True)]
    for case, (input_shape, num_classes, depth, base, upsampling, skips) in enumerate(cases):
        text = (f"build_unet({input_shape}, num_classes={num_classes}, depth={depth}, base_filters={base}, "
                f"upsampling={upsampling!r}, skip_connections={skips})")
        try:
            model = build_unet(input_shape, num_classes, depth=depth, base_filters=base,
                               upsampling=upsampling, skip_connections=skips)
        except NotImplementedError:
            raise
        except ExerciseFailure:
            raise
        except Exception as error:
            message = str(error)
            if "unique" in message or "times in the model" in message:
                hint = "Give each block its own name, e.g. name=f\"encoder{level}\" and f\"decoder{level}\"."
            elif "Concatenate" in message or "shape" in message:
                hint = ("Pair each decoder level with the skip of the same resolution: the last skip goes to the "
                        "first decoder block.")
            else:
                hint = None
            fail(text, f"raised {type(error).__name__}: {message.splitlines()[0][:200]}", hint)
        if not isinstance(model, keras.Model):
            fail(text, f"returned {describe(model)}, expected a keras.Model.",
                 "Return keras.Model(inputs, outputs, name='unet').")
        wanted = (None, *input_shape[:2], num_classes)
        shape = _shape(model.output)
        if shape != wanted:
            if shape and shape[1:3] != input_shape[:2]:
                hint = ("The output must have the input's height and width: one decoder_block for every "
                        "encoder_block, each upsampling by 2.")
            else:
                hint = "End with a 1x1 Conv2D with num_classes filters and activation=classifier_activation."
            fail(text, f"output has shape {shape}, expected {wanted}.", hint)
        if are_probabilities(np.asarray(model(_random((1, *input_shape), 4)))):
            fail(text, "every pixel's outputs are probabilities, not logits.", SOFTMAX_TWICE)
        if case == 0:  # once is enough: classifier_activation="softmax" gives per-pixel probabilities
            probabilities(build_unet, input_shape, num_classes, depth=depth, base_filters=base, upsampling=upsampling,
                          skip_connections=skips, input_shape=input_shape, batch=1)
        expected = unet_params(input_shape[2], num_classes, depth, base, upsampling, skips)
        params = model.count_params()
        if params == expected:
            continue
        if skips and params == unet_params(input_shape[2], num_classes, depth, base, upsampling, False):
            hint = ("The skip concatenation is missing: pass each encoder level's skip tensor to the decoder "
                    "block of the same level.")
        elif not skips and params == unet_params(input_shape[2], num_classes, depth, base, upsampling, True):
            hint = "With skip_connections=False, pass skip=None to every decoder_block."
        elif params in (unet_params(input_shape[2], num_classes, d, base, upsampling, skips) for d in (depth - 1, depth + 1)):
            hint = "Use exactly `depth` encoder blocks and `depth` decoder blocks around one bottleneck conv_block."
        else:
            hint = ("Encoder level i has base_filters * 2**i filters, the bottleneck base_filters * 2**depth, "
                    "and decoder level i mirrors encoder level i.")
        fail(text, f"the model has {params} parameters, expected {expected}.", hint)


# --------------------------------------------------------------------------- metrics
def _score(result, text):
    return as_number(result, text, "Average the per-class scores into a single number.")


def _one_hot(labels, num_classes):
    return np.eye(num_classes, dtype=np.float32)[labels]


def _dice(t, p, smooth, axes=None, smooth_top=True, two=2.0):
    """The Dice formula in NumPy; the keyword arguments reproduce known mistakes."""
    axes = tuple(range(t.ndim - 1)) if axes is None else axes
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (two * np.sum(t * p, axis=axes) + (smooth if smooth_top else 0.0)) / (
            np.sum(t, axis=axes) + np.sum(p, axis=axes) + smooth)
    return float(np.mean(score))


def _dice_hint(value, t, p, smooth):
    if not np.isfinite(value):
        return ("Dice divides by zero on empty masks: a class absent from both y_true and y_pred gives 0 / 0. "
                "Add smooth to the numerator and the denominator.")
    if smooth > 0 and np.isclose(value, _dice(t, p, 0.0), atol=1e-5):
        return ("smooth is not used: without it Dice divides by zero on empty masks (0 / 0 for a class absent "
                "from both). Add smooth to the numerator and the denominator.")
    if np.isclose(value, _dice(t, p, smooth, smooth_top=False), atol=1e-5):
        return "Add smooth to the numerator too, so that a class absent from both masks scores 1."
    if np.isclose(value, _dice(t, p, smooth, axes=tuple(range(t.ndim))), atol=1e-5):
        return ("Compute Dice per class (sum over every axis but the last), then average the per-class "
                "scores; one sum over everything lets the large background swamp small classes.")
    if np.isclose(value, _dice(t, p, smooth, two=1.0), atol=1e-5):
        return "The numerator is 2 * intersection + smooth."
    return "dice_c = (2 * sum(y_true * y_pred) + smooth) / (sum(y_true) + sum(y_pred) + smooth), averaged over c."


@exercise(NOTEBOOK)
def check_dice_coefficient(dice_coefficient):
    rng = np.random.default_rng(5)
    labels = rng.integers(0, 3, size=(2, 6, 6))
    logits = rng.normal(size=(2, 6, 6, 3))
    soft = (np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)).astype(np.float32)
    absent = np.where(labels == 2, 0, labels)  # class 2 in neither mask
    cases = [
        ("identical one-hot masks", _one_hot(labels, 3), _one_hot(labels, 3), 1.0),
        ("one-hot truth, softmax prediction", _one_hot(labels, 3), soft, 1.0),
        ("the same without smoothing", _one_hot(labels, 3), soft, 0.0),
        ("a class absent from both masks", _one_hot(absent, 3), _one_hot(np.roll(absent, 1, axis=1), 3), 1.0),
        ("all-background masks with 4 classes and no batch axis", _one_hot(np.zeros((5, 4), int), 4),
         _one_hot(np.zeros((5, 4), int), 4), 1.0),
    ]
    # Dice must be differentiable, since the combined loss trains the network through it.
    found = call_with(gradient_of, dice_coefficient, 1, _one_hot(labels, 3), soft, 1.0,
                      _shown="dice_coefficient(one-hot truth, softmax prediction as a tensor)")
    if found["value"] is None:
        fail("dice_coefficient(one-hot truth, softmax prediction)", "returned None.",
             "Did you forget the `return` statement?")
    gradient = found["gradient"]
    if gradient is None or not np.any(np.asarray(gradient)):
        fail("dice_coefficient(one-hot truth, softmax prediction as a tensor)", "has no gradient.",
             "Use y_pred's probabilities as they are, with keras.ops: no argmax, rounding or NumPy conversion.")
    for what, t, p, smooth in cases:
        text = f"dice_coefficient({what}: y_true {describe(t)}, y_pred {describe(p)}, smooth={smooth})"
        value, expected = _score(call(dice_coefficient, t, p, smooth), text), _dice(t, p, smooth)
        if not np.isclose(value, expected, atol=1e-5):
            fail(text, f"returned {value:.6g}, expected {expected:.6g}.", _dice_hint(value, t, p, smooth))


def _keras_mean_iou(y_true, y_pred, num_classes):
    """The oracle: Keras' own metric, which leaves out classes absent from both arrays."""
    import keras

    metric = keras.metrics.MeanIoU(num_classes)
    metric.update_state(y_true, y_pred)
    return float(metric.result())


def _iou_per_class(y_true, y_pred, num_classes):
    classes = np.arange(num_classes)[:, None]
    t, p = y_true.reshape(1, -1) == classes, y_pred.reshape(1, -1) == classes
    return (t & p).sum(1), (t | p).sum(1), t.sum(1)


def _iou_hint(value, y_true, y_pred, num_classes):
    intersection, union, truth = _iou_per_class(y_true, y_pred, num_classes)
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = intersection / union
    if not np.isfinite(value):
        return ("A class absent from both truth and prediction gives 0 / 0: leave such classes out of the mean "
                "instead of dividing by zero.")
    if np.isclose(value, np.nansum(iou) / num_classes, atol=1e-5):
        return ("IoU is averaged over classes absent from both truth and prediction: they have no IoU, so "
                "average only over the classes whose union is not empty.")
    if np.isclose(value, np.nanmean(np.where(truth > 0, iou, np.nan)), atol=1e-5):
        return ("Classes that are predicted but absent from the truth count too, with IoU 0: average over "
                "the classes in the truth or the prediction.")
    return "IoU_c = intersection / union over all pixels of the batch, averaged over classes whose union is not empty."


@exercise(NOTEBOOK)
def check_mean_iou(mean_iou):
    rng = np.random.default_rng(6)
    truth = rng.integers(0, 4, size=(2, 8, 8))
    noisy = np.where(rng.random((2, 8, 8)) < 0.3, rng.integers(0, 4, size=(2, 8, 8)), truth)
    small = np.zeros((1, 4, 4), int)
    small[0, :2, :2] = 1
    extra = small.copy()
    extra[0, 3, 3] = 2  # class 2 predicted, absent from the truth
    cases = [
        ("a perfect prediction", truth, truth, 4),
        ("a noisy prediction", truth, noisy, 4),
        ("classes 4 and 5 absent from both", truth, noisy, 6),
        ("a class predicted but absent from the truth", small, extra, 3),
        ("a 2x2 case where classes 0 and 1 both have IoU 1/3", np.array([[[0, 1], [1, 1]]]),
         np.array([[[0, 0], [1, 0]]]), 3),
    ]
    for what, y_true, y_pred, num_classes in cases:
        text = f"mean_iou({what}: y_true {describe(y_true)}, y_pred {describe(y_pred)}, num_classes={num_classes})"
        value = _score(call(mean_iou, y_true, y_pred, num_classes), text)
        expected = _keras_mean_iou(y_true, y_pred, num_classes)
        if not np.isclose(value, expected, atol=1e-5):
            fail(text, f"returned {value:.6g}, expected {expected:.6g}.", _iou_hint(value, y_true, y_pred, num_classes))
