"""Architecture diagrams of real Keras models: every layer with its type and output shape, and the
arrows between them, read from the model itself so that the drawing never drifts from the code.

:func:`show_model` draws with Keras' own ``keras.utils.plot_model`` when the ``pydot`` package and
Graphviz's ``dot`` program are both there (set-up installs them; Colab has them), and otherwise with
matplotlib from :func:`model_graph`, so that a diagram appears on every machine.
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import keras
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from cnnkit.plot.diagram import PALETTE, STRONG, add_arrow, add_box, diagram_axes

ENGINES = ("auto", "graphviz", "matplotlib")

# Box colours by the kind of layer, so that a glance tells convolutions from pooling and heads.
_KIND_COLOURS = (
    (("Conv", "SeparableConv", "DepthwiseConv"), PALETTE["blue"]),
    (("Pooling",), PALETTE["green"]),
    (("Dense",), PALETTE["orange"]),
    (("Normalization",), PALETTE["yellow"]),
    (("Add", "Concatenate", "Multiply", "Average", "Maximum", "Subtract"), PALETTE["purple"]),
    (("InputLayer",), PALETTE["sky"]),
    (("UpSampling", "Transpose"), PALETTE["vermillion"]),
)


@dataclass(frozen=True)
class LayerNode:
    """One layer of a model's graph: its name, its class and its output shape without the batch axis."""

    name: str
    kind: str
    shape: tuple | None

    @property
    def label(self) -> str:
        shape = "?" if self.shape is None else "(" + ", ".join("?" if d is None else str(d) for d in self.shape) + ")"
        return f"{self.name}\n{self.kind}  {shape}"


def _output_shape(layer) -> tuple | None:
    """A layer's output shape without the batch axis, or None when it has no single output."""
    try:
        return tuple(layer.output.shape[1:])
    except (AttributeError, ValueError):  # a layer used more than once, or several outputs
        return None


def _inbound_names(node_args) -> Iterator[str]:
    """The names of the layers whose tensors feed one call, found in a functional config's args."""
    if isinstance(node_args, dict):
        history = node_args.get("config", {}).get("keras_history") if node_args.get("class_name") == "__keras_tensor__" else None
        if history:
            yield history[0]
        else:
            for value in node_args.values():
                yield from _inbound_names(value)
    elif isinstance(node_args, list | tuple):
        for value in node_args:
            yield from _inbound_names(value)


def model_graph(model: keras.Model) -> tuple[list[LayerNode], list[tuple[str, str]]]:
    """The layers of a built functional or Sequential model in order, and the edges between them.

    Returns:
        ``(layers, edges)``: one :class:`LayerNode` per layer (a nested model is one node), and
        ``(from_name, to_name)`` pairs, one per tensor passed from one layer to the next.

    Raises:
        TypeError: for anything but a Keras model, or a subclassed model (it has no graph to read).
        ValueError: for a Sequential model that has not been built yet.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model_graph needs a keras.Model; got {type(model).__name__}.")
    if isinstance(model, keras.Sequential):
        if not model.built:
            raise ValueError("This Sequential model is not built yet: start it with keras.Input(shape=...) "
                             "or call it on a batch, so that every layer has an output shape.")
        layers = [LayerNode("input", "InputLayer", tuple(model.inputs[0].shape[1:]))]
        layers += [LayerNode(layer.name, type(layer).__name__, _output_shape(layer)) for layer in model.layers]
        edges = [(a.name, b.name) for a, b in zip(layers, layers[1:])]
        return layers, edges
    config = model.get_config()
    if not isinstance(config, dict) or "layers" not in config:
        raise TypeError(f"{type(model).__name__} is a subclassed model: it has no layer graph to draw. "
                        "Build it with the functional API (keras.Input ... keras.Model(inputs, outputs)).")
    by_name = {layer.name: layer for layer in model.layers}
    layers, edges = [], []
    for entry in config["layers"]:
        name = entry["name"]
        layers.append(LayerNode(name, entry["class_name"], _output_shape(by_name[name])))
        for parent in dict.fromkeys(_inbound_names(entry.get("inbound_nodes", []))):
            edges.append((parent, name))
    return layers, edges


def graphviz_available() -> bool:
    """Whether keras.utils.plot_model can draw here: the pydot package and Graphviz's dot program."""
    return importlib.util.find_spec("pydot") is not None and shutil.which("dot") is not None


def _colour(kind: str) -> str:
    for fragments, colour in _KIND_COLOURS:
        if any(fragment in kind for fragment in fragments):
            return colour
    return PALETTE["grey"]


def _draw_with_matplotlib(model: keras.Model, title: str | None) -> Figure:
    """Layers in rows by their depth from the input (longest path), side by side within a row."""
    layers, edges = model_graph(model)
    parents: dict[str, list[str]] = {layer.name: [] for layer in layers}
    for parent, child in edges:
        parents[child].append(parent)
    depth: dict[str, int] = {}
    for layer in layers:  # Keras lists layers in an order where parents come first
        depth[layer.name] = 1 + max((depth[p] for p in parents[layer.name]), default=-1)
    rows: dict[int, list[LayerNode]] = {}
    for layer in layers:
        rows.setdefault(depth[layer.name], []).append(layer)
    box_width, box_height, row_step, column_step = 3.6, 0.8, 1.25, 4.0
    n_columns = max(len(row) for row in rows.values())
    width, height = n_columns * column_step + 0.4, len(rows) * row_step + 0.4
    fig, ax = diagram_axes(width, height, inches_per_unit=0.75)
    centres = {}
    for level, row in rows.items():
        y = height - 0.2 - (level + 0.5) * row_step
        first = width / 2 - (len(row) - 1) * column_step / 2
        for index, layer in enumerate(row):
            centres[layer.name] = (first + index * column_step, y)
            add_box(ax, centres[layer.name], layer.label, _colour(layer.kind), width=box_width, height=box_height,
                     fontsize=8)
    for parent, child in edges:
        (x0, y0), (x1, y1) = centres[parent], centres[child]
        if depth[child] - depth[parent] == 1:
            add_arrow(ax, (x0, y0 - box_height / 2), (x1, y1 + box_height / 2))
        else:
            # A connection that jumps over rows (a shortcut, a skip) runs from side to side, bowed
            # out to the right by a fixed distance, so that it passes beside the boxes it skips.
            start, end = (x0 + box_width / 2, y0), (x1 + box_width / 2, y1)
            length = ((end[0] - start[0]) ** 2 + (end[1] - start[1]) ** 2) ** 0.5
            add_arrow(ax, start, end, curve=-1.2 / length, colour=STRONG["purple"])
    ax.set_title(title or f"{model.name}: {len(layers)} layers, {model.count_params():,} parameters", fontsize=10)
    return fig


def _draw_with_graphviz(model: keras.Model, title: str | None, show_shapes: bool, dpi: int) -> Figure:
    """keras.utils.plot_model's PNG, shown as a matplotlib Figure at its natural size."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.png"
        keras.utils.plot_model(model, to_file=str(path), show_shapes=show_shapes, show_layer_names=True,
                               show_layer_activations=True, dpi=dpi)
        image = plt.imread(path)
    height, width = image.shape[:2]
    title_inches = 0.4
    fig = plt.figure(figsize=(width / dpi, height / dpi + title_inches))
    ax = fig.add_axes((0, 0, 1, height / (height + title_inches * dpi)))
    ax.imshow(image)
    ax.axis("off")
    fig.suptitle(title or f"{model.name}: {len(model.layers)} layers, {model.count_params():,} parameters",
                 fontsize=10, y=1 - 0.08 / (height / dpi + title_inches), va="top")
    return fig


def show_model(model: keras.Model, show_shapes: bool = True, engine: str = "auto", title: str | None = None,
               dpi: int = 72) -> Figure:
    """An architecture diagram of a built functional or Sequential Keras model.

    Args:
        model: the model to draw; a nested model (an augmenter, a pretrained base) is one box.
        show_shapes: write each layer's input and output shapes (Graphviz engine; the matplotlib
            engine always writes output shapes).
        engine: ``"graphviz"`` (keras.utils.plot_model), ``"matplotlib"`` (drawn here from
            :func:`model_graph`), or ``"auto"``: Graphviz when it is installed, else matplotlib.
        title: the figure's title; by default the model's name, layer and parameter counts.
        dpi: resolution of the Graphviz drawing, in dots per inch.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}; got {engine!r}.")
    if engine == "graphviz" and not graphviz_available():
        raise RuntimeError("The Graphviz engine needs the pydot package and Graphviz's dot program: "
                           "`pip install pydot` and `apt-get install graphviz` (make setup does both), "
                           "or use engine='matplotlib'.")
    model_graph(model)  # the same clear errors for a subclassed or unbuilt model on both engines
    if engine == "matplotlib" or (engine == "auto" and not graphviz_available()):
        return _draw_with_matplotlib(model, title)
    return _draw_with_graphviz(model, title, show_shapes, dpi)
