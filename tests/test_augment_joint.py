"""cnnkit.augment.joint: image and mask move together, masks keep their labels, seeds repeat."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from cnnkit.augment.joint import augment_dataset, augment_pair
from cnnkit.data import make_shapes

SCENES = make_shapes(6, image_size=48, shapes_per_image=(2, 4), background="texture", seed=3)


def one_hot_image(mask, num_classes=4):
    """An image whose channels spell out the mask: where the two disagree after a transform,
    the transform did not move them together."""
    return np.eye(num_classes, dtype=np.float32)[mask]


def test_flip_alone_mirrors_image_and_mask_exactly():
    image, mask = SCENES.images[0], SCENES.masks[0]
    flipped = 0
    for k in range(12):
        out_image, out_mask = augment_pair(image, mask, seed=(k, 0), rotation=0, zoom_range=(1, 1), shift=0)
        out_image, out_mask = out_image.numpy(), out_mask.numpy()
        if np.array_equal(out_mask, mask):
            np.testing.assert_allclose(out_image, image, atol=1e-5)
        else:
            flipped += 1
            np.testing.assert_array_equal(out_mask, mask[:, ::-1])
            np.testing.assert_allclose(out_image, image[:, ::-1], atol=1e-5)
    assert 0 < flipped < 12  # some seeds flip, some do not


@pytest.mark.parametrize("fill_mode", ["reflect", "constant"])
def test_image_and_mask_stay_aligned_under_rotation_zoom_and_shift(fill_mode):
    for i, mask in enumerate(SCENES.masks):
        image = one_hot_image(mask)
        out_image, out_mask = augment_pair(image, mask, seed=(i, 7), rotation=0.08, zoom_range=(0.7, 1.4),
                                           shift=0.2, fill_mode=fill_mode)
        out_image, out_mask = out_image.numpy(), out_mask.numpy()
        assert out_mask.shape == mask.shape and out_mask.dtype == mask.dtype
        # Nearest neighbour only copies labels: no in-between classes appear.
        assert set(np.unique(out_mask)) <= set(np.unique(mask)) | {0}
        # The content moved: a real transform, not the identity.
        assert np.mean(out_mask != mask) > 0.02
        # Bilinear blurs the image only along class boundaries, so nearly every pixel agrees.
        agree = np.mean(out_image.argmax(-1) == out_mask)
        assert agree > 0.97, f"image and mask disagree on {1 - agree:.1%} of the pixels"


def test_a_mask_with_a_channel_axis_keeps_it():
    mask = SCENES.masks[1][..., None]
    _, out_mask = augment_pair(SCENES.images[1], mask, seed=(1, 2))
    assert out_mask.shape == mask.shape


def test_same_seed_same_transform_other_seed_other_transform():
    image, mask = SCENES.images[2], SCENES.masks[2]
    first = augment_pair(image, mask, seed=(5, 5))
    again = augment_pair(image, mask, seed=(5, 5))
    other = augment_pair(image, mask, seed=(6, 5))
    np.testing.assert_array_equal(first[1].numpy(), again[1].numpy())
    assert not np.array_equal(first[0].numpy(), other[0].numpy())


def test_dataset_is_repeatable_changes_every_epoch_and_keeps_pairs_aligned():
    masks = SCENES.masks
    images = np.stack([one_hot_image(m) for m in masks])

    def epochs(seed):
        dataset = augment_dataset(tf.data.Dataset.from_tensor_slices((images, masks)), seed=seed)
        return [[(x.numpy(), y.numpy()) for x, y in dataset] for _ in range(2)]

    first, again = epochs(0), epochs(0)
    for (_, y), (_, y2) in zip(first[0], again[0]):
        np.testing.assert_array_equal(y, y2)
    assert any(not np.array_equal(a[1], b[1]) for a, b in zip(first[0], first[1])), "epochs should differ"
    for x, y in first[0] + first[1]:
        assert x.shape == (48, 48, 4) and y.shape == (48, 48) and y.dtype == np.uint8
        assert np.mean(x.argmax(-1) == y) > 0.97


@pytest.mark.parametrize(("option", "value"), [("rotation", -0.1), ("rotation", 15), ("zoom_range", (1.2, 0.8)),
                                                ("shift", 1.5), ("fill_mode", "mirror")])
def test_bad_options_name_the_argument(option, value):
    with pytest.raises(ValueError, match=option):
        augment_pair(SCENES.images[0], SCENES.masks[0], seed=(0, 0), **{option: value})
    with pytest.raises(ValueError, match=option):
        augment_dataset(tf.data.Dataset.from_tensor_slices((SCENES.images, SCENES.masks)), **{option: value})
