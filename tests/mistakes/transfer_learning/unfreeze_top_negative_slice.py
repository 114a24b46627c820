"""base.layers[-n_layers:] unfreezes everything when n_layers is 0."""
import keras

EXERCISE = "unfreeze_top"
EXPECTED_HINT = "base.layers[-0:]"


def unfreeze_top(model, n_layers, learning_rate=1e-4):
    base = next(layer for layer in model.layers if isinstance(layer, keras.Model))
    base.trainable = True
    for layer in base.layers:
        layer.trainable = False
    for layer in base.layers[-n_layers:]:
        layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model
