"""Writes its own loss, which by default expects probabilities, and feeds it logits."""
import keras
import tensorflow as tf

EXERCISE = "train_step"
EXPECTED_HINT = "expects probabilities"


def train_step(model, optimizer, loss_fn, x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y, logits))
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return loss
