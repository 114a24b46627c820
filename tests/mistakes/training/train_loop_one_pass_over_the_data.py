"""Makes one iterator for all epochs: it is exhausted after the first, later epochs train on nothing."""
import numpy as np
import tensorflow as tf

EXERCISE = "train_loop"
EXPECTED_HINT = "once per epoch"


def train_step(model, optimizer, loss_fn, x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = loss_fn(y, logits)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return loss


def train_loop(model, dataset, epochs, optimizer, loss_fn):
    batches = iter(dataset)
    history = {"loss": []}
    for _ in range(epochs):
        losses = [float(train_step(model, optimizer, loss_fn, x, y)) for x, y in batches]
        history["loss"].append(float(np.mean(losses)) if losses else float("nan"))
    return history
