"""Instrument files in and out.

Readers turn a lab's own files into labeled xarray Datasets with units; writers put tsclab's
simulated measurements into the same formats, so that the virtual study goes through the same
readers as real data. :func:`open` sniffs the format from the content.

Formats: Quantum Design PPMS/MPMS ``.dat`` (:func:`read_qd_dat`, :func:`write_qd_dat`),
Nanonis spectroscopy ``.dat``, ``.sxm``, ``.3ds`` (:func:`read_nanonis_spectrum`,
:func:`read_sxm`, :func:`read_3ds` and writers), Gwyddion ``.gwy`` and text exports,
musrfit ``msr2data`` tables, two-column and multi-column text, NetCDF.
"""

from .gwyddion import read_gwy, read_gwyddion_text, write_gwy, write_gwyddion_text
from .nanonis import (
    read_3ds,
    read_nanonis_spectrum,
    read_sxm,
    write_3ds,
    write_nanonis_spectrum,
    write_sxm,
)
from .netcdf import write_netcdf
from .qd import qd_channels, read_qd_dat, write_qd_dat
from .sniff import READERS, open, sniff
from .sweeps import cluster_values, segment_sweeps
from .text import read_musrfit_table, read_text_table, read_two_column, write_musrfit_table

__all__ = [
    "READERS",
    "cluster_values",
    "open",
    "qd_channels",
    "read_3ds",
    "read_gwy",
    "read_gwyddion_text",
    "read_musrfit_table",
    "read_nanonis_spectrum",
    "read_qd_dat",
    "read_sxm",
    "read_text_table",
    "read_two_column",
    "segment_sweeps",
    "sniff",
    "write_3ds",
    "write_gwy",
    "write_gwyddion_text",
    "write_musrfit_table",
    "write_nanonis_spectrum",
    "write_netcdf",
    "write_qd_dat",
    "write_sxm",
]
