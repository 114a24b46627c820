"""Takes the Gram matrix of the targets again, though they already are Gram matrices."""
import keras

from cnnkit.topics.style_transfer import gram_matrix

EXERCISE = "style_loss"
EXPECTED_HINT = "already Gram matrices"


def style_loss(style_grams, generated_features, layer_weights):
    loss = 0.0
    for target, features, weight in zip(style_grams, generated_features, layer_weights):
        loss += weight * keras.ops.mean(keras.ops.square(gram_matrix(features) - gram_matrix(target)))
    return loss
