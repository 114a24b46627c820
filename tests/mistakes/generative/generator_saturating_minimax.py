"""The original minimax loss, minimising log(1 - D(G(z))): it saturates when D wins."""
from keras import ops

EXERCISE = "generator_loss"
EXPECTED_HINT = "saturating minimax loss"


def generator_loss(fake_logits):
    return -ops.mean(ops.binary_crossentropy(ops.zeros_like(fake_logits), fake_logits, from_logits=True))
