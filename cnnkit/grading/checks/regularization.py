"""Checks for notebook 06, regularisation and augmentation.

Oracles: what Keras' random layers do in and out of training, the order of examples that
``tf.data`` hands out (labels are the example numbers, so a shuffle after batching or a frozen
cache shows), an augmenter stand-in that adds a known offset only when ``training=True``, and
the L2 penalty in closed form (``weight_decay * sum of squared kernels``).
"""

from __future__ import annotations

import numpy as np

from cnnkit.grading.assertions import as_array, call, call_with, describe, difference, fail, same_values
from cnnkit.grading.core import exercise
from cnnkit.grading.model_checks import activation_name, build, layers_of, logits, probabilities

NOTEBOOK = "06_regularization_and_augmentation"


def _largest(factor) -> float:
    """The largest magnitude in a Keras factor given as a number or a (low, high) pair."""
    values = factor if isinstance(factor, (tuple, list)) else (factor,)
    return max(abs(float(value)) for value in values)


@exercise(NOTEBOOK)
def check_build_augmenter(build_augmenter):
    import keras

    x = np.random.default_rng(0).random((8, 28, 28, 1)).astype(np.float32)
    factors = dict(rotation=0.1, translation=0.15, zoom=0.2, contrast=0.3)
    augmenter, text = build(build_augmenter, flip=True, seed=1, **factors,
                            _hint="Keras' factors are fractions: RandomRotation's factor is a fraction of a full turn, not degrees.")
    still = np.asarray(call(augmenter, x, training=False))
    if still.shape != x.shape or not np.allclose(still, x, atol=1e-6):
        fail(text, "the augmenter changed the images with training=False.",
             "At inference the images must pass unchanged: use Keras' Random* layers, which act only in training.")
    moved = np.asarray(call(augmenter, x, training=True))
    if moved.shape != x.shape:
        fail(text, f"with training=True the output has shape {moved.shape}, expected {x.shape}.")
    if np.allclose(moved, x):
        fail(text, "with training=True the images did not change.", "Add the random layers to the model you return.")
    flips = layers_of(augmenter, keras.layers.RandomFlip)
    if len(flips) != 1:
        fail(text, f"found {len(flips)} RandomFlip layers, expected 1.")
    if flips[0].mode != "horizontal":
        fail(text, f"RandomFlip has mode={flips[0].mode!r}.",
             "Flip horizontally only: a garment upside down never appears among the test images.")
    expected_layers = [(keras.layers.RandomRotation, "factor", "rotation"),
                       (keras.layers.RandomTranslation, "height_factor", "translation"),
                       (keras.layers.RandomTranslation, "width_factor", "translation"),
                       (keras.layers.RandomZoom, "height_factor", "zoom"),
                       (keras.layers.RandomContrast, "factor", "contrast")]
    for kind, attribute, argument in expected_layers:
        found = layers_of(augmenter, kind)
        if len(found) != 1:
            fail(text, f"found {len(found)} {kind.__name__} layers, expected 1.",
                 f"Use keras.layers.{kind.__name__} for `{argument}`.")
        value = _largest(getattr(found[0], attribute))
        if np.isclose(value, factors[argument] * 360):
            fail(text, f"{kind.__name__} has {attribute}={value:g}.",
                 "RandomRotation's factor is a fraction of a full turn, not degrees: pass `rotation` as it is.")
        if not np.isclose(value, factors[argument]):
            fail(text, f"{kind.__name__} has {attribute}={value:g}, expected {factors[argument]:g}.",
                 f"Pass the argument `{argument}` to the layer.")
    strong, text = build(build_augmenter, flip=False, rotation=0, translation=0, zoom=0, contrast=0.9, seed=1)
    moved = np.asarray(call(strong, x, training=True))
    if moved.min() < -1e-5 or moved.max() > 1 + 1e-5:
        fail(text, f"augmented values range from {moved.min():.3g} to {moved.max():.3g}, expected [0, 1].",
             "RandomContrast assumes pixels in [0, 255] unless you pass value_range=(0, 1).")
    plain, text = build(build_augmenter, flip=False, rotation=0, translation=0, zoom=0, contrast=0)
    random_layers = [layer.__class__.__name__ for layer in layers_of(plain, keras.layers.Layer)
                     if layer.__class__.__name__.startswith("Random")]
    if random_layers:
        fail(text, f"the augmenter still has {random_layers}.", "A factor of 0 (or flip=False) leaves that layer out.")


def _dataset_chain(dataset) -> list[str]:
    """Class names of the transformations of a ``tf.data.Dataset``, outermost (last applied) first."""
    names = []
    while dataset is not None:
        names.append(type(dataset).__name__.lstrip("_").removesuffix("Dataset").lower())
        dataset = getattr(dataset, "_input_dataset", None)
    return names


def dataset_record(make_dataset, epochs, fake_augment, *args, **kwargs):
    """Harness: call ``make_dataset`` (with :func:`_fake_augmenter` as ``augment`` when
    ``fake_augment``) and record what the dataset is: ``{"chain": transformations, outermost
    first, "epochs": the elements of each of ``epochs`` passes}``, or a description of what came
    back instead of a ``tf.data.Dataset``."""
    import tensorflow as tf

    if fake_augment:
        kwargs["augment"] = _fake_augmenter()
    dataset = make_dataset(*args, **kwargs)
    if not isinstance(dataset, tf.data.Dataset):
        return describe(dataset)
    return {"chain": _dataset_chain(dataset), "epochs": [list(dataset) for _ in range(epochs)]}


def _made(make_dataset, text, *args, epochs=1, fake_augment=False, **kwargs):
    """The record of the dataset the learner's ``make_dataset`` makes (see :func:`dataset_record`)."""
    record = call_with(dataset_record, make_dataset, epochs, fake_augment, *args, _shown=text, **kwargs)
    if not isinstance(record, dict):
        fail(text, f"returned {record}, expected a tf.data.Dataset.")
    return record


def _epoch(elements, text, labelled=True):
    """One pass over a dataset of (images, labels): lists of image batches and label batches."""
    images, labels = [], []
    for element in elements:
        if labelled:
            if not isinstance(element, tuple) or len(element) != 2:
                fail(text, f"yields {describe(element)}, expected (images, labels) batches.")
            images.append(np.asarray(element[0]))
            labels.append(np.asarray(element[1]))
        else:
            images.append(np.asarray(element))
    return images, labels


def _fake_augmenter():
    """Stands in for an augmenter: adds 100 plus a fresh random offset in [0, 1), in training only.
    Its generator keeps state across epochs, as Keras' random layers do, whatever the global seed."""
    import tensorflow as tf

    generator = tf.random.Generator.from_non_deterministic_state()

    def augment(images, training=False):
        return images + 100.0 + generator.uniform([]) if training else images

    return augment


@exercise(NOTEBOOK)
def check_make_dataset(make_dataset):
    n = 20
    y = np.arange(n)
    pattern = 0.001 * np.arange(16).reshape(1, 4, 4, 1)   # so that moving pixels shows
    x = (y[:, None, None, None] + pattern).astype(np.float32)  # image i: i plus the pattern, x[i, 0, 0, 0] == i

    text = "make_dataset(x, y, batch_size=8, augment=None, shuffle=False)"
    record = _made(make_dataset, text, x, y, 8, augment=None, shuffle=False)
    images, labels = _epoch(record["epochs"][0], text)
    if [len(batch) for batch in labels] != [8, 8, 4]:
        fail(text, f"gave batches of {[len(batch) for batch in labels]} examples, expected [8, 8, 4].",
             "Batch with .batch(batch_size) and keep the last, smaller batch.")
    if not np.array_equal(np.concatenate(labels), y):
        fail(text, "changed the order of the examples with shuffle=False.",
             "Shuffle only when shuffle=True: validation and test data keep their order.")
    if not np.array_equal(np.concatenate(images), x):
        fail(text, "changed the images although augment=None.",
             "With augment=None the images must come out unchanged: validation and test data are never augmented.")
    chain = record["chain"]
    if "cache" not in chain:
        fail(text, f"the pipeline is {' <- '.join(chain)}, with no cache.",
             "Call .cache() right after from_tensor_slices, so that each epoch reads the examples from memory.")
    if chain[0] != "prefetch":
        fail(text, f"the last step of the pipeline is {chain[0]!r}.",
             "End with .prefetch(tf.data.AUTOTUNE) so the next batch is ready while the model trains.")

    text = "make_dataset(x, y, batch_size=4, shuffle=True, seed=0)"
    record = _made(make_dataset, text, x, y, 4, epochs=2, shuffle=True, seed=0)
    epochs = [_epoch(elements, text) for elements in record["epochs"]]
    for images, labels in epochs:
        order = np.concatenate(labels)
        if sorted(order.tolist()) != y.tolist():
            fail(text, "an epoch does not hold every example exactly once.")
        if not np.array_equal(np.round(np.concatenate(images)[:, 0, 0, 0]), order):
            fail(text, "images and labels no longer match.", "Shuffle (x, y) pairs together, before batching.")
        if np.array_equal(order, y):
            fail(text, "the order of the examples did not change with shuffle=True.")
        if all(np.array_equal(np.sort(batch), np.arange(batch.min(), batch.min() + 4)) and batch.min() % 4 == 0
               for batch in labels):
            fail(text, "every batch holds the same 4 consecutive examples as without shuffling.",
                 "You shuffled after batching: only the order of the batches changes. Shuffle before .batch().")
    if np.array_equal(np.concatenate(epochs[0][1]), np.concatenate(epochs[1][1])):
        fail(text, "two epochs gave the examples in the same order.",
             "Cache before shuffling: a cache after the shuffle replays the first epoch's order every epoch.")

    text = "make_dataset(x, y, batch_size=8, augment=augmenter, shuffle=False)"
    record = _made(make_dataset, text, x, y, 8, epochs=2, fake_augment=True, shuffle=False)
    epochs = [_epoch(elements, text) for elements in record["epochs"]]
    for images, labels in epochs:
        offsets = np.concatenate(images)[:, 0, 0, 0] - np.concatenate(labels)
        if np.allclose(offsets, 0):
            fail(text, "the images came out unchanged.",
                 "Call augment(images, training=True): Keras' random layers do nothing outside training.")
        if not np.all((offsets >= 100) & (offsets < 101)):
            fail(text, "the images are not augment(images, training=True) of the right batch.",
                 "Map augment over the image batches only, and leave the labels as they are.")
    if np.allclose(np.concatenate(epochs[0][0]), np.concatenate(epochs[1][0])):
        fail(text, "two epochs gave identical augmented images.",
             "Cache before augmenting: a cache after the map replays the same random changes every epoch.")

    text = "make_dataset(x, None, batch_size=8)"
    images, _ = _epoch(_made(make_dataset, text, x, None, 8)["epochs"][0], text, labelled=False)
    if not all(isinstance(batch, np.ndarray) and batch.ndim == 4 for batch in images):
        fail(text, "with y=None the batches should be image tensors alone.")


def _l2_of_kernels(model, weight_decay, with_biases=False):
    import keras

    layers = layers_of(model, keras.layers.Conv2D) + layers_of(model, keras.layers.Dense)
    total = sum(float(np.sum(np.square(layer.kernel.numpy()))) for layer in layers)
    if with_biases:
        total += sum(float(np.sum(np.square(layer.bias.numpy()))) for layer in layers if layer.bias is not None)
    return weight_decay * total


@exercise(NOTEBOOK)
def check_build_regularized_cnn(build_regularized_cnn):
    import keras

    shape, classes = (28, 28, 1), 10
    model, text = build(build_regularized_cnn, shape, classes)
    logits(model, shape, classes, text)
    probabilities(build_regularized_cnn, shape, classes, input_shape=shape)
    expected = (3 * 3 * 1 * 16 + 16) + (3 * 3 * 16 * 32 + 32) + (7 * 7 * 32 * 128 + 128) + (128 * classes + classes)
    if model.count_params() != expected:
        fail(text, f"the model has {model.count_params():,} parameters, expected {expected:,}.",
             "Two stages of Conv2D 3x3 'same' (16, then 32 filters) + ReLU + MaxPooling2D(2), then Flatten, "
             "Dense(128, ReLU) and Dense(num_classes).")
    if layers_of(model, keras.layers.Dropout) or layers_of(model, keras.layers.BatchNormalization) or model.losses:
        fail(text, "the model has dropout, batch normalisation or a weight penalty by default.",
             "With the default arguments, add none of them.")

    model, text = build(build_regularized_cnn, shape, classes, dropout=0.5)
    x, first = logits(model, shape, classes, text, batch=4)
    dropouts = layers_of(model, keras.layers.Dropout)
    if not dropouts or any(not np.isclose(layer.rate, 0.5) for layer in dropouts):
        fail(text, f"Dropout rates are {[layer.rate for layer in dropouts]}, expected 0.5 each.",
             "Add keras.layers.Dropout(dropout) after Flatten and after the Dense(128) layer.")
    again, plain_calls = np.asarray(model(x, training=False)), [np.asarray(model(x)) for _ in range(2)]
    if not all(np.allclose(first, other, atol=1e-6) for other in [again] + plain_calls):
        fail(text, "predicting the same images twice, with model(x) or model(x, training=False), gives different "
                   "outputs: dropout is active at inference.",
             "Do not pass training=True to Dropout: Keras turns it on in fit and off in predict and evaluate.")
    if np.allclose(np.asarray(model(x, training=True)), first, atol=1e-6):
        fail(text, "with training=True the outputs equal the inference outputs.", "Dropout must act in training.")

    model, text = build(build_regularized_cnn, shape, classes, batch_norm=True)
    logits(model, shape, classes, text)
    norms, convs = layers_of(model, keras.layers.BatchNormalization), layers_of(model, keras.layers.Conv2D)
    if len(norms) != 2:
        fail(text, f"found {len(norms)} BatchNormalization layers, expected 2.",
             "Put one after each convolution, before its ReLU.")
    for conv, norm in zip(convs, norms):
        if norm.input is not conv.output or activation_name(conv) != "linear":
            fail(text, f"{norm.name} does not take the output of {conv.name} before any activation.",
                 "The order is Conv2D (no activation) -> BatchNormalization -> ReLU: batch norm goes between "
                 "the convolution and its ReLU.")
    biased = [conv.name for conv in convs if conv.use_bias]
    if biased:
        fail(text, f"the convolutions {biased} have a bias although batch normalisation follows them.",
             "A convolution followed by batch norm needs no bias: use use_bias=not batch_norm (batch norm's "
             "beta shifts each channel, and the bias would be subtracted away with the mean).")

    model, text = build(build_regularized_cnn, shape, classes, weight_decay=1e-3)
    logits(model, shape, classes, text)
    rng = np.random.default_rng(0)  # non-zero biases, so that a penalty on them shows
    model.set_weights([rng.normal(size=weight.shape) * 0.1 for weight in model.get_weights()])
    penalty = float(sum(float(np.asarray(loss)) for loss in model.losses))
    expected = _l2_of_kernels(model, 1e-3)
    if not np.isclose(penalty, expected, rtol=1e-4):
        if not model.losses:
            hint = "Add kernel_regularizer=keras.regularizers.L2(weight_decay) to every Conv2D and Dense layer."
        elif np.isclose(penalty, _l2_of_kernels(model, 1e-3, with_biases=True), rtol=1e-4):
            hint = "Decay the kernels only: biases are not regularised."
        else:
            hint = "Every Conv2D and Dense layer needs kernel_regularizer=keras.regularizers.L2(weight_decay)."
        fail(text, f"the weight penalty (sum of model.losses) is {penalty:.6g}, expected {expected:.6g}.", hint)

    augmenter = keras.Sequential([keras.layers.RandomFlip("horizontal")], name="test_augmenter")
    model, text = build(build_regularized_cnn, shape, classes, augmenter=augmenter)
    logits(model, shape, classes, text)
    if not any(layer.name == augmenter.name for layer in model.layers):  # the model crossed as a copy
        fail(text, "the augmenter passed in is not part of the model.", "Apply it to the inputs first: x = augmenter(inputs).")


# ------------------------------------------------------------------ dropout_forward
def dropout_with_seed(dropout_forward, x, rate, training, seed):
    """Harness: call ``dropout_forward(x, rate, training, rng)`` with ``rng =
    np.random.default_rng(seed)`` (a generator cannot cross as plain data) and say whether the
    call drew from it: ``{"out": what came back, "rng_used": bool}``."""
    rng = np.random.default_rng(seed)
    before = rng.bit_generator.state
    out = dropout_forward(x, rate, training, rng)
    return {"out": out, "rng_used": rng.bit_generator.state != before}


def _dropped(dropout_forward, x, rate, training, seed):
    """``(out as a float array, whether rng was drawn from, the call's text)`` for one call."""
    text = f"dropout_forward(x={describe(x)}, rate={rate}, training={training}, rng=np.random.default_rng({seed}))"
    record = call_with(dropout_with_seed, dropout_forward, x, rate, training, seed, _shown=text)
    out = as_array(record["out"], text)
    if out.shape != x.shape:
        fail(text, f"returned shape {out.shape}, expected {x.shape}.", "Return an array shaped like x.")
    if not np.all(np.isfinite(out)):
        fail(text, "returned NaN or infinite values.")
    return out, record["rng_used"], text


@exercise(NOTEBOOK)
def check_dropout_forward(dropout_forward):
    rng = np.random.default_rng(61)
    x = rng.normal(size=(6, 50)) + 2.0
    for rate in (0.3, 0.5):
        out, _, text = _dropped(dropout_forward, x, rate, False, seed=0)
        if not np.allclose(out, x, atol=1e-12):
            if np.allclose(out, x / (1 - rate)):
                hint = ("At inference return x itself: inverted dropout already scaled the survivors up in "
                        "training, so nothing is scaled at inference.")
            elif np.any(out == 0):
                hint = "With training=False nothing is dropped: return x unchanged."
            else:
                hint = "At inference dropout is the identity: return x unchanged."
            fail(text, "changed x at inference.", hint)

    rate, seed = 0.3, 1
    ones = np.ones((400, 500))
    out, used, text = _dropped(dropout_forward, ones, rate, True, seed)
    dropped = float(np.mean(out == 0))
    survivors = out[out != 0]
    masks = out != 0
    if 0 < dropped < 1 and np.all(masks == masks[:1]):
        fail(text, "every example (row) lost the same entries.",
             "Draw a mask for the whole array, rng.random(x.shape), not one of x.shape[1:] shared by the batch: "
             "each example must get its own mask.")
    if 0 < dropped < 1 and np.all(masks == masks[:, :1]):
        fail(text, "each example was kept or dropped as a whole.",
             "Draw one random number per entry, rng.random(x.shape), not one per example.")
    if abs(dropped - (1 - rate)) < 0.02:
        fail(text, f"dropped {dropped:.1%} of the entries, expected about {rate:.0%}.",
             "`rate` is the fraction of entries to DROP (Keras' meaning), not the fraction to keep: keep an entry "
             "with probability 1 - rate.")
    if abs(dropped - rate) > 0.02:
        fail(text, f"dropped {dropped:.1%} of the entries, expected about {rate:.0%}.",
             "Zero each entry with probability rate, e.g. keep = rng.random(x.shape) >= rate.")
    if survivors.size and np.allclose(survivors, 1.0):
        fail(text, f"the kept entries are unchanged, so the mean output is {out.mean():.3f} instead of 1.",
             "Inverted dropout scales the survivors by 1 / (1 - rate), so that each entry keeps its expected value "
             "and nothing needs scaling at inference.")
    if survivors.size and np.allclose(survivors, 1 / rate):
        fail(text, f"the kept entries are {1 / rate:.4g} times x, so the mean output is {out.mean():.3f} instead of 1.",
             "Divide the survivors by the keep probability, 1 - rate, not by rate.")
    if not np.allclose(survivors, 1 / (1 - rate)):
        fail(text, f"kept entries range from {survivors.min():.4g} to {survivors.max():.4g}, expected each to be "
                   f"x / (1 - rate) = {1 / (1 - rate):.4g}.",
             "Each entry is either 0 or x / (1 - rate).")
    if abs(out.mean() - 1) > 0.02:
        fail(text, f"the mean output is {out.mean():.3f}, expected about 1: the expectation of x is not kept.")

    again, used_again, _ = _dropped(dropout_forward, ones, rate, True, seed)
    other, _, _ = _dropped(dropout_forward, ones, rate, True, seed + 1)
    from_rng = ("Draw the mask with the generator passed in, rng.random(x.shape), not with np.random or a new "
                "generator, so that the same seed drops the same entries.")
    if not (used and used_again):
        fail(text, "never drew a random number from rng.", from_rng)
    if not np.array_equal(out, again):
        fail(text, "two calls with the same seed dropped different entries.", from_rng)
    if np.array_equal(out, other):
        fail(text, "dropped the same entries for two different seeds.", "Draw the mask from rng on every call.")

    out, _, text = _dropped(dropout_forward, x, 0.5, True, seed=2)
    if not np.all(np.isclose(out, 0) | np.isclose(out, 2 * x)):
        fail(text, "some entries are neither 0 nor x / (1 - rate).",
             "Multiply x by the mask and divide by 1 - rate; do not draw new values.")


# ------------------------------------------------------------------ batchnorm_forward
def keras_batchnorm(x, gamma, beta, running_mean, running_var, training, momentum, eps):
    """The oracle: ``(out, moving_mean, moving_variance)`` of ``keras.layers.BatchNormalization``
    (float64) called once on ``x``, starting from the given weights."""
    import keras

    layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=eps, dtype="float64")
    layer.build(x.shape)
    layer.set_weights([gamma, beta, running_mean, running_var])
    out = keras.ops.convert_to_numpy(layer(x, training=training))
    return out, keras.ops.convert_to_numpy(layer.moving_mean), keras.ops.convert_to_numpy(layer.moving_variance)


def _batchnorm_variant(x, gamma, beta, running_mean, running_var, training, momentum, eps, axes=None, ddof=0,
                       eps_outside=False, swapped=False, batch_stats=None, update=None):
    """A known mistake's answer, to name the cause of a wrong one: statistics over other ``axes``,
    the unbiased variance (``ddof=1``), eps added after the square root, the momentum's roles
    swapped, ``batch_stats`` forced on or off, the running statistics updated or not (``update``)."""
    axes = tuple(range(x.ndim - 1)) if axes is None else axes
    batch_stats = training if batch_stats is None else batch_stats
    update = training if update is None else update
    shape = [1] * x.ndim
    shape[-1] = -1
    mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, ddof=ddof, keepdims=True)
    if not batch_stats:
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
    scale = np.sqrt(var) + eps if eps_outside else np.sqrt(var + eps)
    out = gamma * (x - mean) / scale + beta
    keep = 1 - momentum if swapped else momentum
    batch_mean, batch_var = x.mean(axis=tuple(range(x.ndim - 1))), x.var(axis=tuple(range(x.ndim - 1)), ddof=ddof)
    new_mean = keep * running_mean + (1 - keep) * batch_mean if update else running_mean
    new_var = keep * running_var + (1 - keep) * batch_var if update else running_var
    return out, new_mean, new_var


_BATCHNORM_HINTS = [  # (the mistake as _batchnorm_variant arguments, which output shows it, hint)
    (dict(batch_stats=True), "out",
     "At inference (training=False) normalise with running_mean and running_var: a single test image has no "
     "batch to take statistics from, and its prediction must not depend on the other images."),
    (dict(batch_stats=False), "out",
     "In training normalise with this batch's mean and variance; the running statistics are for inference."),
    (dict(axes=(0,)), "out",
     "Take the statistics over every axis but the last: axes (0, 1, 2) for (m, n_H, n_W, n_C), one mean and one "
     "variance per channel."),
    (dict(eps_outside=True), "out", "Add eps to the variance inside the square root: (x - mean) / np.sqrt(var + eps)."),
    (dict(ddof=1), "out",
     "Use the biased variance, x.var(axis=...) with NumPy's default ddof=0 (divide by the count), as Keras does."),
    (dict(ddof=1), "new_running_var",
     "Keras updates the moving variance with the biased batch variance (divided by the count, np.var's default "
     "ddof=0), not the unbiased one (ddof=1, PyTorch's choice)."),
    (dict(swapped=True), "new_running_mean",
     "The momentum is the share of the OLD statistics kept: new = momentum * old + (1 - momentum) * batch."),
    (dict(swapped=True), "new_running_var",
     "The momentum is the share of the OLD statistics kept: new = momentum * old + (1 - momentum) * batch."),
    (dict(update=False), "new_running_mean",
     "In training, update the running statistics: new = momentum * old + (1 - momentum) * batch statistic."),
    (dict(update=True), "new_running_mean",
     "At inference return the running statistics unchanged: only training updates them."),
]
_BATCHNORM_OUTPUTS = ("out", "new_running_mean", "new_running_var")


def _batchnorm_hint(name, got, case):
    """The hint of the known mistake whose answer ``got`` (output ``name``) matches, if any."""
    for mistake, output, hint in _BATCHNORM_HINTS:
        if output == name:
            variant = _batchnorm_variant(*case, **mistake)[_BATCHNORM_OUTPUTS.index(name)]
            if got.shape == variant.shape and same_values(got, variant, atol=1e-8):
                return hint
    if name == "out":
        return "out = gamma * (x - mean) / np.sqrt(var + eps) + beta, with gamma and beta per channel."
    return "new = momentum * old + (1 - momentum) * batch statistic in training; the old value at inference."


@exercise(NOTEBOOK)
def check_batchnorm_forward(batchnorm_forward):
    rng = np.random.default_rng(62)
    cases = []
    # Channels with very different means and spreads (one tiny, where eps matters), running statistics far
    # from the batch's, and momenta whose roles cannot be confused unnoticed.
    for shape, momentum, eps in (((4, 3, 3, 3), 0.9, 1e-3), ((5, 4), 0.99, 1e-3), ((2, 4, 3, 3), 0.8, 0.05)):
        channels = shape[-1]
        x = rng.normal(size=shape) * np.geomspace(0.05, 3.0, channels) + rng.uniform(-2, 4, channels)
        gamma, beta = rng.uniform(0.5, 2.0, channels), rng.normal(size=channels)
        running_mean, running_var = rng.normal(size=channels), rng.uniform(0.5, 2.0, channels)
        for training in (True, False):
            cases.append((x, gamma, beta, running_mean, running_var, training, momentum, eps))
    for case in cases:
        x, gamma, beta, running_mean, running_var, training, momentum, eps = case
        text = (f"batchnorm_forward(x={describe(x)}, gamma, beta, running_mean, running_var, training={training}, "
                f"momentum={momentum}, eps={eps})")
        result = call(batchnorm_forward, *case)
        if not isinstance(result, (tuple, list)) or len(result) != 3:
            fail(text, f"returned {describe(result)}.", "Return the tuple (out, new_running_mean, new_running_var).")
        expected = keras_batchnorm(*case)
        for name, value, theirs in zip(_BATCHNORM_OUTPUTS, result, expected):
            got = as_array(value, f"{text}, {name}")
            if got.shape != theirs.shape:
                hint = ("The running statistics have one value per channel, shape (n_C,): average over every axis "
                        "but the last." if name != "out" else "out has the shape of x.")
                fail(text, f"{name} has shape {got.shape}, expected {theirs.shape}.", hint)
            if not same_values(got, theirs):
                fail(text, f"{name} differs from keras.layers.BatchNormalization's: {difference(got, theirs)}",
                     _batchnorm_hint(name, got, case))
