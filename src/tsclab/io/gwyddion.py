"""Gwyddion ``.gwy`` files (through the maintained ``gwyfile`` library) and Gwyddion text
exports (bare matrices, with or without a ``#`` header).

``.gwy`` format: Gwyddion 2 serialization (magic ``GWYP``); Gwyddion 1.x files (``GWYO``) use a
different, undocumented object layout and are refused. Reference: D. Nečas and P. Klapetek,
*Gwyddion: an open-source software for SPM data analysis*, Cent. Eur. J. Phys. 10, 181 (2012);
file format: gwyddion.net/documentation/user-guide-en/gwyfile-format.html.
"""

from __future__ import annotations

import io
import re

import numpy as np
import xarray as xr

from .._version import __version__
from ..errors import FileFormatError, ParameterError, UnsupportedFormatError
from ..results import atomic_write
from ._common import PathLike, decode, read_bytes, snake

__all__ = ["read_gwy", "read_gwyddion_text", "write_gwy", "write_gwyddion_text"]

_SI_PREFIX = {"": 1.0, "m": 1.0}


def _to_nm(value: float, unit: str) -> tuple[float, str]:
    """Lateral size in nm when the unit is metres; else unchanged."""
    if unit == "m":
        return value * 1e9, "nm"
    return value, unit


def read_gwy(path: PathLike) -> xr.Dataset:
    """Read every data channel (``/N/data``) of a Gwyddion 2 ``.gwy`` file.

    Returns
    -------
    xarray.Dataset
        One variable per channel, dims ``(y, x)``, named from its title (snake_case; ``ch<N>``
        when untitled), ``units`` from the z unit. Coordinates ``x``, ``y`` (nm when the lateral
        unit is metres, else the file's lateral unit; pixel centres). Attrs: ``pixel_size``
        ([dx, dy] in the ``x`` units), ``xy_units``, ``source_file``, ``instrument``
        ``"Gwyddion"``. Channels of different shape than the first are skipped (listed in
        ``skipped_channels``).

    Raises
    ------
    UnsupportedFormatError
        Gwyddion 1.x (``GWYO``) files or no ``GWYP`` magic.
    FileFormatError
        A container gwyfile cannot parse.
    """
    raw = read_bytes(path)
    if raw[:4] == b"GWYO":
        raise UnsupportedFormatError(
            path,
            "Gwyddion 1.x (GWYO) file: not supported; open it in Gwyddion 2 and save it again "
            "as .gwy (GWYP)",
        )
    if raw[:4] != b"GWYP":
        raise UnsupportedFormatError(path, "not a Gwyddion 2 .gwy file (no GWYP magic)")
    import gwyfile

    try:
        obj = gwyfile.objects.GwyObject.frombuffer(raw[4:], return_size=False)
        fields = gwyfile.util.get_datafields(obj)
    except Exception as exc:  # gwyfile raises bare ValueError/KeyError/struct.error
        raise FileFormatError(path, f"corrupt Gwyddion container ({exc})") from None
    if not fields:
        raise FileFormatError(path, "no data channels in the container", key="/0/data")
    data_vars = {}
    coords = None
    skipped = []
    first_shape = None
    xy_unit = ""
    for title, f in fields.items():
        try:
            xres, yres = int(f["xres"]), int(f["yres"])
            xreal, yreal = float(f["xreal"]), float(f["yreal"])
            arr = np.asarray(f.data, float).reshape(yres, xres)
        except Exception as exc:
            raise FileFormatError(path, f"unreadable data field ({exc})", key=str(title)) from None
        uxy = _unit(f.get("si_unit_xy"))
        uz = _unit(f.get("si_unit_z"))
        if first_shape is None:
            first_shape = arr.shape
            dx, xy_unit = _to_nm(xreal / xres, uxy)
            dy, _ = _to_nm(yreal / yres, uxy)
            xoff, _ = _to_nm(float(f.get("xoff", 0.0)), uxy)
            yoff, _ = _to_nm(float(f.get("yoff", 0.0)), uxy)
            coords = {
                "y": ("y", yoff + (np.arange(yres) + 0.5) * dy, {"units": xy_unit}),
                "x": ("x", xoff + (np.arange(xres) + 0.5) * dx, {"units": xy_unit}),
            }
            pixel = [dx, dy]
        elif arr.shape != first_shape:
            skipped.append(str(title))
            continue
        name = snake(str(title)) if str(title).strip() else f"ch{len(data_vars)}"
        while name in data_vars:
            name += "_"
        data_vars[name] = (
            ("y", "x"),
            arr,
            {"units": uz, "long_name": str(title), "original_name": str(title)},
        )
    return xr.Dataset(
        data_vars,
        coords=coords,
        attrs={
            "source_file": str(path),
            "instrument": "Gwyddion",
            "tsclab_version": __version__,
            "pixel_size": pixel,
            "xy_units": xy_unit,
            "skipped_channels": skipped,
        },
    )


def _unit(u) -> str:
    if u is None:
        return ""
    try:
        return str(u.get("unitstr", "") or "")
    except AttributeError:
        return str(u)


def write_gwy(ds: xr.Dataset, path: PathLike) -> PathLike:
    """Write every ``(y, x)`` variable of ``ds`` as a channel of a Gwyddion 2 ``.gwy`` file.

    ``x``/``y`` coordinates in nm are written in metres (Gwyddion's SI convention); ``units``
    attrs become the z units.
    """
    from gwyfile.objects import GwyContainer, GwyDataField, GwySIUnit

    if "x" not in ds.coords or "y" not in ds.coords:
        raise FileFormatError(path, "the Dataset needs 'x' and 'y' coordinates")
    x = np.asarray(ds["x"].to_numpy(), float)
    y = np.asarray(ds["y"].to_numpy(), float)
    unit = str(ds["x"].attrs.get("units", "nm"))
    scale = 1e-9 if unit == "nm" else 1.0
    uxy = "m" if unit in ("nm", "m") else unit
    dx = (x[-1] - x[0]) / (x.size - 1) if x.size > 1 else 1.0
    dy = (y[-1] - y[0]) / (y.size - 1) if y.size > 1 else 1.0
    c = GwyContainer()
    n = 0
    for v in ds.data_vars:
        da = ds[v]
        if set(da.dims) != {"y", "x"}:
            continue
        arr = np.ascontiguousarray(da.transpose("y", "x").to_numpy(), dtype=float)
        f = GwyDataField(
            arr,
            xreal=dx * x.size * scale,
            yreal=dy * y.size * scale,
            xoff=(x[0] - dx / 2) * scale,
            yoff=(y[0] - dy / 2) * scale,
            si_unit_xy=GwySIUnit(unitstr=uxy),
            si_unit_z=GwySIUnit(unitstr=str(da.attrs.get("units", ""))),
        )
        c[f"/{n}/data"] = f
        c[f"/{n}/data/title"] = str(da.attrs.get("original_name") or v)
        n += 1
    if not n:
        raise FileFormatError(path, "no (y, x) variable to write")
    buf = io.BytesIO()
    c.tofile(buf)
    return atomic_write(path, buf.getvalue())


_NUM = re.compile(r"^[\s+\-.0-9eE,;\tNnAaIiFf]+$")


def read_gwyddion_text(
    path: PathLike,
    pixel_size_nm: float | tuple[float, float] | None = None,
    *,
    z_units: str | None = None,
) -> xr.Dataset:
    """Read a Gwyddion text export: a bare matrix (rows = y), optionally with ``#`` header
    lines (``# Width: 4.000 µm``, ``# Height: ...``, ``# Value units: m``).

    Parameters
    ----------
    path
        The text file (whitespace, tab, comma or semicolon separated).
    pixel_size_nm
        Pixel size (one value, or (dx, dy)) in nm. Required when the file has no Width/Height
        header: a bare matrix carries no geometry and tsclab never guesses one.
    z_units
        Units of the values when the header does not say (default ``""``).

    Returns
    -------
    xarray.Dataset
        Variable ``data`` with dims ``(y, x)``; coordinates in nm; attrs ``pixel_size_nm``,
        ``source_file``, ``instrument`` ``"Gwyddion text"``.

    Examples
    --------
    >>> img = read_gwyddion_text("mfm.txt", pixel_size_nm=7.8)  # doctest: +SKIP
    """
    text = decode(read_bytes(path))
    header: dict[str, str] = {}
    rows: list[list[float]] = []
    ncol = None
    for i, line in enumerate(text.split("\n"), start=1):
        s = line.strip()
        if not s:
            continue
        if s.startswith("#"):
            k, _, v = s[1:].partition(":")
            header[k.strip().lower()] = v.strip()
            continue
        cells = [c for c in re.split(r"[\s,;]+", s) if c]
        try:
            vals = [float(c) for c in cells]
        except ValueError:
            raise FileFormatError(path, "non-numeric value in the matrix", line=i) from None
        if ncol is None:
            ncol = len(vals)
        elif len(vals) != ncol:
            raise FileFormatError(
                path, f"row has {len(vals)} values, the first row {ncol}", line=i
            )
        rows.append(vals)
    if not rows:
        raise FileFormatError(path, "no numeric rows")
    arr = np.asarray(rows, float)
    ny, nx = arr.shape
    if pixel_size_nm is not None:
        px = (
            (float(pixel_size_nm), float(pixel_size_nm))
            if np.ndim(pixel_size_nm) == 0
            else (float(pixel_size_nm[0]), float(pixel_size_nm[1]))  # type: ignore[index]
        )
        if not all(np.isfinite(p) and p > 0 for p in px):
            raise ParameterError("pixel_size_nm", pixel_size_nm, "must be positive")
    elif "width" in header and "height" in header:
        px = (
            _length_nm(header["width"], path, "Width") / nx,
            _length_nm(header["height"], path, "Height") / ny,
        )
    else:
        raise ParameterError(
            "pixel_size_nm",
            None,
            f"{path}: a bare matrix has no geometry; give the pixel size in nm",
        )
    units = z_units if z_units is not None else header.get("value units", "")
    return xr.Dataset(
        {"data": (("y", "x"), arr, {"units": units, "long_name": "image"})},
        coords={
            "y": ("y", (np.arange(ny) + 0.5) * px[1], {"units": "nm"}),
            "x": ("x", (np.arange(nx) + 0.5) * px[0], {"units": "nm"}),
        },
        attrs={
            "source_file": str(path),
            "instrument": "Gwyddion text",
            "tsclab_version": __version__,
            "pixel_size_nm": list(px),
        },
    )


_LEN_UNITS = {"m": 1e9, "mm": 1e6, "µm": 1e3, "um": 1e3, "nm": 1.0, "Å": 0.1, "pm": 1e-3}


def _length_nm(text: str, path: PathLike, key: str) -> float:
    m = re.match(r"^\s*([-+0-9.eE]+)\s*(\S+)\s*$", text.replace("\u03bc", "µ"))
    if not m or m.group(2) not in _LEN_UNITS:
        raise FileFormatError(path, f"cannot read the length {text!r}", key=key)
    return float(m.group(1)) * _LEN_UNITS[m.group(2)]


def write_gwyddion_text(ds: xr.Dataset, path: PathLike, var: str | None = None) -> PathLike:
    """Write one ``(y, x)`` variable as a Gwyddion text export with a ``#`` header (Width,
    Height in nm, Value units), readable by Gwyddion and :func:`read_gwyddion_text`."""
    names = [v for v in ds.data_vars if set(ds[v].dims) == {"y", "x"}]
    if var is None:
        if not names:
            raise FileFormatError(path, "no (y, x) variable to write")
        var = str(names[0])
    da = ds[var].transpose("y", "x")
    x = np.asarray(ds["x"].to_numpy(), float)
    y = np.asarray(ds["y"].to_numpy(), float)
    dx = (x[-1] - x[0]) / (x.size - 1) if x.size > 1 else 1.0
    dy = (y[-1] - y[0]) / (y.size - 1) if y.size > 1 else 1.0
    out = io.StringIO()
    out.write("# Channel: " + str(da.attrs.get("long_name", var)) + "\n")
    out.write(f"# Width: {float(dx * x.size)!r} nm\n# Height: {float(dy * y.size)!r} nm\n")
    out.write("# Value units: " + str(da.attrs.get("units", "")) + "\n")
    np.savetxt(out, da.to_numpy(), delimiter="\t", fmt="%.10e")
    return atomic_write(path, out.getvalue())
