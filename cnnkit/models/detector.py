"""A small single-shot grid detector (in the style of YOLOv2) that trains on a CPU in minutes.

The network is a plain convolutional backbone that shrinks the image by 8 (three poolings), so a
64x64 image gives an 8x8 grid, and a 1x1 convolution that predicts, for every cell and anchor,
``4 + 1 + num_classes`` raw numbers: box offsets ``(tx, ty, tw, th)`` (decoded by
``cnnkit.topics.detection.decode_boxes``), an objectness logit and class logits.

``detection_loss`` trains it against ``cnnkit.topics.detection.encode_targets``; ``detect`` turns its
raw outputs into scored, labelled boxes with per-class non-max suppression.
"""

from __future__ import annotations

import numpy as np

from cnnkit.topics.detection import decode_boxes, non_max_suppression

#: Weight of the box-offset terms against objectness and class terms in ``detection_loss``.
BOX_WEIGHT = 5.0
#: Weight of the many cells and anchors without an object: they would swamp the few with one.
NO_OBJECT_WEIGHT = 0.5


def conv_bn_relu(x, filters, name):
    """A 3x3 convolution without bias, batch norm and ReLU (the course's order)."""
    from keras import layers

    x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv")(x)
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    return layers.ReLU(name=f"{name}_relu")(x)


def build_detector(input_shape, num_classes, num_anchors, base_filters=16, downsamplings=3):
    """A single-shot grid detector.

    Args:
        input_shape: (height, width, channels), height and width divisible by ``2**downsamplings``.
        num_classes: object classes (no background class: objectness says "no object").
        num_anchors: anchors per cell.
        base_filters: filters of the first level, doubled after each pooling.
        downsamplings: 2x2 max poolings; the grid's cells are ``2**downsamplings`` pixels wide.

    Returns:
        A ``keras.Model`` named "detector" from images to raw outputs of shape
        (batch, grid_h, grid_w, num_anchors, 5 + num_classes): (tx, ty, tw, th, objectness
        logit, class logits...).
    """
    import keras
    from keras import layers

    stride = 2**downsamplings
    if input_shape[0] % stride or input_shape[1] % stride:
        raise ValueError(f"input_shape height and width must be divisible by {stride}, got {tuple(input_shape)}")
    inputs = keras.Input(input_shape, name="image")
    x = inputs
    for level in range(downsamplings):
        x = conv_bn_relu(x, base_filters * 2**level, name=f"level{level}")
        x = layers.MaxPooling2D(2, name=f"level{level}_pool")(x)
    # Two more convolutions on the grid widen each cell's view to whole objects.
    x = conv_bn_relu(x, base_filters * 2**downsamplings, name="grid1")
    x = conv_bn_relu(x, base_filters * 2**downsamplings, name="grid2")
    x = layers.Conv2D(num_anchors * (5 + num_classes), 1, name="head")(x)
    grid_h, grid_w = input_shape[0] // stride, input_shape[1] // stride
    outputs = layers.Reshape((grid_h, grid_w, num_anchors, 5 + num_classes), name="raw")(x)
    return keras.Model(inputs, outputs, name="detector")


def detection_loss(y_true, y_pred):
    """The YOLO-style loss of a batch, averaged over its objects.

    Args:
        y_true: (batch, grid, grid, anchors, 6) from ``encode_targets``: centre offsets in the
            cell, log size ratios, objectness (1 or 0), class.
        y_pred: (batch, grid, grid, anchors, 5 + num_classes) raw outputs.

    Returns:
        A scalar: ``BOX_WEIGHT`` x squared errors of sigmoid(tx, ty) and (tw, th) where there is
        an object, plus the objectness cross-entropy (weighted by ``NO_OBJECT_WEIGHT`` where there
        is none), plus the class cross-entropy where there is an object.
    """
    from keras import ops

    has_object = y_true[..., 4]
    num_objects = ops.maximum(ops.sum(has_object), 1.0)
    centre_error = ops.sum(ops.square(ops.sigmoid(y_pred[..., :2]) - y_true[..., :2]), axis=-1)
    size_error = ops.sum(ops.square(y_pred[..., 2:4] - y_true[..., 2:4]), axis=-1)
    objectness = ops.binary_crossentropy(has_object, y_pred[..., 4], from_logits=True)
    classes = ops.sparse_categorical_crossentropy(ops.cast(y_true[..., 5], "int32"), y_pred[..., 5:],
                                                  from_logits=True)
    per_object = BOX_WEIGHT * (centre_error + size_error) + objectness + classes
    return (ops.sum(has_object * per_object) + NO_OBJECT_WEIGHT * ops.sum((1 - has_object) * objectness)) / num_objects


def detect(raw, anchors, image_size, score_threshold=0.05, iou_threshold=0.45, max_outputs=50):
    """Scored, labelled boxes from a grid detector's raw outputs, one image at a time.

    A box's score is P(object) x P(class | object) for its most probable class; boxes above
    ``score_threshold`` go through non-max suppression class by class.

    Args:
        raw: (batch, grid, grid, anchors, 5 + num_classes) raw outputs.
        anchors: (anchors, 2) anchor (width, height) in cells.
        image_size: the images' side in pixels.

    Returns:
        One ``(boxes (K, 4) in pixels, scores (K,), classes (K,))`` tuple per image, best first.
    """
    raw = np.asarray(raw, dtype=np.float64)
    boxes = decode_boxes(raw[..., :4], anchors, raw.shape[1]) * image_size
    objectness = 1 / (1 + np.exp(-raw[..., 4]))
    logits = raw[..., 5:] - raw[..., 5:].max(axis=-1, keepdims=True)
    class_probabilities = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    scores = objectness * class_probabilities.max(axis=-1)
    classes = class_probabilities.argmax(axis=-1)
    results = []
    for image_boxes, image_scores, image_classes in zip(boxes, scores, classes):
        image_boxes, image_scores, image_classes = (image_boxes.reshape(-1, 4), image_scores.reshape(-1),
                                                    image_classes.reshape(-1))
        kept = []
        for label in np.unique(image_classes[image_scores > score_threshold]):
            candidates = np.flatnonzero((image_classes == label) & (image_scores > score_threshold))
            kept.extend(candidates[non_max_suppression(image_boxes[candidates], image_scores[candidates],
                                                       iou_threshold)])
        kept = np.array(kept, dtype=np.int64)
        kept = kept[np.argsort(-image_scores[kept], kind="stable")][:max_outputs]
        results.append((image_boxes[kept], image_scores[kept], image_classes[kept]))
    return results
