"""The classic ImageNet architectures: AlexNet, VGG, Network in Network and GoogLeNet.

``vgg_block``, ``build_vgg`` and ``inception_module`` are the solutions of notebook 07, verbatim.
Every builder takes ``input_shape``, ``num_classes``, ``include_top``, ``classifier_activation``
(``None``, the default, for logits; ``"softmax"`` for probabilities) and ``width_multiplier`` (a
factor on every layer's filters and units, for small versions); the ones whose first layers shrink
the image four times or more (AlexNet, NiN, GoogLeNet) also take ``small_input``, which swaps that
stem for a 3x3 convolution of stride 1, for images of about 32 pixels.
``vgg(16)`` and ``vgg(19)`` count exactly the parameters of ``keras.applications.VGG16/VGG19``.
LRN layers (AlexNet, GoogLeNet) and GoogLeNet's two auxiliary classifiers are left out.
"""

from __future__ import annotations

import keras
from keras import layers

#: (number of 3x3 convolutions, filters) of each block, from table 1 of Simonyan and Zisserman (2014).
VGG_CONFIGS = {
    11: [(1, 64), (1, 128), (2, 256), (2, 512), (2, 512)],
    13: [(2, 64), (2, 128), (2, 256), (2, 512), (2, 512)],
    16: [(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)],
    19: [(2, 64), (2, 128), (4, 256), (4, 512), (4, 512)],
}

#: (f1, f3_reduce, f3, f5_reduce, f5, pool_proj) of each inception module, from table 1 of
#: Szegedy et al. (2014); "pool" marks a 3x3 max pooling of stride 2 between stages.
GOOGLENET_MODULES = [
    ("3a", (64, 96, 128, 16, 32, 32)), ("3b", (128, 128, 192, 32, 96, 64)), "pool",
    ("4a", (192, 96, 208, 16, 48, 64)), ("4b", (160, 112, 224, 24, 64, 64)),
    ("4c", (128, 128, 256, 24, 64, 64)), ("4d", (112, 144, 288, 32, 64, 64)),
    ("4e", (256, 160, 320, 32, 128, 128)), "pool",
    ("5a", (256, 160, 320, 32, 128, 128)), ("5b", (384, 192, 384, 48, 128, 128)),
]


def _scaled(count, width_multiplier):
    """``count`` filters or units times ``width_multiplier``, at least 1."""
    if width_multiplier <= 0:
        raise ValueError(f"width_multiplier must be a positive factor such as 0.25 or 1.0, got {width_multiplier}.")
    return max(1, round(count * width_multiplier))


# ------------------------------------------------------------------ AlexNet (2012)
def alexnet(input_shape=(224, 224, 3), num_classes=1000, include_top=True, width_multiplier=1.0,
            small_input=False, classifier_activation=None):
    """AlexNet (Krizhevsky, Sutskever and Hinton, 2012), in one tower, without LRN.

    Five convolutions (11x11/4, 5x5, 3x3, 3x3, 3x3 with 96, 256, 384, 384, 256 filters), three
    3x3/2 max poolings, then two dense layers of 4096 units with dropout and the classifier:
    about 62 million parameters at 224x224x3, most of them in the first dense layer. The
    classifier outputs logits unless ``classifier_activation="softmax"``.
    """
    inputs = keras.Input(shape=input_shape, name="image")
    if small_input:
        x = layers.Conv2D(_scaled(96, width_multiplier), 3, padding="same", activation="relu", name="conv1")(inputs)
    else:
        x = layers.Conv2D(_scaled(96, width_multiplier), 11, strides=4, padding="same", activation="relu",
                          name="conv1")(inputs)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = layers.Conv2D(_scaled(256, width_multiplier), 5, padding="same", activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool2")(x)
    for index, filters in enumerate([384, 384, 256], start=3):
        x = layers.Conv2D(_scaled(filters, width_multiplier), 3, padding="same", activation="relu",
                          name=f"conv{index}")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool5")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        for index in (1, 2):
            x = layers.Dense(_scaled(4096, width_multiplier), activation="relu", name=f"fc{index}")(x)
            x = layers.Dropout(0.5, name=f"dropout{index}")(x)
        x = layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, x, name="alexnet")


# ------------------------------------------------------------------ VGG (2014)
# From notebook 07, classic architectures.
def vgg_block(x, num_convs, filters, name="block"):
    """A VGG block: ``num_convs`` 3x3 convolutions ("same" padding, ReLU), then 2x2 max pooling.

    Args:
        x: input tensor, shape (batch, h, w, c_in).
        num_convs: number of convolutions in the block.
        filters: filters of each convolution.
        name: prefix of the layers' names: ``{name}_conv1``... and ``{name}_pool``.

    Returns:
        Tensor of shape (batch, h // 2, w // 2, filters).
    """
    for index in range(1, num_convs + 1):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{name}_conv{index}")(x)
    return layers.MaxPooling2D(2, strides=2, name=f"{name}_pool")(x)


def build_vgg(config, input_shape, num_classes, include_top=True, dense_units=4096, classifier_activation=None,
              name="vgg"):
    """A VGG network: one ``vgg_block`` per entry of ``config``, then the dense classifier.

    Args:
        config: list of (num_convs, filters), one pair per block, e.g. ``VGG_CONFIGS[16]``.
        input_shape: shape of one image, (height, width, channels).
        num_classes: number of classes, the units of the classifier.
        include_top: end with Flatten, two ReLU dense layers of ``dense_units`` and the
            classifier; if False, return the last block's feature map.
        dense_units: units of each of the two hidden dense layers.
        classifier_activation: activation of the classifier: ``None`` for logits, ``"softmax"``
            for probabilities.
        name: the model's name.

    Returns:
        A ``keras.Model`` mapping (batch, *input_shape) to (batch, num_classes) logits (or
        probabilities, with ``classifier_activation="softmax"``), or, without the top, to
        (batch, height / 2**len(config), width / 2**len(config), filters).
    """
    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    for index, (num_convs, filters) in enumerate(config, start=1):
        x = vgg_block(x, num_convs, filters, name=f"block{index}")
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(dense_units, activation="relu", name="fc1")(x)
        x = layers.Dense(dense_units, activation="relu", name="fc2")(x)
        x = layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, x, name=name)


def vgg(depth, input_shape=(224, 224, 3), num_classes=1000, include_top=True, width_multiplier=1.0,
        classifier_activation=None):
    """VGG-11, 13, 16 or 19 (Simonyan and Zisserman, 2014); the input needs at least 32 pixels."""
    if depth not in VGG_CONFIGS:
        raise ValueError(f"depth must be one of {sorted(VGG_CONFIGS)}, got {depth}.")
    config = [(num_convs, _scaled(filters, width_multiplier)) for num_convs, filters in VGG_CONFIGS[depth]]
    return build_vgg(config, input_shape, num_classes, include_top, _scaled(4096, width_multiplier),
                     classifier_activation, name=f"vgg{depth}")


# ------------------------------------------------------------------ Network in Network (2013)
def nin_block(x, filters, kernel_size, stride=1, name="nin", last_activation="relu"):
    """A NiN block: a convolution followed by two 1x1 convolutions, with ReLU.

    The 1x1 convolutions act as a small dense network applied at every pixel. The last block of
    the network gives class scores, which must be free to go negative: ``last_activation=None``.
    Shape: (batch, h, w, c_in) -> (batch, ceil(h / stride), ceil(w / stride), filters).
    """
    x = layers.Conv2D(filters, kernel_size, strides=stride, padding="same", activation="relu", name=f"{name}_conv")(x)
    x = layers.Conv2D(filters, 1, activation="relu", name=f"{name}_mlp1")(x)
    return layers.Conv2D(filters, 1, activation=last_activation, name=f"{name}_mlp2")(x)


def nin(input_shape=(224, 224, 3), num_classes=1000, include_top=True, width_multiplier=1.0,
        small_input=False, classifier_activation=None):
    """Network in Network (Lin, Chen and Yan, 2013), ImageNet version: no dense layers at all.

    Three NiN blocks (96, 256, 384 filters) with 3x3/2 max pooling, dropout, then a last NiN
    block with one channel per class whose global average is the class score (no ReLU on the
    scores: a ReLU there can leave every score at 0 and training stuck). The scores are logits
    unless ``classifier_activation="softmax"``.
    """
    inputs = keras.Input(shape=input_shape, name="image")
    if small_input:
        x = nin_block(inputs, _scaled(96, width_multiplier), 3, name="nin1")
    else:
        x = nin_block(inputs, _scaled(96, width_multiplier), 11, stride=4, name="nin1")
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = nin_block(x, _scaled(256, width_multiplier), 5, name="nin2")
    x = layers.MaxPooling2D(3, strides=2, name="pool2")(x)
    x = nin_block(x, _scaled(384, width_multiplier), 3, name="nin3")
    x = layers.MaxPooling2D(3, strides=2, name="pool3")(x)
    if include_top:
        x = layers.Dropout(0.5, name="dropout")(x)
        x = nin_block(x, num_classes, 3, name="nin4", last_activation=None)
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        # NiN has no dense layer: the class scores are the averages, and the last layer is named
        # "predictions" like every classifier's (an identity when classifier_activation is None).
        x = layers.Activation(classifier_activation, name="predictions")(x)
    return keras.Model(inputs, x, name="nin")


# ------------------------------------------------------------------ GoogLeNet (2014)
def inception_module(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj, name="inception"):
    """An inception module: four parallel branches concatenated along the channels.

    Branches (every convolution "same" padding and ReLU):
      1. Conv 1x1 with ``f1`` filters;
      2. Conv 1x1 with ``f3_reduce`` filters, then Conv 3x3 with ``f3``;
      3. Conv 1x1 with ``f5_reduce`` filters, then Conv 5x5 with ``f5``;
      4. MaxPool 3x3 with stride 1 ("same"), then Conv 1x1 with ``pool_proj``.

    Args:
        x: input tensor, shape (batch, h, w, c_in).
        f1, f3_reduce, f3, f5_reduce, f5, pool_proj: filters of the convolutions above.
        name: prefix of the layers' names.

    Returns:
        Tensor of shape (batch, h, w, f1 + f3 + f5 + pool_proj), branches in the order above.
    """
    branch1 = layers.Conv2D(f1, 1, padding="same", activation="relu", name=f"{name}_1x1")(x)
    branch2 = layers.Conv2D(f3_reduce, 1, padding="same", activation="relu", name=f"{name}_3x3_reduce")(x)
    branch2 = layers.Conv2D(f3, 3, padding="same", activation="relu", name=f"{name}_3x3")(branch2)
    branch3 = layers.Conv2D(f5_reduce, 1, padding="same", activation="relu", name=f"{name}_5x5_reduce")(x)
    branch3 = layers.Conv2D(f5, 5, padding="same", activation="relu", name=f"{name}_5x5")(branch3)
    branch4 = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    branch4 = layers.Conv2D(pool_proj, 1, padding="same", activation="relu", name=f"{name}_pool_proj")(branch4)
    return layers.Concatenate(name=f"{name}_concat")([branch1, branch2, branch3, branch4])


def googlenet(input_shape=(224, 224, 3), num_classes=1000, include_top=True, width_multiplier=1.0,
              small_input=False, classifier_activation=None):
    """GoogLeNet / Inception v1 (Szegedy et al., 2014), without LRN and auxiliary classifiers.

    Stem (Conv 7x7/2, MaxPool, Conv 1x1, Conv 3x3, MaxPool: the size divided by 8), nine inception
    modules in three stages separated by 3x3/2 max pooling, global average pooling, dropout 0.4
    and the classifier (logits unless ``classifier_activation="softmax"``): about 7 million parameters.
    """
    inputs = keras.Input(shape=input_shape, name="image")
    if small_input:
        x = layers.Conv2D(_scaled(192, width_multiplier), 3, padding="same", activation="relu",
                          name="stem_conv")(inputs)
    else:
        x = layers.Conv2D(_scaled(64, width_multiplier), 7, strides=2, padding="same", activation="relu",
                          name="stem_conv1")(inputs)
        x = layers.MaxPooling2D(3, strides=2, padding="same", name="stem_pool1")(x)
        x = layers.Conv2D(_scaled(64, width_multiplier), 1, activation="relu", name="stem_conv2")(x)
        x = layers.Conv2D(_scaled(192, width_multiplier), 3, padding="same", activation="relu", name="stem_conv3")(x)
        x = layers.MaxPooling2D(3, strides=2, padding="same", name="stem_pool2")(x)
    stage = 3
    for entry in GOOGLENET_MODULES:
        if entry == "pool":
            x = layers.MaxPooling2D(3, strides=2, padding="same", name=f"pool{stage}")(x)
            stage += 1
        else:
            label, filters = entry
            x = inception_module(x, *(_scaled(f, width_multiplier) for f in filters), name=f"inception{label}")
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dropout(0.4, name="dropout")(x)
        x = layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, x, name="googlenet")
