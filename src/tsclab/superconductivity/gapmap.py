r"""Dynes fits of whole gap maps: a Levenberg–Marquardt fitter vectorized across pixels.

Every pixel of a map ``(y, x, bias)`` is fitted with the same model as
:func:`tsclab.superconductivity.sts_fit.fit_spectrum` (Dynes DOS, exact thermal broadening,
optional lock-in broadening; free ``delta_meV``, ``gamma_meV``, ``scale``). What makes it fast:

* the thermal convolution is the exact Matsubara sum of :mod:`~tsclab.superconductivity.dynes`
  with ``n_terms`` explicit terms plus an Euler–Maclaurin remainder (no energy grid, no
  convolution matrix: ``n_terms + 1`` complex square roots per bias point, error at most
  1.5e-4 of G_N at the default ``n_terms=3``, far below any measured noise);
* analytic Jacobians (no finite differences);
* starting values from the coherence peaks (:func:`~tsclab.superconductivity.sts_fit.guess_dynes`);
* all pixels step together in NumPy (3x3 normal equations solved in closed form), each with its
  own Marquardt damping, and converged pixels leave the active set.

Errors are the usual :math:`\sqrt{\mathrm{diag}(J^TJ)^{-1}}` scaled by the reduced chi^2 (as
lmfit and curve_fit do); the quality flags are those of
:func:`~tsclab.superconductivity.sts_fit.quality_flags`.

References
----------
K. Levenberg, Q. Appl. Math. 2, 164 (1944); D. W. Marquardt, J. SIAM 11, 431 (1963);
R. C. Dynes, V. Narayanamurti, J. P. Garno, Phys. Rev. Lett. 41, 1509 (1978).

Examples
--------
>>> import numpy as np
>>> from tsclab.superconductivity.dynes import tunneling_conductance
>>> v = np.linspace(-5, 5, 301)
>>> d = np.array([[0.9, 1.0], [1.1, 1.2]])
>>> y = tunneling_conductance(v, d[..., None], 0.05, 0.31)
>>> y = y + np.random.default_rng(0).normal(0, 0.02, y.shape)
>>> ds = fit_gap_map(v, y, temperature_K=0.31)
>>> np.round(ds["delta_meV"].values, 2).tolist()
[[0.9, 1.0], [1.1, 1.2]]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr

from ..errors import ParameterError
from ..results import Result
from ..units import K_B_MEV_PER_K
from .dynes import _check_positive, _lockin_nodes, _thermal_dynes_rows
from .sts_fit import (
    DCHI2_GAP,
    REDCHI_MAX,
    _criterion,
    _dchi2_flat,
    _records,
    estimate_noise,
    guess_dynes,
    prepare_spectra,
)

__all__ = ["fit_gap_map", "fit_spectra", "gap_map_records"]

_FLAG_VARS = ("fit_failed", "poor_fit", "no_gap", "gap_outside_window")


class _Model:
    """Model and Jacobian of many spectra on one bias grid (rows = spectra).

    The broadened Dynes conductance is even in the bias (w(-V) = conj w(V) in the Matsubara
    sum; the lock-in nodes are symmetric too), so it is evaluated once per distinct |V|: on
    the usual symmetric bias grid this halves the work. The normal equations are summed on
    the distinct |V| with their multiplicities; only the residual uses the full grid, and it
    is folded back onto the distinct |V| (``fold``).
    """

    def __init__(self, bias: np.ndarray, kT: float, n_terms: int, vrms: float, gamma_res: float):
        self.kT = kT
        self.n_terms = n_terms
        ub, self.inverse, self.mult = _distinct_abs(bias)
        self.mirror = ub.size < bias.size
        if self.mult.max() > 2:
            raise ParameterError("bias_mV", "...", "the bias axis is not strictly monotonic")
        # a strictly monotonic grid holds each |V| once or twice: fold = first + second
        order = np.argsort(self.inverse, kind="stable")
        starts = np.concatenate([[0], np.cumsum(self.mult)[:-1]])
        self.first = order[starts]
        self.pairs = np.flatnonzero(self.mult == 2)
        self.second = order[starts[self.pairs] + 1]
        if vrms > 0:
            x, w = _lockin_nodes(vrms, kT + gamma_res)
            ue, self.inv_ext, _ = _distinct_abs((ub[:, None] - x[None, :]).ravel())
            self.V = ue
            self.w = w
            self.nu = ub.size
        else:
            self.V = ub
            self.w = None
        self.mult = self.mult.astype(float)

    def __call__(self, d: np.ndarray, g: np.ndarray):
        """G, dG/dDelta, dG/dGamma on the distinct |bias|, shape (k, n_distinct)."""
        out = _thermal_dynes_rows(self.V, d, g, self.kT, self.n_terms)
        if self.w is not None:
            m = self.w.size
            out = tuple(a[:, self.inv_ext].reshape(a.shape[0], self.nu, m) @ self.w for a in out)
        return out

    def expand(self, a: np.ndarray) -> np.ndarray:
        """Distinct-|bias| values -> full bias grid."""
        return a[:, self.inverse] if self.mirror else a

    def fold(self, r: np.ndarray) -> np.ndarray:
        """Sum of a full-grid quantity over the bias points that share one |bias|."""
        if not self.mirror:
            return r
        out = r[:, self.first]
        out[:, self.pairs] += r[:, self.second]
        return out

    def state(self, d, g, a, Y, model=None):
        """chi^2 (unweighted) and the 9 normal-equation sums (J^T J, J^T r) at (d, g, a).

        ``a=None``: the scale is set to its linear least-squares value (returned third).
        """
        G, Gd, Gg = self(d, g) if model is None else model
        if a is None:
            Gf = self.expand(G)
            a = np.einsum("ij,ij->i", Gf, Y) / np.einsum("ij,ij->i", Gf, Gf)
        r = a[:, None] * self.expand(G) - Y
        cost = np.einsum("ij,ij->i", r, r)
        rf = self.fold(r)
        Jd = a[:, None] * Gd
        Jg = a[:, None] * Gg
        mJd, mJg, mG = Jd * self.mult, Jg * self.mult, G * self.mult
        s = np.einsum
        A = np.stack(
            [
                s("ij,ij->i", mJd, Jd),
                s("ij,ij->i", mJd, Jg),
                s("ij,ij->i", mJd, G),
                s("ij,ij->i", mJg, Jg),
                s("ij,ij->i", mJg, G),
                s("ij,ij->i", mG, G),
                s("ij,ij->i", Jd, rf),
                s("ij,ij->i", Jg, rf),
                s("ij,ij->i", G, rf),
            ]
        )
        return cost, A, a


def _distinct_abs(v: np.ndarray):
    """Distinct |v| (to a relative 1e-12), the index map back to v, and multiplicities."""
    av = np.abs(v)
    tol = 1e-12 * max(float(np.max(av)), 1e-300)
    key = np.round(av / tol).astype(np.int64)
    _, first, inverse, counts = np.unique(
        key, return_index=True, return_inverse=True, return_counts=True
    )
    return av[first], inverse.ravel(), counts


def _solve3(a11, a12, a13, a22, a23, a33, b1, b2, b3):
    """Solve symmetric 3x3 systems row by row (Cramer's rule; det returned for checks)."""
    c11 = a22 * a33 - a23 * a23
    c12 = a13 * a23 - a12 * a33
    c13 = a12 * a23 - a13 * a22
    c22 = a11 * a33 - a13 * a13
    c23 = a12 * a13 - a11 * a23
    c33 = a11 * a22 - a12 * a12
    det = a11 * c11 + a12 * c12 + a13 * c13
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / det
        x1 = (c11 * b1 + c12 * b2 + c13 * b3) * inv
        x2 = (c12 * b1 + c22 * b2 + c23 * b3) * inv
        x3 = (c13 * b1 + c23 * b2 + c33 * b3) * inv
    return x1, x2, x3, det, (c11 * inv, c22 * inv, c33 * inv)


def fit_spectra(
    bias_mV,
    didv,
    *,
    temperature_K: float,
    modulation_rms_mV: float = 0.0,
    noise=None,
    n_terms: int = 3,
    max_iter: int = 60,
    ftol: float = 1e-10,
    chi2_tol: float = 1e-2,
    redchi_max: float = REDCHI_MAX,
) -> dict[str, np.ndarray]:
    r"""Fit many spectra on one bias axis (batched Levenberg–Marquardt, NumPy).

    Parameters
    ----------
    bias_mV
        Bias axis, mV (strictly monotonic).
    didv
        Spectra, shape ``(..., n_bias)``. Rows with NaN/inf are not fitted (flag
        ``fit_failed``, extra flag ``invalid_input``).
    temperature_K
        Junction temperature, K (> 0).
    modulation_rms_mV
        RMS lock-in modulation, mV.
    noise
        Noise sigma (scalar or per spectrum), taken as absolute: the standard errors are then
        not rescaled. Default: estimated per spectrum, and the standard errors are scaled by
        the reduced chi^2.
    n_terms
        Matsubara terms of the thermal convolution.
    max_iter, ftol, chi2_tol
        Iteration cap; relative chi^2 tolerance; when the Gauss–Newton predicted chi^2
        decrease is below ``chi2_tol`` (units of sigma^2; the pixel is then within 0.14
        standard errors of its optimum) the last step is taken without re-evaluation, which
        leaves an error second order in that distance.
    redchi_max
        Threshold of the ``poor_fit`` flag.

    Returns
    -------
    dict
        Arrays of the leading shape: ``delta_meV``, ``gamma_meV``, ``scale`` and their
        ``*_stderr``, ``redchi``, ``noise``, ``n_iter``, boolean flags ``fit_failed``,
        ``poor_fit``, ``no_gap``, ``gap_outside_window``, ``invalid_input``, ``ok``.

    References
    ----------
    D. W. Marquardt, J. SIAM 11, 431 (1963); R. C. Dynes et al., PRL 41, 1509 (1978).

    Examples
    --------
    >>> import numpy as np
    >>> from tsclab.superconductivity.dynes import tunneling_conductance
    >>> v = np.linspace(-5, 5, 301)
    >>> y = tunneling_conductance(v, np.array([[0.8], [1.2]]), 0.05, 0.31)
    >>> res = fit_spectra(v, y, temperature_K=0.31)
    >>> np.round(res["delta_meV"], 3).tolist(), res["ok"].tolist()
    ([0.8, 1.2], [True, True])
    """
    T = _check_positive("temperature_K", temperature_K)
    vrms = _check_positive("modulation_rms_mV", modulation_rms_mV, allow_zero=True)
    b, y, finite = prepare_spectra(bias_mV, didv, allow_nan_rows=True)
    lead = y.shape[:-1]
    Y = y.reshape(-1, b.size)
    valid = finite.reshape(-1).copy()
    P, n = Y.shape
    sig = np.ones(P)
    if noise is None:
        sig[valid] = estimate_noise(Y[valid])
    else:
        sig[:] = np.broadcast_to(np.asarray(noise, dtype=float), lead).reshape(-1)
    good_sig = np.isfinite(sig) & (sig > 0)
    # noiseless synthetic input: any tiny positive sigma keeps the algebra finite
    sig = np.where(good_sig, sig, np.maximum(np.abs(Y).max(axis=1, initial=0) * 1e-9, 1e-300))
    kT = K_B_MEV_PER_K * T
    vmax = float(np.max(np.abs(b)))
    dv = float(np.min(np.diff(b)))

    d = np.full(P, np.nan)
    g = np.full(P, np.nan)
    a = np.full(P, np.nan)
    idx = np.flatnonzero(valid)
    if idx.size == 0:  # nothing to fit: every spectrum has NaN/inf
        return _empty_result(lead, sig, ~valid)
    # Degenerate spectra (all zero, constant) produce inf/NaN in the algebra; they end up
    # flagged (fit_failed / no_gap), so the floating-point warnings are not shown.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        d0, g0, a_unit = guess_dynes(b, Y[idx], T)
        # Fit in units of each spectrum's high-bias conductance, so that the normal equations are
        # well scaled whatever the unit of didv (S, A, V); scale and its error are converted back.
        Yv = Y[idx] / a_unit[:, None]
        sv = sig[idx] / a_unit
        model = _Model(b, kT, int(n_terms), vrms, float(np.min(g0)) if g0.size else 0.0)
        # chi^2 cannot be resolved below the rounding of the model (~1e-14 of G_N per point):
        # changes smaller than that count as converged (matters only for noiseless data)
        eps = 1e-14
        floor = 10 * n * eps**2
        dmin, gmin = 1e-3 * dv, 0.0

        # Fit state of the valid rows, kept as scalars per pixel: parameters, chi^2 and the normal
        # equations at the current point (no (P, n) arrays are copied between iterations). The
        # scale starts at its linear least-squares value.
        pd, pg = d0.copy(), g0.copy()
        cost, A, pa = model.state(pd, pg, None, Yv)
        lam = np.full(idx.size, 1e-3)
        n_iter = np.zeros(idx.size, dtype=int)
        active = np.ones(idx.size, dtype=bool)
        converged = np.zeros(idx.size, dtype=bool)
        for _ in range(max_iter):
            act = np.flatnonzero(active)
            if act.size == 0:
                break
            a11, a12, a13, a22, a23, a33, b1, b2, b3 = A[:, act]
            lm = lam[act]
            f = 1.0 + lm + 1e-12  # Marquardt: damp each diagonal element in proportion to itself
            s1, s2, s3, _, _ = _solve3(
                a11 * f, a12, a13, a22 * f, a23, a33 * f, -b1, -b2, -b3
            )  # fmt: skip
            s1, s2, s3 = np.nan_to_num(s1), np.nan_to_num(s2), np.nan_to_num(s3)
            # Gauss-Newton predicted chi^2 decrease: -(2 g.s + s.A.s). Below chi2_tol (in units
            # of sigma^2) the pixel is within sqrt(2 chi2_tol) standard errors of its optimum, in
            # the quadratic regime: the step is taken without evaluating it again (what is left
            # after it is second order in that distance), and the pixel has converged.
            sAs = (a11 * s1 * s1 + a22 * s2 * s2 + a33 * s3 * s3
                   + 2 * (a12 * s1 * s2 + a13 * s1 * s3 + a23 * s2 * s3))  # fmt: skip
            pred = -(2 * (b1 * s1 + b2 * s2 + b3 * s3) + sAs)
            fin = (pred < chi2_tol * sv[act] ** 2 + floor) & (lm < 1.0)
            af = act[fin]
            pd[af] = np.maximum(pd[af] + s1[fin], dmin)
            pg[af] = np.maximum(pg[af] + s2[fin], gmin)
            pa[af] = pa[af] + s3[fin]
            cost[af] = np.maximum(cost[af] - pred[fin], 0.0)
            converged[af] = True
            active[af] = False
            act, s1, s2, s3 = act[~fin], s1[~fin], s2[~fin], s3[~fin]
            if act.size == 0:
                break
            nd = np.maximum(pd[act] + s1, dmin)
            ng = np.maximum(pg[act] + s2, gmin)
            na = pa[act] + s3
            cn, An, _ = model.state(nd, ng, na, Yv if act.size == idx.size else Yv[act])
            acc = cn < cost[act]
            ai = act[acc]
            # chi^2 differences below the model's rounding noise (~ 4 eps sqrt(n chi^2)) mean
            # convergence too
            noise_c = 4 * eps * np.sqrt(n * cost[act]) + floor
            small = (cost[ai] - cn[acc]) <= ftol * cn[acc] + noise_c[acc]
            An = An[:, acc]
            pd[ai], pg[ai], pa[ai] = nd[acc], ng[acc], na[acc]
            cost[ai] = cn[acc]
            A[:, ai] = An
            lam[ai] *= 0.3
            rej = act[~acc]
            lam[rej] *= 10.0
            n_iter[act] += 1
            # A rejected step with a relative chi^2 change below ftol also means convergence.
            stuck = np.abs(cn[~acc] - cost[rej]) <= ftol * cost[rej] + noise_c[~acc]
            done = np.concatenate([ai[small], rej[stuck | (lam[rej] > 1e12)]])
            converged[ai[small]] = True
            converged[rej[stuck]] = True
            active[done] = False

        # Covariance at the solution (undamped normal equations).
        a11, a12, a13, a22, a23, a33 = A[:6]
        _, _, _, det, (v11, v22, v33) = _solve3(a11, a12, a13, a22, a23, a33, 0, 0, 0)
        dof = n - 3
        chi2 = cost / sv**2
        redchi = chi2 / dof
        # a noise the caller knows is an absolute sigma; an estimated one is only a scale, so
        # the covariance is then scaled by the reduced chi^2 (lmfit / curve_fit convention)
        s2r = sv**2 if noise is not None else cost / dof
        with np.errstate(invalid="ignore"):
            ed = np.sqrt(v11 * s2r)
            eg = np.sqrt(v22 * s2r)
            ea = np.sqrt(v33 * s2r)
        d[idx], g[idx], a[idx] = pd, pg, pa * a_unit
        ea = ea * a_unit
        out = {
            "delta_meV": d,
            "gamma_meV": g,
            "scale": a,
            "delta_meV_stderr": np.full(P, np.nan),
            "gamma_meV_stderr": np.full(P, np.nan),
            "scale_stderr": np.full(P, np.nan),
            "redchi": np.full(P, np.nan),
            "noise": sig,
            "n_iter": np.zeros(P, dtype=int),
        }
        out["delta_meV_stderr"][idx] = ed
        out["gamma_meV_stderr"][idx] = eg
        out["scale_stderr"][idx] = ea
        out["redchi"][idx] = redchi
        out["n_iter"][idx] = n_iter

        failed = np.ones(P, dtype=bool)
        failed[idx] = ~converged | ~(det > 0) | ~np.isfinite(ed) | ~np.isfinite(redchi)
        chi2_flat = np.full(P, np.nan)
        chi2_flat[idx] = _dchi2_flat(Yv, sv)
        full_chi2 = np.full(P, np.nan)
        full_chi2[idx] = chi2
        with np.errstate(invalid="ignore"):
            out["fit_failed"] = failed
            out["poor_fit"] = ~failed & (out["redchi"] > redchi_max)
            # evaluated for every fitted pixel: a flat spectrum often also fails to converge
            # (Delta -> 0, Gamma -> large), and it is then both fit_failed and no_gap
            out["no_gap"] = valid & (
                (chi2_flat - full_chi2 < DCHI2_GAP) | (g >= d) | (d < 2 * out["delta_meV_stderr"])
            )
            out["gap_outside_window"] = ~failed & (d > 0.9 * vmax)
        out["invalid_input"] = ~valid
        out["ok"] = ~(
            out["fit_failed"] | out["poor_fit"] | out["no_gap"] | out["gap_outside_window"]
        )
    return {k: v.reshape(lead) for k, v in out.items()}


def _empty_result(lead: tuple[int, ...], sig: np.ndarray, invalid: np.ndarray) -> dict:
    """The output of :func:`fit_spectra` when no spectrum could be fitted."""
    P = invalid.size
    nan = np.full(P, np.nan)
    out: dict[str, np.ndarray] = {
        k: nan.copy()
        for k in ("delta_meV", "gamma_meV", "scale", "delta_meV_stderr", "gamma_meV_stderr",
                  "scale_stderr", "redchi")
    }  # fmt: skip
    out["noise"] = sig
    out["n_iter"] = np.zeros(P, dtype=int)
    out["fit_failed"] = np.ones(P, dtype=bool)
    for k in ("poor_fit", "no_gap", "gap_outside_window"):
        out[k] = np.zeros(P, dtype=bool)
    out["invalid_input"] = invalid
    out["ok"] = np.zeros(P, dtype=bool)
    return {k: v.reshape(lead) for k, v in out.items()}


_ATTRS: dict[str, dict[str, str]] = {
    "delta_meV": {"units": "meV", "long_name": "Dynes gap Delta"},
    "gamma_meV": {"units": "meV", "long_name": "Dynes broadening Gamma"},
    "scale": {"units": "didv", "long_name": "normal-state conductance G_N (unit of didv)"},
    "delta_meV_stderr": {"units": "meV", "long_name": "standard error of Delta"},
    "gamma_meV_stderr": {"units": "meV", "long_name": "standard error of Gamma"},
    "scale_stderr": {"units": "didv", "long_name": "standard error of G_N"},
    "redchi": {"units": "1", "long_name": "reduced chi^2 with the noise estimate"},
    "noise": {"units": "didv", "long_name": "noise sigma used for chi^2"},
    "n_iter": {"units": "1", "long_name": "Levenberg-Marquardt iterations"},
    "fit_failed": {"long_name": "optimizer failed or singular covariance"},
    "poor_fit": {"long_name": "reduced chi^2 above the threshold"},
    "no_gap": {"long_name": "no resolved gap (no better than a constant, or Gamma >= Delta)"},
    "gap_outside_window": {"long_name": "Delta beyond 90% of the largest bias"},
    "invalid_input": {"long_name": "spectrum contains NaN/inf (not fitted)"},
    "ok": {"long_name": "a resolved gap described by the Dynes form"},
}


def fit_gap_map(
    bias_mV=None,
    didv=None,
    *,
    temperature_K: float | None = None,
    modulation_rms_mV: float = 0.0,
    noise=None,
    n_terms: int = 3,
    max_iter: int = 60,
    redchi_max: float = REDCHI_MAX,
) -> xr.Dataset:
    """Fit a gap map and return the parameters, errors and flags as a Dataset over ``(y, x)``.

    Parameters
    ----------
    bias_mV
        Bias axis, mV — or an :class:`xarray.Dataset` with a ``didv`` variable (or a
        DataArray) with a ``bias`` dimension (mV); then ``didv`` is omitted and the other dims
        (e.g. ``y``, ``x``) and their coordinates are kept; its ``temperature_K`` attribute
        is used when ``temperature_K`` is not given (the lock-in modulation is not read from
        attrs: pass ``modulation_rms_mV``).
    didv
        Spectra ``(..., n_bias)`` when ``bias_mV`` is an array.
    temperature_K
        Junction temperature, K (> 0; required unless the Dataset's attrs hold it).
    modulation_rms_mV, noise, n_terms, max_iter, redchi_max
        See :func:`fit_spectra`.

    Returns
    -------
    xarray.Dataset
        Variables of :func:`fit_spectra` over the leading dims (default names ``y``, ``x`` for
        2-D maps), with units in ``attrs``; Dataset attrs record the temperature, modulation,
        method and criterion.

    Examples
    --------
    >>> import numpy as np
    >>> from tsclab.superconductivity.dynes import tunneling_conductance
    >>> v = np.linspace(-5, 5, 301)
    >>> y = tunneling_conductance(v, np.full((2, 3, 1), 1.0), 0.05, 0.31)
    >>> fit_gap_map(v, y, temperature_K=0.31)["delta_meV"].dims
    ('y', 'x')
    """
    if temperature_K is None and isinstance(bias_mV, xr.Dataset | xr.DataArray):
        temperature_K = bias_mV.attrs.get("temperature_K")  # e.g. from a .3ds header
    if temperature_K is None:
        raise ParameterError("temperature_K", None, "the junction temperature is required")
    coords: dict[str, Any] = {}
    if isinstance(bias_mV, xr.Dataset | xr.DataArray):
        da = bias_mV["didv"] if isinstance(bias_mV, xr.Dataset) else bias_mV
        if "bias" not in da.dims:
            raise ParameterError("didv", da.dims, "needs a 'bias' dimension")
        da = da.transpose(..., "bias")
        dims = list(da.dims[:-1])
        coords = {k: c for k, c in da.coords.items() if "bias" not in c.dims}
        b, y = da["bias"].values, da.values
    else:
        if didv is None:
            raise ParameterError("didv", None, "pass the spectra (or a Dataset as bias_mV)")
        try:
            y = np.asarray(didv, dtype=float)
        except (ValueError, TypeError):
            raise ParameterError(
                "didv", type(didv).__name__, "spectra of different lengths (or not numbers)"
            ) from None
        b = bias_mV
        nd = max(y.ndim - 1, 0)
        dims = ["y", "x"] if nd == 2 else [f"dim_{i}" for i in range(nd)]
        if nd == 1:
            dims = ["spectrum"]
    res = fit_spectra(
        b,
        y,
        temperature_K=temperature_K,
        modulation_rms_mV=modulation_rms_mV,
        noise=noise,
        n_terms=n_terms,
        max_iter=max_iter,
        redchi_max=redchi_max,
    )
    ds = xr.Dataset({k: (dims, v, dict(_ATTRS.get(k, {}))) for k, v in res.items()})
    ds = ds.assign_coords({k: c for k, c in coords.items() if set(c.dims) <= set(dims)})
    ds.attrs.update(
        temperature_K=float(temperature_K),
        modulation_rms_mV=float(modulation_rms_mV),
        method="superconductivity.gapmap.fit_gap_map",
        criterion=_criterion(float(temperature_K), float(modulation_rms_mV)),
        n_terms=int(n_terms),
        redchi_max=float(redchi_max),
    )
    return ds


def gap_map_records(
    ds: xr.Dataset,
    *,
    sample: str = "",
    source: Mapping[str, Any] | None = None,
) -> list[Result]:
    """Result records (``delta_meV``, ``gamma_meV``, ``scale``) of every pixel of a fitted map.

    The pixel's position goes into ``source["pixel"]`` as ``{dim: index}`` and into
    ``source["channel"]`` as ``"didv[y=3,x=5]"`` (kept when records are tabulated to CSV).

    Examples
    --------
    >>> import numpy as np
    >>> from tsclab.superconductivity.dynes import tunneling_conductance
    >>> v = np.linspace(-5, 5, 301)
    >>> ds = fit_gap_map(v, tunneling_conductance(v, np.ones((1, 2, 1)), 0.05, 0.31),
    ...                  temperature_K=0.31)
    >>> [r.source["channel"] for r in gap_map_records(ds) if r.quantity == "delta_meV"]
    ['didv[y=0,x=0]', 'didv[y=0,x=1]']
    """
    dims = list(ds["delta_meV"].dims)
    recs: list[Result] = []
    crit = str(ds.attrs.get("criterion", ""))
    for pos in np.ndindex(*ds["delta_meV"].shape):
        sel = dict(zip(dims, pos, strict=True))
        px = ds.isel(sel)
        flags = tuple(f for f in (*_FLAG_VARS, "invalid_input") if bool(px[f]))
        vals = {q: float(px[q]) for q in ("delta_meV", "gamma_meV", "scale")}
        errs = {q: float(px[f"{q}_stderr"]) for q in vals}
        rc = float(px["redchi"])
        extra = {"redchi": rc if np.isfinite(rc) else None, "n_iter": int(px["n_iter"])}
        pixel = {k: int(v) for k, v in sel.items()}
        src = {**dict(source or {}), "pixel": pixel}
        # the pixel also goes into the channel, which survives flattening to CSV
        where = ",".join(f"{k}={v}" for k, v in pixel.items())
        src["channel"] = f"{src.get('channel', '') or 'didv'}[{where}]"
        recs += _records(
            vals,
            errs,
            flags,
            extra=extra,
            criterion=crit,
            method="superconductivity.gapmap.fit_gap_map",
            sample=sample,
            source=src,
        )
    return recs
