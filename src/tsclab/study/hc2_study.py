"""Virtual study, upper critical field of (8,38) (figs. S16-S18 of the paper).

Round trip: R(H) sweeps near T_c for the field perpendicular (angle 0) and parallel (angle
90 deg) to the film, from the 2D GL forms with the paper's xi_GL and d_sc as *inputs*, are
written as one QD .dat file, read back, segmented into temperature set points and field
branches, reduced to H_c2(T) at 50 % of R_N, and fitted with 2D GL (xi_GL, d_sc) — the
recovered inputs test the pipeline only.

Computed physics: the dirty-limit WHH orbital field from the GL slope, the Pauli limit and
Maki parameter, the WHH H_c2 at 1.5 K without spin-orbit scattering, and the spin-orbit
scattering lambda_so that WHH needs to reach the H_c2 the paper measures at 1.5 K.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..io import open as open_file
from ..io import segment_sweeps, write_qd_dat
from ..report import Comparison
from ..results import Result
from ..superconductivity.hc2 import (
    fit_gl_2d,
    hc2_from_field_sweep,
    hc2_orbital_whh_T,
    hc2_par_gl,
    hc2_perp_gl,
    maki_alpha,
    pauli_limit_T,
    resistance_vs_field_ohm,
    whh_hc2_T,
)
from .calibration import calibrate_gl_inputs, calibrate_spin_orbit
from .context import StudyContext, save_figure

__all__ = ["run_hc2"]

#: Measurement plan (reduced temperatures t = T/T_c of the R(H) sweeps; PPMS 14 T magnet).
T_REDUCED_PERP = (0.90, 0.92, 0.94, 0.96, 0.98)
T_REDUCED_PAR = (0.965, 0.975, 0.985, 0.992)
MAX_FIELD_T = 14.0


def run_hc2(ctx: StudyContext) -> tuple[str, list[str]]:
    """The H_c2 step of the virtual study."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cal = calibrate_gl_inputs()
    ctx.calibrations.append(cal)
    xi, d, tc = (cal.parameters[k] for k in ("xi_gl_nm", "d_sc_nm", "tc_K"))
    rng = ctx.rng("hc2")
    n = 161 if ctx.quick else 401
    rows = []
    for angle, t_list, law in (
        (0.0, T_REDUCED_PERP, lambda T: hc2_perp_gl(T, xi, tc)),
        (90.0, T_REDUCED_PAR, lambda T: hc2_par_gl(T, xi, d, tc)),
    ):
        for t in t_list:
            T = t * tc
            hc2 = float(law(T))
            H = np.concatenate([np.linspace(MAX_FIELD_T, -MAX_FIELD_T, n)])
            R = resistance_vs_field_ohm(H, hc2, 0.03 * hc2 + 0.05, 250.0, rng=rng, noise_ohm=0.2)
            rows.append((np.full(n, T) + rng.normal(0, 2e-3, n), H, np.full(n, angle), R))
    T_all, H_all, A_all, R_all = (np.concatenate(c) for c in zip(*rows, strict=True))
    ds = xr.Dataset(
        {
            "time_s": ("point", np.arange(T_all.size) * 1.0),
            "temperature_K": ("point", T_all),
            "field_T": ("point", H_all),
            "angle_deg": ("point", A_all),
            "resistance_ohm": (("point", "channel"), R_all[:, None]),
        },
        coords={"channel": ["bridge1"]},
    )
    path = ctx.path("raw", "hc2", "hc2_8_38_RH.dat")
    write_qd_dat(ds, path)
    back = segment_sweeps(open_file(path), by="field")
    pts = {0.0: [], 90.0: []}
    for k in np.unique(back["sweep"].values):
        sel = back.where(back["sweep"] == k, drop=True)
        if str(sel["direction"].values[0]) not in ("up", "down") or sel.sizes["point"] < 20:
            continue
        angle = round(float(np.median(sel["angle_deg"])) / 90.0) * 90.0
        T = float(np.median(sel["temperature_K"]))
        recs = hc2_from_field_sweep(
            sel["field_T"].values,
            sel["resistance_ohm"].sel(channel="bridge1").values,
            temperature_K=T,
            sample="(8,38)",
            source={"file": ctx.rel(path), "channel": "bridge1", "sweep": f"{k}"},
        )
        vals = [r.value for r in recs if r.value is not None]
        if vals:
            pts[angle].append((T, float(np.mean(vals))))
    perp = np.array(sorted(pts[0.0]))
    par = np.array(sorted(pts[90.0]))
    fit = fit_gl_2d(
        perp[:, 0],
        perp[:, 1],
        par[:, 0],
        par[:, 1],
        sample="(8,38)",
        source={"file": ctx.rel(path)},
    )
    ctx.records.extend(fit.records)
    for r in fit.records:
        if r.quantity in ("xi_gl_nm", "d_sc_nm"):
            ctx.comparisons.append(
                Comparison(
                    f"{r.quantity}(8,38)",
                    r.value,
                    r.stderr,
                    "input",
                    "GL R(H) -> QD .dat -> H_c2(T) -> fit_gl_2d",
                )
            )

    # --- computed physics
    tc_fit = fit.tc_K or tc
    slope = -float(hc2_perp_gl(0.0, fit.xi_gl_nm, tc_fit)) / tc_fit  # dH/dT at T_c, T/K
    h_orb = hc2_orbital_whh_T(tc_fit, slope)
    h_p = pauli_limit_T(tc_fit)
    alpha = maki_alpha(h_orb, h_p)
    so = calibrate_spin_orbit(tc_fit, slope, alpha)
    ctx.calibrations.append(so)
    low_t = so.extra["temperature_K"]
    lam_so = so.extra["lambda_so"]
    h_whh_low = float(whh_hc2_T(low_t, tc_fit, slope, alpha=alpha, lambda_so=0.0))
    src = {"file": ctx.rel(path)}
    new = [
        Result(
            "hc2_orbital_whh_T",
            h_orb,
            None,
            "T",
            "0.69 T_c |dHc2perp/dT| (dirty WHH)",
            "superconductivity.hc2_orbital_whh_T",
            "(8,38)",
            src,
        ),
        Result(
            "pauli_limit_T",
            h_p,
            None,
            "T",
            "1.84 T/K x T_c",
            "superconductivity.pauli_limit_T",
            "",
            src,
        ),
        Result(
            "maki_alpha",
            alpha,
            None,
            "",
            "sqrt(2) H_orb / H_P",
            "superconductivity.maki_alpha",
            "(8,38)",
            src,
        ),
        Result(
            "hc2_T",
            h_whh_low,
            None,
            "T",
            f"WHH at {low_t} K, lambda_so = 0",
            "superconductivity.whh_hc2_T",
            "(8,38)",
            src,
            ("pauli_limited_prediction",),
        ),
        Result(
            "lambda_so_needed",
            lam_so,
            None,
            "",
            f"WHH lambda_so that reaches the paper's H_c2 at {low_t} K",
            "superconductivity.whh_hc2_T",
            "(8,38)",
            src,
            () if lam_so is not None else ("not_reachable",),
        ),
    ]
    ctx.records.extend(new)
    ctx.comparisons.append(
        Comparison("pauli_limit_T", h_p, None, "calibrated", "1.84 T/K x T_c of the GL fit")
    )
    ctx.comparisons.append(
        Comparison(
            "hc2_T",
            h_whh_low,
            None,
            "computed",
            f"WHH (dirty, Pauli, no spin-orbit) at {low_t} K",
        )
    )

    # --- figure
    fig, ax = plt.subplots(figsize=(5.2, 3.8), layout="constrained")
    tt = np.linspace(0.85 * tc_fit, tc_fit, 100)
    ax.plot(perp[:, 0], perp[:, 1], "o", label=r"$H \perp$ film (from R(H))")
    ax.plot(par[:, 0], par[:, 1], "s", label=r"$H \parallel$ film (from R(H))")
    ax.plot(
        tt,
        hc2_perp_gl(tt, fit.xi_gl_nm, tc_fit),
        "-",
        color="C0",
        label=rf"2D GL $\xi$ = {fit.xi_gl_nm:.2f} nm",
    )
    if fit.d_sc_nm:
        ax.plot(
            tt,
            hc2_par_gl(tt, fit.xi_gl_nm, fit.d_sc_nm, tc_fit),
            "-",
            color="C1",
            label=rf"2D GL $d_{{sc}}$ = {fit.d_sc_nm:.1f} nm",
        )
    ax.set(
        xlabel="temperature (K)",
        ylabel=r"$\mu_0 H_{c2}$ (T)",
        ylim=(0, MAX_FIELD_T),
        title="(8,38) H_c2 near T_c (cf. fig. S17)",
    )
    ax.legend(fontsize=8)
    fpath = save_figure(fig, ctx.path("figures", "hc2_gl_8_38.png"))
    rep = ctx.report
    rep.add_section("Upper critical field (figs. S16-S18)", __doc__.split("\n\n", 1)[1])
    rep.add_figure(fpath, "H_c2(T) extracted from the simulated R(H) sweeps, with 2D GL fits.")
    rep.add_records(fit.records + new)
    summary = (
        f"xi_GL {fit.xi_gl_nm:.2f} nm, d_sc {fit.d_sc_nm:.1f} nm; WHH({low_t:g} K, no SO) "
        f"{h_whh_low:.1f} T vs H_P {h_p:.1f} T; lambda_so needed "
        f"{'n/a' if lam_so is None else f'{lam_so:.1f}'}"
    )
    return summary, [ctx.rel(path), ctx.rel(fpath)]
