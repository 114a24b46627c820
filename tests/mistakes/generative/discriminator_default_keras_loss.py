"""Uses Keras' BinaryCrossentropy with its default from_logits=False on logits."""
import keras
from keras import ops

EXERCISE = "discriminator_loss"
EXPECTED_HINT = "logits fed to a loss that expects probabilities"


def discriminator_loss(real_logits, fake_logits):
    cross_entropy = keras.losses.BinaryCrossentropy()
    return cross_entropy(ops.ones_like(real_logits), real_logits) + cross_entropy(ops.zeros_like(fake_logits),
                                                                                  fake_logits)
