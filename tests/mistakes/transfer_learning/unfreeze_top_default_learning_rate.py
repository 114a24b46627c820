"""Recompiled with Adam's default learning rate (1e-3), ignoring learning_rate."""
import keras

EXERCISE = "unfreeze_top"
EXPECTED_HINT = "low rate"


def unfreeze_top(model, n_layers, learning_rate=1e-4):
    base = next(layer for layer in model.layers if isinstance(layer, keras.Model))
    base.trainable = True
    for index, layer in enumerate(base.layers):
        layer.trainable = index >= len(base.layers) - n_layers and not isinstance(layer, keras.layers.BatchNormalization)
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model
