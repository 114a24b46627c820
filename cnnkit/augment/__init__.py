"""Data augmentation, one module per kind of task (import from the module):
``cnnkit.augment.classification`` for image-only pipelines, ``cnnkit.augment.joint`` for
transforms that move an image and its mask together."""
