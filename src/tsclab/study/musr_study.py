"""Virtual study, LE-muSR (figs. S19-S21 of the paper): depth-resolved magnetic volume
fractions of (8,20) across the superconducting transition.

Scenario (inputs, illustrative; the paper's LE-muSR numbers are in its supplement, not
available): four layers — the magnetic TI, an interface region, the FeTe film, the substrate —
with magnetic volume fractions f_l(T). The TI orders below T_Curie (from the loop
calibration), FeTe is antiferromagnetic below its Neel temperature, and the interface region
turns from a partly to a mostly ordered magnetic state where the interface superconducts
(T_c0 of (8,20) from the transport calibration) — the paper's reading of its data.

Pipeline: muon stopping profiles (the documented gamma stand-in for TRIM.SP) -> weak-TF
asymmetry spectra per implantation energy and temperature with counting noise -> wTF fits
(tsclab.musr.fit_wtf) -> an msr2data table (musrfit's own layout) -> read back ->
f_mag(E, T) = 1 - A_para(E, T) / A_para(E, T >> T_c) -> bounded layer-fraction fit per T.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..io import open as open_file
from ..io import write_musrfit_table
from ..musr import fit_layer_fractions, fit_wtf, gamma_profile, layer_weights, wtf_asymmetry
from ..results import Result
from .context import StudyContext, save_figure

__all__ = ["run_musr"]

#: Layer boundaries (nm below the surface): TI | interface region | FeTe | substrate for (8,20)
#: (8 QL ~ 8 nm of TI, 20 UC ~ 12.6 nm of FeTe).
BOUNDARIES_NM = (6.0, 11.0, 20.6)
LAYERS = ("TI", "interface", "FeTe", "substrate")
ENERGIES_KEV = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.5, 8.0, 10.0)
TEMPERATURES_K = (5.0, 8.0, 10.0, 11.0, 12.0, 13.0, 15.0, 18.0, 25.0, 100.0)
#: wTF field (T), full asymmetry, counting noise per time bin.
FIELD_T, A0, NOISE = 0.01, 0.2, 0.004
T_NEEL_K = 60.0
#: Stand-in stopping profile for the dense tellurides (mean depth ~ 2 nm E^1.3, E in keV).
PROFILE = {"mean_depth_1keV_nm": 2.0, "exponent": 1.3, "rel_width": 0.45}


def _layer_fractions(T: float, t_curie: float, tc: float) -> np.ndarray:
    step = lambda t0, w: 0.5 * (1 - np.tanh((T - t0) / w))  # noqa: E731
    return np.array(
        [
            0.6 * step(t_curie, 1.0),
            0.3 * step(t_curie, 1.0) + 0.5 * step(tc, 0.4),
            0.9 * step(T_NEEL_K, 3.0),
            0.0,
        ]
    )


def run_musr(ctx: StudyContext) -> tuple[str, list[str]]:
    """The LE-muSR step of the virtual study."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t_curie = float(ctx.shared.get("t_curie_K", np.nan))
    params = ctx.shared.get("rt_params", {})
    tc = float(params["(8,20)"].tc0_K) if "(8,20)" in params else np.nan
    if not (np.isfinite(t_curie) and np.isfinite(tc)):
        raise RuntimeError("the LE-muSR step needs the transport and magnetism steps first")
    rng = ctx.rng("musr")
    z = np.linspace(0.0, 150.0, 3001)
    weights = layer_weights(
        gamma_profile(z, np.array(ENERGIES_KEV), **PROFILE), list(BOUNDARIES_NM)
    )
    t_us = np.linspace(0.0, 8.0, 400)
    err = np.full(t_us.size, NOISE)
    rows, run = [], 1000
    truth = {}
    for T in TEMPERATURES_K:
        f_l = _layer_fractions(T, t_curie, tc)
        truth[T] = f_l
        for e_i, E in enumerate(ENERGIES_KEV):
            f = float(weights.values[e_i] @ f_l)
            a = wtf_asymmetry(t_us, A0 * (1 - f), 0.1 + 0.5 * f, FIELD_T, 0.2)
            a = a + NOISE * rng.standard_normal(t_us.size)
            rec = {r.quantity: r for r in fit_wtf(t_us, a, err, FIELD_T)}
            ap = rec["a_para"]
            run += 1
            rows.append(
                (
                    run,
                    T,
                    E,
                    ap.value if ap.value is not None else np.nan,
                    ap.stderr if ap.stderr is not None else np.nan,
                    ap.extra.get("reduced_chi2", np.nan),
                )
            )
    r = np.array(rows, dtype=float)
    table = xr.Dataset(
        {
            "temperature_K": ("run", r[:, 1]),
            "temperature_err_K": ("run", np.full(len(r), 0.01)),
            "energy_keV": ("run", r[:, 2]),
            "A_para": ("run", r[:, 3]),
            "A_para_err": ("run", r[:, 4]),
            "CHISQred": ("run", r[:, 5]),
        },
        coords={"run": r[:, 0].astype(int)},
    )
    path = ctx.path("raw", "musr", "msr2data_8_20_wTF.dat")
    write_musrfit_table(table, path)
    back = open_file(path)  # the reader a user's musrfit output takes

    # f_mag(E, T) = 1 - A(E, T) / A(E, T_ref), T_ref the highest temperature
    T_all = back["temperature_K"].values
    E_all = back["energy_keV"].values
    A, dA = back["A_para"].values, back["A_para_pos_err"].values
    t_ref = float(T_all.max())
    out_T, fits = [], []
    for T in sorted(set(np.round(T_all, 3))):
        if T == round(t_ref, 3):
            continue
        f_e, s_e = [], []
        for E in ENERGIES_KEV:
            i = np.flatnonzero((np.round(T_all, 3) == T) & np.isclose(E_all, E))[0]
            j = np.flatnonzero((np.round(T_all, 3) == round(t_ref, 3)) & np.isclose(E_all, E))[0]
            f_e.append(1 - A[i] / A[j])
            s_e.append(np.hypot(dA[i] / A[j], A[i] * dA[j] / A[j] ** 2))
        fit = fit_layer_fractions(np.array(f_e), np.array(s_e), weights)
        out_T.append(T)
        fits.append(fit)
        for layer, name in enumerate(LAYERS):
            v = float(fit["f_layer"].values[layer])
            e = float(fit["f_layer_stderr"].values[layer])
            flags = ("at_bound",) if bool(fit["at_bound"].values[layer]) else ()
            ctx.records.append(
                Result(
                    "magnetic_fraction",
                    v,
                    None if not np.isfinite(e) else e,
                    "",
                    f"layer {name}, T = {T:g} K (wTF, bounded layer fit)",
                    "musr.fit_layer_fractions",
                    "(8,20)",
                    {"file": ctx.rel(path)},
                    flags,
                    {"layer": name, "temperature_K": float(T)},
                )
            )

    fig, ax = plt.subplots(figsize=(5.2, 3.8), layout="constrained")
    for layer, name in enumerate(LAYERS[:3]):
        v = [float(f["f_layer"].values[layer]) for f in fits]
        e = [float(np.nan_to_num(f["f_layer_stderr"].values[layer])) for f in fits]
        ax.errorbar(out_T, v, yerr=e, fmt="o", color=f"C{layer}", label=f"{name} (fit)")
        tt = np.linspace(min(out_T), max(out_T), 200)
        ax.plot(
            tt,
            [_layer_fractions(t, t_curie, tc)[layer] for t in tt],
            "-",
            color=f"C{layer}",
            lw=0.8,
        )
    ax.axvline(tc, color="0.5", ls=":", lw=1)
    ax.text(tc, 1.02, r" $T_{c0}$", color="0.4", fontsize=8)
    ax.set(
        xlabel="temperature (K)",
        ylabel="magnetic volume fraction",
        ylim=(-0.05, 1.1),
        title="(8,20) LE-muSR layer fractions (cf. figs. S19-S21); lines: input",
    )
    ax.legend(fontsize=8)
    png = save_figure(fig, ctx.path("figures", "musr_layer_fractions.png"))
    rep = ctx.report
    rep.add_section(
        "LE-muSR: depth-resolved magnetism (figs. S19-S21)", __doc__.split("\n\n", 1)[1]
    )
    rep.add_figure(
        png,
        "Magnetic volume fractions per layer from the wTF asymmetries read back "
        "from the msr2data table (points) and the scenario input (lines).",
    )
    i_int = LAYERS.index("interface")
    below = [
        float(f["f_layer"].values[i_int]) for t, f in zip(out_T, fits, strict=True) if t < tc - 1
    ]
    above = [
        float(f["f_layer"].values[i_int])
        for t, f in zip(out_T, fits, strict=True)
        if tc + 1 < t < t_curie
    ]
    summary = (
        f"{len(rows)} wTF fits; interface fraction {np.mean(below):.2f} below T_c0 vs "
        f"{np.mean(above):.2f} above"
    )
    return summary, [ctx.rel(path), ctx.rel(png)]
