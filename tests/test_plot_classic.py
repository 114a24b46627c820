"""Notebook 07's block diagrams: they draw the layers, filter counts and shapes they are given,
and refuse what they cannot draw."""
import pytest
from matplotlib.figure import Figure

from cnnkit.plot.classic import draw_inception_module, draw_vgg_block


def texts_of(fig):
    ax = fig.axes[0]
    return [text.get_text() for text in ax.texts] + [ax.get_title()]


def test_vgg_block_draws_each_convolution_and_the_shapes_it_produces():
    fig = draw_vgg_block(num_convs=3, filters=64, input_shape=(28, 28, 32))
    assert isinstance(fig, Figure)
    texts = texts_of(fig)
    convs = [text for text in texts if text.startswith("conv")]
    assert convs == [f"conv{k}: 3x3\n64 filters\nReLU" for k in (1, 2, 3)]
    assert "input\n28×28×32" in texts and "output\n14×14×64" in texts
    assert texts.count("out 28×28×64") == 3 and "out 14×14×64" in texts
    assert any("7x7 window: 27 weights" in text and "49" in text for text in texts)


def test_vgg_block_of_one_convolution_makes_no_claim_about_stacking():
    texts = texts_of(draw_vgg_block(num_convs=1, filters=16, input_shape=(28, 28, 1)))
    assert not any("stacked" in text for text in texts)
    assert "output\n14×14×16" in texts


def test_inception_module_draws_four_branches_and_the_channel_sum():
    fig = draw_inception_module(64, 96, 128, 16, 32, 32, input_shape=(28, 28, 192))
    assert isinstance(fig, Figure)
    texts = texts_of(fig)
    for expected in ["1x1 conv\n64 filters", "1x1 conv (reduce)\n96 filters", "3x3 conv\n128 filters",
                     "1x1 conv (reduce)\n16 filters", "5x5 conv\n32 filters", "max pool 3x3\nstride 1, same",
                     "1x1 conv (project)\n32 filters", "input\n28×28×192"]:
        assert expected in texts
    assert any("64+128+32+32\n= 256" in text for text in texts)
    assert "output 28×28×256" in texts
    # Each branch's output shape is written where it enters the concatenation.
    assert [text for text in texts if text.startswith("out ")] == ["out 28×28×64", "out 28×28×128", "out 28×28×32",
                                                                   "out 28×28×32"]


@pytest.mark.parametrize("call, message", [
    (lambda: draw_vgg_block(num_convs=0), "num_convs must be a positive"),
    (lambda: draw_vgg_block(num_convs=5), "up to 4 convolutions"),
    (lambda: draw_vgg_block(input_shape=(28, 28)), "height, width, channels"),
    (lambda: draw_vgg_block(input_shape=(1, 28, 3)), "at least 2x2"),
    (lambda: draw_inception_module(f5=0), "f5 must be a positive"),
    (lambda: draw_inception_module(f1=2.5), "f1 must be a positive"),
])
def test_bad_input_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()
