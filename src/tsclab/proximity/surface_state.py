r"""The top surface state of the film: Fermi momentum, penetration, pseudospin texture.

Top surface state (TSS) at the Fermi level (PHYSICS.md §3.6): among the normal-state bands
that cross μ on a radial scan, the crossing whose state has the largest weight on the top
region; :math:`k_F` is bracketed and refined with ``brentq`` on :math:`E_n(k) - \mu`. Within a
degenerate set (top and bottom states of an inversion-symmetric film are degenerate) the state
is the eigenvector of the top-region projector with the largest eigenvalue (levels within
1 µeV count as degenerate: top/bottom splittings of thick films are far smaller, and a real
hybridization of a thin film is far larger).

Penetration metrics of :math:`p_j = |\psi(z_j)|^2`: bottom-layer weight :math:`W_1`,
:math:`\langle z\rangle`, :math:`\sqrt{\langle (z-\langle z\rangle)^2\rangle}`, a decay length
from a fit :math:`\ln p_j = c - 2(z_\mathrm{top} - z_j)/\ell` over the top half, and the
participation number :math:`1/\sum_j p_j^2`. Analytic check: the semi-infinite decay
constants :math:`\kappa_{1,2}` of :class:`~tsclab.models.materials.MaterialParameters`.

Pseudospin texture (PHYSICS.md §3.5): :math:`\langle\sigma_a\rangle = \langle\psi|1\otimes
\sigma_a\otimes\tau_0|\psi\rangle` (optionally restricted to the top region and normalized by
its weight) and the tilt :math:`\theta_z = \arctan(\langle\sigma_z\rangle/|\langle
\sigma_\parallel\rangle|)`. For a single Dirac surface :math:`v(k_y\sigma_x - k_x\sigma_y) +
\lambda\sigma_z`, :math:`\langle\sigma_z\rangle = \lambda/E`, :math:`\tan\theta_z =
\lambda/(v k_F)`. The pseudospin is not the physical spin (Yazyev, Moore, Louie, PRL 105,
266806 (2010)). In the four-band film the in-plane pseudospin of the TSS is further reduced by
the overlap of the orbital spinors of its ↑ and ↓ components (≈ 0.13 for NP09 Bi2Se3), while
:math:`\langle\sigma_z\tau_0\rangle = |c_\uparrow|^2 - |c_\downarrow|^2` is exactly the
z component of the effective two-component surface spinor. ``tilt_surface_deg`` =
:math:`\arcsin\langle\sigma_z\rangle` is therefore the tilt of the effective surface spin,
the quantity for which :math:`\tan\theta_z = \lambda/(v k_F)`.

Examples
--------
>>> from tsclab.models import ThinFilmModel
>>> film = ThinFilmModel(m=6, mu=0.0932)
>>> round(fermi_momentum_top(film).k_invA, 4)
0.015
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from scipy.optimize import brentq

from .._version import __version__
from ..errors import ParameterError
from ..models.pauli import SX, SY, SZ
from ..models.thin_film import ThinFilmModel
from ._common import require_scalar_film

__all__ = [
    "FermiCrossing",
    "fermi_momentum_top",
    "pseudospin_expectation",
    "spin_texture",
    "surface_state_penetration",
]


@dataclass(frozen=True)
class FermiCrossing:
    """A band crossing μ: radial momentum (1/Å), band index, state and its top weight."""

    k_invA: float
    band: int
    w_top: float
    state: np.ndarray


def _top_projected_state(model, kx, ky, band, mask, tol=1e-6):
    """The state of the (possibly degenerate) level ``band`` at k with the most top weight."""
    e, v = np.linalg.eigh(model.hamiltonian(kx, ky))
    group = np.flatnonzero(np.abs(e - e[band]) < tol)
    sub = v[:, group]
    proj = np.repeat(mask, 4).astype(float)
    p_sub = sub.conj().T @ (proj[:, None] * sub)
    w, c = np.linalg.eigh(p_sub)
    state = sub @ c[:, -1]
    return state, float(w[-1])


def fermi_momentum_top(
    model: ThinFilmModel, *, k_max_invA: float = 0.2, n_scan: int = 400
) -> FermiCrossing:
    """Fermi momentum of the top surface state (module doc).

    Parameters
    ----------
    model
        Film (continuum, isotropic); the normal state is used (pairing ignored).
    k_max_invA, n_scan
        Radial scan [0, k_max] (1/Å) and its number of points.

    Raises
    ------
    ParameterError
        When no band crosses μ in the scan range.
    """
    require_scalar_film(model)
    if model.inplane != "continuum":
        raise ParameterError("inplane", model.inplane, "the radial scan needs 'continuum'")
    normal = model.with_params(delta0=0.0)
    mask = model.top_mask()
    k = np.linspace(0.0, k_max_invA, n_scan)
    e = normal.normal_levels_radial(k)  # real symmetric form, batched
    s = np.sign(e)  # h already contains -mu: crossings of mu are sign changes
    ik, nb = np.nonzero(s[:-1] * s[1:] < 0)
    if ik.size == 0:
        raise ParameterError(
            "mu", model.mu, f"no band crosses the chemical potential for |k| < {k_max_invA} 1/Å"
        )
    # Top weights only at the few bracketing points (vectors are the expensive part).
    pts = np.unique(np.concatenate([ik, ik + 1]))
    _, v = np.linalg.eigh(normal.hamiltonian(k[pts], 0.0 * k[pts]))
    w_pts = normal.layer_weights(v)[..., mask, :].sum(axis=-2)
    where = {int(p): r for r, p in enumerate(pts)}
    best = None
    for i, n in zip(ik, nb, strict=True):
        wt = 0.5 * (w_pts[where[i], n] + w_pts[where[i + 1], n])
        if best is None or wt > best[0] + 1e-6:
            best = (wt, i, n)
    _, i, n = best

    def band_energy(q):
        return normal.normal_levels_radial(np.array([q]))[0, n]

    kf = brentq(band_energy, k[i], k[i + 1], xtol=1e-12)
    state, wt = _top_projected_state(normal, kf, 0.0, n, mask)
    return FermiCrossing(float(kf), int(n), wt, state)


def surface_state_penetration(model: ThinFilmModel, **scan) -> xr.Dataset:
    """Depth profile :math:`|\\psi(z_j)|^2` of the top surface state at :math:`k_F`.

    Parameters
    ----------
    model
        Film (normal state used).
    **scan
        Passed to :func:`fermi_momentum_top`.

    Returns
    -------
    xarray.Dataset
        ``density`` over dim ``layer`` (site 1 = FeTe side) with coordinate ``z_A``; scalar
        variables ``bottom_weight`` (:math:`W_1`, the interface QL), ``z_mean_A``,
        ``z_spread_A``, ``decay_length_A`` (fit over the top half; 0 with
        ``decay_fit_ok`` False when fewer than 3 sites), ``participation``, ``k_F_invA``,
        ``w_top``.

    Examples
    --------
    >>> from tsclab.models import ThinFilmModel
    >>> ds = surface_state_penetration(ThinFilmModel(m=6, mu=0.0932))
    >>> float(ds.density.sum()) == __import__("pytest").approx(1.0)
    True
    """
    fc = fermi_momentum_top(model, **scan)
    nz = model.n_sites
    p = model.layer_weights(fc.state[:, None])[:, 0]
    z = model.z_A()
    z_mean = float(np.sum(p * z))
    spread = float(np.sqrt(np.sum(p * (z - z_mean) ** 2)))
    top = model.top_mask()
    ok = int(top.sum()) >= 3 and np.all(p[top] > 0)
    ell = 0.0
    if ok:
        slope = np.polyfit(z[top], np.log(p[top]), 1)[0]  # ln p = c + 2 z / ell
        ok = slope > 0
        ell = 2.0 / slope if ok else 0.0
    bottom = float(p[: model.n_sub].sum())
    return xr.Dataset(
        {
            "density": ("layer", p, {"units": "1", "long_name": "|psi(z_j)|^2 of the TSS"}),
            "bottom_weight": ((), bottom, {"units": "1", "long_name": "weight on QL 1"}),
            "z_mean_A": ((), z_mean, {"units": "Angstrom", "long_name": "<z>"}),
            "z_spread_A": ((), spread, {"units": "Angstrom", "long_name": "rms spread"}),
            "decay_length_A": ((), ell, {"units": "Angstrom", "long_name": "|psi|^2 decay"}),
            "decay_fit_ok": ((), bool(ok), {"units": "1", "long_name": "decay fit valid"}),
            "participation": ((), float(1.0 / np.sum(p**2)), {"units": "sites"}),
            "k_F_invA": ((), fc.k_invA, {"units": "1/Angstrom", "long_name": "Fermi momentum"}),
            "w_top": ((), fc.w_top, {"units": "1", "long_name": "top weight"}),
        },
        coords={
            "layer": ("layer", np.arange(1, nz + 1), {"units": "1", "long_name": "site"}),
            "z_A": ("layer", z, {"units": "Angstrom", "long_name": "distance from FeTe"}),
        },
        attrs={"material": model.params.name, "m": model.m, "n_sub": model.n_sub,
               "method": "proximity.surface_state_penetration", "tsclab_version": __version__},
    )  # fmt: skip


def pseudospin_expectation(
    states: np.ndarray, n_sites: int, sites: np.ndarray | None = None
) -> np.ndarray:
    """:math:`\\langle\\sigma_{x,y,z}\\rangle` of normal-state film states (pseudospin).

    Parameters
    ----------
    states
        Shape ``(..., 4 n_sites)`` (per-site basis (P1↑, P2↑, P1↓, P2↓)).
    n_sites
        Number of z sites.
    sites
        Optional boolean mask of sites to keep; the result is then normalized by the weight
        on those sites.

    Returns
    -------
    ndarray, shape ``(..., 3)``

    Examples
    --------
    >>> up = np.array([1, 0, 0, 0], dtype=complex)
    >>> pseudospin_expectation(up, 1).real.tolist()
    [0.0, 0.0, 1.0]
    """
    psi = np.asarray(states).reshape(*np.shape(states)[:-1], n_sites, 2, 2)  # site, spin, orb
    if sites is not None:
        psi = psi[..., np.asarray(sites, dtype=bool), :, :]
    norm = np.sum(np.abs(psi) ** 2, axis=(-3, -2, -1))
    out = np.stack(
        [np.einsum("...jso,st,...jto->...", psi.conj(), s, psi).real for s in (SX, SY, SZ)],
        axis=-1,
    )
    return out / norm[..., None]


def spin_texture(
    model: ThinFilmModel, n_angles: int = 12, *, top_only: bool = False, **scan
) -> xr.Dataset:
    """Pseudospin of the top surface state around its Fermi circle, and its z tilt.

    Parameters
    ----------
    model
        Film (normal state, isotropic continuum).
    n_angles
        Points on the Fermi circle.
    top_only
        Restrict to the top half of the film (normalized by its weight).
    **scan
        Passed to :func:`fermi_momentum_top`.

    Returns
    -------
    xarray.Dataset
        Over dim ``angle`` (deg): ``sx``, ``sy``, ``sz``, ``s_inplane``, ``tilt_deg``
        (:math:`\\arctan(\\langle\\sigma_z\\rangle/|\\langle\\sigma_\\parallel\\rangle|)`),
        ``tilt_surface_deg`` (:math:`\\arcsin\\langle\\sigma_z\\rangle`, module doc),
        ``winding`` (in-plane pseudospin angle minus the k angle, deg); attrs ``k_F_invA``.

    Examples
    --------
    >>> from tsclab.models import ThinFilmModel
    >>> ds = spin_texture(ThinFilmModel(m=10, lam=0.01, mu=0.07), n_angles=4)
    >>> bool(abs(float(ds.winding[0])) > 89.9)  # helical: pseudospin perpendicular to k
    True
    """
    fc = fermi_momentum_top(model, **scan)
    normal = model.with_params(delta0=0.0)
    mask = model.top_mask()
    phi = np.linspace(0.0, 2 * np.pi, n_angles, endpoint=False)
    spins = []
    for ph in phi:  # a handful of angles; each needs a degenerate-subspace projection
        state, _ = _top_projected_state(
            normal, fc.k_invA * np.cos(ph), fc.k_invA * np.sin(ph), fc.band, mask
        )
        spins.append(pseudospin_expectation(state, model.n_sites, mask if top_only else None))
    s = np.array(spins)
    s_par = np.hypot(s[:, 0], s[:, 1])
    tilt = np.degrees(np.arctan2(s[:, 2], s_par))
    tilt_eff = np.degrees(np.arcsin(np.clip(s[:, 2], -1.0, 1.0)))
    wind = np.degrees(np.angle(np.exp(1j * (np.arctan2(s[:, 1], s[:, 0]) - phi))))
    dims = ("angle",)
    return xr.Dataset(
        {
            "sx": (dims, s[:, 0], {"units": "1", "long_name": "<sigma_x> (pseudospin)"}),
            "sy": (dims, s[:, 1], {"units": "1", "long_name": "<sigma_y> (pseudospin)"}),
            "sz": (dims, s[:, 2], {"units": "1", "long_name": "<sigma_z> (pseudospin)"}),
            "s_inplane": (dims, s_par, {"units": "1", "long_name": "|<sigma_par>|"}),
            "tilt_deg": (dims, tilt, {"units": "deg", "long_name": "pseudospin z tilt"}),
            "tilt_surface_deg": (
                dims, tilt_eff, {"units": "deg", "long_name": "effective surface-spin z tilt"}
            ),
            "winding": (dims, wind, {"units": "deg", "long_name": "spin angle - k angle"}),
        },
        coords={"angle": ("angle", np.degrees(phi), {"units": "deg", "long_name": "k angle"})},
        attrs={"k_F_invA": fc.k_invA, "w_top": fc.w_top, "top_only": int(top_only),
               "material": model.params.name, "m": model.m,
               "method": "proximity.spin_texture", "tsclab_version": __version__},
    )  # fmt: skip
