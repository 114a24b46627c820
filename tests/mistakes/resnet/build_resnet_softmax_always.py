"""Ends in the softmax of the paper whatever classifier_activation says: the loss applies it a second time."""

import keras
from keras import layers

EXERCISE = "build_resnet"
EXPECTED_HINT = "applied twice"


def build_resnet(
    block,
    blocks_per_stage,
    input_shape,
    num_classes,
    base_filters=64,
    small_input=False,
    include_top=True,
    classifier_activation=None,
    name="resnet",
):
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(
        base_filters, 3 if small_input else 7, strides=1 if small_input else 2, padding="same", use_bias=False
    )(inputs)
    x = layers.Activation("relu")(layers.BatchNormalization()(x))
    if not small_input:
        x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
    for stage, num_blocks in enumerate(blocks_per_stage):
        for index in range(num_blocks):
            x = block(x, base_filters * 2**stage, 2 if stage > 0 and index == 0 else 1)
    if include_top:
        x = layers.Dense(num_classes, activation="softmax")(layers.GlobalAveragePooling2D()(x))
    return keras.Model(inputs, x)
