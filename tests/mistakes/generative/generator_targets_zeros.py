"""Copies the discriminator's fake term: the generator then tries to look fake."""
from keras import ops

EXERCISE = "generator_loss"
EXPECTED_HINT = "judged real"


def generator_loss(fake_logits):
    return ops.mean(ops.binary_crossentropy(ops.zeros_like(fake_logits), fake_logits, from_logits=True))
