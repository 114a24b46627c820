"""Access to the npm package @vladmandic/face-api: pinned files, hash checks, offline errors, dequantisation."""

import hashlib
import json

import numpy as np
import pytest

from cnnkit.data import face_api, remote
from cnnkit.data.remote import CorruptDataError, DataNotFoundError
from cnnkit.topics.detection import box_iou


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
    weights = [{"name": "w", "shape": [4], "dtype": "float32",
                "quantization": {"dtype": "uint8", "scale": 1, "min": 0}}]
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


# --------------------------------------------------------------------------- the Tiny Face Detector
def _reference_forward(tensors, batch):
    """The package's TinyYolov2Base.runMobilenet, op by op with tf.nn (the Keras rebuild's oracle)."""
    import tensorflow as tf

    def leaky(x):
        return tf.nn.leaky_relu(x, alpha=0.1)

    x = leaky(tf.nn.conv2d(batch, tensors["conv0/filters"], 1, "VALID") + tensors["conv0/bias"])
    x = tf.nn.max_pool2d(x, 2, 2, "SAME")
    for level in range(1, 6):
        x = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]])
        depthwise, pointwise = tensors[f"conv{level}/depthwise_filter"], tensors[f"conv{level}/pointwise_filter"]
        x = tf.nn.separable_conv2d(x, depthwise, pointwise, [1, 1, 1, 1], "VALID") + tensors[f"conv{level}/bias"]
        x = tf.nn.max_pool2d(leaky(x), 2, 2 if level < 5 else 1, "SAME")
    x = tf.nn.conv2d(x, tensors["conv8/filters"], 1, "VALID") + tensors["conv8/bias"]
    return x.numpy().reshape(*x.shape[:3], 5, 5)


def test_keras_rebuild_computes_what_the_package_computes():
    from cnnkit.models.tiny_face_detector import build_tiny_face_detector, set_face_api_weights

    model = build_tiny_face_detector(image_size=96, weights=None)
    rng = np.random.default_rng(0)
    tensors = {}
    for layer in model.layers:
        if layer.name in ("conv0", "conv8"):
            names = ("filters", "bias")
        elif layer.name.startswith("conv") and not layer.name.endswith("_leaky"):
            names = ("depthwise_filter", "pointwise_filter", "bias")
        else:
            continue
        for name, weight in zip(names, layer.get_weights()):
            tensors[f"{layer.name}/{name}"] = rng.normal(0, 0.3, size=weight.shape).astype(np.float32)
    assert len(tensors) == 19  # as many tensors as the package's manifest lists
    set_face_api_weights(model, tensors)
    batch = rng.normal(size=(2, 96, 96, 3)).astype(np.float32)
    expected = _reference_forward(tensors, batch)
    np.testing.assert_allclose(model.predict(batch, verbose=0), expected, rtol=1e-4, atol=1e-4)


def test_preprocess_pads_at_the_bottom_right_and_normalises_like_the_package():
    from cnnkit.models.tiny_face_detector import MEAN_RGB, preprocess

    image = np.ones((32, 64, 3))  # white, wider than tall
    batch, side = preprocess(image, image_size=64)
    assert batch.shape == (1, 64, 64, 3) and side == 64
    np.testing.assert_allclose(batch[0, 5, 5], (255 - MEAN_RGB) / 255, rtol=1e-5)
    np.testing.assert_allclose(batch[0, 60, 5], -MEAN_RGB / 255, rtol=1e-5)
    with pytest.raises(ValueError, match="RGB"):
        preprocess(np.zeros((8, 8)))


@pytest.fixture(scope="module")
def face_detector():
    from cnnkit.models.tiny_face_detector import build_tiny_face_detector

    try:
        return build_tiny_face_detector()
    except DataNotFoundError as error:
        pytest.skip(f"face-api weights not installed (run `make face-api`): {str(error).splitlines()[0]}")


@pytest.mark.parametrize("name, face", [("astronaut", (165, 75, 280, 190)), ("grace_hopper", (150, 140, 380, 350))])
def test_pretrained_detector_finds_the_one_face_of_each_portrait(face_detector, name, face):
    from cnnkit.data import sample_image
    from cnnkit.models.tiny_face_detector import detect_faces

    boxes, scores = detect_faces(face_detector, sample_image(name))
    assert len(boxes) == 1 and scores[0] > 0.9
    assert box_iou([face], boxes)[0, 0] > 0.8  # roughly where a person marks the face


def test_pretrained_detector_finds_no_face_in_a_cup_of_coffee(face_detector):
    from cnnkit.data import sample_image
    from cnnkit.models.tiny_face_detector import detect_faces

    boxes, _ = detect_faces(face_detector, sample_image("coffee"))
    assert len(boxes) == 0


def test_a_missing_file_is_downloaded_into_the_cache_and_checked(package_folder, monkeypatch, tmp_path):
    content = b"weights of a toy model"
    relative = "model/toy_model.bin"
    monkeypatch.setattr(face_api, "FACE_API_SHA256", {**face_api.FACE_API_SHA256,
                                                      relative: hashlib.sha256(content).hexdigest()})
    served = tmp_path / "cdn"
    (served / "model").mkdir(parents=True)
    (served / relative).write_bytes(content)
    monkeypatch.setattr(face_api, "CDN_URL", served.as_uri() + "/")
    monkeypatch.delenv("CNNKIT_OFFLINE", raising=False)
    monkeypatch.setattr(remote, "online", lambda host, timeout=0: True)
    path = face_api.face_api_file(relative)
    assert path.read_bytes() == content and str(path).startswith(str(tmp_path / "cache"))
