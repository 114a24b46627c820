"""Collects the layers in the model's order, not in the order asked for."""
import keras

EXERCISE = "feature_maps_model"
EXPECTED_HINT = "order of layer_names"


def feature_maps_model(model, layer_names):
    outputs = [layer.output for layer in model.layers if layer.name in layer_names]
    return keras.Model(inputs=model.inputs[0], outputs=outputs)
