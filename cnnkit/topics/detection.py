"""Boxes for object detection (notebook 13): formats, IoU, grid encoding, non-max suppression, AP.

Boxes are float arrays ``[x_min, y_min, x_max, y_max]`` (*corners*) unless a name says
``centers`` (``[x_center, y_center, width, height]``); ``x`` runs right along the columns and ``y``
down along the rows. A grid detector cuts the image into ``grid_size x grid_size`` cells and
predicts, in each cell and for each *anchor* (a box shape in cell units), four raw offsets
``(tx, ty, tw, th)``, an objectness logit and class logits.

``box_iou``, ``non_max_suppression``, ``decode_boxes`` and ``average_precision`` are the
notebook's exercise solutions, kept here verbatim; the rest is given code.
"""

from __future__ import annotations

import numpy as np


# --------------------------------------------------------------------------- box formats
def corners_to_centers(boxes) -> np.ndarray:
    """``(..., 4)`` corner boxes to ``[x_center, y_center, width, height]``."""
    boxes = np.asarray(boxes, dtype=np.float64)
    size = boxes[..., 2:] - boxes[..., :2]
    return np.concatenate([boxes[..., :2] + size / 2, size], axis=-1)


def centers_to_corners(boxes) -> np.ndarray:
    """``(..., 4)`` boxes ``[x_center, y_center, width, height]`` to corners."""
    boxes = np.asarray(boxes, dtype=np.float64)
    half = boxes[..., 2:] / 2
    return np.concatenate([boxes[..., :2] - half, boxes[..., :2] + half], axis=-1)


# --------------------------------------------------------------------------- exercises
def box_iou(boxes_a, boxes_b):
    """Intersection over union of every box of ``boxes_a`` with every box of ``boxes_b``.

    Args:
        boxes_a: array of shape (N, 4), corner boxes [x_min, y_min, x_max, y_max].
        boxes_b: array of shape (M, 4), corner boxes.

    Returns:
        Array of shape (N, M): entry (i, j) is area(a_i ∩ b_j) / area(a_i ∪ b_j), in [0, 1];
        0 where the union is empty (two boxes of zero area).
    """
    a = np.asarray(boxes_a, dtype=np.float64).reshape(-1, 1, 4)  # (N, 1, 4): broadcasts against b
    b = np.asarray(boxes_b, dtype=np.float64).reshape(1, -1, 4)  # (1, M, 4)
    # The overlap is a box too: the larger of the two minima to the smaller of the two maxima,
    # and zero wide (not negative) when the boxes do not meet.
    width = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None)
    height = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None)
    intersection = width * height
    area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    area_b = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    union = area_a + area_b - intersection  # the overlap would be counted twice otherwise
    return np.divide(intersection, union, out=np.zeros_like(intersection), where=union > 0)


def non_max_suppression(boxes, scores, iou_threshold, max_outputs=None):
    """Greedy non-max suppression: keep the best box, drop the boxes that overlap it, repeat.

    Args:
        boxes: array of shape (N, 4), corner boxes.
        scores: array of shape (N,), higher is more confident.
        iou_threshold: a box whose IoU with a kept box is above this is suppressed.
        max_outputs: keep at most this many boxes (None: no limit).

    Returns:
        Integer array of the kept boxes' indices, in decreasing score order (of two equal
        scores, the lower index first), shape (K,) with K <= N; empty for empty input.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")  # best first, ties by index
    keep = []
    while order.size > 0 and (max_outputs is None or len(keep) < max_outputs):
        best, order = order[0], order[1:]
        keep.append(best)
        # Only the remaining candidates that do not overlap the kept box too much survive.
        order = order[box_iou(boxes[best:best + 1], boxes[order])[0] <= iou_threshold]
    return np.array(keep, dtype=np.int64)


def decode_boxes(raw, anchors, grid_size):
    """Turn a grid detector's raw box offsets into corner boxes.

    The cell in row r and column c, with an anchor of width a_w and height a_h (in cells),
    predicts a box centred at ((c + sigmoid(tx)) / grid_size, (r + sigmoid(ty)) / grid_size)
    of width a_w * exp(tw) / grid_size and height a_h * exp(th) / grid_size.

    Args:
        raw: array of shape (..., grid_size, grid_size, num_anchors, 4) holding (tx, ty, tw, th)
            per cell (row, column) and anchor; leading axes (e.g. a batch) are kept.
        anchors: array of shape (num_anchors, 2), each anchor's (width, height) in cells.
        grid_size: number of cells along each side of the image.

    Returns:
        Array of the shape of ``raw``: corner boxes [x_min, y_min, x_max, y_max] in fractions of
        the image's side (0 is the left or top edge, 1 the right or bottom edge).
    """
    raw = np.asarray(raw, dtype=np.float64)
    anchors = np.asarray(anchors, dtype=np.float64)
    rows, cols = np.meshgrid(np.arange(grid_size), np.arange(grid_size), indexing="ij")  # (S, S) each
    # The sigmoid keeps each centre inside its own cell; exp keeps sizes positive and makes
    # tw = 0 mean "exactly the anchor's width".
    center_x = (cols[..., None] + 1 / (1 + np.exp(-raw[..., 0]))) / grid_size  # (..., S, S, A)
    center_y = (rows[..., None] + 1 / (1 + np.exp(-raw[..., 1]))) / grid_size
    width = anchors[:, 0] * np.exp(raw[..., 2]) / grid_size
    height = anchors[:, 1] * np.exp(raw[..., 3]) / grid_size
    return np.stack([center_x - width / 2, center_y - height / 2,
                     center_x + width / 2, center_y + height / 2], axis=-1)


# --------------------------------------------------------------------------- evaluation
def match_detections(pred_boxes, pred_scores, true_boxes, iou_threshold=0.5):
    """Mark each detection of one class as a true or a false positive.

    In each image, detections are taken in decreasing score order; each one is a true
    positive when some ground-truth box not matched yet overlaps it with IoU >= ``iou_threshold``
    (it then takes the one it overlaps most), else a false positive (a second detection of an
    object already found is a false positive). This is COCO's rule (``pycocotools``); PASCAL VOC's
    devkit instead looks only at the ground-truth box the detection overlaps most, and counts a false
    positive when that box is taken, even if another free box overlaps enough.

    Args:
        pred_boxes: one (K_i, 4) array of detected corner boxes per image.
        pred_scores: one (K_i,) array of their scores per image.
        true_boxes: one (G_i, 4) array of ground-truth corner boxes per image.
        iou_threshold: the least IoU of a true positive.

    Returns:
        (scores, is_true_positive, num_truth): every detection's score and whether it is a true
        positive, both of shape (sum K_i,) sorted by decreasing score, and the number of
        ground-truth boxes in all images.
    """
    if not len(pred_boxes) == len(pred_scores) == len(true_boxes):
        raise ValueError(f"pred_boxes, pred_scores and true_boxes must list the same images, got "
                         f"{len(pred_boxes)}, {len(pred_scores)} and {len(true_boxes)} entries")
    all_scores, all_hits, num_truth = [], [], 0
    for boxes, scores, truth in zip(pred_boxes, pred_scores, true_boxes):
        boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
        scores = np.asarray(scores, dtype=np.float64).reshape(-1)
        truth = np.asarray(truth, dtype=np.float64).reshape(-1, 4)
        if len(boxes) != len(scores):
            raise ValueError(f"an image has {len(boxes)} boxes but {len(scores)} scores")
        overlaps = box_iou(boxes, truth)  # (K, G)
        taken = np.zeros(len(truth), dtype=bool)
        hits = np.zeros(len(boxes), dtype=bool)
        for k in np.argsort(-scores, kind="stable"):
            free = np.where(taken, -1.0, overlaps[k]) if len(truth) else overlaps[k]
            if free.size and free.max() >= iou_threshold:
                taken[np.argmax(free)] = hits[k] = True
        all_scores.append(scores)
        all_hits.append(hits)
        num_truth += len(truth)
    scores, hits = np.concatenate(all_scores), np.concatenate(all_hits)
    order = np.argsort(-scores, kind="stable")
    return scores[order], hits[order], num_truth


def average_precision(pred_boxes, pred_scores, true_boxes, iou_threshold=0.5):
    """Average precision (AP) of one class's detections over a set of images.

    Ranks all detections by score, marks them with ``match_detections``, and computes the
    precision and recall after each one. AP is the area under the precision envelope (the
    precision at recall r is the best precision reached at any recall >= r), summed over the
    recall steps, as in PASCAL VOC from 2010 on (the matching rule is COCO's: see ``match_detections``).

    Args:
        pred_boxes: one (K_i, 4) array of detected corner boxes per image.
        pred_scores: one (K_i,) array of their scores per image.
        true_boxes: one (G_i, 4) array of ground-truth corner boxes per image.
        iou_threshold: the least IoU of a true positive.

    Returns:
        A float in [0, 1]; 0 when there are no detections.
    """
    _, is_true_positive, num_truth = match_detections(pred_boxes, pred_scores, true_boxes, iou_threshold)
    if num_truth == 0:
        raise ValueError("AP needs at least one ground-truth box: recall is undefined without one")
    true_positives = np.cumsum(is_true_positive)
    precision = true_positives / np.arange(1, len(is_true_positive) + 1)  # of the detections so far
    recall = true_positives / num_truth  # of all the objects there are
    # The envelope: reading the curve from the right, precision never goes down.
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    recall_steps = np.diff(recall, prepend=0.0)  # non-zero only at true positives
    return float(np.sum(recall_steps * envelope))


def mean_average_precision(detections, truths, num_classes, iou_threshold=0.5):
    """mAP: the average precision of each class, and their mean over the classes.

    Args:
        detections: one ``(boxes (K, 4), scores (K,), classes (K,))`` tuple per image.
        truths: one ``(boxes (G, 4), classes (G,))`` tuple per image.
        num_classes: classes are ``0 .. num_classes - 1``; each must occur in ``truths``.
        iou_threshold: the least IoU of a true positive.

    Returns:
        (mAP, per-class APs as an array of shape (num_classes,)).
    """
    per_class = []
    for label in range(num_classes):
        pred_boxes = [np.asarray(boxes)[np.asarray(classes) == label] for boxes, _, classes in detections]
        pred_scores = [np.asarray(scores)[np.asarray(classes) == label] for _, scores, classes in detections]
        true_boxes = [np.asarray(boxes)[np.asarray(classes) == label] for boxes, classes in truths]
        per_class.append(average_precision(pred_boxes, pred_scores, true_boxes, iou_threshold))
    return float(np.mean(per_class)), np.array(per_class)


# --------------------------------------------------------------------------- training targets
def encode_targets(boxes, box_classes, anchors, grid_size, image_size):
    """Training targets of a grid detector for a batch of images: the inverse of ``decode_boxes``.

    Each box is assigned to the cell that holds its centre and to the anchor whose shape fits
    it best (highest IoU when both are centred on the same point). That cell and anchor get
    objectness 1 and the box's offsets; every other one gets objectness 0. (Two boxes with the
    same cell and anchor: the later one wins; with small cells and a few anchors this is rare.)

    Args:
        boxes: (n, max_boxes, 4) corner boxes in pixels.
        box_classes: (n, max_boxes) integer classes, -1 for padding rows.
        anchors: (num_anchors, 2) anchor (width, height) in cells.
        grid_size: cells along each side.
        image_size: the images' side in pixels.

    Returns:
        float32 array (n, grid_size, grid_size, num_anchors, 6): per cell and anchor, the target
        centre offsets inside the cell (what sigmoid(tx), sigmoid(ty) should be, in [0, 1)), the
        targets for tw and th (log of size over anchor size), objectness, and the class.
    """
    boxes = np.asarray(boxes, dtype=np.float64)
    anchors = np.asarray(anchors, dtype=np.float64)
    targets = np.zeros((len(boxes), grid_size, grid_size, len(anchors), 6), np.float32)
    centers = corners_to_centers(boxes) * (grid_size / image_size)  # in cells
    for image, box in zip(*np.nonzero(np.asarray(box_classes) >= 0)):
        x, y, width, height = centers[image, box]
        col, row = min(int(x), grid_size - 1), min(int(y), grid_size - 1)
        shape_iou = box_iou([[0, 0, width, height]], np.concatenate([np.zeros_like(anchors), anchors], axis=1))[0]
        anchor = int(np.argmax(shape_iou))
        targets[image, row, col, anchor] = (x - col, y - row, np.log(width / anchors[anchor, 0]),
                                            np.log(height / anchors[anchor, 1]), 1.0, box_classes[image, box])
    return targets
