"""Forgets to divide by grid_size: boxes come out in cells, not fractions of the image."""
import numpy as np

EXERCISE = "decode_boxes"
EXPECTED_HINT = "Divide by grid_size"


def decode_boxes(raw, anchors, grid_size):
    raw = np.asarray(raw, dtype=np.float64)
    anchors = np.asarray(anchors, dtype=np.float64)
    rows, cols = np.meshgrid(np.arange(grid_size), np.arange(grid_size), indexing="ij")
    center_x = cols[..., None] + 1 / (1 + np.exp(-raw[..., 0]))
    center_y = rows[..., None] + 1 / (1 + np.exp(-raw[..., 1]))
    width = anchors[:, 0] * np.exp(raw[..., 2])
    height = anchors[:, 1] * np.exp(raw[..., 3])
    return np.stack([center_x - width / 2, center_y - height / 2, center_x + width / 2, center_y + height / 2], axis=-1)
