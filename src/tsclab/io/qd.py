"""Quantum Design PPMS / MPMS3 ``.dat`` files (Resistivity, ACT, ETO, VSM, MPMS3): read and write.

A QD file is a ``[Header]`` of comma-separated records (``TITLE``, ``BYAPP``, ``INFO``,
``FIELDGROUP``...) followed by ``[Data]``: one line of column names, then one CSV row per
logged point. Files re-saved by spreadsheets may be TAB-delimited, with trailing delimiters.

The reader maps the columns it knows to canonical variables (``temperature_K``, ``field_T``
converted from Oe, ``resistance_ohm`` per channel, ``moment_emu``...) and keeps every other
column that holds data under a snake_case name; each variable keeps its column name in
``attrs["original_name"]``. Rows are never dropped: a channel that was not measured on a row
(ACT alternates channels row by row) is NaN there.

Reference: Quantum Design, *PPMS Resistivity Option User's Manual* (1070-150) and *AC Transport
Option User's Manual* (1084-100), data-file format appendices.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from .._version import __version__
from ..errors import FileFormatError
from ..results import atomic_write
from ._common import PathLike, _nul_line, decode, read_bytes, snake, text_encoding, unit_of

__all__ = ["qd_channels", "read_qd_dat", "write_qd_dat"]

OE_TO_T = 1e-4  # 1 Oe corresponds to mu0*H = 1e-4 T (CGS-Gaussian definition of the oersted)

# Header keys of INFO records: all-caps identifiers (ACT, MPMS3) or "SampleN Something"
# (MultiVu Resistivity). The key is the last field in most generations, the first in a few
# ("INFO, APPNAME, PPMS MultiVu Application, 1.5.11").
_INFO_KEY = re.compile(r"^(?:[A-Z][A-Z0-9_]*|Sample\d+ [A-Za-z .]+)$")

# Temperature-status nibble of "Status (code)" (MultiVu): 1 stable at target, 2 tracking a
# sweep; 0 unknown. Other values mean the system was still approaching/waiting for its set point.
_T_STATUS_OK = {0, 1, 2}


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    name: str  # canonical variable name
    units: str | None  # None: take the unit from the column label (group "u")
    scale: float = 1.0
    long_name: str = ""


def _r(p: str) -> re.Pattern[str]:
    return re.compile(p, re.IGNORECASE)


# Per-point quantities (first matching column that holds data wins).
_POINT_RULES = [
    _Rule(_r(r"^Time Stamp \(sec\)$"), "time_s", "s", 1.0, "time stamp"),
    _Rule(_r(r"^Temperature \(K\)$"), "temperature_K", "K", 1.0, "temperature"),
    _Rule(_r(r"^Average Temp \(K\)$"), "temperature_K", "K", 1.0, "temperature"),
    _Rule(_r(r"^Magnetic Field \(Oe\)$"), "field_T", "T", OE_TO_T, "magnetic field"),
    _Rule(_r(r"^Field \(Oe\)$"), "field_T", "T", OE_TO_T, "magnetic field"),
    _Rule(_r(r"^Sample Position \(deg\)$"), "angle_deg", "deg", 1.0, "rotator angle"),
    _Rule(_r(r"^Rotation Angle \(deg\)$"), "angle_deg", "deg", 1.0, "rotator angle"),
    _Rule(_r(r"^Status \(code\)$"), "status_code", "", 1.0, "MultiVu status code"),
    _Rule(_r(r"^Moment \(emu\)$"), "moment_emu", "emu", 1.0, "magnetic moment"),
    _Rule(_r(r"^DC Moment Free Ctr \(emu\)$"), "moment_emu", "emu", 1.0, "magnetic moment"),
    _Rule(_r(r"^Long Moment \(emu\)$"), "moment_emu", "emu", 1.0, "magnetic moment"),
    _Rule(_r(r"^M\. Std\. Err\. \(emu\)$"), "moment_stderr_emu", "emu", 1.0, "moment std. error"),
    _Rule(_r(r"^Excitation \(mA\)$"), "excitation_mA", "mA", 1.0, "AC excitation"),
    _Rule(_r(r"^Frequency \(Hz\)$"), "frequency_Hz", "Hz", 1.0, "excitation frequency"),
]

# Per-channel quantities: group "c" is the channel number.
_CHANNEL_RULES = [
    # Resistivity option: bridge resistance is the raw R = V/I; resistivity uses the geometry.
    _Rule(
        _r(r"^Bridge (?P<c>\d) Resistance \(Ohms?\)$"), "resistance_ohm", "ohm", 1.0, "resistance"
    ),
    _Rule(
        _r(r"^Bridge (?P<c>\d) Resistivity \((?P<u>[^)]*)\)$"),
        "resistivity",
        None,
        1.0,
        "resistivity",
    ),
    _Rule(_r(r"^Bridge (?P<c>\d) Excitation \(uA\)$"), "excitation_uA", "uA", 1.0, "excitation"),
    _Rule(
        _r(r"^Bridge (?P<c>\d) Std\. Dev\. \((?P<u>[^)]*)\)$"),
        "resistivity_std",
        None,
        1.0,
        "resistivity std. dev.",
    ),
    # ETO.
    _Rule(_r(r"^Resistance Ch ?(?P<c>\d) \(Ohms?\)$"), "resistance_ohm", "ohm", 1.0, "resistance"),
    _Rule(
        _r(r"^Resistance Std\. ?Dev\. Ch ?(?P<c>\d) \(Ohms?\)$"),
        "resistance_std_ohm",
        "ohm",
        1.0,
        "resistance std. dev.",
    ),
    _Rule(_r(r"^Phase Angle Ch ?(?P<c>\d) \(deg\)$"), "phase_deg", "deg", 1.0, "lock-in phase"),
    _Rule(_r(r"^Current Ch ?(?P<c>\d) \(mA\)$"), "excitation_mA", "mA", 1.0, "excitation"),
    # ACT.
    _Rule(_r(r"^Res\. ch(?P<c>\d) \((?P<u>[^)]*)\)$"), "resistivity", None, 1.0, "resistivity"),
    _Rule(
        _r(r"^Res\. Std\.Dev\. ch(?P<c>\d)$"),
        "resistivity_std",
        None,
        1.0,
        "resistivity std. dev.",
    ),
    _Rule(
        _r(r"^Hall ch(?P<c>\d) \((?P<u>[^)]*)\)$"),
        "hall_coefficient",
        None,
        1.0,
        "Hall coefficient",
    ),
    _Rule(_r(r"^Volts ch(?P<c>\d)$"), "voltage_V", "V", 1.0, "voltage"),
]

_INSTRUMENTS = [
    (re.compile(r"ACTRANSPORT|AC Transport", re.I), "QD PPMS ACT"),
    (re.compile(r"Electrical Transport|ETO", re.I), "QD PPMS ETO"),
    (re.compile(r"Resistivity", re.I), "QD PPMS Resistivity"),
    (re.compile(r"MPMS3|SQUID", re.I), "QD MPMS3"),
    (re.compile(r"VSM", re.I), "QD PPMS VSM"),
    (re.compile(r"MPMS", re.I), "QD MPMS"),
]


# R = rho * L / A * factor, by (channel family, resistivity unit): ACT writes rho in ohm-cm
# with L in cm and A in cm^2 (factor 1; checked against Volts/Excitation of the same row); the
# Resistivity option takes L in mm and A in mm^2 (so rho[ohm-m] -> factor 1e3, rho[ohm-cm] ->
# 10; checked against its own raw "Bridge N Resistance" column). Other units: not converted.
_GEOMETRY_FACTOR = {("ch", "ohm-cm"): 1.0, ("bridge", "ohm-m"): 1e3, ("bridge", "ohm-cm"): 10.0}


def _split(line: str, delim: str) -> list[str]:
    if delim == ",":
        # Header values may be quoted and contain commas.
        try:
            fields = next(csv.reader([line], skipinitialspace=False), [])
        except csv.Error:  # a stray control character: fall back to a plain split
            fields = line.split(delim)
    else:
        fields = line.split(delim)
    fields = [f.strip() for f in fields]
    while fields and fields[-1] == "":
        fields.pop()
    return fields


def _parse_header(lines: list[str], delim: str, path: PathLike) -> dict[str, object]:
    """Header records into flat metadata (every INFO entry as ``info_<KEY>``)."""
    meta: dict[str, object] = {}
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        f = _split(line, delim)
        if not f:
            continue
        rec = f[0].upper()
        rest = f[1:]
        if rec == "INFO":
            if not rest:
                continue
            if len(rest) >= 2 and _INFO_KEY.match(rest[-1]):
                key, value = rest[-1], ", ".join(rest[:-1])
            elif len(rest) >= 2 and _INFO_KEY.match(rest[0]):
                key, value = rest[0], ", ".join(rest[1:])
            elif len(rest) >= 2:
                key, value = rest[-1], ", ".join(rest[:-1])
            else:
                key, value = rest[0], ""
            meta["info_" + snake(key).upper()] = value
        elif rec == "BYAPP":
            meta["byapp"] = ", ".join(rest)
        elif rec == "TITLE":
            meta["title"] = ", ".join(rest)
        elif rec == "FILEOPENTIME":
            meta["file_open_time"] = ", ".join(rest)
        elif rec == "TEMPERATURETOLERANCE" and rest:
            with contextlib.suppress(ValueError):
                meta["temperature_tolerance_K"] = float(rest[0])
        elif rec in ("FIELDGROUP", "STARTUPAXIS", "DATATYPE", "STARTUPGROUP", "PLOT_APPEARANCE"):
            continue  # plot configuration of MultiVu; nothing physical
        else:
            meta["header_" + snake(f[0])] = ", ".join(rest)
    return meta


def _instrument(meta: dict[str, object], columns: list[str]) -> str:
    byapp = str(meta.get("byapp", "")) + " " + str(meta.get("info_APPNAME", ""))
    for pat, name in _INSTRUMENTS:
        if pat.search(byapp):
            return name
    cols = " ".join(columns)
    if "Moment (emu)" in cols:
        return "QD MPMS3"
    if "Bridge 1 Resist" in cols:
        return "QD PPMS Resistivity"
    return "QD PPMS"


def _geometry(meta: dict[str, object], n: int) -> tuple[float | None, float | None, str]:
    """(cross section, length, units) of sample/channel ``n`` from INFO records, either style."""

    def num(key: str) -> float | None:
        v = meta.get(key)
        try:
            return float(str(v).replace(",", "").strip()) if v not in (None, "") else None
        except ValueError:
            return None

    area = num(f"info_SAMPLE{n}_CROSS_SECTION")
    length = num(f"info_SAMPLE{n}_LENGTH")
    if length is None:
        length = num(f"info_SAMPLE{n}_LEAD_SEPARATION")
    units = str(meta.get(f"info_SAMPLE{n}_UNITS", ""))
    return area, length, units


_DATA_MARK = re.compile(rb"^[ \t]*\[Data\][^\n]*\n", re.MULTILINE | re.IGNORECASE)


def _find_data_marker(raw: bytes, path: PathLike) -> tuple[int, int]:
    """(byte offset just after the ``[Data]`` line, 1-based line number of that line)."""
    m = _DATA_MARK.search(raw)
    if m is None:
        raise FileFormatError(
            path, "no [Data] section: not a complete Quantum Design .dat file", key="[Data]"
        )
    return m.end(), raw.count(b"\n", 0, m.start()) + 1


def read_qd_dat(path: PathLike) -> xr.Dataset:
    """Read a Quantum Design PPMS/MPMS ``.dat`` file into a Dataset.

    Parameters
    ----------
    path
        The ``.dat`` file (comma- or TAB-delimited; UTF-8 or Latin-1).

    Returns
    -------
    xarray.Dataset
        Dimension ``point`` (one per logged row, none dropped) and, when the file has
        per-channel columns, ``channel`` with labels ``"bridge1"``...``"bridge4"``
        (Resistivity) or ``"ch1"``, ``"ch2"`` (ACT, ETO). Variables: ``temperature_K``,
        ``field_T`` (converted from Oe), ``angle_deg``, ``time_s``, ``resistance_ohm``
        (point, channel), ``resistivity`` (units as in the file), ``hall_coefficient``,
        ``moment_emu``... plus every other column that holds data (snake_case names). Each
        variable has ``units``, ``long_name`` and ``original_name`` attrs. ``settling`` (bool)
        marks rows logged while the temperature had not reached its set point (MultiVu status).
        Dataset attrs: ``source_file``, ``instrument``, ``tsclab_version``, the header
        (``title``, ``byapp``, ``info_<KEY>``...), ``resistivity_is_resistance``: the
        channels whose "resistivity" is a resistance because the geometry was left at 1, and
        ``hall_channels``: the channels whose sample name says "Hall".

    Raises
    ------
    FileFormatError
        With the line number, for a missing ``[Data]`` section, ragged rows or non-numeric
        cells.

    Examples
    --------
    >>> ds = read_qd_dat("run.dat")  # doctest: +SKIP
    >>> ds.resistance_ohm.sel(channel="bridge1").dropna("point")  # doctest: +SKIP
    """
    raw = read_bytes(path)
    if b"\x00" in raw[:4096]:
        raise FileFormatError(
            path, "binary content: not a Quantum Design .dat text file", line=_nul_line(raw)
        )
    # Only the header and the column line are decoded here; the (possibly huge) data block goes
    # to pandas' C parser as bytes.
    start, data_line = _find_data_marker(raw, path)
    encoding = text_encoding(raw[:start])
    head = decode(raw[:start])
    if "[header]" not in head.lower():
        raise FileFormatError(path, "no [Header] section before [Data]", line=data_line)
    nl = raw.find(b"\n", start)
    colline = decode(raw[start:] if nl < 0 else raw[start:nl]).rstrip("\r")
    if not colline.strip():
        raise FileFormatError(path, "no column names after [Data]", line=data_line + 1)
    delim = "\t" if colline.count("\t") > colline.count(",") else ","
    header_lines = head.split("\n")
    meta = _parse_header(header_lines[1 : data_line - 1], delim, path)
    columns = _split(colline, delim)
    if len(set(columns)) != len(columns):
        dup = next(c for c in columns if columns.count(c) > 1)
        raise FileFormatError(path, f"column {dup!r} appears twice", line=data_line + 1)
    block = raw[nl + 1 :] if nl >= 0 else b""
    df = _read_block(path, block, columns, delim, data_line + 2, encoding)
    return _to_dataset(path, df, meta, columns, delim, encoding)


def _read_block(
    path: PathLike, block: bytes, columns: list[str], delim: str, first_line: int, encoding: str
) -> pd.DataFrame:
    text_cols = [c for c in columns if c.lower() == "comment"]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            df = pd.read_csv(
                io.BytesIO(block),
                sep=delim,
                encoding=encoding,
                encoding_errors="replace",
                header=None,
                names=columns,
                index_col=False,
                dtype=dict.fromkeys(text_cols, "object"),
                skip_blank_lines=True,
                engine="c",
                na_values=["", "NaN", "nan", "N/A"],
                keep_default_na=False,
            )
    except (ValueError, pd.errors.ParserError, IndexError) as exc:
        # Either a ragged row or a non-numeric cell: locate it for the message.
        raise _locate_bad_row(path, decode(block), columns, delim, first_line, exc) from None
    if caught:
        # pandas drops the cells of a row longer than the header (with a warning): refuse, unless
        # the extra cells are only trailing delimiters (spreadsheet re-saves).
        err = _locate_bad_row(path, decode(block), columns, delim, first_line, None)
        if err is not None:
            raise err
    if df.empty:
        raise FileFormatError(path, "the [Data] section has no rows", line=first_line)
    # Type inference is faster than imposed dtypes; a numeric column that came out as text
    # holds a non-numeric cell somewhere: find it for the message.
    if not all(pd.api.types.is_numeric_dtype(df[c]) for c in columns if c not in text_cols):
        err = _locate_bad_row(path, decode(block), columns, delim, first_line, None)
        raise err or FileFormatError(path, "non-numeric cells in [Data]", line=first_line)
    return df


def _locate_bad_row(
    path: PathLike,
    block: str,
    columns: list[str],
    delim: str,
    first_line: int,
    exc: Exception | None,
) -> FileFormatError | None:
    ncol = len(columns)
    for i, line in enumerate(block.split("\n")):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split(delim) if delim != "," else _split(line, delim)
        while len(fields) > ncol and fields[-1].strip() == "":
            fields.pop()
        if len(fields) > ncol:
            return FileFormatError(
                path, f"row has {len(fields)} fields, the header names {ncol}", line=first_line + i
            )
        for name, cell in zip(columns, fields, strict=False):
            if name.lower() == "comment":
                continue
            c = cell.strip()
            if c and c not in ("NaN", "nan", "N/A"):
                try:
                    float(c)
                except ValueError:
                    return FileFormatError(
                        path,
                        f"non-numeric value {c[:30]!r} in column {name!r}",
                        line=first_line + i,
                        key=name,
                    )
    if exc is None:
        return None
    return FileFormatError(path, f"unreadable [Data] block ({exc})", line=first_line)


def _to_dataset(
    path: PathLike,
    df: pd.DataFrame,
    meta: dict[str, object],
    columns: list[str],
    delim: str,
    encoding: str,
) -> xr.Dataset:
    npt = len(df)
    used: set[str] = set()
    data_vars: dict[str, tuple] = {}

    def has_data(col: str) -> bool:
        return pd.api.types.is_numeric_dtype(df[col]) and bool(df[col].notna().any())

    for rule in _POINT_RULES:
        if rule.name in data_vars:
            continue
        for col in columns:
            if col in used or not rule.pattern.match(col):
                continue
            if not has_data(col) and rule.name not in ("temperature_K", "field_T"):
                continue
            vals = df[col].to_numpy(dtype=float)
            if rule.scale != 1.0:
                vals = vals * rule.scale
            data_vars[rule.name] = (
                ("point",),
                vals,
                {"units": rule.units or "", "long_name": rule.long_name, "original_name": col},
            )
            used.add(col)
            break

    # Per-channel variables.
    chan: dict[str, dict[str, tuple[np.ndarray, str, str]]] = {}
    for col in columns:
        if col in used:
            continue
        for rule in _CHANNEL_RULES:
            m = rule.pattern.match(col)
            if not m:
                continue
            label = ("bridge" if col.lower().startswith("bridge") else "ch") + m.group("c")
            units = rule.units if rule.units is not None else m.groupdict().get("u", "") or ""
            chan.setdefault(rule.name, {})[label] = (df[col].to_numpy(dtype=float), units, col)
            used.add(col)
            break
    labels = sorted({lab for d in chan.values() for lab in d}, key=_channel_key)
    # ACT files also carry the (empty) system-bridge columns: keep one family of labels only
    # when the other holds no data at all.
    families = {lab.rstrip("0123456789") for lab in labels}
    if len(families) > 1:
        live = {lab for d in chan.values() for lab, v in d.items() if np.any(np.isfinite(v[0]))}
        live_fam = {lab.rstrip("0123456789") for lab in live}
        if len(live_fam) == 1:
            labels = [lab for lab in labels if lab.rstrip("0123456789") in live_fam]
            for d in chan.values():
                for lab in list(d):
                    if lab not in labels:
                        del d[lab]
    flags_unity: list[str] = []
    if labels:
        # ACT / Resistivity without raw resistance columns: R = rho * L / A with the geometry the
        # software used (exactly inverts its conversion); geometry 1 means rho already is R.
        res = chan.setdefault("resistance_ohm", {})
        for lab, (rho, units, col) in chan.get("resistivity", {}).items():
            n = int(lab[-1])
            area, length, _ = _geometry(meta, n)
            unity = (area in (None, 1.0)) and (length in (None, 1.0))
            if np.any(np.isfinite(rho)) and unity:
                flags_unity.append(lab)
            if lab in res:
                continue
            factor = _GEOMETRY_FACTOR.get((lab.rstrip("0123456789"), units.lower()))
            if unity:
                res[lab] = (rho.copy(), "ohm", col)
            elif area and length and factor is not None:
                res[lab] = (rho * length / area * factor, "ohm", col)
        for name, per in chan.items():
            arr = np.full((npt, len(labels)), np.nan)
            units = ""
            originals = []
            for j, lab in enumerate(labels):
                if lab in per:
                    arr[:, j] = per[lab][0]
                    units = units or per[lab][1]
                    originals.append(per[lab][2])
                else:
                    originals.append("")
            if not np.any(np.isfinite(arr)) and name != "resistance_ohm":
                continue
            attrs = {
                "units": units,
                "long_name": _long(name),
                "original_name": "; ".join(o for o in originals if o),
                "original_names": originals,
            }
            if name == "resistance_ohm":
                attrs["note"] = (
                    "raw bridge resistance where the file has it; else resistivity * length / "
                    "cross-section with the geometry in the header (geometry 1: resistivity "
                    "column taken as resistance)"
                )
            data_vars[name] = (("point", "channel"), arr, attrs)

    # ACT rows measured in Hall mode: the Hall resistance is V/I of the row (model-free; the
    # Hall coefficient column depends on the thickness the user typed in).
    if (
        "hall_coefficient" in data_vars
        and "voltage_V" in data_vars
        and "excitation_mA" in data_vars
    ):
        rh = data_vars["hall_coefficient"][1]
        v = data_vars["voltage_V"][1]
        i_a = data_vars["excitation_mA"][1][:, None] * 1e-3
        with np.errstate(divide="ignore", invalid="ignore"):
            rxy = np.where(np.isfinite(rh) & (i_a != 0), v / i_a, np.nan)
        data_vars["hall_resistance_ohm"] = (
            ("point", "channel"),
            rxy,
            {
                "units": "ohm",
                "long_name": "Hall resistance V/I (rows in Hall mode)",
                "original_name": "Volts chN / Excitation (mA)",
            },
        )

    # Everything else that holds numbers.
    for col in columns:
        if col in used or not has_data(col):
            continue
        name = snake(col)
        while name in data_vars:
            name += "_"
        _, u = unit_of(col)
        data_vars[name] = (
            ("point",),
            df[col].to_numpy(dtype=float),
            {"units": u, "long_name": col, "original_name": col},
        )
    for col in columns:
        if col.lower() == "comment" and df[col].notna().any():
            data_vars["comment"] = (
                ("point",),
                df[col].fillna("").astype(str).to_numpy(),
                {"original_name": col},
            )

    if "status_code" in data_vars:
        code = data_vars["status_code"][1]
        tnib = np.where(np.isfinite(code), code, 0).astype(np.int64) & 0xF
        settling = ~np.isin(tnib, list(_T_STATUS_OK))
    else:
        settling = np.zeros(npt, bool)
    data_vars["settling"] = (
        ("point",),
        settling,
        {"long_name": "temperature not yet at its set point (MultiVu status)"},
    )

    coords: dict[str, tuple] = {"point": ("point", np.arange(npt))}
    names: list[str] = []
    if labels:
        for lab in labels:
            n = int(lab[-1])
            names.append(
                str(meta.get(f"info_SAMPLE{n}_NAME") or meta.get(f"info_SAMPLE{n}_MATERIAL") or "")
            )
        coords["channel"] = ("channel", labels)
        coords["sample_name"] = ("channel", names)
    # Channels the user named as Hall channels (sample name/material contains "Hall").
    hall_channels = [lab for lab, nm in zip(labels, names, strict=True) if "hall" in nm.lower()]
    attrs: dict[str, object] = {
        "source_file": str(path),
        "instrument": _instrument(meta, columns),
        "tsclab_version": __version__,
        "delimiter": "tab" if delim == "\t" else "comma",
        "encoding": encoding,
        "resistivity_is_resistance": flags_unity,
        "hall_channels": hall_channels,
        "original_columns": list(columns),
    }
    attrs.update(meta)
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _channel_key(lab: str) -> tuple[int, int]:
    return (0 if lab.startswith("ch") else 1, int(lab[-1]))


def _long(name: str) -> str:
    for rule in _CHANNEL_RULES:
        if rule.name == name:
            return rule.long_name
    return name


def qd_channels(ds: xr.Dataset, var: str = "resistance_ohm") -> list[str]:
    """Channels of a QD Dataset whose ``var`` holds at least one finite value.

    Examples
    --------
    >>> qd_channels(read_qd_dat("run.dat"))  # doctest: +SKIP
    ['bridge1', 'bridge2']
    """
    if "channel" not in ds.dims or var not in ds:
        return []
    finite = np.isfinite(ds[var].transpose("point", "channel").to_numpy()).any(axis=0)
    return [str(c) for c, ok in zip(ds["channel"].to_numpy(), finite, strict=True) if ok]


# ---------------------------------------------------------------------------------------------
# Writer


def write_qd_dat(ds: xr.Dataset, path: PathLike, *, option: str = "Resistivity") -> PathLike:
    """Write a Dataset as a QD MultiVu ``.dat`` file that :func:`read_qd_dat` (and MultiVu-style
    tools) read back.

    Parameters
    ----------
    ds
        Dimension ``point``; any of ``time_s``, ``temperature_K``, ``field_T`` (written in Oe),
        ``angle_deg``, ``moment_emu``, and ``resistance_ohm`` (point[, channel]) with channel
        labels ``bridge1``..``bridge4`` (sample names from a ``sample_name`` coordinate). A
        ``hall_resistance_ohm`` (point) goes to the first free bridge with the sample name
        "Hall", as a lab wires a Hall bar (the reader lists it in ``hall_channels``). Missing
        values are written as empty cells.
    path
        Target file (written atomically).
    option
        ``"Resistivity"`` (bridge columns, geometry 1 so resistivity = resistance) or
        ``"VSM"`` (moment columns).

    Examples
    --------
    >>> write_qd_dat(ds, "sim.dat")  # doctest: +SKIP
    """
    if "point" not in ds.dims:
        raise FileFormatError(path, "the Dataset needs a 'point' dimension to be written as QD")
    npt = ds.sizes["point"]
    cols: list[tuple[str, np.ndarray]] = []

    def get(name: str, scale: float = 1.0) -> np.ndarray:
        if name in ds:
            return np.asarray(ds[name].to_numpy(), float) * scale
        return np.full(npt, np.nan)

    time = get("time_s")
    if not np.any(np.isfinite(time)):
        time = np.arange(npt, dtype=float)
    cols.append(("Time Stamp (sec)", time))
    cols.append(("Status (code)", get("status_code")))
    cols.append(("Temperature (K)", get("temperature_K")))
    cols.append(("Magnetic Field (Oe)", get("field_T", 1.0 / OE_TO_T)))
    cols.append(("Sample Position (deg)", get("angle_deg")))
    if option.upper() == "VSM":
        byapp = "VSM, 1.0, 1.0"
        cols.append(("Moment (emu)", get("moment_emu")))
        cols.append(("M. Std. Err. (emu)", get("moment_stderr_emu")))
        info = ["INFO,PPMS VSM Option (written by tsclab),APPNAME"]
    else:
        byapp = "Resistivity, 2.1, 1.0"
        res = ds.get("resistance_ohm")
        per: dict[int, np.ndarray] = {}
        if res is not None:
            if "channel" in res.dims:
                for lab in res["channel"].to_numpy():
                    m = re.search(r"(\d+)$", str(lab))
                    if m and 1 <= int(m.group(1)) <= 4:
                        per[int(m.group(1))] = res.sel(channel=lab).to_numpy().astype(float)
            else:
                per[1] = res.to_numpy().astype(float)
        names = {}
        if "sample_name" in ds.coords and "channel" in ds.dims:
            for lab, nm in zip(
                ds["channel"].to_numpy(), ds["sample_name"].to_numpy(), strict=True
            ):
                m = re.search(r"(\d+)$", str(lab))
                if m:
                    names[int(m.group(1))] = str(nm)
        hall = ds.get("hall_resistance_ohm")
        if hall is not None and hall.dims == ("point",):
            free = [n for n in range(1, 5) if n not in per]
            if not free:
                raise FileFormatError(path, "no free bridge for hall_resistance_ohm (4 in use)")
            per[free[0]] = hall.to_numpy().astype(float)
            names[free[0]] = "Hall"
        info = ["INFO, APPNAME, PPMS MultiVu Application (written by tsclab), 1.0"]
        for n in range(1, 5):
            info += [
                f"INFO, {names.get(n, '')}, Sample{n} Name",
                f"INFO, 1, Sample{n} Cross Section",
                f"INFO, 1, Sample{n} Length",
                f"INFO, Ohm, Sample{n} Units",
            ]
        for n in range(1, 5):
            cols.append((f"Bridge {n} Resistivity (Ohm)", per.get(n, np.full(npt, np.nan))))
        for n in range(1, 5):
            cols.append((f"Bridge {n} Resistance (Ohms)", per.get(n, np.full(npt, np.nan))))
    title = str(ds.attrs.get("title", "tsclab simulated data")).replace("\n", " ")
    lines = [
        "[Header]",
        "; Quantum Design MultiVu-format data file written by tsclab " + __version__,
        f"TITLE,{title}",
        f"BYAPP, {byapp}",
        *info,
        "DATATYPE, COMMENT, 1",
        "DATATYPE, TIME, 2",
        "[Data]",
        "Comment," + ",".join(c for c, _ in cols),
    ]
    out = io.StringIO()
    out.write("\r\n".join(lines) + "\r\n")
    # repr-precision floats (round trip exactly); NaN as an empty cell, as MultiVu writes.
    frame = pd.DataFrame({c: v for c, v in cols})
    frame.insert(0, "Comment", "")
    frame.to_csv(out, header=False, index=False, na_rep="", lineterminator="\r\n")
    return atomic_write(path, out.getvalue())
