"""cnnkit.data.pets: the Oxford-IIIT Pet loader, offline, on tiny files in the real format."""

from __future__ import annotations

import dataclasses
import hashlib
import tarfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cnnkit.data import CorruptDataError, DataNotFoundError, load_oxford_pets, pets, remote
from cnnkit.data.remote import RemoteFile

# (name, class id 1-37, species 1 cat / 2 dog, breed id) as in the real lists.
TRAINVAL = [("Abyssinian_1", 1, 1, 1), ("Abyssinian_2", 1, 1, 1), ("beagle_3", 5, 2, 3), ("pug_7", 26, 2, 11)]
TEST = [("Siamese_9", 33, 1, 11)]
HEADER = "#Image CLASS-ID SPECIES BREED ID\n#ID: 1:37 Class ids\n#SPECIES: 1:Cat 2:Dog\n#BREED ID: 1-25:Cat 1:12:Dog\n"


def trimap(height, width, seed):
    """A trimap like the real ones: 2 background, 1 pet, 3 a border around the pet."""
    rng = np.random.default_rng(seed)
    values = np.full((height, width), 2, np.uint8)
    top, left = rng.integers(2, 6, size=2)
    values[top:height - 3, left:width - 4] = 3
    values[top + 2:height - 5, left + 2:width - 6] = 1
    return values


def write_pets_folder(folder: Path, size=(30, 40)) -> dict[str, np.ndarray]:
    """Tiny photos (JPEG; one greyscale, one RGBA as some real files are), PNG trimaps and
    the three list files, laid out as the two official archives unpack."""
    (folder / "images").mkdir(parents=True)
    (folder / "annotations" / "trimaps").mkdir(parents=True)
    trimaps = {}
    for k, (name, *_) in enumerate(TRAINVAL + TEST):
        rng = np.random.default_rng(k)
        photo = Image.fromarray(rng.integers(0, 256, (*size, 3), dtype=np.uint8))
        photo = photo.convert("L") if k == 1 else photo.convert("RGBA") if k == 2 else photo
        photo.save(folder / "images" / f"{name}.jpg", format="PNG" if k == 2 else "JPEG")
        trimaps[name] = trimap(*size, seed=k)
        Image.fromarray(trimaps[name]).save(folder / "annotations" / "trimaps" / f"{name}.png")
    # macOS resource-fork files ship in the real annotations archive; they must be ignored.
    (folder / "annotations" / "trimaps" / "._Abyssinian_1.png").write_bytes(b"\x00\x05\x16\x07")

    def lines(entries):
        return "".join(f"{name} {cid} {species} {breed}\n" for name, cid, species, breed in entries)

    (folder / "annotations" / "trainval.txt").write_text(lines(TRAINVAL))
    (folder / "annotations" / "test.txt").write_text(lines(TEST))
    (folder / "annotations" / "list.txt").write_text(HEADER + lines(TRAINVAL + TEST))
    return trimaps


@pytest.fixture
def empty_world(tmp_path, monkeypatch):
    """No project data, an empty Keras cache, no network."""
    monkeypatch.setenv("CNNKIT_DATA_DIR", str(tmp_path / "project"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv(remote.CACHE_DIR_ENV, str(tmp_path / "downloads"))
    monkeypatch.setattr(remote, "online", lambda host, timeout=remote.CONNECT_TIMEOUT: False)
    monkeypatch.delenv("CNNKIT_OFFLINE", raising=False)
    return tmp_path


def test_reads_photos_trimaps_and_breeds_from_an_explicit_path(tmp_path):
    trimaps = write_pets_folder(tmp_path / "pets")
    data = load_oxford_pets(path=tmp_path / "pets", image_size=30)
    assert data.images.shape == (4, 30, 30, 3) and data.images.dtype == np.uint8
    assert data.masks.shape == (4, 30, 30) and data.masks.dtype == np.uint8
    assert data.names == tuple(name for name, *_ in TRAINVAL)
    assert [data.breed_names[b] for b in data.breeds] == ["Abyssinian", "Abyssinian", "beagle", "pug"]
    assert data.class_names == ("background", "pet", "border")
    # Trimap 2 (background) -> 0, 1 (pet) -> 1, 3 (border) -> 2; the photo is 30x40, squashed to 30x30.
    expected = np.asarray(Image.fromarray(trimaps["Abyssinian_1"]).resize((30, 30), Image.Resampling.NEAREST))
    np.testing.assert_array_equal(data.masks[0], np.array([9, 1, 0, 2])[expected])
    assert set(np.unique(data.masks)) == {0, 1, 2}
    # The greyscale photo comes back as three equal channels.
    assert np.array_equal(data.images[1][..., 0], data.images[1][..., 2])


def test_splits_and_limit(tmp_path):
    write_pets_folder(tmp_path / "pets")
    assert load_oxford_pets("test", path=tmp_path / "pets", image_size=16).names == ("Siamese_9",)
    assert len(load_oxford_pets("all", path=tmp_path / "pets", image_size=16).names) == 5
    # limit spreads over the sorted list, so that the last breeds are not left out.
    assert load_oxford_pets(limit=2, path=tmp_path / "pets", image_size=16).names == ("Abyssinian_1", "pug_7")


def test_search_order_explicit_then_project_then_keras_cache(empty_world):
    write_pets_folder(empty_world / "keras" / "datasets" / "oxford-iiit-pet")
    assert len(load_oxford_pets(image_size=16).names) == 4
    project = empty_world / "project" / "oxford-iiit-pet"
    write_pets_folder(project)
    (project / "annotations" / "trainval.txt").write_text("beagle_3 5 2 3\n")
    assert load_oxford_pets(image_size=16).names == ("beagle_3",)
    mine = empty_world / "mine"
    write_pets_folder(mine)
    (mine / "annotations" / "trainval.txt").write_text("pug_7 26 2 11\n")
    assert load_oxford_pets(image_size=16, path=mine).names == ("pug_7",)


def test_nothing_anywhere_names_every_place_and_way(empty_world):
    with pytest.raises(DataNotFoundError) as caught:
        load_oxford_pets()
    message = str(caught.value)
    for expected in ("project data folder", "Keras cache", "no network", pets.PETS_URL, "data/oxford-iiit-pet"):
        assert expected in message
    with pytest.raises(DataNotFoundError, match="switched off"):
        load_oxford_pets(download=False)
    with pytest.raises(DataNotFoundError, match="not at the path you gave"):
        load_oxford_pets(path=empty_world / "nowhere")


def tar_gz(folder: Path, member: str, target: Path) -> str:
    with tarfile.open(target, "w:gz") as tar:
        tar.add(folder / member, arcname=member)
    return hashlib.sha256(target.read_bytes()).hexdigest()


def served_archives(source: Path, served: Path, corrupt: str = "") -> tuple[RemoteFile, ...]:
    """The official archives' descriptions, pointing at local copies of tiny archives in the
    official layout (``corrupt`` names one whose published hash does not match)."""
    archives = []
    for archive in pets.PETS_ARCHIVES:
        digest = tar_gz(source, archive.name.split(".")[0], served / archive.name)
        archives.append(dataclasses.replace(archive, sha256="0" * 64 if archive.name == corrupt else digest,
                                            urls=((served / archive.name).as_uri(),)))
    return tuple(archives)


@pytest.fixture
def fake_server(empty_world, monkeypatch):
    """Archives in the official layout, served from local files; returns the list of hosts probed."""
    source, served = empty_world / "source", empty_world / "served"
    write_pets_folder(source)
    served.mkdir()
    monkeypatch.setattr(pets, "PETS_ARCHIVES", served_archives(source, served))
    probed = []
    monkeypatch.setattr(remote, "online", lambda host, timeout=remote.CONNECT_TIMEOUT: probed.append(host) or True)
    return source, served, probed


def test_download_checks_unpacks_into_the_keras_cache_and_is_used_next_time(empty_world, fake_server):
    _, _, probed = fake_server
    data = load_oxford_pets(image_size=16)
    assert len(data.names) == 4 and pets.PETS_HOST in probed
    cache = empty_world / "keras" / "datasets" / "oxford-iiit-pet"
    assert pets.is_pets_folder(cache) and not list(cache.glob("*.tar.gz"))
    assert not list((empty_world / "downloads").glob("*.tar.gz"))  # archives deleted once unpacked
    probed.clear()
    load_oxford_pets("test", image_size=16)
    assert probed == []  # the second call reads the cache


def test_corrupt_download_is_deleted_and_reported(empty_world, fake_server, monkeypatch):
    source, served, _ = fake_server
    monkeypatch.setattr(pets, "PETS_ARCHIVES", served_archives(source, served, corrupt="images.tar.gz"))
    with pytest.raises(CorruptDataError, match="SHA-256"):
        load_oxford_pets(image_size=16)
    cache = empty_world / "keras" / "datasets" / "oxford-iiit-pet"
    assert not (empty_world / "downloads" / "images.tar.gz").exists() and not (cache / "images").exists()


def test_trimap_with_other_values_is_reported(tmp_path):
    write_pets_folder(tmp_path / "pets")
    Image.fromarray(np.full((30, 40), 7, np.uint8)).save(tmp_path / "pets" / "annotations" / "trimaps" / "beagle_3.png")
    with pytest.raises(CorruptDataError, match="1, 2 or 3"):
        load_oxford_pets(path=tmp_path / "pets")


def test_missing_photo_and_bad_list_line_are_reported(tmp_path):
    write_pets_folder(tmp_path / "pets")
    (tmp_path / "pets" / "images" / "pug_7.jpg").unlink()
    with pytest.raises(CorruptDataError, match="pug_7"):
        load_oxford_pets(path=tmp_path / "pets")
    (tmp_path / "pets" / "annotations" / "test.txt").write_text("Siamese_9 cat\n")
    with pytest.raises(CorruptDataError, match="line 1"):
        load_oxford_pets("test", path=tmp_path / "pets")


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="split"):
        load_oxford_pets("train")
    with pytest.raises(ValueError, match="image_size"):
        load_oxford_pets(image_size=2)
