"""The 1-D convolution in NumPy, the receptive field of dilated causal stacks, the sequence model
builders and their figures (notebook 15)."""

from __future__ import annotations

import numpy as np
import pytest

from cnnkit.grading.checks.sequences import receptive_field_by_impulse
from cnnkit.scratch.conv1d import causal_receptive_field, conv1d_forward

RNG = np.random.default_rng(0)


@pytest.mark.parametrize(("padding", "stride", "dilation"), [
    ("valid", 1, 1), ("valid", 3, 1), ("same", 2, 1), ("same", 1, 2), ("causal", 1, 3), ("causal", 2, 1)])
def test_conv1d_forward_matches_keras(padding, stride, dilation):
    import keras

    x = RNG.normal(size=(2, 17, 3)).astype("float32")
    W = RNG.normal(size=(4, 3, 5)).astype("float32")
    b = RNG.normal(size=5).astype("float32")
    layer = keras.layers.Conv1D(5, 4, strides=stride, padding=padding, dilation_rate=dilation)
    layer.build((None, None, 3))
    layer.set_weights([W, b])
    np.testing.assert_allclose(conv1d_forward(x, W, b, stride, padding, dilation), layer(x).numpy(), atol=1e-4)


def test_causal_outputs_never_see_the_future_and_same_outputs_do():
    x = RNG.normal(size=(1, 30, 2))
    future = x.copy()
    future[:, 20:] += 5.0
    W, b = RNG.normal(size=(3, 2, 4)), np.zeros(4)
    for padding, moves in (("causal", False), ("same", True)):
        before = conv1d_forward(x, W, b, padding=padding, dilation=2)
        after = conv1d_forward(future, W, b, padding=padding, dilation=2)
        assert np.allclose(before[:, :20], after[:, :20]) != moves
        assert before.shape == (1, 30, 4)


def test_strided_dilated_convolution_is_the_dilated_one_subsampled():
    # Keras refuses stride > 1 with dilation > 1; the NumPy version computes it as the definition says.
    x, W, b = RNG.normal(size=(1, 25, 2)), RNG.normal(size=(3, 2, 2)), RNG.normal(size=2)
    for padding in ("valid", "causal"):
        dense = conv1d_forward(x, W, b, stride=1, padding=padding, dilation=2)
        np.testing.assert_allclose(conv1d_forward(x, W, b, stride=3, padding=padding, dilation=2), dense[:, ::3])


def test_conv1d_forward_names_an_unknown_padding():
    with pytest.raises(ValueError, match="causal"):
        conv1d_forward(np.zeros((1, 5, 1)), np.zeros((3, 1, 1)), np.zeros(1), padding="full")


@pytest.mark.parametrize(("kernel_size", "dilations", "expected"), [
    (2, [1, 2, 4, 8], 16), (3, [1, 1, 1], 7), (3, [2, 2], 9), (5, [], 1), (3, [1, 2, 4, 8, 16, 32], 127)])
def test_causal_receptive_field_counts_the_span_one_output_sees(kernel_size, dilations, expected):
    assert causal_receptive_field(kernel_size, dilations) == expected
    assert receptive_field_by_impulse(kernel_size, dilations) == expected


# ------------------------------------------------------------------ builders
def test_fcn_takes_any_length_and_its_logits_are_the_mean_of_the_class_activation_map():
    import keras

    from cnnkit.models.sequence import build_conv1d_classifier

    model = build_conv1d_classifier((None, 2), 3, filters=(8, 16, 8))
    x = RNG.normal(size=(2, 40, 2)).astype("float32")
    assert model(x).shape == (2, 3) and model(x[:, :23]).shape == (2, 3)
    features = keras.Model(model.input, model.get_layer("block3_relu").output)(x).numpy()
    kernel, bias = model.get_layer("predictions").get_weights()
    cam = features @ kernel  # (batch, steps, classes): what the notebook draws
    np.testing.assert_allclose(cam.mean(axis=1) + bias, model(x).numpy(), atol=1e-4)
    with pytest.raises(ValueError, match="one entry per block"):
        build_conv1d_classifier((None, 1), 2, filters=(8, 8), kernel_sizes=(3,))


def test_text_cnn_maps_token_ids_to_logits_with_the_parameters_it_should_have():
    from cnnkit.models.sequence import build_text_cnn

    model = build_text_cnn(200, 30, 2, embedding_dim=8, filters=6, kernel_size=3)
    ids = RNG.integers(0, 200, size=(4, 30)).astype("int32")
    assert model(ids).shape == (4, 2)
    assert model.count_params() == 200 * 8 + 3 * 8 * 6 + 4 * 6 + 6 * 2 + 2
    assert model.get_layer("conv_conv").padding == "valid" and not model.get_layer("conv_conv").use_bias



def test_padding_aware_text_cnn_ignores_how_much_padding_follows_a_review():
    from cnnkit.models.sequence import build_padding_aware_text_cnn

    short = build_padding_aware_text_cnn(200, 12, 2, embedding_dim=8, filters=6, kernel_sizes=(3, 5))
    long = build_padding_aware_text_cnn(200, 40, 2, embedding_dim=8, filters=6, kernel_sizes=(3, 5))
    long.set_weights(short.get_weights())
    ids = np.zeros((3, 12), dtype="int32")
    for row, length in enumerate((3, 7, 12)):
        ids[row, :length] = RNG.integers(1, 200, size=length)
    # The same reviews with 28 more padding tokens: the logits must not move.
    np.testing.assert_allclose(long(np.pad(ids, ((0, 0), (0, 28)))), short(ids), atol=1e-6)
    assert short.count_params() == 200 * 8 + (3 * 8 * 6 + 6) + (5 * 8 * 6 + 6) + 24 * 2 + 2
    with pytest.raises(ValueError, match="kernel_sizes"):
        build_padding_aware_text_cnn(200, 12, 2, kernel_sizes=())

# ------------------------------------------------------------------ figures


