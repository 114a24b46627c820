"""Computes the rates but never gives them to the optimiser."""
import numpy as np
import tensorflow as tf

EXERCISE = "lr_range_test"
EXPECTED_HINT = "learning rate never changed"


def train_step(model, optimizer, loss_fn, x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = loss_fn(y, logits)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return loss


def lr_range_test(model, optimizer, loss_fn, x, y, min_lr, max_lr, steps, batch_size):
    batches = len(x) // batch_size
    learning_rates = min_lr * (max_lr / min_lr) ** (np.arange(steps) / (steps - 1))
    losses = []
    for i in range(steps):
        start = (i % batches) * batch_size
        losses.append(float(train_step(model, optimizer, loss_fn, x[start:start + batch_size],
                                       y[start:start + batch_size])))
    return learning_rates, np.array(losses)
