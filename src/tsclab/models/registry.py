"""Models by name, for the command line and the virtual study.

Every model class follows the same protocol: class attributes ``name`` and ``n_orbitals``;
``hamiltonian(kx, ky)`` (normal state including -mu, batched, shape ``(..., N, N)``),
``pairing_matrix()`` (``(..., N, N)``, antisymmetric), ``bdg_hamiltonian(kx, ky)``
(``(..., 2N, 2N)`` via :func:`tsclab.models.bdg.bdg_hamiltonian`), ``parameter_names()`` and
``with_params(**params)`` (parameters may be NumPy arrays that broadcast with k).
"""

from __future__ import annotations

from typing import Any

from ..errors import ParameterError
from .thin_film import ThinFilmModel
from .two_surface import TwoSurfaceModel

__all__ = ["MODELS", "make_model"]

#: name -> model class. Add a model here to make it available to ``--model``.
MODELS: dict[str, type] = {
    "two-surface": TwoSurfaceModel,
    "thin-film": ThinFilmModel,
}


def make_model(name: str, **params: Any):
    """Build a model by registered name.

    Examples
    --------
    >>> make_model("two-surface", lam=0.3).lam
    0.3
    """
    try:
        cls = MODELS[name]
    except KeyError:
        raise ParameterError("model", name, f"known models: {', '.join(sorted(MODELS))}") from None
    unknown = set(params) - set(cls.parameter_names())
    if unknown:
        bad = sorted(unknown)[0]
        known = ", ".join(cls.parameter_names())
        raise ParameterError(bad, params[bad], f"not a parameter of {name} (known: {known})")
    return cls(**params)
