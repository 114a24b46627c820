"""Pretrained face models from the npm package ``@vladmandic/face-api`` (MIT), read without JavaScript.

The package ships each network as TensorFlow.js weights: a JSON *weights manifest* listing every
tensor (name, shape, dtype and, when quantised, the ``scale`` and ``min`` of its uint8 codes) and one
or more ``.bin`` files holding the tensors' bytes back to back, in the manifest's order.

- :func:`face_api_file` returns a checked local copy of one file of the package (``data/face-api/``,
  filled by ``make face-api``; else the course's cache; else a download of that one file from
  jsDelivr or unpkg, which serve every file of every published npm version).
- :func:`load_face_api_weights` reads one model's manifest and weights and returns float32 NumPy
  arrays by tensor name, dequantised.
- ``python -m cnnkit.data.face_api`` is what ``make face-api`` runs: ``npm pack`` the pinned version,
  check the tarball's SHA-256, and extract the model files the course uses into ``data/face-api/``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

from cnnkit.data.remote import CorruptDataError, RemoteFile, fetch, project_place, verify

FACE_API_PACKAGE = "@vladmandic/face-api"
FACE_API_VERSION = "1.7.15"
#: The project data folder's sub-folder that mirrors the package's own layout.
FACE_API_FOLDER = "face-api"
#: SHA-256 of the tarball ``npm pack @vladmandic/face-api@1.7.15`` downloads.
TARBALL_SHA256 = "0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031"
CDN_URL = f"https://cdn.jsdelivr.net/npm/{FACE_API_PACKAGE}@{FACE_API_VERSION}/"
#: A second public CDN of npm packages, tried when jsDelivr cannot be reached.
MIRROR_URL = f"https://unpkg.com/{FACE_API_PACKAGE}@{FACE_API_VERSION}/"

#: SHA-256 of each file of the package the course uses, by its path inside the package.
FACE_API_SHA256 = {
    "model/tiny_face_detector_model-weights_manifest.json":
        "5d1af4849ac48d5b985f4a9b16010c512353ddd6fcc63d50fd0bc9e9e64296e5",
    "model/tiny_face_detector_model.bin":
        "b7503ce7df31039b1c43316a9b865cab6a70dd748cc602d3fa28b551503c3871",
    "model/face_recognition_model-weights_manifest.json":
        "cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b",
    "model/face_recognition_model.bin":
        "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589",
    "model/face_landmark_68_model-weights_manifest.json":
        "ca4886639f86e99b39fed0c155f81b63317225773bd9616716e887b0153389c9",
    "model/face_landmark_68_model.bin":
        "4611ef65c87d836d03d684b30eec4d195d8b219fa1dd58fc58945831c6b9299b",
    "model/face_landmark_68_tiny_model-weights_manifest.json":
        "9a1a5dd19fd814fd5095c3cb58f8e0d3193b8c5b9a6715b30a69d559aea31ad4",
    "model/face_landmark_68_tiny_model.bin":
        "b98e9f2f7da76f8a6dda9741a36ed485b224b889d552de2b2c1bb16217f67bfc",
    "LICENSE": "9a3442b79acaf4fbc7c2e07b7e2d8f84af9bb3871bf08a69d80304ab00640e9a",
}

#: The models whose files are pinned above, by the package's own names.
FACE_API_MODELS = tuple(sorted({path[len("model/"):-len("-weights_manifest.json")]
                                for path in FACE_API_SHA256 if path.endswith("-weights_manifest.json")}))

_HOW_TO_GET = (f"  - run `make face-api` in the course repository (npm pack {FACE_API_PACKAGE}@{FACE_API_VERSION})\n"
               f"  - or download it with the network on from {CDN_URL}")

#: The integer codes of quantised tensors and the plain dtypes this reader understands.
_QUANTISED_DTYPES = {"uint8": np.uint8, "uint16": np.uint16}
_PLAIN_DTYPES = {"float32": np.float32}


def face_api_file(relative: str, path: str | Path | None = None) -> Path:
    """A checked local copy of the package file ``relative`` (e.g. ``"model/tiny_face_detector_model.bin"``).

    ``path`` names a copy you have elsewhere (checked, never a fallback). Otherwise the project's
    ``data/face-api/<relative>``, then the course's cache, then a download from jsDelivr, else unpkg
    (unless offline). Raises ``ValueError`` for a file whose hash the course does not pin,
    ``DataNotFoundError`` when no copy is found and ``CorruptDataError`` for a copy with another hash.
    """
    if relative not in FACE_API_SHA256:
        raise ValueError(f"{relative!r} is not a file of {FACE_API_PACKAGE} the course pins; "
                         f"known files: {', '.join(sorted(FACE_API_SHA256))}")
    file = RemoteFile(name=f"face-api-{FACE_API_VERSION}/{relative}", sha256=FACE_API_SHA256[relative],
                      places=(project_place(f"{FACE_API_FOLDER}/{relative}"),),
                      urls=(CDN_URL + relative, MIRROR_URL + relative), how_to_get=_HOW_TO_GET)
    return fetch(file, path=path)


def load_face_api_weights(model: str) -> dict[str, np.ndarray]:
    """Every tensor of the package's ``model`` (e.g. ``"tiny_face_detector_model"``) as float32.

    Reads ``model/<model>-weights_manifest.json`` and the ``.bin`` files it names. A quantised
    tensor holds integer codes ``q``; its values are ``q * scale + min``. Returns a dict from the
    manifest's tensor names (e.g. ``"conv0/filters"``) to arrays of the manifest's shapes
    (TensorFlow layout: convolution kernels are ``(height, width, in, out)``).
    """
    if model not in FACE_API_MODELS:
        raise ValueError(f"unknown face-api model {model!r}; the course pins: {', '.join(FACE_API_MODELS)}")
    manifest_path = face_api_file(f"model/{model}-weights_manifest.json")
    weights = {}
    for group in json.loads(manifest_path.read_text()):
        data = b"".join(face_api_file(f"model/{name}").read_bytes() for name in group["paths"])
        offset = 0
        for spec in group["weights"]:
            array, offset = _read_tensor(spec, data, offset)
            weights[spec["name"]] = array
        if offset != len(data):
            raise CorruptDataError(f"{model}: the manifest describes {offset} bytes but the weight files "
                                   f"hold {len(data)}")
    return weights


def _read_tensor(spec: dict, data: bytes, offset: int) -> tuple[np.ndarray, int]:
    """The tensor ``spec`` describes, read from ``data`` at ``offset``, and the offset after it."""
    shape = tuple(spec["shape"])
    count = int(np.prod(shape, dtype=np.int64))
    quantisation = spec.get("quantization")
    stored = quantisation["dtype"] if quantisation else spec["dtype"]
    dtype = _QUANTISED_DTYPES.get(stored) if quantisation else _PLAIN_DTYPES.get(stored)
    if dtype is None or spec["dtype"] != "float32":
        raise CorruptDataError(f"tensor {spec['name']}: cannot read dtype {spec['dtype']} stored as {stored}")
    size = count * np.dtype(dtype).itemsize
    if offset + size > len(data):
        raise CorruptDataError(f"tensor {spec['name']} runs past the end of the weight files")
    values = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
    if quantisation:
        values = values.astype(np.float64) * quantisation["scale"] + quantisation["min"]
    return values.astype(np.float32).reshape(shape), offset + size


def install_from_npm(destination: Path) -> None:
    """``npm pack`` the pinned version into a temporary folder, check the tarball's SHA-256, and
    extract the pinned files into ``destination`` (checking each one's hash)."""
    if shutil.which("npm") is None:
        raise RuntimeError("npm is not installed; install Node.js (e.g. apt-get install npm) or let "
                           "the course download each file from jsDelivr")
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["npm", "pack", "--silent", f"{FACE_API_PACKAGE}@{FACE_API_VERSION}"],
                       cwd=folder, check=True, stdout=subprocess.DEVNULL)
        tarball = next(Path(folder).glob("*.tgz"))
        verify(tarball, TARBALL_SHA256)
        with tarfile.open(tarball) as archive:
            for relative in FACE_API_SHA256:
                member = archive.extractfile(f"package/{relative}")
                target = destination / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(member.read())
                verify(target, FACE_API_SHA256[relative])


if __name__ == "__main__":
    from cnnkit import config

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else config.data_dir() / FACE_API_FOLDER
    install_from_npm(target)
    print(f"{FACE_API_PACKAGE}@{FACE_API_VERSION}: {len(FACE_API_SHA256)} files checked and extracted into {target}")
