"""The plain-data boundary between checkers and learner code, the harness references, the
registry read from the course manifest, and the in-process round trip that check() uses."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cnnkit.course import manifest
from cnnkit.grading import exercises_of, graded_notebooks, run_checks
from cnnkit.grading.learner import (
    InProcess,
    LearnerError,
    LearnerFunction,
    Stopped,
    answer,
    harness_named,
    harness_reference,
)
from cnnkit.grading.plain import NotPlainData, decode, encode


def round_trip(value):
    return decode(json.loads(json.dumps(encode(value), allow_nan=False)))


def test_numbers_strings_and_containers_arrive_as_built_in_types():
    class Liar(int):
        def __eq__(self, other):
            return True

        __hash__ = int.__hash__

    value = round_trip({"n": Liar(3), "x": np.float32(0.5), "t": (1, [2.0, "a"]), 4: None, "nan": float("nan")})
    assert type(value["n"]) is int and value["n"] == 3 and value["n"] != 4
    assert type(value["x"]) is float and value["t"] == (1, [2.0, "a"]) and value[4] is None
    assert np.isnan(value["nan"])


def test_arrays_are_fresh_copies_of_built_in_dtypes():
    array = np.arange(6, dtype=np.int16).reshape(2, 3)
    copy = round_trip(array)
    assert copy.dtype == np.int16 and np.array_equal(copy, array) and not np.shares_memory(copy, array)
    copy[0, 0] = 99
    assert array[0, 0] == 0
    with pytest.raises(NotPlainData, match="dtype object"):
        encode(np.array([object()]))


def test_callables_and_unknown_objects_do_not_cross():
    with pytest.raises(NotPlainData, match="call_with and a harness"):
        encode(lambda x: x)
    with pytest.raises(NotPlainData, match="not plain data"):
        encode(object())
    with pytest.raises(NotPlainData):
        decode({"pickle": "gASV"})


def test_keras_models_cross_as_config_and_weights_and_custom_layers_are_refused():
    import keras

    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(3, name="scores")(inputs))
    copy = round_trip(model)
    x = np.ones((2, 4), np.float32)
    assert copy is not model and np.allclose(copy(x), model(x))

    class Doubling(keras.layers.Layer):
        def call(self, x):
            return 2 * x

    custom = keras.Model(inputs, Doubling()(inputs))
    with pytest.raises(NotPlainData, match="custom layer classes"):
        round_trip(custom)
    lambda_model = keras.Sequential([keras.Input((4,)), keras.layers.Lambda(lambda x: x + 1)])
    with pytest.raises(NotPlainData, match="custom layer classes and Lambda"):
        round_trip(lambda_model)


def harness_for_tests(func, value):
    return {"result": func(value)}


def test_harnesses_cross_by_name_and_only_from_cnnkit_grading():
    from cnnkit.grading.harnesses import with_tensors

    assert harness_reference(with_tensors) == "cnnkit.grading.harnesses:with_tensors"
    assert harness_named("cnnkit.grading.harnesses:with_tensors") is with_tensors
    with pytest.raises(TypeError, match="module-level function of a cnnkit.grading module"):
        harness_reference(harness_for_tests)
    for reference in ("os:system", "cnnkit.grading.harnesses:np", "cnnkit.grading.harnesses:a.b"):
        with pytest.raises(ValueError):
            harness_named(reference)


def test_learner_exceptions_keep_their_type_name_and_a_failing_str_is_reported():
    class Odd(Exception):
        def __str__(self):
            raise RuntimeError("no")

    def raises_value_error(x):
        raise ValueError("bad x")

    def raises_odd(x):
        raise Odd()

    def exits(x):
        raise SystemExit(3)

    handle = LearnerFunction("f", InProcess({"f": raises_value_error, "g": raises_odd, "h": exits}))
    with pytest.raises(ValueError, match="bad x") as caught:
        handle(1)
    assert isinstance(caught.value, LearnerError)
    with pytest.raises(LearnerError, match="could not be turned into text"):
        handle.sibling("g")(1)
    with pytest.raises(Stopped, match=r"called sys.exit\(3\)"):
        handle.sibling("h")(1)
    assert answer({"f": lambda x: (lambda: 0)}, {"function": "f", "harness": None, "args": encode([1]),
                                                 "kwargs": encode({})}).keys() == {"unplain"}


def test_the_learner_gets_copies_so_the_checker_keeps_its_inputs():
    def zero_everything(x):
        x[...] = 0
        return x.sum()

    x = np.ones(5)
    assert LearnerFunction("f", InProcess({"f": zero_everything}))(x) == 0
    assert np.array_equal(x, np.ones(5))


def test_the_registry_follows_the_course_manifest():
    assert graded_notebooks() == [entry.stem for entry in manifest.NOTEBOOKS if entry.exercises]
    for entry in manifest.NOTEBOOKS:
        assert exercises_of(entry.stem) == list(entry.exercises)


def gram_matrix(features):
    """A wrong gram_matrix, in this module's globals as it would be in a notebook's."""
    return features


def test_a_failing_dependency_is_named_first():
    def style_loss(style_grams, generated_features, layer_weights):
        return 123.0

    result = run_checks("style_loss", style_loss)
    assert not result.passed and result.message.startswith("style_loss uses your gram_matrix")
    assert "fix gram_matrix first" in result.message


def test_the_stop_flag_resets_at_the_start_of_every_grading_call(monkeypatch):
    from cnnkit.grading.batch import jobs, sandbox
    from cnnkit.grading.batch.command import grade
    from cnnkit.grading.batch.manifest import hash_package

    monkeypatch.setattr(sandbox, "_chosen", [None])
    sandbox.choose("limits")  # nothing is graded; any level will do, and this one is had everywhere
    jobs.kill_all()
    assert jobs._STOPPING.is_set()
    grade([], jobs.Limits(), 1, hash_package())
    assert not jobs._STOPPING.is_set()
