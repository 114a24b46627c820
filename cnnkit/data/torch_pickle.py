"""Read the tensors of a PyTorch checkpoint in torch's legacy format, without importing torch.

Before PyTorch 1.6, ``torch.save`` wrote a file of five parts, one after the other:

1. a pickled magic number, 2. a pickled protocol version (1001), 3. a pickled dict about the
   machine (byte order, type sizes),
4. the pickled object itself, e.g. a state dict ``{"features.0.0.weight": tensor, ...}``. Each
   tensor is pickled as a call ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)``
   whose storage is a *persistent id* ``("storage", torch.FloatStorage, key, device, numel, view)``;
5. a pickled list of the storage keys, then each storage's raw bytes in that order, each preceded
   by its element count as a little-endian int64.

Unpickling runs whatever functions a file names, so loading a pickle from anywhere can run any
code. :class:`RestrictedUnpickler` allows only the names a state dict needs
(``collections.OrderedDict``, ``torch._utils._rebuild_tensor_v2``, ``torch.<Type>Storage``)
and replaces each by a harmless stand-in defined here; any other name stops the reading with
:class:`CorruptDataError`. Check a file's SHA-256 before reading it all the same
(:func:`cnnkit.data.remote.fetch` does).

:func:`read_state_dict` returns ``{name: np.ndarray}`` with PyTorch's shapes (a convolution
kernel is ``(out_channels, in_channels, kh, kw)``).
"""

from __future__ import annotations

import collections
import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cnnkit.data.remote import CorruptDataError

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL = 1001

#: torch's storage classes and the little-endian NumPy type of their elements.
STORAGE_DTYPES = {
    "FloatStorage": "<f4", "DoubleStorage": "<f8", "HalfStorage": "<f2", "LongStorage": "<i8",
    "IntStorage": "<i4", "ShortStorage": "<i2", "CharStorage": "i1", "ByteStorage": "u1", "BoolStorage": "?",
}


@dataclass(frozen=True)
class _StorageType:
    """Stands in for ``torch.FloatStorage`` and its kind: only the element type matters."""

    dtype: str


@dataclass(frozen=True)
class _Storage:
    """A storage named in the pickle: its key, element type and element count; its bytes come later."""

    key: str
    dtype: str
    numel: int


@dataclass(frozen=True)
class _TensorRef:
    """A tensor as ``_rebuild_tensor_v2`` describes it: a strided view of one storage."""

    storage: _Storage
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    """Stand-in for ``torch._utils._rebuild_tensor_v2``: record where the tensor's numbers are."""
    return _TensorRef(storage, int(storage_offset), tuple(size), tuple(stride))


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only the few names a legacy state dict uses (see the module docstring)."""

    ALLOWED = {("collections", "OrderedDict"): collections.OrderedDict,
               ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2}

    def find_class(self, module, name):
        if (module, name) in self.ALLOWED:
            return self.ALLOWED[(module, name)]
        if module == "torch" and name in STORAGE_DTYPES:
            return _StorageType(STORAGE_DTYPES[name])
        raise CorruptDataError(f"The checkpoint asks for {module}.{name}, which a state dict of tensors never "
                               "needs; it was not loaded.")

    def persistent_load(self, saved_id):
        if not (isinstance(saved_id, tuple) and len(saved_id) == 6 and saved_id[0] == "storage"):
            raise CorruptDataError(f"Unexpected persistent id in the checkpoint: {str(saved_id)[:80]}")
        _, storage_type, key, _device, numel, view = saved_id
        if not isinstance(storage_type, _StorageType):
            raise CorruptDataError(f"Unexpected storage type in the checkpoint: {storage_type!r}")
        if view is not None:
            raise CorruptDataError("The checkpoint holds storage views, which this reader does not support.")
        return _Storage(str(key), storage_type.dtype, int(numel))


def _read_storages(handle, keys: list[str], storages: dict[str, _Storage]) -> dict[str, np.ndarray]:
    """The raw numbers of each storage, read in the order of ``keys`` from the current position."""
    arrays = {}
    for key in keys:
        storage = storages[key]
        header = handle.read(8)
        numel = int.from_bytes(header, "little", signed=True) if len(header) == 8 else -1
        if numel != storage.numel:
            raise CorruptDataError(f"Storage {key} should hold {storage.numel} numbers, the file says {numel}: "
                                   "the file is truncated or corrupt.")
        dtype = np.dtype(storage.dtype)
        data = handle.read(numel * dtype.itemsize)
        if len(data) != numel * dtype.itemsize:
            raise CorruptDataError(f"Storage {key} is cut short: the file is truncated.")
        arrays[key] = np.frombuffer(data, dtype=dtype)
    return arrays


def _materialise(ref: _TensorRef, data: np.ndarray) -> np.ndarray:
    """A NumPy copy of a strided view into one storage, checked to stay inside it."""
    if ref.shape and any(extent == 0 for extent in ref.shape):
        return np.zeros(ref.shape, data.dtype)
    last = ref.offset + sum((extent - 1) * step for extent, step in zip(ref.shape, ref.stride))
    if ref.offset < 0 or last >= data.size or min(ref.stride, default=0) < 0:
        raise CorruptDataError(f"A tensor of shape {ref.shape} points outside its storage of {data.size} numbers.")
    view = np.lib.stride_tricks.as_strided(data[ref.offset:], shape=ref.shape,
                                           strides=[step * data.itemsize for step in ref.stride])
    return np.array(view)  # a contiguous, writable copy


def read_state_dict(path: str | Path) -> dict[str, np.ndarray]:
    """``{name: array}`` of a state dict that ``torch.save`` wrote in its legacy format (before 1.6).

    Raises :class:`CorruptDataError` for a file in another format, a name the reader does not
    allow, or a truncated file. Arrays keep PyTorch's shapes and dtypes.
    """
    path = Path(path)
    with open(path, "rb") as handle:
        if handle.read(2) == b"PK":
            raise CorruptDataError(f"{path} is a zip-format checkpoint (torch >= 1.6); this reader handles "
                                   "only the legacy format.")
        handle.seek(0)
        try:
            magic = RestrictedUnpickler(handle).load()
            protocol = RestrictedUnpickler(handle).load()
            RestrictedUnpickler(handle).load()  # the machine description: nothing needed from it
            if magic != LEGACY_MAGIC or protocol != LEGACY_PROTOCOL:
                raise CorruptDataError(f"{path} is not a legacy torch checkpoint (magic {magic!r}, "
                                       f"protocol {protocol!r}).")
            state = RestrictedUnpickler(handle).load()
            keys = RestrictedUnpickler(handle).load()
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as error:
            if isinstance(error, CorruptDataError):
                raise
            raise CorruptDataError(f"{path} is not a readable torch checkpoint: {error}") from error
        if not isinstance(state, dict) or not all(isinstance(v, _TensorRef) for v in state.values()):
            raise CorruptDataError(f"{path} does not hold a state dict of tensors.")
        storages = {ref.storage.key: ref.storage for ref in state.values()}
        if sorted(keys) != sorted(storages):
            raise CorruptDataError(f"{path}: the list of storages does not match the tensors.")
        data = _read_storages(handle, list(keys), storages)
    return {name: _materialise(ref, data[ref.storage.key]) for name, ref in state.items()}
