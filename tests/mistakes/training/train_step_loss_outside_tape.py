"""Runs the forward pass before opening the tape: the tape recorded nothing, the gradients are None."""
import keras
import tensorflow as tf

EXERCISE = "train_step"
EXPECTED_HINT = "inside `with tf.GradientTape() as tape:`"


def train_step(model, optimizer, loss_fn, x, y):
    logits = model(x, training=True)
    loss = loss_fn(y, logits)
    with tf.GradientTape() as tape:
        gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return loss
