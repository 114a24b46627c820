"""Gives the first skip (full resolution) to the deepest decoder level."""
import keras
from keras import layers

from cnnkit.models.unet import conv_block, decoder_block, encoder_block

EXERCISE = "build_unet"
EXPECTED_HINT = "same resolution"


def build_unet(input_shape, num_classes, depth=3, base_filters=16, upsampling="transpose",
               skip_connections=True, classifier_activation=None):
    inputs = keras.Input(input_shape)
    x, skips = inputs, []
    for level in range(depth):
        x, skip = encoder_block(x, base_filters * 2**level, name=f"encoder{level}")
        skips.append(skip if skip_connections else None)
    x = conv_block(x, base_filters * 2**depth, name="bottleneck")
    for step, level in enumerate(reversed(range(depth))):
        x = decoder_block(x, skips[step], base_filters * 2**level, upsampling, name=f"decoder{level}")
    outputs = layers.Conv2D(num_classes, 1, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, outputs)
