"""The course manifest: every notebook, spelled once.

Each entry gives a notebook's file stem, its title, its topic, the exercises it grades (in the
order the notebook presents them), and the cnnkit modules that keep its solutions verbatim for
later notebooks. The grader registry, the library-copy test, the README's table and the Classroom
workflow read this list; nothing else spells a notebook's name.

The topic is the notebook's one short name. Every module that exists for the notebook carries it:
its checks module ``cnnkit/grading/checks/<topic>.py``, its known mistakes ``tests/mistakes/<topic>/``,
and, where the notebook has them, its library module ``cnnkit/topics/<topic>.py``, its figures
``cnnkit/plot/<topic>.py`` and its tests ``tests/test_<topic>.py`` and ``tests/test_plot_<topic>.py``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Notebook:
    """One notebook of the course.

    ``stem`` is the file name without ``.ipynb`` (``"01_convolution_basics"``); ``topic`` is its
    short name (``"convolution"``), which names its checks module, figure module, library module,
    tests and mistakes folder; ``library`` names the cnnkit modules
    that hold its exercise solutions verbatim (empty when none do); ``practice_only`` names the
    exercises those modules leave out on purpose, because no later notebook calls them: worked
    examples such as an answer computed by hand, or a rule practised once (``same_padding``).
    """

    stem: str
    title: str
    topic: str
    exercises: tuple[str, ...]
    library: tuple[str, ...]
    practice_only: tuple[str, ...] = ()

    @property
    def number(self) -> int:
        return int(self.stem.split("_", 1)[0])


NOTEBOOKS: tuple[Notebook, ...] = (
    Notebook("01_convolution_basics", "Convolution basics", "convolution",
             ("correlate_by_hand", "zero_pad", "conv_single_step", "conv_forward", "conv_output_size", "same_padding",
              "conv_param_count"),
             ("cnnkit.scratch",), practice_only=("correlate_by_hand", "same_padding")),
    Notebook("02_pooling_and_activations", "Pooling and activations", "pooling",
             ("pool_forward", "relu", "softmax", "receptive_field"),
             ("cnnkit.scratch",)),
    Notebook("03_backprop_from_scratch", "Backpropagation from scratch", "backprop",
             ("numerical_gradient", "conv_backward", "pool_backward", "conv_forward_fast", "sgd_step",
              "batchnorm_backward"),
             ("cnnkit.scratch",)),
    Notebook("04_first_cnn_with_keras", "A first CNN with Keras", "first_cnn",
             ("build_mlp", "build_lenet5"),
             ("cnnkit.models.lenet",)),
    Notebook("05_training_cnns", "Training CNNs", "training",
             ("adam_step", "train_step", "train_loop", "lr_range_test"),
             ("cnnkit.scratch", "cnnkit.training.loop"), practice_only=("lr_range_test",)),
    Notebook("06_regularization_and_augmentation", "Regularisation and augmentation", "regularization",
             ("build_regularized_cnn", "dropout_forward", "batchnorm_forward", "build_augmenter", "make_dataset"),
             ("cnnkit.augment.classification", "cnnkit.models.lenet", "cnnkit.scratch")),
    Notebook("07_classic_architectures", "Classic architectures", "classic",
             ("vgg_block", "build_vgg", "inception_module"),
             ("cnnkit.models.classic",)),
    Notebook("08_resnet", "ResNet", "resnet",
             ("residual_block", "bottleneck_block", "build_resnet"),
             ("cnnkit.models.resnet",)),
    Notebook("09_visualizing_cnns", "Visualising CNNs", "interpretability",
             ("feature_maps_model", "saliency_map", "grad_cam"),
             ("cnnkit.topics.interpretability",)),
    Notebook("10_segmentation_unet", "Segmentation with U-Net", "segmentation",
             ("encoder_block", "decoder_block", "build_unet", "dice_coefficient", "mean_iou"),
             ("cnnkit.models.unet", "cnnkit.topics.segmentation")),
    Notebook("11_style_transfer", "Neural style transfer", "style_transfer",
             ("gram_matrix", "content_loss", "style_loss", "total_variation_loss", "style_transfer_step"),
             ("cnnkit.topics.style_transfer",)),
    Notebook("12_transfer_learning", "Transfer learning and efficient CNNs (MobileNet)", "transfer_learning",
             ("depthwise_separable_block", "inverted_residual_block", "build_transfer_model", "unfreeze_top"),
             ("cnnkit.models.mobilenet", "cnnkit.topics.transfer_learning")),
    Notebook("13_object_detection", "Object detection", "detection",
             ("box_iou", "decode_boxes", "non_max_suppression", "average_precision"),
             ("cnnkit.topics.detection",)),
    Notebook("14_face_recognition", "Face recognition", "faces",
             ("pairwise_distances", "triplet_loss", "verify", "identify"),
             ("cnnkit.topics.faces",)),
    Notebook("15_sequences_conv1d", "Beyond images: 1-D convolutions for time series and text", "sequences",
             ("conv1d_forward", "causal_receptive_field", "build_conv1d_classifier", "build_text_cnn"),
             ("cnnkit.scratch.conv1d", "cnnkit.models.sequence")),
    Notebook("16_generative_models", "Generative CNNs: autoencoders, VAEs and GANs", "generative",
             ("reparameterize", "kl_divergence", "vae_loss", "discriminator_loss", "generator_loss", "gan_train_step"),
             ("cnnkit.topics.generative",)),
    Notebook("17_medical_imaging", "CNNs in medical imaging: nuclei, calibration and sparse-view CT", "medical",
             ("iou_matrix", "match_score", "dice_loss", "expected_calibration_error", "fit_temperature",
              "build_fbp_residual"),
             ("cnnkit.topics.medical",),
             practice_only=("dice_loss", "expected_calibration_error", "fit_temperature", "build_fbp_residual")),
)


def notebook(stem_or_number: str | int) -> Notebook:
    """The manifest entry for a notebook, by stem (``"08_resnet"``) or number (``8``)."""
    for entry in NOTEBOOKS:
        if stem_or_number in (entry.stem, entry.number):
            return entry
    known = ", ".join(entry.stem for entry in NOTEBOOKS)
    raise KeyError(f"No notebook {stem_or_number!r} in the course; known: {known}.")


def notebook_of_exercise(name: str) -> Notebook:
    """The notebook that grades exercise ``name``."""
    for entry in NOTEBOOKS:
        if name in entry.exercises:
            return entry
    raise KeyError(f"No exercise called {name!r} in the course manifest.")
