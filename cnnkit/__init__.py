"""cnnkit: the helper package of the CNN course.

Data loaders (:mod:`cnnkit.data`), figures (:mod:`cnnkit.plot`), NumPy reference layers
(:mod:`cnnkit.scratch`) and exercise grading (:mod:`cnnkit.grading`).
"""

from cnnkit.config import by_mode, fast_mode

__version__ = "0.1.0"
__all__ = ["by_mode", "fast_mode"]
