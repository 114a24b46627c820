"""How models are trained, by kind rather than by notebook.

- :mod:`cnnkit.training.loop`: one gradient step and a training loop written by hand (notebook 05);
- :mod:`cnnkit.training.surfaces`: two-dimensional loss surfaces and the path a Keras optimiser
  takes across one (notebook 05);
- :mod:`cnnkit.training.distributed`: data-parallel training over several devices (notebook 08).
"""
