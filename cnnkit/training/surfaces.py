"""Two-dimensional loss surfaces for watching optimisers move (notebook 05).

A surface is a loss of one point ``(x, y)``. Its function takes the point as one array-like
whose first axis holds x and y, so that the same code evaluates a ``keras.Variable`` of shape
``(2,)`` (one point, differentiable) and a NumPy grid of shape ``(2, rows, cols)`` (for contour
plots). :func:`optimizer_path` runs a real Keras optimiser on such a surface and returns every
point it visits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

#: Curvature along y divided by curvature along x for :func:`ill_conditioned_quadratic`.
CONDITION_NUMBER = 100.0


def ill_conditioned_quadratic(point):
    """``(x² + 100 y²) / 2``: a bowl 100 times more curved across (y) than along (x), minimum 0 at the origin.

    Args:
        point: array-like with x and y on its first axis: shape ``(2,)`` or ``(2, rows, cols)``.

    Returns:
        The loss, shaped like ``point[0]``.
    """
    return 0.5 * (point[0] ** 2 + CONDITION_NUMBER * point[1] ** 2)


def rosenbrock(point):
    """Rosenbrock's banana ``(1 - x)² + 100 (y - x²)²``: a curved, flat-bottomed valley along
    ``y = x²`` with steep walls, minimum 0 at ``(1, 1)``.

    Args:
        point: array-like with x and y on its first axis: shape ``(2,)`` or ``(2, rows, cols)``.

    Returns:
        The loss, shaped like ``point[0]``.
    """
    return (1.0 - point[0]) ** 2 + 100.0 * (point[1] - point[0] ** 2) ** 2


@dataclass(frozen=True)
class Surface:
    """A loss surface with where to start and what to draw.

    ``loss`` is one of the functions above; ``start`` the point every optimiser starts from;
    ``minimum`` the point of lowest loss; ``extent`` the drawn region ``(x_min, x_max, y_min, y_max)``.
    """

    title: str
    loss: Callable
    start: tuple[float, float]
    minimum: tuple[float, float]
    extent: tuple[float, float, float, float]


QUADRATIC = Surface("ill-conditioned quadratic  (x² + 100 y²) / 2", ill_conditioned_quadratic,
                    start=(-4.5, 0.5), minimum=(0.0, 0.0), extent=(-5.0, 1.5, -0.8, 0.8))
ROSENBROCK = Surface("curved valley (Rosenbrock)  (1 - x)² + 100 (y - x²)²", rosenbrock,
                     start=(-1.2, 1.0), minimum=(1.0, 1.0), extent=(-2.0, 2.0, -1.0, 3.0))


def _as_point(start) -> np.ndarray:
    point = np.asarray(start, dtype=np.float64)
    if point.shape != (2,) or not np.all(np.isfinite(point)):
        raise ValueError(f"A point on a surface is two finite numbers (x, y); got {start!r}.")
    return point


def gradient(loss: Callable, point) -> np.ndarray:
    """The gradient of ``loss`` at ``point``, by automatic differentiation.

    Args:
        loss: a surface's loss function.
        point: ``(x, y)``.

    Returns:
        ``(2,)`` float64 array ``(dloss/dx, dloss/dy)``.
    """
    point = tf.constant(_as_point(point))
    with tf.GradientTape() as tape:
        tape.watch(point)
        value = loss(point)
    return tape.gradient(value, point).numpy()


def optimizer_path(optimizer: keras.optimizers.Optimizer, loss: Callable, start, steps: int) -> np.ndarray:
    """Let a Keras optimiser minimise ``loss`` from ``start`` and record where it goes.

    The point is a float64 ``keras.Variable`` of shape ``(2,)``; each step takes the gradient
    with a ``tf.GradientTape`` and hands it to ``optimizer.apply_gradients``, exactly as a
    training step does for a network's weights. The step is compiled with ``tf.function``,
    so a few hundred steps take well under a second.

    Args:
        optimizer: a fresh ``keras.optimizers.Optimizer`` (its state, e.g. momentum, starts at zero).
        loss: a surface's loss function.
        start: ``(x, y)`` to start from.
        steps: number of updates, at least 1.

    Returns:
        ``(steps + 1, 2)`` float64 array: the start, then the point after each update.
    """
    if not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}.")
    point = keras.Variable(_as_point(start), dtype="float64")

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            value = loss(point)
        optimizer.apply_gradients([(tape.gradient(value, point), point)])
        return point.value

    return np.stack([_as_point(start)] + [step().numpy() for _ in range(steps)])
