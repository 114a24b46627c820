"""The shared drawing primitives: they draw what they are given and refuse what they cannot draw."""
import numpy as np
import pytest

from cnnkit.plot.diagram import add_arrow, add_box, add_grid, diagram_axes


def test_grid_writes_every_number_and_outlines_the_window():
    fig, ax = diagram_axes(6, 4)
    add_grid(ax, np.arange(12).reshape(3, 4), origin=(0.5, 3.5), highlight=[(0, 1, 2, 2)])
    texts = [t.get_text() for t in ax.texts]
    assert texts == [str(v) for v in range(12)]
    assert len(ax.patches) == 12 + 1  # one square per cell and the outlined window


def test_box_returns_its_edges_and_arrow_labels_itself():
    fig, ax = diagram_axes(6, 3)
    left, bottom, right, top = add_box(ax, (3, 1.5), "Conv2D", width=2, height=1)
    assert (left, bottom, right, top) == (2, 1, 4, 2)
    add_arrow(ax, (0, 1.5), (left, 1.5), text="x")
    assert {t.get_text() for t in ax.texts} == {"Conv2D", "x"}


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="positive width"):
        diagram_axes(0, 3)
    fig, ax = diagram_axes(3, 3)
    with pytest.raises(ValueError, match="2-D array"):
        add_grid(ax, np.zeros((2, 2, 2)))
