"""NetCDF output of tsclab results (atomic, h5netcdf engine)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import xarray as xr

from .._version import __version__
from ..results import _default_permissions

__all__ = ["write_netcdf"]


def write_netcdf(ds: xr.Dataset, path: str | os.PathLike[str]) -> Path:
    """Write a Dataset to NetCDF-4 atomically, stamping ``tsclab_version`` into its attrs.

    Parameters
    ----------
    ds
        The Dataset. Attributes that NetCDF cannot store (None, bool, dict) are converted to
        strings so that the write never fails on metadata.
    path
        Target file; its folder is created.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ds = ds.copy()
    ds.attrs = _clean_attrs({**ds.attrs, "tsclab_version": __version__})
    for name in ds.variables:
        ds[name].attrs = _clean_attrs(ds[name].attrs)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        ds.to_netcdf(tmp, engine="h5netcdf")
        _default_permissions(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _clean_attrs(attrs: dict) -> dict:
    out = {}
    for k, v in attrs.items():
        if v is None or (isinstance(v, bool | dict | list | tuple) and not _numeric_seq(v)):
            out[k] = str(v)
        else:
            out[k] = v
    return out


def _numeric_seq(v) -> bool:
    return isinstance(v, list | tuple) and all(
        isinstance(x, int | float) and not isinstance(x, bool) for x in v
    )
