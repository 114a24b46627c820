"""'momentum' gives plain SGD: the momentum argument is forgotten."""
import keras

EXERCISE = "make_optimizer"
EXPECTED_HINT = "momentum=0.9"


def make_optimizer(name, learning_rate):
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate=learning_rate)
    if name == "momentum":
        return keras.optimizers.SGD(learning_rate=learning_rate)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate=learning_rate)
    if name == "adam":
        return keras.optimizers.Adam(learning_rate=learning_rate)
    raise ValueError(f"unknown optimiser {name!r}: use sgd, momentum, rmsprop or adam")
