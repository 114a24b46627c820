"""Adam without the learning rate: it silently keeps its default of 0.001."""
import keras

EXERCISE = "make_optimizer"
EXPECTED_HINT = "learning_rate=learning_rate"


def make_optimizer(name, learning_rate):
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate=learning_rate)
    if name == "momentum":
        return keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate=learning_rate)
    if name == "adam":
        return keras.optimizers.Adam()
    raise ValueError(f"unknown optimiser {name!r}: use sgd, momentum, rmsprop or adam")
