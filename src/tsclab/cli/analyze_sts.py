"""``tsclab analyze sts``: Dynes fits of tunnelling spectra (single spectra and grids).

Takes Nanonis bias-spectroscopy ``.dat`` files (sweeps and directions are averaged), Nanonis
``.3ds`` grids (fitted pixel by pixel with the batched fitter), text tables with a bias column
(``bias (mV)`` and one or more dI/dV columns, each a spectrum) and plain two-column text
(bias in mV, dI/dV). Prints a table (or the records as JSON with ``--json``) and writes
``sts_records.csv``/``.json`` and one figure per spectrum (data and fit normalized by the fitted
G_N, residuals) into ``--out``; grids also get ``sts_map_<file>.nc`` and a gap-map figure.

The temperature comes from ``--temperature-K`` or, failing that, the file header; the lock-in
modulation from ``--modulation-rms-mV`` or the header (Nanonis states the zero-to-peak
amplitude; the rms value is amplitude / sqrt 2).
"""

from __future__ import annotations

import io as _io
from pathlib import Path
from typing import Any

import numpy as np
import typer

from ..errors import ParameterError
from ..results import Result, atomic_write, write_records
from ..superconductivity.sts_load import Spectrum, load_spectra
from ._common import print_records

__all__ = ["register"]


def _save(fig, target: Path) -> Path:
    import matplotlib.pyplot as plt

    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=120)
    plt.close(fig)
    return atomic_write(target, buf.getvalue())


def _pm(value: float, err: float | None) -> str:
    """``value ± err`` with the error to two significant digits."""
    if err is None or not np.isfinite(err) or err <= 0:
        return f"{value:.4g}"
    nd = max(0, 1 - int(np.floor(np.log10(err))))
    return f"{value:.{nd}f} ± {err:.{nd}f}"


def _stem(path: Path, channel: str) -> str:
    s = path.stem + (f"_{channel}" if channel else "")
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in s)


def _spectrum_figure(path: Path, sp: Spectrum, fit, out: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by = {r.quantity: r for r in fit.records}
    failed = "fit_failed" in fit.flags
    sc = None if failed else (by["scale"].value or by["scale"].extra.get("fit_value"))
    ylabel = "dI/dV / G_N (fitted)"
    if not sc or not np.isfinite(sc):
        # no trustworthy G_N: normalize by the magnitude of the high-bias mean instead
        vmax = np.max(np.abs(fit.bias_mV))
        sc = abs(float(np.mean(fit.didv[np.abs(fit.bias_mV) >= 0.8 * vmax]))) or 1.0
        ylabel = "dI/dV / |mean at high bias|"
    fig, (ax, axr) = plt.subplots(
        2, 1, figsize=(6.8, 5.8), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    ax.plot(fit.bias_mV, fit.didv / sc, ".", ms=2.5, color="0.35", label="data")
    good = np.all(np.isfinite(fit.best_fit)) and not failed
    d = by["delta_meV"]
    g = by["gamma_meV"]
    t = fit.extra.get("temperature_K")
    text = f"T = {t:g} K (fixed)\nχ²_red = {fit.redchi:.3g}"
    if good:
        if fit.ok:
            text = f"Δ = {_pm(d.value, d.stderr)} meV\nΓ = {_pm(g.value, g.stderr)} meV\n" + text
            color, label = "tab:red", "Dynes fit"
        else:
            dv, gv = d.extra.get("fit_value"), g.extra.get("fit_value")
            text = "NOT a gap: " + ", ".join(fit.flags) + "\n" + text
            if dv is not None and gv is not None:
                text += f"\n(best Dynes form: Δ = {dv:.3g} meV, Γ = {gv:.3g} meV)"
            color, label = "tab:orange", "best Dynes form"
        ax.plot(fit.bias_mV, fit.best_fit / sc, "-", lw=1.4, color=color, label=label)
        axr.plot(fit.bias_mV, (fit.didv - fit.best_fit) / sc, ".", ms=2, color="0.35")
        axr.axhline(0, color=color, lw=1)
        axr.axhline(2 * fit.noise / sc, color="0.5", lw=0.8, ls=":", label="±2σ noise")
        axr.axhline(-2 * fit.noise / sc, color="0.5", lw=0.8, ls=":")
        axr.legend(fontsize=7, loc="upper right", framealpha=0.8)
    else:
        text = "NOT a gap: " + ", ".join(fit.flags) + "\n" + text
        axr.text(0.5, 0.5, "no residuals: the fit failed", ha="center", va="center",
                 transform=axr.transAxes, color="0.4")  # fmt: skip
        axr.set_yticks([])
    ax.set_ylabel(ylabel)
    axr.set_ylabel("residual / G_N")
    axr.set_xlabel("Sample bias (mV)")
    # the numbers go above the axes, where they cannot hide data
    head = f"{path.name}" + (f" [{sp.channel}]" if sp.channel else "")
    ax.set_title(head + "\n" + text.replace("\n", ";  ", 1).replace("\n", ",  "), fontsize=8)
    ax.legend(fontsize=8, loc="upper right", framealpha=0.8)
    for a in (ax, axr):
        a.grid(alpha=0.3)
    fig.tight_layout()
    return _save(fig, out / f"sts_{_stem(path, sp.channel)}.png")


def _map_figure(path: Path, ds, attrs: dict[str, Any], out: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    ny, nx = ds["delta_meV"].shape
    pix = attrs.get("pixel_size_nm")
    try:
        px, py = (float(pix[0]), float(pix[1])) if pix is not None else (None, None)
    except (TypeError, IndexError, ValueError):
        px = py = None
    if px and py:
        extent, unit = (-0.5 * px, (nx - 0.5) * px, -0.5 * py, (ny - 0.5) * py), "nm"
    else:
        extent, unit = (-0.5, nx - 0.5, -0.5, ny - 0.5), "pixel"
    d = ds["delta_meV"].where(ds["ok"])
    im = axes[0].imshow(d.values, origin="lower", cmap="viridis", extent=extent)
    fig.colorbar(im, ax=axes[0], label="Δ (meV)", shrink=0.85)
    axes[0].set_title(f"Dynes gap ({int(ds['ok'].sum())}/{ds['ok'].size} pixels well fitted)")
    im2 = axes[1].imshow(ds["redchi"].values, origin="lower", cmap="magma", extent=extent)
    fig.colorbar(im2, ax=axes[1], label="reduced χ²", shrink=0.85)
    axes[1].set_title("fit quality")
    for a in axes:
        a.set_xlabel(f"x ({unit})")
        a.set_ylabel(f"y ({unit})")
    fig.suptitle(path.name, fontsize=10)
    fig.tight_layout()
    return _save(fig, out / f"sts_map_{_stem(path, '')}.png")


def _map_summary(ds, src: dict[str, Any], sample: str) -> list[Result]:
    """Median Delta and Gamma over the well-fitted pixels of a grid (the printed table)."""
    ok = ds["ok"].values
    n = int(ok.sum())
    method = "superconductivity.gapmap.fit_gap_map"
    out = []
    for q in ("delta", "gamma"):
        vals = ds[f"{q}_meV"].values[ok]
        extra = {"n_ok": n, "n_pixels": int(ok.size)}
        name = f"{q}_median_meV"
        if n == 0:
            out.append(
                Result(name, None, None, "meV", ds.attrs["criterion"], method, sample, src,
                       ("no_pixel_fitted",), extra)
            )  # fmt: skip
            continue
        # standard error of the median of n values: sqrt(pi/2) sigma / sqrt(n)
        err = float(np.sqrt(np.pi / 2) * np.std(vals) / np.sqrt(n)) if n > 1 else None
        crit = f"median over well-fitted pixels; {ds.attrs['criterion']}"
        out.append(
            Result(name, float(np.median(vals)), err, "meV", crit, method, sample, src, (), extra)
        )
    return out


def register(app: typer.Typer) -> None:
    """Add ``sts`` to the ``tsclab analyze`` sub-app."""

    @app.command("sts")
    def sts(
        files: list[Path] = typer.Argument(..., help="Nanonis .dat/.3ds or text (bias mV, dI/dV)."),  # noqa: E501
        temperature_K: float | None = typer.Option(
            None, "--temperature-K", help="Junction temperature (K); default: the file header."
        ),
        modulation_rms_mV: float | None = typer.Option(
            None, "--modulation-rms-mV",
            help="RMS lock-in modulation (mV); default: header amplitude / sqrt 2, else 0.",
        ),
        redchi_max: float = typer.Option(2.0, help="Reduced chi^2 above which a fit is poor."),
        json_out: bool = typer.Option(False, "--json", help="Print the records as a JSON list."),
        out: Path = typer.Option(Path("sts_results"), "--out", help="Folder for figures, records."),  # noqa: E501
        no_files: bool = typer.Option(False, "--no-files", help="Write no figures or records."),
        sample: str = typer.Option("", help="Sample label, e.g. '(8,50)'."),
    ) -> None:  # fmt: skip
        """Dynes gap Delta, broadening Gamma and G_N of each spectrum (or grid pixel)."""
        from ..io.netcdf import write_netcdf
        from ..superconductivity.gapmap import fit_gap_map, gap_map_records
        from ..superconductivity.sts_fit import fit_spectrum

        if temperature_K is not None and not (np.isfinite(temperature_K) and temperature_K > 0):
            raise ParameterError("--temperature-K", temperature_K, "must be > 0")
        if modulation_rms_mV is not None and not (
            np.isfinite(modulation_rms_mV) and modulation_rms_mV >= 0
        ):
            raise ParameterError("--modulation-rms-mV", modulation_rms_mV, "must be >= 0")
        records: list[Result] = []
        shown: list[Result] = []
        figures: list[Path] = []
        for f in files:
            for sp in load_spectra(f):
                T = temperature_K if temperature_K is not None else sp.temperature_K
                if T is None:
                    raise ParameterError(
                        "--temperature-K", None, f"{f.name}: no temperature in the file; pass it"
                    )
                vrms = modulation_rms_mV if modulation_rms_mV is not None else sp.modulation_rms_mV
                vrms = vrms or 0.0
                src = {"file": f.name, "channel": sp.channel}
                if sp.grid:
                    ds = fit_gap_map(sp.didv, temperature_K=T, modulation_rms_mV=vrms,
                                     redchi_max=redchi_max)  # fmt: skip
                    recs = gap_map_records(ds, sample=sample, source=src)
                    records.extend(recs)
                    shown.extend(recs if json_out else _map_summary(ds, src, sample))
                    if not no_files:
                        write_netcdf(ds, out / f"sts_map_{_stem(f, '')}.nc")
                        figures.append(_map_figure(f, ds, sp.attrs, out))
                    continue
                fit = fit_spectrum(sp.bias_mV, sp.didv, temperature_K=T, modulation_rms_mV=vrms,
                                   redchi_max=redchi_max, sample=sample, source=src)  # fmt: skip
                records.extend(fit.records)
                shown.extend(fit.records)
                if not no_files:
                    figures.append(_spectrum_figure(f, sp, fit, out))
        if not no_files:
            write_records(records, out / "sts_records.csv")
            write_records(records, out / "sts_records.json")
        print_records(shown, as_json=json_out, title="STS Dynes fits")
        if not json_out and not no_files:
            typer.echo(f"wrote {len(figures)} figure(s) and sts_records.csv/.json to {out}")
