"""Spaces the rates linearly: almost every step is spent near max_lr."""
import numpy as np
import tensorflow as tf

EXERCISE = "lr_range_test"
EXPECTED_HINT = "grow geometrically"


def train_step(model, optimizer, loss_fn, x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = loss_fn(y, logits)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return loss


def lr_range_test(model, optimizer, loss_fn, x, y, min_lr, max_lr, steps, batch_size):
    batches = len(x) // batch_size
    learning_rates = np.linspace(min_lr, max_lr, steps)
    losses = []
    for i, rate in enumerate(learning_rates):
        optimizer.learning_rate = rate
        start = (i % batches) * batch_size
        losses.append(float(train_step(model, optimizer, loss_fn, x[start:start + batch_size],
                                       y[start:start + batch_size])))
    return learning_rates, np.array(losses)
