"""An unknown name quietly gives Adam, so a typo goes unnoticed."""
import keras

EXERCISE = "make_optimizer"
EXPECTED_HINT = "Raise a ValueError"


def make_optimizer(name, learning_rate):
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate=learning_rate)
    if name == "momentum":
        return keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate=learning_rate)
    if name == "adam":
        return keras.optimizers.Adam(learning_rate=learning_rate)
    return keras.optimizers.Adam(learning_rate=learning_rate)
