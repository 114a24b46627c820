"""Finding faces in a photo and cutting them out at the size a face embedding expects.

Detection uses the LBP frontal-face cascade that ships with scikit-image (OpenCV's
``lbpcascade_frontalface``): fast, no weights to fetch, and good enough on upright,
well-lit portraits. Notebook 13's Tiny Face Detector does the same job with a CNN.

Boxes are ``(x_min, y_min, x_max, y_max)`` in pixels, x to the right and y down.
"""

from __future__ import annotations

import numpy as np


def detect_faces(image, min_size=60, max_size=None, scale_factor=1.2):
    """Boxes around the upright frontal faces in ``image``, largest first.

    Args:
        image: (height, width, 3) RGB or (height, width) grey, values in [0, 1] or 0..255.
        min_size, max_size: smallest and largest face side searched, in pixels (``max_size``
            None: the image's shorter side).
        scale_factor: growth of the search window between scales (> 1; smaller finds more,
            slower).

    Returns:
        Float array of shape (faces, 4), boxes ``(x_min, y_min, x_max, y_max)``.
    """
    import skimage.color
    import skimage.data
    from skimage.feature import Cascade

    image = np.asarray(image)
    if image.ndim not in (2, 3):
        raise ValueError(f"image must have shape (h, w) or (h, w, 3), got {image.shape}.")
    if scale_factor <= 1:
        raise ValueError(f"scale_factor must be > 1, got {scale_factor!r}.")
    grey = skimage.color.rgb2gray(image[..., :3]) if image.ndim == 3 else image.astype(np.float64)
    side = min(grey.shape)
    cascade = Cascade(skimage.data.lbp_frontal_face_cascade_filename())
    found = cascade.detect_multi_scale(grey, scale_factor=scale_factor, step_ratio=1,
                                       min_size=(min_size, min_size),
                                       max_size=(max_size or side, max_size or side))
    boxes = np.array([[f["c"], f["r"], f["c"] + f["width"], f["r"] + f["height"]] for f in found],
                     dtype=np.float64).reshape(-1, 4)
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return boxes[np.argsort(-areas, kind="stable")]


def crop_face(image, box, size=150, margin=0.0, angle=0.0, shift=(0.0, 0.0)):
    """Cut the square around ``box`` out of ``image`` and resize it to ``size`` x ``size``.

    Args:
        image: (height, width, 3) RGB, values in [0, 1] or 0..255.
        box: ``(x_min, y_min, x_max, y_max)`` in pixels.
        size: side of the crop returned, in pixels.
        margin: extra border on every side, as a fraction of the box's side.
        angle: degrees to turn the face (counter-clockwise) about the box's centre before
            cropping; 0 keeps the photo upright. Used to show what misalignment costs.
        shift: ``(dx, dy)`` moves the crop by these fractions of the box's side.

    Returns:
        float32 array (size, size, 3) with values 0..255, the input range of
        :func:`cnnkit.models.face_embedding.build_face_embedding`. Parts of the square
        outside the photo are black.
    """
    from skimage.transform import SimilarityTransform, warp

    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 3 or image.shape[-1] < 3:
        raise ValueError(f"image must have shape (h, w, 3), got {image.shape}.")
    x_min, y_min, x_max, y_max = (float(v) for v in box)
    if x_max <= x_min or y_max <= y_min:
        raise ValueError(f"box must be (x_min, y_min, x_max, y_max) with max > min, got {tuple(box)}.")
    if image.max() <= 1.0:
        image = image * 255.0
    side = max(x_max - x_min, y_max - y_min) * (1 + 2 * margin)
    centre = np.array([(x_min + x_max) / 2 + shift[0] * side, (y_min + y_max) / 2 + shift[1] * side])
    # The map from crop pixels to photo pixels: scale the crop to the square's side, turn, move.
    to_photo = (SimilarityTransform(translation=(-size / 2, -size / 2))
                + SimilarityTransform(scale=side / size, rotation=np.deg2rad(-angle))
                + SimilarityTransform(translation=centre))
    crop = warp(image[..., :3], to_photo, output_shape=(size, size), order=1, mode="constant", cval=0.0,
                preserve_range=True)
    return crop.astype(np.float32)
