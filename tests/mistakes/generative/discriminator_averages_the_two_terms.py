"""Averages the real and fake terms instead of adding them."""
from keras import ops

EXERCISE = "discriminator_loss"
EXPECTED_HINT = "do not average them"


def discriminator_loss(real_logits, fake_logits):
    real = ops.mean(ops.binary_crossentropy(ops.ones_like(real_logits), real_logits, from_logits=True))
    fake = ops.mean(ops.binary_crossentropy(ops.zeros_like(fake_logits), fake_logits, from_logits=True))
    return (real + fake) / 2
