"""Broadcasts the other way round and returns an (M, N) matrix."""
import numpy as np

EXERCISE = "box_iou"
EXPECTED_HINT = "transposed"


def box_iou(boxes_a, boxes_b):
    a = np.asarray(boxes_a, dtype=np.float64).reshape(1, -1, 4)
    b = np.asarray(boxes_b, dtype=np.float64).reshape(-1, 1, 4)
    width = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None)
    height = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None)
    intersection = width * height
    area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    area_b = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    union = area_a + area_b - intersection
    return np.divide(intersection, union, out=np.zeros_like(union), where=union > 0)
