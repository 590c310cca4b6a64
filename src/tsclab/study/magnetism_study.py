"""Virtual study, magnetism: Hall and RMCD loops of (8,50) (Fig. 2B, 2C) and the MFM domain
sequence of (8,20) at 2.2 K (Fig. 3).

- Hall: the anomalous Hall loop of the ferromagnet, shunted by the superconducting sheet:
  R_yx is scaled by R(T)/R_N of the (8,50) curve of the transport step, so it vanishes in the
  zero-resistance state. Written as a QD .dat field sweep (bridge 2 = R_yx), read back,
  segmented into up/down branches, analyzed (coercive field, anomalous amplitude).
- RMCD: the same loop model seen optically (never shunted); written as two-column text.
- MFM: zero-T random-field Ising domains (disorder, coupling and demagnetization *calibrated*
  to the paper's nucleation, coercive and saturation fields), imaged with a finite-resolution
  tip, written as Nanonis .sxm files, read back, and analyzed with the differential image
  method (M/Ms) and the RMS contrast.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..io import open as open_file
from ..io import read_two_column, segment_sweeps, write_qd_dat, write_sxm
from ..magnetism import (
    LoopModel,
    analyze_loop,
    differential_magnetization,
    hall_loop,
    mfm_images,
    random_fields,
    rfim_upsweep,
    rmcd_loop,
    rms_contrast,
)
from ..report import Comparison
from ..results import Result, atomic_write
from .calibration import calibrate_loop_model, calibrate_rfim
from .context import StudyContext, save_figure

__all__ = ["run_magnetism"]

#: Hall and RMCD temperatures of Fig. 2B/2C (K); a measurement plan, not a result.
HALL_TEMPERATURES_K = (10.0, 12.0, 14.0)
RMCD_TEMPERATURES_K = (2.0, 6.0, 10.0, 12.0, 14.0)


def _shunt(curve: xr.Dataset, temperature_K: float) -> float:
    """R(T)/R_N of a transport curve (R_N: mean resistance 15-20 K)."""
    c = curve.sortby("temperature")
    r_n = float(c.resistance_ohm.sel(temperature=slice(15, 20)).mean())
    r = float(np.interp(temperature_K, c.temperature.values, c.resistance_ohm.values))
    return max(r, 0.0) / r_n


def _crossing_field(field: np.ndarray, m: np.ndarray, level: float) -> float | None:
    above = np.nonzero(m > level)[0]
    if above.size == 0 or above[0] == 0:
        return None
    i = above[0]
    return float(np.interp(level, [m[i - 1], m[i]], [field[i - 1], field[i]]))


def run_magnetism(ctx: StudyContext) -> tuple[str, list[str]]:
    """The magnetism step of the virtual study."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    files: list[str] = []
    rng = ctx.rng("magnetism")
    loop_cal = calibrate_loop_model()
    ctx.calibrations.append(loop_cal)
    ctx.shared["t_curie_K"] = loop_cal.parameters["t_curie_K"]
    model = LoopModel(
        coercive_field_T=loop_cal.parameters["coercive_field_0K_T"],
        width_T=0.006,
        t_curie_K=loop_cal.parameters["t_curie_K"],
    )
    curve = ctx.shared.get("rt_curves", {}).get("(8,50)")
    n_branch = 121 if ctx.quick else 301

    # --- Hall loops (8,50): QD .dat, one field loop per temperature
    hall_rows = []
    hall_plot = []
    for T in HALL_TEMPERATURES_K:
        shunt = 1.0 if curve is None else _shunt(curve, T)
        loop = hall_loop(
            model,
            T,
            r_ah_ohm=40.0,
            r0_ohm_per_T=-20.0,
            max_field_T=0.3,
            n_per_branch=n_branch,
            shunt=shunt,
            noise_ohm=0.05,
            rng=rng,
        )
        field, r_yx = loop["field_T"].values, loop["hall_resistance_ohm"].values
        ds = xr.Dataset(
            {
                "time_s": ("point", np.arange(field.size) * 2.0),
                "temperature_K": (
                    "point",
                    np.full(field.size, T) + rng.normal(0, 2e-3, field.size),
                ),
                "field_T": ("point", field),
                "resistance_ohm": (
                    ("point", "channel"),
                    np.column_stack([np.full(field.size, np.nan), r_yx]),
                ),
            },
            coords={"channel": ["bridge1", "bridge2"]},
        )
        path = ctx.path("raw", "magnetism", f"hall_8_50_{T:g}K.dat")
        write_qd_dat(ds, path)
        files.append(ctx.rel(path))
        back = segment_sweeps(open_file(path), by="field")
        h = back["field_T"].values
        y = back["resistance_ohm"].sel(channel="bridge2").values
        d = back["direction"].values
        keep = np.isin(d, ["up", "down"])
        recs = analyze_loop(
            h[keep],
            y[keep],
            d[keep],
            sample="(8,50)",
            source={"file": ctx.rel(path), "channel": "bridge2"},
            saturation_field_T=0.15,
        )
        ctx.records.extend(recs)
        hc = next(r for r in recs if r.quantity == "coercive_field_T")
        hall_rows.append((T, shunt, hc.value, ", ".join(hc.flags)))
        hall_plot.append((T, h, y))

    # --- RMCD loops (8,50): two-column text (field in T, RMCD signal)
    rmcd_plot, rmcd_hc = [], {}
    for T in RMCD_TEMPERATURES_K:
        loop = rmcd_loop(model, T, max_field_T=0.3, n_per_branch=n_branch, noise=0.01, rng=rng)
        field, sig = loop["field_T"].values, loop["rmcd"].values
        path = ctx.path("raw", "magnetism", f"rmcd_8_50_{T:g}K.txt")
        text = f"# RMCD loop, sample (8,50), T = {T:g} K\n# field_T, rmcd\n" + "".join(
            f"{a:.6f}, {b:.6f}\n" for a, b in zip(field, sig, strict=True)
        )
        atomic_write(path, text)
        files.append(ctx.rel(path))
        back = read_two_column(path, "field", "T", "rmcd", "")
        h = back["field"].values
        y = np.asarray(back["rmcd"].values)
        sw = np.where(np.gradient(h) >= 0, "up", "down")
        recs = analyze_loop(
            h,
            y,
            sw,
            quantity="rmcd",
            unit="",
            sample="(8,50)",
            source={"file": ctx.rel(path)},
            saturation_field_T=0.15,
        )
        ctx.records.extend(recs)
        rmcd_hc[T] = next(r for r in recs if r.quantity == "coercive_field_T").value
        rmcd_plot.append((T, h, y))

    # --- MFM (8,20) at 2.2 K
    cal = calibrate_rfim(L=64 if ctx.quick else 128, seed=ctx.seed)
    ctx.calibrations.append(cal)
    p = cal.parameters
    L = 64 if ctx.quick else 128
    fields = np.round(np.arange(-0.010, 0.1001, 0.004 if ctx.quick else 0.002), 6)
    h_rand = random_fields(L, p["disorder_T"], ctx.rng("mfm"))
    dom = rfim_upsweep(
        h_rand, p["coupling_T"], fields, start_field_T=float(fields[0]), demag_T=p["demag_T"]
    )
    imgs = mfm_images(
        dom.spins,
        pixel_nm=40.0,
        film_thickness_nm=8.0,
        lift_height_nm=40.0,
        contrast_Hz=0.6,
        noise_Hz=0.01,
        rng=rng,
    )
    frames = []
    for i, H in enumerate(fields):
        img = imgs.isel(field=i)
        ds = xr.Dataset(
            {"frequency_shift_Hz": (("y", "x"), img.values, {"units": "Hz"})},
            coords={"x": img.x.values, "y": img.y.values},
            attrs={
                "comment": f"MFM (8,20) 2.2 K, mu0H = {H:+.3f} T",
                "temperature_K": 2.2,
                "bias_mV": 0.0,
            },
        )
        path = ctx.path("raw", "mfm", f"mfm_8_20_{i:03d}.sxm")
        write_sxm(ds, path)
        back = open_file(path)
        var = next(v for v in back.data_vars if "frequency" in v)
        da = back[var]
        if "direction" in da.dims:
            da = da.isel(direction=0)
        frames.append(da.values)
    files.append(ctx.rel(ctx.out / "raw" / "mfm"))  # a folder of one .sxm per field
    stack = xr.DataArray(
        np.asarray(frames),
        dims=("field", "y", "x"),
        coords={"field": fields},
        attrs={"units": "Hz"},
    )
    m_diff = differential_magnetization(stack).values
    rms = rms_contrast(stack).values
    nuc = _crossing_field(fields, m_diff, -0.99)
    hc = _crossing_field(fields, m_diff, 0.0)
    sat = _crossing_field(fields, m_diff, 0.99)
    src = {"file": "raw/mfm/*.sxm", "channel": "frequency shift"}
    for q, v, crit in (
        ("nucleation_field_T", nuc, "M/Ms > -0.99 (0.5 % reversed)"),
        ("coercive_field_T", hc, "M/Ms = 0 (differential image method)"),
        ("saturation_field_T", sat, "M/Ms > 0.99"),
    ):
        rec = Result(
            q,
            v,
            None,
            "T",
            crit,
            "magnetism.differential_magnetization",
            "(8,20)",
            src,
            () if v is not None else ("not_reached",),
        )
        ctx.records.append(rec)
        ctx.comparisons.append(
            Comparison(
                f"{q}(8,20)",
                v,
                None,
                "calibrated",
                "RFIM -> MFM .sxm -> read_sxm -> differential method",
            )
        )
    hc_rms = float(fields[int(np.argmax(rms))])
    ctx.records.append(
        Result(
            "rms_peak_field_T",
            hc_rms,
            None,
            "T",
            "peak of RMS contrast",
            "magnetism.rms_contrast",
            "(8,20)",
            src,
        )
    )

    # --- figures
    figs = []
    fig, ax = plt.subplots(figsize=(5, 3.6), layout="constrained")
    for T, h, y in hall_plot:
        ax.plot(h, y, label=f"{T:g} K")
    ax.set(
        xlabel=r"$\mu_0H$ (T)",
        ylabel=r"$R_{yx}$ ($\Omega$)",
        title="(8,50) Hall loops (cf. Fig. 2B)",
    )
    ax.legend()
    figs.append(
        (
            save_figure(fig, ctx.path("figures", "fig2b_hall.png")),
            "Hall loops: zero in the zero-resistance state, loops above T_c,0.",
        )
    )
    fig, ax = plt.subplots(figsize=(5, 3.6), layout="constrained")
    for k, (T, h, y) in enumerate(rmcd_plot):
        ax.plot(h, y + 2.2 * k, label=f"{T:g} K")
    ax.set(
        xlabel=r"$\mu_0H$ (T)",
        ylabel="RMCD (arb. units, offset)",
        title="(8,50) RMCD loops (cf. Fig. 2C)",
    )
    ax.legend(fontsize=8)
    figs.append(
        (
            save_figure(fig, ctx.path("figures", "fig2c_rmcd.png")),
            "RMCD loops: hysteresis at every temperature, also below T_c,0.",
        )
    )
    # the field-cooled frame, then seven frames from just before nucleation to saturation
    lo = nuc if nuc is not None else fields[0]
    hi = sat if sat is not None else fields[-1]
    picks = np.linspace(lo - 0.002, hi + 0.002, 7)
    show = np.concatenate([[0], np.searchsorted(fields, picks).clip(0, len(fields) - 1)])
    fig, axes = plt.subplots(2, 4, figsize=(9, 4.8), layout="constrained")
    vmax = float(np.max(np.abs(stack.values)))
    for ax, i in zip(axes.ravel(), show, strict=True):
        im = ax.imshow(
            stack.values[i],
            cmap="RdBu_r",
            vmin=-vmax,
            vmax=vmax,
            origin="lower",
            extent=[0, L * 0.04, 0, L * 0.04],
        )
        ax.set_title(f"{fields[i]:+.3f} T", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(im, ax=axes, label=r"$\Delta f$ (Hz)", shrink=0.8)
    fig.suptitle(f"(8,20) MFM at 2.2 K, up sweep (cf. Fig. 3A-H); frames {L * 0.04:.1f} µm wide")
    figs.append(
        (
            save_figure(fig, ctx.path("figures", "fig3_mfm_frames.png")),
            "Simulated MFM frames (red: downward magnetization, blue: upward), read back from "
            "the .sxm files.",
        )
    )
    fig, ax = plt.subplots(figsize=(5, 3.6), layout="constrained")
    ax.plot(fields, m_diff, "o-", ms=3, color="tab:blue", label="M/Ms (differential method)")
    ax.plot(fields, dom.spins.mean(dim=("y", "x")), color="k", lw=0.8, label="M/Ms (true)")
    ax.set(xlabel=r"$\mu_0H$ (T)", ylabel=r"$M/M_s$", title="(8,20) at 2.2 K (cf. Fig. 3I)")
    ax2 = ax.twinx()
    ax2.plot(fields, rms * 1e3, "s-", ms=3, color="tab:red", label="RMS contrast")
    ax2.set_ylabel(r"$\delta f$ RMS (mHz)", color="tab:red")
    ax.legend(loc="upper left", fontsize=8)
    figs.append(
        (
            save_figure(fig, ctx.path("figures", "fig3i_mfm_loop.png")),
            "M/Ms from the differential image method vs the simulation's truth, and the "
            "RMS contrast, which peaks at the coercive field.",
        )
    )

    rep = ctx.report
    rep.add_section("Magnetism: Hall, RMCD and MFM (Figs. 2B, 2C, 3)", __doc__.split("\n\n", 1)[1])
    for f, cap in figs:
        rep.add_figure(f, cap)
    rep.add_table(["T (K)", "R/R_N (shunt)", "Hall coercive field (T)", "flags"], hall_rows)
    rep.add_table(["T (K)", "RMCD coercive field (T)"], sorted(rmcd_hc.items()))
    files += [ctx.rel(f) for f, _ in figs]
    summary = (
        f"MFM: nucleation {nuc and round(nuc, 4)} T, H_c {hc and round(hc, 4)} T, "
        f"saturation {sat and round(sat, 4)} T; Hall H_c at "
        + ", ".join(f"{T:g} K: {'none' if v is None else f'{v:.4f}'}" for T, _, v, _ in hall_rows)
    )
    return summary, files
