"""Checks for notebook 16, generative models: the VAE's pieces and the GAN's losses and step.

Oracles are independent of the learner's code: the closed forms written out in NumPy in
float64 (the Gaussian KL per dimension as log(1/sigma) + (sigma^2 + mean^2 - 1) / 2, the binary
cross-entropy of a logit as a softplus), and for the GAN step a reference step run by the checker
with ``tf.GradientTape`` on its own copies of two tiny models. Wrong answers are compared with
what known mistakes give (a flipped sign, the variance used as a standard deviation, probabilities
fed to a from-logits loss, one model's step moving the other model's weights...) to name the cause.

``gan_train_step`` needs Keras models and optimisers, which are not plain data: the module-level
harnesses below build them from plain arguments next to the learner's code, call it, and return
plain data (losses and weights).
"""

from __future__ import annotations

import functools

import numpy as np

from cnnkit.grading.assertions import as_array, as_number, call, call_with, describe, difference, fail
from cnnkit.grading.core import EXERCISES, ExerciseFailure, exercise

NOTEBOOK = "16_generative_models"

PROBABILITIES_TO_LOGITS_LOSS = (
    "These are probabilities fed to a from-logits loss: the values are logits already, so apply no sigmoid "
    "before a cross-entropy computed with from_logits=True (it applies the sigmoid itself).")
LOGITS_TO_PROBABILITY_LOSS = (
    "These are logits fed to a loss that expects probabilities: pass from_logits=True to the cross-entropy "
    "(keras.ops.binary_crossentropy(target, logits, from_logits=True)).")
USE_KERAS_OPS = ("Use keras.ops (ops.exp, ops.sum...) rather than NumPy or float(): gradients must flow "
                 "through your function.")


# --------------------------------------------------------------------------- NumPy references
def _softplus(x):
    return np.logaddexp(0.0, x)


def _bce_from_logits(targets, logits):
    """Binary cross-entropy per element: -t log sigmoid(l) - (1 - t) log(1 - sigmoid(l))."""
    return targets * _softplus(-logits) + (1.0 - targets) * _softplus(logits)


def _bce_of_probabilities(targets, values):
    """What a probability-expecting cross-entropy makes of ``values``: clipped to [1e-7, 1 - 1e-7] and
    computed in float32, as Keras does (1 - 1e-7 rounds differently in float64)."""
    t, v = np.float32(targets), np.float32(values)
    p = np.clip(v, np.float32(1e-7), np.float32(1) - np.float32(1e-7))
    return -(t * np.log(p) + (np.float32(1) - t) * np.log(np.float32(1) - p)).astype(np.float64)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _kl(mean, log_var):
    """KL(N(mean, sigma^2) || N(0, 1)) per dimension, summed over the last axis."""
    sigma = np.exp(0.5 * log_var)
    return np.sum(np.log(1.0 / sigma) + (sigma**2 + mean**2 - 1.0) / 2.0, axis=-1)


def _random(rng, shape, scale=1.0):
    return (scale * rng.normal(size=shape)).astype(np.float32)


def _close(a, b, atol=1e-4):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return a.shape == b.shape and bool(np.all(np.isfinite(a))) and np.allclose(a, b, rtol=1e-4, atol=atol)


def _matches(value, candidates):
    """The hint of the first candidate (expected value, hint) that ``value`` equals, or None."""
    with np.errstate(all="ignore"):
        return next((hint for expected, hint in candidates if _close(value, expected)), None)


def _helpers_first(func, names):
    """Fail naming the first exercise ``func`` relies on that does not pass its own check."""
    for name in names:
        helper = getattr(func, "__globals__", {}).get(name)
        if callable(helper) and helper is not func:
            try:
                EXERCISES[name].checker(helper)
            except (ExerciseFailure, NotImplementedError):
                raise ExerciseFailure(f"{func.__name__} uses your {name}, which does not pass its check yet: "
                                      f"fix {name} first.") from None


def _numpy(value):
    """Tensors, arrays and numbers, inside lists, tuples and dicts, as NumPy arrays (plain data)."""
    if isinstance(value, dict):
        return {key: _numpy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_numpy(item) for item in value)
    if value is None or isinstance(value, str):
        return value
    try:
        return np.asarray(value)
    except Exception:  # noqa: BLE001 - not convertible: describe it instead
        return describe(value)


# --------------------------------------------------------------------------- reparameterize
def reparameterize_gradients(reparameterize, mean, log_var, epsilon):
    """Harness: the gradients of sum(reparameterize(...)) with respect to mean and log_var.

    Returns ``{"z": array, "d_mean": array or None, "d_log_var": array or None}``."""
    import tensorflow as tf

    mean, log_var = tf.constant(mean), tf.constant(log_var)
    with tf.GradientTape() as tape:
        tape.watch([mean, log_var])
        z = reparameterize(mean, log_var, tf.constant(epsilon))
        total = tf.reduce_sum(tf.cast(z, tf.float32))
    d_mean, d_log_var = tape.gradient(total, [mean, log_var])
    return {"z": _numpy(z), "d_mean": None if d_mean is None else d_mean.numpy(),
            "d_log_var": None if d_log_var is None else d_log_var.numpy()}


def _reparameterize_hint(z, mean, log_var, epsilon):
    return _matches(z, [
        (mean + np.exp(log_var) * epsilon,
         "exp(log_var) is the variance; the standard deviation is its square root, exp(log_var / 2)."),
        (mean + log_var * epsilon,
         "log_var is the log of the variance, not the standard deviation: sigma = exp(log_var / 2)."),
        (mean + np.exp(log_var / 2.0),
         "Multiply the standard deviation by epsilon: z = mean + exp(log_var / 2) * epsilon."),
        (np.exp(log_var / 2.0) * epsilon, "Add the mean: z = mean + exp(log_var / 2) * epsilon."),
        (mean * np.exp(log_var / 2.0) * epsilon, "The mean is added, not multiplied: z = mean + sigma * epsilon."),
    ]) or "z = mean + exp(log_var / 2) * epsilon."


@exercise(NOTEBOOK)
def check_reparameterize(reparameterize):
    rng = np.random.default_rng(16)
    cases = [(_random(rng, (4, 3)), _random(rng, (4, 3)), _random(rng, (4, 3))),
             (np.zeros((2, 2), np.float32), np.zeros((2, 2), np.float32), _random(rng, (2, 2))),
             (_random(rng, (3, 5), 2.0), _random(rng, (3, 5), 2.0), _random(rng, (3, 5)))]
    for mean, log_var, epsilon in cases:
        text = f"reparameterize(mean, log_var, epsilon of shape {mean.shape})"
        z = as_array(call(reparameterize, mean, log_var, epsilon), text)
        expected = mean + np.exp(0.5 * log_var.astype(np.float64)) * epsilon
        if z.shape != expected.shape:
            fail(text, f"returned an array of shape {z.shape}, expected {expected.shape}, like mean.",
                 "Combine the arrays elementwise; reduce nothing.")
        if not _close(z, expected):
            again = as_array(call(reparameterize, mean, log_var, epsilon), text)
            if not _close(z, again, atol=1e-6):
                fail(text, "returned different values for the same arguments.",
                     "Use the epsilon you are given instead of drawing new noise: the caller draws it.")
            fail(text, "is wrong: " + difference(z, expected), _reparameterize_hint(z, mean, log_var, epsilon))
    mean, log_var, epsilon = cases[0]
    text = "the gradient of sum(reparameterize(mean, log_var, epsilon)) with respect to mean and log_var"
    gradients = call_with(reparameterize_gradients, reparameterize, mean, log_var, epsilon)
    expected = {"d_mean": np.ones_like(mean), "d_log_var": 0.5 * np.exp(0.5 * log_var) * epsilon}
    for name, wanted in expected.items():
        if gradients[name] is None or not np.any(gradients[name]):
            fail(text, f"does not reach {name[2:]}.", USE_KERAS_OPS)
        if not _close(gradients[name], wanted):
            fail(text, f"is wrong for {name[2:]}: " + difference(np.asarray(gradients[name], np.float64), wanted),
                 "Compute z from mean, log_var and epsilon with keras.ops only; stop no gradient.")


# --------------------------------------------------------------------------- kl_divergence
def _kl_hint(value, mean, log_var):
    m, v = mean.astype(np.float64), log_var.astype(np.float64)
    terms = 1.0 + v - m**2 - np.exp(v)
    return _matches(value, [
        (0.5 * np.sum(terms, axis=-1),
         "The sign is flipped: KL = -0.5 * sum(1 + log_var - mean**2 - exp(log_var)), which is never negative."),
        (-np.sum(terms, axis=-1), "The factor is -1/2: KL = -0.5 * sum(1 + log_var - mean**2 - exp(log_var))."),
        (-0.5 * np.mean(terms, axis=-1),
         "Sum over the latent dimensions (each adds its own KL); do not average over them."),
        (-0.5 * np.sum(1.0 + v - m**2 - v, axis=-1),
         "log_var is a log: the variance is exp(log_var), so the last term is exp(log_var), not log_var."),
        (-0.5 * np.sum(1.0 + np.log(v**2) - m**2 - v**2, axis=-1),
         "log_var was treated as a standard deviation: it is the log of the variance, so the variance is "
         "exp(log_var) and its log is log_var itself."),
        (-0.5 * np.sum(1.0 + 2 * v - m**2 - np.exp(2 * v), axis=-1),
         "log_var was treated as the log of the standard deviation: it is the log of the variance, so the "
         "formula uses log_var and exp(log_var) as they are."),
    ]) or "KL = -0.5 * sum over the latent axis of (1 + log_var - mean**2 - exp(log_var))."


@exercise(NOTEBOOK)
def check_kl_divergence(kl_divergence):
    rng = np.random.default_rng(17)
    cases = [("random", _random(rng, (5, 3)), _random(rng, (5, 3))),
             ("the prior itself (mean 0, log_var 0)", np.zeros((3, 4), np.float32), np.zeros((3, 4), np.float32)),
             ("random, one latent dimension", _random(rng, (2, 1), 2.0), _random(rng, (2, 1), 2.0)),
             ("random, large variances", _random(rng, (4, 6)), np.abs(_random(rng, (4, 6), 2.0)))]
    for what, mean, log_var in cases:
        text = f"kl_divergence({what}: mean and log_var of shape {mean.shape})"
        value = as_array(call(kl_divergence, mean, log_var), text)
        expected = _kl(mean.astype(np.float64), log_var.astype(np.float64))
        if value.shape != expected.shape:
            if value.size == 1:
                hint = "Return one value per example: sum over the latent axis only (axis=-1), not over the batch."
            elif value.shape == mean.shape:
                hint = "Sum over the latent dimensions (axis=-1): the KL of an example adds those of its dimensions."
            else:
                hint = "Sum over the last axis only."
            fail(text, f"returned an array of shape {value.shape}, expected {expected.shape}: one KL per example.",
                 hint)
        if not np.all(np.isfinite(value)):
            fail(text, "returned NaN or infinity.",
                 "log_var is a log already: the formula takes no log of it (the log of 0 or of a negative number "
                 "is -inf or NaN). KL = -0.5 * sum(1 + log_var - mean**2 - exp(log_var)).")
        if not _close(value, expected):
            fail(text, "is wrong: " + difference(value, expected), _kl_hint(value, mean, log_var))


# --------------------------------------------------------------------------- vae_loss
def _vae_case(seed, batch, beta):
    rng = np.random.default_rng(seed)
    images = rng.uniform(size=(batch, 4, 5, 1)).astype(np.float32)
    images[0, 0] = 0.0  # black and white pixels too, as in Fashion-MNIST
    images[-1, -1] = 1.0
    logits = _random(rng, images.shape, 2.0)
    mean, log_var = _random(rng, (batch, 2)), _random(rng, (batch, 2))
    return images, logits, mean, log_var, beta


def _vae_expected(images, logits, mean, log_var, beta):
    t, z = images.astype(np.float64), logits.astype(np.float64)
    reconstruction = float(np.mean(np.sum(_bce_from_logits(t, z), axis=(1, 2, 3))))
    kl = float(np.mean(_kl(mean.astype(np.float64), log_var.astype(np.float64))))
    return {"loss": reconstruction + beta * kl, "reconstruction_loss": reconstruction, "kl_loss": kl}


def _reconstruction_hint(value, images, logits):
    t, z = images.astype(np.float64), logits.astype(np.float64)
    per_image = lambda values: float(np.mean(np.sum(values, axis=(1, 2, 3))))  # noqa: E731
    return _matches(value, [
        (float(np.mean(_bce_from_logits(t, z))),
         "Sum the cross-entropy over the pixels of each image, then average over the batch. Averaged over the "
         "pixels too, the reconstruction term shrinks by the number of pixels and the KL term swamps it: "
         "blurry reconstructions, and samples that all look alike."),
        (float(np.sum(_bce_from_logits(t, z))), "Average over the batch (after summing over the pixels)."),
        (per_image(_bce_from_logits(t, _sigmoid(z))), PROBABILITIES_TO_LOGITS_LOSS),
        (per_image(_bce_of_probabilities(t, z)), LOGITS_TO_PROBABILITY_LOSS),
        (per_image(_bce_from_logits(z, t)),
         "The arguments are swapped: binary_crossentropy(target, output) takes the images first, then the logits."),
        (per_image((t - _sigmoid(z)) ** 2),
         "Use the binary cross-entropy of the images under the decoder's logits, not a squared error."),
    ]) or "reconstruction_loss = mean over the batch of the sum over pixels of binary_crossentropy(images, logits)."


@exercise(NOTEBOOK, uses=("kl_divergence",))
def check_vae_loss(vae_loss):
    for seed, batch, beta in [(18, 3, 1.0), (19, 4, 0.25)]:
        images, logits, mean, log_var, beta = _vae_case(seed, batch, beta)
        text = (f"vae_loss(images of shape {images.shape}, reconstruction_logits, mean and log_var of shape "
                f"{mean.shape}, beta={beta})")
        result = call(vae_loss, images, logits, mean, log_var, beta=beta)
        keys = ("loss", "reconstruction_loss", "kl_loss")
        if not isinstance(result, dict) or not set(keys) <= set(result):
            fail(text, f"returned {describe(result)}.",
                 'Return a dict with the keys "loss", "reconstruction_loss" and "kl_loss".')
        got = {key: as_number(result[key], f"{text}[{key!r}]", "Average over the batch: each term is one number.")
               for key in keys}
        expected = _vae_expected(images, logits, mean, log_var, beta)
        if not _close(got["reconstruction_loss"], expected["reconstruction_loss"]):
            fail(text, f'["reconstruction_loss"] is {got["reconstruction_loss"]:.6g}, expected '
                       f'{expected["reconstruction_loss"]:.6g}.',
                 _reconstruction_hint(got["reconstruction_loss"], images, logits))
        if not _close(got["kl_loss"], expected["kl_loss"]):
            _helpers_first(vae_loss, ["kl_divergence"])
            kl_sum = float(np.sum(_kl(mean.astype(np.float64), log_var.astype(np.float64))))
            hint = ("Average the KL over the batch, like the reconstruction term." if _close(got["kl_loss"], kl_sum)
                    else "kl_loss = mean over the batch of kl_divergence(mean, log_var).")
            fail(text, f'["kl_loss"] is {got["kl_loss"]:.6g}, expected {expected["kl_loss"]:.6g}.', hint)
        if not _close(got["loss"], expected["loss"]):
            r, k = expected["reconstruction_loss"], expected["kl_loss"]
            hint = _matches(got["loss"], [
                (r + k, "Multiply the KL term by beta: loss = reconstruction_loss + beta * kl_loss."),
                (beta * r + k, "beta weighs the KL term, not the reconstruction: loss = reconstruction + beta * kl."),
                (r - beta * k, "Add the KL term: the loss is the negative ELBO, reconstruction + beta * kl."),
            ]) or "loss = reconstruction_loss + beta * kl_loss."
            fail(text, f'["loss"] is {got["loss"]:.6g}, expected {expected["loss"]:.6g}.', hint)


# --------------------------------------------------------------------------- the GAN's losses
def _loss_value(func, text, *args):
    return as_number(call(func, *args), text, "Average over the batch: the loss is one number.")


def _gan_logits(rng):
    """(real, fake) logit cases: a column, a flat vector, and unequal batch sizes."""
    return [(_random(rng, (6, 1), 3.0), _random(rng, (6, 1), 3.0)),
            (_random(rng, (5,), 2.0), _random(rng, (5,), 2.0)),
            (_random(rng, (4, 1), 3.0), _random(rng, (7, 1), 3.0))]


@exercise(NOTEBOOK)
def check_discriminator_loss(discriminator_loss):
    rng = np.random.default_rng(20)
    for real, fake in _gan_logits(rng):
        text = f"discriminator_loss(real_logits of shape {real.shape}, fake_logits of shape {fake.shape})"
        value = _loss_value(discriminator_loss, text, real, fake)
        r, f = real.astype(np.float64), fake.astype(np.float64)
        expected = float(np.mean(_softplus(-r)) + np.mean(_softplus(f)))
        if _close(value, expected):
            continue
        ones, zeros = np.ones_like(r), np.zeros_like(f)
        hint = _matches(value, [
            (float(np.mean(_softplus(r)) + np.mean(_softplus(-f))),
             "The labels are swapped: real images are labelled 1 and generated ones 0."),
            (float(np.mean(_bce_from_logits(ones, _sigmoid(r))) + np.mean(_bce_from_logits(zeros, _sigmoid(f)))),
             PROBABILITIES_TO_LOGITS_LOSS),
            (float(np.mean(_bce_of_probabilities(ones, r)) + np.mean(_bce_of_probabilities(zeros, f))),
             LOGITS_TO_PROBABILITY_LOSS),
            (0.5 * expected, "Add the two means (real + fake); do not average them."),
            (float(np.mean(np.concatenate([_softplus(-r).ravel(), _softplus(f).ravel()]))),
             "Take the mean over the real images plus the mean over the fakes, rather than one mean over both."),
            (float(np.mean(_softplus(-r))), "The fakes' term is missing: add the cross-entropy of fake_logits against 0."),
            (float(np.mean(_softplus(f))), "The real images' term is missing: add the cross-entropy of real_logits "
                                           "against 1."),
        ]) or "loss = mean BCE(1, real_logits) + mean BCE(0, fake_logits), from logits."
        fail(text, f"returned {value:.6g}, expected {expected:.6g}.", hint)


@exercise(NOTEBOOK)
def check_generator_loss(generator_loss):
    rng = np.random.default_rng(21)
    for _, fake in _gan_logits(rng):
        text = f"generator_loss(fake_logits of shape {fake.shape})"
        value = _loss_value(generator_loss, text, fake)
        f = fake.astype(np.float64)
        expected = float(np.mean(_softplus(-f)))
        if _close(value, expected):
            continue
        hint = _matches(value, [
            (float(-np.mean(_softplus(f))),
             "That is the saturating minimax loss log(1 - D(G(z))): when the discriminator confidently rejects "
             "the fakes its gradient vanishes. Use the non-saturating loss -log D(G(z)): the cross-entropy of "
             "fake_logits against 1."),
            (float(np.mean(_softplus(f))),
             "The generator wants its fakes judged real: compare fake_logits with ones, not zeros."),
            (float(np.mean(_bce_from_logits(np.ones_like(f), _sigmoid(f)))), PROBABILITIES_TO_LOGITS_LOSS),
            (float(np.mean(_bce_of_probabilities(np.ones_like(f), f))), LOGITS_TO_PROBABILITY_LOSS),
        ]) or "loss = mean BCE(1, fake_logits), from logits."
        fail(text, f"returned {value:.6g}, expected {expected:.6g}.", hint)


# --------------------------------------------------------------------------- gan_train_step
_GAN = {"latent_dim": 3, "num_classes": 3, "shape": (8, 8, 1), "base_filters": 2, "batch": 4}
_LEARNING_RATES = {"generator": 0.05, "discriminator": 0.2}
_STEP_CALL = ("gan_train_step(generator, discriminator, SGD(0.05), SGD(0.2), real_images of shape (4, 8, 8, 1), "
              "labels of shape (4,), noise of shape (4, 3))")


def _gan_models():
    """Two tiny conditional models: the notebook's builders, for 8x8 images and 3 classes."""
    from cnnkit.models.dcgan import build_conditional_discriminator, build_conditional_generator

    generator = build_conditional_generator(_GAN["latent_dim"], _GAN["num_classes"], _GAN["shape"],
                                            _GAN["base_filters"], embedding_dim=2)
    discriminator = build_conditional_discriminator(_GAN["num_classes"], _GAN["shape"], _GAN["base_filters"])
    return generator, discriminator


def _gan_step_data(seed, models):
    """One GAN step's inputs, all drawn by NumPy from ``seed`` (the same in every process): a batch,
    its labels and noise, and weights for both ``models`` (a generator and a discriminator built by
    :func:`_gan_models`), in ``model.weights`` order."""
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    generator, discriminator = models

    def weights(model):
        # Trainable weights of about 0.5 make every mistake show in the numbers. The others are batch
        # norm's moving means and variances: drawn from [0.5, 1.5], so that a variance stays positive and
        # a step that wrongly runs in inference mode gives clearly different numbers.
        return [_random(rng, v.shape, 0.5) if v.trainable else rng.uniform(0.5, 1.5, v.shape).astype(np.float32)
                for v in model.weights]

    batch = _GAN["batch"]
    return {"real_images": tf.constant(rng.uniform(-1, 1, size=(batch, *_GAN["shape"])).astype(np.float32)),
            "labels": tf.constant(rng.integers(0, _GAN["num_classes"], size=batch).astype(np.int32)),
            "noise": tf.constant(_random(rng, (batch, _GAN["latent_dim"]))),
            "generator_weights": weights(generator), "discriminator_weights": weights(discriminator)}


@functools.lru_cache(maxsize=1)
def _reference_models():
    """The checker's own pair of models, built once and reset before every reference step."""
    return _gan_models()


def _models_with(data, models):
    generator, discriminator = models
    generator.set_weights(data["generator_weights"])
    discriminator.set_weights(data["discriminator_weights"])
    return generator, discriminator


def _trainable(model):
    return [np.asarray(variable.numpy()) for variable in model.trainable_variables]


def gan_step_harness(gan_train_step, seed):
    """Harness: build the step's inputs from ``seed``, two tiny models and one SGD optimiser each;
    run the learner's step once.

    Returns ``{"returned": what the step returned (as arrays), "generator": [its trainable weights
    after the step], "discriminator": [...]}``."""
    import keras

    models = _gan_models()
    data = _gan_step_data(seed, models)
    generator, discriminator = _models_with(data, models)
    try:
        returned = gan_train_step(generator, discriminator, keras.optimizers.SGD(_LEARNING_RATES["generator"]),
                                  keras.optimizers.SGD(_LEARNING_RATES["discriminator"]), data["real_images"],
                                  data["labels"], data["noise"])
    except (NotImplementedError, ExerciseFailure):
        raise
    except Exception as error:  # Keras' messages can hold whole tensors: keep their first line
        fail(_STEP_CALL, f"raised {type(error).__name__}: {str(error).strip().splitlines()[0][:300]}")
    return {"returned": _numpy(returned), "generator": _trainable(generator),
            "discriminator": _trainable(discriminator)}


def _reference_step(data, mistake=None):
    """The checker's own GAN step, on its own models reset to the data's weights. ``mistake`` reproduces
    a known wrong step (a key of ``_STEP_MISTAKES``); ``"no update"`` returns the weights as they were.

    Returns ``{"discriminator_loss", "generator_loss", "generator", "discriminator"}``."""
    import keras
    import tensorflow as tf
    from keras import ops

    generator, discriminator = _models_with(data, _reference_models())
    rates = dict(_LEARNING_RATES)
    if mistake == "optimizers swapped":
        rates = {"generator": rates["discriminator"], "discriminator": rates["generator"]}
    g_optimizer, d_optimizer = keras.optimizers.SGD(rates["generator"]), keras.optimizers.SGD(rates["discriminator"])
    training = mistake != "inference mode"
    # tf.sigmoid, not ops.sigmoid: Keras spots the latter before a from-logits loss and undoes it.
    as_scores = tf.sigmoid if mistake == "probabilities" else (lambda logits: logits)
    images, labels, noise = data["real_images"], data["labels"], data["noise"]

    def bce(target, logits):
        return ops.mean(ops.binary_crossentropy(target, as_scores(logits), from_logits=True))

    def score(some_images):
        return discriminator([some_images, labels], training=training)

    g_vars, d_vars = generator.trainable_variables, discriminator.trainable_variables
    d_step_vars = d_vars + g_vars if mistake == "discriminator step moves the generator" else d_vars
    g_step_vars = g_vars + d_vars if mistake == "generator step moves the discriminator" else g_vars
    if mistake == "no update":
        return {"generator": _trainable(generator), "discriminator": _trainable(discriminator)}
    with tf.GradientTape(persistent=True) as tape:
        fakes = generator([noise, labels], training=training)
        real_logits, fake_logits = score(images), score(fakes)
        d_loss = bce(ops.ones_like(real_logits), real_logits) + bce(ops.zeros_like(fake_logits), fake_logits)
        stale_g_loss = bce(ops.ones_like(fake_logits), fake_logits)
    d_gradients = tape.gradient(d_loss, d_step_vars)
    stale_g_gradients = tape.gradient(stale_g_loss, g_vars)
    d_optimizer.apply_gradients(zip(d_gradients, d_step_vars))
    if mistake == "stale discriminator":
        g_loss, g_gradients = stale_g_loss, stale_g_gradients
    else:
        with tf.GradientTape() as tape:
            g_loss = bce(ops.ones_like(fake_logits), score(generator([noise, labels], training=training)))
        g_gradients = tape.gradient(g_loss, g_step_vars)
    if mistake != "generator never updated":
        g_optimizer.apply_gradients(zip(g_gradients, g_step_vars))
    return {"discriminator_loss": float(d_loss), "generator_loss": float(g_loss),
            "generator": _trainable(generator), "discriminator": _trainable(discriminator)}


_STEP_MISTAKES = {
    "optimizers swapped": ("Each model has its own optimiser: discriminator_optimizer updates the discriminator, "
                           "generator_optimizer the generator."),
    "generator step moves the discriminator": (
        "The discriminator's weights changed in the generator's step: take the gradient of the generator loss "
        "with respect to generator.trainable_variables only, so that the generator cannot win by making the "
        "discriminator worse."),
    "discriminator step moves the generator": (
        "The generator's weights changed in the discriminator's step: take the gradient of the discriminator "
        "loss with respect to discriminator.trainable_variables only."),
    "stale discriminator": ("The generator step must score the fakes with the updated discriminator: finish the "
                            "discriminator's update first, then run the generator's forward pass in a new tape."),
    "inference mode": "Call both models with training=True in both steps (batch normalisation depends on it).",
    "probabilities": PROBABILITIES_TO_LOGITS_LOSS,
    "generator never updated": ("The generator did not learn: apply the gradients of the generator loss with "
                                "generator_optimizer.apply_gradients."),
}


def _same_weights(a, b):
    return len(a) == len(b) and all(x.shape == y.shape and np.allclose(x, y, rtol=1e-4, atol=1e-6)
                                    for x, y in zip(a, b))


def _what_differs(right):
    wrong = [name.replace("_", " ") if name.endswith("loss") else f"the {name}'s updated weights"
             for name, ok in right.items() if not ok]
    return f"{' and '.join(wrong)} differ from those of a correct step."


@exercise(NOTEBOOK, uses=("discriminator_loss", "generator_loss"))
def check_gan_train_step(gan_train_step):
    seed, text = 22, _STEP_CALL
    data = _gan_step_data(seed, _reference_models())

    def run():
        return call_with(gan_step_harness, gan_train_step, seed)

    result = run()
    returned = result["returned"]
    keys = ("discriminator_loss", "generator_loss")
    if not isinstance(returned, dict) or not set(keys) <= set(returned):
        fail(text, f"returned {describe(returned)}.",
             'Return {"discriminator_loss": d_loss, "generator_loss": g_loss}.')
    losses = {key: as_number(returned[key], f"{text}[{key!r}]", "Return each loss as one number.") for key in keys}

    def agrees(reference):
        return {"discriminator_loss": _close(losses["discriminator_loss"], reference["discriminator_loss"]),
                "generator_loss": _close(losses["generator_loss"], reference["generator_loss"]),
                "generator": _same_weights(result["generator"], reference["generator"]),
                "discriminator": _same_weights(result["discriminator"], reference["discriminator"])}

    right = agrees(_reference_step(data))
    if all(right.values()):
        return
    _helpers_first(gan_train_step, ["discriminator_loss", "generator_loss"])
    for mistake, hint in _STEP_MISTAKES.items():
        if all(agrees(_reference_step(data, mistake)).values()):
            fail(text, _what_differs(right), hint)
    again = run()
    if not (_same_weights(again["generator"], result["generator"])
            and _same_weights(again["discriminator"], result["discriminator"])):
        fail(text, "gave different results for the same arguments.",
             "Use the noise you are given, in both steps, instead of drawing new noise: the caller draws it.")
    unchanged = _reference_step(data, "no update")
    for model in ("discriminator", "generator"):
        if _same_weights(result[model], unchanged[model]):
            fail(text, f"the {model}'s weights did not change.",
                 f"Apply the gradients of the {model} loss with {model}_optimizer.apply_gradients.")
    fail(text, _what_differs(right),
         "First the discriminator: d_loss from the real and fake logits, its gradients with respect to "
         "discriminator.trainable_variables, discriminator_optimizer. Then the generator: fakes again from the "
         "same noise, g_loss from the updated discriminator, gradients with respect to "
         "generator.trainable_variables, generator_optimizer.")
