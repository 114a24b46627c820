"""Builds a fresh model with new, untrained layers of the same kinds."""
import keras

EXERCISE = "feature_maps_model"
EXPECTED_HINT = "do not create new layers"


def feature_maps_model(model, layer_names):
    inputs = keras.Input(model.inputs[0].shape[1:])
    x, outputs = inputs, {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        x = layer.__class__.from_config(layer.get_config())(x)
        outputs[layer.name] = x
    return keras.Model(inputs, [outputs[name] for name in layer_names])
