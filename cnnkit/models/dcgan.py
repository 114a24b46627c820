"""The class-conditional DCGAN of notebook 16 (the design rules of Radford et al. 2016), small enough to train on Fashion-MNIST on a CPU in minutes.

Conventions:
- Images have height and width divisible by 4: two stride-2 convolutions take 28x28 to 7x7,
  two stride-2 transposed convolutions bring 7x7 back to 28x28.
- The generator ends in ``tanh`` and works on images scaled to [-1, 1] (a DCGAN rule); the
  discriminator returns one **logit** per image: > 0 means "real".
- Class labels are integers, shape ``(batch,)``.
"""

from __future__ import annotations

import keras
from keras import layers

from cnnkit.models.autoencoder import check_image_shape


def build_conditional_generator(latent_dim=64, num_classes=10, output_shape=(28, 28, 1), base_filters=32,
                                embedding_dim=16):
    """A class-conditional DCGAN generator: (noise, label) -> image in [-1, 1].

    The label's learned embedding is concatenated to the noise; a dense layer makes a
    (h/4, w/4) grid; two stride-2 transposed convolutions double it twice. Following the DCGAN
    rules: no pooling, batch norm and ReLU everywhere but the output, ``tanh`` at the output.

    Args:
        latent_dim: size of the noise vector.
        num_classes: number of classes; labels are 0 .. num_classes - 1.
        output_shape: (height, width, channels), height and width divisible by 4.
        base_filters: filters of the first transposed convolution; the grid has twice as many.
        embedding_dim: size of the label embedding.

    Returns:
        A ``keras.Model`` named "generator" from ``[noise (batch, latent_dim), labels (batch,)]``
        to images ``(batch, *output_shape)`` in [-1, 1].
    """
    check_image_shape(output_shape)
    height, width, channels = output_shape
    noise = keras.Input((latent_dim,), name="noise")
    labels = keras.Input((), dtype="int32", name="label")
    label_code = layers.Embedding(num_classes, embedding_dim, name="label_embedding")(labels)
    x = layers.Concatenate(name="noise_and_label")([noise, label_code])
    x = layers.Dense(height // 4 * width // 4 * 2 * base_filters, use_bias=False, name="dense")(x)
    x = layers.BatchNormalization(name="dense_bn")(x)
    x = layers.ReLU(name="dense_relu")(x)
    x = layers.Reshape((height // 4, width // 4, 2 * base_filters), name="grid")(x)
    x = layers.Conv2DTranspose(base_filters, 4, strides=2, padding="same", use_bias=False, name="up1")(x)
    x = layers.BatchNormalization(name="up1_bn")(x)
    x = layers.ReLU(name="up1_relu")(x)
    images = layers.Conv2DTranspose(channels, 4, strides=2, padding="same", activation="tanh", name="up2")(x)
    return keras.Model([noise, labels], images, name="generator")


def build_conditional_discriminator(num_classes=10, input_shape=(28, 28, 1), base_filters=32):
    """A class-conditional DCGAN discriminator with a projection: (image, label) -> one logit.

    Two stride-2 convolutions with LeakyReLU(0.2), batch norm after the second (DCGAN rules: no
    pooling, leaky units, no batch norm on the input layer), give features ``f``; the logit is ``dense(f) + embedding(label) . f``. The dot product
    with a learned vector per class (Miyato and Koyama's *projection discriminator*, 2018) is a
    cheap way to ask "is this a real image **of this class**?", so that the generator must
    respect the label it is given.

    Args:
        num_classes: number of classes; labels are 0 .. num_classes - 1.
        input_shape: (height, width, channels), height and width divisible by 4.
        base_filters: filters of the first convolution; the second has twice as many.

    Returns:
        A ``keras.Model`` named "discriminator" from ``[images (batch, *input_shape), labels (batch,)]``
        to logits ``(batch, 1)``.
    """
    check_image_shape(input_shape)
    images = keras.Input(input_shape, name="image")
    labels = keras.Input((), dtype="int32", name="label")
    x = layers.Conv2D(base_filters, 4, strides=2, padding="same", name="conv1")(images)
    x = layers.LeakyReLU(0.2, name="conv1_lrelu")(x)
    x = layers.Conv2D(2 * base_filters, 4, strides=2, padding="same", use_bias=False, name="conv2")(x)
    x = layers.BatchNormalization(name="conv2_bn")(x)
    x = layers.LeakyReLU(0.2, name="conv2_lrelu")(x)
    features = layers.Flatten(name="flatten")(x)
    unconditional = layers.Dense(1, name="realness")(features)
    class_vector = layers.Embedding(num_classes, features.shape[-1], name="class_projection")(labels)
    conditional = layers.Dot(axes=1, name="class_match")([class_vector, features])
    return keras.Model([images, labels], layers.Add(name="logit")([unconditional, conditional]),
                       name="discriminator")
