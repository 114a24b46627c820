"""Notebook 12's own-images section: the example folder, and a clear message for each broken folder."""

import numpy as np
import pytest
from PIL import Image

from cnnkit.data import check_image_folder, write_example_folder


def _image(path, value=128):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full((8, 8, 3), value, np.uint8)).save(path)


def test_example_folder_has_one_subfolder_per_class_and_keras_reads_it(tmp_path):
    import keras

    folder = write_example_folder(tmp_path / "example", crops_per_class=4, image_size=16)
    assert check_image_folder(folder) == {"brick": 4, "grass": 4, "gravel": 4}
    data = keras.utils.image_dataset_from_directory(folder, image_size=(16, 16), batch_size=12, shuffle=False)
    images, labels = next(iter(data))
    assert data.class_names == ["brick", "grass", "gravel"]
    assert images.shape == (12, 16, 16, 3) and sorted(np.bincount(labels.numpy())) == [4, 4, 4]


def test_missing_folder_says_how_to_make_one(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist.*one sub-folder per class"):
        check_image_folder(tmp_path / "nowhere")


def test_empty_folder_asks_for_class_subfolders(tmp_path):
    with pytest.raises(ValueError, match="has no sub-folders"):
        check_image_folder(tmp_path)


def test_single_class_is_refused(tmp_path):
    _image(tmp_path / "cats" / "a.png")
    with pytest.raises(ValueError, match="single class .*'cats'.*at least two"):
        check_image_folder(tmp_path)


def test_class_without_images_is_named(tmp_path):
    _image(tmp_path / "cats" / "a.png")
    (tmp_path / "dogs").mkdir()
    (tmp_path / "dogs" / "notes.txt").write_text("no image here")
    with pytest.raises(ValueError, match="dogs.* holds no images"):
        check_image_folder(tmp_path)


def test_unreadable_image_is_named(tmp_path):
    _image(tmp_path / "cats" / "a.png")
    _image(tmp_path / "dogs" / "b.png")
    (tmp_path / "dogs" / "broken.jpg").write_bytes(b"this is not a JPEG")
    with pytest.raises(ValueError, match="broken.jpg.* is not a readable image"):
        check_image_folder(tmp_path)


def test_counts_follow_keras_class_order(tmp_path):
    for name, count in [("zebra", 2), ("ant", 1)]:
        for k in range(count):
            _image(tmp_path / name / f"{k}.png")
    assert list(check_image_folder(tmp_path).items()) == [("ant", 1), ("zebra", 2)]
