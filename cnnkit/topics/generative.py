"""What notebook 16 builds to train and judge generative models: the VAE's reparameterisation
trick, KL divergence and loss, the GAN's two losses and its training step (the notebook's
exercise solutions), and two ways to judge samples: the Fréchet distance between feature
statistics, and nearest neighbours in the training set.

Conventions: a VAE encoder gives ``mean`` and ``log_var``, the mean and the natural log of the
variance of a diagonal Gaussian, each ``(batch, latent_dim)``; decoders and discriminators give
**logits**, and every cross-entropy here is computed ``from_logits``. The loss functions use
``keras.ops``, so they take NumPy arrays and tensors alike and can sit inside a training step.
The models themselves are in :mod:`cnnkit.models.autoencoder`.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf
from keras import ops


def reparameterize(mean, log_var, epsilon):
    """Draw codes z ~ N(mean, exp(log_var)) as a differentiable function of mean and log_var.

    z = mean + sigma * epsilon, with sigma = exp(log_var / 2) the standard deviation and
    epsilon ~ N(0, I) drawn by the caller: the randomness sits in epsilon, so gradients reach
    mean and log_var.

    Args:
        mean: means, shape (batch, latent_dim).
        log_var: natural logs of the variances, same shape.
        epsilon: standard normal noise, same shape.

    Returns:
        Codes z, shape (batch, latent_dim).
    """
    standard_deviation = ops.exp(0.5 * log_var)
    return mean + standard_deviation * epsilon


def kl_divergence(mean, log_var):
    """KL divergence from N(mean, exp(log_var)) to the prior N(0, I), per example.

    For a diagonal Gaussian the closed form is, summed over the latent dimensions,
    KL = -1/2 * sum(1 + log_var - mean**2 - exp(log_var)). It is never negative, and 0 only
    when mean = 0 and log_var = 0.

    Args:
        mean: means, shape (batch, latent_dim).
        log_var: natural logs of the variances, same shape.

    Returns:
        The KL divergence of each example, in nats, shape (batch,).
    """
    return -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1)


def vae_loss(images, reconstruction_logits, mean, log_var, beta=1.0):
    """The VAE's loss, the negative ELBO: reconstruction + beta * KL, averaged over the batch.

    The reconstruction term is the binary cross-entropy between the images and the decoder's
    logits, **summed** over the pixels of an image (the log-likelihood of the whole image),
    then averaged over the batch; the KL term is :func:`kl_divergence` averaged over the batch.

    Args:
        images: targets in [0, 1], shape (batch, height, width, channels).
        reconstruction_logits: the decoder's logits, same shape.
        mean, log_var: the encoder's outputs, each (batch, latent_dim).
        beta: weight of the KL term; 1 gives the ELBO.

    Returns:
        ``{"loss": ..., "reconstruction_loss": ..., "kl_loss": ...}``, three scalars in nats
        per image, with loss = reconstruction_loss + beta * kl_loss.
    """
    images = ops.cast(images, "float32")
    per_pixel = ops.binary_crossentropy(images, reconstruction_logits, from_logits=True)
    pixel_axes = tuple(range(1, len(per_pixel.shape)))
    reconstruction = ops.mean(ops.sum(per_pixel, axis=pixel_axes))
    kl = ops.mean(kl_divergence(mean, log_var))
    return {"loss": reconstruction + beta * kl, "reconstruction_loss": reconstruction, "kl_loss": kl}


def discriminator_loss(real_logits, fake_logits):
    """The discriminator's loss: real images should score 1, generated ones 0.

    The mean binary cross-entropy of the real images' logits against 1, plus the mean
    binary cross-entropy of the fakes' logits against 0, both computed from logits.

    Args:
        real_logits: the discriminator's logits on real images, shape (batch, 1) or (batch,).
        fake_logits: its logits on generated images, shape (batch, 1) or (batch,).

    Returns:
        A scalar.
    """
    real_loss = ops.mean(ops.binary_crossentropy(ops.ones_like(real_logits), real_logits, from_logits=True))
    fake_loss = ops.mean(ops.binary_crossentropy(ops.zeros_like(fake_logits), fake_logits, from_logits=True))
    return real_loss + fake_loss


def generator_loss(fake_logits):
    """The generator's non-saturating loss: -log D(G(z)), i.e. make the fakes score 1.

    The mean binary cross-entropy of the fakes' logits against 1, computed from logits. Its
    gradient stays large when the discriminator confidently rejects the fakes, unlike the
    original minimax loss log(1 - D(G(z))), which saturates there.

    Args:
        fake_logits: the discriminator's logits on generated images, shape (batch, 1) or (batch,).

    Returns:
        A scalar.
    """
    return ops.mean(ops.binary_crossentropy(ops.ones_like(fake_logits), fake_logits, from_logits=True))


def gan_train_step(generator, discriminator, generator_optimizer, discriminator_optimizer, real_images, labels,
                   noise):
    """One training step of a class-conditional GAN: first the discriminator, then the generator.

    1. The generator draws fakes from ``noise`` and ``labels``. The discriminator scores the
       real and the fake images (with their labels); the gradient of :func:`discriminator_loss`
       with respect to the **discriminator's** weights updates them, with ``discriminator_optimizer``.
    2. The generator draws the fakes again from the same ``noise``, the **updated**
       discriminator scores them, and the gradient of :func:`generator_loss` with respect to
       the **generator's** weights updates them, with ``generator_optimizer``.

    Both models run in training mode. Each step changes only its own model's weights.

    Args:
        generator: a ``keras.Model`` from ``[noise, labels]`` to images.
        discriminator: a ``keras.Model`` from ``[images, labels]`` to logits (batch, 1).
        generator_optimizer, discriminator_optimizer: one ``keras.optimizers.Optimizer`` each.
        real_images: a batch of real images, (batch, height, width, channels), scaled like
            the generator's output.
        labels: their classes, integers, shape (batch,); the fakes are drawn for the same classes.
        noise: the generator's input noise, (batch, latent_dim).

    Returns:
        ``{"discriminator_loss": ..., "generator_loss": ...}``: each loss as computed in its
        own step, before that step's update.
    """
    fake_images = generator([noise, labels], training=True)
    with tf.GradientTape() as tape:
        real_logits = discriminator([real_images, labels], training=True)
        fake_logits = discriminator([fake_images, labels], training=True)
        d_loss = discriminator_loss(real_logits, fake_logits)
    gradients = tape.gradient(d_loss, discriminator.trainable_variables)
    discriminator_optimizer.apply_gradients(zip(gradients, discriminator.trainable_variables))

    with tf.GradientTape() as tape:
        fake_images = generator([noise, labels], training=True)
        g_loss = generator_loss(discriminator([fake_images, labels], training=True))
    gradients = tape.gradient(g_loss, generator.trainable_variables)
    generator_optimizer.apply_gradients(zip(gradients, generator.trainable_variables))
    return {"discriminator_loss": d_loss, "generator_loss": g_loss}


def frechet_distance(features, reference_features):
    """Fréchet distance between Gaussians fitted to two sets of feature vectors.

    d^2 = |mu_1 - mu_2|^2 + trace(S_1 + S_2 - 2 (S_1 S_2)^(1/2)), with mu and S the mean and the
    covariance of each set. Computed on the features of an Inception network it is the FID
    (Heusel et al., 2017); notebook 16 uses a Fashion-MNIST classifier's features instead. 0 means
    the two Gaussians are the same; the value depends on the sample sizes, so compare sets of
    equal size.

    Args:
        features: (n, d) array, one feature vector per image, n >= 2.
        reference_features: (m, d) array, m >= 2.

    Returns:
        The squared distance, a float >= 0 in squared feature units.
    """
    sets = [np.asarray(features, np.float64), np.asarray(reference_features, np.float64)]
    for name, values in zip(("features", "reference_features"), sets):
        if values.ndim != 2 or len(values) < 2:
            raise ValueError(f"{name} must have shape (n, d) with n >= 2, got {values.shape}.")
    if sets[0].shape[1] != sets[1].shape[1]:
        raise ValueError(f"Both sets need the same feature size, got {sets[0].shape[1]} and {sets[1].shape[1]}.")
    (mean_a, mean_b), (cov_a, cov_b) = [s.mean(axis=0) for s in sets], [np.cov(s, rowvar=False) for s in sets]
    # trace((S_a S_b)^(1/2)) is the sum of the square roots of the eigenvalues of S_a S_b, which are real
    # and >= 0 for two covariance matrices (up to rounding), even when a covariance is singular.
    eigenvalues = np.linalg.eigvals(cov_a @ cov_b)
    trace_root = np.sum(np.sqrt(np.clip(eigenvalues.real, 0.0, None)))
    distance = np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2.0 * trace_root
    return max(float(distance), 0.0)  # rounding can leave a tiny negative for identical sets


def nearest_neighbours(queries, references, batch_size=256):
    """For each query image, the closest reference image in pixel space (Euclidean distance).

    Used to check a generative model against memorisation: a sample that is a copy of a training
    image sits much closer to it than held-out real images sit to their nearest training image.

    Args:
        queries: (n, ...) images, any shape after the first axis.
        references: (m, ...) images of the same shape and scale.
        batch_size: queries compared at a time (memory: batch_size * m floats).

    Returns:
        (indices, distances): the index in ``references`` of each query's nearest neighbour and
        the distance to it, both of shape (n,).
    """
    queries = np.asarray(queries, np.float32).reshape(len(queries), -1)
    references = np.asarray(references, np.float32).reshape(len(references), -1)
    if queries.shape[1] != references.shape[1]:
        raise ValueError(f"queries and references must have images of the same size, got {queries.shape[1]} "
                         f"and {references.shape[1]} values per image.")
    reference_norms = np.sum(references**2, axis=1)
    indices, distances = [], []
    for start in range(0, len(queries), batch_size):
        chunk = queries[start:start + batch_size]
        # |q - r|^2 = |q|^2 - 2 q.r + |r|^2, for all pairs at once
        squared = np.sum(chunk**2, axis=1, keepdims=True) - 2.0 * chunk @ references.T + reference_norms
        nearest = np.argmin(squared, axis=1)
        indices.append(nearest)
        distances.append(np.sqrt(np.maximum(squared[np.arange(len(chunk)), nearest], 0.0)))
    return np.concatenate(indices), np.concatenate(distances)
