"""Layer-resolved spectra of the film as xarray Datasets (which QL a state lives on).

Examples
--------
>>> import numpy as np
>>> from tsclab.models import ThinFilmModel
>>> ds = layer_resolved_spectrum(ThinFilmModel(m=3, delta0=0.01, mu=0.09),
...                              np.linspace(0, 0.05, 4), n_pairs=2)
>>> ds.energy_eV.dims, ds.weight.dims
(('k', 'band'), ('k', 'layer', 'band'))
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._version import __version__
from ..models.thin_film import ThinFilmModel
from ._common import require_scalar_film

__all__ = ["layer_resolved_spectrum"]


def layer_resolved_spectrum(
    model: ThinFilmModel, k_invA, *, bdg: bool = True, n_pairs: int | None = None
) -> xr.Dataset:
    """Energies and per-site weights of the eigenstates along a radial k line.

    Parameters
    ----------
    model
        Film (continuum: k is |k|; square lattice: k is kx at ky = 0).
    k_invA
        Momenta, 1/Å.
    bdg
        BdG (default) or normal-state spectrum.
    n_pairs
        BdG only: compute just the ``2 n_pairs`` levels nearest E = 0 with the banded real
        solver; ``None`` computes all levels (batched dense).

    Returns
    -------
    xarray.Dataset
        ``energy_eV`` (k, band), ``weight`` (k, layer, band; electron + hole for BdG),
        ``w_top`` (k, band; weight on the top ⌈N_z/2⌉ sites).
    """
    require_scalar_film(model)
    k = np.atleast_1d(np.asarray(k_invA, dtype=float))
    if bdg and n_pairs is not None:
        e, vec = model.bdg_levels_near_zero(k, 0.0 * k, n_pairs=n_pairs, vectors=True)
    else:
        e, vec = model.spectrum(k, 0.0 * k, bdg=bdg, vectors=True)
    w = model.layer_weights(vec)
    nz = model.n_sites
    top = model.top_mask()
    return xr.Dataset(
        {
            "energy_eV": (("k", "band"), e, {"units": "eV", "long_name": "E - mu"}),
            "weight": (("k", "layer", "band"), w, {"units": "1", "long_name": "site weight"}),
            "w_top": (("k", "band"), w[:, top, :].sum(axis=1),
                      {"units": "1", "long_name": "weight on the top half"}),
        },
        coords={
            "k": ("k", k, {"units": "1/Angstrom", "long_name": "|k|"}),
            "layer": ("layer", np.arange(1, nz + 1), {"units": "1",
                                                      "long_name": "site (1 = FeTe side)"}),
            "ql": ("layer", model.ql_index(), {"units": "QL", "long_name": "quintuple layer"}),
        },
        attrs={"bdg": int(bdg), "material": model.params.name, "m": model.m,
               "n_sub": model.n_sub, "method": "proximity.layer_resolved_spectrum",
               "tsclab_version": __version__},
    )  # fmt: skip
