"""The package's layout: a top level a newcomer reads at a glance, imports that only run downwards,
one name per notebook topic, and one rule for every figure. docs/conventions.md explains each rule."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import subprocess

import pytest

import cnnkit
import cnnkit.plot
from cnnkit.config import REPO_ROOT
from cnnkit.course.manifest import NOTEBOOKS

PACKAGE = REPO_ROOT / "cnnkit"
TOPICS = {entry.topic for entry in NOTEBOOKS}
#: Lower layers never import higher ones: settings, course tooling, data, then the layers of code the
#: notebooks build on, figures and grading last.
LAYERS = ("config", "course", "data", "augment", "scratch", "topics", "models", "training", "plot", "grading")
#: Figure modules that many notebooks share, and so carry no topic's name.
SHARED_FIGURES = {"diagram", "images", "charts", "architecture"}
FIGURE_VERBS = ("draw_", "show_", "plot_")
#: Public functions of cnnkit.plot that are not figures, by prefix: what they return instead is in
#: cnnkit/plot/__init__.py's docstring.
OTHER_PREFIXES = ("overlay_", "animate_", "add_")
#: Public helpers that compute what a figure shows, for tests and for readers who want the numbers.
DATA_HELPERS = {"diagram_axes", "model_graph", "graphviz_available", "resnet_plan", "unet_levels"}


def tracked(folder: str) -> list[str]:
    out = subprocess.run(["git", "ls-files", folder], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    return out.split()


def modules(package) -> list[str]:
    return sorted(info.name for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
                  if not info.name.endswith("__main__"))


def cnnkit_imports(path) -> set[str]:
    """Every cnnkit module a source file imports, at any depth (function-level imports included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cnnkit"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("cnnkit"))
    return found


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


# ------------------------------------------------------------------ the top level
def test_the_top_level_holds_at_most_fifteen_entries():
    entries = {path.split("/")[1] for path in tracked("cnnkit")}
    assert len(entries) <= 15, sorted(entries)
    assert {f"{name}.py" if name == "config" else name for name in LAYERS} <= entries | {"config.py"}


def test_imports_only_run_downwards():
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        source = ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts)
        own = layer_of(source)
        if own is None:
            continue
        for target in cnnkit_imports(path):
            theirs = layer_of(target)
            if theirs is not None and theirs > own:
                wrong.append(f"{source} imports {target}")
    assert not wrong, wrong


def test_no_module_imports_itself_back_through_another():
    graph = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts).removesuffix(".__init__")
        graph[name] = {target for target in cnnkit_imports(path) if target != name}
    names = set(graph)
    graph = {name: {t for t in targets if t in names and not name.startswith(f"{t}.")} for name, targets in graph.items()}

    def cycle_from(start):
        stack, seen = [(start, [start])], set()
        while stack:
            node, trail = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    return trail + [start]
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, trail + [nxt]))
        return None

    cycles = [cycle for cycle in map(cycle_from, graph) if cycle]
    assert not cycles, cycles[0]


def test_checks_modules_do_not_import_each_others_private_names():
    leaks = []
    for path in (PACKAGE / "grading" / "checks").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cnnkit.grading.checks"):
                leaks.append(f"{path.name} imports {[a.name for a in node.names]} from {node.module}")
    assert not leaks, f"{leaks}: shared references belong in cnnkit/grading/references.py"


# ------------------------------------------------------------------ one name per topic
@pytest.mark.parametrize("entry", NOTEBOOKS, ids=lambda entry: entry.stem)
def test_each_notebook_topic_names_its_checks_and_mistakes(entry):
    assert re.fullmatch(r"[a-z][a-z_]*", entry.topic), entry.topic
    assert (PACKAGE / "grading" / "checks" / f"{entry.topic}.py").is_file()
    if entry.exercises:
        assert (REPO_ROOT / "tests" / "mistakes" / entry.topic).is_dir()


def test_topics_are_unique():
    assert len(TOPICS) == len(NOTEBOOKS)


@pytest.mark.parametrize("folder", ["cnnkit/topics", "cnnkit/plot", "cnnkit/grading/checks", "tests/mistakes"])
def test_every_topic_module_and_folder_is_a_notebook_topic(folder):
    names = {path.split("/")[len(folder.split("/"))].removesuffix(".py") for path in tracked(folder)}
    names -= {"__init__", "README.md"} | (SHARED_FIGURES if folder == "cnnkit/plot" else set())
    assert names <= TOPICS, f"{sorted(names - TOPICS)} in {folder} name no notebook topic of the manifest"


def test_each_topic_module_has_tests_named_after_it():
    tests = {path.removeprefix("tests/") for path in tracked("tests")}
    missing = [name for name in [p.split("/")[-1].removesuffix(".py") for p in tracked("cnnkit/topics")]
               if name != "__init__" and f"test_{name}.py" not in tests]
    missing += [f"plot/{name}" for name in [p.split("/")[-1].removesuffix(".py") for p in tracked("cnnkit/plot")]
                if name != "__init__" and f"test_plot_{name}.py" not in tests]
    assert not missing, f"no tests/test_<topic>.py or tests/test_plot_<name>.py for {missing}"


# ------------------------------------------------------------------ one rule for every figure
FIGURE_MODULES = [name for name in modules(cnnkit.plot)]


@pytest.mark.parametrize("module_name", FIGURE_MODULES)
def test_every_public_figure_function_returns_a_figure(module_name):
    module = importlib.import_module(module_name)
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if name.startswith("_") or function.__module__ != module_name:
            continue
        returns = inspect.signature(function).return_annotation
        if name.startswith(FIGURE_VERBS):
            assert returns in ("Figure", "matplotlib.figure.Figure"), f"{module_name}.{name} -> {returns}"
        else:
            assert name.startswith(OTHER_PREFIXES) or name in DATA_HELPERS, (
                f"{module_name}.{name}: a public function of cnnkit.plot starts with draw_, show_ or plot_ "
                f"(and returns a Figure), or with {OTHER_PREFIXES}")
            if name.startswith("add_"):
                assert module_name == "cnnkit.plot.diagram", f"{name}: add_ primitives live in cnnkit.plot.diagram"


@pytest.mark.parametrize("module_name", FIGURE_MODULES)
def test_figures_use_the_shared_palette(module_name):
    if module_name == "cnnkit.plot.diagram":
        return
    source = inspect.getsource(importlib.import_module(module_name))
    hard_coded = re.findall(r"\"tab:\w+\"|\"#[0-9a-fA-F]{6}\"|(?:colou?r|edgecolor|facecolor|c)=\"(?:red|green|blue|orange|"
                            r"purple|yellow|cyan|magenta)\"", source)
    assert not hard_coded, f"{module_name} names colours of its own {hard_coded}: use PALETTE, STRONG or CLASS_COLOURS"


def test_every_figure_function_is_called_by_a_test():
    tests = " ".join(path.read_text(encoding="utf-8") for path in (REPO_ROOT / "tests").glob("test_*.py"))
    untested = []
    for module_name in FIGURE_MODULES:
        module = importlib.import_module(module_name)
        untested += [f"{module_name}.{name}" for name, function in inspect.getmembers(module, inspect.isfunction)
                     if name.startswith(FIGURE_VERBS) and function.__module__ == module_name
                     and not re.search(rf"\b{name}\(", tests)]
    assert not untested, untested
