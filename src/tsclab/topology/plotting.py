"""Figures of the theory engine (matplotlib, Agg backend): phase diagrams, ribbons, bands.

Every function takes the Dataset that the corresponding computation returns and writes a PNG
atomically (:func:`tsclab.results.atomic_write`).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import xarray as xr

from ..results import atomic_write

__all__ = ["plot_bands", "plot_phase_diagram", "plot_ribbon"]

_LATEX = {"lam": r"$\lambda$", "mu": r"$\mu$", "V": "$V$", "m0": "$m_0$",
          "delta_t": r"$\Delta_t$", "delta_b": r"$\Delta_b$", "A": "$A$", "B": "$B$"}  # fmt: skip


def _label(name: str, units: str) -> str:
    return f"{_LATEX.get(name, name)} ({units})" if units else _LATEX.get(name, name)


def _save(fig, path: str | os.PathLike[str]) -> Path:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=130, bbox_inches="tight")
    plt.close(fig)
    return atomic_write(path, buf.getvalue())


def _figure(**kw):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(**kw)


def plot_phase_diagram(ds: xr.Dataset, path: str | os.PathLike[str], *, boundaries=None) -> Path:
    """Discrete map of N with an integer colorbar; unresolved points hatched grey.

    Parameters
    ----------
    ds
        Output of :func:`tsclab.topology.phase_diagram`.
    path
        PNG file.
    boundaries
        Optional list of ``(x_values, y_values, label)`` curves to overlay (e.g. the analytic
        k = 0 closings of the two-surface model).
    """
    from matplotlib.colors import BoundaryNorm, ListedColormap

    xname, yname = ds["N"].dims
    N = ds["N"].values
    lo, hi = int(min(N.min(), -2)), int(max(N.max(), 2))
    levels = np.arange(lo, hi + 1)
    base = {-2: "#08306b", -1: "#4292c6", 0: "#f0f0f0", 1: "#ef6548", 2: "#990000"}
    colors = [base.get(int(v), "#31a354" if v > 0 else "#756bb1") for v in levels]
    cmap = ListedColormap(colors)
    norm = BoundaryNorm(np.arange(lo - 0.5, hi + 1.5), cmap.N)
    fig, ax = _figure(figsize=(6.0, 4.8))
    x = ds[xname].values
    y = ds[yname].values
    mesh = ax.pcolormesh(x, y, N.T, cmap=cmap, norm=norm, shading="nearest")
    unresolved = ~ds["resolved"].values.astype(bool)
    if unresolved.any():
        # wash out unresolved cells: their N is not a confident integer
        veil = np.ma.masked_where(~unresolved.T, np.ones_like(N.T, dtype=float))
        ax.pcolormesh(x, y, veil, cmap=ListedColormap(["white"]), alpha=0.45, shading="nearest")
        X, Y = np.meshgrid(x, y, indexing="ij")
        ax.plot(X[unresolved], Y[unresolved], ".", color="0.45", ms=2.5,
                label="gap unresolved by the k mesh")  # fmt: skip
    if "metallic" in ds and bool(ds["metallic"].any()):
        met = ds["metallic"].values.astype(bool)
        X, Y = np.meshgrid(x, y, indexing="ij")
        ax.plot(X[met], Y[met], "x", color="0.2", ms=3, label="metallic: N undefined")
    for i, (bx, by, blabel) in enumerate(boundaries or ()):
        # alternate black dashes and orange dots: the second curve often runs over dark blue
        ax.plot(bx, by, color=("k", "#ff8c00")[i % 2], ls=("--", ":")[i % 2], lw=1.5,
                label=blabel)  # fmt: skip
    cbar = fig.colorbar(mesh, ax=ax, ticks=levels)
    cbar.set_label("BdG Chern number N" if ds.attrs.get("kind") == "bdg" else "Chern number C")
    ax.set_xlabel(_label(xname, ds[xname].attrs.get("units", "")))
    ax.set_ylabel(_label(yname, ds[yname].attrs.get("units", "")))
    ax.set_xlim(x.min(), x.max())
    ax.set_ylim(y.min(), y.max())
    fixed = ", ".join(
        f"{k[6:]}={v:g}" if isinstance(v, int | float | np.number) else f"{k[6:]}={v}"
        for k, v in ds.attrs.items()
        if k.startswith("param_")
    )
    nk = ds.attrs.get("mesh_shape", ["?", "?"])
    ax.set_title(f"{ds.attrs.get('model', '')}: {fixed}\nFHS on {nk[0]}x{nk[1]} k mesh",
                 fontsize=8)  # fmt: skip
    if unresolved.any() or boundaries:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, fontsize=7,
                  frameon=False)  # fmt: skip
    return _save(fig, path)


def plot_ribbon(ds: xr.Dataset, path: str | os.PathLike[str]) -> Path:
    """Low-energy ribbon spectrum coloured by edge weight (lower minus upper edge)."""
    fig, ax = _figure(figsize=(6.0, 4.5))
    w = ds["weight_lower"].values - ds["weight_upper"].values
    sc = ax.scatter(ds["kx"].values, ds["energy"].values, c=w, cmap="coolwarm", vmin=-1, vmax=1,
                    s=6, linewidths=0)  # fmt: skip
    gap = float(ds.attrs.get("bulk_gap", 0.0))
    if gap > 0:
        for s in (-1, 1):
            ax.axhline(s * gap, color="0.5", lw=0.6, ls=":")
    cbar = fig.colorbar(sc, ax=ax)
    cbar.set_label("edge weight: lower (y < W/3) − upper")
    ax.set_xlabel(r"$k_x$ (rad, lattice units)")
    ax.set_ylabel("E (eV)")
    win = float(ds.attrs.get("energy_window", np.abs(ds["energy"]).max()))
    ax.set_ylim(-win, win)
    kmax = float(ds.attrs.get("kx_max", np.pi))
    if ds.sizes["state"] and np.abs(ds["kx"].values).max() < 0.3 * kmax:
        kmax = 1.5 * float(np.abs(ds["kx"].values).max()) + 0.02  # zoom on the kept states
    ax.set_xlim(-kmax, kmax)
    title = f"ribbon W = {ds.attrs.get('width')} sites, {ds.attrs.get('nk')} k points"
    if "edge_modes_lower" in ds.attrs:
        lo, up = int(ds.attrs["edge_modes_lower"]), int(ds.attrs["edge_modes_upper"])
        title += f"\nchiral edge branches: lower {lo:+d}, upper {up:+d}; dotted: ±bulk gap min|E|"
    ax.set_title(title, fontsize=8)
    return _save(fig, path)


def plot_bands(ds: xr.Dataset, path: str | os.PathLike[str], emax: float | None = None) -> Path:
    """Band structure along a k path (BdG and/or normal state); ``emax`` limits |E| (eV)."""
    fig, ax = _figure(figsize=(6.0, 4.5))
    s = ds["s"].values
    for var, color, label in (("energy_bdg", "C0", "BdG"), ("energy_normal", "C3", "normal")):
        if var in ds:
            e = ds[var].values
            for i in range(e.shape[1]):
                ax.plot(s, e[:, i], color=color, lw=0.9, label=label if i == 0 else None)
    ticks = [float(t) for t in np.atleast_1d(ds.attrs.get("tick_positions", []))]
    labels = str(ds.attrs.get("tick_labels", "")).split(",")
    for t in ticks:
        ax.axvline(t, color="0.6", lw=0.5)
    if ticks and len(labels) == len(ticks):
        ax.set_xticks(ticks, labels)
    ax.axhline(0, color="0.3", lw=0.5, ls="--")
    ax.set_xlim(s.min(), s.max())
    if emax is not None:
        ax.set_ylim(-emax, emax)
    ax.set_xlabel(f"k path ({ds['s'].attrs.get('units', 'lattice units')})")
    ax.set_ylabel("E (eV)")
    ax.legend(fontsize=8)
    import textwrap

    ax.set_title(textwrap.fill(str(ds.attrs.get("title", "")), 90), fontsize=8)
    return _save(fig, path)
