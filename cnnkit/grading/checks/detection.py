"""Checks for notebook 13, object detection.

Oracles are independent of the learner's code: ``keras.utils.bounding_boxes.compute_iou`` for
IoU, ``tf.image.non_max_suppression`` for non-max suppression, a cell-by-cell loop written from
the YOLOv2 formulas for decoding, and, for average precision, hand-computed cases plus a
reference that walks the ranked detections one at a time. When an answer is wrong, the checks
compare it with what known mistakes give (a union that counts the overlap twice, a sort that
puts ties in the wrong order, sizes without exp, AP without the precision envelope...) to name
the likely cause.
"""

from __future__ import annotations

import numpy as np

from cnnkit.grading.assertions import as_array, as_number, call, describe, difference, fail, same_values
from cnnkit.grading.core import exercise

NOTEBOOK = "13_object_detection"


def _random_boxes(rng, count, extent=10.0):
    corner = rng.uniform(0, extent, size=(count, 2))
    return np.concatenate([corner, corner + rng.uniform(0.5, extent / 2, size=(count, 2))], axis=1)


# --------------------------------------------------------------------------- IoU
def _keras_iou(boxes_a, boxes_b):
    """The oracle: Keras' own IoU of corner ("xyxy") boxes."""
    from keras.utils import bounding_boxes

    return np.asarray(bounding_boxes.compute_iou(boxes_a.astype(np.float32), boxes_b.astype(np.float32), "xyxy"),
                      dtype=np.float64)


def _iou_parts(a, b, plus_one=0.0, clip=True):
    """Intersection and the two areas, broadcast to (N, M); the keywords reproduce mistakes."""
    a, b = a[:, None, :], b[None, :, :]
    width = np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]) + plus_one
    height = np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]) + plus_one
    if clip:
        width, height = np.clip(width, 0, None), np.clip(height, 0, None)
    area_a = (a[..., 2] - a[..., 0] + plus_one) * (a[..., 3] - a[..., 1] + plus_one)
    area_b = (b[..., 2] - b[..., 0] + plus_one) * (b[..., 3] - b[..., 1] + plus_one)
    return width * height, area_a, area_b


def _iou_hint(result, a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        inter, area_a, area_b = _iou_parts(a, b)
        if result.shape == (b.shape[0], a.shape[0]) and a.shape[0] != b.shape[0]:
            return "The result is transposed: row i is boxes_a[i], column j is boxes_b[j], shape (N, M)."
        if result.shape != (a.shape[0], b.shape[0]):
            return ("Compare every box of boxes_a with every box of boxes_b by broadcasting: "
                    "boxes_a[:, None, :] against boxes_b[None, :, :] gives (N, M).")
        if np.allclose(result, inter / (area_a + area_b), atol=1e-6):
            return ("The union counts the overlap twice: union = area_a + area_b - intersection.")
        raw_inter, _, _ = _iou_parts(a, b, clip=False)
        raw_union = area_a + area_b - raw_inter
        unclipped = raw_inter / raw_union
        guarded = np.where(raw_union > 0, unclipped, 0)  # the same mistake with a guarded division
        if np.allclose(result, unclipped, atol=1e-6) or np.allclose(result, guarded, atol=1e-6):
            return ("Boxes that do not overlap get a non-zero IoU: when max(x_min) > min(x_max) the width of the "
                    "overlap is negative, and two negative sides make a positive area. Clip width and height at 0.")
        inter1, area_a1, area_b1 = _iou_parts(a, b, plus_one=1.0)
        if np.allclose(result, inter1 / (area_a1 + area_b1 - inter1), atol=1e-6):
            return ("You added 1 to widths and heights (the old pixel-index convention). Here coordinates are "
                    "continuous: width = x_max - x_min.")
        if np.allclose(result, inter / np.minimum(area_a, area_b), atol=1e-6):
            return "IoU divides by the union, not by the smaller box's area."
    return "IoU = intersection area / (area_a + area_b - intersection area)."


@exercise(NOTEBOOK)
def check_box_iou(box_iou):
    rng = np.random.default_rng(13)
    cases = [
        ("random boxes", _random_boxes(rng, 6), _random_boxes(rng, 4), None),
        ("boxes far apart", np.array([[0.0, 0.0, 2.0, 2.0], [5.0, 5.0, 6.0, 7.0]]),
         np.array([[3.0, 3.0, 4.0, 4.0], [8.0, 0.0, 9.0, 1.0], [0.0, 4.0, 1.0, 6.0]]), None),
        ("one box inside another, and a half overlap", np.array([[0.0, 0.0, 4.0, 4.0]]),
         np.array([[1.0, 1.0, 3.0, 3.0], [2.0, 0.0, 6.0, 4.0]]), np.array([[0.25, 1 / 3]])),
        ("a box without any box to compare", _random_boxes(rng, 3), np.zeros((0, 4)), np.zeros((3, 0))),
        ("two boxes of zero area at the same place", np.array([[1.0, 1.0, 1.0, 1.0]]),
         np.array([[1.0, 1.0, 1.0, 1.0]]), np.zeros((1, 1))),
    ]
    for what, a, b, known in cases:
        text = f"box_iou({what}: boxes_a {describe(a)}, boxes_b {describe(b)})"
        kept_a, kept_b = a.copy(), b.copy()
        result = as_array(call(box_iou, a, b, _hint="Empty inputs must give an empty (N, 0) result, not a crash."
                               if b.size == 0 else None), text)
        if not (np.array_equal(a, kept_a) and np.array_equal(b, kept_b)):
            fail(text, "changed its input arrays.", "Compute new arrays; leave the boxes as they are.")
        expected = known if known is not None else _keras_iou(a, b)
        if not np.all(np.isfinite(result)):
            fail(text, "returned nan or inf.", "Two boxes of zero area have an empty union: their IoU is 0, "
                 "not 0 / 0 (e.g. np.divide(..., where=union > 0)).")
        if not same_values(result, expected):
            problem = (f"returned shape {result.shape}, expected {expected.shape}." if result.shape != expected.shape
                       else difference(result, expected))
            fail(text, problem, _iou_hint(result, a, b))


# --------------------------------------------------------------------------- decoding
def _decode_reference(raw, anchors, grid_size, exp=True, sigmoid=True, swap_axes=False, divide=True,
                      corners=True, swap_anchor=False):
    """Decode cell by cell, straight from the formulas; the keywords reproduce known mistakes."""
    squash = (lambda t: 1 / (1 + np.exp(-t))) if sigmoid else (lambda t: t)
    grow = np.exp if exp else (lambda t: t)
    scale = grid_size if divide else 1
    flat = raw.reshape(-1, grid_size, grid_size, len(anchors), 4)  # a batch axis, even when raw has none
    result = np.empty(flat.shape)
    for n in range(flat.shape[0]):
        for row in range(grid_size):
            for col in range(grid_size):
                for k, (anchor_w, anchor_h) in enumerate(anchors):
                    if swap_anchor:
                        anchor_w, anchor_h = anchor_h, anchor_w
                    tx, ty, tw, th = flat[n, row, col, k]
                    x_cell, y_cell = (row, col) if swap_axes else (col, row)
                    cx, cy = (x_cell + squash(tx)) / scale, (y_cell + squash(ty)) / scale
                    w, h = anchor_w * grow(tw) / scale, anchor_h * grow(th) / scale
                    box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2) if corners else (cx, cy, w, h)
                    result[n, row, col, k] = box
    return result.reshape(raw.shape)


def _decode_hint(result, raw, anchors, grid_size):
    mistakes = [
        ({"exp": False}, "The sizes need exp: width = anchor_w * exp(tw) / grid_size (tw = 0 means the anchor's "
                         "width)."),
        ({"sigmoid": False}, "Squash the centre offsets with a sigmoid, so each centre stays inside its cell."),
        ({"swap_axes": True}, "x comes from the column index and y from the row: raw[row, col] is the cell in row "
                              "`row` (y) and column `col` (x)."),
        ({"divide": False}, "Divide by grid_size: the result is in fractions of the image, not in cells."),
        ({"corners": False}, "Return corner boxes [x_min, y_min, x_max, y_max], not centre and size."),
        ({"swap_anchor": True}, "anchors[k] is (width, height): the width scales exp(tw), the height exp(th)."),
    ]
    for keywords, hint in mistakes:
        if result.shape == raw.shape and np.allclose(result, _decode_reference(raw, anchors, grid_size, **keywords),
                                                     atol=1e-5):
            return hint
    if result.shape != raw.shape:
        return "The output has raw's shape: the last axis holds the 4 corners instead of the 4 offsets."
    return "center = (cell index + sigmoid(offset)) / grid_size; size = anchor * exp(t) / grid_size; then corners."


@exercise(NOTEBOOK)
def check_decode_boxes(decode_boxes):
    rng = np.random.default_rng(3)
    tall = np.array([[1.0, 2.0], [3.0, 1.5]])
    cases = [
        ("all zeros: each box is its anchor, centred in its cell", np.zeros((2, 2, 2, 4)), tall, 2),
        ("random offsets on a 3x3 grid", rng.normal(size=(3, 3, 2, 4)), tall, 3),
        ("a batch of 2 on a 4x4 grid with 3 anchors", rng.normal(size=(2, 4, 4, 3, 4)),
         np.array([[0.5, 0.8], [1.5, 1.0], [2.5, 3.5]]), 4),
    ]
    for what, raw, anchors, grid_size in cases:
        text = f"decode_boxes({what}: raw {describe(raw)}, anchors {anchors.tolist()}, grid_size={grid_size})"
        result = as_array(call(decode_boxes, raw.copy(), anchors.copy(), grid_size), text)
        expected = _decode_reference(raw, anchors, grid_size)
        if not same_values(result, expected):
            problem = (f"returned shape {result.shape}, expected {expected.shape}." if result.shape != expected.shape
                       else difference(result, expected))
            fail(text, problem, _decode_hint(result, raw, anchors, grid_size))


# --------------------------------------------------------------------------- non-max suppression
def _tf_nms(boxes, scores, iou_threshold, max_outputs):
    """The oracle: TensorFlow's greedy NMS (IoU does not change when x and y swap roles)."""
    import tensorflow as tf

    limit = len(boxes) if max_outputs is None else max_outputs
    return tf.image.non_max_suppression(boxes.astype(np.float32), scores.astype(np.float32), limit,
                                        iou_threshold=float(iou_threshold)).numpy().astype(np.int64)


def _nms_variant(boxes, scores, iou_threshold, max_outputs, order, suppress):
    """Greedy NMS with a given candidate order and suppression rule, to recognise mistakes."""
    from cnnkit.topics.detection import box_iou as reference_iou

    overlaps = reference_iou(boxes, boxes)
    keep, removed = [], set()
    for index in order:
        if index in removed:
            continue
        keep.append(int(index))
        removed |= {int(j) for j in order if j != index and suppress(overlaps[index, j], iou_threshold)}
    return keep if max_outputs is None else keep[:max_outputs]


def _nms_hint(result, boxes, scores, iou_threshold, max_outputs, expected):
    stable = list(np.argsort(-scores, kind="stable"))
    if sorted(result) == sorted(expected):
        if result == sorted(expected):
            return "You return the kept indices in index order: return them in decreasing score order."
        return ("The right boxes in the wrong order: of two equal scores, the lower index comes first "
                "(np.argsort(-scores, kind='stable'); np.argsort(scores)[::-1] reverses ties).")
    if max_outputs is not None and result[:max_outputs] == list(expected):
        return f"max_outputs={max_outputs} is ignored: stop once that many boxes are kept."
    if result == _nms_variant(boxes, scores, iou_threshold, max_outputs, range(len(boxes)), lambda iou, t: iou > t):
        return ("Visit the boxes in decreasing score order: a box may only be suppressed by a box that scores "
                "higher, so sort first (np.argsort(-scores, kind='stable')).")
    if result == _nms_variant(boxes, scores, iou_threshold, max_outputs, stable, lambda iou, t: iou >= t):
        return "Suppress a box only when its IoU is above iou_threshold (>), as TensorFlow does; at == it stays."
    if result == _nms_variant(boxes, scores, iou_threshold, max_outputs, stable, lambda iou, t: iou < t):
        return "The comparison is inverted: suppress the boxes that overlap the kept box MORE than iou_threshold."
    if set(expected) < set(result):
        return ("Too many boxes survive: after keeping a box, remove every remaining candidate that overlaps it, "
                "then take the best of the survivors, and repeat until none are left.")
    return ("Take the highest-scoring remaining box, keep it, drop every remaining box whose IoU with it is above "
            "iou_threshold, and repeat. Does your box_iou pass its check?")


@exercise(NOTEBOOK, uses=("box_iou",))
def check_non_max_suppression(non_max_suppression):
    rng = np.random.default_rng(7)
    crowd = _random_boxes(rng, 25, extent=6.0)
    tied = np.round(rng.uniform(size=25), 1)  # many equal scores
    same = np.tile([[1.0, 1.0, 3.0, 3.0]], (4, 1))
    cases = [
        ("25 random boxes", crowd, rng.uniform(size=25), 0.5, None),
        ("the same boxes, threshold 0.2", crowd, rng.uniform(size=25), 0.2, None),
        ("scores with ties", crowd, tied, 0.4, None),
        ("max_outputs=3", crowd, rng.uniform(size=25), 0.6, 3),
        ("four identical boxes with equal scores", same, np.full(4, 0.5), 0.5, None),
        ("two boxes with IoU exactly 0.5 at threshold 0.5", np.array([[0.0, 0.0, 3.0, 1.0], [1.0, 0.0, 4.0, 1.0]]),
         np.array([0.9, 0.8]), 0.5, None),
        ("no boxes at all", np.zeros((0, 4)), np.zeros(0), 0.5, None),
    ]
    for what, boxes, scores, iou_threshold, max_outputs in cases:
        kwargs = {} if max_outputs is None else {"max_outputs": max_outputs}
        text = (f"non_max_suppression({what}: boxes {describe(boxes)}, scores {describe(scores)}, "
                f"iou_threshold={iou_threshold}{f', max_outputs={max_outputs}' if max_outputs else ''})")
        hint = None if len(boxes) else "With no boxes, return an empty array (np.argsort and a while loop handle that)."
        result = as_array(call(non_max_suppression, boxes.copy(), scores.copy(), iou_threshold, _hint=hint, **kwargs),
                          text).reshape(-1)
        if not np.all(result == np.round(result)):
            fail(text, f"returned {describe(result)} with fractional values.", "Return the kept boxes' indices.")
        kept, expected = [int(i) for i in result], [int(i) for i in _tf_nms(boxes, scores, iou_threshold, max_outputs)]
        if kept != expected:
            shown = lambda indices: indices if len(indices) <= 12 else f"{indices[:12]}..."  # noqa: E731
            fail(text, f"kept {shown(kept)}, expected {shown(expected)} (tf.image.non_max_suppression).",
                 _nms_hint(kept, boxes, scores, iou_threshold, max_outputs, expected))


# --------------------------------------------------------------------------- average precision
def _reference_ap(ranked_hits, num_truth, envelope=True, recall_over_found=False, eleven_points=False,
                  envelope_from_left=False):
    """AP from true/false positives in decreasing score order, one detection at a time;
    the keywords reproduce known mistakes."""
    found = sum(ranked_hits)
    denominator = found if recall_over_found else num_truth
    precisions, recalls, true_positives = [], [], 0
    for rank, hit in enumerate(ranked_hits, start=1):
        true_positives += hit
        precisions.append(true_positives / rank)
        recalls.append(true_positives / denominator if denominator else 0.0)
    if eleven_points:
        return float(np.mean([max([p for p, r in zip(precisions, recalls) if r >= level], default=0.0)
                              for level in np.linspace(0, 1, 11)]))
    area, previous = 0.0, 0.0
    for rank, recall in enumerate(recalls):
        if recall > previous:
            if envelope_from_left:
                height = max(precisions[:rank + 1])
            else:
                height = max(precisions[rank:]) if envelope else precisions[rank]
            area += (recall - previous) * height
            previous = recall
    return area


def _ap_case(what, detections, truths, iou_threshold, ranked_hits):
    """A case: per image (boxes, scores) and truth boxes, and which ranked detections are hits."""
    pred_boxes = [np.array(boxes, dtype=np.float64).reshape(-1, 4) for boxes, _ in detections]
    pred_scores = [np.array(scores, dtype=np.float64) for _, scores in detections]
    true_boxes = [np.array(boxes, dtype=np.float64).reshape(-1, 4) for boxes in truths]
    return what, pred_boxes, pred_scores, true_boxes, iou_threshold, ranked_hits, sum(len(t) for t in true_boxes)


def _ap_cases():
    box = [[0, 0, 10, 10]]
    shifted = [[4, 0, 14, 10]]  # IoU 6/14 = 0.43 with box
    cases = [
        _ap_case("every object found once, nothing else", [(box, [0.9]), (box, [0.8])], [box, box], 0.5,
                 [1, 1]),
        _ap_case("hits and misses T F F T T among 3 objects", [([[0, 0, 10, 10], [50, 50, 60, 60], [70, 70, 80, 80],
                                                                 [20, 20, 30, 30], [40, 0, 50, 10]],
                                                                [0.9, 0.8, 0.7, 0.6, 0.5])],
                 [[[0, 0, 10, 10], [20, 20, 30, 30], [40, 0, 50, 10]]], 0.5, [1, 0, 0, 1, 1]),
        _ap_case("a second detection of the same object, and a missed object", [([[0, 0, 10, 10], [1, 1, 10, 10]],
                                                                                 [0.9, 0.8])],
                 [[[0, 0, 10, 10], [30, 30, 40, 40]]], 0.5, [1, 0]),
        _ap_case("IoU 0.43 at threshold 0.5", [(shifted, [0.9])], [box], 0.5, [0]),
        _ap_case("IoU 0.43 at threshold 0.3", [(shifted, [0.9])], [box], 0.3, [1]),
        _ap_case("scores not sorted, ranked across two images", [([[50, 50, 60, 60], [0, 0, 10, 10]], [0.2, 0.6]),
                                                                  ([[0, 0, 10, 10]], [0.9])],
                 [box, [[5, 5, 15, 15]]], 0.5, [0, 1, 0]),
        _ap_case("an image without detections", [(np.zeros((0, 4)), []), (box, [0.7])], [box, box], 0.5, [1]),
        _ap_case("a false positive ranked first", [([[50, 50, 60, 60], [0, 0, 10, 10]], [0.9, 0.8])], [box], 0.5,
                 [0, 1]),
    ]
    return cases


def _ap_hint(value, ranked_hits, num_truth):
    mistakes = [
        ({"envelope": False}, "Use the precision envelope: at each recall step, take the best precision reached at "
                              "that recall or any higher one (np.maximum.accumulate on the reversed precisions)."),
        ({"envelope_from_left": True}, "The envelope looks to the right: the best precision at this recall or any "
                                       "HIGHER recall; a running maximum from the left looks at lower recalls."),
        ({"recall_over_found": True}, "Recall divides by all ground-truth boxes (num_truth), including the ones no "
                                      "detection found, not by the number of true positives."),
        ({"eleven_points": True}, "This is the 11-point AP of VOC 2007; sum the envelope over every recall step "
                                  "instead: sum of (recall increase) x (envelope precision)."),
    ]
    for keywords, hint in mistakes:
        if np.isclose(value, _reference_ap(ranked_hits, num_truth, **keywords), atol=1e-6):
            return hint
    return ("Rank the detections by score (match_detections does it), then precision = TP so far / detections so far, "
            "recall = TP so far / num_truth, and AP = sum of (recall increase) x (envelope precision).")


@exercise(NOTEBOOK)
def check_average_precision(average_precision):
    for what, pred_boxes, pred_scores, true_boxes, iou_threshold, ranked_hits, num_truth in _ap_cases():
        text = f"average_precision({what}, iou_threshold={iou_threshold})"
        value = as_number(call(average_precision, pred_boxes, pred_scores, true_boxes, iou_threshold=iou_threshold),
                          text, "Return one number: the area under the precision envelope.")
        expected = _reference_ap(ranked_hits, num_truth)
        if not np.isfinite(value) or not np.isclose(value, expected, atol=1e-6):
            fail(text, f"returned {value:.6g}, expected {expected:.6g}.", _ap_hint(value, ranked_hits, num_truth))
