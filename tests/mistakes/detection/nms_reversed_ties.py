"""Sorts with np.argsort(scores)[::-1]: right for distinct scores, but equal scores come
highest index first."""
import numpy as np

from cnnkit.topics.detection import box_iou

EXERCISE = "non_max_suppression"
EXPECTED_HINT = "lower index comes first"


def non_max_suppression(boxes, scores, iou_threshold, max_outputs=None):
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    order = np.argsort(np.asarray(scores), kind="stable")[::-1]
    keep = []
    while order.size > 0 and (max_outputs is None or len(keep) < max_outputs):
        best, order = order[0], order[1:]
        keep.append(best)
        order = order[box_iou(boxes[best:best + 1], boxes[order])[0] <= iou_threshold]
    return np.array(keep, dtype=np.int64)
