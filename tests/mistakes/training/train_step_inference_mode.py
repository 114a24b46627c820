"""Calls the model without training=True: batch normalisation uses its moving averages."""
import keras
import tensorflow as tf

EXERCISE = "train_step"
EXPECTED_HINT = "training=True"


def train_step(model, optimizer, loss_fn, x, y):
    with tf.GradientTape() as tape:
        logits = model(x)
        loss = loss_fn(y, logits)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return loss
