r"""Dynes fits of one tunnelling spectrum (an lmfit Model) and the checks shared with gap maps.

The model is
:math:`dI/dV(V) = G_N\,\big[N_\mathrm{Dynes} * (-f') * K_\mathrm{lock\text{-}in}\big](V)`,
with the thermal convolution done exactly (:mod:`tsclab.superconductivity.dynes`). Free
parameters: ``delta_meV``, ``gamma_meV``, ``scale`` (:math:`G_N`); the temperature is fixed
(Gamma and an effective temperature are too strongly correlated to free both, PHYSICS.md §4.2).

Quality checks (also used by :func:`tsclab.superconductivity.gapmap.fit_gap_map`)
-------------------------------------------------------------------------------
The noise :math:`\sigma` of a spectrum is estimated from the data themselves (median absolute
second difference, robust against the few points on coherence peaks) unless given. Then

* ``poor_fit``: reduced :math:`\chi^2 = \sum r^2/(\sigma^2(n-3))` above ``redchi_max``
  (default 2): the Dynes form does not describe the spectrum (e.g. a charge-density-wave gap).
* ``no_gap``: the Dynes fit is not significantly better than a constant
  (:math:`\Delta\chi^2 < 25`), or the gap is not resolved (:math:`\Gamma \ge \Delta`, or
  :math:`\Delta < 2\,\mathrm{stderr}`).
* ``gap_outside_window``: :math:`\Delta` beyond 90 % of the largest bias.
* ``fit_failed``: the optimizer failed or the covariance is singular.
* ``negative_conductance`` (single spectra, a hint): the high-bias conductance is negative,
  usually a lock-in phase off by 180 degrees; flip the sign or fix the phase.

For any of these the ``delta_meV`` and ``gamma_meV`` records have ``value=None`` (the flags say
why) and the optimizer's numbers are kept in ``extra["fit_value"]`` / ``extra["fit_stderr"]``.

References
----------
R. C. Dynes, V. Narayanamurti, J. P. Garno, Phys. Rev. Lett. 41, 1509 (1978);
M. Newville et al., LMFIT, Zenodo (2014), doi:10.5281/zenodo.11813.

Examples
--------
>>> import numpy as np
>>> from tsclab.superconductivity.dynes import tunneling_conductance
>>> v = np.linspace(-5, 5, 301)
>>> y = tunneling_conductance(v, 1.0, 0.05, 0.31) + np.random.default_rng(0).normal(0, 0.02, 301)
>>> fit = fit_spectrum(v, y, temperature_K=0.31)
>>> rec = fit.record("delta_meV")
>>> round(rec.value, 2), rec.flags
(1.0, ())
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import lmfit
import numpy as np

from ..errors import ParameterError
from ..results import Result
from ..units import K_B_MEV_PER_K
from .dynes import _check_positive, _lockin_nodes, _thermal_dynes

__all__ = [
    "DynesModel",
    "SpectrumFit",
    "estimate_noise",
    "fit_spectrum",
    "guess_dynes",
]

#: Reduced chi^2 above which a Dynes fit is flagged ``poor_fit``.
REDCHI_MAX = 2.0
#: Minimum chi^2 improvement (in units of sigma^2) of the Dynes fit over a constant.
DCHI2_GAP = 25.0
_BAD = ("fit_failed", "poor_fit", "no_gap", "gap_outside_window", "negative_conductance")


def prepare_spectra(bias_mV, didv, *, allow_nan_rows: bool = False):
    """Validate and sort spectra: returns ``(bias ascending, didv[..., bias], valid_rows)``.

    Raises :class:`ParameterError` for a bias axis with NaN, non-monotonic or too short, a
    length mismatch, and (unless ``allow_nan_rows``) NaN/inf in the conductance. With
    ``allow_nan_rows`` rows that contain NaN/inf are marked invalid instead.
    """
    b = np.asarray(bias_mV, dtype=float)
    if b.ndim != 1:
        raise ParameterError("bias_mV", b.shape, "the bias axis must be 1-D")
    if b.size < 8:
        raise ParameterError("bias_mV", b.size, "need at least 8 bias points to fit a gap")
    if not np.all(np.isfinite(b)):
        raise ParameterError("bias_mV", "NaN", "the bias axis contains NaN or inf")
    db = np.diff(b)
    if not (np.all(db > 0) or np.all(db < 0)):
        raise ParameterError("bias_mV", "...", "the bias axis is not strictly monotonic")
    y = np.asarray(didv, dtype=float)
    if y.ndim == 0 or y.shape[-1] != b.size:
        raise ParameterError(
            "didv", y.shape, f"spectra must have the length of the bias axis ({b.size})"
        )
    if db[0] < 0:
        b, y = b[::-1], y[..., ::-1]
    finite = np.all(np.isfinite(y), axis=-1)
    if not allow_nan_rows and not np.all(finite):
        raise ParameterError("didv", "NaN", "the conductance contains NaN or inf")
    return b, y, finite


def estimate_noise(didv) -> np.ndarray:
    r"""Robust white-noise estimate :math:`\sigma` of spectra (last axis = bias).

    :math:`\sigma = 1.4826\,\mathrm{median}|d_2|/\sqrt6` with :math:`d_2` the second
    differences (zero-mean, variance :math:`6\sigma^2` for white noise on a smooth signal);
    the median ignores the few points where the signal itself is curved. Noise correlated
    between neighbouring points (a long lock-in time constant) is underestimated.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.random.default_rng(1).normal(0, 0.02, 3000)
    >>> round(float(estimate_noise(y)), 2)
    0.02
    """
    y = np.asarray(didv, dtype=float)
    d2 = y[..., 2:] - 2 * y[..., 1:-1] + y[..., :-2]
    mad = np.median(np.abs(d2), axis=-1)
    return 1.482602218505602 * mad / np.sqrt(6.0)


def guess_dynes(
    bias_mV: np.ndarray, didv: np.ndarray, temperature_K: float = 0.0
) -> tuple[np.ndarray, ...]:
    r"""Starting values ``(delta, gamma, scale)`` from the coherence peaks (vectorized).

    ``scale`` is the mean conductance over the outer 20 % of the bias range. The coherence
    peak :math:`V_p` is half the distance between the maxima of the (5-point smoothed)
    spectrum on either side of zero bias; ``gamma`` follows from the zero-bias conductance
    :math:`g_0` through :math:`N(0) = \Gamma/\sqrt{\Gamma^2+\Delta^2}`, and ``delta`` is
    :math:`V_p` minus the peak's offset from the gap edge, :math:`\Gamma/\sqrt3` (the
    maximum of the Dynes DOS for :math:`\Gamma \ll \Delta`) plus about :math:`k_BT`
    (thermal). Starting values only: they cut the Levenberg–Marquardt iterations by a quarter.

    Examples
    --------
    >>> import numpy as np
    >>> from tsclab.superconductivity.dynes import tunneling_conductance
    >>> v = np.linspace(-5, 5, 301)
    >>> d0, g0, s0 = guess_dynes(v, tunneling_conductance(v, 1.0, 0.05, 0.31), 0.31)
    >>> bool(abs(d0[0] - 1.0) < 0.05)
    True
    """
    b = np.asarray(bias_mV, dtype=float)
    y = np.atleast_2d(np.asarray(didv, dtype=float))
    vmax = np.max(np.abs(b))
    outer = np.abs(b) >= 0.8 * vmax
    scale = np.mean(y[:, outer], axis=1)
    scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
    yn = y / scale[:, None]
    # 5-point moving average along the bias (vectorized; the two points at each end keep a
    # shorter window, and they are excluded below anyway)
    c = np.cumsum(np.pad(yn, ((0, 0), (3, 2)), mode="edge"), axis=1)
    ys = (c[:, 5:] - c[:, :-5]) / 5.0
    inner = np.abs(b) <= 0.9 * vmax  # the smoothed ends are biased
    pos = (b > 0) & inner
    neg = (b < 0) & inner
    if not pos.any() or not neg.any():
        d0 = np.full(y.shape[0], 0.25 * vmax)
    else:
        vp = b[pos][np.argmax(ys[:, pos], axis=1)]
        vn = b[neg][np.argmax(ys[:, neg], axis=1)]
        d0 = 0.5 * (vp - vn)
    dv = np.min(np.abs(np.diff(b)))
    d0 = np.clip(d0, 2 * dv, 0.8 * vmax)
    # zero-bias conductance: mean over |V| <= 0.1 V_p (at least the point nearest zero)
    near0 = np.abs(b)[None, :] <= np.maximum(np.min(np.abs(b)), 0.1 * d0)[:, None]
    g0 = np.clip(np.sum(yn * near0, axis=1) / np.sum(near0, axis=1), 0.02, 0.9)
    ratio = g0 / np.sqrt(1 - g0 * g0)  # Gamma / Delta
    kT = K_B_MEV_PER_K * max(float(temperature_K), 0.0)
    d0 = np.clip(d0 - d0 * ratio / np.sqrt(3.0) - kT, 2 * dv, None)
    return d0, d0 * ratio, scale


def _dchi2_flat(y: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """chi^2 of the best constant (the mean) in units of sigma^2, per row."""
    return np.sum((y - y.mean(axis=-1, keepdims=True)) ** 2, axis=-1) / noise**2


def quality_flags(
    *,
    delta: float,
    delta_err: float,
    gamma: float,
    redchi: float,
    chi2_flat: float,
    chi2: float,
    vmax: float,
    redchi_max: float = REDCHI_MAX,
) -> tuple[str, ...]:
    """Flags of one Dynes fit (see the module docstring)."""
    flags: list[str] = []
    if not (np.isfinite(delta) and np.isfinite(delta_err) and np.isfinite(redchi)):
        return ("fit_failed",)
    if redchi > redchi_max:
        flags.append("poor_fit")
    if chi2_flat - chi2 < DCHI2_GAP or gamma >= delta or delta < 2 * delta_err:
        flags.append("no_gap")
    if delta > 0.9 * vmax:
        flags.append("gap_outside_window")
    return tuple(flags)


def _records(
    values: Mapping[str, float],
    errors: Mapping[str, float],
    flags: tuple[str, ...],
    *,
    extra: dict[str, Any],
    criterion: str,
    method: str,
    sample: str,
    source: Mapping[str, Any] | None,
) -> list[Result]:
    out = []
    bad = any(f in _BAD for f in flags)
    for q, unit in (("delta_meV", "meV"), ("gamma_meV", "meV"), ("scale", "")):
        v, e = float(values[q]), float(errors[q])
        undefined = "fit_failed" in flags or (bad and q != "scale") or not np.isfinite(v)
        ex = dict(extra)
        if undefined:
            ex["fit_value"] = v if np.isfinite(v) else None
            ex["fit_stderr"] = e if np.isfinite(e) else None
        fl = flags if flags or not undefined else ("fit_failed",)
        out.append(
            Result(
                q,
                None if undefined else v,
                None if undefined or not np.isfinite(e) else e,
                unit,
                criterion,
                method,
                sample,
                dict(source or {}),
                fl,
                ex,
            )
        )
    return out


def _criterion(temperature_K: float, modulation_rms_mV: float) -> str:
    s = f"Dynes fit at T = {temperature_K:g} K"
    if modulation_rms_mV > 0:
        s += f", lock-in {modulation_rms_mV:g} mV rms"
    return s


class DynesModel(lmfit.Model):
    r"""lmfit Model of a broadened Dynes spectrum: ``f(bias_mV; delta_meV, gamma_meV, scale)``.

    Parameters
    ----------
    temperature_K
        Junction temperature, K (> 0), fixed.
    modulation_rms_mV
        RMS lock-in modulation, mV (0: none).
    n_terms
        Matsubara terms of the exact thermal convolution (error < 2e-6 of G_N at 8).
    **kwargs
        Passed to :class:`lmfit.Model` (``prefix``, ``nan_policy``, ...).

    Examples
    --------
    >>> import numpy as np
    >>> m = DynesModel(0.31)
    >>> v = np.linspace(-4, 4, 161)
    >>> y = m.eval(bias_mV=v, delta_meV=1.0, gamma_meV=0.05, scale=2.0)
    >>> r = m.fit(y, m.guess(y, bias_mV=v), bias_mV=v)
    >>> round(r.params["delta_meV"].value, 4)
    1.0
    """

    def __init__(
        self,
        temperature_K: float,
        *,
        modulation_rms_mV: float = 0.0,
        n_terms: int = 8,
        **kwargs: Any,
    ) -> None:
        T = _check_positive("temperature_K", temperature_K)
        vrms = _check_positive("modulation_rms_mV", modulation_rms_mV, allow_zero=True)
        kT = K_B_MEV_PER_K * T
        n = int(n_terms)

        def dynes_conductance(bias_mV, delta_meV=1.0, gamma_meV=0.05, scale=1.0):
            d, g = abs(delta_meV), abs(gamma_meV)  # lmfit bounds keep them >= 0
            V = np.asarray(bias_mV, dtype=float)
            if vrms == 0:
                return scale * _thermal_dynes(V, d, g, kT, n)
            x, w = _lockin_nodes(vrms, kT + g)
            return scale * (_thermal_dynes(V[:, None] - x, d, g, kT, n) @ w)

        super().__init__(dynes_conductance, independent_vars=["bias_mV"], **kwargs)
        self.temperature_K = T
        self.modulation_rms_mV = vrms
        self.n_terms = n
        for name in ("delta_meV", "gamma_meV", "scale"):
            self.set_param_hint(name, min=0.0)

    def guess(self, data, bias_mV=None, **kwargs: Any) -> lmfit.Parameters:
        """Starting parameters from the coherence peaks (see :func:`guess_dynes`)."""
        if bias_mV is None:
            raise ParameterError("bias_mV", None, "guess() needs the bias axis")
        b, y, _ = prepare_spectra(bias_mV, data)
        d0, g0, s0 = guess_dynes(b, y, self.temperature_K)
        pars = self.make_params(delta_meV=float(d0[0]), gamma_meV=float(g0[0]), scale=float(s0[0]))
        return lmfit.models.update_param_vals(pars, self.prefix, **kwargs)


@dataclass
class SpectrumFit:
    """Outcome of :func:`fit_spectrum`.

    Attributes
    ----------
    records
        ``delta_meV``, ``gamma_meV``, ``scale`` result records.
    model_result
        The lmfit ``ModelResult`` (``None`` if lmfit raised).
    bias_mV, didv, best_fit
        Data (ascending bias) and the model at the best parameters (original units).
    noise
        The noise sigma used for chi^2 (same unit as ``didv``).
    redchi
        Reduced chi^2 with that noise.
    flags
        Quality flags (see the module docstring).
    """

    records: list[Result]
    model_result: lmfit.model.ModelResult | None
    bias_mV: np.ndarray
    didv: np.ndarray
    best_fit: np.ndarray
    noise: float
    redchi: float
    flags: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def record(self, quantity: str) -> Result:
        """The record of ``quantity`` (``"delta_meV"``, ``"gamma_meV"``, ``"scale"``)."""
        for r in self.records:
            if r.quantity == quantity:
                return r
        raise KeyError(quantity)

    @property
    def ok(self) -> bool:
        """True when the fit describes a resolved superconducting gap."""
        return not any(f in _BAD for f in self.flags)


def fit_spectrum(
    bias_mV,
    didv,
    *,
    temperature_K: float,
    modulation_rms_mV: float = 0.0,
    noise: float | None = None,
    n_terms: int = 8,
    redchi_max: float = REDCHI_MAX,
    sample: str = "",
    source: Mapping[str, Any] | None = None,
) -> SpectrumFit:
    r"""Fit one dI/dV spectrum with the broadened Dynes model (lmfit).

    Parameters
    ----------
    bias_mV
        Bias axis, mV (strictly monotonic, either direction).
    didv
        Conductance (any unit; normalized or not — ``scale`` absorbs :math:`G_N`).
    temperature_K
        Junction temperature, K (> 0).
    modulation_rms_mV
        RMS lock-in modulation, mV.
    noise
        Noise sigma of ``didv``, taken as absolute (standard errors not rescaled); default:
        estimated by :func:`estimate_noise`, and the standard errors are scaled by the reduced
        chi^2.
    n_terms
        Matsubara terms of the thermal convolution.
    redchi_max
        Reduced chi^2 above which the fit is flagged ``poor_fit``.
    sample, source
        Provenance for the records.

    Returns
    -------
    SpectrumFit
        Records, the lmfit ModelResult and the checks. A failed fit is flagged, not raised.

    Raises
    ------
    ParameterError
        Bad input: NaN/inf, a non-monotonic bias axis, a length mismatch, T <= 0.

    References
    ----------
    R. C. Dynes, V. Narayanamurti, J. P. Garno, Phys. Rev. Lett. 41, 1509 (1978).
    """
    T = _check_positive("temperature_K", temperature_K)
    b, y, _ = prepare_spectra(bias_mV, didv)
    if y.ndim != 1:
        raise ParameterError("didv", y.shape, "one spectrum (1-D); use fit_gap_map for maps")
    sigma = float(estimate_noise(y)) if noise is None else float(noise)
    if not np.isfinite(sigma) or sigma <= 0:
        sigma = max(float(np.std(y)) * 1e-3, np.finfo(float).tiny)  # noiseless input
    model = DynesModel(T, modulation_rms_mV=modulation_rms_mV, n_terms=n_terms)
    crit = _criterion(T, model.modulation_rms_mV)
    method = "superconductivity.sts_fit.fit_spectrum"
    nan = float("nan")
    try:
        # a known noise is an absolute sigma; an estimated one only sets the weights, and the
        # covariance is scaled by the reduced chi^2 (lmfit's default)
        res = model.fit(
            y,
            model.guess(y, bias_mV=b),
            bias_mV=b,
            weights=np.full(b.size, 1 / sigma),
            scale_covar=noise is None,
        )
        p = res.params
        vals = {k: p[k].value for k in ("delta_meV", "gamma_meV", "scale")}
        errs = {k: (p[k].stderr if p[k].stderr is not None else nan) for k in vals}
        best = res.best_fit
        chi2 = float(np.sum(((best - y) / sigma) ** 2))
        redchi = chi2 / (b.size - 3)
        ok = bool(res.success) and res.covar is not None
    except (ValueError, np.linalg.LinAlgError, FloatingPointError):
        res, ok = None, False
        vals = dict.fromkeys(("delta_meV", "gamma_meV", "scale"), nan)
        errs = dict(vals)
        best = np.full_like(y, np.nan)
        chi2 = redchi = nan
    vmax = float(np.max(np.abs(b)))
    chi2_flat = float(_dchi2_flat(y, np.asarray(sigma)))
    if ok:
        flags = quality_flags(
            delta=vals["delta_meV"],
            delta_err=errs["delta_meV"],
            gamma=vals["gamma_meV"],
            redchi=redchi,
            chi2_flat=chi2_flat,
            chi2=chi2,
            vmax=vmax,
            redchi_max=redchi_max,
        )
    else:
        flags = ("fit_failed",)
        # a flat spectrum (above Tc) often fails with Delta -> 0: say so, as the maps do
        d, g = vals["delta_meV"], vals["gamma_meV"]
        if np.isfinite(chi2) and (chi2_flat - chi2 < DCHI2_GAP or not g < d):
            flags += ("no_gap",)
    if np.mean(y[np.abs(b) >= 0.8 * vmax]) < 0:
        # a negative normal-state signal: usually the lock-in phase (X vs -X) is off
        flags += ("negative_conductance",)
    extra = {
        "redchi": redchi if np.isfinite(redchi) else None,
        "noise": sigma,
        "temperature_K": T,
        "n_points": int(b.size),
    }
    recs = _records(
        vals, errs, flags, extra=extra, criterion=crit, method=method, sample=sample, source=source
    )
    return SpectrumFit(recs, res, b, y, best, sigma, redchi, flags, extra)
