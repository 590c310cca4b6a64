"""``tsclab analyze hc2``: H_c2 points from R(H) loops or R(T) at fixed field, and H_c2(T) fits.

Inputs (each FILE, format sniffed from content):

- a Quantum Design ``.dat`` with field loops at one or several temperatures (every channel
  that holds data): one H_c2 per branch and field polarity at R = ``--fraction`` R_N, then
  their mean per temperature;
- a Quantum Design ``.dat`` with R(T) at a fixed field: one point (T_c(H), H) at the same
  criterion;
- a text table whose first column is the field and whose other columns are resistances (e.g.
  lock-in channels); the temperature is unknown there. Units come from the header
  (``field (Oe)``, ``R (kohm)``, ``T_mK``: converted to T, ohm, K); ``--field-units`` (T by
  default) applies to a field column without a unit and must agree with one that has a unit;
- a table of H_c2(T): two columns (T in K, mu0 H_c2 in T, or the header's units), or a header
  naming a column ``hc2`` (a third column is taken as the parallel-field H_c2);
- a table of H_c2(θ) (first column named ``angle...`` or ``theta...`` in degrees from the film
  normal, then ``hc2``): Tinkham 2D vs anisotropic 3D GL, with the AIC verdict.

Points with the same channel are pooled; with >= 3 temperatures they are fitted with 2D GL
(ξ_GL, T_c; d_sc when parallel data are given; weighted by the per-point errors when every
point has one), the slope over the upper 30 % of the range below T_c (at least three
temperatures) gives the WHH orbital estimate with a propagated error, and the largest H_c2
is compared with the Pauli limit.
"""

from __future__ import annotations

import io as _io
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import typer

from ..errors import FileFormatError, ParameterError
from ..io._common import column_unit, header_unit_factor, unit_factor
from ..results import Result, atomic_write, write_records
from ._common import print_records

__all__ = ["register"]


@dataclass
class _Curve:
    """One R(H) sweep set (or R(T) at fixed field) of one channel."""

    file: Path
    channel: str
    field_T: np.ndarray
    resistance_ohm: np.ndarray
    temperature_K: np.ndarray | None  # per point, None when unknown


@dataclass
class _Points:
    """Pooled H_c2(T) points of one channel."""

    T: list[float] = field(default_factory=list)
    H: list[float] = field(default_factory=list)
    err: list[float | None] = field(default_factory=list)
    orientation: list[str] = field(default_factory=list)


def _load(
    path: Path, field_units: str | None
) -> tuple[list[_Curve], list[tuple[str, np.ndarray]]]:
    """Return (curves, tables); a table is (orientation, array of shape (n, 2))."""
    from .. import io as tio

    kind = tio.sniff(path)
    if kind == "qd_dat":
        ds = tio.read_qd_dat(path)
        chans = tio.qd_channels(ds)
        if not chans:
            raise FileFormatError(path, "no resistance channel with data (resistance_ohm)")
        T = np.asarray(ds["temperature_K"].to_numpy(), dtype=float)
        H = np.asarray(ds["field_T"].to_numpy(), dtype=float)
        R = ds["resistance_ohm"]
        curves = [
            _Curve(path, c, H, np.asarray(R.sel(channel=c).to_numpy(), float), T) for c in chans
        ]
        return curves, []
    if kind not in ("text_table", "gwyddion_text"):
        raise FileFormatError(path, f"read as {kind!r}; analyze hc2 takes QD .dat or text")
    if field_units is not None and unit_factor(field_units, "T") is None:
        raise ParameterError("--field-units", field_units, "use a field unit: T, mT, Oe, kOe, G")
    try:
        ds = tio.read_text_table(path)
    except FileFormatError as exc:
        if "header" not in str(exc):
            raise
        # no header: the declared units (T in K, Hc2 in T) apply
        ds2 = tio.read_two_column(path, "temperature", "K", "hc2_T", "T")
        arr = np.column_stack([ds2["temperature"].to_numpy(), ds2["hc2_T"].to_numpy()])
        return [], [("perp", arr)]
    names = list(ds.data_vars)
    if len(names) < 2:
        raise FileFormatError(path, "needs at least two columns")
    hline = int(ds.attrs.get("header_line", 1))
    labels = [str(ds[n].attrs.get("original_name", n)) for n in names]

    def col(j: int, to_unit: str) -> np.ndarray:
        # the header's unit, converted to tsclab's canonical one (error when not convertible)
        f, _ = header_unit_factor(path, labels[j], to_unit, line=hline)
        return np.asarray(ds[names[j]].to_numpy(), dtype=float) * f

    if any("hc2" in n.lower() for n in names):
        first = names[0].lower()
        if "angle" in first or "theta" in first:
            return [], [("angle", np.column_stack([col(0, "deg"), col(1, "T")]))]
        tables = [("perp", np.column_stack([col(0, "K"), col(1, "T")]))]
        if len(names) > 2:
            tables.append(("par", np.column_stack([col(0, "K"), col(2, "T")])))
        return [], tables
    H = _field_column(path, labels[0], np.asarray(ds[names[0]].to_numpy(), float), field_units,
                      hline)  # fmt: skip
    return [_Curve(path, n, H, col(j, "ohm"), None) for j, n in enumerate(names[1:], start=1)], []


def _field_column(
    path: Path, label: str, values: np.ndarray, field_units: str | None, hline: int
) -> np.ndarray:
    """The field column of a text R(H) table in tesla (mu0 H).

    The header's unit wins when there is one; ``--field-units`` applies to a header without a
    unit and must agree with a header that has one.
    """
    unit, explicit = column_unit(label)
    if unit and unit_factor(unit, "T") is None:
        if explicit:
            raise FileFormatError(
                path, f"column {label!r}: unit {unit!r} is not a magnetic field unit", line=hline
            )
        unit = ""  # a name suffix such as "_A", not a unit
    agree = unit_factor(unit, field_units) if unit and field_units is not None else 1.0
    if agree is None or abs(agree - 1.0) > 1e-9:
        raise FileFormatError(
            path, f"column {label!r} is in {unit}, but --field-units says {field_units}",
            line=hline,
        )  # fmt: skip
    f = unit_factor(unit or field_units or "T", "T")
    return values * (1.0 if f is None else f)  # f is not None: both units checked above


def _temperature_groups(T: np.ndarray | None, n: int) -> list[tuple[float | None, np.ndarray]]:
    """Group point indices by temperature set point (gaps > 0.05 K split groups)."""
    if T is None:
        return [(None, np.arange(n))]
    from ..io import cluster_values

    finite = np.isfinite(T)
    labels = np.full(n, -1)
    labels[finite] = cluster_values(T[finite], 0.05)
    out = []
    for lab in np.unique(labels[labels >= 0]):
        idx = np.nonzero(labels == lab)[0]
        if idx.size >= 8:
            out.append((float(np.median(T[idx])), idx))
    return out


def _curve_points(
    c: _Curve, fraction: float, sample: str, orientation: str
) -> tuple[list[Result], list[tuple[float, float, float | None]], list[tuple[Any, ...]]]:
    """H_c2 records, pooled (T, H, err) points and plot data for one curve."""
    from ..superconductivity.hc2 import _mean_hc2, hc2_from_field_sweep, hc2_point_from_rt
    from ..transport import split_branches

    recs: list[Result] = []
    pts: list[tuple[float, float, float | None]] = []
    plot: list[tuple[Any, ...]] = []
    src0 = {"file": c.file.name, "channel": c.channel}
    H = c.field_T
    finite_H = H[np.isfinite(H)]
    is_field_sweep = finite_H.size > 0 and np.ptp(finite_H) > 1e-3
    if not is_field_sweep:
        # R(T) at a fixed field: T_c(H) at the criterion gives one point of H_c2(T)
        if c.temperature_K is None:
            raise FileFormatError(c.file, "neither a field sweep nor an R(T) curve")
        h0 = float(np.median(np.abs(finite_H))) if finite_H.size else 0.0
        T, R = c.temperature_K, c.resistance_ohm
        keep = np.nonzero(np.isfinite(T) & np.isfinite(R))[0]
        for label, sub in split_branches(T[keep]):
            idx = keep[sub]
            r = hc2_point_from_rt(
                T[idx], R[idx], h0, fraction=fraction, sample=sample,
                source={**src0, "sweep": f"{label}, R(T) at {h0:.4g} T"},
            )  # fmt: skip
            r = replace(r, extra={**r.extra, "orientation": orientation})
            recs.append(r)
            if r.value is not None:
                pts.append((r.extra["temperature_K"], h0, None))
            plot.append(("rt", T[idx], R[idx], h0, r.extra["temperature_K"]))
        return recs, pts, plot
    for T0, idx in _temperature_groups(c.temperature_K, H.size):
        tlabel = "" if T0 is None else f"{T0:.4g} K"
        src = {**src0, "sweep": tlabel} if tlabel else src0
        sub = hc2_from_field_sweep(
            H[idx], c.resistance_ohm[idx], fraction=fraction, temperature_K=T0,
            sample=sample, source=src,
        )  # fmt: skip
        sub = [
            replace(
                r,
                source={**r.source, "sweep": f"{tlabel} {r.source.get('sweep', '')}".strip()},
                extra={**r.extra, "orientation": orientation},
            )
            for r in sub
        ]
        recs.extend(sub)
        mean, err = _mean_hc2(sub)
        n_ok = sum(r.value is not None for r in sub)
        if mean is not None:
            recs.append(
                Result("hc2_T", mean, err, unit="T", criterion=sub[0].criterion.split(" (")[0],
                       method="hc2.hc2_from_field_sweep", sample=sample,
                       source={**src0, "sweep": f"{tlabel} mean of {n_ok}".strip()},
                       extra={"temperature_K": T0, "orientation": orientation})
            )  # fmt: skip
            if T0 is not None:
                pts.append((T0, mean, err))
        plot.append(("rh", H[idx], c.resistance_ohm[idx], T0, sub))
    return recs, pts, plot


def _errors(err: list[float | None], sel: np.ndarray) -> np.ndarray | None:
    """The per-point H_c2 errors of the selected points, or None (equal weights) unless every
    one of them has a positive error."""
    e = [err[i] for i in np.nonzero(sel)[0]]
    if not e or any(x is None or not np.isfinite(x) or x <= 0 for x in e):
        return None
    return np.asarray(e, dtype=float)


def _near_tc_window_K(T: np.ndarray, tc: float | None) -> float | None:
    """``window_K`` for :func:`hc2_slope_at_tc`: the points in the upper 30 % of the range
    from the lowest temperature to T_c, and at least the three temperatures closest to T_c.

    WHH needs dH_c2/dT at T_c; the low-T curvature of H_c2(T) biases a line through all
    points (Werthamer, Helfand, Hohenberg, Phys. Rev. 147, 295 (1966)).
    """
    u = np.unique(T[np.isfinite(T)])
    if u.size <= 3:
        return None
    top = float(u.max())
    hi = tc if tc is not None and tc > top else top
    lo = hi - 0.3 * (hi - float(u.min()))
    # window_K selects T > top - window_K; the 3rd-highest temperature must be inside
    lo = min(lo, float(u[-3]))
    return top - lo + 1e-9 * max(abs(top), 1.0)


def _fit_points(key: str, p: _Points, sample: str, tc_K: float | None) -> list[Result]:
    from ..superconductivity.hc2 import (
        fit_gl_2d,
        hc2_orbital_whh_T,
        hc2_slope_at_tc,
        pauli_ratio,
    )

    T = np.asarray(p.T)
    H = np.asarray(p.H)
    o = np.asarray(p.orientation)
    perp, par = o == "perp", o == "par"
    src = {"file": "pooled", "channel": key}
    recs: list[Result] = []
    if np.unique(T[perp]).size < (2 if tc_K else 3):
        return recs
    fit = fit_gl_2d(
        T[perp], H[perp],
        T[par] if par.any() else None, H[par] if par.any() else None,
        hc2_perp_err_T=_errors(p.err, perp), hc2_par_err_T=_errors(p.err, par),
        tc_K=tc_K, sample=sample, source=src,
    )  # fmt: skip
    recs.extend(fit.records)
    tc = fit.tc_K if tc_K is None else tc_K
    window = _near_tc_window_K(T[perp], tc)
    slope = hc2_slope_at_tc(T[perp], H[perp], window_K=window, sample=sample, source=src)
    recs.extend(slope)
    s0 = slope[0]
    if s0.value is not None and s0.value < 0 and tc:
        whh = hc2_orbital_whh_T(tc, s0.value)
        # linear propagation: relative errors of the slope and of T_c (0 when T_c is fixed)
        s_tc = 0.0 if tc_K is not None else (fit.tc_stderr_K or 0.0)
        err = (
            abs(whh) * math.hypot(s0.stderr / s0.value, s_tc / tc)
            if s0.stderr is not None
            else None
        )
        recs.append(
            Result("hc2_orb_whh_T", whh, err, unit="T",
                   criterion="0.693 Tc |dHc2/dT| at Tc (dirty-limit WHH)",
                   method="hc2.hc2_orbital_whh_T", sample=sample, source=src,
                   extra={"tc_K": tc, "slope_T_per_K": s0.value,
                          "slope_window_K": window})
        )  # fmt: skip
    if tc:
        i = int(np.argmax(H))
        recs.extend(pauli_ratio(float(H[i]), tc, sample=sample,
                                source={**src, "sweep": f"Hc2 at {T[i]:.4g} K"}))  # fmt: skip
    return recs


def _figures(out: Path, plots: list[tuple[_Curve, list]], pooled: dict[str, _Points],
             fits: dict[str, list[Result]], fraction: float) -> list[Path]:  # fmt: skip
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written: list[Path] = []
    for c, items in plots:
        fig, ax = plt.subplots(figsize=(7, 4.4))
        cmap = plt.get_cmap("viridis")
        for k, item in enumerate(items):
            col = cmap(k / max(len(items) - 1, 1))
            if item[0] == "rh":
                _, H, R, T0, sub = item
                ax.plot(H, R, ".-", ms=2, lw=0.6, color=col,
                        label=f"{T0:.3g} K" if T0 is not None else c.channel)  # fmt: skip
                for r in sub:
                    if r.value is not None:
                        sgn = -1 if r.source.get("sweep", "").endswith("-H") else 1
                        ax.plot(sgn * r.value, fraction * r.extra["r_normal_ohm"], "x",
                                color="k", ms=6, mew=1.2)  # fmt: skip
                ax.set_xlabel("μ0H (T)")
            else:
                _, T, R, h0, tc = item
                ax.plot(T, R, ".-", ms=2, lw=0.6, color=col, label=f"{h0:.3g} T")
                if tc is not None:
                    ax.axvline(tc, color=col, ls="--", lw=0.8)
                ax.set_xlabel("Temperature (K)")
        ax.plot([], [], "x", color="k", label=f"Hc2 at R = {fraction:g} R_N")
        ax.set_ylabel("Resistance (Ω)")
        ax.set_title(f"{c.file.name} [{c.channel}]", fontsize=9)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
        fig.tight_layout()
        stem = c.file.stem.replace(" ", "_") + (f"_{c.channel}" if c.channel else "")
        written.append(_save(fig, out / f"hc2_sweeps_{stem}.png"))
        plt.close(fig)
    from ..superconductivity.hc2 import hc2_par_gl, hc2_perp_gl

    for key, p in pooled.items():
        if not p.T:
            continue
        fig, ax = plt.subplots(figsize=(6.5, 4.4))
        T, H = np.asarray(p.T), np.asarray(p.H)
        err = np.asarray([e if e is not None else 0.0 for e in p.err])
        o = np.asarray(p.orientation)
        how = "table" if key == "" else f"R = {fraction:g} R_N"
        for orient, mk in (("perp", "o"), ("par", "s")):
            sel = o == orient
            if sel.any():
                sym = "⊥" if orient == "perp" else "∥"
                ax.errorbar(T[sel], H[sel], yerr=err[sel], fmt=mk, ms=4, capsize=2,
                            label=f"Hc2 {sym} ({how})")  # fmt: skip
        q = {r.quantity: r for r in fits.get(key, [])}
        d_rec = q.get("d_sc_nm")
        if d_rec is not None and d_rec.value and q.get("xi_gl_nm") and q.get("tc_gl_K"):
            from ..superconductivity.hc2 import xi_gl_of_T_nm

            xi_T = xi_gl_of_T_nm(T, q["xi_gl_nm"].value, q["tc_gl_K"].value)
            bad = (o == "par") & (d_rec.value >= xi_T)
            if bad.any():
                ax.plot(T[bad], H[bad], "s", ms=9, mfc="none", mec="k", mew=0.8,
                        label="outside 2D window (d_sc ≥ ξ(T))")  # fmt: skip
        xi, tc = q.get("xi_gl_nm"), q.get("tc_gl_K")
        if xi is not None and tc is not None and xi.value and tc.value:
            tt = np.linspace(min(T.min(), tc.value) * 0.98, tc.value, 200)
            ax.plot(tt, hc2_perp_gl(tt, xi.value, tc.value), "-", lw=1,
                    label=f"2D GL ⊥: ξ = {xi.value:.3g} nm, Tc = {tc.value:.3g} K")  # fmt: skip
            d = q.get("d_sc_nm")
            if d is not None and d.value:
                ax.plot(tt, hc2_par_gl(tt, xi.value, d.value, tc.value), "--", lw=1,
                        label=f"2D GL ∥: d_sc = {d.value:.3g} nm")  # fmt: skip
        ax.set_xlabel("Temperature (K)")
        ax.set_ylabel("μ0Hc2 (T)")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.set_title(f"Hc2(T) [{key or 'table'}]", fontsize=9)
        ax.legend(fontsize=7)
        fig.tight_layout()
        name = (key or "table").replace(" ", "_")
        written.append(_save(fig, out / f"hc2_vs_T_{name}.png"))
        plt.close(fig)
    return written


def _angular_figure(out: Path, f: Path, arr: np.ndarray, cmp: Any) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..superconductivity.hc2 import hc2_angle_gl3d, hc2_angle_tinkham

    fig, ax = plt.subplots(figsize=(6.5, 4.4))
    ax.plot(arr[:, 0], arr[:, 1], "o", ms=4, label="data")
    th = np.linspace(float(np.nanmin(arr[:, 0])), float(np.nanmax(arr[:, 0])), 721)
    for name, fn, ls in (("tinkham_2d", hc2_angle_tinkham, "-"), ("gl_3d", hc2_angle_gl3d, "--")):
        hp, hq = cmp.params[name]
        lab = f"{name}: H⊥ = {hp:.3g} T, H∥ = {hq:.3g} T, AIC = {cmp.aic[name]:.1f}"
        ax.plot(th, fn(th, hp, hq), ls, lw=1, label=lab)
    ax.set_xlabel("θ from the film normal (deg)")
    ax.set_ylabel("μ0Hc2 (T)")
    ax.set_title(f"{f.name}: preferred {cmp.preferred}", fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    path = _save(fig, out / f"hc2_angle_{f.stem.replace(' ', '_')}.png")
    plt.close(fig)
    return path


def _save(fig: Any, path: Path) -> Path:
    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=120)
    return atomic_write(path, buf.getvalue())


def register(app: typer.Typer) -> None:
    """Add ``hc2`` to the ``tsclab analyze`` sub-app."""

    @app.command("hc2")
    def hc2(
        files: list[Path] = typer.Argument(..., help="QD .dat (R(H) loops or R(T) at field), R(H) text, or a T,Hc2 table."),  # noqa: E501
        fraction: float = typer.Option(0.5, help="Criterion: Hc2 at R = fraction x R_N."),
        orientation: str = typer.Option("perp", help="Field orientation of the data: perp or par."),  # noqa: E501
        field_units: str | None = typer.Option(None, help="Field unit of text R(H) tables without a unit in the header: T (default), mT, Oe, kOe, G."),  # noqa: E501
        tc_K: float | None = typer.Option(None, "--tc-K", help="Fix Tc (K) in the GL fit."),
        json_out: bool = typer.Option(False, "--json", help="Print the records as a JSON list."),
        out: Path = typer.Option(Path("hc2_results"), "--out", help="Folder for figures, records."),  # noqa: E501
        no_files: bool = typer.Option(False, "--no-files", help="Write no figures or records."),
        sample: str = typer.Option("", help="Sample label, e.g. '(8,38)'."),
    ) -> None:  # fmt: skip
        """Hc2 from R(H) / R(T) at a stated criterion; 2D GL, WHH and Pauli comparison."""
        from ..superconductivity.hc2 import compare_angular_models

        if orientation not in ("perp", "par"):
            raise ParameterError("--orientation", orientation, "use perp or par")
        if not 0 < fraction < 1:
            raise ParameterError("--fraction", fraction, "must be between 0 and 1")
        records: list[Result] = []
        pooled: dict[str, _Points] = {}
        plots: list[tuple[_Curve, list]] = []
        angular: list[tuple[Path, np.ndarray, Any]] = []
        for f in files:
            curves, tables = _load(f, field_units)
            for c in curves:
                recs, pts, plot = _curve_points(c, fraction, sample, orientation)
                records.extend(recs)
                plots.append((c, plot))
                p = pooled.setdefault(c.channel, _Points())
                for T0, h, e in pts:
                    p.T.append(T0)
                    p.H.append(h)
                    p.err.append(e)
                    p.orientation.append(orientation)
            for orient, arr in tables:
                if orient == "angle":
                    src = {"file": f.name, "channel": "angle"}
                    cmp = compare_angular_models(arr[:, 0], arr[:, 1], sample=sample, source=src)
                    records.extend(cmp.records)
                    angular.append((f, arr, cmp))
                    continue
                o = orientation if orient == "perp" else "par"
                p = pooled.setdefault("", _Points())
                for T0, h in arr:
                    if np.isfinite(T0) and np.isfinite(h):
                        p.T.append(float(T0))
                        p.H.append(float(h))
                        p.err.append(None)
                        p.orientation.append(o)
                        records.append(
                            Result("hc2_T", float(h), unit="T", criterion="from table",
                                   method="table", sample=sample,
                                   source={"file": f.name, "channel": ""},
                                   extra={"temperature_K": float(T0), "orientation": o})
                        )  # fmt: skip
        fits: dict[str, list[Result]] = {}
        for key, p in pooled.items():
            fits[key] = _fit_points(key, p, sample, tc_K)
            records.extend(fits[key])
        if not no_files:
            write_records(records, out / "hc2_records.csv")
            write_records(records, out / "hc2_records.json")
            figs = _figures(out, plots, pooled, fits, fraction)
            figs += [_angular_figure(out, f, arr, cmp) for f, arr, cmp in angular]
        print_records(records, as_json=json_out, title="Hc2 analysis")
        if not json_out and not no_files:
            typer.echo(f"wrote {len(figs)} figure(s) and hc2_records.csv/.json to {out}")
