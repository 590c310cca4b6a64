r"""Depth profiles of the thin film: band-bending potential V(z) and interface pairing Δ(z).

Sites j = 1..N_z sit at cell centres :math:`z_j = (j - \tfrac12) a_z` (Å); j = 1 touches FeTe,
j = N_z is the top surface (docs/conventions.md).

Band bending (PHYSICS.md §1.6). Charge transfer FeTe → TI bends the bands down near the
interface (Owada et al., PRB 100, 064518 (2019)), so the bottom sits lower than the top. Two
numbers are exposed, as in the two-surface model (top at +V): the asymmetry ``V`` and a common
offset ``V_offset``:

* ``"linear"`` (uniform field, screening length ≫ film):
  :math:`V_j = V_\mathrm{off} + V\,[2(j-1)/(N_z-1) - 1]`, i.e. bottom at −V, top at +V;
* ``"exponential"`` (Thomas–Fermi screening from the interface, length ℓ):
  :math:`V_j = V_\mathrm{off} + V\,[1 - 2e^{-(z_j - z_1)/\ell}]`, i.e. −V at the interface and
  +V deep in the film (the bending amplitude is 2V);
* a user array of length N_z (eV).

Pairing (PHYSICS.md §1.6): ``"interface"`` (Δ0 on every site of QL 1, the default),
``"sites"`` (Δ0 on the first ``n`` sites), ``"exponential"`` (:math:`\Delta_0
e^{-(z_j-z_1)/\xi}`) or a user array.

Examples
--------
>>> potential_profile("linear", 3, 10.0, V=0.1).round(3).tolist()
[-0.1, 0.0, 0.1]
>>> pairing_profile("interface", 4, n_sub=2, a_z_A=5.0, delta0=0.01).tolist()
[0.01, 0.01, 0.0, 0.0]
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ..errors import ParameterError

__all__ = ["layer_positions_A", "pairing_profile", "potential_profile"]


def layer_positions_A(n_sites: int, a_z_A: float) -> np.ndarray:
    """Site positions :math:`z_j = (j - 1/2) a_z`, Å, j = 1..n_sites (bottom to top)."""
    return (np.arange(n_sites) + 0.5) * a_z_A


def _as_user_array(values, n_sites: int, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.shape[-1:] != (n_sites,) or not np.all(np.isfinite(arr)):
        raise ParameterError(
            name, f"array of shape {arr.shape}", f"need {n_sites} finite values (one per site)"
        )
    return arr


def potential_profile(
    kind: Literal["linear", "exponential"] | np.ndarray,
    n_sites: int,
    a_z_A: float,
    V: float | np.ndarray = 0.0,
    V_offset: float | np.ndarray = 0.0,
    screening_length_A: float = 10.0,
) -> np.ndarray:
    """On-site potential :math:`V_j`, eV, shape ``(..., n_sites)`` (V, V_offset broadcast).

    Parameters
    ----------
    kind
        ``"linear"``, ``"exponential"`` or an array of n_sites values (eV; the result is
        ``V_offset + array``, and V must be 0).
    n_sites
        Number of sites N_z.
    a_z_A
        Site spacing, Å.
    V
        Asymmetry: the profile runs from −V (interface) to +V (top or deep), eV.
    V_offset
        Common offset, eV.
    screening_length_A
        Screening length ℓ of the exponential profile, Å.
    """
    V = np.asarray(V, dtype=float)[..., None]
    off = np.asarray(V_offset, dtype=float)[..., None]
    if not isinstance(kind, str):
        if np.any(V != 0):
            # an array carries its own shape and size: a V on top of it would silently do
            # nothing (a V sweep would be a no-op), so refuse it
            raise ParameterError(
                "V",
                float(np.max(np.abs(V))),
                "V applies to the 'linear' and 'exponential' "
                "profiles; with an array profile scale the array or use V_offset",
            )
        return off + _as_user_array(kind, n_sites, "V_profile")
    if kind == "linear":
        s = np.linspace(-1.0, 1.0, n_sites) if n_sites > 1 else np.zeros(1)
    elif kind == "exponential":
        if not screening_length_A > 0:
            raise ParameterError("screening_length_A", screening_length_A, "must be > 0 (Å)")
        z = layer_positions_A(n_sites, a_z_A)
        s = 1.0 - 2.0 * np.exp(-(z - z[0]) / screening_length_A)
    else:
        raise ParameterError("V_profile", kind, "use 'linear', 'exponential' or an array (eV)")
    return off + V * s


def pairing_profile(
    kind: Literal["interface", "sites", "exponential"] | np.ndarray,
    n_sites: int,
    n_sub: int,
    a_z_A: float,
    delta0: float | np.ndarray = 0.0,
    n_pair_sites: int = 1,
    coherence_length_A: float = 10.0,
) -> np.ndarray:
    """Pairing amplitude :math:`\\Delta_j`, eV, shape ``(..., n_sites)`` (delta0 broadcasts).

    Parameters
    ----------
    kind
        ``"interface"`` (all n_sub sites of QL 1), ``"sites"`` (the first ``n_pair_sites``),
        ``"exponential"`` (decay length ``coherence_length_A``) or an array of n_sites values
        (eV, used as is; ``delta0`` is then ignored).
    n_sites, n_sub, a_z_A
        Sites, sites per QL, spacing (Å).
    delta0
        Pairing at the interface, eV.
    """
    d0 = np.asarray(delta0, dtype=float)[..., None]
    if not isinstance(kind, str):
        return _as_user_array(kind, n_sites, "delta_profile") + 0.0 * d0
    j = np.arange(n_sites)
    if kind == "interface":
        shape = (j < n_sub).astype(float)
    elif kind == "sites":
        if not (isinstance(n_pair_sites, (int, np.integer)) and 1 <= n_pair_sites <= n_sites):
            raise ParameterError("n_pair_sites", n_pair_sites, f"need an integer in 1..{n_sites}")
        shape = (j < n_pair_sites).astype(float)
    elif kind == "exponential":
        if not coherence_length_A > 0:
            raise ParameterError("coherence_length_A", coherence_length_A, "must be > 0 (Å)")
        shape = np.exp(-j * a_z_A / coherence_length_A)
    else:
        raise ParameterError(
            "delta_profile", kind, "use 'interface', 'sites', 'exponential' or an array (eV)"
        )
    return d0 * shape
