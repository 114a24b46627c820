"""Reports the last batch's loss as the epoch's loss instead of the mean over the epoch."""
import tensorflow as tf

EXERCISE = "train_loop"
EXPECTED_HINT = "mean of its batch losses"


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
        for x, y in dataset:
            loss = train_step(model, optimizer, loss_fn, x, y)
        history["loss"].append(float(loss))
    return history
