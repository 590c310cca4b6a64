"""Virtual study, theory: the topological phase diagram of the magnetic-TI film with interface
pairing (cf. fig. S24), chiral Majorana edge modes, and the proximity gap on the top surface vs
thickness with and without band bending (cf. figs. S22-S23).

- Two-surface model (lattice-regularized; A = B = 1, m0 = 0.2 eV, pairing only at the bottom,
  FeTe, surface, Delta_b = 0.1 eV; model units): BdG Chern number N over (lambda, mu) from
  gap closings plus FHS, with the analytic k = 0 boundaries.
- A ribbon in the N = -1 window shows one chiral Majorana branch per edge, of opposite
  chirality on the two edges.
- Thin film (4-band model, one site per QL): the top-surface gap vs m for an s-wave pairing on
  the interface QL, without and with an asymmetric (band-bending) potential, for the verified
  Bi2Se3 set of Zhang et al. (2009) with mu 0.1 eV above C (in the bulk gap, crossing the
  surface state). The (Bi,Sb)2Te3 sets are unverified (PHYSICS.md §1.2) and the paper's own
  theory parameters are not available, so this shows the mechanism, not the paper's numbers:
  band bending (-V at FeTe, +V at the top) lengthens the proximity decay here.
- An ARPES-like map of an 8 QL film at room temperature, with the Dirac point and velocity
  fitted from MDC peaks.
"""

from __future__ import annotations

import numpy as np

from ..io import write_netcdf
from ..models import ThinFilmModel, critical_exchange, get_material, make_model
from ..proximity import induced_gap_vs_thickness
from ..results import Result
from ..spectra import arpes_map, fit_dirac_dispersion
from ..topology import chern_number, hall_conductance_S, phase_diagram, ribbon_spectrum
from ..topology.plotting import plot_phase_diagram, plot_ribbon
from ..units import H_OVER_E2_OHM
from .context import StudyContext, save_figure

__all__ = ["run_theory"]

TWO_SURFACE = {"A": 1.0, "B": 1.0, "m0": 0.2, "V": 0.0, "delta_t": 0.0, "delta_b": 0.1}
FILM = {"material": "Bi2Se3-NP09", "delta0": 0.01, "mu_above_C_eV": 0.1, "V_eV": (0.0, 0.05)}


def run_theory(ctx: StudyContext) -> tuple[str, list[str]]:
    """The theory step of the virtual study."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    files = []
    base = make_model("two-surface", **TWO_SURFACE)
    n_grid = 24 if ctx.quick else 64
    lam = np.linspace(0.0, 0.6, n_grid)
    mu = np.linspace(-0.3, 0.3, n_grid)
    pd = phase_diagram(base, ("lam", lam), ("mu", mu), nk=48)
    nc = write_netcdf(pd, ctx.path("results", "phase_diagram_two_surface.nc"))
    lo, hi = critical_exchange(base.m0, base.V, mu, base.delta_t, base.delta_b)
    png = plot_phase_diagram(
        pd,
        ctx.path("figures", "theory_phase_diagram.png"),
        boundaries=[
            (lo, mu, r"analytic $\lambda_{c,-}$ (k = 0)"),
            (hi, mu, r"analytic $\lambda_{c,+}$ (k = 0)"),
        ],
    )
    files += [ctx.rel(nc), ctx.rel(png)]

    # one point per phase at mu = 0, with its gap (FHS on a 120 x 120 mesh)
    lo0, hi0 = critical_exchange(base.m0, base.V, 0.0, base.delta_t, base.delta_b)
    lam_pts = {0: 0.5 * float(lo0), -1: 0.5 * float(lo0 + hi0), -2: float(hi0) + 0.05}
    rows = []
    for expected, lam0 in lam_pts.items():  # expected N: analytic k = 0 closings
        r = chern_number(base.with_params(lam=lam0, mu=0.0), nk=120)
        rows.append((round(lam0, 4), expected, r.N, r.min_gap, r.resolved))
        ctx.records.append(
            Result(
                "chern_N",
                r.N,
                None,
                "",
                "FHS, 120 x 120 mesh, negative-energy BdG bands",
                "topology.chern_number",
                "two-surface",
                {"file": ctx.rel(nc)},
                () if r.resolved else ("unresolved",),
                {"lam_eV": lam0, "min_gap_eV": r.min_gap},
            )
        )

    # ribbon in the N = -1 window
    # k window around the gap minimum at kx = 0, where the chiral branches cross the gap
    rib = ribbon_spectrum(
        base.with_params(lam=lam_pts[-1]),
        width=100,
        nk=101 if ctx.quick else 201,
        kx_max=0.3,
        energy_window=0.2,
    )
    rpng = plot_ribbon(rib, ctx.path("figures", "theory_ribbon.png"))
    rnc = write_netcdf(rib, ctx.path("results", "ribbon_two_surface.nc"))
    files += [ctx.rel(rnc), ctx.rel(rpng)]
    lower, upper = int(rib.attrs["edge_modes_lower"]), int(rib.attrs["edge_modes_upper"])

    # thin film: top-surface gap vs m, without and with band bending
    mat = get_material(FILM["material"])
    film = ThinFilmModel(material=mat, delta0=FILM["delta0"], mu=mat.C + FILM["mu_above_C_eV"])
    m_values = [1, 2, 3, 4, 6, 8, 10] if ctx.quick else list(range(1, 11))
    ig = induced_gap_vs_thickness(
        film,
        m_values,
        V_values=list(FILM["V_eV"]),
        k_max_invA=0.12,
        n_coarse=200 if ctx.quick else 400,
    )
    inc = write_netcdf(ig, ctx.path("results", "induced_gap_vs_m.nc"))
    fig, ax = plt.subplots(figsize=(5, 3.8), layout="constrained")
    for v in ig["V"].values:
        g = ig.sel(V=v)
        ok = g["defined"].values & (g["gap_meV"].values > 0)
        ax.semilogy(
            g["m"].values[ok],
            g["gap_meV"].values[ok],
            "o-",
            label=f"V = {v * 1e3:.0f} meV" + (" (no band bending)" if v == 0 else ""),
        )
    ax.set(
        xlabel="TI thickness m (QL)",
        ylabel=r"top-surface gap $\Delta_{top}$ (meV)",
        title=f"{mat.name}, $\\Delta_0$ = {FILM['delta0'] * 1e3:.0f} meV on the interface QL",
    )
    ax.legend(fontsize=8)
    ipng = save_figure(fig, ctx.path("figures", "theory_induced_gap_vs_m.png"))
    files += [ctx.rel(inc), ctx.rel(ipng)]

    # ARPES-like map of the 8 QL film at room temperature (cf. Fig. 1C): no exchange field
    # above T_Curie; chemical potential 0.1 eV above the Dirac point (illustrative), so that
    # the upper Dirac branch is occupied and its MDC peaks can be fitted below E_F
    e_d = mat.C + mat.D1 * mat.M / mat.B1
    arp = arpes_map(
        ThinFilmModel(material=mat, m=8, mu=e_d + 0.1),
        np.linspace(-0.15, 0.15, 121 if ctx.quick else 241),
        np.linspace(-0.35, 0.15, 101 if ctx.quick else 201),
        temperature_K=300.0,
    )
    anc = write_netcdf(arp, ctx.path("results", "arpes_8QL_300K.nc"))
    disp = fit_dirac_dispersion(arp, (-0.08, 0.0), sample="(8,50)")
    ctx.records.extend(disp)
    ed_fit, v_fit = (r.value for r in disp)
    fig, ax = plt.subplots(figsize=(4.6, 4.0), layout="constrained")
    ax.pcolormesh(arp.k, arp.energy, arp.intensity, cmap="Greys", shading="auto")
    kk = np.linspace(-0.05, 0.05, 41)  # the fitted (near-Dirac-point) part only
    ax.plot(
        kk,
        ed_fit + v_fit * np.abs(kk),
        "r--",
        lw=1,
        label=f"fit: E_D = {ed_fit * 1e3:.0f} meV, v = {v_fit:.2f} eV Å",
    )
    ax.axhline(0, color="C0", lw=0.8, ls=":")
    ax.set_ylim(float(arp.energy.min()), float(arp.energy.max()))
    ax.set(
        xlabel=r"$k_x$ (1/Å)",
        ylabel=r"$E - E_F$ (eV)",
        title=f"{mat.name}, 8 QL at 300 K (cf. Fig. 1C)",
    )
    ax.legend(fontsize=8, loc="lower right")
    apng = save_figure(fig, ctx.path("figures", "fig1c_arpes.png"))
    files += [ctx.rel(anc), ctx.rel(apng)]

    # QAH of the 8 QL film with the Cr exchange field (cf. fig. S4): normal-state Chern number
    # with mu at the Dirac point, square in-plane lattice (FHS needs a periodic BZ)
    qah_rows = []
    for lam_f in (0.0, 0.03, -0.03):
        film8 = ThinFilmModel(material=mat, m=8, lam=lam_f, mu=e_d, inplane="square")
        c = chern_number(film8, nk=96, kind="normal")
        sxy = None if c.N is None or not c.resolved else hall_conductance_S(c.N) * H_OVER_E2_OHM
        qah_rows.append(
            (
                lam_f,
                c.N,
                c.resolved,
                1e3 * c.min_gap,
                "undefined" if sxy is None else f"{sxy:+.0f} e^2/h",
            )
        )
        ctx.records.append(
            Result(
                "chern_C",
                c.N if c.resolved else None,
                None,
                "",
                "FHS, normal state, mu at the Dirac point",
                "topology.chern_number",
                "8 QL film",
                {},
                () if c.resolved else ("unresolved",),
                {"lam_eV": lam_f, "min_gap_eV": c.min_gap},
            )
        )

    rep = ctx.report
    rep.add_section("Theory: topology and proximity (figs. S22-S24)", __doc__.split("\n\n", 1)[1])
    rep.add_figure(
        png,
        "BdG Chern number N of the two-surface model over (lambda, mu); grey "
        "dots: gap below the k-mesh resolution (not a confident integer).",
    )
    rep.add_table(
        ["lambda (eV), mu = 0", "N (analytic k = 0)", "N (FHS)", "min BdG gap (eV)", "resolved"],
        rows,
    )
    rep.add_figure(
        rpng,
        f"Ribbon (100 sites) at lambda = {lam_pts[-1]:.3f} eV: edge modes "
        f"lower edge {lower:+d}, upper edge {upper:+d}.",
    )
    rep.add_figure(ipng, "Induced gap on the top surface vs thickness (thin-film BdG).")
    rep.add_text(
        "QAH state of the 8 QL film with the Cr exchange field (cf. fig. S4): Chern "
        "number of the normal state with mu at the Dirac point."
    )
    rep.add_table(["lambda (eV)", "C (FHS)", "resolved", "min gap (meV)", "sigma_xy"], qah_rows)
    rep.add_figure(
        apng,
        "ARPES-like intensity (depth-weighted spectral function x Fermi "
        "function at 300 K, resolution-broadened), with the Dirac dispersion "
        "fitted from MDC peaks.",
    )
    res = pd["resolved"].values
    values, numbers = np.unique(pd["N"].values[res], return_counts=True)
    counts = dict(zip(values.tolist(), numbers.tolist(), strict=True))
    summary = (
        f"phase diagram {n_grid}x{n_grid}: N counts {counts} at resolved points, "
        f"{int((~res).sum())} unresolved; ribbon edges "
        f"{lower:+d}/{upper:+d}; top gap m=1..: "
        + ", ".join(f"{x:.3g}" for x in ig.sel(V=0.0)["gap_meV"].values[:4])
        + " meV"
    )
    return summary, files
