"""The top layers are unfrozen, batch norm included."""
import keras

EXERCISE = "unfreeze_top"
EXPECTED_HINT = "Batch-norm layers stay frozen"


def unfreeze_top(model, n_layers, learning_rate=1e-4):
    base = next(layer for layer in model.layers if isinstance(layer, keras.Model))
    base.trainable = True
    for index, layer in enumerate(base.layers):
        layer.trainable = index >= len(base.layers) - n_layers
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model
