"""Dense straight on the feature maps: one prediction per position."""
import keras
from keras import layers

EXERCISE = "build_transfer_model"
EXPECTED_HINT = "GlobalAveragePooling2D"


def build_transfer_model(base, num_classes, dropout=0.2, classifier_activation=None, name="transfer"):
    base.trainable = False
    inputs = keras.Input(base.input.shape[1:])
    x = layers.Dropout(dropout)(base(inputs, training=False))
    return keras.Model(inputs, layers.Dense(num_classes, activation=classifier_activation)(x), name=name)
