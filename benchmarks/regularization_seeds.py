"""Notebook 06's regularisers over more seeds than the notebook can afford, compared seed by seed.

    python benchmarks/regularization_seeds.py                        # 300 images, 100 epochs, seeds 0-3
    python benchmarks/regularization_seeds.py --seeds 0 1 2 3 4 5 --techniques dropout "strong shifts"

Trains notebook 06's small CNN (``cnnkit.models.lenet.build_regularized_cnn``) with each technique
once per seed on the first ``--images`` Fashion-MNIST training images, measures it on the last
2,000, and prints a Markdown table: each seed's validation accuracy, the gain over the plain model
with the same seed, the mean gain, its standard deviation over seeds, and the notebook's verdict
(positive with every seed and a mean gain above twice its standard deviation). Besides the
notebook's techniques it tries stronger or other settings, which is how the notebook's were chosen.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads: hide its start-up lines

import keras  # noqa: E402
import numpy as np  # noqa: E402

from cnnkit.augment.classification import build_augmenter, make_dataset  # noqa: E402
from cnnkit.config import set_seed  # noqa: E402
from cnnkit.data import load_fashion_mnist, scale_images  # noqa: E402
from cnnkit.models.lenet import build_regularized_cnn  # noqa: E402

SHIFTS = dict(flip=False, rotation=0, translation=0.05, zoom=0, contrast=0)  # notebook 06's AUGMENTATION
#: technique -> (build_regularized_cnn's switches, augmenter settings or None, augmenter inside the model?)
TECHNIQUES = {
    "no regularisation": ({}, None, False),
    "augmentation": ({}, SHIFTS, False),
    "strong shifts": ({}, dict(SHIFTS, rotation=0.03, translation=0.1, zoom=0.1), False),
    "dropout": (dict(dropout=0.5), None, False),
    "weight decay": (dict(weight_decay=1e-4), None, False),
    "weight decay 1e-3": (dict(weight_decay=1e-3), None, False),
    "batch norm": (dict(batch_norm=True), None, False),
    "dropout + batch norm": (dict(dropout=0.5, batch_norm=True), None, False),
    "all together": (dict(dropout=0.5, weight_decay=1e-4, batch_norm=True), SHIFTS, True),
}
BASELINE = "no regularisation"
VALIDATION_IMAGES = 2_000


def validation_accuracy(technique: str, seed: int, x, y, x_val, y_val, epochs: int, batch_size: int = 64) -> float:
    """Train one model with ``technique`` from ``set_seed(seed)`` as notebook 06 does; its validation accuracy."""
    switches, augmentation, inside = TECHNIQUES[technique]
    set_seed(seed)
    augmenter = build_augmenter(**augmentation, seed=seed) if augmentation else None
    model = build_regularized_cnn(x.shape[1:], 10, augmenter=augmenter if inside else None, **switches)
    data = (dict(x=make_dataset(x, y, batch_size, augment=augmenter, shuffle=True, seed=seed))
            if augmenter is not None and not inside else dict(x=x, y=y, batch_size=batch_size))
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(**data, epochs=epochs, verbose=0)
    return float(model.evaluate(x_val, y_val, batch_size=512, verbose=0)[1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=300, help="training images (notebook 06: 300)")
    parser.add_argument("--epochs", type=int, default=100, help="epochs for every technique (notebook 06: 100)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    parser.add_argument("--techniques", nargs="+", choices=[name for name in TECHNIQUES if name != BASELINE],
                        default=[name for name in TECHNIQUES if name != BASELINE])
    args = parser.parse_args(argv)
    if len(args.seeds) < 2 or args.images < 1 or args.epochs < 1:
        parser.error("give at least two seeds (a spread needs two), and at least one image and one epoch")
    (x_all, y_all), _, _ = load_fashion_mnist()
    x, y = scale_images(x_all[:args.images]), y_all[:args.images]
    x_val, y_val = scale_images(x_all[-VALIDATION_IMAGES:]), y_all[-VALIDATION_IMAGES:]
    accuracy = {name: np.array([validation_accuracy(name, seed, x, y, x_val, y_val, args.epochs) for seed in args.seeds])
                for name in [BASELINE, *args.techniques]}
    print(f"{args.images} training images, {args.epochs} epochs, seeds {args.seeds}; validation accuracy and the "
          f"gain over {BASELINE!r} with the same seed\n")
    print("| technique | validation accuracy per seed | gain per seed | mean gain | std of the gain | beyond seed noise |")
    print("|---|---|---|---|---|---|")
    for name, values in accuracy.items():
        gains = values - accuracy[BASELINE]
        passed = bool(np.all(gains > 0) and gains.mean() > 2 * gains.std(ddof=1))
        verdict = "–" if name == BASELINE else "yes" if passed else "no"
        print(f"| {name} | {' '.join(f'{v:.3f}' for v in values)} | {' '.join(f'{g:+.3f}' for g in gains)} | "
              f"{gains.mean():+.4f} | {gains.std(ddof=1):.4f} | {verdict} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
