"""The figures of images that many notebooks share: grids of images, feature maps, filters, heat maps."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from cnnkit import plot


def test_show_images_titles_and_layout():
    fig = plot.show_images(np.random.rand(5, 8, 8, 1), titles=list("abcde"), ncols=3)
    titled = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titled == list("abcde") and len(fig.axes) == 6
    plt.close(fig)


def test_show_images_rejects_wrong_title_count_and_shapes():
    with pytest.raises(ValueError, match="titles"):
        plot.show_images(np.zeros((2, 4, 4)), titles=["one"])
    with pytest.raises(ValueError, match="shape"):
        plot.show_images([np.zeros((2, 4, 4, 4))])


def test_show_feature_maps_one_panel_per_channel():
    fig = plot.show_feature_maps(np.random.rand(1, 6, 6, 4), title="maps")
    assert [ax.get_title() for ax in fig.axes] == ["map 0", "map 1", "map 2", "map 3"]
    assert fig._suptitle.get_text() == "maps"
    plt.close(fig)
    with pytest.raises(ValueError, match="channels"):
        plot.show_feature_maps(np.zeros((6, 6)))


def test_show_images_centre_zero_makes_limits_symmetric():
    fig = plot.show_images([np.array([[-1.0, 3.0], [0.0, 1.0]]), np.random.rand(4, 4, 3)], centre_zero=True)
    assert fig.axes[0].images[0].get_clim() == (-3.0, 3.0)
    plt.close(fig)
    fig = plot.show_images([np.array([[-1.0, 3.0], [0.0, 1.0]])])
    assert fig.axes[0].images[0].get_clim() == (-1.0, 3.0)  # default: the data's own range
    plt.close(fig)


def test_overlay_blends_the_colour_map_over_the_image():
    import matplotlib.pyplot as plt

    from cnnkit.plot import overlay_heatmap

    image = np.zeros((4, 6, 1), np.float32)
    heat = np.zeros((4, 6))
    heat[1, 2] = 5.0                                      # scaled by its maximum: 1 there, 0 elsewhere
    blended = overlay_heatmap(image, heat, alpha=1.0, cmap="viridis")
    assert blended.shape == (4, 6, 3) and blended.min() >= 0 and blended.max() <= 1
    np.testing.assert_allclose(blended[1, 2], plt.get_cmap("viridis")(1.0)[:3])
    np.testing.assert_allclose(blended[0, 0], plt.get_cmap("viridis")(0.0)[:3])
    np.testing.assert_allclose(overlay_heatmap(image, heat, alpha=0.0), 0.0)     # image only
    with pytest.raises(ValueError, match="height and width"):
        overlay_heatmap(image, np.zeros((6, 4)))
    with pytest.raises(ValueError, match="alpha"):
        overlay_heatmap(image, heat, alpha=2)


def test_show_heatmaps_and_show_filters_layouts():
    import matplotlib.pyplot as plt

    from cnnkit.plot import show_filters, show_heatmaps

    images = [np.random.rand(8, 8), np.random.rand(8, 8, 3)]
    fig = show_heatmaps(images, [None, np.random.rand(8, 8)], titles=["image", "map"], ncols=2)
    assert [ax.get_title() for ax in fig.axes[:2]] == ["image", "map"]
    assert fig.axes[-1].get_ylabel().startswith("importance")       # the colour bar
    plt.close(fig)
    with pytest.raises(ValueError, match="one heat map per image"):
        show_heatmaps(images, [None])
    fig = show_filters(np.random.randn(5, 5, 1, 6), ncols=4, title="filters")
    titled = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titled == [f"filter {k}" for k in range(6)] and fig._suptitle.get_text() == "filters"
    plt.close(fig)
    with pytest.raises(ValueError, match="kernels"):
        show_filters(np.zeros((5, 5, 2, 3)))
