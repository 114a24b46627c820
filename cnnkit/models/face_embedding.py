"""dlib's ResNet face embedding, rebuilt as a Keras functional model (notebook 14).

Davis King trained this network for dlib (``dlib_face_recognition_resnet_model_v1``, released
into the public domain; 99.38% on the LFW verification benchmark). It maps a 150x150 colour
crop of a face to 128 numbers; two crops of one person lie within a Euclidean distance of
about 0.6. The weights come from the npm package ``@vladmandic/face-api`` 1.7.15 (MIT), which
ships them as ``model/face_recognition_model.bin`` with a TensorFlow.js manifest; see
:mod:`cnnkit.data.face_api`.

The architecture is a ResNet-34-like stack at half the width: a 7x7 stride-2 convolution and
a 3x3 max pooling, then residual blocks at 32, 64, 128 and 256 channels (ResNet-34 has 64,
128, 256 and 512), global average pooling and a 128-unit linear layer without bias.

Two details differ from Keras' ResNets:

- dlib trained with batch norm, then replaced it by the fixed per-channel affine transform
  (``gamma * x + beta``) that batch norm computes at inference. A frozen Keras
  ``BatchNormalization`` with moving mean 0 and variance ``1 - epsilon`` computes exactly
  that, so each convolution is ``Conv2D(use_bias=False) -> BatchNormalization``, the
  course's usual order, and the convolution's bias is folded into beta.
- A downsampling block's shortcut is a 2x2 average pooling, with zeros appended as extra
  channels when the block widens (dlib's ``add_prev`` pads the narrower tensor with zeros);
  where the "valid" stride-2 convolution gives one row and column fewer than the pooling
  (8 -> 3 against 8 -> 4), the residual path gets a zero row and column at the bottom and right.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

#: Side of the square face crops the network takes, in pixels.
IMAGE_SIZE = 150

#: Mean R, G, B pixel value (0..255) that the network subtracts before dividing by 255.
MEAN_RGB = (122.782, 117.001, 104.298)

#: Two crops closer than this Euclidean distance show the same person, by dlib's calibration.
SAME_PERSON_THRESHOLD = 0.6

#: The stages: (block name, filters, downsample), in order; names are face-api's weight prefixes.
BLOCKS = (
    ("conv32_1", 32, False), ("conv32_2", 32, False), ("conv32_3", 32, False),
    ("conv64_down", 64, True), ("conv64_1", 64, False), ("conv64_2", 64, False), ("conv64_3", 64, False),
    ("conv128_down", 128, True), ("conv128_1", 128, False), ("conv128_2", 128, False),
    ("conv256_down", 256, True), ("conv256_1", 256, False), ("conv256_2", 256, False),
    ("conv256_down_out", 256, True),
)

_BN_EPSILON = 1e-3


def conv_affine(x, filters, kernel_size, name, stride=1, padding="same", relu=True):
    """Convolution without bias, frozen batch norm (dlib's affine layer), optional ReLU.

    Layers are named ``name`` (the convolution), ``{name}_scale`` and ``{name}_relu``.
    """
    x = layers.Conv2D(filters, kernel_size, strides=stride, padding=padding, use_bias=False, name=name)(x)
    x = layers.BatchNormalization(epsilon=_BN_EPSILON, name=f"{name}_scale")(x)
    return layers.ReLU(name=f"{name}_relu")(x) if relu else x


def pad_channels(x, channels, name):
    """Append zero channels to ``x`` of shape (batch, h, w, c) up to ``channels``.

    Keras has no layer for this, so the channels become a third spatial axis for
    ``ZeroPadding3D`` and back again.
    """
    height, width, current = x.shape[1:]
    x = layers.Reshape((height, width, current, 1), name=f"{name}_split")(x)
    x = layers.ZeroPadding3D(((0, 0), (0, 0), (0, channels - current)), name=f"{name}_zeros")(x)
    return layers.Reshape((height, width, channels), name=f"{name}_join")(x)


def residual_block(x, filters, name):
    """Two 3x3 convolutions with the input added back: ReLU(x + F(x)). Keeps the shape."""
    shortcut = x
    x = conv_affine(x, filters, 3, f"{name}_conv1")
    x = conv_affine(x, filters, 3, f"{name}_conv2", relu=False)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.ReLU(name=f"{name}_relu")(x)


def residual_down_block(x, filters, name):
    """A residual block that halves the height and width (and may widen to ``filters``).

    Residual path: a 3x3 stride-2 "valid" convolution, then a 3x3 convolution. Shortcut: 2x2
    average pooling, with zero channels appended when ``filters`` exceeds the input's channels.
    """
    shortcut = layers.AveragePooling2D(2, name=f"{name}_pool")(x)
    if shortcut.shape[-1] < filters:
        shortcut = pad_channels(shortcut, filters, f"{name}_pad")
    x = conv_affine(x, filters, 3, f"{name}_conv1", stride=2, padding="valid")
    x = conv_affine(x, filters, 3, f"{name}_conv2", relu=False)
    missing = shortcut.shape[1] - x.shape[1]
    if missing:  # e.g. 8 -> 3 by the convolution, 8 -> 4 by the pooling
        x = layers.ZeroPadding2D(((0, missing), (0, missing)), name=f"{name}_grow")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.ReLU(name=f"{name}_relu")(x)


def build_face_embedding(image_size=IMAGE_SIZE):
    """dlib's face embedding network with untrained weights (:func:`load_face_embedding` loads them).

    Args:
        image_size: side of the square input; the weights were trained at 150.

    Returns:
        A ``keras.Model`` named "face_embedding" from (batch, image_size, image_size, 3) RGB
        pixel values in 0..255 to (batch, 128) embeddings (not normalised).
    """
    inputs = keras.Input((image_size, image_size, 3), name="face")
    x = layers.Normalization(mean=MEAN_RGB, variance=[255.0**2] * 3, name="normalize")(inputs)
    x = conv_affine(x, 32, 7, "conv32_down", stride=2, padding="valid")
    x = layers.MaxPooling2D(3, strides=2, name="stem_pool")(x)
    for name, filters, downsample in BLOCKS:
        x = (residual_down_block if downsample else residual_block)(x, filters, name)
    x = layers.GlobalAveragePooling2D(name="average")(x)
    outputs = layers.Dense(128, use_bias=False, name="fc")(x)
    return keras.Model(inputs, outputs, name="face_embedding")


def _face_api_prefix(conv_name):
    """face-api's prefix for one of our convolutions: "conv64_1_conv2" -> "conv64_1/conv2"."""
    block, _, conv = conv_name.rpartition("_")
    return f"{block}/{conv}" if conv in ("conv1", "conv2") else conv_name


def set_face_api_weights(model, weights):
    """Copy face-api's ``face_recognition_model`` weights into :func:`build_face_embedding`'s model.

    Args:
        model: the model :func:`build_face_embedding` returns.
        weights: dict from face-api's weight names (``"conv32_1/conv1/conv/filters"``, ...) to
            dequantised float32 arrays, as :func:`cnnkit.data.face_api.load_face_api_weights`
            returns them.

    Returns:
        ``model``, with its weights set.

    Raises:
        ValueError: when a weight is missing, left over, or has the wrong shape.
    """
    used = set()

    def take(key, shape):
        if key not in weights:
            raise ValueError(f"The face-api weights have no {key!r}: is this face_recognition_model?")
        value = np.asarray(weights[key], dtype=np.float32)
        if value.shape != tuple(shape):
            raise ValueError(f"Weight {key!r} has shape {value.shape}, the model expects {tuple(shape)}.")
        used.add(key)
        return value

    for conv in (layer for layer in model.layers if isinstance(layer, layers.Conv2D)):
        prefix = _face_api_prefix(conv.name)
        kernel = take(f"{prefix}/conv/filters", conv.kernel.shape)
        channels = kernel.shape[-1:]
        bias, gamma, beta = (take(f"{prefix}/{key}", channels) for key in ("conv/bias", "scale/weights", "scale/biases"))
        conv.set_weights([kernel])
        # gamma * (conv(x) + bias) + beta = gamma * conv(x) + (beta + gamma * bias)
        model.get_layer(f"{conv.name}_scale").set_weights(
            [gamma, beta + gamma * bias, np.zeros_like(gamma), np.full_like(gamma, 1.0 - _BN_EPSILON)])
    fc = model.get_layer("fc")
    fc.set_weights([take("fc", fc.kernel.shape)])
    unused = sorted(set(weights) - used)
    if unused:
        raise ValueError(f"{len(unused)} face-api weights have no place in the model, e.g. {unused[0]!r}.")
    return model


def load_face_embedding(weights=None):
    """dlib's face embedding with its trained weights.

    Args:
        weights: face-api's weight dict (see :func:`set_face_api_weights`); None loads
            ``face_recognition_model`` with :func:`cnnkit.data.face_api.load_face_api_weights`.

    Returns:
        The model of :func:`build_face_embedding`, ready to embed 150x150 RGB face crops.
    """
    if weights is None:
        from cnnkit.data.face_api import load_face_api_weights

        weights = load_face_api_weights("face_recognition_model")
    return set_face_api_weights(build_face_embedding(), weights)
