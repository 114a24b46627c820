"""face-api's Tiny Face Detector rebuilt in Keras, with its pretrained weights.

The npm package ``@vladmandic/face-api`` (MIT) ships a one-class detector in the style of
Tiny-YOLOv2 (Redmon and Farhadi, *YOLO9000*, 2017), trained on faces. Its layers, read from the
package's ``src/tinyYolov2/TinyYolov2Base.ts`` (``runMobilenet``) and ``src/tinyFaceDetector``:

- a 3x3 convolution with 16 filters and no padding, then five depthwise-separable 3x3
  convolutions (32, 64, 128, 256, 512 filters, padding 1); each with a bias and a leaky ReLU of
  slope 0.1 (there is no batch norm: it was folded into the weights);
- 2x2 max pooling after each of the first six convolutions, with stride 2 for the first five
  and stride 1 for the last, so a 416x416 input gives a 13x13 grid;
- a 1x1 convolution to 5 anchors x (tx, ty, tw, th, objectness) = 25 channels per cell.

Input: the RGB image padded with zeros at the bottom or right to a square, resized to 416x416,
in 0-255, minus the mean colour ``MEAN_RGB``, divided by 255. Output (batch, 13, 13, 5, 5) raw:
decode the first four numbers with ``cnnkit.topics.detection.decode_boxes`` and ``ANCHORS``, and the
fifth is the objectness logit (sigmoid: the probability of a face).
"""

from __future__ import annotations

import numpy as np

from cnnkit.data.face_api import load_face_api_weights

#: (width, height) of the five anchors in grid cells, from the package's src/tinyFaceDetector/const.ts.
ANCHORS = np.array([[1.603231, 2.094468], [6.041143, 7.080126], [2.882459, 3.518061],
                    [4.266906, 5.178857], [9.041765, 10.66308]])
#: Mean RGB colour (0-255) that the package subtracts from each pixel.
MEAN_RGB = np.array([117.001, 114.697, 97.404])
#: The package's defaults: score and NMS IoU thresholds, input side in pixels.
SCORE_THRESHOLD = 0.5
IOU_THRESHOLD = 0.4
IMAGE_SIZE = 416
GRID_SIZE = IMAGE_SIZE // 32
SEPARABLE_FILTERS = (32, 64, 128, 256, 512)
WEIGHTS = "tiny_face_detector_model"


def build_tiny_face_detector(image_size: int = IMAGE_SIZE, weights: str | None = "face-api"):
    """The Keras model: (batch, image_size, image_size, 3) preprocessed images (see
    :func:`preprocess`) to raw outputs (batch, image_size / 32, image_size / 32, 5, 5).

    ``weights="face-api"`` loads the package's pretrained weights (see
    :mod:`cnnkit.data.face_api`); ``None`` leaves the layers randomly initialised.
    ``image_size`` must be a multiple of 32 (the package uses 416; smaller is faster, larger
    finds smaller faces).
    """
    import keras
    from keras import layers

    if image_size % 32:
        raise ValueError(f"image_size must be a multiple of 32, got {image_size}")
    if weights not in ("face-api", None):
        raise ValueError(f"weights must be 'face-api' or None, got {weights!r}")
    inputs = keras.Input((image_size, image_size, 3), name="image")
    x = layers.Conv2D(16, 3, padding="valid", name="conv0")(inputs)
    x = layers.LeakyReLU(0.1, name="conv0_leaky")(x)
    x = layers.MaxPooling2D(2, strides=2, padding="same", name="pool0")(x)
    for level, filters in enumerate(SEPARABLE_FILTERS, start=1):
        x = layers.SeparableConv2D(filters, 3, padding="same", name=f"conv{level}")(x)
        x = layers.LeakyReLU(0.1, name=f"conv{level}_leaky")(x)
        # The last pooling keeps the grid: stride 1 with "same" padding.
        stride = 1 if level == len(SEPARABLE_FILTERS) else 2
        x = layers.MaxPooling2D(2, strides=stride, padding="same", name=f"pool{level}")(x)
    x = layers.Conv2D(len(ANCHORS) * 5, 1, name="conv8")(x)
    grid = image_size // 32
    outputs = layers.Reshape((grid, grid, len(ANCHORS), 5), name="raw")(x)
    model = keras.Model(inputs, outputs, name="tiny_face_detector")
    if weights == "face-api":
        set_face_api_weights(model, load_face_api_weights(WEIGHTS))
    return model


def set_face_api_weights(model, tensors: dict[str, np.ndarray]) -> None:
    """Copy the package's tensors (``conv0/filters``, ``conv1/depthwise_filter``, ...) into the
    layers of the same names; their layouts are TensorFlow's, so no transposition is needed."""
    for layer in model.layers:
        if layer.name == "conv0" or layer.name == "conv8":
            layer.set_weights([tensors[f"{layer.name}/filters"], tensors[f"{layer.name}/bias"]])
        elif layer.name.startswith("conv") and not layer.name.endswith("_leaky"):
            layer.set_weights([tensors[f"{layer.name}/depthwise_filter"], tensors[f"{layer.name}/pointwise_filter"],
                               tensors[f"{layer.name}/bias"]])


def preprocess(image, image_size: int = IMAGE_SIZE) -> tuple[np.ndarray, float]:
    """The network's input for one RGB image, and the side in pixels of the square it was padded to.

    Args:
        image: (height, width, 3) floats in [0, 1] (as ``cnnkit.data.sample_image`` gives) or
            integers in 0-255.

    Returns:
        ``(batch, side)``: a (1, image_size, image_size, 3) float32 array, and the padded
        square's side: boxes decoded in fractions of the input times ``side`` are in the
        image's pixels (the padding is at the bottom and right, so no shift is needed).
    """
    import tensorflow as tf

    image = np.asarray(image)
    if image.ndim != 3 or image.shape[-1] != 3:
        raise ValueError(f"image must be (height, width, 3) RGB, got shape {image.shape}")
    pixels = image.astype(np.float32) * (255.0 if np.issubdtype(image.dtype, np.floating) else 1.0)
    side = max(pixels.shape[:2])
    square = np.zeros((side, side, 3), np.float32)
    square[:pixels.shape[0], :pixels.shape[1]] = pixels
    resized = tf.image.resize(square[None], (image_size, image_size), method="bilinear").numpy()
    return ((resized - MEAN_RGB) / 255.0).astype(np.float32), float(side)


def detect_faces(model, image, score_threshold: float = SCORE_THRESHOLD, iou_threshold: float = IOU_THRESHOLD):
    """Faces in one image: ``(boxes, scores)``, corner boxes in the image's pixels (K, 4) and
    face probabilities (K,), best first, after non-max suppression."""
    from cnnkit.topics.detection import decode_boxes, non_max_suppression

    batch, side = preprocess(image, model.input_shape[1])
    raw = np.asarray(model.predict(batch, verbose=0))[0]  # (grid, grid, anchors, 5)
    boxes = decode_boxes(raw[..., :4], ANCHORS, raw.shape[0]).reshape(-1, 4) * side
    scores = 1 / (1 + np.exp(-raw[..., 4].reshape(-1)))
    candidates = np.flatnonzero(scores > score_threshold)
    keep = candidates[non_max_suppression(boxes[candidates], scores[candidates], iou_threshold)]
    return boxes[keep], scores[keep]
