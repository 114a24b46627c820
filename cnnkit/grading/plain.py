"""Plain data: the only values that cross between a checker and a learner's code.

A checker never holds an object the learner's code made, and the learner's code never holds
one the checker keeps. Every argument and every result is turned into JSON-ready *plain
data* by :func:`encode` and rebuilt as a fresh object by :func:`decode`:

* ``None``, ``bool``, ``str``; integers through ``operator.index`` and reals through ``float``
  (an ``int`` subclass whose ``__eq__`` lies arrives as a plain ``int``);
* arrays (NumPy arrays, tensors, variables: anything ``np.asarray`` takes) of a built-in
  numeric or boolean dtype, rebuilt as new NumPy arrays from their bytes;
* lists, tuples and dicts (string or integer keys) of these;
* Keras objects (models and layers, optimisers, losses, learning-rate schedules) as their
  configuration plus, for layers, their weights, rebuilt by Keras in safe mode: a ``Lambda``
  layer or a class Keras does not know (a custom layer) is refused with a message.

A callable cannot cross: a checker that must hand the learner's function a callable, a
tensor or an optimiser uses :func:`cnnkit.grading.assertions.call_with` and a harness.
"""

from __future__ import annotations

import base64
import json
import math
import operator
from typing import Any

import numpy as np

#: Array dtypes that may cross (object, string and structured dtypes may not).
ARRAY_DTYPES = frozenset({"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                          "float16", "float32", "float64", "complex64", "complex128"})
#: How deeply lists, tuples and dicts may nest.
MAX_DEPTH = 32
#: The most bytes of array data one value may carry.
MAX_ARRAY_BYTES = 256 * 2**20
#: The most parameters a Keras model rebuilt from a configuration may have, estimated from the
#: configuration before anything is built (ResNet-50 has 25.6 million).
MAX_PARAMETERS = 64_000_000


class ArchitectureOnly:
    """Wraps a Keras model whose architecture alone should cross, without its weights (for a
    checker that only counts parameters of a large model); it arrives with fresh weights."""

    def __init__(self, model: Any):
        self.model = model


class NotPlainData(TypeError):
    """A value that cannot cross between the checker and the learner's code; the message says why."""


def encode(value: Any, _depth: int = 0) -> Any:
    """``value`` as JSON-ready plain data (see the module's docstring), or :class:`NotPlainData`."""
    if _depth > MAX_DEPTH:
        raise NotPlainData(f"the value nests more than {MAX_DEPTH} levels deep.")
    if value is None or type(value) is str:
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (int, np.integer)):
        return operator.index(value) if type(value) is int else int(operator.index(value))
    if isinstance(value, (float, np.floating)):
        return _float(float(value))
    if isinstance(value, (list, tuple)):
        kind = "tuple" if isinstance(value, tuple) else "list"
        return {kind: [encode(item, _depth + 1) for item in list.__iter__(list(value))]}
    if isinstance(value, dict):
        return {"dict": [[_key(key), encode(item, _depth + 1)] for key, item in list(dict.items(value))]}
    if isinstance(value, ArchitectureOnly):
        return _keras_config(value.model, with_weights=False) or encode(value.model, _depth + 1)
    keras_object = _keras_config(value)
    if keras_object is not None:
        return keras_object
    if hasattr(value, "__array__") or isinstance(value, np.ndarray) or _is_tensor(value):
        return _array(value)
    if callable(value):
        raise NotPlainData(f"a callable ({type(value).__name__}) cannot cross to or from the learner's code; "
                           "a checker passes it with call_with and a harness.")
    raise NotPlainData(f"a {type(value).__name__} is not plain data (arrays, numbers, strings, None, lists, "
                       "tuples and dicts of these, or Keras models).")


def _float(number: float) -> Any:
    return number if math.isfinite(number) else {"float": repr(number)}


def _key(key: Any) -> Any:
    if isinstance(key, str):
        return str.__str__(key)
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        return {"int": int(operator.index(key))}
    raise NotPlainData(f"a dict key must be a string or an integer, found {type(key).__name__}.")


def _is_tensor(value: Any) -> bool:
    return type(value).__module__.startswith(("tensorflow", "keras"))


def _array(value: Any) -> dict:
    array = np.asarray(value)
    if not isinstance(array, np.ndarray):
        raise NotPlainData(f"{type(value).__name__} did not convert to a NumPy array.")
    dtype = array.dtype.name
    if dtype not in ARRAY_DTYPES:
        raise NotPlainData(f"arrays of dtype {dtype} cannot cross; use numbers or booleans.")
    if array.nbytes > MAX_ARRAY_BYTES:
        raise NotPlainData(f"an array of {array.nbytes / 2**20:.0f} MB is larger than the "
                           f"{MAX_ARRAY_BYTES / 2**20:.0f} MB allowed.")
    data = np.ascontiguousarray(array).tobytes()
    return {"array": {"dtype": dtype, "shape": [int(n) for n in array.shape],
                      "data": base64.b64encode(data).decode("ascii")}}


def _keras_config(value: Any, with_weights: bool = True) -> dict | None:
    """A Keras object as ``{"keras": {"config", "weights"}}``; None for anything else."""
    if not type(value).__module__.startswith("keras"):
        return None
    import keras

    kinds = (keras.layers.Layer, keras.optimizers.Optimizer, keras.losses.Loss,
             keras.optimizers.schedules.LearningRateSchedule)
    if not isinstance(value, kinds):
        return None
    config = keras.saving.serialize_keras_object(value)
    weights = [_array(w) for w in value.get_weights()] if with_weights and isinstance(value, keras.layers.Layer) else []
    try:
        text = json.dumps(config)
    except (TypeError, ValueError) as error:
        raise NotPlainData(f"the configuration of {type(value).__name__} is not plain data ({error}).") from None
    return {"keras": {"config": text, "weights": weights}}


# ------------------------------------------------------------------ decoding
def decode(data: Any, _depth: int = 0) -> Any:
    """A fresh value from what :func:`encode` made; :class:`NotPlainData` for anything else."""
    if _depth > MAX_DEPTH:
        raise NotPlainData(f"the value nests more than {MAX_DEPTH} levels deep.")
    if data is None or type(data) in (bool, str):
        return data
    if type(data) is int:
        return int(data)
    if type(data) is float:
        return float(data)
    if type(data) is not dict or len(data) != 1:
        raise NotPlainData(f"unexpected {type(data).__name__} in plain data.")
    (kind, body), = data.items()
    if kind in ("list", "tuple") and type(body) is list:
        items = [decode(item, _depth + 1) for item in body]
        return items if kind == "list" else tuple(items)
    if kind == "dict" and type(body) is list:
        return {_decode_key(pair): decode(pair[1], _depth + 1) for pair in body}
    if kind == "float" and body in ("nan", "inf", "-inf"):
        return float(body)
    if kind == "array" and type(body) is dict:
        return _decode_array(body)
    if kind == "keras" and type(body) is dict:
        return _decode_keras(body)
    raise NotPlainData(f"unknown kind of plain data {kind!r}.")


def _decode_key(pair: Any) -> Any:
    if type(pair) is not list or len(pair) != 2:
        raise NotPlainData("a dict entry is not a [key, value] pair.")
    key = pair[0]
    if type(key) is str:
        return key
    if type(key) is dict and set(key) == {"int"} and type(key["int"]) is int:
        return key["int"]
    raise NotPlainData("a dict key is neither a string nor an integer.")


def _decode_array(body: dict) -> np.ndarray:
    dtype, shape, data = body.get("dtype"), body.get("shape"), body.get("data")
    if dtype not in ARRAY_DTYPES or type(shape) is not list or type(data) is not str:
        raise NotPlainData("a malformed array.")
    if not all(type(n) is int and n >= 0 for n in shape):
        raise NotPlainData("an array with a malformed shape.")
    raw = base64.b64decode(data, validate=True)
    if len(raw) != math.prod(shape) * np.dtype(dtype).itemsize:
        raise NotPlainData("an array whose data does not match its shape.")
    return np.frombuffer(raw, dtype=np.dtype(dtype)).reshape(shape).copy()


def _decode_keras(body: dict) -> Any:
    import keras

    text, weights = body.get("config"), body.get("weights")
    if type(text) is not str or type(weights) is not list:
        raise NotPlainData("a malformed Keras object.")
    config = json.loads(text)
    estimate = estimate_parameters(config)
    if estimate > MAX_PARAMETERS:
        raise NotPlainData(f"the {_class_name(config)} would have about {estimate:,} parameters, more than the "
                           f"{MAX_PARAMETERS:,} the grader builds: check the layers' sizes.")
    try:
        value = keras.saving.deserialize_keras_object(config, safe_mode=True)
    except Exception as error:  # noqa: BLE001 - Keras raises several types for unknown classes
        reason = str(error).split("\n")[0][:200]
        raise NotPlainData(
            f"Keras could not rebuild the {_class_name(config)} from its configuration ({reason}). Build models "
            "from Keras' own layers only: custom layer classes and Lambda layers cannot be graded.") from None
    if weights:
        value.set_weights([_decode_array(w.get("array")) if type(w) is dict else None for w in weights])
    return value


def _dims(value: Any) -> list[int]:
    return [n for n in value if type(n) is int and n > 0] if isinstance(value, (list, tuple)) else []


def estimate_parameters(config: Any) -> int:
    """A generous estimate of the parameters of the Keras objects in a configuration, read from
    the numbers in it (units, filters, kernel sizes, input shapes) without building anything.
    A layer's input width is its ``build_config`` shape where given, else the largest width seen."""
    total, widest = 0, 1
    stack = [config]
    layers = []
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            inner = item.get("config")
            if isinstance(inner, dict) and "class_name" in item:
                layers.append((item, inner))
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    for _, inner in layers:
        for key in ("batch_shape", "batch_input_shape", "shape"):
            widest = max(widest, math.prod(_dims(inner.get(key))) if _dims(inner.get(key)) else 1)
    for item, inner in layers:
        built = item.get("build_config", {}) if isinstance(item.get("build_config"), dict) else {}
        shape = _dims(built.get("input_shape"))
        width = shape[-1] if shape else widest
        kernel = math.prod(_dims(inner.get("kernel_size"))) if _dims(inner.get("kernel_size")) else 1
        sizes = [inner.get(key) for key in ("units", "filters", "output_dim", "input_dim", "depth_multiplier")]
        sizes = [n for n in sizes if type(n) is int and n > 0]
        for n in sizes:
            total += kernel * width * n + n
            widest = max(widest, n)
    return total


def _class_name(config: Any) -> str:
    return str(config.get("class_name", "object"))[:60] if isinstance(config, dict) else "object"
