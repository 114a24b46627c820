"""Takes the step but forgets to clip the image to [0, 1]."""
import tensorflow as tf

from cnnkit.topics.style_transfer import content_loss, style_loss, total_variation_loss

EXERCISE = "style_transfer_step"
EXPECTED_HINT = "forgets to clip"


def style_transfer_step(image, extractor, targets, optimizer, weights):
    with tf.GradientTape() as tape:
        features = extractor(image)
        losses = {
            "content": content_loss(targets["content"], features["content"]),
            "style": style_loss(targets["style_grams"], features["style"], weights["style_layers"]),
            "tv": total_variation_loss(image),
        }
        losses["total"] = sum(weights[name] * losses[name] for name in ("content", "style", "tv"))
    optimizer.apply_gradients([(tape.gradient(losses["total"], image), image)])
    return losses
