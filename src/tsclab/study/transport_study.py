"""Virtual study, transport: R(T) of the (m,20) and (8,n) series and of (8,50) (Figs. 1D, 1E,
2A). Simulate -> write QD .dat -> read back -> T_c criteria and phase classification.

Model inputs: the interface transitions of the four samples whose T_c,onset and T_c,0 the
paper states are *calibrated* (:func:`tsclab.study.calibration.calibrate_rt`); (2,20) and
(4,20) interpolate between (1,20) and (8,20) with an illustrative saturating law in m
(T_c,0 "saturates for m >= 4", the paper says, but gives no numbers); the other (8,n) samples
take the (8,20) interface with the FeTe-thickness law of :class:`tsclab.transport.ThicknessLaw`,
whose transition points are illustrative inputs. Their classification is therefore a check of
the pipeline, not a prediction.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import xarray as xr

from ..io import open as open_file
from ..io import write_qd_dat
from ..report import Comparison
from ..transport import (
    RTModelParams,
    analyze_rt,
    classify_rt,
    params_for_thickness,
    sheet_resistance_ohm,
)
from .calibration import RT_CRITERIA, calibrate_rt
from .context import StudyContext, save_figure
from .samples import SERIES

__all__ = ["cooling_temperatures", "run_transport", "sample_rt_params"]

#: Illustrative m scale (QL) of the saturation of the interface transition with TI thickness.
M_SATURATION_QL = 1.0


def cooling_temperatures(quick: bool) -> np.ndarray:
    """A PPMS-like cooling sweep 300 K -> 1.8 K, dense through the transition."""
    step = 0.05 if not quick else 0.1
    return np.concatenate(
        [
            np.linspace(300.0, 25.0, 276 if not quick else 56, endpoint=False),
            np.arange(25.0, 1.8 - 1e-9, -step),
        ]
    )


def sample_rt_params(cals: dict) -> dict[str, RTModelParams]:
    """Model inputs of every sample of the transport series (see module docstring)."""
    p1, p8 = cals["(1,20)"].extra["params"], cals["(8,20)"].extra["params"]
    out: dict[str, RTModelParams] = {k: c.extra["params"] for k, c in cals.items()}
    for s in SERIES["fig1d_m_series"]:
        if s.label in out:
            continue
        w = math.exp(-(s.m - 1) / M_SATURATION_QL)
        out[s.label] = replace(
            p8,
            tc0_K=p8.tc0_K + w * (p1.tc0_K - p8.tc0_K),
            t_bkt_K=p8.t_bkt_K + w * (p1.t_bkt_K - p8.t_bkt_K),
        )
    for s in SERIES["fig1e_n_series"]:
        if s.label not in out:
            out[s.label] = replace(
                params_for_thickness(s.n),
                tc0_K=p8.tc0_K,
                sigma_tc_K=p8.sigma_tc_K,
                t_bkt_K=p8.t_bkt_K,
            )
    return out


def _role(label: str, cals: dict) -> str:
    return "calibrated" if label in cals else "computed"


def run_transport(ctx: StudyContext):
    """The transport step of the virtual study; returns a summary line and the files."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sharp = calibrate_rt("(8,50)", 50)
    sigma = sharp.parameters["sigma_tc_K"]
    cals = {"(8,50)": sharp}
    for label, n in (("(1,20)", 20), ("(8,20)", 20), ("(8,18)", 18)):
        cals[label] = calibrate_rt(label, n, sigma_tc_K=sigma)
    ctx.calibrations.extend(cals.values())
    params = sample_rt_params(cals)
    rng = ctx.rng("transport")
    T = cooling_temperatures(ctx.quick)
    curves: dict[str, xr.Dataset] = {}
    classes = {}
    files = []
    for label, p in params.items():
        R = sheet_resistance_ohm(T, p, rng=rng, noise_ohm=0.02, noise_fraction=5e-4)
        R = np.clip(R, -0.1, None)
        ds = xr.Dataset(
            {
                "time_s": ("point", np.arange(T.size) * 6.0),
                "temperature_K": ("point", T),
                "field_T": ("point", np.zeros(T.size)),
                "resistance_ohm": (("point", "channel"), R[:, None]),
            },
            coords={"channel": ["bridge1"]},
        )
        path = ctx.path("raw", "transport", f"rt_{label.strip('()').replace(',', '_')}.dat")
        write_qd_dat(ds, path)
        files.append(ctx.rel(path))
        back = open_file(path)  # the same reader a user's file takes
        t_b = back["temperature_K"].values
        r_b = back["resistance_ohm"].sel(channel="bridge1").values
        curves[label] = xr.Dataset(
            {"resistance_ohm": ("temperature", r_b)}, coords={"temperature": t_b}
        )
        source = {"file": ctx.rel(path), "channel": "bridge1"}
        recs = analyze_rt(t_b, r_b, sample=label, source=source, **RT_CRITERIA)
        ctx.records.extend(recs)
        cls = classify_rt(t_b, r_b, **RT_CRITERIA)
        classes[label] = cls
        for r in recs:
            key = f"{r.quantity}{label}"
            if r.quantity in ("tc_onset_K", "tc_0_K"):  # the report keeps the paper's ones
                ctx.comparisons.append(
                    Comparison(
                        key,
                        r.value,
                        r.stderr,
                        _role(label, cals),
                        "R(T) -> QD .dat -> read_qd_dat -> tc_criteria",
                    )
                )

    ctx.shared["rt_curves"] = curves
    ctx.shared["rt_classes"] = classes
    ctx.shared["rt_params"] = params

    # Figures 1D, 1E, 2A analogues
    figs = []
    fig, ax = plt.subplots(figsize=(5.2, 3.8), layout="constrained")
    for s in SERIES["fig1d_m_series"]:
        c = curves[s.label].sortby("temperature").sel(temperature=slice(0, 20))
        ax.plot(c.temperature, c.resistance_ohm, label=f"m = {s.m}")
    ax.set(
        xlabel="temperature (K)",
        ylabel=r"sheet resistance R ($\Omega$/sq)",
        title="(m,20) series (cf. Fig. 1D)",
    )
    ax.legend()
    figs.append(save_figure(fig, ctx.path("figures", "fig1d_rt_m_series.png")))

    fig, ax = plt.subplots(figsize=(5.2, 3.8), layout="constrained")
    for s in SERIES["fig1e_n_series"]:
        c = curves[s.label].sortby("temperature").sel(temperature=slice(0, 25))
        ax.semilogy(
            c.temperature,
            np.clip(c.resistance_ohm, 1e-1, None),
            label=f"n = {s.n} ({classes[s.label].phase.replace('_', ' ')})",
        )
    ax.set(
        xlabel="temperature (K)",
        ylabel=r"sheet resistance R ($\Omega$/sq)",
        title="(8,n) series (cf. Fig. 1E); legend: tsclab classification",
    )
    ax.legend(fontsize=7)
    figs.append(save_figure(fig, ctx.path("figures", "fig1e_rt_n_series.png")))

    fig, ax = plt.subplots(figsize=(5.2, 3.8), layout="constrained")
    c = curves["(8,50)"].sortby("temperature")
    ax.plot(c.temperature, c.resistance_ohm, color="k")
    ax.set(
        xlabel="temperature (K)",
        ylabel=r"sheet resistance R ($\Omega$/sq)",
        title="(8,50) from 300 K (cf. Fig. 2A)",
    )
    figs.append(save_figure(fig, ctx.path("figures", "fig2a_rt_8_50.png")))

    rep = ctx.report
    rep.add_section(
        "Transport: R(T) and T_c (Figs. 1D, 1E, 2A)",
        __doc__.split("\n\n", 1)[1] if __doc__ else "",
    )
    for f, cap in zip(
        figs,
        (
            "(m,20) series, 2-20 K.",
            "(8,n) series with the phase each curve is classified as.",
            "(8,50), 300 K to 1.8 K.",
        ),
        strict=True,
    ):
        rep.add_figure(f, cap)
    rep.add_table(
        ["sample", "phase (tsclab)", "T_c,onset (K)", "T_c,0 (K)", "R(T_min)/R_N", "evidence"],
        [
            (
                k,
                v.phase,
                _fmt(v.tc_onset_K),
                _fmt(v.tc_0_K),
                _fmt(v.residual_ratio),
                ", ".join(v.flags),
            )
            for k, v in sorted(classes.items(), key=lambda kv: _key(kv[0]))
        ],
    )
    summary = ", ".join(
        f"{k}: {v.phase}" for k, v in sorted(classes.items(), key=lambda kv: _key(kv[0]))
    )
    return summary, files + [ctx.rel(f) for f in figs], curves


def _key(label: str) -> tuple[int, int]:
    m, n = label.strip("()").split(",")
    return int(m), int(n)


def _fmt(v) -> str:
    return "undefined" if v is None else f"{v:.3g}"
