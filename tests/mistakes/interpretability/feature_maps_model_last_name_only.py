"""Keeps only the output of the last name."""
import keras

EXERCISE = "feature_maps_model"
EXPECTED_HINT = "expected a list"


def feature_maps_model(model, layer_names):
    return keras.Model(inputs=model.inputs[0], outputs=model.get_layer(layer_names[-1]).output)
