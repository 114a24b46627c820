"""Autoencoders of notebook 16: a (denoising) autoencoder and a variational autoencoder, small
enough to train on Fashion-MNIST on a CPU in minutes (the GAN is in :mod:`cnnkit.models.dcgan`).

Conventions:
- Images have height and width divisible by 4: two stride-2 convolutions take 28x28 to 7x7,
  two stride-2 transposed convolutions bring 7x7 back to 28x28.
- The decoders of the autoencoder and of the VAE return **logits**, one per pixel: train them
  with a binary cross-entropy built with ``from_logits=True`` on images scaled to [0, 1], and
  apply ``keras.ops.sigmoid`` to see an image.
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers, ops

from cnnkit.topics.generative import reparameterize, vae_loss


def check_image_shape(shape):
    """Refuse an image shape ``(height, width, channels)`` that two stride-2 steps cannot halve twice."""
    height, width, _ = shape
    if height % 4 or width % 4:
        raise ValueError(f"The image height and width must be divisible by 4 (two stride-2 steps), "
                         f"got {tuple(shape)}.")


def _downsample(x, base_filters, name):
    """Two 3x3 stride-2 convolutions with ReLU: (h, w, c) -> (h/4, w/4, 2 * base_filters)."""
    x = layers.Conv2D(base_filters, 3, strides=2, padding="same", activation="relu", name=f"{name}_conv1")(x)
    return layers.Conv2D(2 * base_filters, 3, strides=2, padding="same", activation="relu", name=f"{name}_conv2")(x)


def build_encoder(input_shape=(28, 28, 1), latent_dim=32, base_filters=16, variational=False, name="encoder"):
    """The encoder: two stride-2 convolutions, flatten, then a dense bottleneck.

    Args:
        input_shape: (height, width, channels), height and width divisible by 4.
        latent_dim: size of the code (the bottleneck).
        base_filters: filters of the first convolution; the second has twice as many.
        variational: False gives one output, the code; True gives two, the ``mean`` and the
            ``log_var`` (log-variance) of a diagonal Gaussian over the code, as a VAE needs.
        name: the model's name and the prefix of its layer names.

    Returns:
        A ``keras.Model`` from images ``(batch, *input_shape)`` to a code ``(batch, latent_dim)``,
        or to ``[mean, log_var]``, each ``(batch, latent_dim)``, when ``variational``.
    """
    check_image_shape(input_shape)
    images = keras.Input(input_shape, name="image")
    x = layers.Flatten(name=f"{name}_flatten")(_downsample(images, base_filters, name))
    if not variational:
        return keras.Model(images, layers.Dense(latent_dim, name=f"{name}_code")(x), name=name)
    mean = layers.Dense(latent_dim, name=f"{name}_mean")(x)
    log_var = layers.Dense(latent_dim, name=f"{name}_log_var")(x)
    return keras.Model(images, [mean, log_var], name=name)


def build_decoder(latent_dim=32, output_shape=(28, 28, 1), base_filters=16, name="decoder"):
    """The decoder: a dense layer to a (h/4, w/4) grid, two stride-2 transposed convolutions,
    and a 3x3 convolution to one logit per pixel and channel.

    Args:
        latent_dim: size of the code it reads.
        output_shape: (height, width, channels) of the images it draws, height and width divisible by 4.
        base_filters: filters of the last transposed convolution; the first has twice as many.
        name: the model's name and the prefix of its layer names.

    Returns:
        A ``keras.Model`` from codes ``(batch, latent_dim)`` to pixel logits ``(batch, *output_shape)``.
    """
    check_image_shape(output_shape)
    height, width, channels = output_shape
    codes = keras.Input((latent_dim,), name="code")
    x = layers.Dense(height // 4 * width // 4 * 2 * base_filters, activation="relu", name=f"{name}_dense")(codes)
    x = layers.Reshape((height // 4, width // 4, 2 * base_filters), name=f"{name}_grid")(x)
    x = layers.Conv2DTranspose(2 * base_filters, 3, strides=2, padding="same", activation="relu",
                               name=f"{name}_up1")(x)
    x = layers.Conv2DTranspose(base_filters, 3, strides=2, padding="same", activation="relu", name=f"{name}_up2")(x)
    logits = layers.Conv2D(channels, 3, padding="same", name=f"{name}_logits")(x)
    return keras.Model(codes, logits, name=name)


def build_autoencoder(input_shape=(28, 28, 1), latent_dim=32, base_filters=16, noise_stddev=0.0):
    """An autoencoder: :func:`build_encoder` then :func:`build_decoder`.

    Args:
        input_shape: (height, width, channels), height and width divisible by 4.
        latent_dim: size of the bottleneck.
        base_filters: see :func:`build_encoder`.
        noise_stddev: above 0, a ``GaussianNoise`` layer corrupts the input **during training
            only**, which makes it a *denoising* autoencoder: it learns to give back the clean
            image from a noisy one (train it with ``fit(x, x)``).

    Returns:
        A ``keras.Model`` named "autoencoder" from images ``(batch, *input_shape)`` to pixel
        logits of the same shape; its ``encoder`` and ``decoder`` are its layers of those names.
    """
    images = keras.Input(input_shape, name="image")
    x = layers.GaussianNoise(noise_stddev, name="noise")(images) if noise_stddev > 0 else images
    code = build_encoder(input_shape, latent_dim, base_filters)(x)
    logits = build_decoder(latent_dim, input_shape, base_filters)(code)
    return keras.Model(images, logits, name="autoencoder")


class VAE(keras.Model):
    """A variational autoencoder trained with ``fit(images)``.

    ``train_step`` encodes a batch into ``mean`` and ``log_var``, draws a code with the
    reparameterisation trick, decodes it into logits and minimises :func:`cnnkit.topics.generative.vae_loss`
    (reconstruction plus ``beta`` times the KL divergence). ``fit`` reports the three losses.

    Args:
        encoder: a model from images to ``[mean, log_var]`` (``build_encoder(..., variational=True)``).
        decoder: a model from codes to pixel logits (:func:`build_decoder`).
        beta: weight of the KL term (1 is the ELBO).
        seed: seeds the noise of the reparameterisation trick.
    """

    def __init__(self, encoder, decoder, beta=1.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder, self.beta = encoder, decoder, beta
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("loss", "reconstruction_loss", "kl_loss")}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, images, training=False):
        """Reconstruction logits of ``images`` from their mean codes (no sampling)."""
        mean, _ = self.encoder(images, training=training)
        return self.decoder(mean, training=training)

    def compute_vae_losses(self, images, training):
        mean, log_var = self.encoder(images, training=training)
        codes = reparameterize(mean, log_var, keras.random.normal(ops.shape(mean), seed=self.seed_generator))
        return vae_loss(images, self.decoder(codes, training=training), mean, log_var, beta=self.beta)

    def train_step(self, data):
        with tf.GradientTape() as tape:
            losses = self.compute_vae_losses(data, training=True)
        gradients = tape.gradient(losses["loss"], self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        return self._track(losses)

    def test_step(self, data):
        return self._track(self.compute_vae_losses(data, training=False))

    def _track(self, losses):
        for name, tracker in self.trackers.items():
            tracker.update_state(losses[name])
        return {name: tracker.result() for name, tracker in self.trackers.items()}


