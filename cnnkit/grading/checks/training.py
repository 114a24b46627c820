"""Checks for notebook 05, training CNNs.

Oracles are Keras itself: the optimiser classes for ``make_optimizer``, ``train_on_batch`` on a
copy of the same model with the same weights for ``train_step``, and ``model.fit`` on such a
copy for ``train_loop``. A spy on the optimiser sees which gradients the learner's code applies,
so that a step that never applies them, or applies ``None`` gradients from a forward pass run
outside the tape, is named as such.
"""

from __future__ import annotations

import numpy as np

from cnnkit.grading.assertions import call, call_with, describe, fail
from cnnkit.grading.core import exercise

NOTEBOOK = "05_training_cnns"


@exercise(NOTEBOOK)
def check_make_optimizer(make_optimizer):
    import keras

    expected = {"sgd": (keras.optimizers.SGD, 0.0), "momentum": (keras.optimizers.SGD, 0.9),
                "rmsprop": (keras.optimizers.RMSprop, None), "adam": (keras.optimizers.Adam, None)}
    for name, (kind, momentum) in expected.items():
        for learning_rate in (0.01, 0.003):
            text = f"make_optimizer({name!r}, {learning_rate})"
            optimizer = call(make_optimizer, name, learning_rate)
            if not isinstance(optimizer, kind):
                fail(text, f"returned {describe(optimizer)}, expected a keras.optimizers.{kind.__name__}.")
            rate = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
            if not np.isclose(rate, learning_rate):
                fail(text, f"the optimiser's learning rate is {rate:g}, expected {learning_rate:g}.",
                     "Pass learning_rate=learning_rate to the optimiser; otherwise it keeps its default.")
            if momentum is not None and not np.isclose(optimizer.momentum, momentum):
                hint = ("SGD with momentum needs momentum=0.9." if momentum else
                        "Plain SGD has no momentum: keep the default momentum=0.")
                fail(text, f"momentum is {optimizer.momentum:g}, expected {momentum:g}.", hint)
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=10, decay_rate=0.5)
    call(make_optimizer, "adam", schedule,
         _hint="learning_rate may also be a schedule: pass it on to the optimiser as it is.")
    try:
        result = make_optimizer("adagrad", 0.01)
    except ValueError as error:
        if "sgd" not in str(error):
            fail("make_optimizer('adagrad', 0.01)", f"raised ValueError({str(error)!r}).",
                 "Name the accepted values in the message: 'sgd', 'momentum', 'rmsprop', 'adam'.")
        return
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001 - any other type is the learner's bug to name
        fail("make_optimizer('adagrad', 0.01)", f"raised {type(error).__name__}: {error}.",
             "Raise a ValueError that lists the accepted names.")
    fail("make_optimizer('adagrad', 0.01)", f"returned {describe(result)} for an unknown name.",
         "Raise a ValueError that lists the accepted names instead of guessing.")


def _small_model(seed, batch_norm):
    import keras

    keras.utils.set_random_seed(seed)
    layers = [keras.Input((6, 6, 1)), keras.layers.Conv2D(2, 3)]
    if batch_norm:
        layers.append(keras.layers.BatchNormalization())
    layers += [keras.layers.ReLU(), keras.layers.Flatten(), keras.layers.Dense(3)]
    return keras.Sequential(layers)


def _copy(model):
    import keras

    twin = keras.models.clone_model(model)
    twin.set_weights(model.get_weights())
    return twin


def _spy_on(optimizer):
    """Record the gradients that reach ``optimizer`` (``apply_gradients`` goes through ``apply``)."""
    seen = []
    original = optimizer.apply

    def apply(grads, trainable_variables=None):
        seen.append(list(grads))
        return original(grads, trainable_variables)

    optimizer.apply = apply
    return seen


def _max_gap(got, weights):
    """The largest difference between two lists of weight arrays; infinite when they do not match
    or hold NaN or infinity (so that ``gap > tolerance`` catches them)."""
    if len(got) != len(weights) or any(np.shape(a) != np.shape(b) for a, b in zip(got, weights)):
        return float("inf")
    gaps = [float(np.max(np.abs(np.asarray(a, np.float64) - b), initial=0.0)) for a, b in zip(got, weights)]
    return max(gaps) if all(np.isfinite(gaps)) else float("inf")


_TRAINING_MODE = ("Call the model with training=True inside the step: layers such as BatchNormalization and "
                  "Dropout behave differently in training.")
_OUTSIDE_TAPE = ("The forward pass and the loss must run inside `with tf.GradientTape() as tape:`: the tape "
                 "only records what happens inside it, so computed outside, the loss has no gradients.")


def _model_with(weights):
    model = _small_model(0, batch_norm=True)
    model.set_weights(weights)
    return model


def run_train_step(train_step, weights, x, y):
    """Harness: one ``train_step`` on the small batch-norm model with ``weights``, SGD(0.1) and the
    from-logits loss. Returns the loss, the weights after the step and which gradients reached
    the optimiser: ``"never"``, ``"all None"``, ``"some None"`` or ``"applied"`` (a crash after
    all-None gradients is reported as ``"all None"``)."""
    import keras

    model = _model_with(weights)
    optimizer = keras.optimizers.SGD(0.1)
    seen = _spy_on(optimizer)
    try:
        loss = train_step(model, optimizer, keras.losses.SparseCategoricalCrossentropy(from_logits=True), x, y)
    except Exception:
        if seen and all(g is None for g in seen[0]):
            return {"loss": None, "weights": [], "gradients": "all None"}
        raise
    gradients = ("never" if not seen else "all None" if all(g is None for g in seen[0])
                 else "some None" if any(g is None for g in seen[0]) else "applied")
    return {"loss": loss, "weights": model.get_weights(), "gradients": gradients}


def run_train_loop(train_loop, weights, x, y, epochs):
    """Harness: ``train_loop`` on the small model without batch norm, with ``weights``, a dataset of
    (x, y) in batches of 8 in a fixed order, Adam(0.01) and the from-logits loss. Returns the
    history (or a description of what came back instead of a dict) and the trained weights."""
    import keras
    import tensorflow as tf

    model = _small_model(1, batch_norm=False)
    model.set_weights(weights)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    history = train_loop(model, dataset, epochs, keras.optimizers.Adam(0.01),
                         keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return {"history": history if isinstance(history, dict) else describe(history), "weights": model.get_weights()}


@exercise(NOTEBOOK)
def check_train_step(train_step):
    import keras

    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 6, 6, 1)).astype(np.float32)
    y = rng.integers(0, 3, size=8)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model = _small_model(0, batch_norm=True)
    initial = model.get_weights()
    oracle = _copy(model)
    oracle.compile(keras.optimizers.SGD(0.1), loss_fn)
    expected_loss = float(oracle.train_on_batch(x, y))
    text = "train_step(model, SGD(0.1), loss_fn, x of shape (8, 6, 6, 1), y of shape (8,))"

    outcome = call_with(run_train_step, train_step, initial, x, y, _shown=text)
    if outcome["gradients"] == "all None":
        fail(text, "the gradients it applied are all None.", _OUTSIDE_TAPE)
    if outcome["gradients"] == "never":
        fail(text, "the weights did not change: the optimiser never received gradients.",
             "Call optimizer.apply_gradients(zip(gradients, model.trainable_variables)).")
    if outcome["gradients"] == "some None":
        fail(text, "some of the gradients it applied are None.", _OUTSIDE_TAPE)
    loss = outcome["loss"]
    if loss is None:
        fail(text, "returned None.", "Return the batch's loss.")
    value = float(np.asarray(loss, dtype=np.float64).reshape(-1)[0]) if np.size(loss) == 1 else float("nan")
    if not np.isclose(value, expected_loss, rtol=1e-4, atol=1e-5):
        logits = _model_with(initial)(x, training=True)
        as_probabilities = float(keras.losses.SparseCategoricalCrossentropy()(y, logits))
        in_inference = float(loss_fn(y, _model_with(initial)(x, training=False)))
        if np.isclose(value, as_probabilities, rtol=1e-4):
            hint = ("That is the loss of logits fed to a loss that expects probabilities: use the loss_fn "
                    "you are given (it has from_logits=True) instead of your own.")
        elif np.isclose(value, in_inference, rtol=1e-4):
            hint = _TRAINING_MODE
        else:
            hint = "Return loss_fn(y, logits) computed in the forward pass, before the update."
        fail(text, f"returned the loss {value:.6g}, expected {expected_loss:.6g}.", hint)
    gap = _max_gap(outcome["weights"], oracle.get_weights())
    if gap > 1e-4:
        fail(text, f"after the step the weights differ from Keras' train_on_batch by up to {gap:.3g}.",
             "Differentiate the loss with respect to model.trainable_variables and apply those gradients once.")


@exercise(NOTEBOOK, uses=("train_step",))
def check_train_loop(train_loop):
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 6, 6, 1)).astype(np.float32)
    y = rng.integers(0, 3, size=32)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)  # 4 equal batches, fixed order
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    epochs = 3
    model = _small_model(1, batch_norm=False)
    oracles = {}
    for n in (1, epochs):
        oracles[n] = _copy(model)
        oracles[n].compile(keras.optimizers.Adam(0.01), loss_fn)
        oracles[n].history_of_fit = oracles[n].fit(dataset, epochs=n, verbose=0).history["loss"]
    text = "train_loop(model, dataset of 4 batches, epochs=3, Adam(0.01), loss_fn)"
    outcome = call_with(run_train_loop, train_loop, model.get_weights(), x, y, epochs, _shown=text)
    history, trained = outcome["history"], outcome["weights"]
    if _max_gap(trained, oracles[epochs].get_weights()) > 1e-4:
        if _max_gap(trained, oracles[1].get_weights()) < 1e-4:
            hint = "The weights match one epoch of training: loop over the whole dataset once per epoch."
        else:
            hint = "Call train_step once for each (x, y) batch of the dataset, in every epoch, with the same optimiser."
        fail(text, "the trained weights differ from model.fit's with the same data and optimiser.", hint)
    if not isinstance(history, dict) or "loss" not in history:
        fail(text, f"returned {describe(history)}, expected a dict {{'loss': [one value per epoch]}}.")
    losses = np.asarray(history["loss"], dtype=np.float64).ravel()
    expected = np.asarray(oracles[epochs].history_of_fit)
    if losses.shape != expected.shape:
        fail(text, f"history['loss'] has {losses.size} values, expected {epochs}: one per epoch.")
    if not np.allclose(losses, expected, rtol=1e-4, atol=1e-5):
        fail(text, f"history['loss'] is {np.round(losses, 4).tolist()}, model.fit reports "
                   f"{np.round(expected, 4).tolist()}.", "Each epoch's loss is the mean of its batch losses.")
