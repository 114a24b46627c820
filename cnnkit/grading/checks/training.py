"""Checks for notebook 05, training CNNs.

Oracles are Keras itself: ``keras.optimizers.Adam`` on a float64 ``keras.Variable`` for
``adam_step``, ``train_on_batch`` on a copy of the same model with the same weights for
``train_step``, ``model.fit`` on such a copy for ``train_loop``, and ``train_on_batch`` with the
learning rate set before each step for ``lr_range_test``. Known mistakes of
``adam_step`` are recognised by replaying them on the same gradients. A spy on the optimiser sees which gradients the learner's code applies,
so that a step that never applies them, or applies ``None`` gradients from a forward pass run
outside the tape, is named as such.
"""

from __future__ import annotations

import numpy as np

from cnnkit.grading.assertions import as_array, call, call_with, describe, fail
from cnnkit.grading.core import exercise

NOTEBOOK = "05_training_cnns"


# ------------------------------------------------------------------ adam_step
#: Two settings: Keras' defaults, and one where every hyper-parameter differs from its default
#: (so that a value hard-coded in the answer shows) and epsilon is large enough to matter.
_ADAM_SETTINGS = ({}, {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3})
_ADAM_STEPS = 5
_ADAM_DEFAULTS = {"learning_rate": 1e-3, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}


def _adam_inputs(rng):
    """A (3, 4) parameter and one gradient per step. The columns' gradients have scales 10, 1,
    1e-2 and 1e-4: at the smallest, sqrt(v) is close to epsilon, so where epsilon goes matters."""
    param = rng.normal(size=(3, 4))
    scales = np.array([10.0, 1.0, 1e-2, 1e-4])
    grads = [rng.normal(size=(3, 4)) * scales for _ in range(_ADAM_STEPS)]
    return param, grads


def _keras_adam(param, grads, settings):
    """What keras.optimizers.Adam does to ``param`` (a float64 keras.Variable) given ``grads``
    one step at a time: the (param, m, v) after each step."""
    import keras

    variable = keras.Variable(param, dtype="float64")
    optimizer = keras.optimizers.Adam(**settings)
    states = []
    for grad in grads:
        optimizer.apply_gradients([(grad, variable)])
        moments = {slot.path.rsplit("_", 1)[-1]: slot.numpy() for slot in optimizer.variables
                   if slot.path.endswith(("_momentum", "_velocity"))}
        states.append((variable.numpy(), moments["momentum"], moments["velocity"]))
    return states


def _adam_variant(param, grads, settings, mistake):
    """The (param, m, v) after each step of a known mistake, for naming it in the hint."""
    lr, b1, b2, eps = (settings.get(key, default) for key, default in _ADAM_DEFAULTS.items())
    m, v, states = np.zeros_like(param), np.zeros_like(param), []
    for t, g in enumerate(grads, start=1):
        if mistake == "betas swapped":
            m, v = b1 * g + (1 - b1) * m, b2 * g**2 + (1 - b2) * v
        elif mistake == "v from m":
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * m**2
        else:
            m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
        power = t + 1 if mistake == "t counted from 0" else t
        m_hat, v_hat = m / (1 - b1**power), v / (1 - b2**power)
        if mistake == "no bias correction":
            param = param - lr * m / (np.sqrt(v) + eps)
        elif mistake == "epsilon inside the root":
            param = param - lr * m_hat / np.sqrt(v_hat + eps)
        elif mistake == "epsilon inside the uncorrected root":
            param = param - lr * np.sqrt(1 - b2**power) / (1 - b1**power) * m / np.sqrt(v + eps)
        elif mistake == "epsilon added to the corrected root":
            param = param - lr * m_hat / (np.sqrt(v_hat) + eps)
        else:
            # Keras' formula, written with m_hat and v_hat: epsilon / sqrt(1 - beta_2 ** t) on sqrt(v_hat).
            param = param - lr * m_hat / (np.sqrt(v_hat) + eps / np.sqrt(1 - b2**power))
        states.append((param, m, v))
    return states


_EPSILON_INSIDE = "Epsilon went inside the square root: Keras divides by sqrt(v) + epsilon, not by sqrt(v + epsilon)."
_ADAM_MISTAKES = {
    "no bias correction": "The bias correction is missing: m and v start at zero, so divide by (1 - beta_1 ** t) "
                          "and (1 - beta_2 ** t), or, as Keras does, multiply the step size by "
                          "sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t).",
    "epsilon inside the root": _EPSILON_INSIDE,
    "epsilon inside the uncorrected root": _EPSILON_INSIDE,
    "epsilon added to the corrected root": "These are the paper's formulas, with epsilon added to sqrt(v_hat). "
                                           "Keras (and this exercise) folds the bias correction into the step size "
                                           "and adds epsilon to the uncorrected sqrt(v): step size learning_rate * "
                                           "sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t), times m / (sqrt(v) + epsilon).",
    "t counted from 0": "The bias correction uses one step too many: t already counts from 1 (the first step has "
                        "t = 1), so use beta_1 ** t and beta_2 ** t, not t + 1.",
    "betas swapped": "beta is the share of the old average that is kept: m = beta_1 * m + (1 - beta_1) * grad, "
                     "and the same with beta_2 for v.",
    "v from m": "v is the running mean of the squared gradients: v = beta_2 * v + (1 - beta_2) * grad ** 2, "
                "not of the squared m.",
}


def _close(got, expected, floor):
    """Same shape, finite, and equal to a relative 1e-4, give or take ``floor`` times the largest
    expected value (so that float32 arithmetic passes)."""
    return (got.shape == expected.shape and bool(np.all(np.isfinite(got)))
            and np.allclose(got, expected, rtol=1e-4, atol=floor * float(np.max(np.abs(expected), initial=0.0))))


def _wrong_parts(got, expected, start):
    """Which of param, m and v differ. The parameter is compared by how far it moved from
    ``start`` (steps of 1e-3 on values near 1 would hide in a comparison of the values)."""
    (g_param, g_m, g_v), (e_param, e_m, e_v) = got, expected
    checks = (("param", _close(g_param - start, e_param - start, 1e-3)),
              ("m", _close(g_m, e_m, 1e-6)), ("v", _close(g_v, e_v, 1e-6)))
    return [name for name, same in checks if not same]


def _same_steps(got, expected, start):
    """Two lists of (param, m, v), one per step, that agree at every step."""
    return len(got) == len(expected) and not any(_wrong_parts(g, e, start) for g, e in zip(got, expected))


@exercise(NOTEBOOK)
def check_adam_step(adam_step):
    rng = np.random.default_rng(5)
    for settings in _ADAM_SETTINGS:
        param, grads = _adam_inputs(rng)
        expected = _keras_adam(param, grads, settings)
        shown_settings = "".join(f", {key}={value:g}" for key, value in settings.items())
        got, state = [], (param, np.zeros_like(param), np.zeros_like(param))
        for t, grad in enumerate(grads, start=1):
            text = f"adam_step(param, grad, m, v, t={t}{shown_settings}) (param of shape (3, 4), step {t} of a run)"
            answer = call(adam_step, state[0], grad, state[1], state[2], t, _shown=text, **settings)
            if not isinstance(answer, (tuple, list)) or len(answer) != 3:
                returned = f"{len(answer)} values" if isinstance(answer, (tuple, list)) else describe(answer)
                fail(text, f"returned {returned}, expected a tuple (param, m, v).",
                     "Return the new parameter and both new running means: return param, m, v.")
            state = tuple(as_array(value, text) for value in answer)
            if any(value.shape != param.shape for value in state):
                fail(text, f"returned arrays of shapes {[value.shape for value in state]}, expected three of "
                           f"shape {param.shape}.")
            got.append(state)
        if _same_steps(got, expected, param):
            continue
        step, wrong = next((t, _wrong_parts(g, e, param)) for t, (g, e) in enumerate(zip(got, expected), start=1)
                           if _wrong_parts(g, e, param))
        (_, g_m, g_v), (_, e_m, e_v) = got[step - 1], expected[step - 1]
        text = f"adam_step over {_ADAM_STEPS} steps{shown_settings or ' with the default settings'}"
        names = wrong[0] if len(wrong) == 1 else ", ".join(wrong[:-1]) + " and " + wrong[-1]
        problem = (f"from step {step} on, {names} differ{'s' if len(wrong) == 1 else ''} from "
                   f"keras.optimizers.Adam's{shown_settings and ' with the same settings'}.")
        for mistake, hint in _ADAM_MISTAKES.items():
            if _same_steps(got, _adam_variant(param, grads, settings, mistake), param):
                fail(text, problem, hint)
        if "param" not in wrong:
            b1, b2 = settings.get("beta_1", 0.9), settings.get("beta_2", 0.999)
            if _close(g_m, e_m / (1 - b1**step), 1e-6) or _close(g_v, e_v / (1 - b2**step), 1e-6):
                fail(text, problem, "Return m and v themselves, not the bias-corrected m_hat and v_hat: the "
                                    "next step updates the running means, and the correction is applied afresh "
                                    "at each step.")
        if settings and _same_steps(got, _keras_adam(param, grads, {}), param):
            fail(text, problem, "The answer ignores the hyper-parameters it is given: use the learning_rate, "
                                "beta_1, beta_2 and epsilon arguments, not fixed numbers.")
        fail(text, problem, "Follow the update in order: m and v first (with this step's grad), then the step "
                            "learning_rate * sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t) * m / (sqrt(v) + epsilon).")


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


# ------------------------------------------------------------------ lr_range_test
def run_lr_range_test(lr_range_test, weights, x, y, min_lr, max_lr, steps, batch_size):
    """Harness: ``lr_range_test`` on the small model without batch norm, with ``weights``, SGD with
    momentum 0.9 (so that a new optimiser per step shows) and the from-logits loss. Returns what it
    returned and the weights after the test."""
    import keras

    model = _small_model(2, batch_norm=False)
    model.set_weights(weights)
    result = lr_range_test(model, keras.optimizers.SGD(1e-3, momentum=0.9),
                           keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                           x, y, min_lr, max_lr, steps, batch_size)
    return {"result": result if isinstance(result, (tuple, list)) else describe(result),
            "weights": model.get_weights()}


def _range_test_by_keras(model, x, y, rates, batch_size, fresh_optimizer=False, batch_of=None):
    """The losses of a range test run by Keras' ``train_on_batch`` on a copy of ``model``: one step per
    rate, batch ``k = i % batches`` (or ``batch_of(i)``); with ``fresh_optimizer``, as a mistake makes
    it, a new SGD optimiser for every step."""
    import keras

    oracle = _copy(model)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    batches = len(x) // batch_size
    optimizer = keras.optimizers.SGD(1e-3, momentum=0.9)
    oracle.compile(optimizer, loss_fn)
    losses = []
    for i, rate in enumerate(rates):
        if fresh_optimizer:
            oracle.compile(keras.optimizers.SGD(float(rate), momentum=0.9), loss_fn)
        else:
            optimizer.learning_rate = float(rate)
        k = batch_of(i) if batch_of else i % batches
        oracle.reset_metrics()  # train_on_batch reports a running mean over calls otherwise
        losses.append(float(oracle.train_on_batch(x[k * batch_size:(k + 1) * batch_size],
                                                  y[k * batch_size:(k + 1) * batch_size])))
    return np.array(losses), oracle.get_weights()


@exercise(NOTEBOOK, uses=("train_step",))
def check_lr_range_test(lr_range_test):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(28, 6, 6, 1)).astype(np.float32)   # 3 batches of 8 (the last 4 rows unused)
    y = rng.integers(0, 3, size=28)
    min_lr, max_lr, steps, batch_size = 1e-3, 0.3, 7, 8
    model = _small_model(2, batch_norm=False)
    text = (f"lr_range_test(model, SGD(momentum=0.9), loss_fn, x of shape {x.shape}, y, min_lr={min_lr}, "
            f"max_lr={max_lr}, steps={steps}, batch_size={batch_size})")
    outcome = call_with(run_lr_range_test, lr_range_test, model.get_weights(), x, y, min_lr, max_lr, steps,
                        batch_size, _shown=text)
    result = outcome["result"]
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(text, f"returned {describe(result)}.", "Return the tuple (learning_rates, losses).")
    rates = as_array(result[0], f"{text}, learning_rates").ravel()
    losses = as_array(result[1], f"{text}, losses").ravel()
    expected_rates = min_lr * (max_lr / min_lr) ** (np.arange(steps) / (steps - 1))
    if rates.shape != (steps,) or losses.shape != (steps,):
        fail(text, f"returned {rates.size} learning rates and {losses.size} losses, expected {steps} of each.",
             "One rate and one loss per step.")
    if not np.allclose(rates, expected_rates, rtol=1e-5):
        if np.allclose(rates, np.linspace(min_lr, max_lr, steps), rtol=1e-5):
            hint = ("The rates grow linearly: make them grow geometrically (by the same factor each step), "
                    "min_lr * (max_lr / min_lr) ** (i / (steps - 1)), so that every decade gets as many steps.")
        elif np.allclose(rates, min_lr * (max_lr / min_lr) ** (np.arange(steps) / steps), rtol=1e-5):
            hint = "The last step's rate must be max_lr: divide i by steps - 1, not by steps."
        else:
            hint = "Step i's rate is min_lr * (max_lr / min_lr) ** (i / (steps - 1))."
        fail(text, f"learning_rates are {np.round(rates, 5).tolist()}, expected "
                   f"{np.round(expected_rates, 5).tolist()}.", hint)
    expected, weights = _range_test_by_keras(model, x, y, expected_rates, batch_size)
    if np.allclose(losses, expected, rtol=1e-4, atol=1e-5) and _max_gap(outcome["weights"], weights) < 1e-4:
        return
    if np.allclose(losses, _range_test_by_keras(model, x, y, expected_rates, batch_size, fresh_optimizer=True)[0],
                   rtol=1e-4, atol=1e-5):
        hint = ("Those are the losses of a new optimiser at every step: keep the one optimiser you are given "
                "(its momentum carries over) and set its learning_rate before each step.")
    elif np.allclose(losses, _range_test_by_keras(model, x, y, np.full(steps, 1e-3), batch_size)[0],
                     rtol=1e-4, atol=1e-5):
        hint = ("The learning rate never changed: set optimizer.learning_rate = rate before each step "
                "(the returned rates alone do not train anything).")
    elif np.allclose(losses, _range_test_by_keras(model, x, y, expected_rates, batch_size,
                                                  batch_of=lambda i: 0)[0], rtol=1e-4, atol=1e-5):
        hint = "Every step trained on the first batch: step i takes batch i % (len(x) // batch_size)."
    else:
        hint = ("Step i: set the rate, then train_step(model, optimizer, loss_fn, x_batch, y_batch) on batch "
                "i % (len(x) // batch_size), and keep the loss it returns (the loss before the update).")
    fail(text, f"the losses {np.round(losses, 4).tolist()} differ from Keras' train_on_batch with the same "
               f"rates, batches and optimiser ({np.round(expected, 4).tolist()}).", hint)
