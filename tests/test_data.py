"""cnnkit.data: the offline search order, real file formats, clear errors, generated shapes."""

from __future__ import annotations

import gzip
import pickle
import time
from pathlib import Path

import numpy as np
import pytest

from cnnkit.augment.classification import make_dataset
from cnnkit.data import (
    FASHION_MNIST_CLASSES,
    CorruptDataError,
    DataNotFoundError,
    datasets,
    list_sample_images,
    load_cifar10,
    load_fashion_mnist,
    load_mnist,
    make_shapes,
    read_idx,
    remote,
    sample_image,
)

DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")
needs_debian_fashion = pytest.mark.skipif(
    not DEBIAN_FASHION.is_dir(), reason="Debian's dataset-fashion-mnist is not installed (make setup installs it)"
)


@pytest.fixture
def empty_world(tmp_path, monkeypatch):
    """No project data, no system datasets, an empty Keras cache and no network."""
    monkeypatch.setenv("CNNKIT_DATA_DIR", str(tmp_path / "project"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(datasets, "SYSTEM_DATASETS", tmp_path / "system")
    monkeypatch.setattr(remote, "online", lambda host, timeout=remote.CONNECT_TIMEOUT: False)
    monkeypatch.delenv("CNNKIT_OFFLINE", raising=False)
    return tmp_path


def write_idx(path: Path, array: np.ndarray, compress: bool = True) -> None:
    """Write ``array`` (uint8) in the IDX format: 0, 0, type 0x08, ndim, sizes, data."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    data = header + array.astype(np.uint8).tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    if compress:
        with gzip.open(path.with_name(path.name + ".gz"), "wb") as handle:
            handle.write(data)
    else:
        path.write_bytes(data)


def write_idx_folder(folder: Path, n_train=12, n_test=5, compress=True, seed=0):
    rng = np.random.default_rng(seed)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28)), "y_train": rng.integers(0, 10, n_train),
        "x_test": rng.integers(0, 256, (n_test, 28, 28)), "y_test": rng.integers(0, 10, n_test),
    }
    for key, stem in datasets.IDX_STEMS.items():
        write_idx(folder / stem, arrays[key], compress)
    return arrays


# ------------------------------------------------------------------ errors without data
def test_nothing_anywhere_fails_fast_naming_every_way(empty_world):
    start = time.perf_counter()
    with pytest.raises(DataNotFoundError) as caught:
        load_fashion_mnist()
    assert time.perf_counter() - start < 5
    message = str(caught.value)
    for expected in ("project data folder", "system datasets", "Keras cache", "no network",
                     "apt-get install dataset-fashion-mnist", "data/fashion-mnist"):
        assert expected in message


def test_download_switched_off_says_so(empty_world):
    with pytest.raises(DataNotFoundError, match="switched off"):
        load_mnist(download=False)


def test_explicit_path_that_is_wrong_is_an_error_not_a_fallback(empty_world):
    write_idx_folder(empty_world / "project" / "fashion-mnist")
    with pytest.raises(DataNotFoundError, match="not at the path you gave"):
        load_fashion_mnist(path=empty_world / "nowhere")


# ------------------------------------------------------------------ the search order
def test_search_order_explicit_then_project_then_system_then_cache(empty_world):
    keras_cache = write_idx_folder(empty_world / "keras" / "datasets" / "fashion-mnist", seed=4)
    (x, y), _, names = load_fashion_mnist()
    np.testing.assert_array_equal(x, keras_cache["x_train"])
    assert names == FASHION_MNIST_CLASSES

    system = write_idx_folder(empty_world / "system" / "fashion-mnist", seed=3)
    np.testing.assert_array_equal(load_fashion_mnist().train[0], system["x_train"])

    project = write_idx_folder(empty_world / "project" / "fashion-mnist", seed=2)
    np.testing.assert_array_equal(load_fashion_mnist().train[0], project["x_train"])

    explicit = write_idx_folder(empty_world / "mine", seed=1, compress=False)
    data = load_fashion_mnist(path=empty_world / "mine")
    np.testing.assert_array_equal(data.train[0], explicit["x_train"])
    np.testing.assert_array_equal(data.test[1], explicit["y_test"])


@needs_debian_fashion
def test_full_fashion_mnist_from_debian():
    (x_train, y_train), (x_test, y_test), names = load_fashion_mnist()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and x_train.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [6000] * 10  # Fashion-MNIST is balanced
    assert names[9] == "Ankle boot"


@needs_debian_fashion
def test_debian_files_have_the_published_sizes():
    # Debian recompressed the archives, so their MD5s differ from Zalando's; sizes must not.
    for name in datasets.FASHION_MNIST_MD5:
        with gzip.open(DEBIAN_FASHION / name, "rb") as handle:
            assert len(handle.read()) in (16 + 60000 * 784, 16 + 10000 * 784, 8 + 60000, 8 + 10000)


# ------------------------------------------------------------------ corrupt files
def test_truncated_idx_file_is_reported(tmp_path):
    write_idx(tmp_path / "images", np.zeros((4, 28, 28)), compress=False)
    data = (tmp_path / "images").read_bytes()
    (tmp_path / "images").write_bytes(data[:-100])
    with pytest.raises(CorruptDataError, match="truncated"):
        read_idx(tmp_path / "images")


def test_not_an_idx_file_is_reported(tmp_path):
    (tmp_path / "images").write_bytes(b"hello world, not idx")
    with pytest.raises(CorruptDataError, match="magic"):
        read_idx(tmp_path / "images")


def test_labels_out_of_range_are_reported(empty_world):
    folder = empty_world / "bad"
    write_idx_folder(folder)
    write_idx(folder / "t10k-labels-idx1-ubyte", np.full(5, 12))
    with pytest.raises(CorruptDataError, match="label 12"):
        load_fashion_mnist(path=folder)


def test_downloaded_fashion_files_are_checked_against_published_md5(empty_world):
    folder = empty_world / "keras" / "datasets" / "fashion-mnist"
    write_idx_folder(folder)
    with pytest.raises(CorruptDataError, match="MD5"):
        datasets._verify_fashion_download()


# ------------------------------------------------------------------ MNIST and CIFAR-10 formats
def test_mnist_from_keras_npz_in_cache(empty_world):
    rng = np.random.default_rng(0)
    arrays = {"x_train": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8), "y_train": np.arange(6, dtype=np.uint8),
              "x_test": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8), "y_test": np.arange(3, dtype=np.uint8)}
    cache = empty_world / "keras" / "datasets"
    cache.mkdir(parents=True)
    np.savez(cache / "mnist.npz", **arrays)
    (x_train, y_train), (x_test, y_test), names = load_mnist()
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])
    assert names[3] == "3"


def test_mnist_from_idx_folder_in_project_data(empty_world):
    arrays = write_idx_folder(empty_world / "project" / "mnist")
    np.testing.assert_array_equal(load_mnist().test[0], arrays["x_test"])


def write_cifar_folder(folder: Path, per_batch=4, seed=0):
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True)
    batches = {}
    for name in datasets.CIFAR_TRAIN_BATCHES + ("test_batch",):
        images = rng.integers(0, 256, (per_batch, 32, 32, 3), dtype=np.uint8)
        labels = rng.integers(0, 10, per_batch).tolist()
        # The real files store each image as 1024 red, then 1024 green, then 1024 blue bytes.
        rows = images.transpose(0, 3, 1, 2).reshape(per_batch, 3072)
        with open(folder / name, "wb") as handle:
            pickle.dump({b"data": rows, b"labels": labels, b"batch_label": name.encode()}, handle)
        batches[name] = (images, labels)
    return batches


def test_cifar10_from_keras3_cache_layout(empty_world):
    folder = empty_world / "keras" / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    batches = write_cifar_folder(folder)
    (x_train, y_train), (x_test, y_test), names = load_cifar10()
    assert x_train.shape == (20, 32, 32, 3) and y_train.shape == (20,) and x_test.shape == (4, 32, 32, 3)
    np.testing.assert_array_equal(x_train[:4], batches["data_batch_1"][0])  # channels restored correctly
    np.testing.assert_array_equal(x_test, batches["test_batch"][0])
    assert names[0] == "airplane"


def test_cifar10_explicit_parent_folder(empty_world):
    write_cifar_folder(empty_world / "mine" / "cifar-10-batches-py")
    assert load_cifar10(path=empty_world / "mine").train[0].shape == (20, 32, 32, 3)


def test_corrupt_cifar_batch_is_reported(empty_world):
    folder = empty_world / "mine"
    write_cifar_folder(folder)
    (folder / "test_batch").write_bytes(b"garbage")
    with pytest.raises(CorruptDataError, match="test_batch"):
        load_cifar10(path=folder)


# ------------------------------------------------------------------ photos
@pytest.mark.parametrize("name", sorted(list_sample_images()))
def test_every_sample_image_loads_as_unit_floats(name):
    image = sample_image(name)
    assert image.ndim == 3 and image.shape[-1] == 3 and image.dtype == np.float32
    assert 0.0 <= image.min() and image.max() <= 1.0 and image.std() > 0.02


def test_sample_image_resizing_and_gray():
    assert sample_image("chelsea", image_size=64).shape == (64, 64, 3)
    assert sample_image("chelsea", image_size=(40, 30), gray=True).shape == (40, 30, 1)
    credits = list_sample_images()
    assert "CC0" in credits["chelsea"] and "public domain" in credits["grace_hopper"]


def test_unknown_sample_image_lists_the_names():
    with pytest.raises(ValueError, match="chelsea"):
        sample_image("mona_lisa")


# ------------------------------------------------------------------ generated shapes
def test_shapes_are_deterministic_and_seed_dependent():
    first, again, other = make_shapes(20, seed=5), make_shapes(20, seed=5), make_shapes(20, seed=6)
    np.testing.assert_array_equal(first.images, again.images)
    np.testing.assert_array_equal(first.boxes, again.boxes)
    assert not np.array_equal(first.images, other.images)


@pytest.mark.parametrize("background", ["plain", "noise", "texture"])
def test_shapes_masks_boxes_and_labels_agree(background):
    data = make_shapes(40, image_size=48, shapes_per_image=(1, 3), background=background, seed=1)
    assert data.images.shape == (40, 48, 48, 3) and data.masks.shape == (40, 48, 48)
    assert data.images.min() >= 0 and data.images.max() <= 1
    for i in range(40):
        present = data.box_classes[i] >= 0
        assert 1 <= present.sum() <= 3 and np.all(data.box_classes[i][present.sum():] == -1)
        # Every visible class in the mask has a box of that class, and the label is the largest class.
        visible = set(np.unique(data.masks[i])) - {0}
        assert visible <= {c + 1 for c in data.box_classes[i][present]}
        counts = np.bincount(data.masks[i].ravel(), minlength=4)[1:]
        assert data.labels[i] == np.argmax(counts)
        for (x0, y0, x1, y1), cls in zip(data.boxes[i][present], data.box_classes[i][present]):
            assert 0 <= x0 < x1 <= 48 and 0 <= y0 < y1 <= 48
            # Pixels of the class outside all boxes of that class cannot exist.
            inside = np.zeros((48, 48), bool)
            for (a0, b0, a1, b1), c in zip(data.boxes[i][present], data.box_classes[i][present]):
                if c == cls:
                    inside[int(b0):int(b1), int(a0):int(a1)] = True
            assert not np.any((data.masks[i] == cls + 1) & ~inside)


def test_shapes_single_shape_labels_cover_all_classes():
    data = make_shapes(300, seed=0)
    assert np.all(np.bincount(data.labels, minlength=3) > 60)  # roughly balanced classes
    assert np.all(data.masks.reshape(300, -1).max(axis=1) == data.labels + 1)


def test_shapes_bad_arguments_are_named():
    with pytest.raises(ValueError, match="background"):
        make_shapes(2, background="sky")
    with pytest.raises(ValueError, match="shapes_per_image"):
        make_shapes(2, shapes_per_image=(3, 1))


def test_shapes_are_fast_enough_to_make_on_the_fly():
    start = time.perf_counter()
    make_shapes(1000, image_size=64, shapes_per_image=(1, 3))
    assert time.perf_counter() - start < 10  # generous: about 1 s on 2 cores


# ------------------------------------------------------------------ tf.data
def test_make_dataset_batches_shuffles_on_request_and_keeps_pairs():
    x = np.arange(10, dtype=np.float32)[:, None]
    y = np.arange(10)
    batches = list(make_dataset(x, y, batch_size=4, shuffle=True, seed=0))
    assert [len(bx) for bx, _ in batches] == [4, 4, 2]
    xs = np.concatenate([bx.numpy()[:, 0] for bx, _ in batches])
    ys = np.concatenate([by.numpy() for _, by in batches])
    np.testing.assert_array_equal(xs, ys)                 # pairs stay together
    assert sorted(ys.tolist()) == list(range(10)) and ys.tolist() != list(range(10))
    ordered = np.concatenate([bx.numpy()[:, 0] for bx in make_dataset(x, batch_size=3)])  # in order by default
    np.testing.assert_array_equal(ordered, x[:, 0])


def test_make_dataset_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same length"):
        make_dataset(np.zeros((3, 2)), np.zeros(4))


def test_shapes_max_occlusion_keeps_each_shape_mostly_visible():
    kept = make_shapes(60, image_size=48, shapes_per_image=(2, 4), background="texture", seed=2, max_occlusion=0.3)
    for mask, boxes, classes in zip(kept.masks, kept.boxes, kept.box_classes):
        for box, kind in zip(boxes[classes >= 0].astype(int), classes[classes >= 0]):
            x0, y0, x1, y1 = box
            assert np.any(mask[y0:y1, x0:x1] == kind + 1)  # something of it is still to be seen
    # The default allows any overlap and draws exactly what earlier versions drew.
    default, explicit = make_shapes(30, seed=4, shapes_per_image=(1, 4)), make_shapes(30, seed=4, shapes_per_image=(1, 4),
                                                                                       max_occlusion=1.0)
    assert np.array_equal(default.images, explicit.images)
    with pytest.raises(ValueError, match="max_occlusion"):
        make_shapes(2, max_occlusion=1.5)
