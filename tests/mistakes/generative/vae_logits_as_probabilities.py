"""Feeds the decoder's logits to a cross-entropy that expects probabilities (from_logits=False)."""
from keras import ops

from cnnkit.topics.generative import kl_divergence

EXERCISE = "vae_loss"
EXPECTED_HINT = "logits fed to a loss that expects probabilities"


def vae_loss(images, reconstruction_logits, mean, log_var, beta=1.0):
    per_pixel = ops.binary_crossentropy(ops.cast(images, "float32"), reconstruction_logits)
    reconstruction = ops.mean(ops.sum(per_pixel, axis=(1, 2, 3)))
    kl = ops.mean(kl_divergence(mean, log_var))
    return {"loss": reconstruction + beta * kl, "reconstruction_loss": reconstruction, "kl_loss": kl}
