"""Checks for notebook 06, regularisation and augmentation.

Oracles: what Keras' random layers do in and out of training, the order of examples that
``tf.data`` hands out (labels are the example numbers, so a shuffle after batching or a frozen
cache shows), an augmenter stand-in that adds a known offset only when ``training=True``, and
the L2 penalty in closed form (``weight_decay * sum of squared kernels``).
"""

from __future__ import annotations

import numpy as np

from cnnkit.grading.assertions import call, call_with, describe, fail
from cnnkit.grading.core import exercise
from cnnkit.grading.oracles import activation_name, build, layers_of, logits, probabilities

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
