"""Data for the course: real data sets found offline first, real photos, generated scenes."""

from cnnkit.data.datasets import (
    CIFAR10_CLASSES,
    FASHION_MNIST_CLASSES,
    MNIST_CLASSES,
    ImageDataset,
    load_cifar10,
    load_fashion_mnist,
    load_mnist,
    read_idx,
    scale_images,
)
from cnnkit.data.folders import check_image_folder, write_example_folder
from cnnkit.data.images import list_sample_images, sample_image
from cnnkit.data.pets import PETS_CLASSES, PetsData, load_oxford_pets
from cnnkit.data.remote import CorruptDataError, DataNotFoundError
from cnnkit.data.shapes import SHAPE_CLASSES, ShapesData, make_shapes

__all__ = [
    "CIFAR10_CLASSES", "FASHION_MNIST_CLASSES", "MNIST_CLASSES", "PETS_CLASSES", "SHAPE_CLASSES",
    "CorruptDataError", "DataNotFoundError", "ImageDataset", "PetsData", "ShapesData",
    "check_image_folder", "list_sample_images", "load_cifar10", "load_fashion_mnist", "load_mnist", "load_oxford_pets",
    "make_shapes", "read_idx", "sample_image", "scale_images", "write_example_folder",
]
