"""cnnkit.training.loop, cnnkit.models.lenet and cnnkit.augment.classification: the hand-written loop
reproduces model.fit, saved models reload with the same predictions, the builders and the
pipeline do what their docstrings promise, and the new figures draw."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from cnnkit.augment.classification import build_augmenter, make_dataset
from cnnkit.config import set_seed
from cnnkit.data import scale_images
from cnnkit.models.lenet import build_lenet5, build_mlp, build_regularized_cnn
from cnnkit.training.loop import train_loop

LOSS = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def data(n=128, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 28, 28, 1)).astype(np.float32), rng.integers(0, 10, n)


def twins(builder=build_lenet5):
    set_seed(3)
    first = builder((28, 28, 1), 10)
    second = keras.models.clone_model(first)
    second.set_weights(first.get_weights())
    return first, second


OPTIMIZERS = {"momentum": lambda: keras.optimizers.SGD(0.01, momentum=0.9), "adam": lambda: keras.optimizers.Adam(0.01)}


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_train_loop_agrees_with_fit_from_the_same_seed(optimizer):
    # Both read the same batches in the same order: tf.data's reshuffling state lives in each
    # iterator, and fit iterates differently from a Python for loop after the first epoch.
    x, y = data()
    loop_model, fit_model = twins()
    loop = train_loop(loop_model, make_dataset(x, y, 32), 2,
                      OPTIMIZERS[optimizer](), LOSS)
    fit_model.compile(OPTIMIZERS[optimizer](), LOSS)
    fit = fit_model.fit(make_dataset(x, y, 32), epochs=2, verbose=0).history
    np.testing.assert_allclose(loop["loss"], fit["loss"], rtol=1e-4)
    for mine, theirs in zip(loop_model.get_weights(), fit_model.get_weights()):
        np.testing.assert_allclose(mine, theirs, atol=1e-5)
    assert loop["loss"][1] < loop["loss"][0] or optimizer == "momentum"


def test_train_loop_really_trains():
    x, y = data()
    model, untouched = twins()
    train_loop(model, make_dataset(x, y, 32), 1, keras.optimizers.Adam(1e-3), LOSS)
    assert max(np.abs(a - b).max() for a, b in zip(model.get_weights(), untouched.get_weights())) > 1e-4


@pytest.mark.parametrize("builder", [build_lenet5, lambda s, c: build_regularized_cnn(
    s, c, augmenter=build_augmenter(seed=0), dropout=0.3, weight_decay=1e-3, batch_norm=True)])
def test_reloaded_keras_file_gives_the_same_predictions(builder, tmp_path):
    x, y = data(64)
    model = builder((28, 28, 1), 10)
    model.compile(keras.optimizers.Adam(1e-3), LOSS)
    model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    model.save(tmp_path / "model.keras")
    reloaded = keras.models.load_model(tmp_path / "model.keras")
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_builders_give_logits_named_layers_and_known_parameter_counts():
    lenet, mlp = build_lenet5((28, 28, 1), 10), build_mlp((28, 28, 1), 10)
    assert lenet.count_params() == 61_706 and mlp.count_params() == 235_146
    assert build_regularized_cnn((28, 28, 1), 10).count_params() == 206_922
    assert [layer.name for layer in lenet.layers] == ["image", "conv1", "pool1", "conv2", "pool2", "flatten",
                                                      "fc1", "fc2", "predictions"]
    for model in (lenet, mlp):
        assert model.get_layer("predictions").activation.__name__ == "linear"
    assert build_lenet5((32, 32, 3), 7).output.shape == (None, 7)


def test_set_seed_repeats_initial_weights():
    set_seed(11)
    first = build_lenet5((28, 28, 1), 10).get_weights()
    set_seed(11)
    again = build_lenet5((28, 28, 1), 10).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(first, again))


def test_make_dataset_augments_only_when_asked_and_anew_each_epoch():
    x, y = data(16)
    augmenter = build_augmenter(seed=0)
    plain = np.concatenate([bx.numpy() for bx, _ in make_dataset(x, y, 8)])
    np.testing.assert_array_equal(plain, x)
    augmented = make_dataset(x, y, 8, augment=augmenter)
    first, second = ([bx.numpy() for bx, _ in augmented] for _ in range(2))
    assert not np.allclose(first[0], x[:8]) and not np.allclose(first[0], second[0])
    assert 0.0 <= min(b.min() for b in first) and max(b.max() for b in first) <= 1.0
    inference = augmenter(x, training=False)
    np.testing.assert_allclose(inference, x)


def test_scale_images_adds_channel_and_rejects_floats():
    images = scale_images(np.full((2, 5, 5), 255, np.uint8))
    assert images.shape == (2, 5, 5, 1) and images.dtype == np.float32 and images.max() == 1.0
    with pytest.raises(ValueError, match="uint8"):
        scale_images(images)


