"""1-D convolutional networks for sequences: a fully convolutional time-series classifier and a
text CNN over word embeddings (notebook 15).

Both are built from :func:`conv1d_block` (Conv1D without bias, batch normalisation, ReLU), end
in a global pooling over time, so that the convolutions work on any length, and return logits
(``classifier_activation=None``) for losses with ``from_logits=True``.

``build_conv1d_classifier`` and ``build_text_cnn`` are the solutions of notebook 15;
``conv1d_block`` is given to learners.
"""

from __future__ import annotations

import keras
from keras import layers, ops


def conv1d_block(x, filters, kernel_size, name, padding="same", dilation_rate=1):
    """Conv1D (no bias), batch normalisation, ReLU.

    Args:
        x: tensor of shape (batch, steps, channels).
        filters: number of output channels.
        kernel_size: kernel size k, in steps.
        name: prefix of the layer names (``{name}_conv``, ``{name}_bn``, ``{name}_relu``).
        padding: "same", "valid" or "causal", as in keras.layers.Conv1D.
        dilation_rate: steps between two taps of the kernel.

    Returns:
        Tensor of shape (batch, steps_out, filters); steps_out = steps except for "valid".
    """
    # No bias: the batch normalisation right after adds its own offset.
    x = layers.Conv1D(filters, kernel_size, padding=padding, dilation_rate=dilation_rate, use_bias=False,
                      name=f"{name}_conv")(x)
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    return layers.Activation("relu", name=f"{name}_relu")(x)


def build_conv1d_classifier(input_shape, num_classes, filters=(128, 256, 128), kernel_sizes=(8, 5, 3),
                            classifier_activation=None):
    """A fully convolutional time-series classifier (FCN, Wang, Yan and Oates, 2017).

    One ``conv1d_block`` per entry of ``filters`` ("same" padding, layers named ``block1_*``,
    ``block2_*``, ...), then a global average over time (``pool``) and a Dense layer
    (``predictions``).

    Args:
        input_shape: (steps, channels); steps may be None to accept series of any length.
        num_classes: number of classes.
        filters: output channels of each block.
        kernel_sizes: kernel size of each block, as many as ``filters``.
        classifier_activation: None for logits (the course's convention), or e.g. "softmax".

    Returns:
        A ``keras.Model`` named "fcn" from (batch, steps, channels) to (batch, num_classes).
    """
    if len(filters) != len(kernel_sizes):
        raise ValueError(f"filters and kernel_sizes need one entry per block, got {filters} and {kernel_sizes}.")
    inputs = keras.Input(input_shape, name="series")
    x = inputs
    for block, (width, size) in enumerate(zip(filters, kernel_sizes), start=1):
        x = conv1d_block(x, width, size, name=f"block{block}")
    # The mean over time of each channel: one number per filter, whatever the length.
    x = layers.GlobalAveragePooling1D(name="pool")(x)
    outputs = layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, outputs, name="fcn")


def build_text_cnn(vocab_size, sequence_length, num_classes, embedding_dim=64, filters=128, kernel_size=5,
                   dropout=0.5, classifier_activation=None):
    """A text CNN: word embeddings, one ``conv1d_block`` over them, max over time, a classifier.

    Layers: ``Embedding`` (``embedding``), ``conv1d_block`` with "valid" padding (``conv_*``),
    ``GlobalMaxPooling1D`` (``pool``), ``Dropout`` (``dropout``), ``Dense`` (``predictions``).

    Args:
        vocab_size: number of token ids; ids run from 0 (padding) to vocab_size - 1.
        sequence_length: tokens per text (shorter texts are padded with 0).
        num_classes: number of classes.
        embedding_dim: length of each token's vector.
        filters: channels of the convolution, one per learned phrase detector.
        kernel_size: tokens one filter reads at a time.
        dropout: fraction of the pooled features dropped during training.
        classifier_activation: None for logits (the course's convention), or e.g. "softmax".

    Returns:
        A ``keras.Model`` named "text_cnn" from (batch, sequence_length) int token ids to
        (batch, num_classes).
    """
    inputs = keras.Input((sequence_length,), dtype="int32", name="tokens")
    x = layers.Embedding(vocab_size, embedding_dim, name="embedding")(inputs)
    x = conv1d_block(x, filters, kernel_size, name="conv", padding="valid")
    # The strongest response of each filter anywhere in the text: "is this phrase in there?"
    x = layers.GlobalMaxPooling1D(name="pool")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, outputs, name="text_cnn")


def build_padding_aware_text_cnn(vocab_size, sequence_length, num_classes, embedding_dim=64, filters=64,
                                 kernel_sizes=(3, 5), dropout=0.5, classifier_activation=None):
    """A text CNN that ignores padding, with several kernel sizes side by side (Kim, 2014).

    Token id 0 is padding. The padded positions of the embedded sequence are set to zero, so a
    window that runs past the end of a review reads zeros there, as "same" padding would, and
    not a learned padding vector; after each convolution (with bias and ReLU: no batch norm,
    whose statistics the padding would skew) the padded positions are set to zero again, so
    that the max over time, of responses that are never negative, only picks real words. Beside
    each filter's max ("is this phrase anywhere?") it keeps its mean over the real words only
    ("how much of the review is like this?"), which a plain global average would dilute with
    padding. A short review then looks no different from a long one that happens to end early.

    Layers: ``Embedding`` (``embedding``); per kernel size ``k`` a ``Conv1D`` (``conv{k}``,
    "same" padding), a ``GlobalMaxPooling1D`` (``max{k}``) and the masked mean;
    ``Concatenate`` (``pool``, ``2 * filters * len(kernel_sizes)`` features), ``Dropout``
    (``dropout``), ``Dense`` (``predictions``).

    Args:
        vocab_size: number of token ids; ids run from 0 (padding) to vocab_size - 1.
        sequence_length: tokens per text (shorter texts are padded with 0 at the end).
        num_classes: number of classes.
        embedding_dim: length of each token's vector.
        filters: channels of each convolution.
        kernel_sizes: the window of each convolution, in tokens.
        dropout: fraction of the pooled features dropped during training.
        classifier_activation: None for logits (the course's convention), or e.g. "softmax".

    Returns:
        A ``keras.Model`` named "padding_aware_text_cnn" from (batch, sequence_length) int
        token ids to (batch, num_classes).
    """
    if not kernel_sizes:
        raise ValueError("kernel_sizes needs at least one kernel size, e.g. (3, 5).")
    inputs = keras.Input((sequence_length,), dtype="int32", name="tokens")
    # (batch, steps, 1): 1 on a word, 0 on padding.
    real = ops.expand_dims(ops.cast(ops.not_equal(inputs, 0), "float32"), axis=-1)
    x = layers.Embedding(vocab_size, embedding_dim, name="embedding")(inputs) * real
    words = ops.maximum(ops.sum(real, axis=1), 1.0)  # (batch, 1): real tokens per text, at least 1
    pooled = []
    for size in kernel_sizes:
        responses = layers.Conv1D(filters, size, padding="same", activation="relu", name=f"conv{size}")(x) * real
        pooled.append(layers.GlobalMaxPooling1D(name=f"max{size}")(responses))  # the strongest phrase
        pooled.append(ops.sum(responses, axis=1) / words)  # how often: the mean over the real words only
    x = layers.Concatenate(name="pool")(pooled)
    x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, outputs, name="padding_aware_text_cnn")
