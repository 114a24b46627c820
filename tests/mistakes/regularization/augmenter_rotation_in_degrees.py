"""Converts the rotation to degrees, but RandomRotation wants a fraction of a turn."""
import keras

EXERCISE = "build_augmenter"
EXPECTED_HINT = "fraction of a full turn"


def build_augmenter(flip=True, rotation=0.05, translation=0.1, zoom=0.1, contrast=0.2, seed=None):
    layers = []
    if flip:
        layers.append(keras.layers.RandomFlip("horizontal", seed=seed))
    if rotation:
        layers.append(keras.layers.RandomRotation(rotation * 360, fill_mode="constant", seed=seed))
    if translation:
        layers.append(keras.layers.RandomTranslation(translation, translation, fill_mode="constant", seed=seed))
    if zoom:
        layers.append(keras.layers.RandomZoom(zoom, fill_mode="constant", seed=seed))
    if contrast:
        layers.append(keras.layers.RandomContrast(contrast, value_range=(0, 1), seed=seed))
    return keras.Sequential(layers)
