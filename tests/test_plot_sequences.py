"""The figures of notebook 15: the dilated causal stack and a series coloured by its class activation."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from cnnkit.plot.diagram import STRONG


def test_dilated_stack_figure_marks_exactly_the_receptive_field():
    from cnnkit.plot.sequences import draw_dilated_causal_stack

    fig = draw_dilated_causal_stack(2, [1, 2, 4])
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    orange = [c for c in ax.collections if np.allclose(c.get_facecolor()[0][:3], matplotlib.colors.to_rgb(STRONG["orange"]))]
    input_row = [c for c in orange if np.allclose(c.get_offsets()[:, 1], 0)]
    assert len(input_row) == 1 and len(input_row[0].get_offsets()) == 8
    assert "8 input steps" in ax.get_title()
    plt.close("all")


def test_class_activation_figure_checks_its_shapes():
    from cnnkit.plot.sequences import show_class_activation

    fig = show_class_activation(np.sin(np.arange(20.0)), np.arange(20.0), title="t")
    assert isinstance(fig, Figure) and fig.axes[0].get_title() == "t"
    with pytest.raises(ValueError, match="same shape"):
        show_class_activation(np.zeros(10), np.zeros(9))
    plt.close("all")
