"""Transfer learning: a new classifier on a pretrained base, and the set-up for fine-tuning it.

The exercise functions of notebook 12 live here verbatim: :func:`build_transfer_model` and
:func:`unfreeze_top`. The course's models return logits, so the loss is always
``SparseCategoricalCrossentropy(from_logits=True)`` (:func:`compile_classifier`).
"""

from __future__ import annotations

import keras
from keras import layers


def compile_classifier(model, learning_rate):
    """Compile a logits classifier with Adam, the course's loss and accuracy; returns the model."""
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


def build_transfer_model(base, num_classes, dropout=0.2, classifier_activation=None, name="transfer"):
    """A new classifier on a pretrained base, ready for feature extraction.

    The base is frozen (``base.trainable = False``): its weights do not train, and its frozen
    batch-norm layers run in inference mode, with their pretrained statistics. It is called on a new
    input with ``training=False``, as Keras' guide does (in Keras 3.13 ``fit`` overrides that flag,
    so freezing is what protects batch norm). The new head: GlobalAveragePooling2D ->
    Dropout(dropout) -> Dense(num_classes, activation=classifier_activation), named "predictions".

    Args:
        base: a ``keras.Model`` without its top, from images (batch, h, w, 3) to feature maps
            (batch, h', w', channels).
        num_classes: number of classes of the new task.
        dropout: dropout rate before the classifier.
        classifier_activation: None (the default) returns logits; "softmax" returns probabilities.
        name: the model's name.

    Returns:
        A ``keras.Model`` from the base's input to (batch, num_classes), holding the base as one layer.
    """
    base.trainable = False
    inputs = keras.Input(base.input.shape[1:], name="image")
    features = base(inputs, training=False)   # inference mode where Keras honours it (see the docstring)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(features)
    x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


def unfreeze_top(model, n_layers, learning_rate=1e-4):
    """Set a transfer model up for fine-tuning: unfreeze the top of its base, recompile with a low rate.

    The base is the model's layer that is itself a ``keras.Model``. Its last ``n_layers`` layers
    become trainable, except batch-norm layers, which stay frozen; every earlier layer of the base
    stays frozen. The layers of the head stay trainable. Then the model is compiled again (a change
    of ``trainable`` takes effect at the next ``compile``) with ``compile_classifier(model,
    learning_rate)``: a low learning rate, so that the pretrained weights move only a little.

    Args:
        model: a model built by ``build_transfer_model``.
        n_layers: how many of the base's layers, counted from its end, to unfreeze (0 to all).
        learning_rate: Adam's learning rate for fine-tuning.

    Returns:
        The same model, recompiled.
    """
    base = next(layer for layer in model.layers if isinstance(layer, keras.Model))
    if not 0 <= n_layers <= len(base.layers):
        raise ValueError(f"n_layers must be between 0 and {len(base.layers)}, got {n_layers!r}.")
    base.trainable = True
    first_unfrozen = len(base.layers) - n_layers
    for index, layer in enumerate(base.layers):
        layer.trainable = index >= first_unfrozen and not isinstance(layer, layers.BatchNormalization)
    return compile_classifier(model, learning_rate)
