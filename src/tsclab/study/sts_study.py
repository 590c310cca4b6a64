"""Virtual study, STS on (m,38): the proximity gap on the top surface vs m at 310 mK, and its
temperature dependence for m = 8 (Fig. 4C-E, figs. S11-S12).

Forward model: Dynes spectra with thermal (Fermi-window) and lock-in broadening. Inputs: the
m = 8 gap from the paper's gap-closing temperature through BCS (*calibrated*), an illustrative
exponential decay of the top-surface gap with m (proximity length ``PROXIMITY_LENGTH_QL``; the
paper's Fig. 4D values are not stated in its text), Dynes broadening ``GAMMA_MEV``. Spectra are
written as Nanonis bias-spectroscopy .dat files (two sweeps, forward and backward), and a small
gap map as a Nanonis .3ds grid; they are read back with the loader of ``tsclab analyze sts``
and fitted (single spectra: lmfit Dynes model; map: batched fitter). The Delta(T) fit returns
the gap-closing temperature.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..io import write_3ds, write_nanonis_spectrum
from ..report import Comparison
from ..superconductivity.bcs import bcs_gap_meV, fit_bcs_gap
from ..superconductivity.dynes import normalize_conductance, tunneling_conductance
from ..superconductivity.gapmap import fit_gap_map
from ..superconductivity.sts_fit import fit_spectrum
from ..superconductivity.sts_load import load_spectra
from .calibration import calibrate_sts
from .context import StudyContext, save_figure
from .samples import SERIES

__all__ = ["run_sts"]

#: Illustrative proximity length of the top-surface gap, QL (input, not a fit).
PROXIMITY_LENGTH_QL = 5.0
#: Dynes broadening of the simulated spectra, meV (input).
GAMMA_MEV = 0.08
#: Lock-in modulation (zero-to-peak, as Nanonis states it), mV.
MODULATION_MV = 0.05
#: Normal-state conductance, nS (setpoint 10 mV / 300 pA -> 30 nS).
G_N_NS = 30.0
#: Temperatures of the Delta(T) series of m = 8, K.
DELTA_T_TEMPERATURES_K = (0.31, 1.0, 2.0, 3.0, 4.0, 4.5, 5.0, 5.5, 6.0, 6.3)


def _spectrum_dataset(bias, didv_sweeps, temperature_K):
    arr = np.asarray(didv_sweeps)  # (direction, bias)
    return xr.Dataset(
        {"didv": (("bias", "direction"), arr.T * 1e-9, {"units": "S"})},
        coords={"bias": ("bias", bias, {"units": "mV"}), "direction": ["fwd", "bwd"]},
        attrs={
            "temperature_K": temperature_K,
            "modulation_mV": MODULATION_MV,
            "modulation_frequency_Hz": 973.0,
            "setpoint_bias_mV": 10.0,
            "setpoint_current_A": 3e-10,
        },
    )


def _measure(ctx, rng, name, delta, temperature_K, bias):
    """Simulate one spectrum (two sweeps), write it, read it back, fit it."""
    g = tunneling_conductance(
        bias,
        delta,
        GAMMA_MEV,
        temperature_K,
        modulation_rms_mV=MODULATION_MV / np.sqrt(2),
        scale=G_N_NS,
    )
    sweeps = [g + 0.02 * G_N_NS * rng.standard_normal(g.size) for _ in range(2)]  # additive noise
    path = ctx.path("raw", "sts", f"{name}.dat")
    write_nanonis_spectrum(_spectrum_dataset(bias, sweeps, temperature_K), path)
    sp = load_spectra(path)[0]
    y, _ = normalize_conductance(sp.bias_mV, sp.didv)
    return path, sp, y


def run_sts(ctx: StudyContext) -> tuple[str, list[str]]:
    """The STS step of the virtual study."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cal = calibrate_sts()
    ctx.calibrations.append(cal)
    delta8 = cal.parameters["delta_top_m8_meV"]
    T0 = cal.parameters["temperature_K"]
    rng = ctx.rng("sts")
    bias = np.linspace(-10.0, 10.0, 201 if ctx.quick else 401)
    files, rows, curves = [], [], []
    m_fit, d_fit, d_err, d_true = [], [], [], []
    for s in SERIES["fig4_sts"]:
        delta = delta8 * np.exp(-(s.m - 8) / PROXIMITY_LENGTH_QL)
        path, sp, y = _measure(ctx, rng, f"sts_m{s.m}_T{T0:g}K", delta, T0, bias)
        files.append(ctx.rel(path))
        fit = fit_spectrum(
            sp.bias_mV,
            y,
            temperature_K=sp.temperature_K,
            modulation_rms_mV=sp.modulation_rms_mV or 0.0,
            sample=s.label,
            source={"file": ctx.rel(path), "channel": "didv"},
        )
        ctx.records.extend(fit.records)
        rec = {r.quantity: r for r in fit.records}
        dr = rec.get("delta_meV")
        m_fit.append(s.m)
        d_true.append(delta)
        d_fit.append(np.nan if dr is None or dr.value is None else dr.value)
        d_err.append(np.nan if dr is None or dr.stderr is None else dr.stderr)
        rows.append(
            (
                s.label,
                round(delta, 4),
                dr.value if dr else None,
                dr.stderr if dr else None,
                ", ".join(dr.flags) if dr else "no record",
            )
        )
        curves.append((s.m, sp.bias_mV, y))

    # Delta(T) of m = 8
    t_vals, dt_fit, dt_err, dt_curves = [], [], [], []
    for T in DELTA_T_TEMPERATURES_K:
        delta = float(bcs_gap_meV(T, cal.parameters["tc_top_K"]))
        path, sp, y = _measure(ctx, rng, f"sts_m8_T{T:g}K", max(delta, 0.0), T, bias)
        files.append(ctx.rel(path))
        fit = fit_spectrum(
            sp.bias_mV,
            y,
            temperature_K=sp.temperature_K,
            modulation_rms_mV=sp.modulation_rms_mV or 0.0,
            sample="(8,38)",
            source={"file": ctx.rel(path), "channel": "didv"},
        )
        dr = {r.quantity: r for r in fit.records}.get("delta_meV")
        if dr is not None and dr.value is not None and "fit_failed" not in dr.flags:
            t_vals.append(T)
            dt_fit.append(dr.value)
            dt_err.append(dr.stderr if dr.stderr else 0.02)
        dt_curves.append((T, sp.bias_mV, y))
    bcs = fit_bcs_gap(
        np.array(t_vals),
        np.array(dt_fit),
        np.array(dt_err),
        sample="(8,38)",
        source={"file": "raw/sts/sts_m8_T*.dat"},
    )
    ctx.records.extend(bcs)
    tc_rec = next(r for r in bcs if r.quantity == "tc_K")
    ctx.comparisons.append(
        Comparison(
            "gap_closing_K(8,38)",
            tc_rec.value,
            tc_rec.stderr,
            "calibrated",
            "BCS Delta(T) fit of Dynes gaps from .dat",
        )
    )

    # a small gap map of m = 8 (homogeneous gap with 3 % spatial scatter), Nanonis .3ds
    nx = 8 if ctx.quick else 16
    dmap = delta8 * (1 + 0.03 * rng.standard_normal((nx, nx)))
    g = np.stack(
        [tunneling_conductance(bias, d, GAMMA_MEV, T0, scale=G_N_NS) for d in dmap.ravel()]
    )
    g = g.reshape(nx, nx, -1) + 0.02 * G_N_NS * rng.standard_normal((nx, nx, bias.size))
    grid = xr.Dataset(
        {"didv": (("y", "x", "bias"), g * 1e-9, {"units": "S"})},
        coords={
            "x": np.arange(nx) * 2.0,
            "y": np.arange(nx) * 2.0,
            "bias": ("bias", bias, {"units": "mV"}),
        },
        attrs={"temperature_K": T0, "modulation_mV": 0.0},
    )
    gpath = ctx.path("raw", "sts", "gapmap_m8.3ds")
    write_3ds(grid, gpath)
    files.append(ctx.rel(gpath))
    sp = load_spectra(gpath)[0]
    gm = fit_gap_map(sp.didv, temperature_K=sp.temperature_K or T0)
    dm = gm["delta_meV"].values
    ok = np.isfinite(dm)

    # figures
    figs = []
    fig, ax = plt.subplots(figsize=(5, 4), layout="constrained")
    for k, (m, b, y) in enumerate(curves):
        ax.plot(b, y + 0.5 * k, lw=1, label=f"m = {m}")
    ax.set(
        xlabel="sample bias (mV)",
        ylabel="dI/dV / G_N (offset)",
        xlim=(-6, 6),
        title=f"(m,38) spectra at {T0:g} K (cf. Fig. 4C)",
    )
    ax.legend(fontsize=7, ncol=2)
    figs.append(
        (
            save_figure(fig, ctx.path("figures", "fig4c_sts_vs_m.png")),
            "Normalized dI/dV of the (m,38) series, read back from Nanonis .dat files.",
        )
    )
    fig, ax = plt.subplots(figsize=(5, 3.8), layout="constrained")
    ax.errorbar(m_fit, d_fit, yerr=d_err, fmt="o", label="Dynes fit")
    ax.plot(m_fit, d_true, "k--", lw=1, label="input")
    ax.set(
        xlabel="TI thickness m (QL)",
        ylabel=r"$\Delta$ (meV)",
        yscale="log",
        title="Top-surface gap vs m (cf. Fig. 4D)",
    )
    ax.legend()
    figs.append(
        (
            save_figure(fig, ctx.path("figures", "fig4d_gap_vs_m.png")),
            "Gap from the Dynes fits vs the forward-model input.",
        )
    )
    fig, ax = plt.subplots(figsize=(5, 3.8), layout="constrained")
    ax.errorbar(t_vals, dt_fit, yerr=dt_err, fmt="o", label="Dynes fits")
    tt = np.linspace(0, cal.parameters["tc_top_K"] * 1.1, 200)
    if tc_rec.value:
        ax.plot(
            tt,
            bcs_gap_meV(tt, tc_rec.value)
            * (
                next(r for r in bcs if r.quantity == "delta0_meV").value
                / bcs_gap_meV(0, tc_rec.value)
            ),
            "k-",
            label=f"BCS fit, closes at {tc_rec.value:.2f} K",
        )
    ax.set(xlabel="temperature (K)", ylabel=r"$\Delta$ (meV)", title="m = 8 (cf. Fig. 4E)")
    ax.legend()
    figs.append(
        (
            save_figure(fig, ctx.path("figures", "fig4e_gap_vs_T.png")),
            "Gap vs temperature of m = 8 with the BCS fit.",
        )
    )
    fig, ax = plt.subplots(figsize=(4.4, 3.8), layout="constrained")
    im = ax.imshow(dm, origin="lower", cmap="viridis", extent=[0, 2 * nx, 0, 2 * nx])
    fig.colorbar(im, ax=ax, label=r"$\Delta$ (meV)")
    ax.set(xlabel="x (nm)", ylabel="y (nm)", title="m = 8 gap map (.3ds, batched fit)")
    figs.append(
        (
            save_figure(fig, ctx.path("figures", "sts_gapmap_m8.png")),
            f"Gap map: {ok.sum()} of {dm.size} pixels fitted; mean "
            f"{np.nanmean(dm):.3f} meV, spread {np.nanstd(dm):.3f} meV (input spread "
            f"{np.std(dmap):.3f} meV).",
        )
    )

    rep = ctx.report
    rep.add_section("STS: proximity gap on the top surface (Fig. 4)", __doc__.split("\n\n", 1)[1])
    for f, cap in figs:
        rep.add_figure(f, cap)
    rep.add_table(["sample", "input Delta (meV)", "fitted Delta (meV)", "stderr", "flags"], rows)
    rep.add_records(bcs)
    files += [ctx.rel(f) for f, _ in figs]
    summary = (
        f"Delta(m) fitted for {np.isfinite(d_fit).sum()} of {len(d_fit)} samples; "
        f"gap closes at {tc_rec.value and round(tc_rec.value, 2)} K; map "
        f"{ok.sum()}/{dm.size} pixels"
    )
    return summary, files
