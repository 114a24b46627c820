"""Builds a new optimiser for every step, so that momentum never builds up."""
import numpy as np
import tensorflow as tf

EXERCISE = "lr_range_test"
EXPECTED_HINT = "new optimiser at every step"


def train_step(model, optimizer, loss_fn, x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = loss_fn(y, logits)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return loss


def lr_range_test(model, optimizer, loss_fn, x, y, min_lr, max_lr, steps, batch_size):
    import keras

    batches = len(x) // batch_size
    learning_rates = min_lr * (max_lr / min_lr) ** (np.arange(steps) / (steps - 1))
    losses = []
    for i, rate in enumerate(learning_rates):
        fresh = keras.optimizers.SGD(rate, momentum=0.9)
        start = (i % batches) * batch_size
        losses.append(float(train_step(model, fresh, loss_fn, x[start:start + batch_size],
                                       y[start:start + batch_size])))
    return learning_rates, np.array(losses)
