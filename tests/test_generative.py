"""cnnkit.topics.generative and cnnkit.models.autoencoder: the VAE's pieces against closed forms, the GAN
losses and step, the Fréchet distance, nearest neighbours, the model builders and the figures of
notebook 16."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from cnnkit.models.autoencoder import VAE, build_autoencoder, build_decoder, build_encoder
from cnnkit.models.dcgan import build_conditional_discriminator, build_conditional_generator
from cnnkit.topics.generative import (
    discriminator_loss,
    frechet_distance,
    gan_train_step,
    generator_loss,
    kl_divergence,
    nearest_neighbours,
    reparameterize,
    vae_loss,
)


def _normal(shape, seed, scale=1.0):
    return (scale * np.random.default_rng(seed).normal(size=shape)).astype(np.float32)


# --------------------------------------------------------------------------- the VAE's pieces
def test_kl_divergence_matches_the_closed_form_and_a_monte_carlo_estimate():
    mean, log_var = _normal((3, 2), 0), _normal((3, 2), 1)
    kl = np.asarray(kl_divergence(mean, log_var))
    assert kl.shape == (3,)
    # Closed form per dimension: log(1 / sigma) + (sigma^2 + mean^2 - 1) / 2, summed.
    sigma = np.exp(0.5 * log_var.astype(np.float64))
    np.testing.assert_allclose(kl, np.sum(np.log(1 / sigma) + (sigma**2 + mean**2 - 1) / 2, axis=1), rtol=1e-5)
    # Monte Carlo: E_q[log q(z) - log p(z)] with z drawn from q.
    z = mean[0] + sigma[0] * np.random.default_rng(2).normal(size=(200_000, 2))
    log_q = -0.5 * np.sum(((z - mean[0]) / sigma[0]) ** 2 + np.log(2 * np.pi * sigma[0] ** 2), axis=1)
    log_p = -0.5 * np.sum(z**2 + np.log(2 * np.pi), axis=1)
    assert abs(np.mean(log_q - log_p) - kl[0]) < 0.02


def test_kl_divergence_is_zero_only_at_the_prior():
    zeros = np.zeros((2, 4), np.float32)
    np.testing.assert_allclose(np.asarray(kl_divergence(zeros, zeros)), 0.0, atol=1e-7)
    assert np.all(np.asarray(kl_divergence(zeros + 0.1, zeros - 0.3)) > 0)


def test_reparameterisation_gives_the_right_distribution_and_passes_gradients():
    mean, log_var = tf.constant(_normal((1, 3), 3)), tf.constant(_normal((1, 3), 4))
    epsilon = tf.constant(_normal((1, 3), 5))
    with tf.GradientTape() as tape:
        tape.watch([mean, log_var])
        z = reparameterize(mean, log_var, epsilon)
        total = tf.reduce_sum(z)
    d_mean, d_log_var = tape.gradient(total, [mean, log_var])
    np.testing.assert_allclose(d_mean.numpy(), 1.0)
    np.testing.assert_allclose(d_log_var.numpy(), 0.5 * np.exp(0.5 * log_var.numpy()) * epsilon.numpy(), rtol=1e-5)
    draws = np.asarray(reparameterize(np.full((50_000, 1), 2.0, np.float32), np.full((50_000, 1), np.log(9.0),
                                                                                     np.float32), _normal((50_000, 1), 6)))
    assert abs(draws.mean() - 2.0) < 0.05 and abs(draws.std() - 3.0) < 0.05


def test_vae_loss_adds_the_pixel_sum_of_the_cross_entropy_and_beta_times_the_kl():
    images = np.random.default_rng(7).uniform(size=(2, 3, 3, 1)).astype(np.float32)
    logits, mean, log_var = _normal(images.shape, 8), _normal((2, 2), 9), _normal((2, 2), 10)
    losses = {key: float(value) for key, value in vae_loss(images, logits, mean, log_var, beta=0.5).items()}
    probability = 1 / (1 + np.exp(-logits.astype(np.float64)))
    cross_entropy = -(images * np.log(probability) + (1 - images) * np.log(1 - probability))
    assert losses["reconstruction_loss"] == pytest.approx(np.mean(np.sum(cross_entropy, axis=(1, 2, 3))), rel=1e-5)
    assert losses["kl_loss"] == pytest.approx(float(np.mean(kl_divergence(mean, log_var))), rel=1e-5)
    assert losses["loss"] == pytest.approx(losses["reconstruction_loss"] + 0.5 * losses["kl_loss"], rel=1e-6)


# --------------------------------------------------------------------------- the GAN
def test_gan_losses_from_logits():
    real, fake = np.array([[0.0], [2.0]], np.float32), np.array([[0.0], [-1.0]], np.float32)
    softplus = lambda x: np.log1p(np.exp(x))  # noqa: E731
    assert float(discriminator_loss(real, fake)) == pytest.approx(
        np.mean(softplus(-real)) + np.mean(softplus(fake)), rel=1e-6)
    assert float(generator_loss(fake)) == pytest.approx(np.mean(softplus(-fake)), rel=1e-6)
    # A discriminator that only guesses (logit 0) scores 2 log 2.
    assert float(discriminator_loss(np.zeros((4, 1)), np.zeros((4, 1)))) == pytest.approx(2 * np.log(2), rel=1e-6)


def test_non_saturating_generator_loss_keeps_its_gradient_when_the_discriminator_wins():
    rejected = tf.constant(-8.0)  # D is sure the fake is fake
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(rejected)
        non_saturating = generator_loss(rejected)
        minimax = -discriminator_loss(tf.constant(50.0), rejected)  # log(1 - D(G(z))), up to a constant
    assert abs(float(tape.gradient(non_saturating, rejected))) > 0.99
    assert abs(float(tape.gradient(minimax, rejected))) < 1e-3


def _tiny_gan():
    keras.utils.set_random_seed(0)
    generator = build_conditional_generator(latent_dim=4, num_classes=3, output_shape=(8, 8, 1), base_filters=4,
                                            embedding_dim=2)
    discriminator = build_conditional_discriminator(num_classes=3, input_shape=(8, 8, 1), base_filters=4)
    return generator, discriminator


def test_gan_train_step_updates_each_model_with_its_own_optimizer_only():
    generator, discriminator = _tiny_gan()
    before = {"g": [v.numpy() for v in generator.trainable_variables],
              "d": [v.numpy() for v in discriminator.trainable_variables]}
    images = tf.constant(np.random.default_rng(1).uniform(-1, 1, size=(4, 8, 8, 1)).astype(np.float32))
    labels, noise = tf.constant([0, 1, 2, 0]), tf.constant(_normal((4, 4), 2))
    g_optimizer, d_optimizer = keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1)
    losses = gan_train_step(generator, discriminator, g_optimizer, d_optimizer, images, labels, noise)
    assert set(losses) == {"discriminator_loss", "generator_loss"}
    assert all(np.isfinite(float(value)) for value in losses.values())
    assert int(g_optimizer.iterations) == 1 and int(d_optimizer.iterations) == 1
    for key, model in (("g", generator), ("d", discriminator)):
        assert any(not np.allclose(a, b.numpy()) for a, b in zip(before[key], model.trainable_variables))


# --------------------------------------------------------------------------- judging samples
def test_frechet_distance_of_a_set_with_itself_is_zero_and_grows_with_a_shift():
    features = _normal((500, 6), 11)
    assert frechet_distance(features, features) == pytest.approx(0.0, abs=1e-6)
    shifted = [frechet_distance(features + shift, features) for shift in (0.5, 1.0, 2.0)]
    # A shift of every coordinate by s adds exactly |s|^2 * d to the distance.
    np.testing.assert_allclose(shifted, [0.25 * 6, 6.0, 24.0], rtol=1e-6)
    assert frechet_distance(features * 2.0, features) > 1.0  # a wider spread counts too


def test_frechet_distance_matches_the_matrix_square_root_formula_also_for_singular_covariances():
    from scipy import linalg

    a, b = _normal((400, 5), 16), _normal((300, 5), 17, scale=1.5) + 0.3
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    expected = (np.sum((a.mean(0) - b.mean(0)) ** 2)
                + np.trace(cov_a + cov_b - 2 * np.real(linalg.sqrtm(cov_a @ cov_b))))
    assert frechet_distance(a, b) == pytest.approx(expected, rel=1e-6)
    dead = np.concatenate([a, np.zeros((400, 2), np.float32)], axis=1)  # ReLU units that never fire
    assert frechet_distance(dead, dead) == pytest.approx(0.0, abs=1e-6)
    assert np.isfinite(frechet_distance(dead, dead + 1.0))


def test_frechet_distance_rejects_mismatched_feature_sets():
    with pytest.raises(ValueError, match="same feature size"):
        frechet_distance(np.zeros((5, 3)), np.zeros((5, 4)))
    with pytest.raises(ValueError, match="n >= 2"):
        frechet_distance(np.zeros((1, 3)), np.zeros((5, 3)))


def test_nearest_neighbours_finds_copies_at_distance_zero():
    references = np.random.default_rng(12).uniform(size=(300, 4, 4)).astype(np.float32)
    queries = np.concatenate([references[[17, 250]], references[[3]] + 0.1])
    indices, distances = nearest_neighbours(queries, references, batch_size=2)
    np.testing.assert_array_equal(indices, [17, 250, 3])
    np.testing.assert_allclose(distances, [0.0, 0.0, 0.4], atol=1e-3)
    with pytest.raises(ValueError, match="same size"):
        nearest_neighbours(np.zeros((2, 5)), np.zeros((3, 6)))


# --------------------------------------------------------------------------- the models
def test_autoencoder_and_vae_shapes_and_outputs():
    autoencoder = build_autoencoder((12, 8, 1), latent_dim=5, base_filters=4, noise_stddev=0.2)
    images = np.random.default_rng(13).uniform(size=(3, 12, 8, 1)).astype(np.float32)
    assert tuple(autoencoder(images).shape) == (3, 12, 8, 1)
    # The noise layer is active in training only.
    np.testing.assert_allclose(autoencoder(images), autoencoder(images), rtol=1e-6)
    assert not np.allclose(autoencoder(images, training=True), autoencoder(images))
    mean, log_var = build_encoder((12, 8, 1), latent_dim=2, base_filters=4, variational=True)(images)
    assert tuple(mean.shape) == tuple(log_var.shape) == (3, 2)
    assert tuple(build_decoder(2, (12, 8, 1), base_filters=4)(mean).shape) == (3, 12, 8, 1)
    with pytest.raises(ValueError, match="divisible by 4"):
        build_encoder((10, 8, 1))


def test_vae_fit_lowers_its_loss_and_reports_both_terms():
    keras.utils.set_random_seed(0)
    images = np.random.default_rng(14).uniform(size=(64, 8, 8, 1)).astype(np.float32) ** 4
    vae = VAE(build_encoder((8, 8, 1), 2, base_filters=4, variational=True), build_decoder(2, (8, 8, 1), 4), seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(3e-3))
    history = vae.fit(images, batch_size=16, epochs=4, verbose=0).history
    assert set(history) == {"loss", "reconstruction_loss", "kl_loss"}
    assert history["loss"][-1] < history["loss"][0]
    np.testing.assert_allclose(np.add(history["reconstruction_loss"], history["kl_loss"]), history["loss"], rtol=1e-4)


def test_conditional_gan_models_respect_the_label():
    generator, discriminator = _tiny_gan()
    noise = np.repeat(_normal((1, 4), 15), 3, axis=0)
    images = np.asarray(generator([noise, np.array([0, 1, 2])]))
    assert images.shape == (3, 8, 8, 1) and np.abs(images).max() <= 1.0
    assert not np.allclose(images[0], images[1])  # same noise, another class, another image
    logits = np.asarray(discriminator([np.repeat(images[:1], 3, axis=0), np.array([0, 1, 2])]))
    assert logits.shape == (3, 1) and len(np.unique(logits.round(6))) == 3


