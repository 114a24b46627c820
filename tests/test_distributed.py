"""cnnkit.training.distributed: MirroredStrategy on logical CPU devices, which must run in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys

ENV = {**os.environ, "CNNKIT_OFFLINE": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}


def run_python(*args):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=ENV, timeout=300)


def test_mirrored_training_keeps_the_replicas_identical():
    result = run_python("-m", "cnnkit.training.distributed", "--images", "256")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "[result] replicas in sync: 2" in result.stdout
    assert "largest difference between them: 0.0e+00" in result.stdout


def test_splitting_after_tensorflow_started_says_what_to_do():
    code = ("import tensorflow as tf\ntf.constant(1.0) + 1.0\n"
            "from cnnkit.training.distributed import split_cpu\nsplit_cpu(2)")
    result = run_python("-c", code)
    assert result.returncode != 0
    assert "split_cpu must run before TensorFlow runs anything" in result.stderr
