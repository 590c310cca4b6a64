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


def _constructor_names(cls) -> tuple[str, ...]:
    """Numeric parameters first, then the other constructor options (material, profiles...)."""
    import dataclasses

    names = list(cls.parameter_names())
    if dataclasses.is_dataclass(cls):
        names += [f.name for f in dataclasses.fields(cls) if f.init and f.name not in names]
    return tuple(names)


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
    known = _constructor_names(cls)
    unknown = set(params) - set(known)
    if unknown:
        bad = sorted(unknown)[0]
        raise ParameterError(
            bad, params[bad], f"not a parameter of {name} (known: {', '.join(known)})"
        )
    numeric = set(cls.parameter_names())
    for key, value in params.items():
        if key in numeric and isinstance(value, str):
            raise ParameterError(key, value, "not a number")
    return cls(**params)
