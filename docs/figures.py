"""Render the README's diagrams into docs/ from the course's own figure functions, so that the
pictures on the front page are the ones the notebooks draw.

    python docs/figures.py          # or: make figures

Figures that need a trained network are written by their notebooks in default mode instead:
docs/05_optimizer_trajectories.png (notebook 05) and docs/11_style_transfer.jpg (notebook 11).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from cnnkit.plot.convolution import draw_convolution_steps  # noqa: E402
from cnnkit.plot.regularization import plot_batch_norm_statistics  # noqa: E402
from cnnkit.plot.resnet import draw_residual_blocks  # noqa: E402

DOCS = Path(__file__).resolve().parent
DPI = 100


def convolution_steps():
    """Notebook 01's worked example: a 3x3 kernel over a 4x4 input, padding 1, stride 2."""
    image = np.array([[3, 1, 0, 2], [1, 4, 2, 0], [0, 2, 5, 1], [2, 0, 1, 3]])
    kernel = np.array([[1, 0, -1], [1, 2, -1], [0, 1, 0]])
    return draw_convolution_steps(image, kernel, bias=1, stride=2, pad=1)


def batch_norm_statistics():
    """Notebook 06's point about batch norm: a batch whose three channels sit on different scales,
    normalised with the batch's own statistics (training) and with moving statistics one step
    into training (inference)."""
    rng = np.random.default_rng(0)
    batch = (rng.normal(size=(64, 14, 14, 3)) * [0.5, 1.5, 3.0] + [-2.0, 1.0, 4.0]).astype("float32")
    layer = keras.layers.BatchNormalization()
    return plot_batch_norm_statistics({
        "before batch norm: a batch with three channels on different scales": batch,
        "after batch norm, training=True (the batch's statistics)":
            keras.ops.convert_to_numpy(layer(batch, training=True)),
        "after batch norm, training=False, one step into training (moving statistics)":
            keras.ops.convert_to_numpy(layer(batch, training=False)),
    })


def residual_block():
    """Notebook 08's residual block, with the identity and the projection shortcut."""
    return draw_residual_blocks(size=28, channels=16, filters=32, stride=2)


FIGURES = {
    "01_convolution_steps.png": convolution_steps,
    "06_batch_norm.png": batch_norm_statistics,
    "08_residual_block.png": residual_block,
}


def main() -> None:
    for name, draw in FIGURES.items():
        draw().savefig(DOCS / name, dpi=DPI)
        print("wrote", DOCS / name)


if __name__ == "__main__":
    main()
