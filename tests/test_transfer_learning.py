"""Notebook 12's library: the transfer models and fine-tuning set-up."""

from __future__ import annotations

import keras
import numpy as np

from cnnkit.models import mobilenet
from cnnkit.topics.transfer_learning import build_transfer_model, compile_classifier, unfreeze_top


def test_fine_tuning_keeps_imagenet_batch_norm_statistics():
    base = mobilenet.load_mobilenet_v2((32, 32, 3), include_top=False)
    model = compile_classifier(build_transfer_model(base, 3), 1e-3)
    unfreeze_top(model, 40, 1e-4)
    batch_norms = [layer for layer in base.layers if isinstance(layer, keras.layers.BatchNormalization)]
    before = [layer.moving_mean.numpy().copy() for layer in batch_norms]
    kernel = base.get_layer("head_conv").kernel.numpy().copy()
    x = np.random.default_rng(0).uniform(0, 1, (8, 32, 32, 3)).astype("float32")
    model.fit(x, np.arange(8) % 3, batch_size=4, epochs=1, verbose=0)
    assert all(np.array_equal(b, layer.moving_mean.numpy()) for b, layer in zip(before, batch_norms))
    assert not np.array_equal(kernel, base.get_layer("head_conv").kernel.numpy()), "the top of the base did not train"
