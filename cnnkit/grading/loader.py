"""Load the exercise functions of a notebook without running its other cells.

From every code cell the loader keeps the top-level imports; from each exercise cell
(first line ``# EXERCISE: name``) it also keeps the function and class definitions.
Training loops, plots and prints are never run, so grading a notebook takes seconds.
A cell that does not parse costs only its own exercise, and an import that fails costs only
the exercises that use the name it should have defined.
"""

from __future__ import annotations

import ast
import contextlib
import types
from collections.abc import Callable
from pathlib import Path

import nbformat

from cnnkit.course.notebooks import exercise_name
from cnnkit.grading.learner import exception_text, type_name


class NotebookError(ValueError):
    """The file is missing or is not a readable notebook."""


def _without_magics(source: str) -> str:
    # IPython lines (%pip, !ls) are not Python; blank them so line numbers stay right.
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n"))


def _broken(name: str, error: BaseException) -> Callable:
    """A stand-in for an exercise whose cell cannot be loaded; calling it fails with the cause."""
    where = f" on line {error.lineno} of the cell" if isinstance(error, SyntaxError) else ""
    reason = error.msg if isinstance(error, SyntaxError) else f"{type_name(error)}: {exception_text(error)}"

    def stand_in(*args, **kwargs):
        from cnnkit.grading.core import ExerciseFailure

        raise ExerciseFailure(f"the cell of {name} does not run: {reason}{where}.")

    stand_in.__name__ = name
    return stand_in


class FailedImport:
    """Stands for a name whose import failed in the notebook: using it fails with the import's error."""

    def __init__(self, statement: str, error: BaseException):
        self._problem = f"`{statement}` failed in your notebook ({type_name(error)}: {exception_text(error)})"

    def _fail(self):
        from cnnkit.grading.core import ExerciseFailure

        raise ExerciseFailure(f"{self._problem}, so the code that uses it cannot run.")

    def __getattr__(self, attribute: str):
        if attribute.startswith("__"):  # let repr(), hasattr() and friends work
            raise AttributeError(attribute)
        self._fail()

    def __call__(self, *args, **kwargs):
        self._fail()


def _import(node: ast.Import | ast.ImportFrom, namespace: dict, path: str, each_cell: Callable) -> None:
    """Run an import statement one name at a time; a name that fails to import gets a
    :class:`FailedImport` unless an earlier import defined it."""
    for alias in node.names:
        single = (ast.Import([alias]) if isinstance(node, ast.Import)
                  else ast.ImportFrom(node.module, [alias], node.level))
        try:
            with each_cell():
                exec(compile(ast.fix_missing_locations(ast.Module([single], [])), path, "exec"), namespace)
        except (Exception, SystemExit) as error:  # noqa: BLE001 - only hurts the code that uses the name
            bound = alias.asname or alias.name.split(".")[0]
            if bound != "*" and bound not in namespace:
                namespace[bound] = FailedImport(ast.unparse(single), error)


def read_notebook(path: str | Path, text: bytes | None = None) -> nbformat.NotebookNode:
    """Read the notebook at ``path`` (from ``text``, its contents, when given), or raise
    :class:`NotebookError` saying why it cannot be read."""
    path = Path(path)
    if text is None and not path.is_file():
        raise NotebookError(f"There is no notebook at {path}.")
    try:
        return nbformat.reads((path.read_bytes() if text is None else text).decode("utf-8"), as_version=4)
    except Exception as error:  # nbformat raises several types for corrupt JSON
        raise NotebookError(f"{path} is not a valid notebook: {error}") from error


def _is_code(cell) -> bool:
    """Whether a cell is a well-formed code cell; a malformed cell is skipped, costing nothing."""
    return isinstance(cell, dict) and cell.get("cell_type") == "code" and isinstance(cell.get("source"), str)


def load_exercises(path: str | Path, text: bytes | None = None,
                   each_cell: Callable = contextlib.nullcontext) -> dict[str, Callable]:
    """Map each exercise name of the notebook at ``path`` (read from ``text`` when given) to the
    function its cell defines. ``each_cell()`` is a context manager entered around each import
    and each exercise's definitions (the grading command's runner gives each a time limit
    there, raising an ``Exception`` when it runs out, so that a hang costs one exercise)."""
    notebook = read_notebook(path, text)
    module = types.ModuleType(f"exercises_of_{Path(path).stem}")
    imports, definitions, broken = [], [], {}
    cells = [cell for cell in notebook.cells if _is_code(cell)]
    for cell in cells:
        name = exercise_name(cell.source)
        try:
            tree = ast.parse(_without_magics(cell.source))
        except SyntaxError as error:
            if name:
                broken[name] = _broken(name, error)
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                imports.append(node)
            elif name and isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                definitions.append((name, node))
    for node in imports:
        _import(node, module.__dict__, str(path), each_cell)
    for name, node in definitions:
        if name in broken:
            continue
        try:
            with each_cell():
                exec(compile(ast.Module([node], []), str(path), "exec"), module.__dict__)
        except (Exception, SystemExit) as error:  # noqa: BLE001 - e.g. a default argument that fails
            broken[name] = _broken(name, error)
    names = [exercise_name(cell.source) for cell in cells]
    found = {name: module.__dict__.get(name) for name in names if name}
    found.update(broken)
    return found
