"""Notebook 03's figures: each returns a Figure whose texts carry the numbers and labels it promises,
those numbers are the ones the library's backward passes compute, and bad input is refused."""
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from cnnkit import scratch
from cnnkit.plot.backprop import (
    GraphStep,
    draw_computational_graph,
    draw_conv_backward_spread,
    draw_conv_backward_steps,
    draw_im2col,
    draw_pool_backward,
    plot_layer_statistics,
    plot_sgd_steps,
)

A_PREV = np.array([[1, 2, 0], [3, 1, 2], [0, 2, 1]])
W = np.array([[1, -1, 2], [2, 1, -1], [1, 2, 1]])
DZ = np.array([[1, -1], [2, 1]])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [fig._suptitle.get_text() if fig._suptitle else ""]


def library_backward():
    """dA_prev and dW of the notebook's example by cnnkit.scratch.conv_backward (stride 2, pad 1)."""
    as_image = lambda a: a[None, :, :, None].astype(float)  # noqa: E731
    dA, dW, _ = scratch.conv_backward(as_image(DZ), (as_image(A_PREV), W[:, :, None, None].astype(float),
                                                     np.zeros(1), 2, 1))
    return dA[0, :, :, 0], dW[:, :, 0, 0]


def grid_numbers(ax, rows, cols, first):
    """The numbers written in a rows x cols grid whose first cell's text is at index ``first`` of ax.texts."""
    return np.array([float(t.get_text()) for t in ax.texts[first:first + rows * cols]]).reshape(rows, cols)


def test_conv_backward_steps_show_the_loop_and_its_result():
    fig = draw_conv_backward_steps(A_PREV, W, DZ, stride=2, pad=1, steps=[(0, 0), (0, 1), (1, 1)])
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    written = "\n".join(texts(fig))
    for label in ("step (i, j) = (0, 1)", "seen = A_pad[rows, cols]", "rows = 0:4:2, cols = 1:5:2",
                  "dA_pad[rows, cols] += dZ · W[1, 1]", "dA_prev = dA_pad[1:4, 1:4]", "stride 2, pad 1"):
        assert label in written, label
    # Step (0, 1): W[0, 1] met A_pad at rows 0, 2 and columns 1, 3: 0, 0, 3, 2 against dZ 1, -1, 2, 1.
    assert "= 0·1 + 0·(-1) + 3·2 + 2·1\n= 8" in written
    dA_prev, dW = library_backward()
    last = fig.axes[-1]
    # The last row draws W (9 texts and its label), then dW, then dA_pad: the library's numbers.
    assert np.array_equal(grid_numbers(last, 3, 3, 10), dW)
    assert np.array_equal(grid_numbers(last, 5, 5, 20)[1:4, 1:4], dA_prev)


def test_conv_backward_spread_adds_the_windows_up_to_the_same_gradient():
    fig = draw_conv_backward_spread(W, DZ, stride=2, pad=1, input_shape=A_PREV.shape)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == DZ.size + 2                     # dZ, one panel per dZ entry, the sum
    written = "\n".join(texts(fig))
    assert "dZ[1, 0] = 2 spreads as\nW · dZ[1, 0] over its window" in written
    dA_prev, _ = library_backward()
    assert np.array_equal(grid_numbers(visible[-1], 5, 5, 0)[1:4, 1:4], dA_prev)


def test_pool_backward_figure_writes_each_routed_gradient():
    A = np.array([[1.0, 3.0, 2.0, 0.0], [4.0, 2.0, 1.0, 5.0], [0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 1.0, 2.0]])
    dA = np.array([[10.0, 20.0], [30.0, 40.0]])
    shared = scratch.pool_backward(dA[None, :, :, None], (A[None, :, :, None], 2, 2, "max"))[0, :, :, 0]
    fig = draw_pool_backward(A, dA, {"max: shared": shared}, f=2, stride=2)
    written = texts(fig)
    assert "max: shared" in written and "13.3" in written    # three tied 2s share 40
    assert written.count("7.5") == 4                       # four tied 0s share 30


def test_im2col_figure_has_one_row_per_window_and_the_product():
    A = np.arange(1, 17).reshape(4, 4)
    fig = draw_im2col(A, W=np.array([[1, 0], [0, -1]]), stride=1, shown=(0, 1))
    written = "\n".join(texts(fig))
    assert "one row per window\n(9 x 4)" in written and "reshaped to 3 x 3" in written
    assert written.count("-5") == 9                        # every window: top-left minus bottom-right


def test_computational_graph_labels_shapes_and_gradients():
    steps = [GraphStep("input", "X", (32, 24, 24, 1)),
             GraphStep("conv 3x3, 8 filters", "Z1", (32, 24, 24, 8), "dZ1", "W1, b1"),
             GraphStep("flatten", "features", (32, 4608), "dfeatures"),
             GraphStep("softmax + cross-entropy", "L", ())]
    fig = draw_computational_graph(steps, title="net")
    written = texts(fig)
    for label in ("input", "conv 3x3, 8 filters", "X (32, 24, 24, 1)", "Z1 (32, 24, 24, 8)", "dZ1", "dfeatures",
                  "W1, b1", "dW1, db1", "softmax + cross-entropy → L"):
        assert label in written, label
    assert fig.axes[0].get_title() == "net"


def test_layer_statistics_draw_one_curve_per_initialisation_on_log_axes():
    layers = np.arange(1, 11)
    stats = {act: {"naive": {"activation std": 2.0 ** layers, "gradient std": 0.5 ** layers},
                   "He": {"activation std": np.ones(10), "gradient std": np.zeros(10)}}
             for act in ("ReLU", "tanh")}
    fig = plot_layer_statistics(stats, title="deep")
    assert len(fig.axes) == 4
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "layer" and ax.get_title() == "ReLU: activation std"
    assert [line.get_label() for line in ax.lines] == ["naive", "He"]
    assert np.all(np.isnan(fig.axes[1].lines[1].get_ydata()))   # zeros are left off a log axis, not drawn at 0
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["naive", "He"]


def test_sgd_steps_multiply_w_by_one_minus_twice_the_learning_rate():
    fig = plot_sgd_steps([0.1, 1.05], start=1.0, steps=3)
    assert [ax.get_title() for ax in fig.axes] == ["lr = 0.1: w times 0.80 per step", "lr = 1.05: w times -1.10 per step"]
    points = fig.axes[1].lines[1].get_xdata()
    np.testing.assert_allclose(points, [1.0, -1.1, 1.21, -1.331])


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="dZ has shape"):
        draw_conv_backward_steps(A_PREV, W, np.zeros((3, 3)), stride=2, pad=1)
    with pytest.raises(ValueError, match="outside the 3x3 kernel"):
        draw_conv_backward_steps(A_PREV, W, DZ, stride=2, pad=1, steps=[(3, 0)])
    with pytest.raises(ValueError, match="2-D array"):
        draw_conv_backward_spread(W[None], DZ, stride=2, pad=1, input_shape=(3, 3))
    with pytest.raises(ValueError, match="must not overlap"):
        draw_pool_backward(np.zeros((4, 4)), np.zeros((3, 3)), {}, f=2, stride=1)
    with pytest.raises(ValueError, match="window numbers"):
        draw_im2col(np.zeros((4, 4)), np.ones((2, 2)), stride=1, shown=(9,))
    with pytest.raises(ValueError, match="input and at least one operation"):
        draw_computational_graph([GraphStep("input", "X", (1,))])
    with pytest.raises(ValueError, match="positive"):
        plot_sgd_steps([0.0])
