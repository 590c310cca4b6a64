r"""Induced pairing gap on the top surface of the thin film, vs thickness.

Definition (PHYSICS.md §3.3). The top weight of a BdG eigenstate :math:`\phi = (u, v)` is
:math:`W_\mathrm{top} = \sum_{j \in \mathrm{top}} \sum_\alpha (|u_{j\alpha}|^2 +
|v_{j\alpha}|^2)`, with "top" the upper :math:`\lceil N_z/2 \rceil` sites (``top="half"``,
default) or the sites of the top QL (``top="QL"``). The top gap is

.. math:: \Delta_\mathrm{top} = \min_{k}\ \min_{n:\,W_\mathrm{top}(n,k) > w_\mathrm{thr}} |E_n(k)|.

It is found by a coarse scan in :math:`|k|` (the continuum film is isotropic) followed by a
bounded scalar minimization around the best local minima of the scan, because a pure grid
minimum overestimates :math:`|E|` by up to :math:`v\,\delta k/2`. The state that sets the gap is
reported with its :math:`W_\mathrm{top}`: when surface and bulk states hybridize the threshold
matters, and a value close to :math:`w_\mathrm{thr}` says so.

Only the few BdG levels nearest E = 0 are computed at each k, by the banded real solver of
:class:`~tsclab.models.thin_film.ThinFilmModel` (:meth:`bdg_levels_near_zero`).

References
----------
PHYSICS.md §3.3; perturbative picture: the gap on the top surface is bounded by
:math:`\Delta_0 W_1` with :math:`W_1` the weight of the top-surface state on the interface
layer.

Examples
--------
>>> from tsclab.models import ThinFilmModel
>>> film = ThinFilmModel(m=2, delta0=0.01, mu=0.0932)
>>> res = induced_gap(film, k_max_invA=0.05)
>>> 0.3 < res.gap_meV < 0.6
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import xarray as xr
from scipy.optimize import minimize_scalar

from .._version import __version__
from ..errors import ParameterError
from ..models.thin_film import ThinFilmModel
from ..results import Result
from ._common import require_scalar_film

__all__ = ["InducedGap", "induced_gap", "induced_gap_vs_thickness", "min_abs_energy_on_grid"]


@dataclass(frozen=True)
class InducedGap:
    """Top-surface induced gap of one film.

    Attributes
    ----------
    gap_meV
        :math:`\\Delta_\\mathrm{top}`, meV, or None when no state passes the top-weight
        threshold (then ``flags`` says so).
    k_invA
        :math:`|k|` where the minimum is, 1/Å (None with gap None).
    w_top
        Top weight of the state that sets the gap.
    flags
        ``"no_top_state"``, ``"at_scan_edge"`` (minimum at the end of the k range),
        ``"near_threshold"`` (``w_top`` within 0.1 of the threshold), ``"normal_state_gap"``
        (μ crosses no top-surface band: the minimum is a band gap, not a proximity gap).
    """

    gap_meV: float | None
    k_invA: float | None
    w_top: float | None
    flags: tuple[str, ...] = ()

    def to_result(self, sample: str = "", **extra) -> Result:
        """As a :class:`tsclab.results.Result` record (quantity ``delta_top_meV``)."""
        return Result(
            "delta_top_meV",
            self.gap_meV,
            unit="meV",
            criterion="min |E| over states with top weight above threshold",
            method="proximity.induced_gap",
            sample=sample,
            flags=self.flags,
            extra={"k_invA": self.k_invA, "w_top": self.w_top, **extra},
        )


def _auto_k_max(model: ThinFilmModel, k_limit: float = 0.5, n_scan: int = 400) -> float:
    """Scan range covering every normal-state Fermi momentum below ``k_limit`` (1/Å)."""
    k = np.linspace(0.0, k_limit, n_scan)
    e = model.with_params(delta0=0.0).normal_levels_radial(k)
    crossing = np.any(np.sign(e[:-1]) != np.sign(e[1:]), axis=-1)
    if not crossing.any():
        return 0.1
    return float(min(k_limit, 1.3 * k[np.flatnonzero(crossing)[-1] + 1] + 0.01))


def _top_levels(model, k, mask, n_pairs):
    """|E| and W_top of the 2 n_pairs levels nearest zero at radial momenta k."""
    e, vec = model.bdg_levels_near_zero(k, 0.0 * np.asarray(k), n_pairs=n_pairs, vectors=True)
    w = model.layer_weights(vec)  # (..., N_z, states)
    return np.abs(e), w[..., mask, :].sum(axis=-2)


#: Objective value (eV) where no level passes the threshold: finite, so that the bounded
#: minimizer's parabolic steps stay well defined, and far above any BdG level of interest.
_NO_STATE_EV = 1e3


def _objective(model, mask, n_pairs, w_thr):
    def f(k):
        e, w = _top_levels(model, np.array([k]), mask, n_pairs)
        sel = np.where(w[0] > w_thr, e[0], _NO_STATE_EV)
        i = int(np.argmin(sel))
        return float(sel[i]), float(w[0, i])

    return f


def _min_top_energy(
    model: ThinFilmModel,
    *,
    k_max_invA: float | None = None,
    n_coarse: int = 400,
    w_threshold: float = 0.5,
    top: Literal["half", "QL"] = "half",
    n_pairs: int = 4,
    n_refine: int = 3,
    k_tol_invA: float = 1e-9,
) -> InducedGap:
    """min |E| of the top-weighted BdG levels (:func:`induced_gap` without its normal-state
    check; same parameters)."""
    require_scalar_film(model)
    if model.inplane != "continuum":
        raise ParameterError("inplane", model.inplane, "the radial scan needs 'continuum'")
    if k_max_invA is None:
        k_max_invA = _auto_k_max(model)
    if not (k_max_invA > 0 and n_coarse >= 3):
        raise ParameterError("k_max_invA/n_coarse", (k_max_invA, n_coarse), "need > 0 and >= 3")
    mask = model.top_mask(top)
    n_pairs = min(n_pairs, 4 * model.n_sites)
    k = np.linspace(0.0, k_max_invA, n_coarse)
    e, w = _top_levels(model, k, mask, n_pairs)
    sel = np.where(w > w_threshold, e, np.inf)
    f_grid = sel.min(axis=-1)
    if not np.any(np.isfinite(f_grid)):
        return InducedGap(None, None, None, ("no_top_state",))
    # Local minima of the scan (including the ends), lowest first.
    padded = np.concatenate([[np.inf], f_grid, [np.inf]])
    is_min = (padded[1:-1] <= padded[:-2]) & (padded[1:-1] <= padded[2:]) & np.isfinite(f_grid)
    cands = np.flatnonzero(is_min)
    cands = cands[np.argsort(f_grid[cands])][:n_refine]
    f = _objective(model, mask, n_pairs, w_threshold)
    best = (np.inf, None, None)
    for i in cands:
        lo, hi = k[max(i - 1, 0)], k[min(i + 1, n_coarse - 1)]
        r = minimize_scalar(
            lambda q: f(q)[0], bounds=(lo, hi), method="bounded", options={"xatol": k_tol_invA}
        )
        for kk in (r.x, k[i]):
            val, wt = f(kk)
            if val < best[0]:
                best = (val, kk, wt)
    gap, k_best, w_best = best
    if k_best is None or gap >= _NO_STATE_EV:
        return InducedGap(None, None, None, ("no_top_state",))
    flags = []
    if k_best >= k[-2]:
        flags.append("at_scan_edge")
    if w_best - w_threshold < 0.1:
        flags.append("near_threshold")
    return InducedGap(1e3 * gap, float(k_best), float(w_best), tuple(flags))


def induced_gap(
    model: ThinFilmModel,
    *,
    k_max_invA: float | None = None,
    n_coarse: int = 400,
    w_threshold: float = 0.5,
    top: Literal["half", "QL"] = "half",
    n_pairs: int = 4,
    n_refine: int = 3,
    k_tol_invA: float = 1e-9,
) -> InducedGap:
    """Induced gap on the top surface of one film (module doc).

    The same scan is run on the normal state (pairing off): when μ crosses no top-surface band
    (a film insulating at μ), min |E| of the BdG spectrum is a band gap, not a proximity gap;
    then ``gap_meV`` is None with the flag ``normal_state_gap`` (criterion: the normal-state
    min |E| of top states is at least half the BdG one).

    Parameters
    ----------
    model
        The film (continuum in-plane momenta; isotropic, so radial k suffices).
    k_max_invA
        Radial scan range [0, k_max], 1/Å. Default: 1.3 times the largest normal-state Fermi
        momentum found below 0.5 1/Å (plus 0.01), or 0.1 when μ lies in a gap.
    n_coarse
        Points of the coarse scan.
    w_threshold
        Top-weight threshold :math:`w_\\mathrm{thr}`.
    top
        Top region: ``"half"`` (upper ⌈N_z/2⌉ sites) or ``"QL"`` (top QL).
    n_pairs
        ± pairs of levels nearest zero examined at each k.
    n_refine
        Number of the lowest local minima of the scan refined by bounded minimization.
    k_tol_invA
        Absolute tolerance in k of the refinement, 1/Å.

    Returns
    -------
    InducedGap
    """
    options = dict(
        k_max_invA=k_max_invA,
        n_coarse=n_coarse,
        w_threshold=w_threshold,
        top=top,
        n_pairs=n_pairs,
        n_refine=n_refine,
        k_tol_invA=k_tol_invA,
    )
    result = _min_top_energy(model, **options)
    if result.gap_meV is None or not np.any(model.pairing_amplitudes()):
        return result
    # pairing off whatever its profile (an array profile ignores delta0)
    normal = _min_top_energy(model.with_params(delta_profile="interface", delta0=0.0), **options)
    if normal.gap_meV is not None and normal.gap_meV >= 0.5 * result.gap_meV:
        return InducedGap(None, None, None, ("normal_state_gap",))
    return result


def induced_gap_vs_thickness(
    model: ThinFilmModel, m_values, V_values=None, **options
) -> xr.Dataset:
    """:func:`induced_gap` for films of m QL (all other parameters kept).

    Parameters
    ----------
    model
        Template film; ``m`` is replaced by each value.
    m_values
        Thicknesses, QL.
    V_values
        Optional band-bending asymmetries V (eV, see :mod:`tsclab.models.profiles`): the
        result then has dims ``(V, m)``, e.g. ``[0.0, 0.05]`` for "without / with band
        bending".
    **options
        Passed to :func:`induced_gap`.

    Returns
    -------
    xarray.Dataset
        Over dim ``m``: ``gap_meV`` (NaN-free: undefined entries are 0 with ``defined`` False),
        ``k_invA``, ``w_top``, ``defined`` and ``flags`` (comma-joined strings).

    Examples
    --------
    >>> from tsclab.models import ThinFilmModel
    >>> ds = induced_gap_vs_thickness(ThinFilmModel(delta0=0.01, mu=0.0932), [1, 2],
    ...                               k_max_invA=0.05, n_coarse=100)
    >>> ds.gap_meV.dims
    ('m',)
    """
    if V_values is not None:
        parts = [
            induced_gap_vs_thickness(model.with_params(V=float(v)), m_values, **options)
            for v in V_values
        ]
        out = xr.concat(parts, dim="V").assign_coords(
            V=("V", np.asarray(V_values, dtype=float), {"units": "eV", "long_name": "asymmetry"})
        )
        out.attrs["V_eV"] = "swept"
        return out
    m_values = [int(m) for m in m_values]
    rows = [induced_gap(model.with_params(m=m), **options) for m in m_values]
    defined = np.array([r.gap_meV is not None for r in rows])

    def col(name):
        return np.array([getattr(r, name) if r.gap_meV is not None else 0.0 for r in rows])

    p = model.params
    return xr.Dataset(
        {
            "gap_meV": ("m", col("gap_meV"), {"units": "meV", "long_name": "top-surface gap"}),
            "k_invA": ("m", col("k_invA"), {"units": "1/Angstrom", "long_name": "|k| at gap"}),
            "w_top": ("m", col("w_top"), {"units": "1", "long_name": "top weight of state"}),
            "defined": ("m", defined, {"units": "1", "long_name": "gap defined"}),
            "flags": (
                "m",
                np.array([",".join(r.flags) for r in rows], dtype=object),
                {"units": "", "long_name": "quality flags"},
            ),
        },
        coords={"m": ("m", np.array(m_values), {"units": "QL", "long_name": "thickness"})},
        attrs={
            "material": p.name,
            "n_sub": model.n_sub,
            "lam_eV": float(np.mean(model.lam)),
            "mu_eV": float(np.mean(model.mu)),
            "V_eV": float(np.mean(model.V)),
            "delta0_eV": float(np.mean(model.delta0)),
            "method": "proximity.induced_gap",
            "top_weight_threshold": options.get("w_threshold", 0.5),
            "tsclab_version": __version__,
        },
    )


def min_abs_energy_on_grid(model: ThinFilmModel, kx, ky=0.0) -> np.ndarray:
    """Smallest :math:`|E|` of :math:`H_\\mathrm{BdG}` at each k of a grid, eV.

    The workload of benchmark W2 (no top-weight selection): one eigenvalue per k from the
    banded real solver (:meth:`ThinFilmModel.min_abs_bdg_energy`).

    Examples
    --------
    >>> from tsclab.models import ThinFilmModel
    >>> e = min_abs_energy_on_grid(ThinFilmModel(m=1, delta0=0.01), np.linspace(0, 0.3, 5))
    >>> e.shape
    (5,)
    """
    return model.min_abs_bdg_energy(kx, ky)
