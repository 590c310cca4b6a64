"""Loading tunnelling spectra from any supported file, the same way for every caller.

Nanonis bias-spectroscopy ``.dat`` (sweeps and directions averaged), Nanonis ``.3ds`` grids,
text tables with a bias column (each other column a spectrum) and plain two-column text (bias
in mV, dI/dV). The temperature and lock-in modulation come from the header where it has them:
Nanonis states the zero-to-peak modulation amplitude, the rms value is amplitude / sqrt 2.
``tsclab analyze sts`` and the virtual study both read spectra through :func:`load_spectra`.

Every spectrum is checked here, so that bad input is reported against its file: the bias axis
must be finite and strictly monotonic (either direction), and every bias point needs a finite
dI/dV (in at least one sweep of a Nanonis file); the line is named where it is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import FileFormatError
from ..io._common import decode, read_bytes

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


def _nanonis_first_row_line(path: Path) -> int | None:
    """1-based line number of the first data row of a Nanonis .dat ([DATA], column line)."""
    for i, line in enumerate(decode(read_bytes(path)).split("\n")):
        if line.strip() == "[DATA]":
            return i + 3
    return None


def _looks_like_nanonis_header(path: Path) -> bool:
    """A Nanonis ``key<TAB>value`` header (e.g. one whose [DATA] section is missing)."""
    head = decode(read_bytes(path)[:4096]).lstrip().split("\n", 1)[0]
    return head.startswith(("Experiment\t", "Saved Date\t", "Date\t"))


def _check_bias(path: Path, bias_mV: np.ndarray, first_line: int | None, key: str) -> None:
    """Finite, strictly monotonic bias (row ``k`` is on line ``first_line + k`` if known)."""

    def line(k: int) -> int | None:
        return None if first_line is None else first_line + k

    b = np.asarray(bias_mV, dtype=float)
    if b.size < 2:
        raise FileFormatError(path, f"{b.size} bias point(s): a spectrum needs at least 2")
    bad = np.flatnonzero(~np.isfinite(b))
    if bad.size:
        raise FileFormatError(path, "the bias is not finite", line=line(int(bad[0])), key=key)
    db = np.diff(b)
    if np.all(db > 0) or np.all(db < 0):
        return
    if np.all(db == 0):
        raise FileFormatError(
            path, f"the bias is constant ({b[0]:g} mV): not a bias sweep", line=line(0), key=key
        )
    # the first step against the sweep direction (or a repeated value)
    direction = np.sign(b[-1] - b[0]) or 1.0
    k = int(np.flatnonzero(db * direction <= 0)[0]) + 1
    raise FileFormatError(
        path,
        f"the bias is not strictly monotonic ({b[k - 1]:g} mV, then {b[k]:g} mV)",
        line=line(k),
        key=key,
    )


def _check_didv(path: Path, didv: np.ndarray, first_line: int | None, key: str) -> None:
    """Every bias point (axis 0) needs a finite dI/dV in at least one sweep/direction."""
    d = np.asarray(didv, dtype=float).reshape(len(didv), -1)
    bad = np.flatnonzero(~np.isfinite(d).any(axis=1))
    if bad.size:
        k = int(bad[0])
        raise FileFormatError(
            path,
            f"no finite dI/dV at {bad.size} bias point(s) (NaN/inf in every sweep)",
            line=None if first_line is None else first_line + k,
            key=key,
        )


def load_spectra(path: Path) -> list[Spectrum]:
    """Read the spectra of one file (see the module docstring for the formats).

    Raises
    ------
    FileFormatError
        A format that holds no dI/dV spectrum, a table without a bias column, a Nanonis header
        without a [DATA] section, a bias axis that is not finite and strictly monotonic, or a
        bias point without a finite dI/dV (with the line for Nanonis ``.dat`` files).
    """
    from .. import io as tio
    from ..superconductivity.dynes import average_spectrum

    kind = tio.sniff(path)
    if kind == "nanonis_spectrum":
        ds = tio.read_nanonis_spectrum(path)
        if "didv" not in ds or "bias" not in ds.dims:
            raise FileFormatError(path, "no lock-in dI/dV channel (LI Demod X) along the bias")
        first = _nanonis_first_row_line(path)
        key = str(ds["bias"].attrs.get("original_name", "bias"))
        _check_bias(path, ds["bias"].to_numpy(), first, key)
        dkey = str(ds["didv"].attrs.get("original_name", "didv"))
        _check_didv(path, ds["didv"].transpose("bias", ...).to_numpy(), first, dkey)
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
        _check_bias(path, ds["bias"].to_numpy(), None, "bias")
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
            _check_bias(path, b, None, str(ds[bname].attrs.get("original_name", bname)))
            out = []
            for v in cond or others:
                name = str(ds[v].attrs.get("original_name", v))
                _check_didv(path, ds[v].to_numpy(), None, name)
                out.append(
                    Spectrum(
                        name,
                        b,
                        ds[v].to_numpy().astype(float),
                        None,
                        None,
                        str(ds[v].attrs.get("units", "")),
                    )
                )
            return out
        if _looks_like_nanonis_header(path):
            # a Nanonis header whose [DATA] section is missing: let the reader say so
            tio.read_nanonis_spectrum(path)
    if kind in ("text_table", "gwyddion_text"):
        ds = tio.read_two_column(path, "bias", "mV", "didv", "")
        b = ds["bias"].to_numpy().astype(float)
        _check_bias(path, b, None, "bias")
        _check_didv(path, ds["didv"].to_numpy(), None, "didv")
        return [Spectrum("", b, ds["didv"].to_numpy(), None, None, "")]
    raise FileFormatError(
        path, f"read as {kind!r}; analyze sts takes Nanonis .dat/.3ds or text (bias mV, dI/dV)"
    )
