"""The runner's copy of cnnkit, built from an allow-list: what a runner may hold, in one place.

A runner (:mod:`cnnkit.grading.batch.runner`) executes a learner's code, so everything in its copy
of cnnkit is the learner's to read. It gets:

* the course library, every module outside :mod:`cnnkit.grading` (what a notebook may import),
  except that in each module the course manifest (:data:`cnnkit.manifest.NOTEBOOKS`, each entry's
  ``library``) names for a notebook being graded, that notebook's exercise functions are
  *left out*: their definitions are replaced by a function that only raises
  :class:`LeftOut`, and private helpers that only they used go too. No closure and no
  ``importlib.reload`` can bring back code that is not there. Once a notebook is loaded, the runner
  puts the learner's own functions in the stubs' places (:func:`use_learner_functions`), so that
  library code a notebook imports (``match_detections``, which calls ``box_iou``) runs the
  learner's answers;
* the runner's own code (:data:`RUNNER_SIDE`: the loader, the plain-data codec, the protocol, the
  shared harnesses of :mod:`cnnkit.grading.harnesses`);
* from every other module of :mod:`cnnkit.grading` (the checks, the references), only its
  *harnesses* (functions whose docstring starts with ``Harness:``, or that a checker passes
  to ``call_with``) and the module-level names they use; the rest, the checkers and their
  reference answers, is left out.

Notebooks whose exercise cells use another one's exercise from the library (notebook 03 uses
``zero_pad`` from ``cnnkit.scratch``) are given separate runners (:func:`groups`; the command
puts them in separate jobs where it can), so that each notebook's runner lacks only what that
notebook (and those graded beside it) must write.
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

from cnnkit.course import manifest

#: Modules of cnnkit.grading a runner needs whole (the code that loads and runs the learner's
#: functions); they hold no checker and no answer.
RUNNER_SIDE = frozenset({
    "cnnkit/grading/__init__.py", "cnnkit/grading/core.py", "cnnkit/grading/learner.py",
    "cnnkit/grading/plain.py", "cnnkit/grading/loader.py", "cnnkit/grading/assertions.py",
    "cnnkit/grading/harnesses.py",
    "cnnkit/grading/batch/__init__.py", "cnnkit/grading/batch/runner.py", "cnnkit/grading/batch/protocol.py",
})
GRADING = "cnnkit/grading/"
#: The attribute that marks a stub (:func:`strip`).
LEFT_OUT = "__left_out__"


class LeftOut(RuntimeError):
    """The learner's code called a function that the grader's copy of cnnkit leaves out."""


def _module_files(root: Path, module: str) -> list[str]:
    """The files (relative to ``root``'s parent) of ``module``: its ``.py`` file, or every
    ``.py`` file of its package."""
    path = root.parent / Path(*module.split("."))
    if path.is_dir():
        return sorted(p.relative_to(root.parent).as_posix() for p in path.rglob("*.py"))
    file = path.with_suffix(".py")
    return [file.relative_to(root.parent).as_posix()] if file.is_file() else []


def withheld(root: Path, notebooks: list[str]) -> dict[str, set[str]]:
    """``{file: exercise names to leave out}`` for grading ``notebooks``, from the course manifest."""
    found: dict[str, set[str]] = {}
    for entry in manifest.NOTEBOOKS:
        if entry.stem in notebooks:
            for module in entry.library:
                for file in _module_files(root, module):
                    found.setdefault(file, set()).update(entry.exercises)
    return found


# ------------------------------------------------------------------ rewriting modules
def _bound(node: ast.stmt) -> set[str]:
    """The module-level names a statement binds."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    return {n.id for target in targets if target is not None for n in ast.walk(target) if isinstance(n, ast.Name)}


def _used(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _stub(name: str, module: str) -> list[ast.stmt]:
    message = (f"{module}.{name} is cnnkit's copy of an exercise being graded, which the grader's copy of "
               "cnnkit leaves out: use your own implementation.")
    return ast.parse(f"def {name}(*args, **kwargs):\n"
                     f"    from cnnkit.grading.batch.allowlist import LeftOut\n"
                     f"    raise LeftOut({message!r})\n"
                     f"{name}.{LEFT_OUT} = True\n").body


def strip(source: str, names: set[str], module: str) -> str:
    """``source`` with the top-level definitions of ``names`` replaced by stubs that raise
    :class:`LeftOut`, and the private top-level functions that nothing else uses any more removed."""
    tree = ast.parse(source)
    body = []
    for node in tree.body:
        left_out = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in names
        body += _stub(node.name, module) if left_out else [node]
    while True:
        used = set().union(*(_used(node) for node in body)) if body else set()
        exported = {n.value for node in body if isinstance(node, ast.Assign) and _bound(node) == {"__all__"}
                    for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        unused = [node for node in body if isinstance(node, (ast.FunctionDef, ast.ClassDef))
                  and node.name.startswith("_") and not node.name.startswith("__")
                  and node.name not in used and node.name not in exported
                  and not any(node.name in _used(other) for other in body if other is not node)]
        if not unused:
            break
        body = [node for node in body if node not in unused]
    tree.body = body
    return ast.unparse(tree) + "\n"


def _is_harness(node: ast.stmt, passed: set[str]) -> bool:
    if not isinstance(node, ast.FunctionDef):
        return False
    return (ast.get_docstring(node) or "").startswith("Harness") or node.name in passed


def passed_to_call_with(sources: list[str]) -> set[str]:
    """Names that the checkers pass to ``call_with`` as its harness (the first argument)."""
    names = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name):
                func = node.func
                if (isinstance(func, ast.Name) and func.id == "call_with") or \
                        (isinstance(func, ast.Attribute) and func.attr == "call_with"):
                    names.add(node.args[0].id)
    return names


def harnesses_only(source: str, passed: set[str]) -> str | None:
    """The harnesses of a grading module and the module-level names they use (imports included),
    nothing else; None when it has no harness."""
    tree = ast.parse(source)
    body = tree.body
    keep = {id(node) for node in body if _is_harness(node, passed)}
    if not keep:
        return None
    binders = [(node, _bound(node)) for node in body]
    needed = set().union(*(_used(node) for node in body if id(node) in keep))
    while True:
        more = [node for node, bound in binders if id(node) not in keep and bound & needed]
        if not more:
            break
        keep.update(id(node) for node in more)
        for node in more:
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                needed |= _used(node)
    doc = [body[0]] if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None),
                                                                                ast.Constant) else []
    future = [node for node in body if isinstance(node, ast.ImportFrom) and node.module == "__future__"]
    tree.body = doc + future + [node for node in body if id(node) in keep and node not in future]
    # An import keeps only the names the kept code uses.
    for node in tree.body:
        if isinstance(node, ast.Import) or (isinstance(node, ast.ImportFrom) and node.module != "__future__"):
            node.names = [alias for alias in node.names if (alias.asname or alias.name).split(".")[0] in needed]
    tree.body = [node for node in tree.body if not isinstance(node, (ast.Import, ast.ImportFrom)) or node.names]
    return ast.unparse(tree) + "\n"


# ------------------------------------------------------------------ the copy
def build(source_root: Path, destination: Path, notebooks: list[str]) -> Path:
    """Write the runner's copy of the package at ``source_root`` (a verified copy of cnnkit) into
    ``destination``/cnnkit for grading ``notebooks``; return ``destination``."""
    source_root = Path(source_root)
    files = {path.relative_to(source_root.parent).as_posix(): path for path in sorted(source_root.rglob("*"))
             if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"}
    grading = {name: path.read_text(encoding="utf-8") for name, path in files.items()
               if name.startswith(GRADING) and name.endswith(".py")}
    passed = passed_to_call_with(list(grading.values()))
    left_out = withheld(source_root, notebooks)
    contents: dict[str, str | None] = {}
    for name, path in files.items():
        if name.startswith(GRADING):
            if name in RUNNER_SIDE:
                contents[name] = None
            elif name.endswith(".py"):
                extract = harnesses_only(grading[name], passed)
                if extract is not None:
                    contents[name] = extract
                elif name.endswith("__init__.py"):
                    contents[name] = '"""Left out of the grading runner\'s copy of cnnkit."""\n'
        elif name in left_out:
            module = name.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
            contents[name] = strip(path.read_text(encoding="utf-8"), left_out[name], module)
        else:
            contents[name] = None
    for name, text in contents.items():
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            shutil.copyfile(files[name], target)
        else:
            target.write_text(text, encoding="utf-8")
    (destination / "cnnkit" / "grading" / "batch" / "allowlist.py").write_text(_runner_part(), encoding="utf-8")
    return destination


def use_learner_functions(functions: dict) -> int:
    """In the runner: put the learner's functions in the places of the stubs of the same name in
    every loaded cnnkit module; return how many places."""
    import sys

    replaced = 0
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith("cnnkit."):
            continue
        for attribute, value in list(vars(module).items()):
            try:
                stub = getattr(value, LEFT_OUT, False) is True
            except Exception:  # noqa: BLE001 - an object whose attributes cannot be read is no stub
                stub = False
            if stub and callable(functions.get(attribute)):
                setattr(module, attribute, functions[attribute])
                replaced += 1
    return replaced


def _runner_part() -> str:
    """The runner's ``allowlist.py``: :class:`LeftOut` and :func:`use_learner_functions`, copied
    from this module's source (the rest of it stays with the judge)."""
    source = Path(__file__).read_text(encoding="utf-8")
    parts = [ast.get_source_segment(source, node) for node in ast.parse(source).body
             if getattr(node, "name", "") in ("LeftOut", "use_learner_functions")]
    return ('"""What the grading runner needs of the allow-list."""\n\n'
            f"LEFT_OUT = {LEFT_OUT!r}\n\n\n" + "\n\n\n".join(parts) + "\n")


# ------------------------------------------------------------------ runners per notebook group
def _code_cells(text: str) -> list[str]:
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return []
    sources = []
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source")
        source = "".join(source) if isinstance(source, list) and all(isinstance(x, str) for x in source) else source
        if isinstance(source, str):
            sources.append(source)
    return sources


def _parsed(source: str) -> ast.Module | None:
    lines = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n"))
    try:
        return ast.parse(lines)
    except SyntaxError:
        return None


def imported_names(text: str) -> set[str]:
    """The names a notebook's code cells import from cnnkit (read, never run)."""
    names = set()
    for source in _code_cells(text):
        tree = _parsed(source)
        for node in ast.walk(tree) if tree else []:
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cnnkit"):
                names.update(alias.name for alias in node.names)
    return names


def used_in_exercises(text: str) -> set[str]:
    """The names (and attributes) a notebook's exercise cells use: what its graded functions may
    call of cnnkit's (read, never run)."""
    from cnnkit.course.notebooks import exercise_name

    names = set()
    for source in _code_cells(text):
        tree = _parsed(source) if exercise_name(source) else None
        for node in ast.walk(tree) if tree else []:
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Attribute):
                names.add(node.attr)
            elif isinstance(node, ast.alias):
                names.add(node.name.rsplit(".", 1)[-1])
    return names


def conflicts(texts: dict[str, str]) -> set[frozenset[str]]:
    """Pairs of ``texts``' notebooks (notebook: its JSON text) that cannot share a runner: one's
    exercise cells use an exercise of the other, which their runner's copy of cnnkit would lack."""
    exercises = {entry.stem: set(entry.exercises) for entry in manifest.NOTEBOOKS}
    uses = {notebook: used_in_exercises(text) for notebook, text in texts.items()}
    return {frozenset((a, b)) for a in texts for b in texts
            if a != b and uses[a] & exercises.get(b, set())}


def groups(texts: dict[str, str]) -> list[list[str]]:
    """``texts`` (notebook: its JSON text) split into groups to grade in one runner each, no
    two notebooks of a group in :func:`conflicts`."""
    clashes = conflicts(texts)
    found: list[list[str]] = []
    for notebook in texts:
        for group in found:
            if not any(frozenset((notebook, other)) in clashes for other in group):
                group.append(notebook)
                break
        else:
            found.append([notebook])
    return found
