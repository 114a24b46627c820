"""Architecture diagrams: read from the model itself, drawn with Graphviz or matplotlib, and clear
errors for models that have no graph to draw."""
import keras
import pytest
from matplotlib.figure import Figure

from cnnkit.models.lenet import build_lenet5
from cnnkit.models.resnet import build_resnet, residual_block
from cnnkit.plot import architecture
from cnnkit.plot.architecture import model_graph, show_model


@pytest.fixture(scope="module")
def small_resnet():
    return build_resnet(residual_block, [1, 1], (28, 28, 1), 10, base_filters=8, small_input=True)


def test_graph_of_a_residual_network_has_the_shortcuts(small_resnet):
    layers, edges = model_graph(small_resnet)
    assert [node.name for node in layers] == [layer.name for layer in small_resnet.layers]
    add_parents = sorted(parent for parent, child in edges if child == "stage1_block1_add")
    assert add_parents == ["stage1_block1_bn2", "stem_relu"]  # the main path and the identity shortcut
    shapes = {node.name: node.shape for node in layers}
    assert shapes["stage2_block1_add"] == (14, 14, 16) and shapes["predictions"] == (10,)


def test_matplotlib_diagram_lists_every_layer_with_its_shape(small_resnet):
    fig = show_model(small_resnet, engine="matplotlib")
    assert isinstance(fig, Figure)
    texts = "\n".join(t.get_text() for t in fig.axes[0].texts)
    for layer in small_resnet.layers:
        assert layer.name in texts
    assert "Add  (14, 14, 16)" in texts
    assert "5,266 parameters" in fig.axes[0].get_title()


def test_sequential_models_are_a_chain():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="hidden"), keras.layers.Dense(2, name="out")])
    layers, edges = model_graph(model)
    assert [node.name for node in layers] == ["input", "hidden", "out"]
    assert edges == [("input", "hidden"), ("hidden", "out")]


@pytest.mark.skipif(not architecture.graphviz_available(), reason="pydot or Graphviz's dot is not installed")
def test_graphviz_diagram_is_keras_plot_model_in_a_figure():
    model = build_lenet5((28, 28, 1), 10)
    fig = show_model(model, engine="graphviz")
    assert isinstance(fig, Figure) and fig.axes[0].images
    assert "61,706 parameters" in fig.texts[0].get_text()


def test_auto_falls_back_to_matplotlib_without_graphviz(monkeypatch):
    monkeypatch.setattr(architecture, "graphviz_available", lambda: False)
    model = build_lenet5((28, 28, 1), 10)
    fig = show_model(model)
    assert not fig.axes[0].images and any("conv1" in t.get_text() for t in fig.axes[0].texts)
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        show_model(model, engine="graphviz")


def test_models_without_a_graph_get_a_clear_error():
    class Subclassed(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(TypeError, match="subclassed model"):
        show_model(Subclassed())
    with pytest.raises(ValueError, match="not built yet"):
        show_model(keras.Sequential([keras.layers.Dense(2)]))
    with pytest.raises(TypeError, match="needs a keras.Model"):
        model_graph("lenet")
    with pytest.raises(ValueError, match="engine must be one of"):
        show_model(build_lenet5((28, 28, 1), 10), engine="svg")
