"""Generate the learner's notebooks in ``notebooks/`` from the complete ones in ``solutions/``.

Exercise cells begin with a marker line, ``# EXERCISE: function_name``, and hold the answer
between ``### BEGIN SOLUTION`` and ``### END SOLUTION``. Generating a learner's notebook
replaces each such block by a ``raise NotImplementedError`` at the same indentation (the
signature and docstring stay), clears every output, and points the Colab badge at
``notebooks/``. Run ``python -m cnnkit.course.notebooks`` to regenerate, ``--check`` to verify.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

from cnnkit.config import REPO_ROOT

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
EXERCISE_MARKER = re.compile(r"^#\s*EXERCISE:\s*([A-Za-z_]\w*)\s*$")
STUB = 'raise NotImplementedError("Replace this line with your code.")'

#: The complete notebooks (the single source of truth) and the learner copies generated from them.
SOLUTIONS_DIR = REPO_ROOT / "solutions"
LEARNER_DIR = REPO_ROOT / "notebooks"
#: Seconds one cell may run when a notebook is executed before it counts as hung.
CELL_TIMEOUT = 600


class MarkerError(ValueError):
    """A solution block is not opened and closed properly."""


def exercise_name(source: str) -> str | None:
    """The function named by a cell's ``# EXERCISE: name`` first line, if it has one."""
    first = source.lstrip("\n").split("\n", 1)[0]
    match = EXERCISE_MARKER.match(first.strip())
    return match.group(1) if match else None


def strip_solutions(source: str, where: str = "cell") -> str:
    """Replace every solution block of a cell's source by a stub at the block's indentation."""
    lines, inside, indent = [], False, ""
    for number, line in enumerate(source.split("\n"), start=1):
        stripped = line.strip()
        if stripped == BEGIN_SOLUTION:
            if inside:
                raise MarkerError(f"{where}, line {number}: {BEGIN_SOLUTION} inside another block.")
            inside, indent = True, line[: len(line) - len(line.lstrip())]
            lines.append(indent + STUB)
        elif stripped == END_SOLUTION:
            if not inside:
                raise MarkerError(f"{where}, line {number}: {END_SOLUTION} without {BEGIN_SOLUTION}.")
            inside = False
        elif not inside:
            lines.append(line)
    if inside:
        raise MarkerError(f"{where}: {BEGIN_SOLUTION} is never closed by {END_SOLUTION}.")
    return "\n".join(lines)


def learner_version(solution: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """A copy of a solution notebook with answers stubbed and outputs cleared."""
    notebook = nbformat.from_dict(solution)
    for index, cell in enumerate(notebook.cells):
        cell.source = cell.source.replace(f"/solutions/{name}", f"/notebooks/{name}")
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, f"{name}, cell {index}")
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    notebook.metadata.pop("widgets", None)
    return notebook


def render(notebook: nbformat.NotebookNode) -> str:
    """The notebook as the exact text written to disk."""
    return nbformat.writes(notebook) + "\n"


def write_learner_version(solution: Path, folder: Path) -> Path:
    """Write the learner version of the notebook ``solution`` into ``folder``; return its path."""
    target = Path(folder) / Path(solution).name
    target.write_text(render(learner_version(nbformat.read(solution, as_version=4), target.name)), encoding="utf-8")
    return target


def generate(solutions: Path = SOLUTIONS_DIR, notebooks: Path = LEARNER_DIR, check: bool = False) -> list[str]:
    """Write (or with ``check``, compare) every learner notebook; return the names that differ."""
    differing = []
    notebooks.mkdir(exist_ok=True)
    for path in sorted(solutions.glob("*.ipynb")):
        text = render(learner_version(nbformat.read(path, as_version=4), path.name))
        target = notebooks / path.name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            differing.append(path.name)
            if not check:
                target.write_text(text, encoding="utf-8")
    expected = {path.name for path in solutions.glob("*.ipynb")}
    differing += sorted(p.name for p in notebooks.glob("*.ipynb") if p.name not in expected)
    return differing


def run_notebook(path: Path, fast: bool, timeout: int = CELL_TIMEOUT) -> tuple[nbformat.NotebookNode, float]:
    """Execute a notebook in a fresh kernel, offline, in its own folder; return it and the seconds taken.

    ``fast`` sets ``CNNKIT_FAST=1`` for the kernel. A failing cell raises
    ``nbclient.exceptions.CellExecutionError`` naming the cell and the error.
    """
    import os
    import time

    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    env = {"CNNKIT_FAST": "1" if fast else "0", "CNNKIT_OFFLINE": "1", "TF_CPP_MIN_LOG_LEVEL": "2",
           "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)  # the kernel inherits the environment of this process
    try:
        client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(Path(path).parent)}})
        start = time.perf_counter()
        client.execute()
        return notebook, time.perf_counter() - start
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def text_outputs(notebook: nbformat.NotebookNode) -> str:
    """Everything the notebook's code cells printed to stdout, joined."""
    return "".join(output.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
                   for output in cell.get("outputs", []) if output.get("name") == "stdout")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report learner notebooks that are out of date")
    args = parser.parse_args(argv)
    differing = generate(check=args.check)
    if args.check and differing:
        print("Out of date in notebooks/ (run `make notebooks`): " + ", ".join(differing))
        return 1
    print(("Regenerated: " + ", ".join(differing)) if differing and not args.check else "notebooks/ is up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
