"""Averages the reconstruction cross-entropy over the pixels: the KL term then swamps it."""
from keras import ops

from cnnkit.topics.generative import kl_divergence

EXERCISE = "vae_loss"
EXPECTED_HINT = "Sum the cross-entropy over the pixels"


def vae_loss(images, reconstruction_logits, mean, log_var, beta=1.0):
    per_pixel = ops.binary_crossentropy(ops.cast(images, "float32"), reconstruction_logits, from_logits=True)
    reconstruction = ops.mean(per_pixel)
    kl = ops.mean(kl_divergence(mean, log_var))
    return {"loss": reconstruction + beta * kl, "reconstruction_loss": reconstruction, "kl_loss": kl}
