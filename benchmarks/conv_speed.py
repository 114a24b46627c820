"""Time three convolutions of the same input: the loop version of notebook 01, the vectorised
(im2col) version of notebook 03, and TensorFlow's ``tf.nn.conv2d``.

    python benchmarks/conv_speed.py              # batch 64, 32x32x16, 32 filters of 3x3, stride 1, same padding
    python benchmarks/conv_speed.py --batch 8    # a quicker run

Each time is the fastest of several runs (the loop version runs once: it takes seconds), so that
other programs on the machine disturb the figures as little as possible. Targets: im2col at least
20x faster than the loops and within 5x of ``tf.nn.conv2d``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # read when TensorFlow is first imported, in main()


def best_time(run, repeats: int) -> float:
    """The fastest of ``repeats`` runs of ``run()``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--size", type=int, default=32, help="height and width of the input")
    parser.add_argument("--channels", type=int, default=16)
    parser.add_argument("--filters", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=10, help="runs of the fast versions; the best counts")
    args = parser.parse_args(argv)

    import tensorflow as tf

    from cnnkit.scratch import conv_forward, conv_forward_fast

    rng = np.random.default_rng(0)
    A = rng.normal(size=(args.batch, args.size, args.size, args.channels)).astype(np.float32)
    W = rng.normal(size=(3, 3, args.channels, args.filters)).astype(np.float32)
    b = rng.normal(size=args.filters).astype(np.float32)
    print(f"input {A.shape} float32, {args.filters} filters of 3x3, stride 1, same padding; "
          f"{os.cpu_count()} CPU cores\n", flush=True)

    fast = conv_forward_fast(A, W, b, 1, 1)
    reference = tf.nn.conv2d(A, W, strides=1, padding="SAME").numpy() + b
    print(f"im2col vs tf.nn.conv2d: max difference {np.abs(fast - reference).max():.1e}")
    fast_s = best_time(lambda: conv_forward_fast(A, W, b, 1, 1), args.repeats)
    tf_s = best_time(lambda: tf.nn.conv2d(A, W, strides=1, padding="SAME").numpy() + b, args.repeats)
    print("timing the loop version (notebook 01), which takes a while ...", flush=True)
    loop_s = best_time(lambda: conv_forward(A, W, b, 1, 1), 1)

    print(f"\n{'version':28s} {'time':>10s}")
    print(f"{'loops (notebook 01)':28s} {loop_s * 1000:8.1f} ms")
    print(f"{'im2col (notebook 03)':28s} {fast_s * 1000:8.1f} ms")
    print(f"{'tf.nn.conv2d':28s} {tf_s * 1000:8.1f} ms")
    print(f"\nim2col is {loop_s / fast_s:.0f}x faster than the loops (target: at least 20x)")
    print(f"im2col takes {fast_s / tf_s:.1f}x as long as tf.nn.conv2d (target: at most 5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
