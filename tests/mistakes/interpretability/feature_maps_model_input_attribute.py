"""Uses model.input, which Sequential models do not have in Keras 3."""
import keras

EXERCISE = "feature_maps_model"
EXPECTED_HINT = "use `model.inputs[0]`"


def feature_maps_model(model, layer_names):
    return keras.Model(inputs=model.input, outputs=[model.get_layer(name).output for name in layer_names])
