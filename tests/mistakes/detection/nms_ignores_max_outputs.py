"""Forgets max_outputs."""
import numpy as np

from cnnkit.topics.detection import box_iou

EXERCISE = "non_max_suppression"
EXPECTED_HINT = "max_outputs=3 is ignored"


def non_max_suppression(boxes, scores, iou_threshold, max_outputs=None):
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    keep = []
    while order.size > 0:
        best, order = order[0], order[1:]
        keep.append(best)
        order = order[box_iou(boxes[best:best + 1], boxes[order])[0] <= iou_threshold]
    return np.array(keep, dtype=np.int64)
