"""Training by hand (notebook 05): one gradient step and a training loop.

``train_loop`` does what ``model.fit`` does for a model without extra losses or metrics: for
each epoch, for each batch, one :func:`train_step`. Models here output logits, so pass a loss
built with ``from_logits=True``.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf


def train_step(model, optimizer, loss_fn, x, y):
    """One step of gradient descent on one batch.

    Runs the model in training mode under a ``tf.GradientTape``, computes the loss, takes its
    gradient with respect to the trainable weights and lets the optimiser update them.

    Args:
        model: a ``keras.Model`` giving logits of shape ``(batch, num_classes)``.
        optimizer: a ``keras.optimizers.Optimizer``.
        loss_fn: called as ``loss_fn(y, logits)``, returns a scalar, e.g.
            ``keras.losses.SparseCategoricalCrossentropy(from_logits=True)``.
        x: a batch of inputs, ``(batch, height, width, channels)``.
        y: the batch's class indices, ``(batch,)``.

    Returns:
        The loss on this batch before the update, a scalar tensor.
    """
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = loss_fn(y, logits)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return loss


def train_loop(model, dataset, epochs, optimizer, loss_fn):
    """Train ``model`` for ``epochs`` passes over ``dataset`` with :func:`train_step`.

    Args:
        model: a ``keras.Model`` giving logits.
        dataset: an iterable of ``(x, y)`` batches, e.g. a ``tf.data.Dataset``; iterated once
            per epoch (a shuffling dataset gives a new order each time).
        epochs: number of passes over the data.
        optimizer: a ``keras.optimizers.Optimizer``, kept across epochs.
        loss_fn: called as ``loss_fn(y, logits)``.

    Returns:
        ``{"loss": [...]}``: for each epoch, the mean of its batch losses (like ``model.fit``'s
        history when all batches have the same size).
    """
    step = tf.function(train_step, reduce_retracing=True)  # compiled once, then fast
    history = {"loss": []}
    for _ in range(epochs):
        batch_losses = [float(step(model, optimizer, loss_fn, x, y)) for x, y in dataset]
        history["loss"].append(float(np.mean(batch_losses)))
    return history
