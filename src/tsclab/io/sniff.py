"""Format detection from content, and the single entry point :func:`open`."""

from __future__ import annotations

import builtins
import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import xarray as xr

from ..errors import FileFormatError, ParameterError, UnsupportedFormatError
from ._common import PathLike, decode, utf16_to_utf8

__all__ = ["READERS", "open", "sniff"]

# name -> (reader function path, what it reads)
READERS: dict[str, str] = {
    "qd_dat": "Quantum Design PPMS/MPMS .dat (read_qd_dat)",
    "nanonis_spectrum": "Nanonis bias/Z spectroscopy .dat (read_nanonis_spectrum)",
    "sxm": "Nanonis .sxm image (read_sxm)",
    "3ds": "Nanonis .3ds grid spectroscopy (read_3ds)",
    "gwy": "Gwyddion 2 .gwy (read_gwy)",
    "gwyddion_text": "Gwyddion text export / bare matrix (read_gwyddion_text, pixel_size_nm)",
    "musrfit": "musrfit msr2data table (read_musrfit_table)",
    "netcdf": "NetCDF-4 / HDF5 written by tsclab (xarray.open_dataset)",
    "text_table": "text table with a header line (read_text_table)",
}


def sniff(path: PathLike) -> str:
    """Name of the reader for ``path``, decided from the file's content (the extension only
    breaks ties).

    Raises
    ------
    UnsupportedFormatError
        When no reader recognizes the content; the message lists the readers.
    """
    p = Path(path)
    try:
        with builtins.open(p, "rb") as fh:
            head = utf16_to_utf8(fh.read(65536), partial=True)
    except OSError as exc:
        raise FileFormatError(path, f"cannot be read ({exc.strerror})") from None
    if head[:4] in (b"GWYP", b"GWYO"):
        return "gwy"
    if head.startswith(b":NANONIS_VERSION:"):
        return "sxm"
    if b":HEADER_END:" in head and b"Grid dim" in head:
        return "3ds"
    if head.startswith(b"\x89HDF") or head[:3] == b"CDF":
        return "netcdf"
    if b"\x00" in head[:1024]:
        raise _unsupported(path, "binary content of an unknown kind")
    text = decode(head)
    stripped = text.lstrip()
    if re.match(r"\[Header\]", stripped, re.IGNORECASE) and re.search(
        r"^\s*\[Data\]", text, re.MULTILINE | re.IGNORECASE
    ):
        return "qd_dat"
    if re.match(r"\[Header\]", stripped, re.IGNORECASE):
        return "qd_dat"  # (let the reader say the [Data] section is missing)
    if "[DATA]" in text and re.match(r"^[^\t\n]+\t", stripped):
        return "nanonis_spectrum"
    first = next(
        (ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")), ""
    )
    if re.search(r"\bRUN\b", first) and ("PosErr" in first or "CHISQ" in first):
        return "musrfit"
    if re.search(r"^\\-e\s*$", text, re.MULTILINE) and re.search(r"^LABELS\s*$", text, re.M):
        return "musrfit"  # msr2data DB format
    cells = [c for c in re.split(r"[\s,;]+", first) if c]
    if cells and all(_isnum(c) for c in cells):
        return "gwyddion_text" if len(cells) > 2 else "text_table"
    if cells:
        return "text_table"
    raise _unsupported(path, "empty file")


def _isnum(c: str) -> bool:
    try:
        float(c)
    except ValueError:
        return False
    return True


def _unsupported(path: PathLike, why: str) -> UnsupportedFormatError:
    listing = "; ".join(READERS.values())
    return UnsupportedFormatError(
        path, f"no reader recognizes it ({why}). Readers: {listing}", line=1
    )


def _reader(name: str) -> Callable[..., xr.Dataset]:
    from . import gwyddion, nanonis, qd, text

    return {
        "qd_dat": qd.read_qd_dat,
        "nanonis_spectrum": nanonis.read_nanonis_spectrum,
        "sxm": nanonis.read_sxm,
        "3ds": nanonis.read_3ds,
        "gwy": gwyddion.read_gwy,
        "gwyddion_text": gwyddion.read_gwyddion_text,
        "musrfit": text.read_musrfit_table,
        "netcdf": _read_netcdf,
        "text_table": text.read_text_table,
    }[name]


def _read_netcdf(path: PathLike) -> xr.Dataset:
    try:
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            return ds.load()
    except Exception as exc:  # h5py/netCDF raise many types for a corrupt file
        raise FileFormatError(path, f"unreadable NetCDF ({exc})") from None


def open(path: PathLike, **kwargs: Any) -> xr.Dataset:
    """Open any supported instrument file as an xarray Dataset, sniffing the format.

    Parameters
    ----------
    path
        The file.
    **kwargs
        Passed to the reader (e.g. ``pixel_size_nm`` for a bare Gwyddion text matrix).

    Returns
    -------
    xarray.Dataset
        As the matching reader returns it; ``attrs["reader"]`` names the reader.

    Raises
    ------
    UnsupportedFormatError
        No reader fits; the message lists the readers tsclab has.
    FileFormatError
        The reader recognized the format but the file is damaged (with line or key).

    Examples
    --------
    >>> import tsclab
    >>> ds = tsclab.open("run.dat")  # doctest: +SKIP
    """
    name = sniff(path)
    if name == "gwyddion_text" and "pixel_size_nm" not in kwargs:
        # A bare matrix may still carry its geometry in a '#' header; else ask for it.
        try:
            ds = _reader(name)(path)
        except ParameterError:
            raise ParameterError(
                "pixel_size_nm",
                None,
                f"{path} is a bare matrix (Gwyddion text export) without geometry: call "
                "tsclab.open(path, pixel_size_nm=...) or read_gwyddion_text",
            ) from None
    else:
        reader = _reader(name)
        accepted = inspect.signature(reader).parameters
        for k, v in kwargs.items():
            if k not in accepted or k == "path":
                raise ParameterError(
                    k, v, f"{path} is read by {reader.__name__}, which has no {k}"
                )
        ds = reader(path, **kwargs)
    ds.attrs["reader"] = name
    return ds
