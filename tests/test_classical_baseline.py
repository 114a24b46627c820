"""The classical baseline of notebooks 10 and 13: a threshold, regions of one colour, shape measurements."""

import numpy as np
import pytest

from cnnkit.data import make_shapes
from cnnkit.topics.segmentation import REGION_FEATURES, colour_regions, region_features


def _scene():
    """A dark textured background with a red disc and a blue square overlapping it."""
    rng = np.random.default_rng(0)
    image = rng.uniform(0.1, 0.4, size=(40, 40, 3)).astype(np.float32)
    ys, xs = np.mgrid[0:40, 0:40] + 0.5
    disc = (xs - 14) ** 2 + (ys - 14) ** 2 <= 9**2
    square = (np.abs(xs - 26) <= 7) & (np.abs(ys - 26) <= 7)
    image[disc] = (1.0, 0.2, 0.1)
    image[square] = (0.1, 0.3, 1.0)
    return image, disc & ~square, square


def test_overlapping_shapes_of_two_colours_become_two_regions():
    image, disc, square = _scene()
    regions = colour_regions(image)
    assert set(np.unique(regions)) == {0, 1, 2}
    assert np.array_equal(regions > 0, disc | square)
    for part in (disc, square):
        assert len(np.unique(regions[part])) == 1


def test_measurements_tell_a_disc_from_a_square_and_boxes_are_exclusive():
    image, disc, square = _scene()
    regions = colour_regions(image)
    features, boxes, labels = region_features(regions)
    assert features.shape == (2, len(REGION_FEATURES)) and boxes.shape == (2, 4) and len(labels) == 2
    square_row = int(np.flatnonzero(labels == regions[square][0])[0])
    rows, cols = np.nonzero(square)
    assert boxes[square_row].tolist() == [cols.min(), rows.min(), cols.max() + 1, rows.max() + 1]
    assert features[square_row, REGION_FEATURES.index("extent")] == pytest.approx(1.0)
    feret_fill = REGION_FEATURES.index("feret fill")
    assert features[square_row, feret_fill] == pytest.approx(2 / np.pi, abs=0.08)


def test_threshold_finds_the_generated_shapes():
    scenes = make_shapes(20, 48, shapes_per_image=(2, 4), background="texture", seed=3)
    found = np.stack([colour_regions(image) > 0 for image in scenes.images])
    assert np.mean(found == (scenes.masks > 0)) > 0.99


def test_bad_image_and_empty_scene():
    with pytest.raises(ValueError, match=r"shape \(height, width, 3\)"):
        colour_regions(np.zeros((8, 8)))
    regions = colour_regions(np.full((8, 8, 3), 0.3, np.float32))
    assert not regions.any()
    features, boxes, labels = region_features(regions)
    assert features.shape == (0, len(REGION_FEATURES)) and boxes.shape == (0, 4) and labels.shape == (0,)
