"""Gaussian measurement noise for the forward models, always from a Generator passed in."""

from __future__ import annotations

import numpy as np

from .errors import ParameterError

__all__ = ["add_noise"]


def add_noise(
    values: np.ndarray, sigma: float | np.ndarray, rng: np.random.Generator | None
) -> np.ndarray:
    """``values + sigma * N(0, 1)``; ``sigma`` may be an array (e.g. proportional noise).

    A zero ``sigma`` returns ``values`` unchanged; a non-zero one without a Generator is an
    error, because noise from global random state would not be reproducible.

    Examples
    --------
    >>> import numpy as np
    >>> add_noise(np.zeros(3), 0.0, None)
    array([0., 0., 0.])
    >>> add_noise(np.zeros(2), 1.0, np.random.default_rng(0)).shape
    (2,)
    """
    values = np.asarray(values, dtype=float)
    if not np.any(sigma):
        return values
    if rng is None:
        raise ParameterError("rng", None, "noise needs a numpy Generator (reproducibility)")
    return values + sigma * rng.standard_normal(values.shape)
