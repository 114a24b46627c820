"""The exercise loader: only imports and exercise definitions run; broken cells cost only
their own exercise; unreadable notebooks give clear errors."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from cnnkit.grading import NotebookError, load_exercises, run_checks


def write(tmp_path, cells, name="nb.ipynb"):
    path = tmp_path / name
    nbformat.write(new_notebook(cells=cells), path)
    return path


def test_only_imports_and_exercise_definitions_run(tmp_path):
    path = write(tmp_path, [
        new_markdown_cell("# title"),
        new_code_cell("import numpy as np\n%matplotlib inline\n!echo hi"),
        new_code_cell("raise RuntimeError('a training cell that must not run')"),
        new_code_cell("# EXERCISE: conv_output_size\ndef conv_output_size(n, f, pad, stride):\n"
                      "    return int(np.floor((n + 2 * pad - f) / stride)) + 1\n\n"
                      "raise RuntimeError('top-level code in an exercise cell must not run')"),
    ])
    functions = load_exercises(path)
    assert list(functions) == ["conv_output_size"]
    assert run_checks("conv_output_size", functions["conv_output_size"]).passed


def test_syntax_error_costs_only_its_exercise(tmp_path):
    path = write(tmp_path, [
        new_code_cell("# EXERCISE: zero_pad\ndef zero_pad(X, pad)\n    return X"),
        new_code_cell("# EXERCISE: conv_param_count\ndef conv_param_count(kh, kw, c_in, c_out, bias=True):\n"
                      "    return kh * kw * c_in * c_out + (c_out if bias else 0)"),
    ])
    functions = load_exercises(path)
    broken = run_checks("zero_pad", functions["zero_pad"])
    assert not broken.passed and "does not run" in broken.message and "line 2" in broken.message
    assert run_checks("conv_param_count", functions["conv_param_count"]).passed


def test_definition_that_fails_at_definition_time_costs_only_its_exercise(tmp_path):
    path = write(tmp_path, [new_code_cell("# EXERCISE: zero_pad\ndef zero_pad(X, pad=undefined_name):\n    return X")])
    result = run_checks("zero_pad", load_exercises(path)["zero_pad"])
    assert not result.passed and "NameError" in result.message


def test_renamed_function_is_reported(tmp_path):
    path = write(tmp_path, [new_code_cell("# EXERCISE: zero_pad\ndef pad_with_zeros(X, pad):\n    return X")])
    result = run_checks("zero_pad", load_exercises(path).get("zero_pad"))
    assert not result.passed and "rename" in result.message


def test_missing_exercise_cell_is_reported(tmp_path):
    result = run_checks("zero_pad", load_exercises(write(tmp_path, [new_code_cell("x = 1")])).get("zero_pad"))
    assert not result.passed and "no function named zero_pad" in result.message


def test_wrong_return_type_and_crash_are_described(tmp_path):
    path = write(tmp_path, [
        new_code_cell("# EXERCISE: zero_pad\ndef zero_pad(X, pad):\n    return 'padded'"),
        new_code_cell("# EXERCISE: conv_forward\ndef conv_forward(A_prev, W, b, stride, pad):\n    return A_prev[99]"),
    ])
    functions = load_exercises(path)
    assert "expected a NumPy array" in run_checks("zero_pad", functions["zero_pad"]).message
    crashed = run_checks("conv_forward", functions["conv_forward"]).message
    assert "raised IndexError" in crashed and "array of shape" in crashed


def test_missing_and_corrupt_notebooks_are_clear_errors(tmp_path):
    with pytest.raises(NotebookError, match="no notebook"):
        load_exercises(tmp_path / "absent.ipynb")
    corrupt = tmp_path / "corrupt.ipynb"
    corrupt.write_text('{"cells": [ {"cell_type": "code", ')
    with pytest.raises(NotebookError, match="not a valid notebook"):
        load_exercises(corrupt)
