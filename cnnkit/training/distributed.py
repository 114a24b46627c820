"""Data parallelism on one machine: ``MirroredStrategy`` over logical CPU devices (notebook 08).

``tf.distribute.MirroredStrategy`` needs several devices. A CPU can be split into logical devices, but only
before TensorFlow first runs anything, and each logical device then computes with its own share of the cores:
every other computation of that process runs at about half speed (on 2 cores, one epoch of notebook 08's small
ResNet took 121 s instead of 61 s). So the demonstration runs in a fresh process of its own:

    python -m cnnkit.training.distributed --images 4096

It splits the CPU in two, trains a small ResNet on Fashion-MNIST with one replica per logical device, and shows
that the replicas' copies of the weights stay identical.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def split_cpu(count: int = 2) -> list[str]:
    """Split the first physical CPU into ``count`` logical devices and return their names.

    Must run before TensorFlow executes anything in this process; raises ``RuntimeError`` otherwise.
    """
    import tensorflow as tf

    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}.")
    try:
        tf.config.set_logical_device_configuration(
            tf.config.list_physical_devices("CPU")[0], [tf.config.LogicalDeviceConfiguration()] * count)
    except RuntimeError as error:
        raise RuntimeError("split_cpu must run before TensorFlow runs anything in this process; run it in a "
                           "fresh one, e.g. `python -m cnnkit.training.distributed`.") from error
    return [device.name for device in tf.config.list_logical_devices("CPU")]


def train_mirrored(images, labels, devices, batch_per_replica=64, seed=0):
    """Train a small ResNet for one epoch with one replica of the model on each device.

    Args:
        images: float32 array of shape (n, height, width, channels), values in [0, 1].
        labels: integer class labels, shape (n,), in 0..9.
        devices: device names, e.g. ``["/cpu:0", "/cpu:1"]`` or the GPUs of a machine.
        batch_per_replica: images each replica sees per step; the global batch is this times the replicas.
        seed: seed of the initial weights and of the shuffling.

    Returns:
        ``(model, strategy, seconds)``: the trained model, its strategy and the seconds the epoch took.
    """
    import keras
    import tensorflow as tf

    from cnnkit.models.resnet import build_resnet, residual_block

    strategy = tf.distribute.MirroredStrategy(devices)
    with strategy.scope():  # every variable created in here is mirrored: one copy on each device
        keras.utils.set_random_seed(seed)
        model = build_resnet(residual_block, [1, 1, 1], images.shape[1:], 10, base_filters=8, small_input=True,
                             name="mirrored")
        model.compile(optimizer=keras.optimizers.Adam(1e-3),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
    global_batch = batch_per_replica * strategy.num_replicas_in_sync  # fit splits each batch between replicas
    start = time.perf_counter()
    model.fit(images, labels, batch_size=global_batch, epochs=1, verbose=0)
    return model, strategy, time.perf_counter() - start


def replica_copies(variable) -> list[np.ndarray]:
    """The values of every per-device copy of a mirrored Keras variable."""
    # A Keras variable wraps a TensorFlow one; under a strategy that is a MirroredVariable holding the copies.
    return [np.asarray(copy) for copy in variable.value.values]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train with MirroredStrategy on logical CPU devices.")
    parser.add_argument("--images", type=int, default=4096, help="Fashion-MNIST training images to use")
    parser.add_argument("--devices", type=int, default=2, help="logical CPU devices, one replica each")
    args = parser.parse_args(argv)
    devices = split_cpu(args.devices)  # first: before anything else of TensorFlow runs

    import tensorflow as tf

    from cnnkit.course.results import record
    from cnnkit.data import load_fashion_mnist, scale_images

    tf.get_logger().setLevel("ERROR")  # the strategy logs every all-reduce it sets up
    (x_train, y_train), _, _ = load_fashion_mnist()
    images = scale_images(x_train[: args.images])
    print("logical devices:", ", ".join(devices))
    model, strategy, seconds = train_mirrored(images, y_train[: args.images], devices)
    print(f"one epoch on {len(images)} images, {strategy.num_replicas_in_sync} replicas of 64 images per step: "
          f"{seconds:.1f} s")
    copies = replica_copies(model.get_layer("stem_conv").kernel)
    largest = max(float(np.abs(copy - copies[0]).max()) for copy in copies)
    print(f"the stem kernel has {len(copies)} copies, one per device; largest difference between them: {largest:.1e}")
    record("replicas in sync", strategy.num_replicas_in_sync, "d")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
