"""Shared checks of the proximity analyses."""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from ..models.thin_film import ThinFilmModel

_SWEEPABLE = ("lam", "mu", "V", "V_offset", "delta0")


def require_scalar_film(model: ThinFilmModel) -> None:
    """The analyses treat one film at a time: array-valued (swept) parameters are refused."""
    if not isinstance(model, ThinFilmModel):
        raise ParameterError("model", type(model).__name__, "needs a ThinFilmModel")
    for name in _SWEEPABLE:
        if np.ndim(getattr(model, name)) != 0:
            raise ParameterError(
                name, "array", "this analysis takes one film; loop over the swept values"
            )
