"""U-Net (Ronneberger, Fischer and Brox, 2015) for semantic segmentation.

The encoder halves the height and width and doubles the filters at each level; the decoder
mirrors it, doubling the resolution back level by level. Skip connections hand each decoder
level the encoder's features of the same resolution, so that the decoder can place edges
exactly where they are. The model maps ``(batch, height, width, channels)`` images to
``(batch, height, width, num_classes)`` class scores: logits by default, one softmax per pixel
with ``classifier_activation="softmax"``.

``encoder_block``, ``decoder_block`` and ``build_unet`` are the solutions of notebook 10;
``conv_block`` is given to learners.
"""

from __future__ import annotations

import keras
from keras import layers

UPSAMPLING = ("transpose", "bilinear")


def conv_block(x, filters, name):
    """Two 3x3 convolutions ("same" padding), each followed by batch normalisation and ReLU.

    Args:
        x: tensor of shape (batch, height, width, channels).
        filters: number of output channels of both convolutions.
        name: prefix of the layer names (``{name}_conv1``, ``{name}_bn1``, ``{name}_relu1``, ...).

    Returns:
        Tensor of shape (batch, height, width, filters).
    """
    for k in (1, 2):
        # No bias: the batch normalisation right after adds its own offset.
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv{k}")(x)
        x = layers.BatchNormalization(name=f"{name}_bn{k}")(x)
        x = layers.Activation("relu", name=f"{name}_relu{k}")(x)
    return x


def encoder_block(x, filters, name="encoder"):
    """One level of the encoder: ``conv_block``, then 2x2 max pooling.

    Args:
        x: tensor of shape (batch, height, width, channels), height and width even.
        filters: number of channels the convolutions produce.
        name: prefix of the layer names.

    Returns:
        (features, skip): ``features`` of shape (batch, height / 2, width / 2, filters), the
        pooled tensor that goes down to the next level; ``skip`` of shape
        (batch, height, width, filters), the features before pooling, for the decoder.
    """
    skip = conv_block(x, filters, name)
    features = layers.MaxPooling2D(2, name=f"{name}_pool")(skip)
    return features, skip


def decoder_block(x, skip, filters, upsampling="transpose", name="decoder"):
    """One level of the decoder: upsample by 2, concatenate the skip tensor, ``conv_block``.

    Args:
        x: tensor of shape (batch, height, width, channels) from the level below.
        skip: tensor of shape (batch, 2 * height, 2 * width, skip_channels) from the encoder,
            or None for a decoder without skip connections.
        filters: number of output channels.
        upsampling: ``"transpose"`` for a learned 2x2 transposed convolution with stride 2
            and ``filters`` channels, ``"bilinear"`` for fixed bilinear interpolation.
        name: prefix of the layer names.

    Returns:
        Tensor of shape (batch, 2 * height, 2 * width, filters).
    """
    if upsampling == "transpose":
        x = layers.Conv2DTranspose(filters, 2, strides=2, name=f"{name}_up")(x)
    elif upsampling == "bilinear":
        x = layers.UpSampling2D(2, interpolation="bilinear", name=f"{name}_up")(x)
    else:
        raise ValueError(f"upsampling must be one of {UPSAMPLING}, got {upsampling!r}.")
    if skip is not None:
        x = layers.Concatenate(name=f"{name}_concat")([x, skip])
    return conv_block(x, filters, name)


def build_unet(input_shape, num_classes, depth=3, base_filters=16, upsampling="transpose",
               skip_connections=True, classifier_activation=None):
    """A U-Net: ``depth`` encoder levels, a bottleneck, ``depth`` decoder levels, a 1x1 classifier.

    Encoder level ``i`` (from 0) has ``base_filters * 2**i`` filters, the bottleneck
    ``base_filters * 2**depth``, and decoder levels mirror the encoder. Layers are named
    ``encoder{i}_*``, ``bottleneck_*``, ``decoder{i}_*`` and ``predictions``.

    Args:
        input_shape: (height, width, channels), height and width divisible by ``2**depth``.
        num_classes: number of classes, the channels of the output.
        depth: number of poolings (and of upsamplings).
        base_filters: filters of the first level.
        upsampling: ``"transpose"`` or ``"bilinear"``, passed to ``decoder_block``.
        skip_connections: False builds the same network without skips (an ablation).
        classifier_activation: activation of the 1x1 classifier: ``None`` for per-pixel logits,
            ``"softmax"`` for per-pixel probabilities.

    Returns:
        A ``keras.Model`` named "unet" from (batch, height, width, channels) images to
        (batch, height, width, num_classes) per-pixel logits (or probabilities).
    """
    if input_shape[0] % 2**depth or input_shape[1] % 2**depth:
        raise ValueError(f"input_shape height and width must be divisible by 2**depth = {2**depth}, "
                         f"got {tuple(input_shape)}.")
    inputs = keras.Input(input_shape, name="image")
    x, skips = inputs, []
    for level in range(depth):
        x, skip = encoder_block(x, base_filters * 2**level, name=f"encoder{level}")
        skips.append(skip if skip_connections else None)
    x = conv_block(x, base_filters * 2**depth, name="bottleneck")
    for level in reversed(range(depth)):
        x = decoder_block(x, skips[level], base_filters * 2**level, upsampling, name=f"decoder{level}")
    outputs = layers.Conv2D(num_classes, 1, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, outputs, name="unet")


def build_segmenter(input_shape, num_classes: int = 3, depth: int = 3, base_filters: int = 16,
                    dropout: float = 0.0):
    """The U-Net of :func:`build_unet` with dropout before its 1x1 classifier, for Monte Carlo dropout (notebook 17).

    The same weights fit any input size divisible by ``2**depth``: build a second model of another
    ``input_shape`` and copy them with ``set_weights(model.get_weights())``. Returns per-pixel logits.
    """
    unet = build_unet(input_shape, num_classes, depth=depth, base_filters=base_filters)
    features = unet.get_layer("decoder0_relu2").output
    x = layers.Dropout(dropout, name="dropout")(features)
    outputs = layers.Conv2D(num_classes, 1, name="predictions")(x)
    return keras.Model(unet.input, outputs, name="segmenter")
