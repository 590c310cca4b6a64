"""``tsclab inspect FILE``: what an instrument file holds (format, channels, points, units,
temperatures, sweeps)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import typer

from ._common import print_json

__all__ = ["describe", "register"]


def describe(path: str | Path, *, pixel_size_nm: float | None = None) -> dict[str, Any]:
    """A JSON-ready summary of ``path`` as :func:`tsclab.io.open` reads it.

    Keys: ``file``, ``reader``, ``instrument``, ``dims``, ``variables`` (name, dims, units,
    original name, finite points), ``channels_with_data`` (QD), ``temperature_K`` (min, max, or
    the header value), ``sweeps`` (QD: number and directions from
    :func:`tsclab.io.segment_sweeps`), and the header attributes that matter for analysis.
    """
    from ..io import open as tsc_open
    from ..io import qd_channels, segment_sweeps

    kwargs = {"pixel_size_nm": pixel_size_nm} if pixel_size_nm is not None else {}
    ds = tsc_open(path, **kwargs)
    out: dict[str, Any] = {
        "file": str(path),
        "reader": ds.attrs.get("reader", ""),
        "instrument": ds.attrs.get("instrument", ""),
        "dims": {str(k): int(v) for k, v in ds.sizes.items()},
        "variables": [],
    }
    for name, da in ds.data_vars.items():
        entry: dict[str, Any] = {
            "name": str(name),
            "dims": [str(d) for d in da.dims],
            "units": str(da.attrs.get("units", "")),
        }
        if da.attrs.get("original_name"):
            entry["original_name"] = str(da.attrs["original_name"])
        if np.issubdtype(da.dtype, np.number):
            entry["finite"] = int(np.isfinite(da.to_numpy()).sum())
        out["variables"].append(entry)
    for c in ("bias", "z", "x", "y"):
        if c in ds.coords and ds[c].size:
            v = ds[c].to_numpy()
            if np.issubdtype(v.dtype, np.number):
                out.setdefault("coordinates", {})[c] = {
                    "min": float(np.nanmin(v)),
                    "max": float(np.nanmax(v)),
                    "units": str(ds[c].attrs.get("units", "")),
                }
    if "point" in ds.dims:
        out["channels_with_data"] = qd_channels(ds)
        if "temperature_K" in ds and np.isfinite(ds.temperature_K).any():
            t = ds.temperature_K.to_numpy()
            out["temperature_K"] = {"min": float(np.nanmin(t)), "max": float(np.nanmax(t))}
            by = "field" if "field_T" in ds and _spans(ds.field_T.to_numpy()) else "temperature"
            seg = segment_sweeps(ds, by=by)
            dirs = [
                str(seg.direction.to_numpy()[seg.sweep.to_numpy() == k][0])
                for k in range(int(seg.sweep.max()) + 1)
            ]
            setpoints = np.unique(seg.temperature_setpoint_K.to_numpy())
            out["sweeps"] = {
                "by": by,
                "count": len(dirs),
                "directions": dirs,
                "temperature_setpoints_K": [
                    round(float(s), 4) for s in setpoints[np.isfinite(setpoints)]
                ],
                "settling_points": int(seg.settling.sum()),
            }
        if "field_T" in ds and np.isfinite(ds.field_T).any():
            f = ds.field_T.to_numpy()
            out["field_T"] = {"min": float(np.nanmin(f)), "max": float(np.nanmax(f))}
    elif "temperature_K" in ds.attrs:
        out["temperature_K"] = float(ds.attrs["temperature_K"])
    keys = (
        "temperature_source",
        "modulation_mV",
        "modulation_frequency_Hz",
        "setpoint_bias_mV",
        "setpoint_current_A",
        "bias_mV",
        "pixel_size_nm",
        "pixel_size",
        "scan_dir",
        "resistivity_is_resistance",
        "date",
        "title",
        "pixels_measured",
        "aborted",
    )
    out["metadata"] = {k: _plain(ds.attrs[k]) for k in keys if k in ds.attrs}
    return out


def _spans(x: np.ndarray) -> bool:
    """True when a field column actually sweeps (more than 10 mT of range)."""
    x = x[np.isfinite(x)]
    return x.size > 2 and float(np.ptp(x)) > 0.01


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    return v


def _print_text(d: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console()
    con.print(f"[bold]{d['file']}[/bold]")
    con.print(f"reader: {d['reader']}   instrument: {d['instrument']}")
    con.print("dims: " + ", ".join(f"{k}={v}" for k, v in d["dims"].items()))
    for k in ("temperature_K", "field_T", "channels_with_data", "coordinates", "sweeps"):
        if k in d:
            con.print(f"{k}: {d[k]}")
    if d.get("metadata"):
        con.print("metadata: " + ", ".join(f"{k}={v}" for k, v in d["metadata"].items()))
    table = Table(title="variables")
    for col in ("name", "dims", "units", "finite", "original name"):
        table.add_column(col)
    for v in d["variables"]:
        table.add_row(
            v["name"],
            ",".join(v["dims"]),
            v["units"],
            str(v.get("finite", "")),
            v.get("original_name", ""),
        )
    con.print(table)


def register(app: typer.Typer) -> None:
    """Add ``inspect`` to ``app``."""

    @app.command("inspect")
    def inspect(
        file: Path = typer.Argument(..., help="Instrument file (format sniffed from content)."),
        pixel_size_nm: float | None = typer.Option(
            None, "--pixel-size-nm", help="Pixel size for a bare Gwyddion text matrix."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    ) -> None:
        """Print what FILE holds: format, channels, points, units, temperatures, sweeps."""
        d = describe(file, pixel_size_nm=pixel_size_nm)
        if as_json:
            print_json(d)
        else:
            _print_text(d)
