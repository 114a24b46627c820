"""Labels the real images 0 and the fakes 1."""
from keras import ops

EXERCISE = "discriminator_loss"
EXPECTED_HINT = "labels are swapped"


def discriminator_loss(real_logits, fake_logits):
    real = ops.mean(ops.binary_crossentropy(ops.zeros_like(real_logits), real_logits, from_logits=True))
    fake = ops.mean(ops.binary_crossentropy(ops.ones_like(fake_logits), fake_logits, from_logits=True))
    return real + fake
