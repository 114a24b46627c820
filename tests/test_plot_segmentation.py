"""Notebook 10's drawings: upsampling grids show the numbers they are given and refuse shapes that
cannot come from the operation; the U reads every level's shape from the actual model."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from matplotlib.figure import Figure

from cnnkit.models.unet import build_unet
from cnnkit.plot.segmentation import (
    draw_bilinear_upsampling,
    draw_transposed_convolution,
    draw_unet,
    overlay_mask,
    show_segmentation,
    unet_levels,
)


def _texts(fig):
    return [text.get_text() for ax in fig.axes for text in ax.texts] + [ax.get_title() for ax in fig.axes]


def test_transposed_convolution_shows_input_kernel_and_stamped_output():
    inputs = np.arange(1, 10).reshape(3, 3)
    kernel = np.array([[1, 0.5], [0.5, 0.25]])
    output = np.kron(inputs, kernel)   # stride 2 with a 2x2 kernel: the stamps tile the output
    fig = draw_transposed_convolution(inputs, kernel, output, pixel=(1, 1))
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    texts = [t.get_text() for t in fig.axes[2].texts]
    assert texts[:-1] == [f"{v:g}" for v in output.ravel()] and texts[-1] == "output 6×6"
    assert "stamps 5 × kernel" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="gives \\(6, 6\\)"):
        draw_transposed_convolution(inputs, kernel, np.zeros((5, 5)))


def test_bilinear_upsampling_refuses_a_wrong_size():
    inputs = np.arange(4.0).reshape(2, 2)
    fig = draw_bilinear_upsampling(inputs, np.repeat(np.repeat(inputs, 2, 0), 2, 1))
    assert "bilinear ×2: output 4×4" in _texts(fig)
    with pytest.raises(ValueError, match="\\(2n, 2m\\)"):
        draw_bilinear_upsampling(inputs, np.zeros((3, 3)))


def test_unet_drawing_carries_every_level_and_its_skips():

    model = build_unet((32, 32, 3), 4, depth=2, base_filters=8)
    levels = unet_levels(model)
    assert levels["encoder"] == [(32, 32, 8), (16, 16, 16)] and levels["bottleneck"] == (8, 8, 32)
    assert levels["concat"] == [(32, 32, 16), (16, 16, 32)] and levels["output"] == (32, 32, 4)
    texts = _texts(draw_unet(model))
    for label in ("encoder0\n32×32×8", "decoder1\n16×16×16", "bottleneck\n8×8×32", "skip: concatenate → 32×32×16",
                  "1×1 conv: logits 32×32×4", "up: transposed conv 2×2, stride 2\n(red arrows)"):
        assert label in texts

    no_skips = build_unet((32, 32, 3), 4, depth=2, base_filters=8, skip_connections=False, upsampling="bilinear")
    texts = " ".join(_texts(draw_unet(no_skips)))
    assert "skip:" not in texts and "without skip connections" in texts and "bilinear ×2" in texts


def test_unet_levels_refuses_another_model():

    inputs = keras.Input((4,))
    with pytest.raises(ValueError, match="build_unet"):
        unet_levels(keras.Model(inputs, keras.layers.Dense(2)(inputs)))


def test_overlap_titles_carry_iou_and_dice():
    from cnnkit.plot.segmentation import draw_overlap

    truth = np.zeros((6, 6), int)
    truth[0:4, 0:4] = 1                      # 16 pixels
    prediction = np.zeros((6, 6), int)
    prediction[2:6, 0:4] = 1                 # 16 pixels, 8 of them shared
    fig = draw_overlap(truth, prediction)
    title = fig._suptitle.get_text()
    assert "8/24 = 0.33" in title and "16/32 = 0.50" in title
    assert "T ∩ P: 8 (green), T ∪ P: 24" in _texts(fig)
    with pytest.raises(ValueError, match="0 / 0"):
        draw_overlap(np.zeros((3, 3)), np.zeros((3, 3)))


def test_overlay_colours_only_the_classes_and_checks_the_mask():
    image = np.full((4, 4, 3), 0.5, np.float32)
    mask = np.zeros((4, 4), np.uint8)
    mask[1, 1] = 2
    out = overlay_mask(image, mask)
    assert out.shape == (4, 4, 3) and out.min() >= 0 and out.max() <= 1
    assert np.allclose(out[0, 0], out[3, 3]) and not np.allclose(out[1, 1], out[0, 0])
    with pytest.raises(ValueError, match="mask must have shape"):
        overlay_mask(image, np.zeros((3, 4), np.uint8))
    figure = show_segmentation(np.stack([image, image]), {"truth": np.stack([mask, mask])}, ["bg", "a", "b"])
    assert len(figure.axes) == 4
