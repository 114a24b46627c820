"""The whole base is unfrozen, not only its top."""
import keras

EXERCISE = "unfreeze_top"
EXPECTED_HINT = "Too much of the base is unfrozen"


def unfreeze_top(model, n_layers, learning_rate=1e-4):
    base = next(layer for layer in model.layers if isinstance(layer, keras.Model))
    base.trainable = True
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model
