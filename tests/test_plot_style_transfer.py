"""The Gram matrix figure of notebook 11 draws the numbers of the maps it is given and the Gram
matrix they make, and refuses maps it cannot draw legibly."""
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from cnnkit.plot.style_transfer import draw_gram_matrix, show_style_history


def texts_of(fig):
    return [text.get_text() for ax in fig.axes for text in ax.texts]


def test_gram_figure_shows_the_maps_their_rows_and_the_gram_matrix():
    maps = np.arange(12, dtype=float).reshape(2, 2, 3) / 4          # (h, w, C) = (2, 2, 3)
    fig = draw_gram_matrix(maps, channel_names=["channel 5", "channel 9", "channel 2"], entry=(1, 2),
                           title="Gram matrix of three maps")
    assert isinstance(fig, Figure)
    texts = texts_of(fig)
    rows = maps.reshape(4, 3).T
    gram = rows @ rows.T / 4
    for value in np.concatenate([maps.ravel(), gram.ravel()]):
        assert f"{value:.2f}" in texts
    # every map number appears twice (map and flattened row), every Gram entry at least once
    assert sum(text == f"{maps[1, 0, 2]:.2f}" for text in texts) >= 2
    assert any(text == "1: channel 9 (2x2)" for text in texts)
    worked = [text for text in texts if text.startswith("G[1, 2]")]
    assert len(worked) == 1 and worked[0].endswith(f"= {gram[1, 2]:.2f}")
    assert fig.axes[0].get_title() == "Gram matrix of three maps"
    plt.close(fig)


def test_gram_entry_is_the_mean_product_over_positions():
    maps = np.zeros((1, 2, 2))
    maps[..., 0] = [[1.0, 3.0]]
    maps[..., 1] = [[2.0, 4.0]]
    fig = draw_gram_matrix(maps, entry=(0, 1), fmt="{:g}")
    worked = [text for text in texts_of(fig) if text.startswith("G[0, 1]")]
    assert worked[0].endswith("= 7")                                # (1*2 + 3*4) / 2
    plt.close(fig)


@pytest.mark.parametrize("maps, match", [
    (np.zeros((3, 3)), "shape"),
    (np.zeros((3, 3, 1)), "2 to 4 channels"),
    (np.zeros((3, 3, 5)), "2 to 4 channels"),
    (np.zeros((4, 4, 3)), "average-pool"),
])
def test_maps_that_cannot_be_drawn_are_refused(maps, match):
    with pytest.raises(ValueError, match=match):
        draw_gram_matrix(maps)


def test_bad_names_and_entries_are_refused():
    with pytest.raises(ValueError, match="one name per channel"):
        draw_gram_matrix(np.zeros((2, 2, 3)), channel_names=["a", "b"])
    with pytest.raises(ValueError, match="entry"):
        draw_gram_matrix(np.zeros((2, 2, 3)), entry=(0, 3))


def test_style_history_draws_each_weighted_loss_on_a_log_scale():
    history = {"total": [3.0, 2.0, 1.5], "content": [0.0, 1.0, 1.0], "style": [2.0, 1.0, 0.5], "tv": [10.0, 5.0, 4.0]}
    fig = show_style_history(history, {"content": 1.0, "style": 2.0, "tv": 0.1}, title="losses")
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.get_title() == "losses"
    lines = {line.get_label(): line.get_ydata() for line in ax.get_lines()}
    assert set(lines) == {"total", "1 x content", "2 x style", "0.1 x tv"}
    np.testing.assert_allclose(lines["2 x style"], [4.0, 2.0, 1.0])
    assert np.isnan(lines["1 x content"][0])  # a zero loss has no place on a log axis
