"""Notebook 08's drawings: the blocks carry their layers, shapes and weight counts, and the ResNet
plan reads its shapes from the model it is given."""
import pytest
from matplotlib.figure import Figure

from cnnkit.plot.resnet import draw_bottleneck_block, draw_residual_blocks, draw_resnet_plan, resnet_plan


def _texts(fig):
    return [text.get_text() for ax in fig.axes for text in ax.texts] + [ax.get_title() for ax in fig.axes]


def test_residual_blocks_show_both_shortcuts_with_their_shapes():
    fig = draw_residual_blocks(size=28, channels=16, filters=32, stride=2)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    identity, projection = (" ".join(t.get_text() for t in ax.texts) for ax in fig.axes)
    assert "identity shortcut" in identity and "Conv 1×1" not in identity
    assert "output  28×28×16" in identity
    assert "Conv 1×1, 32,\nstride 2 → BN" in projection and "output  14×14×32" in projection
    assert "Conv 3×3, 32, stride 2\n→ BN → ReLU" in projection


def test_bottleneck_counts_the_weights_of_both_blocks():
    fig = draw_bottleneck_block(size=56, channels=256, filters=64)
    texts = " ".join(_texts(fig))
    assert "two 3×3 convolutions: 1,179,648 weights" in texts
    assert "bottleneck: 69,632 weights" in texts          # 256*64 + 9*64*64 + 64*256
    assert "56×56×64   36,864 weights" in texts
    with pytest.raises(ValueError, match="channels = 4 \\* filters"):
        draw_bottleneck_block(channels=128, filters=64)


def test_resnet_plan_reads_the_shapes_of_the_model():
    from cnnkit.models.resnet import build_resnet, residual_block

    model = build_resnet(residual_block, [1, 2, 1], (28, 28, 1), 10, base_filters=8, small_input=True, name="tiny")
    plan = resnet_plan(model)
    assert plan == [("input", (28, 28, 1)), ("stem", (28, 28, 8)), ("stage1: 1 block", (28, 28, 8)),
                    ("stage2: 2 blocks", (14, 14, 16)), ("stage3: 1 block", (7, 7, 32)),
                    ("average pool", (32,)), ("dense: logits", (10,))]
    fig = draw_resnet_plan(model)
    assert "stage2\n2 blocks\n14×14×16" in _texts(fig)


def test_resnet_plan_refuses_a_model_it_cannot_read():
    import keras

    inputs = keras.Input((4,))
    with pytest.raises(ValueError, match="build_resnet"):
        resnet_plan(keras.Model(inputs, keras.layers.Dense(2)(inputs), name="dense"))


def test_data_parallel_splits_the_batch_between_the_replicas():
    from cnnkit.plot.resnet import draw_data_parallel

    texts = " ".join(_texts(draw_data_parallel(replicas=4, global_batch=256)))
    assert "global batch\n256 images" in texts and texts.count("on 64 images") == 4
    assert "replica 3: w ← w − η·ḡ" in texts
    with pytest.raises(ValueError, match="split evenly"):
        draw_data_parallel(replicas=3, global_batch=128)
