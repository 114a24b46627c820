"""Checks for notebook 12, transfer learning and efficient CNNs (MobileNet).

Every exercise here takes Keras objects (a symbolic tensor, a pretrained base, a compiled model),
so each checker calls the learner's function through a harness of this module (``call_with``).
A harness builds those objects, calls the function and returns plain data only: a description
of each layer, the weights, an input and the output, trainable flags. The checker then works out
what the answer must be with its own code: the blocks are recomputed from their own weights by a
NumPy-free reference in ``keras.ops`` (explicit one-pixel padding, ReLU6, a linear projection),
the transfer model's logits from a base the checker builds itself, and the fine-tuning set-up
from the rule "the last n layers of the base, batch norm excepted". Wrong answers are compared
with the known mistakes (a ReLU after the linear bottleneck, a missing shortcut, padding "same"
with stride 2, an unfrozen base, batch norm unfrozen, no recompile...) to name the likely cause.
"""

from __future__ import annotations

import math

import numpy as np

from cnnkit.grading.assertions import call_with, fail, same_values
from cnnkit.grading.core import exercise
from cnnkit.grading.model_checks import SOFTMAX_TWICE

NOTEBOOK = "12_transfer_learning"

CONFIG_KEYS = ("kernel_size", "strides", "padding", "use_bias", "filters", "depth_multiplier", "max_value",
               "negative_slope", "threshold", "epsilon", "rate")
PADDING_HINT = ("Pad explicitly with ZeroPadding2D(1), then use padding='valid': that is PyTorch's padding=1, one "
                "pixel on every side. Keras' padding='same' gives the same numbers at stride 1, but at stride 2 it pads "
                "only the bottom and right, so torchvision's weights would see pixels shifted by one.")
SEED = 12  # of the stand-in base's weights and images
RELU6_HINT = "The activations are ReLU6, layers.ReLU(6.0): a ReLU capped at 6."
BIAS_HINT = "A convolution followed by batch normalisation has no bias: use_bias=False (batch norm's beta replaces it)."


# --------------------------------------------------------------------------- harnesses (plain data out)
def _plain(value):
    """A layer-config value as plain data (tuples of ints, strings, numbers, None)."""
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):  # a serialised activation
        return value.get("config", {}).get("name") or value.get("class_name")
    return str(value)


def _describe_layer(layer) -> dict:
    config = layer.get_config()
    info = {"class": type(layer).__name__, "name": layer.name,
            **{key: _plain(config[key]) for key in CONFIG_KEYS if key in config}}
    if "activation" in config:
        info["activation"] = getattr(layer.activation, "__name__", str(config["activation"]))
    if info["class"] == "Activation":
        info["activation"] = _plain(config.get("activation"))
    if info["class"] == "ZeroPadding2D":
        info["padding"] = _plain(config.get("padding"))
    return info


def block_harness(block, input_shape, **kwargs):
    """Call ``block(keras.Input(input_shape), **kwargs)``, give every batch norm random statistics, run the
    block on a random batch and describe it: ``{"layers", "weights", "output_shape", "params", "x", "y"}``
    (``"error"`` instead when the block returned no tensor computed from its input)."""
    import keras

    inputs = keras.Input(shape=input_shape)
    out = block(inputs, **kwargs)
    if out is None:
        return {"error": "None"}
    try:
        model = keras.Model(inputs, out)
    except Exception as error:  # noqa: BLE001 - not a tensor computed from the input
        return {"error": type(error).__name__}
    rng = np.random.default_rng(sum(input_shape))
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            c = layer.gamma.shape[0]
            # beta up to +-6 so that ReLU6's cap is reached: a plain ReLU then gives another answer.
            layer.set_weights([rng.uniform(0.5, 2.0, c), rng.normal(0, 3.0, c), rng.normal(0, 0.3, c),
                               rng.uniform(0.5, 1.5, c)])
    x = rng.normal(0, 2.0, size=(2, *input_shape)).astype("float32")
    body = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    return {"layers": [_describe_layer(layer) for layer in body],
            "weights": [[np.asarray(w) for w in layer.get_weights()] for layer in body],
            "output_shape": tuple(model.output.shape), "params": int(model.count_params()),
            "x": x, "y": np.asarray(model(x, training=False))}


def _small_base(seed):
    """A stand-in for a pretrained base: (16, 16, 3) -> (8, 8, 8), with batch norm, fixed weights."""
    import keras
    from keras import layers

    inputs = keras.Input((16, 16, 3), name="image")
    x = layers.Conv2D(6, 3, strides=2, padding="same", use_bias=False, name="conv1")(inputs)
    x = layers.BatchNormalization(name="bn1")(x)
    x = layers.ReLU(6.0, name="relu1")(x)
    x = layers.Conv2D(8, 1, use_bias=False, name="conv2")(x)
    x = layers.BatchNormalization(name="bn2")(x)
    x = layers.ReLU(6.0, name="relu2")(x)
    base = keras.Model(inputs, x, name="pretrained_base")
    rng = np.random.default_rng(seed)
    for layer in base.layers:
        if isinstance(layer, layers.Conv2D):
            layer.set_weights([rng.normal(0, 0.5, layer.kernel.shape)])
        elif isinstance(layer, layers.BatchNormalization):
            c = layer.gamma.shape[0]
            layer.set_weights([rng.uniform(0.5, 1.5, c), rng.normal(0, 0.5, c), rng.normal(0, 0.5, c),
                               rng.uniform(0.5, 1.5, c)])
    return base


def _images(seed, count=8):
    return np.random.default_rng(seed + 1).uniform(0, 1, (count, 16, 16, 3)).astype("float32")


def _snapshot(model):
    return [w.numpy().copy() for w in model.weights]


def _train_step(model, x, labels):
    """One SGD step as fit takes it (training=True, batch norm statistics updated), without compiling."""
    import keras
    import tensorflow as tf

    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        value = loss(labels, model(x, training=True))
    weights = model.trainable_weights
    if weights:
        keras.optimizers.SGD(0.1).apply(tape.gradient(value, weights), weights)


def transfer_harness(build, num_classes, **kwargs):
    """Call ``build(base, num_classes, **kwargs)`` on a small base, run the model, train it for one step,
    and describe what happened (plain data; ``"error"`` when no Keras model came back)."""
    import keras

    base = _small_base(SEED)
    model = build(base, num_classes, **kwargs)
    if not isinstance(model, keras.Model):
        return {"error": type(model).__name__}
    x = _images(SEED)
    info = {"holds_base": any(layer is base for layer in model.layers),
            "output_shape": tuple(model.output.shape),
            "head": [_describe_layer(layer) for layer in model.layers
                     if layer is not base and not isinstance(layer, keras.layers.InputLayer)],
            "base_weights_trainable": sum(any(w is v for v in model.trainable_weights) for w in base.weights),
            "x": x, "y": np.asarray(model(x, training=False))}
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    info["dense"] = [np.asarray(w) for w in dense[-1].get_weights()] if dense else None
    if info["output_shape"] != (None, num_classes):
        return info  # the checker reports the shape; a training step would only crash
    before_base, before_model = _snapshot(base), _snapshot(model)
    _train_step(model, x, np.arange(len(x)) % num_classes)
    after_base = _snapshot(base)
    info["base_changed"] = [not np.array_equal(a, b) for a, b in zip(before_base, after_base)]
    info["base_weight_names"] = [w.path for w in base.weights]
    base_ids = {id(w) for w in base.weights}
    info["head_changed"] = any(not np.array_equal(a, w.numpy()) for a, w in zip(before_model, model.weights)
                               if id(w) not in base_ids)
    return info


def reference_transfer_model(base, num_classes):
    """The checker's own transfer model: frozen base, pooling, a Dense classifier (logits)."""
    import keras
    from keras import layers

    base.trainable = False
    inputs = keras.Input(base.input.shape[1:])
    x = layers.GlobalAveragePooling2D()(base(inputs, training=False))
    return keras.Model(inputs, layers.Dense(num_classes)(layers.Dropout(0.2)(x)))


def unfreeze_harness(unfreeze, n_layers, learning_rate):
    """Build and compile a transfer model (with its training function made, as after a first fit), call
    ``unfreeze(model, n_layers, learning_rate=...)`` and describe the model afterwards (plain data)."""
    import keras

    base = _small_base(SEED)
    model = reference_transfer_model(base, 3)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.make_train_function()  # compile() resets it: that is how the checker sees a recompile
    returned = unfreeze(model, n_layers, learning_rate=learning_rate)
    trainable = {id(w) for w in model.trainable_weights}
    optimizer = getattr(model, "optimizer", None)
    rate = getattr(optimizer, "learning_rate", None)
    return {"returned_model": returned is model,
            "recompiled": getattr(model, "train_function", "missing") is None,
            "learning_rate": float(np.asarray(rate)) if rate is not None else None,
            "base_layers": [(layer.name, type(layer).__name__, bool(layer.weights),
                             any(id(w) in trainable for w in layer.weights)) for layer in base.layers],
            "head_trainable": all(id(w) in trainable for layer in model.layers if layer is not base
                                  for w in layer.trainable_weights) and bool(model.layers[-1].trainable)}


# --------------------------------------------------------------------------- the checker's reference blocks
def _bn(y, weights, epsilon):
    gamma, beta, mean, variance = weights
    return gamma * (y - mean) / np.sqrt(variance + epsilon) + beta


def _depthwise(y, kernel, stride):
    import keras

    padded = keras.ops.pad(y, [[0, 0], [1, 1], [1, 1], [0, 0]])
    return np.asarray(keras.ops.depthwise_conv(padded, np.asarray(kernel, np.float64), strides=stride, padding="valid"))


def _pointwise(y, kernel):
    import keras

    return np.asarray(keras.ops.conv(y, np.asarray(kernel, np.float64), padding="valid"))


def _relu6(y):
    return np.clip(y, 0.0, 6.0)


def _relu(y):
    return np.maximum(y, 0.0)


# --------------------------------------------------------------------------- block checks
def _run_block(func, input_shape, kwargs):
    args_text = ", ".join(f"{key}={value!r}" for key, value in kwargs.items() if key != "name")
    text = f"{func.__name__}(x of shape {(None, *input_shape)}, {args_text})"
    info = call_with(block_harness, func, input_shape, **kwargs)
    if info.get("error") == "None":
        fail(text, "returned None.", "Did you forget the `return` statement?")
    if "error" in info:
        fail(text, f"did not return a tensor computed from x ({info['error']}).",
             "Return the output of the last layer, called on the block's input.")
    return info, text


def _check_block_shape(info, text, input_shape, filters, stride):
    h, w, _ = input_shape
    expected = (None, math.ceil(h / stride), math.ceil(w / stride), filters)
    got = info["output_shape"]
    if got == expected:
        return
    if len(got) == 4 and got[1:3] == (h, w) and stride != 1:
        hint = "The size did not shrink: give the depthwise convolution the stride."
    elif len(got) == 4 and got[1:3] == (h - 2, w - 2):
        hint = "The 3x3 convolution lost a pixel on each side: pad by one pixel first (ZeroPadding2D(1))."
    elif len(got) == 4 and got[3] != filters:
        hint = f"The last 1x1 convolution must output `filters` = {filters} channels."
    else:
        hint = "Pad by one pixel, then the 3x3 depthwise convolution with the stride and padding 'valid'."
    fail(text, f"output has shape {got}, expected {expected}.", hint)


def _convolutions(info):
    """(layer description, weights) of each convolution, in order."""
    return [(layer, weights) for layer, weights in zip(info["layers"], info["weights"])
            if layer["class"] in ("Conv2D", "DepthwiseConv2D")]


def _batch_norms(info):
    return [(layer, weights) for layer, weights in zip(info["layers"], info["weights"])
            if layer["class"] == "BatchNormalization"]


def _check_structure(info, text, kinds):
    """``kinds``: the expected convolutions in order, e.g. ["pointwise", "depthwise", "pointwise"]."""
    convs = _convolutions(info)
    names = ["depthwise" if layer["class"] == "DepthwiseConv2D" else
             "pointwise" if tuple(layer["kernel_size"]) == (1, 1) else f"{layer['kernel_size'][0]}x{layer['kernel_size'][1]}"
             for layer, _ in convs]
    if any(name not in ("depthwise", "pointwise") for name in names):
        fail(text, f"found the convolutions {names}, expected {kinds}.",
             "The 3x3 filtering is a DepthwiseConv2D (one 3x3 filter per channel, no mixing between "
             "channels), not a Conv2D: that is where the savings come from.")
    if names != kinds:
        if sorted(names) == sorted(kinds):
            hint = "The order is wrong: " + " -> ".join(kinds) + "."
        elif names.count("pointwise") > kinds.count("pointwise"):
            hint = ("There is one 1x1 convolution too many. With expansion == 1 there is nothing to expand: skip "
                    "the expansion layer." if kinds[0] == "depthwise" else "Check the list of layers.")
        elif names.count("pointwise") < kinds.count("pointwise"):
            hint = ("The expansion is missing: a 1x1 convolution to c_in * expansion channels comes first when "
                    "expansion != 1." if kinds[0] == "pointwise" and len(kinds) == 3 else "A 1x1 convolution is missing.")
        else:
            hint = "Check the list of layers."
        fail(text, f"found the convolutions {names}, expected {kinds}.", hint)
    if any(layer.get("use_bias") for layer, _ in convs):
        fail(text, "a convolution has a bias.", BIAS_HINT)
    if len(_batch_norms(info)) != len(kinds):
        fail(text, f"found {len(_batch_norms(info))} BatchNormalization layers, expected {len(kinds)}.",
             "Every convolution is followed by batch normalisation (batch_norm(name)).")
    for layer, _ in convs:
        if layer.get("activation", "linear") != "linear":
            fail(text, f"the convolution {layer['name']} has activation {layer['activation']}.",
                 "Apply the activation after batch normalisation, as a layer of its own, not inside the convolution.")
    return convs


def _check_strides_and_padding(info, text, stride):
    for layer, _ in _convolutions(info):
        strides = tuple(layer["strides"])
        if layer["class"] == "DepthwiseConv2D":
            if strides != (stride, stride):
                fail(text, f"the depthwise convolution has strides {strides}, expected {(stride, stride)}.",
                     "The stride belongs on the 3x3 depthwise convolution; the 1x1 convolutions have stride 1.")
            if layer["padding"] == "same":
                fail(text, "the depthwise convolution uses padding='same'.", PADDING_HINT)
        elif strides != (1, 1):
            fail(text, f"the 1x1 convolution {layer['name']} has strides {strides}.",
                 "The stride belongs on the 3x3 depthwise convolution; the 1x1 convolutions have stride 1.")
    pads = [layer for layer in info["layers"] if layer["class"] == "ZeroPadding2D"]
    if not pads:
        fail(text, "there is no ZeroPadding2D layer.", PADDING_HINT)


def _compare_variants(info, text, variants):
    """``variants``: (name, output) pairs, the right answer first; fail naming the variant that matches."""
    got = np.asarray(info["y"], dtype=np.float64)
    (_, expected), *wrong = variants
    if not np.all(np.isfinite(got)):
        fail(text, "the output holds NaN or infinity.")
    if same_values(got, expected, atol=1e-4):
        return
    for hint, output in wrong:
        if output is not None and same_values(got, output, atol=1e-4):
            fail(text, "the output differs from the block recomputed from its own weights.", hint)
    fail(text, "the output differs from the block recomputed from its own weights.",
         "Check the order: convolution -> batch norm -> activation for each step, and where the activations go.")


def _depthwise_separable_variants(info, stride):
    (dw, dw_w), (pw, pw_w) = _convolutions(info)
    (bn1, bn1_w), (bn2, bn2_w) = _batch_norms(info)
    x = np.asarray(info["x"], dtype=np.float64)

    def forward(act_dw, act_pw):
        y = act_dw(_bn(_depthwise(x, dw_w[0], stride), bn1_w, bn1["epsilon"]))
        return act_pw(_bn(_pointwise(y, pw_w[0]), bn2_w, bn2["epsilon"]))

    identity = lambda y: y  # noqa: E731
    return [("", forward(_relu6, _relu6)),
            (RELU6_HINT, forward(_relu, _relu)),
            ("The depthwise step needs its activation too: DepthwiseConv2D -> BN -> ReLU6, then the 1x1 "
             "convolution.", forward(identity, _relu6)),
            ("The block ends with an activation: Conv 1x1 -> BN -> ReLU6.", forward(_relu6, identity))]


@exercise(NOTEBOOK)
def check_depthwise_separable_block(depthwise_separable_block):
    for index, (input_shape, filters, stride) in enumerate([((8, 8, 6), 10, 1), ((8, 8, 4), 8, 2), ((7, 7, 3), 5, 2)]):
        kwargs = {"filters": filters, "stride": stride, "name": f"ds{index}"}
        info, text = _run_block(depthwise_separable_block, input_shape, kwargs)
        _check_structure(info, text, ["depthwise", "pointwise"])
        _check_strides_and_padding(info, text, stride)
        _check_block_shape(info, text, input_shape, filters, stride)
        c_in = input_shape[-1]
        expected = 9 * c_in + c_in * filters + 4 * (c_in + filters)
        if info["params"] != expected:
            fail(text, f"has {info['params']} parameters, expected {expected}.",
                 "Depthwise 3x3 (9 weights per input channel), 1x1 convolution (c_in * filters), and two batch norms.")
        _compare_variants(info, text, _depthwise_separable_variants(info, stride))


def _inverted_variants(info, stride, residual):
    convs = _convolutions(info)
    bns = _batch_norms(info)
    x = np.asarray(info["x"], dtype=np.float64)
    expand = len(convs) == 3

    def forward(act=_relu6, last=lambda y: y, add=residual):
        y, index = x, 0
        if expand:
            y = act(_bn(_pointwise(y, convs[0][1][0]), bns[0][1], bns[0][0]["epsilon"]))
            index = 1
        y = act(_bn(_depthwise(y, convs[index][1][0], stride), bns[index][1], bns[index][0]["epsilon"]))
        y = last(_bn(_pointwise(y, convs[index + 1][1][0]), bns[index + 1][1], bns[index + 1][0]["epsilon"]))
        return y + x if add else y

    return [("", forward()),
            ("The projection is linear: no activation after its batch norm (a ReLU there would throw away "
             "everything negative in the narrow bottleneck, the information the next block needs).",
             forward(last=_relu6)),
            ("The projection is linear: no activation after its batch norm (a ReLU there would throw away "
             "everything negative in the narrow bottleneck, the information the next block needs).",
             forward(last=_relu6, add=False) if residual else None),
            ("The shortcut is missing: with stride 1 and as many input as output channels, add the block's input "
             "to the projection's output.", forward(add=False) if residual else None),
            (RELU6_HINT, forward(act=_relu)),
            ("There is an activation after the addition: the block ends with the sum, no ReLU.",
             _relu6(forward()) if residual else None)]


@exercise(NOTEBOOK)
def check_inverted_residual_block(inverted_residual_block):
    cases = [((8, 8, 8), 8, 6, 1), ((8, 8, 8), 12, 6, 2), ((8, 8, 8), 8, 1, 1), ((8, 8, 4), 6, 3, 1),
             ((7, 7, 4), 4, 2, 2)]
    for index, (input_shape, filters, expansion, stride) in enumerate(cases):
        c_in = input_shape[-1]
        kwargs = {"filters": filters, "expansion": expansion, "stride": stride, "name": f"ir{index}"}
        info, text = _run_block(inverted_residual_block, input_shape, kwargs)
        kinds = (["pointwise"] if expansion != 1 else []) + ["depthwise", "pointwise"]
        convs = _check_structure(info, text, kinds)
        _check_strides_and_padding(info, text, stride)
        _check_block_shape(info, text, input_shape, filters, stride)
        hidden = c_in * expansion
        if expansion != 1 and convs[0][0].get("filters") != hidden:
            fail(text, f"the expansion has {convs[0][0].get('filters')} filters, expected c_in * expansion = {hidden}.",
                 "The expansion widens the block's INPUT channels by the factor t: c_in * expansion (not filters * "
                 "expansion).")
        expected = (c_in * hidden + 4 * hidden if expansion != 1 else 0) + 9 * hidden + 4 * hidden + hidden * filters \
            + 4 * filters
        if info["params"] != expected:
            fail(text, f"has {info['params']} parameters, expected {expected}.",
                 "Expand 1x1 (when expansion != 1), depthwise 3x3, project 1x1 to `filters`, each with batch norm.")
        residual = stride == 1 and c_in == filters
        adds = [layer for layer in info["layers"] if layer["class"] == "Add"]
        if adds and not residual:
            fail(text, "the block adds a shortcut although input and output shapes differ.",
                 "Add the input only when stride == 1 and c_in == filters.")
        _compare_variants(info, text, _inverted_variants(info, stride, residual))


# --------------------------------------------------------------------------- transfer learning
def _reference_logits(info):
    """Logits recomputed from a fresh copy of the base and the learner's Dense weights."""
    base = _small_base(SEED)
    features = np.asarray(base(info["x"], training=False), dtype=np.float64).mean(axis=(1, 2))
    kernel, *bias = info["dense"]
    return features @ kernel + (bias[0] if bias else 0.0)


@exercise(NOTEBOOK)
def check_build_transfer_model(build_transfer_model):
    num_classes = 5
    text = f"build_transfer_model(base, {num_classes})"
    info = call_with(transfer_harness, build_transfer_model, num_classes)
    if "error" in info:
        fail(text, f"returned {info['error']}, expected a keras.Model.",
             "Return keras.Model(inputs, outputs)." if info["error"] == "NoneType" else None)
    if not info["holds_base"]:
        fail(text, "the model does not hold the base as one of its layers.",
             "Start from a new keras.Input and call the base on it like a layer: features = base(inputs, "
             "training=False); the whole base then is one layer of the new model.")
    shape = info["output_shape"]
    if shape != (None, num_classes):
        hint = ("Pool the feature maps to one vector per image first (GlobalAveragePooling2D), then the Dense "
                "classifier." if len(shape) == 4 else
                "The classifier needs num_classes units." if len(shape) == 2 else "Check the head's layers.")
        fail(text, f"the output has shape {shape}, expected (None, {num_classes}).", hint)
    if info["base_weights_trainable"] or any(info["base_changed"]):
        changed = [name for name, moved in zip(info["base_weight_names"], info["base_changed"]) if moved]
        fail(text, f"training changed the pretrained base ({len(changed)} of its weights and statistics, e.g. "
                   f"{changed[0] if changed else 'its trainable weights'}).",
             "Freeze the base before training: base.trainable = False. In Keras 3 a frozen batch-norm layer also "
             "runs in inference mode, so its ImageNet statistics stay as they are.")
    y = np.asarray(info["y"], dtype=np.float64)
    if np.all(y >= 0) and np.allclose(y.sum(axis=1), 1.0, atol=1e-4):
        fail(text, "the model outputs probabilities, not logits.", SOFTMAX_TWICE)
    if info["dense"] is None:
        fail(text, "the model has no Dense layer.", "The head ends with Dense(num_classes): the new classifier.")
    classes = [layer["class"] for layer in info["head"]]
    if "GlobalAveragePooling2D" not in classes:
        fail(text, f"the head is {classes}.", "Pool with GlobalAveragePooling2D: one number per channel.")
    if not same_values(y, _reference_logits(info), atol=1e-4):
        fail(text, "the logits differ from Dense(GlobalAveragePooling2D(base(images))).",
             "The head is GlobalAveragePooling2D -> Dropout -> Dense(num_classes), applied to the base's output.")
    info = call_with(transfer_harness, build_transfer_model, num_classes, dropout=0.4)
    rates = [layer.get("rate") for layer in info["head"] if layer["class"] == "Dropout"]
    if rates != [0.4]:
        fail(f"build_transfer_model(base, {num_classes}, dropout=0.4)", f"found dropout rates {rates}, expected [0.4].",
             "Put one Dropout(dropout) layer between the pooling and the classifier.")
    if not info["head_changed"]:
        fail(text, "training did not change the head.", "The new classifier must stay trainable.")


def _unfreeze_hint(layers_, got, expected, n_layers):
    """The likely cause of a wrong set of trainable base layers."""
    plain = [index for index, (_, kind, has, _) in enumerate(layers_) if has and kind != "BatchNormalization"]
    got_plain, expected_plain = [got[i] for i in plain], [expected[i] for i in plain]
    if got_plain != expected_plain:
        if n_layers == 0 and all(got_plain):
            return ("n_layers=0 unfroze everything: base.layers[-0:] is the whole list. Count the first unfrozen "
                    "index as len(base.layers) - n_layers.")
        if not any(got) and any(expected):
            return ("Nothing in the base is trainable: set base.trainable = True, then freeze again every layer "
                    "below the top n_layers.")
        if sum(got_plain) > sum(expected_plain):
            return ("Too much of the base is unfrozen: only its last n_layers layers train; the earlier layers hold "
                    "general features that a few labelled images would only spoil.")
        return "Unfreeze exactly the last n_layers layers of the base (batch norm excepted)."
    return ("Batch-norm layers stay frozen. In Keras 3 a trainable BatchNormalization layer runs in training mode "
            "inside fit (the base's training=False does not hold there): it would normalise with the statistics of "
            "each small batch and overwrite the ImageNet ones.")


@exercise(NOTEBOOK)
def check_unfreeze_top(unfreeze_top):
    rate = 2e-5
    for n_layers in (3, 0, 7, 5):
        text = f"unfreeze_top(model, n_layers={n_layers}, learning_rate={rate})"
        info = call_with(unfreeze_harness, unfreeze_top, n_layers, learning_rate=rate)
        layers_ = info["base_layers"]
        first = len(layers_) - n_layers
        expected = [index >= first and kind != "BatchNormalization" and has
                    for index, (_, kind, has, _) in enumerate(layers_)]
        got = [trainable for *_, trainable in layers_]
        if got != expected:
            want = [name for (name, *_), on in zip(layers_, expected) if on]
            have = [name for (name, *_), on in zip(layers_, got) if on]
            fail(text, f"the trainable layers of the base are {have}, expected {want}.",
                 _unfreeze_hint(layers_, got, expected, n_layers))
        if not info["head_trainable"]:
            fail(text, "the head is frozen.", "The new classifier keeps training during fine-tuning.")
        if not info["recompiled"]:
            fail(text, "the model was not compiled again.",
                 "A change of trainable takes effect only at the next compile: call model.compile(...) after "
                 "unfreezing (compile_classifier(model, learning_rate)).")
        if info["learning_rate"] is None or not np.isclose(info["learning_rate"], rate, rtol=1e-3):
            fail(text, f"the optimiser's learning rate is {info['learning_rate']}, expected {rate}.",
                 "Compile with the learning_rate argument: fine-tuning uses a low rate, so that the pretrained "
                 "weights move only a little.")
        if not info["returned_model"]:
            fail(text, "did not return the model.", "Return the model after compiling it.")
