"""Time one training epoch of notebook 08's small ResNet at several widths, on Fashion-MNIST-sized input.

    python benchmarks/resnet_width.py                  # widths 8, 16, 20, 24, 32
    python benchmarks/resnet_width.py --widths 16 32   # only these

The width is the number of filters of the first stage (the later stages have 2x and 4x as many).
Each model first trains on a few batches, so that graph tracing is not timed, then ``--repeats``
times on ``--batches`` batches of 128 random 28x28x1 images; the figure printed is the fastest of
those times scaled to the 60,000 images of one Fashion-MNIST epoch (the fastest, because other
programs on the machine can only slow a run down). Random pixels cost the same arithmetic as real
ones, and need no data.
Each width is timed with XLA (Keras' default ``jit_compile="auto"``) and without (``jit_compile=False``,
TensorFlow's oneDNN kernels), which notebook 08 uses on a CPU. Notebook 08 quotes these figures to explain
why its small ResNet is 16 filters wide.
"""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads: hide its start-up lines

import keras  # noqa: E402
import numpy as np  # noqa: E402
from conv_speed import best_time  # noqa: E402  (benchmarks/, the script's own folder, is on sys.path)

from cnnkit.models.resnet import build_resnet, residual_block  # noqa: E402

BATCH_SIZE = 128
EPOCH_IMAGES = 60_000


def small_resnet(width: int) -> keras.Model:
    """Notebook 08's small ResNet for 28x28x1 images: one basic block per stage, ``width`` filters first."""
    return build_resnet(residual_block, [1, 1, 1], (28, 28, 1), 10, base_filters=width, small_input=True)


def seconds_per_epoch(model: keras.Model, batches: int, repeats: int, jit_compile: bool | str = "auto") -> float:
    """Seconds for ``model`` to train on one 60,000-image epoch: the best of ``repeats`` timed runs.

    ``jit_compile`` is Keras' own: ``"auto"`` compiles the step with XLA, ``False`` runs TensorFlow's
    own kernels (oneDNN on a CPU), as notebook 08 does.
    """
    model.compile(optimizer=keras.optimizers.AdamW(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), jit_compile=jit_compile)
    rng = np.random.default_rng(0)
    images = rng.random((batches * BATCH_SIZE, 28, 28, 1), dtype=np.float32)
    labels = rng.integers(0, 10, batches * BATCH_SIZE)
    model.fit(images[:4 * BATCH_SIZE], labels[:4 * BATCH_SIZE], batch_size=BATCH_SIZE, verbose=0)  # warm-up
    seconds = best_time(lambda: model.fit(images, labels, batch_size=BATCH_SIZE, verbose=0), repeats)
    return seconds * EPOCH_IMAGES / len(images)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--widths", type=int, nargs="+", default=[8, 16, 20, 24, 32])
    parser.add_argument("--batches", type=int, default=40, help="timed batches of 128 images per run")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per width; the fastest counts")
    args = parser.parse_args(argv)
    if min(args.batches, args.repeats, *args.widths) < 1:
        parser.error("--batches, --repeats and every width must be at least 1")
    print(f"{os.cpu_count()} CPU cores; seconds per 60,000-image epoch, batch {BATCH_SIZE}")
    print("| width | parameters | s per epoch, XLA (Keras' default) | s per epoch, without XLA |\n|---|---|---|---|")
    for width in args.widths:
        seconds = {}
        for jit_compile in ("auto", False):
            keras.utils.set_random_seed(0)
            model = small_resnet(width)
            seconds[jit_compile] = seconds_per_epoch(model, args.batches, args.repeats, jit_compile)
        print(f"| {width} | {model.count_params():,} | {seconds['auto']:.0f} | {seconds[False]:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
