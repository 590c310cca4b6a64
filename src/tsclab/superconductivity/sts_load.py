"""Loading tunnelling spectra from any supported file, the same way for every caller.

Nanonis bias-spectroscopy ``.dat`` (sweeps and directions averaged), Nanonis ``.3ds`` grids,
text tables with a bias column (each other column a spectrum) and plain two-column text (bias
in mV, dI/dV). The temperature and lock-in modulation come from the header where it has them:
Nanonis states the zero-to-peak modulation amplitude, the rms value is amplitude / sqrt 2.
``tsclab analyze sts`` and the virtual study both read spectra through :func:`load_spectra`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import FileFormatError

__all__ = ["Spectrum", "load_spectra"]


@dataclass
class Spectrum:
    """One spectrum (or one grid of spectra) as read from a file.

    Attributes
    ----------
    channel
        Channel or column name.
    bias_mV
        Bias axis, mV.
    didv
        dI/dV: shape (n,) for a spectrum, an xarray DataArray (y, x, bias) for a grid.
    temperature_K, modulation_rms_mV
        From the header, or None.
    units
        Units of ``didv`` as in the file.
    grid
        True for a .3ds grid.
    attrs
        Header attributes of a grid.
    """

    channel: str
    bias_mV: np.ndarray
    didv: Any  # (n,) for a spectrum, xarray DataArray (y, x, bias) for a grid
    temperature_K: float | None
    modulation_rms_mV: float | None
    units: str
    grid: bool = False
    attrs: dict[str, Any] | None = None


def _header_modulation(attrs: dict[str, Any]) -> float | None:
    amp = attrs.get("modulation_mV")
    sig = str(attrs.get("lockin_modulated_signal", "Bias"))
    status = str(attrs.get("lockin_status", "ON")).upper()
    if amp is None or "bias" not in sig.lower() or status == "OFF":
        return None
    return float(amp) / np.sqrt(2.0)


def _header_temperature(attrs: dict[str, Any]) -> float | None:
    t = attrs.get("temperature_K")
    return float(t) if t is not None else None


def load_spectra(path: Path) -> list[Spectrum]:
    """Read the spectra of one file (see the module docstring for the formats).

    Raises
    ------
    FileFormatError
        A format that holds no dI/dV spectrum, or a table without a bias column.
    """
    from .. import io as tio
    from ..superconductivity.dynes import average_spectrum

    kind = tio.sniff(path)
    if kind == "nanonis_spectrum":
        ds = tio.read_nanonis_spectrum(path)
        if "didv" not in ds or "bias" not in ds.dims:
            raise FileFormatError(path, "no lock-in dI/dV channel (LI Demod X) along the bias")
        avg = average_spectrum(ds)
        return [
            Spectrum(
                "didv",
                avg["bias"].to_numpy().astype(float),
                avg["didv"].to_numpy().astype(float),
                _header_temperature(ds.attrs),
                _header_modulation(ds.attrs),
                str(ds["didv"].attrs.get("units", "")),
            )
        ]
    if kind == "3ds":
        ds = tio.read_3ds(path)
        if "didv" not in ds or "bias" not in ds["didv"].dims:
            raise FileFormatError(path, "no lock-in dI/dV channel along the bias in the grid")
        return [
            Spectrum(
                "didv",
                ds["bias"].to_numpy().astype(float),
                ds["didv"],
                _header_temperature(ds.attrs),
                _header_modulation(ds.attrs),
                str(ds["didv"].attrs.get("units", "")),
                grid=True,
                attrs=dict(ds.attrs),
            )
        ]
    if kind == "text_table":
        try:
            ds = tio.read_text_table(path)
        except FileFormatError:
            ds = None
        if ds is not None:
            bias = [v for v in ds.data_vars if str(v).lower().startswith("bias")]
            if not bias:
                raise FileFormatError(path, "no bias column (a header like 'bias (mV)')")
            bname = bias[0]
            unit = str(ds[bname].attrs.get("units", "mV"))
            factor = {"mV": 1.0, "V": 1e3, "": 1.0}.get(unit)
            if factor is None:
                raise FileFormatError(path, f"bias unit {unit!r}: want mV or V", key=str(bname))
            b = ds[bname].to_numpy().astype(float) * factor
            others = [v for v in ds.data_vars if v != bname]
            # prefer the conductance columns (dI/dV, didv, lock-in) when the table names them
            cond = [
                v for v in others
                if any(k in str(ds[v].attrs.get("original_name", v)).lower().replace(" ", "")
                       for k in ("di/dv", "didv", "di_dv", "lock", "li demod", "lidemod"))
            ]  # fmt: skip
            return [
                Spectrum(
                    str(ds[v].attrs.get("original_name", v)),
                    b,
                    ds[v].to_numpy().astype(float),
                    None,
                    None,
                    str(ds[v].attrs.get("units", "")),
                )
                for v in (cond or others)
            ]
    if kind in ("text_table", "gwyddion_text"):
        ds = tio.read_two_column(path, "bias", "mV", "didv", "")
        return [
            Spectrum(
                "", ds["bias"].to_numpy().astype(float), ds["didv"].to_numpy(), None, None, ""
            )
        ]
    raise FileFormatError(
        path, f"read as {kind!r}; analyze sts takes Nanonis .dat/.3ds or text (bias mV, dI/dV)"
    )
