"""Walks the boxes in their given order instead of by decreasing score."""
import numpy as np

from cnnkit.topics.detection import box_iou

EXERCISE = "non_max_suppression"
EXPECTED_HINT = "decreasing score order"


def non_max_suppression(boxes, scores, iou_threshold, max_outputs=None):
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    keep = []
    for index in range(len(boxes)):
        if all(box_iou(boxes[index:index + 1], boxes[kept:kept + 1])[0, 0] <= iou_threshold for kept in keep):
            keep.append(index)
    keep = keep if max_outputs is None else keep[:max_outputs]
    return np.array(keep, dtype=np.int64)
