"""Averages the reconstruction over the batch but sums the KL over it."""
from keras import ops

from cnnkit.topics.generative import kl_divergence

EXERCISE = "vae_loss"
EXPECTED_HINT = "Average the KL over the batch"


def vae_loss(images, reconstruction_logits, mean, log_var, beta=1.0):
    per_pixel = ops.binary_crossentropy(ops.cast(images, "float32"), reconstruction_logits, from_logits=True)
    reconstruction = ops.mean(ops.sum(per_pixel, axis=(1, 2, 3)))
    kl = ops.sum(kl_divergence(mean, log_var))
    return {"loss": reconstruction + beta * kl, "reconstruction_loss": reconstruction, "kl_loss": kl}
