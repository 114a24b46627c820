"""The settled conventions of docs/conventions.md, pinned where a learner meets them: classifier
outputs and their layer's name, Conv -> BN -> activation without a redundant bias, rotation units, dataset defaults,
argument names, and the pooling cache."""

from __future__ import annotations

import inspect
import math

import keras
import numpy as np
import pytest

from cnnkit import scratch
from cnnkit.augment.classification import build_augmenter, make_dataset
from cnnkit.augment.joint import augment_pair, random_affine
from cnnkit.data import load_oxford_pets, make_shapes, sample_image
from cnnkit.models import classic, lenet, mobilenet, resnet, sequence, unet
from cnnkit.topics import transfer_learning


# ------------------------------------------------------------------ classifier output
def _small_base():
    """A stand-in for a pretrained base, for the transfer-model builder."""
    inputs = keras.Input((16, 16, 3))
    return keras.Model(inputs, keras.layers.Conv2D(4, 3)(inputs), name="base")


# Every builder that ends in a classifier, at a small size; each takes its own options and the
# classifier_activation under test.
BUILDERS = {
    "build_mlp": (lenet.build_mlp, ((28, 28, 1), 10), {}),
    "build_lenet5": (lenet.build_lenet5, ((28, 28, 1), 10), {}),
    "build_regularized_cnn": (lenet.build_regularized_cnn, ((28, 28, 1), 10), {"batch_norm": True}),
    "alexnet": (classic.alexnet, ((32, 32, 1), 10), {"width_multiplier": 0.0625, "small_input": True}),
    "build_vgg": (classic.build_vgg, ([(1, 4), (1, 8)], (16, 16, 1), 10), {"dense_units": 16}),
    "vgg": (classic.vgg, (11, (32, 32, 1), 10), {"width_multiplier": 0.0625}),
    "nin": (classic.nin, ((32, 32, 1), 10), {"width_multiplier": 0.0625, "small_input": True}),
    "googlenet": (classic.googlenet, ((32, 32, 1), 10), {"width_multiplier": 0.0625, "small_input": True}),
    "build_resnet": (resnet.build_resnet, (resnet.residual_block, [1, 1], (16, 16, 1), 10),
                     {"base_filters": 4, "small_input": True}),
    "resnet18": (resnet.resnet18, ((32, 32, 3), 10), {"base_filters": 4, "small_input": True}),
    "resnet34": (resnet.resnet34, ((32, 32, 3), 10), {"base_filters": 4, "small_input": True}),
    "resnet50": (resnet.resnet50, ((32, 32, 3), 10), {"base_filters": 4, "small_input": True}),
    "cifar_resnet": (resnet.cifar_resnet, (8, (16, 16, 3), 10), {"base_filters": 4}),
    "build_unet": (unet.build_unet, ((16, 16, 3), 3), {"depth": 1, "base_filters": 4}),
    "mobilenet_v2": (mobilenet.mobilenet_v2, ((32, 32, 3), 10), {"include_preprocessing": False}),
    "build_transfer_model": (transfer_learning.build_transfer_model, (_small_base(), 10), {}),
    "build_conv1d_classifier": (sequence.build_conv1d_classifier, ((32, 1), 3), {"filters": (4, 4), "kernel_sizes": (3, 3)}),
    "build_text_cnn": (sequence.build_text_cnn, (50, 20, 2), {"embedding_dim": 4, "filters": 4}),
    "build_padding_aware_text_cnn": (sequence.build_padding_aware_text_cnn, (50, 20, 2),
                                     {"embedding_dim": 4, "filters": 4}),
}


def _input_shape(model):
    return tuple(model.inputs[0].shape[1:])


def _outputs(model, seed=0):
    x = np.random.default_rng(seed).random((2, *_input_shape(model)), dtype=np.float32)
    return np.asarray(model(x, training=False))


def _sums_to_one(out):
    return bool(np.all(out >= 0) and np.allclose(out.sum(axis=-1), 1.0, atol=1e-4))


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_classifier_builder_returns_logits_by_default_and_probabilities_on_request(name):
    builder, args, kwargs = BUILDERS[name]
    assert inspect.signature(builder).parameters["classifier_activation"].default is None
    keras.utils.set_random_seed(0)
    logits = _outputs(builder(*args, **kwargs))
    assert not _sums_to_one(logits), f"{name} applies a softmax by default"
    keras.utils.set_random_seed(0)
    probabilities = _outputs(builder(*args, classifier_activation="softmax", **kwargs))
    assert _sums_to_one(probabilities), f"{name}(classifier_activation='softmax') does not give probabilities"
    # The same weights: the probabilities are the softmax of the default model's logits.
    expected = keras.ops.convert_to_numpy(keras.ops.softmax(logits, axis=-1))
    np.testing.assert_allclose(probabilities, expected, atol=1e-5)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_classifier_names_its_last_layer_predictions(name):
    builder, args, kwargs = BUILDERS[name]
    model = builder(*args, **kwargs)
    assert model.layers[-1].name == "predictions", f"{name} ends in {model.layers[-1].name!r}"


# ------------------------------------------------------------------ Conv -> BN -> activation
def _producers(model):
    """Map each layer's output tensor to the layer, for a functional model whose layers are used once."""
    return {id(layer.output): layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)}


@pytest.mark.parametrize("name", ["build_regularized_cnn", "build_resnet", "resnet18", "resnet50", "cifar_resnet",
                                  "build_unet"])
def test_a_convolution_followed_by_batch_norm_has_no_bias_and_no_activation(name):
    builder, args, kwargs = BUILDERS[name]
    model = builder(*args, **kwargs)
    producers = _producers(model)
    norms = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert norms
    for norm in norms:
        conv = producers[id(norm.input)]
        assert isinstance(conv, keras.layers.Conv2D), f"{norm.name} follows {conv.name}, not a convolution"
        assert not conv.use_bias, f"{conv.name} has a bias although {norm.name} follows it"
        assert conv.activation is keras.activations.linear, f"{conv.name} has an activation before {norm.name}"


def test_a_convolution_without_batch_norm_keeps_its_bias():
    model = lenet.build_regularized_cnn((28, 28, 1), 10)
    assert all(layer.use_bias for layer in model.layers if isinstance(layer, keras.layers.Conv2D))


# ------------------------------------------------------------------ rotation: a fraction of a turn
def test_augmenter_rotation_is_keras_fraction_of_a_turn():
    augmenter = build_augmenter(flip=False, rotation=0.05, translation=0, zoom=0, contrast=0)
    (rotation,) = augmenter.layers
    assert isinstance(rotation, keras.layers.RandomRotation)
    assert tuple(rotation.factor) == pytest.approx((-0.05, 0.05))


def test_joint_rotation_is_a_fraction_of_a_turn_too():
    angles = []
    for k in range(200):
        a0, _, _, b0, *_ = np.asarray(random_affine((k, 1), 32, 32, flip=False, rotation=0.25,
                                                    zoom_range=(1, 1), shift=0))
        angles.append(abs(math.atan2(b0, a0)))
    # 0.25 of a turn: up to 90 degrees either way, and the draws reach close to it.
    assert max(angles) <= math.pi / 2 + 1e-6
    assert max(angles) > 0.9 * math.pi / 2


def test_joint_rotation_in_degrees_is_refused_with_a_hint():
    image, mask = np.zeros((8, 8, 3), np.float32), np.zeros((8, 8), np.uint8)
    with pytest.raises(ValueError, match="fraction of a full turn.*looks like degrees"):
        augment_pair(image, mask, seed=(0, 0), rotation=15)


# ------------------------------------------------------------------ names and defaults
@pytest.mark.parametrize("function", [make_dataset])
def test_datasets_are_not_shuffled_unless_asked(function):
    assert inspect.signature(function).parameters["shuffle"].default is False


@pytest.mark.parametrize("function", [classic.nin_block, resnet.residual_block, resnet.bottleneck_block,
                                      resnet.plain_block, scratch.conv_forward, scratch.conv_forward_fast,
                                      scratch.pool_forward, scratch.conv_output_size])
def test_block_and_numpy_functions_take_an_int_stride(function):
    parameters = inspect.signature(function).parameters
    assert "stride" in parameters and "strides" not in parameters


@pytest.mark.parametrize(("function", "name"), [
    *[(getattr(classic, n), "width_multiplier") for n in ("alexnet", "vgg", "nin", "googlenet")],
    *[(getattr(resnet, n), "base_filters") for n in ("build_resnet", "resnet18", "resnet34", "resnet50",
                                                     "cifar_resnet")],
    (unet.build_unet, "base_filters"),
])
def test_width_has_one_meaning_per_name(function, name):
    parameters = inspect.signature(function).parameters
    assert name in parameters and "width" not in parameters


@pytest.mark.parametrize("function", [sample_image, make_shapes, load_oxford_pets])
def test_loaders_and_generators_take_image_size(function):
    parameters = inspect.signature(function).parameters
    assert "image_size" in parameters and "size" not in parameters


# ------------------------------------------------------------------ the pooling cache
@pytest.mark.parametrize("mode", ["max", "average"])
def test_pooling_cache_holds_everything_the_backward_pass_needs(mode):
    A = np.random.default_rng(0).normal(size=(1, 4, 4, 2))
    _, cache = scratch.pool_forward_cached(A, 2, 2, mode)
    assert len(cache) == 4 and cache[0] is A and cache[1:] == (2, 2, mode)
    assert list(inspect.signature(scratch.pool_backward).parameters) == ["dA", "cache"]
    dA = np.ones((1, 2, 2, 2))
    dA_prev = scratch.pool_backward(dA, cache)
    if mode == "average":
        np.testing.assert_allclose(dA_prev, 0.25)        # spread evenly over each 2x2 window
    else:
        assert np.count_nonzero(dA_prev) == 8            # one maximum per window and channel
