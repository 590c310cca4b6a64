"""Plain text tables: two-column data for the analyses, multi-column tables with a header line,
and musrfit ``msr2data`` parameter tables."""

from __future__ import annotations

import re

import numpy as np
import xarray as xr

from .._version import __version__
from ..errors import FileFormatError
from ._common import PathLike, decode, header_unit_factor, read_bytes, snake, unit_of

__all__ = ["read_musrfit_table", "read_text_table", "read_two_column", "write_musrfit_table"]

_SPLIT = re.compile(r"[\s,;]+")
# a header cell: a name, optionally followed by its unit in brackets ("field (Oe)", "T [mK]")
_HEADER_CELL = re.compile(r"[^\s(\[]\S*(?:\s*(?:\([^()]*\)|\[[^\[\]]*\]))?|[(\[]\S*")


def _rows(path: PathLike) -> tuple[list[str] | None, list[tuple[int, list[str]]], int]:
    """(header cells or None, [(line number, cells)], line of the header or of the end) of a
    delimited text table.

    Comment lines start with ``#``; the first non-comment line is a header when any of its
    cells is not a number."""
    text = decode(read_bytes(path))
    if "\x00" in text[:4096]:
        raise FileFormatError(path, "binary content: not a text table", line=1)
    lines = text.split("\n")
    header = None
    rows = []
    delim = None
    hline = max(len(lines), 1)
    for i, line in enumerate(lines, start=1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if delim is None:
            delim = "\t" if "\t" in s else ("," if "," in s else (";" if ";" in s else None))
        cells = [c.strip() for c in (s.split(delim) if delim else s.split())]
        if delim in ("\t", ","):
            while cells and cells[-1] == "":
                cells.pop()
        if header is None and not rows and not all(_isnum(c) for c in cells):
            # whitespace-separated header: "T (K)  R (ohm)" names two columns, not four
            header = _HEADER_CELL.findall(s) if delim is None else cells
            hline = i
            continue
        rows.append((i, cells))
    return header, rows, hline


def _isnum(c: str) -> bool:
    try:
        float(c)
    except ValueError:
        return False
    return True


def read_two_column(
    path: PathLike, x_name: str, x_units: str, y_name: str, y_units: str
) -> xr.Dataset:
    """Read a two-column text file (CSV, whitespace or TAB; ``#`` comments; one header line
    allowed) into a Dataset with dimension ``x_name`` and variable ``y_name``.

    A header that states units (``T (mK)``, ``field [Oe]``, ``R_kohm``) is honoured: the values
    are converted to ``x_units``/``y_units`` (prefixes; Oe and G to tesla as mu0 H; the unit
    found is kept in the ``original_units`` attribute). Without a header, or with a header
    that names no unit, the values are taken to be in ``x_units``/``y_units``.

    Parameters
    ----------
    path
        The file.
    x_name, x_units
        Name and units of the first column (becomes the dimension coordinate).
    y_name, y_units
        Name and units of the second column.

    Raises
    ------
    FileFormatError
        A row without exactly two columns, a non-numeric cell or a NaN/inf (with its line); a
        header unit that is not a unit of the requested quantity (``T (V)`` for kelvin).

    Examples
    --------
    >>> ds = read_two_column("rt.csv", "temperature", "K", "r_ohm", "ohm")  # doctest: +SKIP
    """
    header, rows, hline = _rows(path)
    if not rows:
        raise FileFormatError(path, "no numeric rows", line=hline)
    if header is not None and len(header) != 2:
        raise FileFormatError(path, f"header names {len(header)} columns, expected 2", line=hline)
    fx, ux = header_unit_factor(path, header[0], x_units, line=hline) if header else (1.0, "")
    fy, uy = header_unit_factor(path, header[1], y_units, line=hline) if header else (1.0, "")
    xs, ys = [], []
    for line, cells in rows:
        if len(cells) != 2:
            raise FileFormatError(path, f"{len(cells)} columns, expected 2", line=line)
        try:
            x, y = float(cells[0]), float(cells[1])
        except ValueError:
            raise FileFormatError(path, "non-numeric value", line=line) from None
        if not (np.isfinite(x) and np.isfinite(y)):
            raise FileFormatError(path, "NaN or infinite value", line=line)
        xs.append(x)
        ys.append(y)
    return xr.Dataset(
        {
            y_name: (
                x_name,
                np.asarray(ys) * fy,
                {"units": y_units, "long_name": y_name, "original_units": uy or y_units},
            )
        },
        coords={
            x_name: (
                x_name,
                np.asarray(xs) * fx,
                {"units": x_units, "original_units": ux or x_units},
            )
        },
        attrs={
            "source_file": str(path),
            "instrument": "text",
            "tsclab_version": __version__,
            "original_columns": header or [],
            "header_line": hline if header else 0,
        },
    )


def read_text_table(path: PathLike) -> xr.Dataset:
    """Read a delimited text table with a header line (``bias (mV)  dI/dV_1 ...``).

    Returns
    -------
    xarray.Dataset
        Dimension ``point``; one variable per column named ``<snake name>[_<unit>]`` with the
        header cell in ``original_name`` and the unit (from ``(unit)``) in ``units``. NaN cells
        are kept.

    Raises
    ------
    FileFormatError
        No header, ragged rows or non-numeric cells (with the line).
    """
    header, rows, hline = _rows(path)
    if header is None:
        raise FileFormatError(path, "no header line naming the columns", line=1)
    if not rows:
        raise FileFormatError(path, "no numeric rows", line=hline)
    n = len(header)
    arr = np.empty((len(rows), n))
    for k, (line, cells) in enumerate(rows):
        if len(cells) != n:
            raise FileFormatError(path, f"{len(cells)} columns, the header names {n}", line=line)
        try:
            arr[k] = [float(c) for c in cells]
        except ValueError:
            raise FileFormatError(path, "non-numeric value", line=line) from None
    data_vars = {}
    for j, h in enumerate(header):
        base, unit = unit_of(h)
        name = snake(base) + (
            ("_" + re.sub(r"[^0-9A-Za-z]+", "_", unit).strip("_")) if unit else ""
        )
        while name in data_vars:
            name += "_"
        data_vars[name] = (
            "point",
            arr[:, j],
            {"units": unit, "long_name": base, "original_name": h},
        )
    return xr.Dataset(
        data_vars,
        coords={"point": ("point", np.arange(len(rows)))},
        attrs={
            "source_file": str(path),
            "instrument": "text",
            "tsclab_version": __version__,
            "header_line": hline,
        },
    )


def read_musrfit_table(path: PathLike) -> xr.Dataset:
    """Read a musrfit ``msr2data`` parameter table: the ASCII column output (``msr2data ...
    data``) or the DB output (``name = value, err+, err-,\\`` blocks closed by
    ``RUN,,, title``).

    The header line names ``<par>``, ``<par>PosErr``, ``<par>NegErr`` for each fit parameter
    (MINOS errors; both equal to the HESSE error when MINOS was not run), ``<data>Err`` for the
    run's own data (``dataT``, ``dataTErr``, ``dataB``, ``dataE``...), and ``CHISQ``/``maxLH``,
    ``NDF``, ``CHISQred``, ``RUN``.

    Returns
    -------
    xarray.Dataset
        Dimension ``run`` (coordinate: the run numbers). For each parameter ``p``: variables
        ``p``, ``p_pos_err`` (positive error) and ``p_neg_err`` (negative error, stored as a
        positive magnitude); ``x_err`` for symmetric errors. ``temperature_K`` (from
        ``dataT``), ``field_G`` (``dataB``, gauss as musrfit writes it) and
        ``energy_keV`` (``dataE``) are copied under canonical names.

    Reference: A. Suter and B. M. Wojek, Phys. Procedia 30, 69 (2012) (musrfit); the column
    layout follows ``PMsr2Data::WriteOutput``.

    Raises
    ------
    FileFormatError
        No header, ragged rows, non-numeric cells, or no RUN column.
    """
    text = decode(read_bytes(path))
    lines = [(i, ln.strip()) for i, ln in enumerate(text.split("\n"), 1)]
    lines = [(i, s) for i, s in lines if s and not s.startswith("#")]
    if not lines:
        raise FileFormatError(path, "empty file", line=1)
    if any(s == "\\-e" for _, s in lines):
        names, rows, hline = _msr2data_db(path, lines)
        return _musrfit_dataset(path, names, rows, hline)
    hline, hdr = lines[0]
    names = hdr.split()
    if "RUN" not in names:
        raise FileFormatError(path, "no RUN column: not an msr2data table", line=hline, key="RUN")
    n = len(names)
    arr = np.empty((len(lines) - 1, n))
    for k, (i, s) in enumerate(lines[1:]):
        cells = s.split()
        if len(cells) != n:
            raise FileFormatError(path, f"{len(cells)} columns, the header names {n}", line=i)
        try:
            arr[k] = [float(c) for c in cells]
        except ValueError:
            raise FileFormatError(path, "non-numeric value", line=i) from None
    if arr.shape[0] == 0:
        raise FileFormatError(path, "no data rows", line=hline)
    return _musrfit_dataset(path, names, arr, hline)


_DB_ENTRY = re.compile(r"^(\S+)\s*=\s*([^,]*),\s*([^,]*),\s*([^,]*),?\s*\\?$")
_DB_END = re.compile(r"^(\d+),,,(.*)$")


def _msr2data_db(
    path: PathLike, lines: list[tuple[int, str]]
) -> tuple[list[str], np.ndarray, int]:
    """Columns of an msr2data DB file: per run, ``name = value, poserr, negerr,\\`` lines closed
    by ``RUN,,, title``; returned in the ASCII-table layout (``xPosErr``, ``xNegErr``)."""
    start = next(k for k, (_, s) in enumerate(lines) if s == "\\-e")
    hline = lines[start][0]
    order: list[str] = []
    runs: list[dict[str, float]] = []
    cur: dict[str, float] = {}
    for i, s in lines[start + 1 :]:
        m = _DB_END.match(s)
        if m:
            cur["RUN"] = float(m.group(1))
            runs.append(cur)
            cur = {}
            continue
        m = _DB_ENTRY.match(s)
        if not m:
            raise FileFormatError(path, "not a 'name = value, err+, err-,' entry", line=i)
        name = m.group(1)
        try:
            vals = [float(v) if v.strip() else 0.0 for v in m.group(2, 3, 4)]
        except ValueError:
            raise FileFormatError(path, "non-numeric value", line=i, key=name) from None
        if name not in order:
            order.append(name)
        cur[name], cur[name + "PosErr"], cur[name + "NegErr"] = vals
    if cur:
        raise FileFormatError(path, "last run block has no 'RUN,,, title' line", line=i)
    if not runs:
        raise FileFormatError(path, "no run blocks after \\-e", line=hline)
    names = [c for nm in order for c in (nm, nm + "PosErr", nm + "NegErr")] + ["RUN"]
    arr = np.array([[r.get(c, np.nan) for c in names] for r in runs], dtype=float)
    return names, arr, hline


def _musrfit_dataset(path: PathLike, names: list[str], arr: np.ndarray, hline: int) -> xr.Dataset:
    if "RUN" not in names:
        raise FileFormatError(path, "no RUN column", line=hline, key="RUN")
    col = {nm: arr[:, j] for j, nm in enumerate(names)}
    run = col["RUN"].astype(np.int64)
    data_vars: dict[str, tuple] = {}
    for nm in names:
        if nm == "RUN" or re.search(r"(PosErr|NegErr|Err)$", nm):
            continue
        attrs = {"original_name": nm}
        data_vars[nm] = ("run", col[nm], attrs)
        if nm + "PosErr" in col:
            data_vars[nm + "_pos_err"] = (
                "run",
                np.abs(col[nm + "PosErr"]),
                {"original_name": nm + "PosErr"},
            )
        if nm + "NegErr" in col:
            data_vars[nm + "_neg_err"] = (
                "run",
                np.abs(col[nm + "NegErr"]),
                {"original_name": nm + "NegErr"},
            )
        if nm + "Err" in col:
            data_vars[nm + "_err"] = (
                "run",
                np.abs(col[nm + "Err"]),
                {"original_name": nm + "Err"},
            )
    for nm in ("dataT", "dataB", "dataE"):
        # DB files give data values with (pos, neg) errors: keep the symmetric one.
        if nm in col and nm + "PosErr" in col and nm + "Err" not in col:
            data_vars[nm + "_err"] = ("run", np.abs(col[nm + "PosErr"]), {"original_name": nm})
    canon = {
        "dataT": ("temperature_K", "K"),
        "dataB": ("field_G", "G"),
        "dataE": ("energy_keV", "keV"),
    }
    for src, (dst, unit) in canon.items():
        if src in data_vars:
            data_vars[dst] = ("run", col[src], {"units": unit, "original_name": src})
            if src + "_err" in data_vars:
                data_vars[dst.rsplit("_", 1)[0] + "_err_" + unit] = (
                    "run",
                    data_vars[src + "_err"][1],
                    {"units": unit, "original_name": src + "Err"},
                )
    return xr.Dataset(
        data_vars,
        coords={"run": ("run", run)},
        attrs={
            "source_file": str(path),
            "instrument": "musrfit msr2data",
            "tsclab_version": __version__,
        },
    )


def write_musrfit_table(ds: xr.Dataset, path: PathLike) -> PathLike:
    """Write fit parameters per run as a musrfit ``msr2data`` ASCII table
    (:func:`read_musrfit_table` reads it back).

    Parameters
    ----------
    ds
        Dimension ``run`` (coordinate: run numbers). ``temperature_K`` (with
        ``temperature_err_K``), ``field_G`` and ``energy_keV`` become ``dataT``(``Err``),
        ``dataB``, ``dataE``; every other variable ``p`` with ``p_pos_err`` and ``p_neg_err``
        (or a symmetric ``p_err``) becomes ``p``, ``pPosErr``, ``pNegErr``; ``CHISQ``, ``NDF``
        and ``CHISQred`` are copied when present.
    path
        Target file (written atomically).
    """
    from ..results import atomic_write

    if "run" not in ds.dims:
        raise FileFormatError(
            path, "the Dataset needs a 'run' dimension to be written as msr2data"
        )
    cols: list[tuple[str, np.ndarray]] = []
    canon = (
        ("temperature_K", "dataT", "temperature_err_K"),
        ("field_G", "dataB", None),
        ("energy_keV", "dataE", None),
    )
    used = {"CHISQ", "NDF", "CHISQred"}
    for var, name, err in canon:
        if var in ds:
            cols.append((name, ds[var].values))
            used.add(var)
            if err and err in ds:
                cols.append((name + "Err", ds[err].values))
                used.add(err)
    for var in ds.data_vars:
        v = str(var)
        if v in used or v.endswith(("_pos_err", "_neg_err", "_err")) or v.startswith("data"):
            continue
        cols.append((v, ds[v].values))
        pos = ds.get(v + "_pos_err", ds.get(v + "_err"))
        neg = ds.get(v + "_neg_err", ds.get(v + "_err"))
        if pos is not None:
            cols.append((v + "PosErr", pos.values))
            cols.append((v + "NegErr", -np.abs(neg.values)))
    for v in ("CHISQ", "NDF", "CHISQred"):
        if v in ds:
            cols.append((v, ds[v].values))
    cols.append(("RUN", ds["run"].values))
    lines = ["  ".join(f"{n:<14s}" for n, _ in cols)]
    for i in range(ds.sizes["run"]):
        lines.append(
            "  ".join(f"{float(c[i]):<14.8g}" if n != "RUN" else f"{int(c[i])}" for n, c in cols)
        )
    atomic_write(path, "\n".join(lines) + "\n")
    return path
