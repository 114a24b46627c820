"""The figures of notebooks 01 and 02: each returns a Figure whose texts carry the numbers it claims
to show, computed independently here (scipy's correlate2d, the receptive-field exercise)."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.animation import FuncAnimation  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from scipy.signal import correlate2d  # noqa: E402

from cnnkit import plot_convolution as pc  # noqa: E402
from cnnkit.scratch import receptive_field  # noqa: E402

X = np.array([[3, 1, 0, 2], [1, 4, 2, 0], [0, 2, 5, 1], [2, 0, 1, 3]])
K = np.array([[1, 0, -1], [1, 2, -1], [0, 1, 0]])


def texts(fig):
    found = [t.get_text() for ax in fig.axes for t in ax.texts]
    found += [ax.get_title() for ax in fig.axes] + ([fig._suptitle.get_text()] if fig._suptitle else [])
    return found


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


def test_pooling_figure_shows_max_and_mean_of_each_window():
    values = np.array([[1, 3, 2, 9], [7, 4, 1, 5], [8, 6, 3, 2], [0, 5, 4, 7]])
    written = texts(pc.draw_pooling(values, f=2))
    assert "max pool 2x2, stride 2" in written and "average pool 2x2, stride 2" in written
    for v in (7, 9, 8, 7, 3.75, 4.25, 4.75, 4):
        assert f"{v:.4g}" in written


def test_receptive_field_figure_agrees_with_the_exercise():
    stacks = {"three convs": [(3, 1)] * 3, "conv pool conv": [(3, 1), (2, 2), (3, 1)], "strided": [(3, 2), (3, 2)]}
    fig = pc.draw_receptive_field(stacks)
    for ax, layers in zip(fig.axes, stacks.values()):
        assert any(t.get_text() == f"sees {receptive_field(layers)} input pixels" for t in ax.texts)
        growth = " → ".join(str(receptive_field(layers[:k])) for k in range(1, len(layers) + 1))
        assert ax.get_title().endswith(growth)


def test_activation_figure_has_labelled_function_and_derivative_panels():
    z = np.linspace(-3, 3, 61)
    fig = pc.plot_activations(z, {"ReLU": (np.maximum(z, 0), (z > 0) * 1.0), "tanh": (np.tanh(z), 1 - np.tanh(z) ** 2)})
    left, right = fig.axes
    assert left.get_ylabel() == "activation(z)" and right.get_ylabel() == "d activation / dz"
    assert [t.get_text() for t in right.get_legend().get_texts()] == ["ReLU", "tanh"]


def test_bad_input_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="2-D"):
        pc.draw_convolution_steps(X[None], K)
    with pytest.raises(ValueError, match="does not fit"):
        pc.draw_convolution_steps(X[:2, :2], K)
    with pytest.raises(ValueError, match="stride"):
        pc.draw_convolution_steps(X, K, stride=0)
    with pytest.raises(ValueError, match="multiples of f"):
        pc.draw_pooling(np.zeros((5, 4)), f=2)
    with pytest.raises(ValueError, match="n_C"):
        pc.draw_multichannel_convolution(np.zeros((4, 4, 3)), np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="padded input"):
        pc.draw_output_size([(3, 5, 0, 1)])
    with pytest.raises(ValueError, match="kernel, stride >= 1"):
        pc.draw_receptive_field({"bad": [(3, 0)]})
    with pytest.raises(ValueError, match="one entry per z"):
        pc.plot_activations(np.zeros(3), {"f": (np.zeros(2), np.zeros(3))})


def test_softmax_figure_shows_shifted_scores_and_the_probabilities():
    scores = np.array([2.0, 1.0, 0.1])
    probabilities = np.exp(scores) / np.exp(scores).sum()
    fig = pc.plot_softmax(scores, probabilities, ["cat", "dog", "car"])
    left, right = fig.axes
    shifted = [bar.get_height() for bar in left.patches[3:]]
    assert np.allclose(shifted, scores - 2.0)
    assert [t.get_text() for t in right.texts] == [f"{p:.3f}" for p in probabilities]
    assert [t.get_text() for t in right.get_xticklabels()] == ["cat", "dog", "car"]
    with pytest.raises(ValueError, match="class names"):
        pc.plot_softmax(scores, probabilities, ["cat"])


def test_output_size_figure_draws_uneven_padding():
    fig = pc.draw_output_size([(8, 3, (0, 1), 2)])
    written = texts(fig)
    assert any("0$ before and $1$ after" in t and "= 4$ windows" in t for t in written)
    assert sum(t.startswith("window ") for t in written) == 4
