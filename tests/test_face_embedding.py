"""dlib's face embedding rebuilt in Keras: architecture, weight loading, and agreement with
face-api's own forward pass (tests/data/face_api_recognition_reference.*)."""

from pathlib import Path

import numpy as np
import pytest

from cnnkit.data import sample_image
from cnnkit.models.face_embedding import (
    BLOCKS,
    SAME_PERSON_THRESHOLD,
    build_face_embedding,
    load_face_embedding,
    set_face_api_weights,
)

REFERENCE = Path(__file__).parent / "data" / "face_api_recognition_reference.npy"


@pytest.fixture(scope="module")
def architecture():
    return build_face_embedding()


def _reference_inputs():
    """The three inputs the reference was computed on: two raw 150x150 cuts of the portraits and noise."""
    return np.stack([sample_image("astronaut")[60:210, 165:315] * 255,
                     sample_image("grace_hopper")[140:290, 190:340] * 255,
                     np.random.default_rng(0).uniform(0, 255, (150, 150, 3))]).astype(np.float32)


def _face_api_weight_shapes():
    """The names and shapes face-api's manifest lists, derived independently of the Keras model."""
    shapes = {"conv32_down/conv/filters": (7, 7, 3, 32)}
    channels = {"conv32_down": 32}
    previous = 32
    for name, filters, _ in BLOCKS:
        shapes[f"{name}/conv1/conv/filters"] = (3, 3, previous, filters)
        shapes[f"{name}/conv2/conv/filters"] = (3, 3, filters, filters)
        channels[f"{name}/conv1"] = channels[f"{name}/conv2"] = filters
        previous = filters
    for prefix, count in channels.items():
        for key in ("conv/bias", "scale/weights", "scale/biases"):
            shapes[f"{prefix}/{key}"] = (count,)
    shapes["fc"] = (256, 128)
    return shapes


def test_architecture_has_the_package_s_size_and_shapes(architecture):
    assert architecture.input.shape == (None, 150, 150, 3)
    assert architecture.output.shape == (None, 128)
    shapes = _face_api_weight_shapes()
    stored = sum(int(np.prod(shape)) for shape in shapes.values())
    assert stored == 5_614_592  # the number of values in face_recognition_model.bin
    convolutions = sum(1 for key in shapes if key.endswith("/conv/filters"))
    # Keras keeps 4 numbers per channel in batch norm where face-api keeps 3 (bias, scale, shift).
    channels = sum(shape[0] for key, shape in shapes.items() if key.endswith("/conv/bias"))
    assert convolutions == 29
    assert architecture.count_params() == stored + channels


def test_downsampling_blocks_halve_and_pad_like_dlib(architecture):
    sizes = {name: architecture.get_layer(f"{name}_relu").output.shape[1:] for name, _, down in BLOCKS if down}
    assert sizes == {"conv64_down": (17, 17, 64), "conv128_down": (8, 8, 128),
                     "conv256_down": (4, 4, 256), "conv256_down_out": (2, 2, 256)}
    assert architecture.get_layer("conv256_down_grow").output.shape[1:3] == (4, 4)  # 3x3 padded to the pool's 4x4


def test_weights_are_checked_by_name_and_shape(architecture):
    fake = {key: np.zeros(shape, np.float32) for key, shape in _face_api_weight_shapes().items()}
    set_face_api_weights(architecture, fake)
    missing = dict(fake)
    del missing["conv64_1/conv2/scale/biases"]
    with pytest.raises(ValueError, match="conv64_1/conv2/scale/biases"):
        set_face_api_weights(architecture, missing)
    with pytest.raises(ValueError, match="no place in the model"):
        set_face_api_weights(architecture, {**fake, "extra/weights": np.zeros(3, np.float32)})
    with pytest.raises(ValueError, match="has shape"):
        set_face_api_weights(architecture, {**fake, "fc": np.zeros((128, 256), np.float32)})


def test_scale_and_bias_fold_into_batch_norm_exactly(architecture):
    rng = np.random.default_rng(1)
    fake = {key: rng.normal(size=shape).astype(np.float32) for key, shape in _face_api_weight_shapes().items()}
    set_face_api_weights(architecture, fake)
    gamma, beta, mean, variance = architecture.get_layer("conv32_1_conv1_scale").get_weights()
    bias, scale, shift = (fake[f"conv32_1/conv1/{key}"] for key in ("conv/bias", "scale/weights", "scale/biases"))
    np.testing.assert_allclose(gamma, scale)
    np.testing.assert_allclose(beta, shift + scale * bias, rtol=1e-6)
    epsilon = architecture.get_layer("conv32_1_conv1_scale").epsilon
    np.testing.assert_allclose(np.sqrt(variance + epsilon), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(mean, 0.0)


@pytest.fixture(scope="module")
def face_net():
    from cnnkit.data.remote import DataNotFoundError

    try:
        return load_face_embedding()
    except DataNotFoundError as error:
        pytest.skip(f"face-api weights not installed (run `make face-api`): {str(error).splitlines()[0]}")


def test_keras_rebuild_computes_what_face_api_computes(face_net):
    reference = np.load(REFERENCE)
    embeddings = face_net.predict(_reference_inputs(), verbose=0)
    np.testing.assert_allclose(embeddings, reference, atol=5e-5)


def test_same_person_close_different_people_far(face_net):
    from cnnkit.data.face_crops import crop_face, detect_faces

    crops = []
    for name in ("astronaut", "grace_hopper"):
        photo = sample_image(name)
        box = detect_faces(photo)[0]
        crops += [crop_face(photo, box), crop_face(photo, box)[:, ::-1], crop_face(photo, box, margin=0.1)]
    embeddings = face_net.predict(np.stack(crops), verbose=0)
    distances = np.linalg.norm(embeddings[:, None] - embeddings[None], axis=-1)
    same = np.kron(np.eye(2), np.ones((3, 3))).astype(bool)
    assert distances[same].max() < SAME_PERSON_THRESHOLD - 0.1
    assert distances[~same].min() > SAME_PERSON_THRESHOLD
