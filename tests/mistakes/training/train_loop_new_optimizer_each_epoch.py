"""Builds a fresh copy of the optimiser every epoch, so Adam's moments and step count start again."""
import numpy as np
import tensorflow as tf

EXERCISE = "train_loop"
EXPECTED_HINT = "same optimiser"


def train_step(model, optimizer, loss_fn, x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = loss_fn(y, logits)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return loss


def train_loop(model, dataset, epochs, optimizer, loss_fn):
    history = {"loss": []}
    for _ in range(epochs):
        fresh = optimizer.__class__.from_config(optimizer.get_config())
        losses = [float(train_step(model, fresh, loss_fn, x, y)) for x, y in dataset]
        history["loss"].append(float(np.mean(losses)))
    return history
