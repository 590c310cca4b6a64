"""Nanonis files: bias/Z spectroscopy ``.dat``, ``.sxm`` images, ``.3ds`` grids; read and write.

Formats (SPECS Nanonis, *Nanonis Mimea / BP5 file format description*):

* ``.dat`` spectroscopy: TAB-separated ``key<TAB>value`` header lines, ``[DATA]``, one line of
  column names such as ``Current [00002] [bwd] (A)`` or ``Input 3 (A) [filt]``, numeric rows.
  Header generations differ (``Date`` vs ``Saved Date``, lock-in keys with ``D1``/``D2``).
* ``.sxm``: ``:KEY:`` text header up to ``:SCANIT_END:``, then ``\\x1a\\x04`` and big-endian
  float32 images, one per channel and direction, in ``:DATA_INFO:`` order.
* ``.3ds``: ``Key=Value`` header up to ``:HEADER_END:``, then per grid pixel the fixed and
  experiment parameters followed by every channel's sweep, big-endian float32. An aborted grid
  stops early (or is padded with NaN): the missing pixels are NaN.
"""

from __future__ import annotations

import io
import json
import math
import re
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd
import xarray as xr

from .._version import __version__
from ..errors import FileFormatError
from ..results import atomic_write
from ._common import PathLike, _nul_line, decode, parse_float, read_bytes, snake, unit_of

__all__ = [
    "read_3ds",
    "read_nanonis_spectrum",
    "read_sxm",
    "write_3ds",
    "write_nanonis_spectrum",
    "write_sxm",
]

_TAG = re.compile(r"\[([^\]]*)\]")
_SI_TO_MILLI = 1e3


# ---------------------------------------------------------------------------------------------
# Shared header interpretation


def _header_float(header: Mapping[str, str], *keys: str) -> float | None:
    for k in keys:
        if k in header:
            v = parse_float(str(header[k]).strip().strip('"'))
            if v is not None and math.isfinite(v):
                return v
    return None


def _temperature_from_header(header: Mapping[str, str]) -> tuple[float | None, str]:
    """First ``... temperature ... (K)`` header entry with a physical value."""
    for k, v in header.items():
        if "temperature" in k.lower() and k.rstrip().endswith("(K)"):
            t = parse_float(str(v))
            if t is not None and 0 < t < 400:
                return t, k
    return None, ""


def _lockin_attrs(header: Mapping[str, str]) -> dict[str, object]:
    """Lock-in modulation amplitude (Nanonis states the amplitude, not RMS or peak-to-peak),
    frequency, status and the modulated signal, from every header generation."""
    out: dict[str, object] = {}
    amp = _header_float(header, "Lock-in>Amplitude", "Lock-in>Amplitude (V)")
    sig = str(header.get("Lock-in>Modulated signal", "Bias (V)"))
    if amp is not None:
        _, unit = unit_of(sig)
        if unit in ("V", ""):
            out["modulation_mV"] = amp * _SI_TO_MILLI
        else:
            out["modulation"] = amp
            out["modulation_units"] = unit
    freq = _header_float(header, "Lock-in>Frequency (Hz)")
    if freq is not None:
        out["modulation_frequency_Hz"] = freq
    if "Lock-in>Lock-in status" in header:
        out["lockin_status"] = str(header["Lock-in>Lock-in status"]).strip()
    if "Lock-in>Modulated signal" in header:
        out["lockin_modulated_signal"] = sig
    for k in ("Lock-in>Harmonic D1", "Lock-in>Harmonic"):
        h = _header_float(header, k)
        if h is not None:
            out["lockin_harmonic"] = int(h)
            break
    return out


def _setpoint_attrs(header: Mapping[str, str]) -> dict[str, object]:
    out: dict[str, object] = {}
    b = _header_float(header, "Bias>Bias (V)")
    if b is not None:
        out["setpoint_bias_mV"] = b * _SI_TO_MILLI
    unit = str(header.get("Z-Controller>Setpoint unit", "")).strip()
    sp = _header_float(header, "Z-Controller>Setpoint")
    if sp is not None and unit == "A":
        out["setpoint_current_A"] = sp
    return out


def _canonical(base: str, unit: str) -> tuple[str, str]:
    """Canonical variable name and long name for a Nanonis channel."""
    b = base.strip()
    low = b.lower()
    if low in ("current", "current calc"):
        return "current_A" if unit == "A" else snake(b) + _unit_suffix(unit), "tunneling current"
    if re.fullmatch(r"(li demod 1 x|lix 1 omega|lock-in x|li x)", low):
        return "didv", "dI/dV (lock-in X, first demodulator)"
    if re.fullmatch(r"(li demod 1 y|liy 1 omega|lock-in y|li y)", low):
        return "didv_y", "lock-in Y, first demodulator"
    if re.fullmatch(r"temperature( \d)?", low) and unit == "K":
        return "temperature_K", "temperature"
    if low == "bias" and unit == "V":
        return "bias_measured_V", "measured bias"
    return snake(b) + _unit_suffix(unit), b


def _unit_suffix(unit: str) -> str:
    u = re.sub(r"[^0-9A-Za-z]+", "_", unit).strip("_")
    return "_" + u if u else ""


# ---------------------------------------------------------------------------------------------
# Spectroscopy .dat


def _parse_column(label: str) -> tuple[str, str, dict[str, object]]:
    """``"Current [00002] [bwd] (A)"`` -> (base, unit, {"sweep": 2, "bwd": True, ...})."""
    tags = [t.strip() for t in _TAG.findall(label)]
    rest = _TAG.sub("", label)
    base, unit = unit_of(rest)
    info: dict[str, object] = {"bwd": False, "filt": False, "sweep": None, "avg": False}
    for t in tags:
        tl = t.lower()
        if tl == "bwd":
            info["bwd"] = True
        elif tl == "filt":
            info["filt"] = True
        elif tl == "avg":
            info["avg"] = True
        elif t.isdigit():
            info["sweep"] = int(t)
    return re.sub(r"\s+", " ", base).strip(), unit, info


def _split_nanonis_header(text: str, path: PathLike) -> tuple[dict[str, str], int, int]:
    """Header dict, line index of ``[DATA]`` (0-based) and of the column line."""
    lines = text.split("\n")
    header: dict[str, str] = {}
    data_i = None
    for i, line in enumerate(lines):
        s = line.rstrip("\r")
        if s.strip() == "[DATA]":
            data_i = i
            break
        if not s.strip():
            continue
        key, _, value = s.partition("\t")
        key = key.strip()
        value = value.rstrip("\t").strip()
        # Repeated keys ("Date" empty after "Saved Date"): the first non-empty value wins.
        if key and (key not in header or not header[key]):
            header[key] = value
    if data_i is None:
        raise FileFormatError(
            path,
            "the [DATA] section is missing (a header without data, or not a Nanonis "
            "spectroscopy file)",
            key="[DATA]",
        )
    return header, data_i, data_i + 1


def read_nanonis_spectrum(path: PathLike) -> xr.Dataset:
    """Read a Nanonis spectroscopy ``.dat`` (bias or Z spectroscopy, any header generation).

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    xarray.Dataset
        Dims ``(bias, sweep, direction)`` (``z`` instead of ``bias`` for Z spectroscopy);
        size-1 dims are kept. ``bias`` in mV (converted from V), ``z`` in nm. ``sweep``: the
        numbered sweeps ``[0000n]`` (1..N), or ``[0]`` when the file holds one (possibly
        averaged) sweep; ``direction``: ``"fwd"`` and, when recorded, ``"bwd"``. Variables:
        ``current_A``, ``didv`` (first lock-in demodulator X, units as in the file),
        ``didv_y``, ``temperature_K`` (per point, when logged) and every other channel as
        ``<snake name>_<unit>``; filtered channels get ``_filt``; ``[AVG]`` columns beside
        numbered sweeps get ``_avg`` (a file with only the average has it as its sweep).
        Attrs: ``source_file``, ``instrument`` (``"Nanonis"``), ``experiment``,
        ``temperature_K`` (header), ``modulation_mV`` (lock-in amplitude),
        ``modulation_frequency_Hz``, ``setpoint_bias_mV``, ``setpoint_current_A`` when present,
        ``date`` and the full header as JSON in ``nanonis_header``.

    Raises
    ------
    FileFormatError
        Missing ``[DATA]``, ragged rows or non-numeric cells (with the line), or a bias column
        that is not finite.

    Examples
    --------
    >>> ds = read_nanonis_spectrum("Bias-Spectroscopy001.dat")  # doctest: +SKIP
    >>> ds.didv.sel(direction="fwd").mean("sweep")  # doctest: +SKIP
    """
    raw = read_bytes(path)
    if b"\x00" in raw[:4096]:
        raise FileFormatError(
            path, "binary content: not a Nanonis spectroscopy text file", line=_nul_line(raw)
        )
    text = decode(raw)
    header, _data_i, col_i = _split_nanonis_header(text, path)
    lines = text.split("\n")
    if col_i >= len(lines) or not lines[col_i].strip():
        raise FileFormatError(path, "no column names after [DATA]", line=col_i + 1)
    labels = [c.strip() for c in lines[col_i].rstrip("\r").rstrip("\t").split("\t")]
    if len(labels) < 2:
        raise FileFormatError(path, "fewer than two data columns", line=col_i + 1)
    if len(set(labels)) != len(labels):
        dup = next(c for c in labels if labels.count(c) > 1)
        raise FileFormatError(path, f"column {dup!r} appears twice", line=col_i + 1)
    block = "\n".join(lines[col_i + 1 :])
    arr = _numeric_block(path, block, labels, col_i + 2)

    xlabel = labels[0]
    xbase, xunit = unit_of(xlabel)
    x = arr[:, 0]
    if not np.all(np.isfinite(x)):
        bad = int(np.flatnonzero(~np.isfinite(x))[0])
        raise FileFormatError(
            path, f"sweep column {xlabel!r} is not finite", line=col_i + 2 + bad, key=xlabel
        )
    if "bias" in xbase.lower() and xunit in ("V", "mV"):
        xdim, xvals, xunits = "bias", x * (_SI_TO_MILLI if xunit == "V" else 1.0), "mV"
        xlong = "sample bias"
    elif xbase.lower().startswith("z") and xunit == "m":
        xdim, xvals, xunits, xlong = "z", x * 1e9, "nm", "tip height (relative)"
    else:
        xdim, xvals, xunits, xlong = snake(xbase), x, xunit, xbase

    # Group columns by (variable, sweep, direction).
    parsed = [_parse_column(lab) for lab in labels[1:]]
    sweeps = sorted({p[2]["sweep"] for p in parsed if p[2]["sweep"] is not None})
    sweep_vals = sweeps if sweeps else [0]
    has_bwd = any(p[2]["bwd"] for p in parsed)
    dirs = ["fwd", "bwd"] if has_bwd else ["fwd"]
    nx, ns, nd = len(x), len(sweep_vals), len(dirs)
    store: dict[str, np.ndarray] = {}
    meta: dict[str, dict[str, str]] = {}
    originals: dict[str, list[str]] = {}
    for j, (base, unit, info) in enumerate(parsed, start=1):
        name, long = _canonical(base, unit)
        if info["filt"]:
            name += "_filt"
            long += " (filtered)"
        d = 1 if info["bwd"] else 0
        # [AVG] columns beside numbered sweeps are kept apart (``_avg``); a file holding only
        # the average has it as its single sweep.
        if sweeps and (info["avg"] or info["sweep"] is None):
            name += "_avg"
            long += " (average of sweeps)"
            target = store.setdefault(name, np.full((nx, 1, nd), np.nan))
            target[:, 0, d] = arr[:, j]
        else:
            s = 0 if info["sweep"] is None else sweep_vals.index(info["sweep"])
            target = store.setdefault(name, np.full((nx, ns, nd), np.nan))
            target[:, s, d] = arr[:, j]
        meta[name] = {"units": unit, "long_name": long}
        originals.setdefault(name, []).append(labels[j])

    data_vars = {}
    for name, a in store.items():
        attrs = {**meta[name], "original_name": "; ".join(originals[name])}
        if a.shape[1] == 1 and name.endswith("_avg"):
            data_vars[name] = ((xdim, "direction"), a[:, 0, :], attrs)
        else:
            data_vars[name] = ((xdim, "sweep", "direction"), a, attrs)
    coords = {
        xdim: (xdim, xvals, {"units": xunits, "long_name": xlong, "original_name": xlabel}),
        "sweep": ("sweep", np.asarray(sweep_vals, dtype=np.int64)),
        "direction": ("direction", dirs),
    }
    attrs: dict[str, object] = {
        "source_file": str(path),
        "instrument": "Nanonis",
        "tsclab_version": __version__,
        "experiment": header.get("Experiment", ""),
        "date": header.get("Saved Date") or header.get("Date") or header.get("Start time", ""),
    }
    t, tkey = _temperature_from_header(header)
    if t is not None:
        attrs["temperature_K"] = t
        attrs["temperature_source"] = f"header: {tkey}"
    attrs.update(_lockin_attrs(header))
    attrs.update(_setpoint_attrs(header))
    n_sw = _header_float(header, "Bias Spectroscopy>Number of sweeps")
    if n_sw is not None:
        attrs["number_of_sweeps"] = int(n_sw)
    attrs["nanonis_header"] = json.dumps(header)
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _numeric_block(path: PathLike, block: str, labels: list[str], first_line: int) -> np.ndarray:
    ncol = len(labels)
    try:
        with warnings.catch_warnings():
            # Long rows are detected below, row by row, with their line number.
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            df = pd.read_csv(
                io.StringIO(block),
                sep="\t",
                header=None,
                index_col=False,
                names=labels,
                dtype="float64",
                skip_blank_lines=True,
                engine="c",
                na_values=["NaN", "nan", "N/A", ""],
                keep_default_na=False,
            )
    except (ValueError, pd.errors.ParserError, IndexError):
        raise _bad_row(path, block, ncol, first_line, labels) from None
    if df.empty:
        raise FileFormatError(path, "the [DATA] section has no rows", line=first_line)
    arr = df.to_numpy(dtype=float)
    # A short row is read as NaN-padded by pandas: that is truncation, not a NaN value.
    rows = [ln for ln in block.split("\n") if ln.strip()]
    for i, ln in enumerate(rows):
        n = len(ln.rstrip("\r").rstrip("\t").split("\t"))
        if n != ncol:
            raise FileFormatError(
                path, f"row has {n} fields, the column line names {ncol}", line=first_line + i
            )
    return arr


def _bad_row(
    path: PathLike, block: str, ncol: int, first_line: int, labels: list[str]
) -> FileFormatError:
    for i, ln in enumerate(block.split("\n")):
        ln = ln.rstrip("\r").rstrip("\t")
        if not ln.strip():
            continue
        cells = ln.split("\t")
        if len(cells) != ncol:
            return FileFormatError(
                path,
                f"row has {len(cells)} fields, the column line names {ncol}",
                line=first_line + i,
            )
        for lab, c in zip(labels, cells, strict=True):
            try:
                float(c)
            except ValueError:
                if c.strip() not in ("", "NaN", "nan", "N/A"):
                    return FileFormatError(
                        path, f"non-numeric value {c[:30]!r}", line=first_line + i, key=lab
                    )
    return FileFormatError(path, "unreadable [DATA] block", line=first_line)


def write_nanonis_spectrum(ds: xr.Dataset, path: PathLike) -> PathLike:
    """Write a spectrum Dataset as a Nanonis bias-spectroscopy ``.dat``.

    Parameters
    ----------
    ds
        Coordinate ``bias`` (mV) and variables with dims ``(bias[, sweep][, direction])``:
        ``current_A``, ``didv``, ``didv_y`` or any ``<name>_<unit>``. Attrs used when present:
        ``temperature_K``, ``modulation_mV``, ``modulation_frequency_Hz``,
        ``setpoint_bias_mV``, ``setpoint_current_A``.
    path
        Target file (written atomically).

    Examples
    --------
    >>> write_nanonis_spectrum(sim, "Bias-Spectroscopy001.dat")  # doctest: +SKIP
    """
    if "bias" not in ds.coords:
        raise FileFormatError(path, "the Dataset needs a 'bias' coordinate (mV)", key="bias")
    bias_V = np.asarray(ds["bias"].to_numpy(), float) / _SI_TO_MILLI
    nb = bias_V.size
    sweeps = list(ds["sweep"].to_numpy()) if "sweep" in ds.dims else [None]
    dirs = list(ds["direction"].to_numpy()) if "direction" in ds.dims else ["fwd"]
    numbered = len(sweeps) > 1
    names = {
        "current_A": ("Current", "A"),
        "didv": ("LI Demod 1 X", None),
        "didv_y": ("LI Demod 1 Y", None),
        "temperature_K": ("Temperature 1", "K"),
        "bias_measured_V": ("Bias", "V"),
    }
    channels: list[tuple[str, str, str]] = []  # (variable, base, unit)
    for v in ds.data_vars:
        da = ds[v]
        if "bias" not in da.dims or not set(da.dims) <= {"bias", "sweep", "direction"}:
            continue
        if str(v).endswith("_avg"):
            continue
        if v in names:
            base, unit = names[v]
            unit = unit if unit is not None else str(da.attrs.get("units", "A"))
        else:
            unit = str(da.attrs.get("units", ""))
            base = str(da.attrs.get("long_name") or v)
        channels.append((str(v), base, unit))
    if not channels:
        raise FileFormatError(path, "no variable along 'bias' to write")
    cols = [("Bias calc (V)", bias_V)]
    for d in dirs:
        for s in sweeps:
            for v, base, unit in channels:
                da = ds[v]
                sel = {}
                if "direction" in da.dims:
                    sel["direction"] = d
                elif d != dirs[0]:
                    continue
                if "sweep" in da.dims and s is not None:
                    sel["sweep"] = s
                y = da.sel(sel)
                if "sweep" in y.dims:
                    y = y.isel(sweep=0)
                tag = ""
                if numbered:
                    tag += f" [{int(s):05d}]"
                if d == "bwd":
                    tag += " [bwd]"
                cols.append((f"{base}{tag} ({unit})", np.asarray(y.to_numpy(), float)))
    a = ds.attrs
    hdr = [
        ("Experiment", "bias spectroscopy"),
        ("Saved Date", str(a.get("date", "01.01.2024 00:00:00"))),
        ("User", "tsclab " + __version__),
    ]
    if "setpoint_bias_mV" in a:
        hdr.append(("Bias>Bias (V)", _fmt(float(a["setpoint_bias_mV"]) / _SI_TO_MILLI)))
    hdr += [
        ("Bias Spectroscopy>Sweep Start (V)", _fmt(bias_V[0])),
        ("Bias Spectroscopy>Sweep End (V)", _fmt(bias_V[-1])),
        ("Bias Spectroscopy>Num Pixel", str(nb)),
        ("Bias Spectroscopy>backward sweep", "TRUE" if "bwd" in dirs else "FALSE"),
        ("Bias Spectroscopy>Number of sweeps", str(len(sweeps))),
        ("Bias Spectroscopy>Channels", ";".join(f"{b} ({u})" for _, b, u in channels)),
    ]
    if "temperature_K" in a:
        hdr.append(("Temperature 1>Temperature 1 (K)", _fmt(float(a["temperature_K"]))))
    if "modulation_mV" in a:
        hdr += [
            ("Lock-in>Lock-in status", "ON"),
            ("Lock-in>Modulated signal", "Bias (V)"),
            ("Lock-in>Amplitude", _fmt(float(a["modulation_mV"]) / _SI_TO_MILLI)),
        ]
    if "modulation_frequency_Hz" in a:
        hdr.append(("Lock-in>Frequency (Hz)", _fmt(float(a["modulation_frequency_Hz"]))))
    if "setpoint_current_A" in a:
        hdr += [
            ("Z-Controller>Setpoint", _fmt(float(a["setpoint_current_A"]))),
            ("Z-Controller>Setpoint unit", "A"),
        ]
    out = io.StringIO()
    for k, v in hdr:
        out.write(f"{k}\t{v}\t\n")
    out.write("\n[DATA]\n")
    out.write("\t".join(c for c, _ in cols) + "\n")
    block = np.column_stack([c for _, c in cols])
    np.savetxt(out, block, delimiter="\t", fmt="%.9E")
    return atomic_write(path, out.getvalue())


def _fmt(x: float) -> str:
    return f"{x:.9E}"


# ---------------------------------------------------------------------------------------------
# .sxm images


def _parse_sxm_header(text: str) -> dict[str, str]:
    header: dict[str, str] = {}
    key = None
    buf: list[str] = []
    for line in text.split("\n"):
        s = line.rstrip("\r")
        m = re.fullmatch(r":([^:].*):", s.strip()) if s.startswith(":") else None
        if m:
            if key is not None:
                header[key] = "\n".join(buf).strip("\n")
            key, buf = m.group(1), []
        elif key is not None:
            buf.append(s)
    if key is not None:
        header[key] = "\n".join(buf).strip("\n")
    return header


def _two_floats(header: Mapping[str, str], key: str, path: PathLike) -> tuple[float, float]:
    try:
        parts = header[key].split()
        a, b = float(parts[0]), float(parts[1])
    except (KeyError, IndexError, ValueError):
        raise FileFormatError(path, "missing or unreadable (need two numbers)", key=key) from None
    return a, b


def _comment_temperature(comment: str) -> float | None:
    m = re.search(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(?:K|Kelvin)\b", comment)
    if m:
        t = float(m.group(1))
        if 0 < t < 400:
            return t
    return None


def read_sxm(path: PathLike) -> xr.Dataset:
    """Read a Nanonis ``.sxm`` scan.

    Returns
    -------
    xarray.Dataset
        One variable per channel, dims ``(direction, y, x)``, named ``<snake name>_<unit>``
        (``z_m``, ``current_A``, ``phase_deg``, ``frequency_shift_Hz``...), in the scan frame:
        ``x`` increasing to the right, ``y`` increasing upwards (a ``down`` scan and backward
        lines are flipped back), coordinates in nm from the scan centre offset. Attrs:
        ``pixel_size_nm`` (x, y), ``scan_range_nm``, ``scan_offset_nm``, ``scan_angle_deg``,
        ``scan_dir``, ``bias_mV``, ``setpoint_current_A``, ``comment``, ``temperature_K`` and
        ``temperature_source``: a temperature in the comment (e.g. "4.4 K") is trusted over
        ``REC_TEMP``, whose value 290 K is a Nanonis placeholder and is never used.

    Raises
    ------
    FileFormatError
        Missing header keys (named), or fewer image bytes than the header announces.

    Examples
    --------
    >>> img = read_sxm("topo.sxm")  # doctest: +SKIP
    >>> img.z_m.sel(direction="fwd")  # doctest: +SKIP
    """
    raw = read_bytes(path)
    end = raw.find(b":SCANIT_END:")
    if not raw.startswith(b":NANONIS_VERSION:") or end < 0:
        raise FileFormatError(
            path, "not a Nanonis .sxm file (no :NANONIS_VERSION:/:SCANIT_END:)", key="SCANIT_END"
        )
    header = _parse_sxm_header(decode(raw[:end]))
    start = raw.find(b"\x1a\x04", end)
    if start < 0:
        raise FileFormatError(path, "no binary data marker after :SCANIT_END:", key="SCANIT_END")
    start += 2
    px, py = _two_floats(header, "SCAN_PIXELS", path)
    nx, ny = int(px), int(py)
    if not (0 < nx <= 65536 and 0 < ny <= 65536):
        raise FileFormatError(path, f"implausible pixel count {nx} x {ny}", key="SCAN_PIXELS")
    rx, ry = _two_floats(header, "SCAN_RANGE", path)
    ox, oy = _two_floats(header, "SCAN_OFFSET", path)
    scan_type = header.get("SCANIT_TYPE", "FLOAT MSBFIRST").upper()
    dtype = ">f4" if "MSB" in scan_type else "<f4"
    if "FLOAT" not in scan_type:
        raise FileFormatError(path, f"unsupported data type {scan_type!r}", key="SCANIT_TYPE")
    channels = _sxm_channels(header, path)
    nimg = sum(2 if c["direction"] == "both" else 1 for c in channels)
    need = nimg * nx * ny * 4
    if len(raw) - start < need:
        raise FileFormatError(
            path,
            f"image data truncated: {len(raw) - start} bytes, the header announces {need}",
            key="SCAN_PIXELS",
        )
    with np.errstate(invalid="ignore"):  # signalling NaNs in the file are still NaN
        data = np.frombuffer(raw, dtype=dtype, count=nimg * nx * ny, offset=start).astype(float)
    data = data.reshape(nimg, ny, nx)
    scan_dir = header.get("SCAN_DIR", "up").strip().lower()
    data_vars = {}
    k = 0
    for c in channels:
        dirs = ["fwd", "bwd"] if c["direction"] == "both" else [c["direction"]]
        img = np.full((2, ny, nx), np.nan)
        for d in dirs:
            a = data[k]
            k += 1
            if d == "bwd":
                a = a[:, ::-1]  # backward lines are stored in acquisition order, right to left
            if scan_dir == "down":
                a = a[::-1, :]  # first stored line is the top one
            img[0 if d == "fwd" else 1] = a
        name = snake(c["name"]) + _unit_suffix(c["unit"])
        data_vars[name] = (
            ("direction", "y", "x"),
            img,
            {
                "units": c["unit"],
                "long_name": c["name"].replace("_", " "),
                "original_name": c["name"],
            },
        )
    x = (ox - rx / 2 + (np.arange(nx) + 0.5) * rx / nx) * 1e9
    y = (oy - ry / 2 + (np.arange(ny) + 0.5) * ry / ny) * 1e9
    attrs: dict[str, object] = {
        "source_file": str(path),
        "instrument": "Nanonis",
        "tsclab_version": __version__,
        "pixel_size_nm": [rx / nx * 1e9, ry / ny * 1e9],
        "scan_range_nm": [rx * 1e9, ry * 1e9],
        "scan_offset_nm": [ox * 1e9, oy * 1e9],
        "scan_angle_deg": parse_float(header.get("SCAN_ANGLE", "0")) or 0.0,
        "scan_dir": scan_dir,
        "date": (header.get("REC_DATE", "").strip() + " " + header.get("REC_TIME", "").strip()),
        "comment": header.get("COMMENT", "").strip(),
    }
    bias = parse_float(header.get("BIAS", ""))
    if bias is not None:
        attrs["bias_mV"] = bias * _SI_TO_MILLI
    sp = _header_float(header, "Z-Controller>Setpoint")
    if sp is not None and header.get("Z-Controller>Setpoint unit", "").strip() == "A":
        attrs["setpoint_current_A"] = sp
    t = _comment_temperature(attrs["comment"])  # type: ignore[arg-type]
    if t is not None:
        attrs["temperature_K"], attrs["temperature_source"] = t, "comment"
    else:
        t, tkey = _temperature_from_header(header)
        rec = parse_float(header.get("REC_TEMP", ""))
        if t is not None:
            attrs["temperature_K"], attrs["temperature_source"] = t, f"header: {tkey}"
        elif rec is not None and rec != 290.0 and 0 < rec < 400:
            attrs["temperature_K"], attrs["temperature_source"] = rec, "REC_TEMP"
    if "REC_TEMP" in header:
        attrs["rec_temp_placeholder_K"] = parse_float(header["REC_TEMP"]) or 0.0
    ds = xr.Dataset(
        data_vars,
        coords={
            "direction": ("direction", ["fwd", "bwd"]),
            "y": ("y", y, {"units": "nm", "long_name": "y (scan frame)"}),
            "x": ("x", x, {"units": "nm", "long_name": "x (scan frame)"}),
        },
        attrs=attrs,
    )
    if not any(c["direction"] == "both" or c["direction"] == "bwd" for c in channels):
        ds = ds.sel(direction=["fwd"])
    return ds


def _sxm_channels(header: Mapping[str, str], path: PathLike) -> list[dict[str, str]]:
    info = header.get("DATA_INFO")
    if info is None:
        raise FileFormatError(path, "missing channel table", key="DATA_INFO")
    rows = [r.split("\t") for r in info.split("\n") if r.strip()]
    rows = [[c.strip() for c in r if c.strip()] for r in rows]
    if not rows or rows[0][:4] != ["Channel", "Name", "Unit", "Direction"]:
        raise FileFormatError(
            path, "channel table has no Channel/Name/Unit/Direction header", key="DATA_INFO"
        )
    out = []
    for r in rows[1:]:
        if len(r) < 4 or r[3] not in ("both", "fwd", "bwd"):
            raise FileFormatError(path, f"unreadable channel row {r!r}", key="DATA_INFO")
        out.append({"name": r[1], "unit": r[2], "direction": r[3]})
    if not out:
        raise FileFormatError(path, "no channels", key="DATA_INFO")
    return out


def write_sxm(ds: xr.Dataset, path: PathLike) -> PathLike:
    """Write an image Dataset (as returned by :func:`read_sxm`) as a Nanonis ``.sxm``.

    Parameters
    ----------
    ds
        Coordinates ``x``, ``y`` (nm, evenly spaced); variables with dims ``([direction,] y,
        x)`` and ``units`` attrs. Attrs used: ``bias_mV``, ``comment`` (a temperature goes into
        the comment, as on real instruments), ``temperature_K``, ``scan_angle_deg``.
    path
        Target file (written atomically).
    """
    for c in ("x", "y"):
        if c not in ds.coords or ds.sizes[c] < 2:
            raise FileFormatError(path, f"the Dataset needs an evenly spaced {c!r} coordinate")
    x = np.asarray(ds["x"].to_numpy(), float)
    y = np.asarray(ds["y"].to_numpy(), float)
    nx, ny = x.size, y.size
    dx, dy = (x[-1] - x[0]) / (nx - 1), (y[-1] - y[0]) / (ny - 1)
    rx, ry = dx * nx * 1e-9, dy * ny * 1e-9
    ox, oy = (x[0] - dx / 2) * 1e-9 + rx / 2, (y[0] - dy / 2) * 1e-9 + ry / 2
    chans = []
    images = []
    for v in ds.data_vars:
        da = ds[v]
        if not {"x", "y"} <= set(da.dims) or not set(da.dims) <= {"x", "y", "direction"}:
            continue
        unit = str(da.attrs.get("units", ""))
        name = str(da.attrs.get("original_name") or da.attrs.get("long_name") or v)
        name = re.sub(r"\s+", "_", name)
        if "direction" in da.dims:
            fwd = da.sel(direction="fwd").transpose("y", "x").to_numpy()
            bwd = (
                da.sel(direction="bwd").transpose("y", "x").to_numpy()
                if "bwd" in da["direction"].to_numpy()
                else None
            )
        else:
            fwd, bwd = da.transpose("y", "x").to_numpy(), None
        chans.append((name, unit, "both" if bwd is not None else "fwd"))
        images.append(fwd)
        if bwd is not None:
            images.append(bwd[:, ::-1])  # stored right to left, as acquired
    if not chans:
        raise FileFormatError(path, "no (y, x) image variable to write")
    a = ds.attrs
    comment = str(a.get("comment", ""))
    if "temperature_K" in a and _comment_temperature(comment) is None:
        comment = (comment + "\n" if comment else "") + f"{float(a['temperature_K']):g} K"
    hdr = [
        ("NANONIS_VERSION", "2"),
        ("SCANIT_TYPE", "              FLOAT            MSBFIRST"),
        ("REC_DATE", " 01.01.2024"),
        ("REC_TIME", "00:00:00"),
        ("REC_TEMP", "      290.0000000000"),
        ("ACQ_TIME", "        0.0"),
        ("SCAN_PIXELS", f"       {nx}       {ny}"),
        ("SCAN_FILE", str(path)),
        ("SCAN_TIME", "             1.000E+0             1.000E+0"),
        ("SCAN_RANGE", f"           {rx:.6E}           {ry:.6E}"),
        ("SCAN_OFFSET", f"             {ox:.6E}         {oy:.6E}"),
        ("SCAN_ANGLE", f"            {float(a.get('scan_angle_deg', 0.0)):.3E}"),
        ("SCAN_DIR", "up"),
        ("BIAS", f"            {float(a.get('bias_mV', 0.0)) / _SI_TO_MILLI:.3E}"),
        ("COMMENT", comment),
    ]
    if "setpoint_current_A" in a:
        hdr += [
            ("Z-Controller>Setpoint", f"{float(a['setpoint_current_A']):.6E}"),
            ("Z-Controller>Setpoint unit", "A"),
        ]
    table = "\tChannel\tName\tUnit\tDirection\tCalibration\tOffset\n" + "".join(
        f"\t{i}\t{n}\t{u}\t{d}\t1.000E+0\t0.000E+0\n" for i, (n, u, d) in enumerate(chans)
    )
    text = "".join(f":{k}:\n{v}\n" for k, v in hdr) + ":DATA_INFO:\n" + table + "\n"
    body = np.stack(images).astype(">f4").tobytes()
    return atomic_write(path, text.encode("latin-1") + b":SCANIT_END:\n\n\n\x1a\x04" + body)


# ---------------------------------------------------------------------------------------------
# .3ds grid spectroscopy


def _parse_3ds_header(text: str) -> dict[str, str]:
    header: dict[str, str] = {}
    for line in text.split("\n"):
        s = line.rstrip("\r")
        if "=" not in s:
            continue
        k, _, v = s.partition("=")
        header[k.strip()] = v.strip().strip('"')
    return header


def read_3ds(path: PathLike) -> xr.Dataset:
    """Read a Nanonis ``.3ds`` grid spectroscopy file (complete or aborted).

    Returns
    -------
    xarray.Dataset
        Dims ``(y, x, bias)`` (the sweep signal's own name if it is not the bias); ``bias`` in
        mV; ``x``/``y`` grid indices with ``pixel_size_nm`` and the grid geometry in attrs.
        One variable per channel (canonical names as in :func:`read_nanonis_spectrum`), and
        the per-pixel parameters (``tip_x_nm``, ``tip_y_nm``, ``z_nm``...) with dims (y, x).
        Pixels an aborted grid never measured are NaN; ``pixels_measured`` counts the others.

    Raises
    ------
    FileFormatError
        Missing keys (``Grid dim``, ``Points``, ``Channels``, ``# Parameters (4 byte)``), named.
    """
    raw = read_bytes(path)
    end = raw.find(b":HEADER_END:")
    if end < 0:
        raise FileFormatError(path, "not a Nanonis .3ds file (no :HEADER_END:)", key="HEADER_END")
    header = _parse_3ds_header(decode(raw[:end]))
    nl = raw.find(b"\n", end)
    start = (nl + 1) if nl >= 0 else len(raw)
    try:
        gx, gy = (int(v) for v in re.split(r"\s*x\s*", header["Grid dim"]))
    except (KeyError, ValueError):
        raise FileFormatError(
            path, "missing or unreadable (want 'N x M')", key="Grid dim"
        ) from None
    try:
        npts = int(header["Points"])
    except (KeyError, ValueError):
        raise FileFormatError(path, "missing or not an integer", key="Points") from None
    nparam_key = "# Parameters (4 byte)"
    try:
        nparam = int(header[nparam_key])
    except (KeyError, ValueError):
        raise FileFormatError(path, "missing or not an integer", key=nparam_key) from None
    chans = [c for c in header.get("Channels", "").split(";") if c.strip()]
    if not chans:
        raise FileFormatError(path, "no channels", key="Channels")
    if not (0 < gx <= 4096 and 0 < gy <= 4096 and 0 < npts <= 1_000_000 and 0 <= nparam < 1000):
        raise FileFormatError(path, "implausible grid size", key="Grid dim")
    fixed = [p for p in header.get("Fixed parameters", "").split(";") if p.strip()]
    exper = [p for p in header.get("Experiment parameters", "").split(";") if p.strip()]
    pnames = fixed + exper
    if len(pnames) != nparam:
        pnames = (pnames + [f"param{i}" for i in range(nparam)])[:nparam]
    per_pixel = nparam + len(chans) * npts
    if gx * gy * per_pixel > 250_000_000:  # 2 GB of float64: a damaged header, not a grid
        raise FileFormatError(
            path, f"grid of {gx} x {gy} x {per_pixel} values is implausibly large", key="Grid dim"
        )
    nvals = (len(raw) - start) // 4
    npix_file = min(nvals // per_pixel, gx * gy)
    flat = np.full(gx * gy * per_pixel, np.nan)
    if npix_file:
        flat[: npix_file * per_pixel] = np.frombuffer(
            raw, dtype=">f4", count=npix_file * per_pixel, offset=start
        )
    block = flat.reshape(gy, gx, per_pixel)
    params = block[:, :, :nparam]
    sweeps = block[:, :, nparam:].reshape(gy, gx, len(chans), npts)
    measured = np.isfinite(sweeps).any(axis=(2, 3))
    # Sweep axis from the first measured pixel's Sweep Start / Sweep End.
    sig = header.get("Sweep Signal", "Bias (V)")
    sbase, sunit = unit_of(sig)
    i_start = pnames.index("Sweep Start") if "Sweep Start" in pnames else 0
    i_end = pnames.index("Sweep End") if "Sweep End" in pnames else 1
    if measured.any() and nparam >= 2:
        iy, ix = np.argwhere(measured)[0]
        s0, s1 = params[iy, ix, i_start], params[iy, ix, i_end]
    else:
        s0, s1 = np.nan, np.nan
    if not (np.isfinite(s0) and np.isfinite(s1)):
        raise FileFormatError(path, "no measured pixel gives the sweep range", key="Sweep Start")
    sv = np.linspace(s0, s1, npts)
    if "bias" in sbase.lower() and sunit == "V":
        sdim, svals, sunits = "bias", sv * _SI_TO_MILLI, "mV"
    else:
        sdim, svals, sunits = snake(sbase), sv, sunit
    data_vars = {}
    for j, c in enumerate(chans):
        base, unit = unit_of(c)
        name, long = _canonical(base, unit)
        data_vars[name] = (
            ("y", "x", sdim),
            sweeps[:, :, j, :],
            {"units": unit, "long_name": long, "original_name": c},
        )
    for j, p in enumerate(pnames):
        base, unit = unit_of(p)
        vals = params[:, :, j]
        if unit == "m":
            name, vals, unit = "tip_" + snake(base) + "_nm", vals * 1e9, "nm"
            if base.strip().lower() in ("z", "z offset", "final z"):
                name = snake(base) + "_nm"
        else:
            name = "param_" + snake(base) + _unit_suffix(unit)
        while name in data_vars:
            name += "_"
        data_vars[name] = (("y", "x"), vals, {"units": unit, "original_name": p})
    attrs: dict[str, object] = {
        "source_file": str(path),
        "instrument": "Nanonis",
        "tsclab_version": __version__,
        "experiment": header.get("Experiment", ""),
        "grid_dim": [gx, gy],
        "pixels_measured": int(measured.sum()),
        "aborted": bool(measured.sum() < gx * gy),
        "date": header.get("Start time", ""),
    }
    gs = [parse_float(v) for v in header.get("Grid settings", "").split(";")]
    if len(gs) >= 4 and all(v is not None for v in gs[:4]):
        cx, cy, wx, wy = (float(v) for v in gs[:4])  # type: ignore[arg-type]
        attrs["grid_center_nm"] = [cx * 1e9, cy * 1e9]
        attrs["grid_size_nm"] = [wx * 1e9, wy * 1e9]
        attrs["pixel_size_nm"] = [wx / max(gx - 1, 1) * 1e9, wy / max(gy - 1, 1) * 1e9]
        if len(gs) >= 5 and gs[4] is not None:
            attrs["grid_angle_deg"] = float(gs[4])
    t, tkey = _temperature_from_header(header)
    if t is not None:
        attrs["temperature_K"], attrs["temperature_source"] = t, f"header: {tkey}"
    attrs.update(_lockin_attrs(header))
    attrs.update(_setpoint_attrs(header))
    return xr.Dataset(
        data_vars,
        coords={
            "y": ("y", np.arange(gy)),
            "x": ("x", np.arange(gx)),
            sdim: (sdim, svals, {"units": sunits, "original_name": sig}),
        },
        attrs=attrs,
    )


def write_3ds(ds: xr.Dataset, path: PathLike, *, pixels: int | None = None) -> PathLike:
    """Write a grid Dataset ``(y, x, bias)`` as a Nanonis ``.3ds``.

    Parameters
    ----------
    ds
        Variables with dims ``(y, x, bias)`` (``bias`` in mV); attrs ``pixel_size_nm`` and
        ``grid_center_nm`` are used for the grid geometry when present.
    path
        Target file (written atomically).
    pixels
        Write only the first ``pixels`` grid points (an aborted grid, for tests).
    """
    if "bias" not in ds.coords:
        raise FileFormatError(path, "the Dataset needs a 'bias' coordinate (mV)", key="bias")
    gy, gx = ds.sizes.get("y", 0), ds.sizes.get("x", 0)
    if not gx or not gy:
        raise FileFormatError(path, "the Dataset needs 'y' and 'x' dimensions")
    bias_V = np.asarray(ds["bias"].to_numpy(), float) / _SI_TO_MILLI
    npts = bias_V.size
    names = {"current_A": "Current (A)", "didv": "LI Demod 1 X (A)", "didv_y": "LI Demod 1 Y (A)"}
    chans, arrays = [], []
    for v in ds.data_vars:
        da = ds[v]
        if set(da.dims) != {"y", "x", "bias"}:
            continue
        label = names.get(str(v)) or str(da.attrs.get("original_name") or "")
        if not label:
            label = f"{da.attrs.get('long_name', v)} ({da.attrs.get('units', '')})"
        chans.append(label)
        arrays.append(da.transpose("y", "x", "bias").to_numpy().astype(float))
    if not chans:
        raise FileFormatError(path, "no (y, x, bias) variable to write")
    pix = ds.attrs.get("pixel_size_nm", [1.0, 1.0])
    cen = ds.attrs.get("grid_center_nm", [0.0, 0.0])
    wx, wy = float(pix[0]) * (gx - 1) * 1e-9, float(pix[1]) * (gy - 1) * 1e-9
    exper = ["X (m)", "Y (m)", "Z (m)"]
    params = np.zeros((gy, gx, 2 + len(exper)))
    params[:, :, 0], params[:, :, 1] = bias_V[0], bias_V[-1]
    xs = (float(cen[0]) * 1e-9 - wx / 2) + np.arange(gx) * float(pix[0]) * 1e-9
    ys = (float(cen[1]) * 1e-9 - wy / 2) + np.arange(gy) * float(pix[1]) * 1e-9
    params[:, :, 2] = xs[None, :]
    params[:, :, 3] = ys[:, None]
    a = ds.attrs
    lines = [
        f'Grid dim="{gx} x {gy}"',
        f"Grid settings={float(cen[0]) * 1e-9:.6E};{float(cen[1]) * 1e-9:.6E};"
        f"{wx:.6E};{wy:.6E};0.000000E+0",
        "Filetype=Linear",
        'Sweep Signal="Bias (V)"',
        'Fixed parameters="Sweep Start;Sweep End"',
        'Experiment parameters="' + ";".join(exper) + '"',
        f"# Parameters (4 byte)={params.shape[2]}",
        f"Experiment size (bytes)={npts * len(chans) * 4}",
        f"Points={npts}",
        'Channels="' + ";".join(chans) + '"',
        "Delay before measuring (s)=0E+0",
        'Experiment="Grid Spectroscopy"',
        f'Start time="{a.get("date", "01.01.2024 00:00:00")}"',
        f"User=tsclab {__version__}",
    ]
    if "temperature_K" in a:
        lines.append(f"Temperature 1>Temperature 1 (K)={float(a['temperature_K']):.6E}")
    if "modulation_mV" in a:
        lines.append(f"Lock-in>Amplitude={float(a['modulation_mV']) / _SI_TO_MILLI:.6E}")
        lines.append("Lock-in>Modulated signal=Bias (V)")
    if "modulation_frequency_Hz" in a:
        lines.append(f"Lock-in>Frequency (Hz)={float(a['modulation_frequency_Hz']):.6E}")
    block = np.concatenate([params, *arrays], axis=2).reshape(gy * gx, -1)
    if pixels is not None:
        block = block[:pixels]
    body = block.astype(">f4").tobytes()
    text = "\r\n".join(lines) + "\r\n:HEADER_END:\r\n"
    return atomic_write(path, text.encode("latin-1") + body)
