"""Access to the npm package @vladmandic/face-api: pinned files, hash checks, offline errors, dequantisation."""

import hashlib
import json

import numpy as np
import pytest

from cnnkit.data import face_api, remote
from cnnkit.data.remote import CorruptDataError, DataNotFoundError


@pytest.fixture
def package_folder(tmp_path, monkeypatch):
    """An empty project data folder and cache: tests write the package files they need into it."""
    monkeypatch.setenv("CNNKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv(remote.CACHE_DIR_ENV, str(tmp_path / "cache"))
    return tmp_path / "data" / face_api.FACE_API_FOLDER


def _write_model(folder, monkeypatch, model, weights, data):
    """A fake model: a manifest listing ``weights`` and a .bin holding ``data``, with their hashes pinned."""
    manifest = json.dumps([{"paths": [f"{model}.bin"], "weights": weights}]).encode()
    pinned = dict(face_api.FACE_API_SHA256)
    for name, content in ((f"model/{model}-weights_manifest.json", manifest), (f"model/{model}.bin", data)):
        (folder / "model").mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
        pinned[name] = hashlib.sha256(content).hexdigest()
    monkeypatch.setattr(face_api, "FACE_API_SHA256", pinned)
    monkeypatch.setattr(face_api, "FACE_API_MODELS", (*face_api.FACE_API_MODELS, model))


def test_uint8_tensors_are_dequantised_with_scale_and_min_and_float32_read_as_is(package_folder, monkeypatch):
    codes = np.array([0, 1, 255, 10, 20, 30], np.uint8)
    plain = np.array([1.5, -2.0], np.float32)
    weights = [{"name": "conv/filters", "shape": [2, 3], "dtype": "float32",
                "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1.0}},
               {"name": "conv/bias", "shape": [2], "dtype": "float32"}]
    _write_model(package_folder, monkeypatch, "toy_model", weights, codes.tobytes() + plain.tobytes())
    loaded = face_api.load_face_api_weights("toy_model")
    np.testing.assert_allclose(loaded["conv/filters"], [[-1.0, -0.5, 126.5], [4.0, 9.0, 14.0]])
    assert loaded["conv/filters"].dtype == np.float32
    np.testing.assert_array_equal(loaded["conv/bias"], plain)


def test_a_manifest_that_does_not_match_the_weight_bytes_is_reported(package_folder, monkeypatch):
    weights = [{"name": "w", "shape": [4], "dtype": "float32", "quantization": {"dtype": "uint8", "scale": 1, "min": 0}}]
    _write_model(package_folder, monkeypatch, "short_model", weights, bytes(3))
    with pytest.raises(CorruptDataError, match="past the end"):
        face_api.load_face_api_weights("short_model")
    _write_model(package_folder, monkeypatch, "long_model", weights, bytes(5))
    with pytest.raises(CorruptDataError, match="describes 4 bytes"):
        face_api.load_face_api_weights("long_model")


def test_a_file_with_another_hash_is_reported_not_used(package_folder):
    relative = "model/tiny_face_detector_model.bin"
    (package_folder / "model").mkdir(parents=True)
    (package_folder / relative).write_bytes(b"not the weights")
    with pytest.raises(CorruptDataError, match="SHA-256"):
        face_api.face_api_file(relative)


def test_offline_without_a_copy_names_the_places_and_the_ways_to_get_it(package_folder, monkeypatch):
    monkeypatch.setenv("CNNKIT_OFFLINE", "1")
    with pytest.raises(DataNotFoundError) as error:
        face_api.face_api_file("model/tiny_face_detector_model.bin")
    text = str(error.value)
    assert "project data folder" in text and "download cache" in text and "switched off" in text
    assert "make face-api" in text and "cdn.jsdelivr.net/npm/@vladmandic/face-api@1.7.15/" in text


def test_unknown_files_and_models_are_refused_with_the_known_names():
    with pytest.raises(ValueError, match="tiny_face_detector_model.bin"):
        face_api.face_api_file("model/yolo.h5")
    with pytest.raises(ValueError, match="tiny_face_detector_model"):
        face_api.load_face_api_weights("yolo")


def test_each_pinned_file_has_a_jsdelivr_url_of_the_pinned_version():
    assert face_api.FACE_API_VERSION == "1.7.15"
    assert face_api.CDN_URL == "https://cdn.jsdelivr.net/npm/@vladmandic/face-api@1.7.15/"
    assert set(face_api.FACE_API_MODELS) >= {"tiny_face_detector_model", "face_recognition_model"}
