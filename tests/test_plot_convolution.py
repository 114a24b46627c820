"""The figures of notebooks 01 and 02: each returns a Figure whose texts carry the numbers it claims
to show, computed independently here (scipy's correlate2d, the receptive-field exercise)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from figure_texts import texts
from matplotlib.animation import FuncAnimation
from matplotlib.figure import Figure
from scipy.signal import correlate2d

from cnnkit.plot import convolution as pc

X = np.array([[3, 1, 0, 2], [1, 4, 2, 0], [0, 2, 5, 1], [2, 0, 1, 3]])
K = np.array([[1, 0, -1], [1, 2, -1], [0, 1, 0]])



@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_convolution_steps_write_every_output_and_its_product_sum():
    fig = pc.draw_convolution_steps(X, K, bias=1, stride=2, pad=1)
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    expected = correlate2d(np.pad(X, 1), K, "valid")[::2, ::2] + 1          # stride 2 keeps every other window
    for step, ax in enumerate(fig.axes):
        h, w = divmod(step, 2)
        assert ax.get_title().startswith(f"step {step + 1}: output[{h}, {w}]")
        sums = [t.get_text() for t in ax.texts if t.get_text().endswith(f"= {expected[h, w]:g}")]
        assert len(sums) == 1 and "+ bias 1" in sums[0]
        # Cells still to come show "?": three in the first panel, none in the last.
        assert sum(t.get_text() == "?" for t in ax.texts) == 3 - step
    assert "stride 2, padding 1" in fig._suptitle.get_text()


def test_animation_has_one_frame_per_output_value_and_renders():
    animation = pc.animate_convolution(X, K, bias=1, stride=2, pad=1)
    assert isinstance(animation, FuncAnimation)
    with plt.rc_context({"savefig.dpi": 30}):
        html = animation.to_jshtml()
    assert html.count("data:image/png;base64") == 4


def test_output_size_figure_states_the_formula_and_marks_the_window_that_sticks_out():
    fig = pc.draw_output_size([(7, 3, 1, 2), (8, 3, 0, 2)])
    written = texts(fig)
    assert any("= 4$ windows" in t for t in written) and any("= 3$ windows" in t for t in written)
    assert sum(t == "the next window would stick out" for t in written) == 2
    assert sum(t.startswith("window ") for t in written) == 4 + 3


def test_multichannel_figure_sums_the_channels_and_the_bias():
    rng = np.random.default_rng(0)
    image, kernel = rng.integers(0, 4, size=(4, 4, 3)), rng.integers(-1, 2, size=(2, 2, 3))
    fig = pc.draw_multichannel_convolution(image, kernel, bias=1)
    written = texts(fig)
    partials = [np.sum(image[:2, :2, c] * kernel[:, :, c]) for c in range(3)]
    for c, partial in enumerate(partials):
        assert f"input channel {c}" in written and any(t.endswith(f"= {partial:g}") for t in written)
    assert any(t.endswith(f"bias 1\n= {sum(partials) + 1:g}") for t in written)
    feature_map = sum(correlate2d(image[:, :, c], kernel[:, :, c], "valid") for c in range(3)) + 1
    assert all(f"{v:g}" in written for v in feature_map.ravel())



def test_bad_input_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="2-D"):
        pc.draw_convolution_steps(X[None], K)
    with pytest.raises(ValueError, match="does not fit"):
        pc.draw_convolution_steps(X[:2, :2], K)
    with pytest.raises(ValueError, match="stride"):
        pc.draw_convolution_steps(X, K, stride=0)
    with pytest.raises(ValueError, match="n_C"):
        pc.draw_multichannel_convolution(np.zeros((4, 4, 3)), np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="padded input"):
        pc.draw_output_size([(3, 5, 0, 1)])



def test_show_kernel_effect_computes_a_valid_cross_correlation():
    image = np.zeros((10, 10))
    image[:, 5:] = 1.0
    fig = pc.show_kernel_effect(image, np.array([[-1, 0, 1]] * 3), name="vertical edges")
    result = fig.axes[2].images[0].get_array()
    assert result.shape == (8, 8) and result.max() == 3.0  # the edge lights up
    assert fig.axes[1].get_title() == "vertical edges 3x3"
    plt.close(fig)


def test_output_size_figure_draws_uneven_padding():
    fig = pc.draw_output_size([(8, 3, (0, 1), 2)])
    written = texts(fig)
    assert any("0$ before and $1$ after" in t and "= 4$ windows" in t for t in written)
    assert sum(t.startswith("window ") for t in written) == 4
