"""A right style loss on top of a Gram matrix that is not normalised."""
import keras

EXERCISE = "style_loss"
EXPECTED_HINT = "fix gram_matrix first"


def gram_matrix(features):
    return keras.ops.einsum("bijc,bijd->bcd", features, features)


def style_loss(style_grams, generated_features, layer_weights):
    loss = 0.0
    for target, features, weight in zip(style_grams, generated_features, layer_weights):
        loss += weight * keras.ops.mean(keras.ops.square(gram_matrix(features) - target))
    return loss
