"""Theory commands: ``chern``, ``phase-diagram``, ``bands``, ``ribbon``.

Every command takes ``--model NAME`` and repeated ``--set NAME=VALUE`` (model parameters, eV /
lattice units); a bad name or value is a one-line error with exit status 2.
"""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import ParameterError
from ._common import parse_range, parse_sets, print_json

_MODEL = typer.Option("two-surface", "--model", help="Registered model name.")
_SET = typer.Option(None, "--set", help="Model parameter NAME=VALUE (repeatable).")


def _model(name: str, sets: list[str] | None):
    from ..models import make_model

    return make_model(name, **parse_sets(sets, allow_text=True))


def _scalar_params(model) -> dict[str, float | str]:
    import numpy as np

    out: dict[str, float | str] = {}
    for p in model.parameter_names():
        v = getattr(model, p)
        try:
            out[p] = float(np.asarray(v))
        except (TypeError, ValueError):
            out[p] = str(v)
    return out


def _fmt(k: str, v) -> str:
    return f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"


def _analytic_boundaries(model, ds):
    """k = 0 closings of the two-surface model as curves in the (x, y) plane, if applicable."""
    import numpy as np

    from ..models.two_surface import critical_exchange

    if getattr(model, "name", "") != "two-surface":
        return None
    xname, yname = ds["N"].dims
    if "lam" not in (xname, yname):
        return None
    other = yname if xname == "lam" else xname
    vals = ds[other].values
    p = _scalar_params(model)
    args = {k: np.full(vals.shape, p[k]) for k in ("m0", "V", "mu", "delta_t", "delta_b")}
    args[other] = vals
    lo, hi = critical_exchange(args["m0"], args["V"], args["mu"], args["delta_t"], args["delta_b"])
    curves = []
    for sign in (1, -1):
        for c, lab in (
            (lo, r"analytic $\lambda_{c,-}$ (k = 0)"),
            (hi, r"analytic $\lambda_{c,+}$ (k = 0)"),
        ):
            lam = sign * c
            curve = (lam, vals) if xname == "lam" else (vals, lam)
            curves.append((*curve, lab if sign == 1 else None))
    return curves


def _analytic_mismatch(model, ds) -> int | None:
    """Resolved points where N differs from the k = 0 prediction (two-surface, lam swept)."""
    import numpy as np

    from ..models.two_surface import critical_exchange

    if getattr(model, "name", "") != "two-surface" or "lam" not in ds["N"].dims:
        return None
    p = _scalar_params(model)
    grid = {k: _xr_values(ds, k, p) for k in ("lam", "m0", "V", "mu", "delta_t", "delta_b")}
    lo, hi = critical_exchange(grid["m0"], grid["V"], grid["mu"], grid["delta_t"], grid["delta_b"])
    lam = grid["lam"]
    predicted = -np.sign(lam) * ((np.abs(lam) > lo).astype(int) + (np.abs(lam) > hi))
    res = ds["resolved"].values
    return int(((predicted != ds["N"].values) & res).sum())


def _xr_values(ds, name: str, fixed: dict):
    """Parameter ``name`` broadcast over the (x, y) grid of a phase-diagram Dataset."""
    import numpy as np

    xname, yname = ds["N"].dims
    shape = ds["N"].shape
    if name == xname:
        return np.broadcast_to(ds[xname].values[:, None], shape)
    if name == yname:
        return np.broadcast_to(ds[yname].values[None, :], shape)
    return np.full(shape, float(fixed[name]))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""

    @app.command("chern")
    def chern(
        model: str = _MODEL,
        sets: list[str] = _SET,
        nk: int = typer.Option(120, "--nk", help="k mesh nk x nk."),
        json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """BdG Chern number N and normal-state Chern number C (FHS), with the minimum gap."""
        from ..topology import chern_number

        m = _model(model, sets)
        bdg = chern_number(m, nk)
        normal = chern_number(m, nk, kind="normal")
        out = {
            "model": model,
            "parameters": _scalar_params(m),
            "nk": nk,
            "N": bdg.N,
            "raw": bdg.raw,
            "min_gap": bdg.min_gap,
            "min_gap_refined": bdg.min_gap_refined,
            "min_gap_units": "eV",
            "resolved": bdg.resolved,
            "flags": list(bdg.flags),
            "C_normal": normal.N,
            "C_normal_raw": normal.raw,
            "sigma_xy_S": normal.sigma_xy_S,
            "normal_min_gap": normal.min_gap,
            "normal_resolved": normal.resolved,
            "normal_flags": list(normal.flags),
        }
        if json_out:
            print_json(out)
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"{model} {out['parameters']}")
        for col in ("quantity", "value", "min gap (eV)", "resolved", "flags"):
            table.add_column(col)
        table.add_row(
            "BdG N", str(bdg.N), f"{bdg.min_gap:.4g}", str(bdg.resolved), ", ".join(bdg.flags)
        )
        table.add_row(
            "normal C",
            str(normal.N),
            f"{normal.min_gap:.4g}",
            str(normal.resolved),
            ", ".join(normal.flags),
        )
        Console().print(table)

    @app.command("phase-diagram")
    def phase_diagram_cmd(
        model: str = _MODEL,
        sets: list[str] = _SET,
        x: str = typer.Option(..., "--x", help="NAME:START:STOP:COUNT, e.g. lam:0:0.6:64."),
        y: str = typer.Option(..., "--y", help="NAME:START:STOP:COUNT, e.g. mu:-0.3:0.3:64."),
        nk: int = typer.Option(48, "--nk", help="k mesh nk x nk per grid point."),
        kind: str = typer.Option("bdg", "--kind", help="bdg (N) or normal (C)."),
        out: Path = typer.Option(Path("phase_diagram.nc"), "--out", help="NetCDF; PNG beside."),
        json_out: bool = typer.Option(False, "--json", help="Print a JSON summary."),
    ) -> None:
        """Chern-number phase diagram over two parameters (gap closings + FHS per region)."""
        import numpy as np

        from ..io.netcdf import write_netcdf
        from ..topology import phase_diagram
        from ..topology.plotting import plot_phase_diagram

        m = _model(model, sets)
        xn, x0, x1, xc = parse_range(x)
        yn, y0, y1, yc = parse_range(y)
        if kind not in ("bdg", "normal"):
            raise ParameterError("--kind", kind, "use bdg or normal")
        ds = phase_diagram(
            m, (xn, np.linspace(x0, x1, xc)), (yn, np.linspace(y0, y1, yc)), nk, kind=kind
        )
        nc = write_netcdf(ds, out)
        png = plot_phase_diagram(
            ds, out.with_suffix(".png"), boundaries=_analytic_boundaries(m, ds)
        )
        values, counts = np.unique(ds["N"].values, return_counts=True)
        summary = {
            "netcdf": str(nc),
            "png": str(png),
            "N_counts": {int(v): int(c) for v, c in zip(values, counts, strict=True)},
            "unresolved_points": int((~ds["resolved"].values).sum()),
            "n_fhs": ds.attrs["n_fhs"],
            "n_regions": ds.attrs["n_regions"],
        }
        mismatch = _analytic_mismatch(m, ds)
        if mismatch is not None:  # PHYSICS.md §3.2 red flag: finite-k closings
            summary["k0_analysis_mismatch_at_resolved_points"] = mismatch
        if json_out:
            print_json(summary)
        else:
            typer.echo(
                f"wrote {nc} and {png}; N counts {summary['N_counts']}, "
                f"{summary['unresolved_points']} unresolved points, "
                f"{summary['n_fhs']} FHS evaluations"
            )
            if mismatch:
                typer.echo(
                    f"warning: at {mismatch} resolved points N differs from the k = 0 "
                    "analysis (a gap closing at finite k)"
                )

    @app.command("bands")
    def bands(
        model: str = _MODEL,
        sets: list[str] = _SET,
        path: str = typer.Option("G,X,M,G", "--path", help="High-symmetry points G,X,Y,M."),
        n: int = typer.Option(301, "--n", help="Points along the path."),
        kind: str = typer.Option("both", "--kind", help="bdg, normal or both."),
        emax: float = typer.Option(None, "--emax", help="Plot |E| below this (eV)."),
        out: Path = typer.Option(Path("bands.nc"), "--out", help="NetCDF file; PNG beside."),
    ) -> None:
        """Bands along a k path (BdG and/or normal state), .nc + .png."""
        import numpy as np
        import xarray as xr

        from ..io.netcdf import write_netcdf
        from ..spectra import eigvalsh_batched, k_path
        from ..topology.plotting import plot_bands

        if kind not in ("bdg", "normal", "both"):
            raise ParameterError("--kind", kind, "use bdg, normal or both")
        m = _model(model, sets)
        kx, ky, s, ticks = k_path([p for p in path.split(",") if p.strip()], n)
        # the path is in lattice units (phase k a); models with a physical lattice constant
        # (the thin film, k in 1/Angstrom) take k / a
        a = float(getattr(m, "lattice_constant_A", 1.0))
        k_units = "1/Angstrom" if hasattr(m, "lattice_constant_A") else "rad"
        kx, ky, s = kx / a, ky / a, s / a
        data = {}
        if kind in ("bdg", "both"):
            e = eigvalsh_batched(m.bdg_hamiltonian(kx, ky))
            data["energy_bdg"] = (("k", "band_bdg"), e, {"units": "eV", "long_name": "BdG energy"})
        if kind in ("normal", "both"):
            e = eigvalsh_batched(m.hamiltonian(kx, ky))
            data["energy_normal"] = (
                ("k", "band"),
                e,
                {"units": "eV", "long_name": "normal-state energy"},
            )
        ds = xr.Dataset(
            data,
            coords={
                "k": ("k", np.arange(n)),
                "s": ("k", s, {"units": k_units, "long_name": "path length"}),
                "kx": ("k", kx, {"units": k_units}),
                "ky": ("k", ky, {"units": k_units}),
            },
            attrs={
                "model": model,
                **{f"param_{k}": v for k, v in _scalar_params(m).items()},
                "tick_positions": [t[0] / a for t in ticks],
                "tick_labels": ",".join(t[1] for t in ticks),
                "title": f"{model}: "
                + ", ".join(_fmt(k, v) for k, v in _scalar_params(m).items()),
            },
        )
        nc = write_netcdf(ds, out)
        png = plot_bands(ds, out.with_suffix(".png"), emax=emax)
        typer.echo(f"wrote {nc} and {png}")

    @app.command("ribbon")
    def ribbon(
        model: str = _MODEL,
        sets: list[str] = _SET,
        width: int = typer.Option(100, "--width", help="Sites across the ribbon."),
        nk: int = typer.Option(201, "--nk", help="kx points on [-kmax, kmax]."),
        kmax: float = typer.Option(3.141592653589793, "--kmax", help="kx range (rad), <= pi."),
        window: float = typer.Option(
            None, "--window", help="Keep |E| below this (eV); default twice the bulk gap."
        ),
        out: Path = typer.Option(Path("ribbon.nc"), "--out", help="NetCDF file; PNG beside."),
        json_out: bool = typer.Option(False, "--json", help="Print a JSON summary."),
    ) -> None:
        """Low-energy ribbon spectrum (open in y) with edge weights and the edge-mode count."""
        from ..io.netcdf import write_netcdf
        from ..topology import ribbon_spectrum
        from ..topology.plotting import plot_ribbon

        if nk < 1:
            raise ParameterError("--nk", nk, "must be >= 1")
        m = _model(model, sets)
        ds = ribbon_spectrum(m, width, nk, kx_max=kmax, energy_window=window)
        nc = write_netcdf(ds, out)
        png = plot_ribbon(ds, out.with_suffix(".png"))
        summary = {
            "netcdf": str(nc),
            "png": str(png),
            "edge_modes_lower": int(ds.attrs["edge_modes_lower"]),
            "edge_modes_upper": int(ds.attrs["edge_modes_upper"]),
            "bulk_gap": float(ds.attrs["bulk_gap"]),
            "n_states": int(ds.sizes["state"]),
        }
        if json_out:
            print_json(summary)
        else:
            lo, up = summary["edge_modes_lower"], summary["edge_modes_upper"]
            typer.echo(f"wrote {nc} and {png}; chiral edge branches lower {lo:+d}, upper {up:+d}")

    @app.command("induced-gap")
    def induced_gap_cmd(
        sets: list[str] = _SET,
        m_values: str = typer.Option("1:10", "--m", help="Thicknesses (QL): FIRST:LAST or a,b,c."),
        v_values: str = typer.Option(
            None, "--V", help="Band-bending asymmetries V (eV), comma separated, e.g. 0,0.05."
        ),
        out: Path = typer.Option(Path("induced_gap.nc"), "--out", help="NetCDF; PNG beside."),
        json_out: bool = typer.Option(False, "--json", help="Print the records as JSON."),
    ) -> None:
        """Proximity gap on the top surface of the thin film vs thickness m (and band bending V).

        Pairing on the FeTe-side QL; --set takes every film parameter (material=...,
        delta0=..., mu=..., lam=...).
        """
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from ..io.netcdf import write_netcdf
        from ..models import make_model
        from ..proximity import induced_gap_vs_thickness
        from ..report.figures import save_figure
        from ..results import Result, records_to_json

        ms = _int_list("--m", m_values)
        vs = None if v_values is None else [float(v) for v in v_values.split(",") if v.strip()]
        film = make_model("thin-film", **parse_sets(sets, allow_text=True))
        ds = induced_gap_vs_thickness(film, ms, V_values=vs)
        nc = write_netcdf(ds, out)
        fig, ax = plt.subplots(figsize=(5, 3.8), layout="constrained")
        for v in ds["V"].values if "V" in ds.dims else [None]:
            g = ds if v is None else ds.sel(V=v)
            ok = g["defined"].values & (g["gap_meV"].values > 0)
            ax.semilogy(
                g["m"].values[ok],
                g["gap_meV"].values[ok],
                "o-",
                label="" if v is None else f"V = {v * 1e3:.0f} meV",
            )
        ax.set(
            xlabel="TI thickness m (QL)",
            ylabel=r"top-surface gap $\Delta_{top}$ (meV)",
            title=f"{film.params.name}: induced gap vs thickness",
        )
        if vs:
            ax.legend(fontsize=8)
        png = save_figure(fig, out.with_suffix(".png"))
        records = []
        for v in ds["V"].values if "V" in ds.dims else [None]:
            g = ds if v is None else ds.sel(V=v)
            for m_, gap, ok, flags in zip(
                g["m"].values,
                g["gap_meV"].values,
                g["defined"].values,
                g["flags"].values,
                strict=True,
            ):
                fl = tuple(f for f in str(flags).split(",") if f)
                records.append(
                    Result(
                        "delta_top_meV",
                        float(gap) if ok else None,
                        None,
                        "meV",
                        "min |E| of top-weighted BdG states",
                        "proximity.induced_gap",
                        f"m={int(m_)} QL",
                        {"file": str(nc)},
                        fl or (() if ok else ("undefined",)),
                        {} if v is None else {"V_eV": float(v)},
                    )
                )
        if json_out:
            typer.echo(records_to_json(records))
        else:
            typer.echo(f"wrote {nc} and {png}")


def _int_list(name: str, spec: str) -> list[int]:
    """``"1:10"`` -> [1..10]; ``"1,2,4"`` -> [1, 2, 4]."""
    try:
        if ":" in spec:
            a, b = (int(x) for x in spec.split(":"))
            values = list(range(a, b + 1))
        else:
            values = [int(x) for x in spec.split(",") if x.strip()]
    except ValueError:
        raise ParameterError(name, spec, "write FIRST:LAST or a comma-separated list") from None
    if not values or min(values) < 1:
        raise ParameterError(name, spec, "thicknesses must be positive integers")
    return values
