"""Scales the anchors by tw and th themselves instead of exp(tw) and exp(th)."""
import numpy as np

EXERCISE = "decode_boxes"
EXPECTED_HINT = "The sizes need exp"


def decode_boxes(raw, anchors, grid_size):
    raw = np.asarray(raw, dtype=np.float64)
    anchors = np.asarray(anchors, dtype=np.float64)
    rows, cols = np.meshgrid(np.arange(grid_size), np.arange(grid_size), indexing="ij")
    center_x = (cols[..., None] + 1 / (1 + np.exp(-raw[..., 0]))) / grid_size
    center_y = (rows[..., None] + 1 / (1 + np.exp(-raw[..., 1]))) / grid_size
    width = anchors[:, 0] * raw[..., 2] / grid_size
    height = anchors[:, 1] * raw[..., 3] / grid_size
    return np.stack([center_x - width / 2, center_y - height / 2, center_x + width / 2, center_y + height / 2], axis=-1)
