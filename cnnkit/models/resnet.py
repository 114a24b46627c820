"""ResNet: residual and bottleneck blocks, and the builders made of them.

``residual_block``, ``bottleneck_block`` and ``build_resnet`` are the solutions of notebook 08,
verbatim. ``resnet18``, ``resnet34`` and ``resnet50`` build the ImageNet networks of He et al.
(2015); ``cifar_resnet`` builds their small family of depth 6n + 2 for 32x32 images.
``resnet18`` and ``resnet34`` count exactly the weights of the published networks, and
``resnet50`` those of ``keras.applications.ResNet50`` less its convolution biases.

All blocks are "post-activation" (ResNet v1): conv, batch norm, ReLU, conv, batch norm, add the
shortcut, then ReLU. Every convolution is followed by batch norm and so has no bias
(``use_bias=False``): batch norm's learned shift takes its place (notebook 06). Keras'
ResNet50 keeps the redundant biases; the paper and torchvision do not.

The stride of a bottleneck block sits on its 3x3 convolution (ResNet v1.5);
Keras' ResNet50 and the original paper put it on the first 1x1 convolution, which gives the
same shapes and parameter count but skips three pixels in four before looking at them.
"""

from __future__ import annotations

import keras
from keras import layers


# From notebook 08, ResNet.
def residual_block(x, filters, stride=1, name="block"):
    """The basic residual block of ResNet-18/34: two 3x3 convolutions and a shortcut.

    Main path: Conv 3x3 (stride) -> BN -> ReLU -> Conv 3x3 -> BN. Shortcut: the input itself,
    or, when the stride is not 1 or the number of channels changes, a 1x1 convolution with the
    same stride followed by BN (a projection). The two are added, then a ReLU follows. Every
    convolution is followed by BN and has no bias.

    Args:
        x: input tensor, shape (batch, h, w, c_in).
        filters: number of output channels.
        stride: 1 keeps the size, 2 halves height and width.
        name: prefix of every layer's name, unique within a model.

    Returns:
        Tensor of shape (batch, ceil(h / stride), ceil(w / stride), filters).
    """
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=False, name=f"{name}_proj_conv")(x)
        shortcut = layers.BatchNormalization(name=f"{name}_proj_bn")(shortcut)
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False, name=f"{name}_conv1")(x)
    y = layers.BatchNormalization(name=f"{name}_bn1")(y)
    y = layers.Activation("relu", name=f"{name}_relu1")(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv2")(y)
    y = layers.BatchNormalization(name=f"{name}_bn2")(y)
    y = layers.Add(name=f"{name}_add")([y, shortcut])
    return layers.Activation("relu", name=f"{name}_out")(y)


def bottleneck_block(x, filters, stride=1, name="block"):
    """The bottleneck block of ResNet-50/101/152: 1x1 reduce, 3x3, 1x1 expand, and a shortcut.

    Main path: Conv 1x1 (filters) -> BN -> ReLU -> Conv 3x3 (filters, stride) -> BN -> ReLU
    -> Conv 1x1 (4 * filters) -> BN. Shortcut: the input itself, or, when the stride is not 1
    or the input does not have 4 * filters channels, a 1x1 convolution (4 * filters, stride)
    followed by BN. The two are added, then a ReLU follows. Every convolution is followed by BN
    and has no bias.

    Args:
        x: input tensor, shape (batch, h, w, c_in).
        filters: channels of the two inner convolutions; the block outputs 4 * filters.
        stride: 1 keeps the size, 2 halves height and width (applied by the 3x3 convolution).
        name: prefix of every layer's name, unique within a model.

    Returns:
        Tensor of shape (batch, ceil(h / stride), ceil(w / stride), 4 * filters).
    """
    shortcut = x
    if stride != 1 or x.shape[-1] != 4 * filters:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, use_bias=False, name=f"{name}_proj_conv")(x)
        shortcut = layers.BatchNormalization(name=f"{name}_proj_bn")(shortcut)
    y = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_conv1")(x)
    y = layers.BatchNormalization(name=f"{name}_bn1")(y)
    y = layers.Activation("relu", name=f"{name}_relu1")(y)
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False, name=f"{name}_conv2")(y)
    y = layers.BatchNormalization(name=f"{name}_bn2")(y)
    y = layers.Activation("relu", name=f"{name}_relu2")(y)
    y = layers.Conv2D(4 * filters, 1, use_bias=False, name=f"{name}_conv3")(y)
    y = layers.BatchNormalization(name=f"{name}_bn3")(y)
    y = layers.Add(name=f"{name}_add")([y, shortcut])
    return layers.Activation("relu", name=f"{name}_out")(y)


def build_resnet(block, blocks_per_stage, input_shape, num_classes, base_filters=64, small_input=False,
                 include_top=True, classifier_activation=None, name="resnet"):
    """A ResNet: a stem, stages of residual blocks, global average pooling and a dense classifier.

    Stage ``s`` (counting from 0) has ``blocks_per_stage[s]`` blocks with ``base_filters * 2**s``
    filters; the first block of every stage but the first has stride 2. The ImageNet stem is
    Conv 7x7/2 (``base_filters`` filters, no bias) -> BN -> ReLU -> MaxPool 3x3/2, which divides
    the size by 4; with ``small_input=True`` it is Conv 3x3/1 (no bias) -> BN -> ReLU, for images
    of about 32 pixels.

    Args:
        block: a block function called as ``block(x, filters, stride, name=...)``, e.g.
            ``residual_block`` or ``bottleneck_block``.
        blocks_per_stage: number of blocks in each stage, e.g. ``[2, 2, 2, 2]`` for ResNet-18.
        input_shape: shape of one image, (height, width, channels).
        num_classes: number of classes, the units of the classifier.
        base_filters: filters of the stem and of the first stage.
        small_input: use the small-image stem.
        include_top: end with pooling and the classifier; if False, return the last feature map.
        classifier_activation: activation of the classifier: ``None`` for logits, ``"softmax"``
            for probabilities.
        name: the model's name.

    Returns:
        A ``keras.Model`` mapping (batch, *input_shape) to (batch, num_classes) logits (or
        probabilities, with ``classifier_activation="softmax"``), or, without the top, to the
        feature map of the last stage.
    """
    inputs = keras.Input(shape=input_shape, name="image")
    if small_input:
        x = layers.Conv2D(base_filters, 3, padding="same", use_bias=False, name="stem_conv")(inputs)
    else:
        x = layers.Conv2D(base_filters, 7, strides=2, padding="same", use_bias=False, name="stem_conv")(inputs)
    x = layers.BatchNormalization(name="stem_bn")(x)
    x = layers.Activation("relu", name="stem_relu")(x)
    if not small_input:
        x = layers.MaxPooling2D(3, strides=2, padding="same", name="stem_pool")(x)
    for stage, num_blocks in enumerate(blocks_per_stage):
        for index in range(num_blocks):
            stride = 2 if stage > 0 and index == 0 else 1
            x = block(x, base_filters * 2**stage, stride, name=f"stage{stage + 1}_block{index + 1}")
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, x, name=name)


def resnet18(input_shape=(224, 224, 3), num_classes=1000, include_top=True, base_filters=64,
             small_input=False, classifier_activation=None):
    """ResNet-18: basic blocks [2, 2, 2, 2]; 11.7 million parameters with 64 base filters."""
    return build_resnet(residual_block, [2, 2, 2, 2], input_shape, num_classes, base_filters, small_input,
                        include_top, classifier_activation, name="resnet18")


def resnet34(input_shape=(224, 224, 3), num_classes=1000, include_top=True, base_filters=64,
             small_input=False, classifier_activation=None):
    """ResNet-34: basic blocks [3, 4, 6, 3]; 21.8 million parameters with 64 base filters."""
    return build_resnet(residual_block, [3, 4, 6, 3], input_shape, num_classes, base_filters, small_input,
                        include_top, classifier_activation, name="resnet34")


def resnet50(input_shape=(224, 224, 3), num_classes=1000, include_top=True, base_filters=64,
             small_input=False, classifier_activation=None):
    """ResNet-50: bottleneck blocks [3, 4, 6, 3]; 25.6 million parameters with 64 base filters."""
    return build_resnet(bottleneck_block, [3, 4, 6, 3], input_shape, num_classes, base_filters, small_input,
                        include_top, classifier_activation, name="resnet50")


def plain_block(x, filters, stride=1, name="block"):
    """The residual block without its shortcut: Conv 3x3 (stride) -> BN -> ReLU -> Conv 3x3 -> BN -> ReLU.

    Used to build the "plain" twin of a ResNet for the degradation experiment of notebook 08.
    Shape: (batch, h, w, c_in) -> (batch, ceil(h / stride), ceil(w / stride), filters).
    """
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False, name=f"{name}_conv1")(x)
    y = layers.BatchNormalization(name=f"{name}_bn1")(y)
    y = layers.Activation("relu", name=f"{name}_relu1")(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv2")(y)
    y = layers.BatchNormalization(name=f"{name}_bn2")(y)
    return layers.Activation("relu", name=f"{name}_out")(y)


def cifar_resnet(depth, input_shape=(32, 32, 3), num_classes=10, include_top=True, base_filters=16,
                 block=residual_block, classifier_activation=None):
    """The CIFAR-10 ResNets of He et al.: depth 6n + 2 (20, 32, 44, 56, 110...).

    A 3x3 stem, three stages of n blocks with base_filters, 2 * base_filters and 4 * base_filters
    filters, then pooling and the classifier. Shortcuts that change shape are projections (the
    paper's option B). Always uses the small-image stem. ``block=plain_block`` builds the plain
    twin (same layers, no shortcuts) of the degradation experiment.
    """
    if depth < 8 or (depth - 2) % 6:
        raise ValueError(f"depth must be 6n + 2 with n >= 1 (8, 14, 20, 32, 44, 56, 110...), got {depth}.")
    n = (depth - 2) // 6
    kind = "resnet" if block is residual_block else "plain"
    return build_resnet(block, [n, n, n], input_shape, num_classes, base_filters, small_input=True,
                        include_top=include_top, classifier_activation=classifier_activation, name=f"{kind}{depth}")
