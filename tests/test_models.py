"""cnnkit.models: the classic and ResNet builders against keras.applications and closed forms,
and the multiply-add counter on cases worked out by hand."""

from __future__ import annotations

import re

import keras
import pytest

from cnnkit.models.classic import alexnet, googlenet, nin, vgg
from cnnkit.models.complexity import count_macs, layer_macs
from cnnkit.models.resnet import cifar_resnet, plain_block, resnet18, resnet34, resnet50

# Names Keras gives a layer that was not named (conv2d, conv2d_1, batch_normalization_3...).
AUTOMATIC_NAME = re.compile(r"^(input_layer|conv2d|dense|batch_normalization|activation|add|max_pooling2d|"
                            r"concatenate|global_average_pooling2d|re_lu)(_\d+)?$")


# ------------------------------------------------------------------ keras.applications as the oracle
@pytest.mark.parametrize(("mine", "theirs"), [
    (lambda: vgg(16), keras.applications.VGG16),
    (lambda: vgg(19), keras.applications.VGG19),
    (resnet50, keras.applications.ResNet50),
], ids=["VGG16", "VGG19", "ResNet50"])
def test_parameter_counts_equal_keras_applications_less_conv_biases_before_batch_norm(mine, theirs):
    # Keras' ResNet50 gives its convolutions biases that batch norm makes redundant; ours have none.
    # VGG has no batch norm, so its convolutions keep their biases and the counts are equal.
    reference = theirs(weights=None, input_shape=(224, 224, 3), classes=1000)
    redundant = 0
    if any(isinstance(layer, keras.layers.BatchNormalization) for layer in reference.layers):
        redundant = sum(layer.bias.shape[0] for layer in reference.layers
                        if isinstance(layer, keras.layers.Conv2D) and layer.use_bias)
    assert mine().count_params() == reference.count_params() - redundant


def test_resnet50_feature_map_matches_keras():
    theirs = keras.applications.ResNet50(weights=None, include_top=False, input_shape=(64, 64, 3))
    assert resnet50(input_shape=(64, 64, 3), include_top=False).output.shape == theirs.output.shape


# ------------------------------------------------------------------ closed forms
def _trainable(model):
    return sum(int(keras.ops.size(w)) for w in model.trainable_weights)


def test_resnets_count_the_published_weights():
    # torchvision's ResNet-18/34/50 have 11,689,512, 21,797,672 and 25,557,032 trainable parameters
    # and, like ours, no biases on the convolutions that batch norm follows.
    assert _trainable(resnet18()) == 11_689_512
    assert _trainable(resnet34()) == 21_797_672
    assert _trainable(resnet50()) == 25_557_032


def _basic(c_in, c, projection):
    convs = 9 * c_in * c + 9 * c * c + (c_in * c if projection else 0)  # no biases: batch norm follows
    return convs + 4 * c * (3 if projection else 2)


def test_cifar_resnet20_closed_form():
    n, total, c_in = 3, 9 * 3 * 16 + 4 * 16, 16
    for c in (16, 32, 64):
        for _ in range(n):
            total += _basic(c_in, c, projection=c_in != c)
            c_in = c
    total += 64 * 10 + 10
    assert cifar_resnet(20).count_params() == total


def test_plain_twin_has_the_same_main_path_and_no_shortcut():
    plain, residual = cifar_resnet(20, block=plain_block), cifar_resnet(20)
    assert not any(isinstance(layer, keras.layers.Add) for layer in plain.layers)
    projections = sum(1 for layer in residual.layers if "proj" in layer.name)
    assert residual.count_params() - plain.count_params() == (16 * 32 + 4 * 32) + (32 * 64 + 4 * 64)
    assert projections == 4


@pytest.mark.parametrize(("build", "shape"), [
    (lambda: alexnet(include_top=False), (None, 6, 6, 256)),
    (lambda: vgg(16, include_top=False), (None, 7, 7, 512)),
    (lambda: nin(include_top=False), (None, 6, 6, 384)),
    (lambda: googlenet(include_top=False), (None, 7, 7, 1024)),
    (lambda: resnet18(include_top=False), (None, 7, 7, 512)),
    (lambda: nin((28, 28, 1), 10, include_top=False, width_multiplier=0.25, small_input=True), (None, 2, 2, 96)),
    (lambda: resnet18((32, 32, 3), include_top=False, base_filters=8, small_input=True), (None, 4, 4, 64)),
])
def test_feature_map_shapes(build, shape):
    assert tuple(build().output.shape) == shape


@pytest.mark.parametrize("build", [alexnet, nin, googlenet, lambda: vgg(11), resnet18, resnet50,
                                   lambda: cifar_resnet(8, block=plain_block)])
def test_every_layer_is_named(build):
    model = build()
    unnamed = [layer.name for layer in model.layers if AUTOMATIC_NAME.match(layer.name)]
    assert not unnamed, f"layers without a name of their own: {unnamed[:5]}"


def test_small_versions_predict_probabilities_on_request():
    model = googlenet((32, 32, 1), 10, width_multiplier=0.125, small_input=True, classifier_activation="softmax")
    probabilities = keras.ops.convert_to_numpy(model(keras.random.normal((2, 32, 32, 1))))
    assert probabilities.shape == (2, 10)
    assert abs(probabilities.sum(axis=1) - 1).max() < 1e-4


@pytest.mark.parametrize(("call", "message"), [
    (lambda: vgg(17), "depth must be one of"),
    (lambda: cifar_resnet(21), "6n + 2"),
    (lambda: alexnet(width_multiplier=0), "width_multiplier must be a positive factor"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


# ------------------------------------------------------------------ multiply-adds
def _single(layer, input_shape):
    inputs = keras.Input(input_shape)
    return keras.Model(inputs, layer(inputs))


@pytest.mark.parametrize(("layer", "input_shape", "macs"), [
    (keras.layers.Conv2D(4, 3, padding="same"), (10, 10, 3), 10 * 10 * 4 * 3 * 3 * 3),
    (keras.layers.Conv2D(5, 3, strides=2), (9, 9, 2), 4 * 4 * 5 * 3 * 3 * 2),
    (keras.layers.Conv2D(6, (1, 3), groups=2), (4, 5, 4), 4 * 3 * 6 * 1 * 3 * 2),
    (keras.layers.DepthwiseConv2D(3, strides=2), (9, 9, 4), 4 * 4 * 4 * 3 * 3),   # one 3x3 filter per channel
    (keras.layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2), (5, 5, 3), 5 * 5 * 6 * 3 * 3),
    (keras.layers.Dense(3), (7,), 7 * 3),
    (keras.layers.Dense(3), (4, 7), 4 * 7 * 3),
    (keras.layers.MaxPooling2D(2), (8, 8, 3), 0),
])
def test_layer_macs_closed_forms(layer, input_shape, macs):
    model = _single(layer, input_shape)
    assert layer_macs(model.layers[-1]) == macs
    assert count_macs(model) == macs


def test_count_macs_adds_layers_and_nested_models():
    inner = _single(keras.layers.Conv2D(4, 3, padding="same"), (6, 6, 2))
    inputs = keras.Input((6, 6, 2))
    outputs = keras.layers.Dense(5)(keras.layers.Flatten()(inner(inputs)))
    assert count_macs(keras.Model(inputs, outputs)) == 6 * 6 * 4 * 9 * 2 + 6 * 6 * 4 * 5


def test_macs_of_published_networks():
    # About 15.5 G for VGG-16 and 4.1 G for ResNet-50 v1.5 at 224x224 (as usually quoted).
    assert 15.4e9 < count_macs(vgg(16)) < 15.6e9
    assert 4.0e9 < count_macs(resnet50()) < 4.2e9
