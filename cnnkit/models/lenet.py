"""A dense baseline, LeNet-5 (notebook 04) and a small CNN with regularisation switches (notebook 06).

Every builder returns a functional ``keras.Model`` whose last layer gives **logits** by default
(``classifier_activation=None``): one unnormalised score per class, no softmax. Train them with a
loss that applies the softmax itself, ``keras.losses.SparseCategoricalCrossentropy(from_logits=True)``,
and call ``keras.ops.softmax`` on the outputs when you want probabilities, or build the model with
``classifier_activation="softmax"`` (Keras' own argument name) to have it output them.
"""

from __future__ import annotations

import keras


def build_mlp(input_shape, num_classes, classifier_activation=None):
    """A dense network on raw pixels: flatten, two hidden ReLU layers, a logits layer.

    Args:
        input_shape: shape of one image, e.g. ``(28, 28, 1)``.
        num_classes: number of classes, the number of output units.
        classifier_activation: activation of the last layer: ``None`` for logits, ``"softmax"``
            for probabilities.

    Returns:
        A ``keras.Model`` named ``"mlp"`` mapping ``(batch, *input_shape)`` to logits (or, with
        ``classifier_activation="softmax"``, probabilities) of shape ``(batch, num_classes)``;
        layers named ``flatten``, ``dense1``, ``dense2``, ``logits``.
    """
    inputs = keras.Input(shape=input_shape, name="image")
    x = keras.layers.Flatten(name="flatten")(inputs)
    x = keras.layers.Dense(256, activation="relu", name="dense1")(x)
    x = keras.layers.Dense(128, activation="relu", name="dense2")(x)
    outputs = keras.layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, outputs, name="mlp")


def build_lenet5(input_shape, num_classes, classifier_activation=None):
    """LeNet-5 with ReLU and max pooling: two conv/pool stages, then 120, 84 and logits units.

    conv1: 6 filters 5x5, "same" padding; pool1: 2x2 max; conv2: 16 filters 5x5, "valid";
    pool2: 2x2 max; flatten; fc1: 120 units; fc2: 84 units; logits: ``num_classes`` units.
    On 28x28x1 inputs it has 61,706 parameters.

    Args:
        input_shape: shape of one image, e.g. ``(28, 28, 1)``; at least 12x12 pixels.
        num_classes: number of classes, the number of output units.
        classifier_activation: activation of the last layer: ``None`` for logits, ``"softmax"``
            for probabilities.

    Returns:
        A ``keras.Model`` named ``"lenet5"`` mapping ``(batch, *input_shape)`` to logits (or,
        with ``classifier_activation="softmax"``, probabilities) of shape ``(batch, num_classes)``.
    """
    inputs = keras.Input(shape=input_shape, name="image")
    x = keras.layers.Conv2D(6, 5, padding="same", activation="relu", name="conv1")(inputs)
    x = keras.layers.MaxPooling2D(2, name="pool1")(x)
    x = keras.layers.Conv2D(16, 5, padding="valid", activation="relu", name="conv2")(x)
    x = keras.layers.MaxPooling2D(2, name="pool2")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(120, activation="relu", name="fc1")(x)
    x = keras.layers.Dense(84, activation="relu", name="fc2")(x)
    outputs = keras.layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, outputs, name="lenet5")


def build_regularized_cnn(input_shape, num_classes, augmenter=None, dropout=0.0, weight_decay=0.0,
                          batch_norm=False, classifier_activation=None):
    """A small CNN whose regularisers can be switched on one by one.

    Two stages of conv 3x3 ("same") -> [batch norm] -> ReLU -> 2x2 max pool, with 16 and 32
    filters, then flatten -> [dropout] -> dense 128 ReLU -> [dropout] -> logits.

    Args:
        input_shape: shape of one image, e.g. ``(28, 28, 1)``.
        num_classes: number of classes, the number of output units.
        classifier_activation: activation of the last layer: ``None`` for logits, ``"softmax"``
            for probabilities.
        augmenter: ``None``, or a Keras layer or model applied to the inputs first (e.g.
            :func:`cnnkit.augment.classification.build_augmenter`); Keras runs it in training only.
        dropout: rate of the two ``Dropout`` layers, the fraction of units zeroed in training;
            0 leaves them out.
        weight_decay: L2 factor on the kernels of every Conv2D and Dense layer (biases and
            batch-norm parameters are not decayed); 0 adds no penalty.
        batch_norm: put a ``BatchNormalization`` layer after each convolution (which then needs
            no bias).

    Returns:
        A ``keras.Model`` named ``"regularized_cnn"`` mapping ``(batch, *input_shape)`` to
        logits (or, with ``classifier_activation="softmax"``, probabilities) of shape
        ``(batch, num_classes)``.
    """
    regularizer = keras.regularizers.L2(weight_decay) if weight_decay else None
    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs if augmenter is None else augmenter(inputs)
    for stage, filters in enumerate((16, 32), start=1):
        x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=not batch_norm,
                                kernel_regularizer=regularizer, name=f"conv{stage}")(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(name=f"bn{stage}")(x)
        x = keras.layers.Activation("relu", name=f"relu{stage}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"pool{stage}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout1")(x)
    x = keras.layers.Dense(128, activation="relu", kernel_regularizer=regularizer, name="fc")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout2")(x)
    outputs = keras.layers.Dense(num_classes, activation=classifier_activation, kernel_regularizer=regularizer,
                                 name="predictions")(x)
    return keras.Model(inputs, outputs, name="regularized_cnn")
