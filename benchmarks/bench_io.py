"""Benchmark of the instrument-file readers.

Workload: a 1,000,000-row Quantum Design Resistivity-option ``.dat`` file (MultiVu layout, 41
columns, bridges 1-2 populated, 3-4 empty as in real files, ~121 MB), written once into a
temporary folder. Timed: ``tsclab.io.read_qd_dat`` (header parsing, column mapping, Dataset
construction) against the floor, a plain ``pandas.read_csv`` of the same data block with the
same column names (no header parsing, no Dataset). Goal: within 2x of the floor.

Also timed: ``segment_sweeps(by="field")`` on the same 1e6 points (no peer), and a
2048-point Nanonis spectrum with 10 sweeps and fwd/bwd against ``pandas.read_csv`` of its data
block.

Run: ``python benchmarks/bench_io.py [--rows N] [--repeat R]``; prints a table.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from tsclab.io import (
    read_nanonis_spectrum,
    read_qd_dat,
    segment_sweeps,
    write_nanonis_spectrum,
    write_qd_dat,
)


def _qd_file(folder: Path, rows: int) -> Path:
    rng = np.random.default_rng(1)
    t = np.linspace(300.0, 2.0, rows)
    r1 = 10.0 + 0.01 * rng.standard_normal(rows)
    r2 = np.full(rows, np.nan)
    r2[::2] = 3.0 + 0.01 * rng.standard_normal(rows)[::2]  # alternating channel
    ds = xr.Dataset(
        {
            "time_s": ("point", np.arange(rows) * 0.5 + 3.0e7),
            "status_code": ("point", np.full(rows, 4369.0)),
            "temperature_K": ("point", t),
            "field_T": ("point", np.sin(np.linspace(0, 20, rows))),
            "angle_deg": ("point", np.zeros(rows)),
            "resistance_ohm": (("point", "channel"), np.column_stack([r1, r2])),
        },
        coords={"point": np.arange(rows), "channel": ["bridge1", "bridge2"]},
    )
    return Path(write_qd_dat(ds, folder / "big.dat"))


def _floor_qd(path: Path, typed: bool = False) -> pd.DataFrame:
    """Plain pandas.read_csv of the data block (``typed``: with float64 dtypes given)."""
    raw = path.read_bytes()
    start = raw.index(b"[Data]")
    nl = raw.index(b"\n", start)
    nl2 = raw.index(b"\n", nl + 1)
    names = raw[nl + 1 : nl2].decode().rstrip("\r").split(",")
    dtype = {n: "float64" for n in names[1:]} if typed else None
    return pd.read_csv(
        io.BytesIO(raw[nl2 + 1 :]), header=None, names=names, index_col=False, dtype=dtype
    )


def _best(fn, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _nanonis_file(folder: Path) -> Path:
    rng = np.random.default_rng(2)
    nb, ns = 2048, 10
    a = rng.standard_normal((nb, ns, 2))
    ds = xr.Dataset(
        {"current_A": (("bias", "sweep", "direction"), a * 1e-10, {"units": "A"}),
         "didv": (("bias", "sweep", "direction"), a * 1e-12, {"units": "A"})},
        coords={"bias": np.linspace(-50, 50, nb), "sweep": np.arange(1, ns + 1),
                "direction": ["fwd", "bwd"]},
    )  # fmt: skip
    return Path(write_nanonis_spectrum(ds, folder / "spec.dat"))


def _floor_nanonis(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    i = raw.index(b"[DATA]")
    return pd.read_csv(io.BytesIO(raw[raw.index(b"\n", i) + 1 :]), sep="\t")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        qd = _qd_file(folder, args.rows)
        t_write = time.perf_counter() - t0
        size = qd.stat().st_size / 1e6
        ds = read_qd_dat(qd)
        assert ds.sizes["point"] == args.rows
        floor = _best(lambda: _floor_qd(qd), args.repeat)
        typed = _best(lambda: _floor_qd(qd, typed=True), args.repeat)
        ours = _best(lambda: read_qd_dat(qd), args.repeat)
        t_seg = _best(lambda: segment_sweeps(ds, by="field"), args.repeat)
        sp = _nanonis_file(folder)
        nfloor = _best(lambda: _floor_nanonis(sp), 5)
        nours = _best(lambda: read_nanonis_spectrum(sp), 5)
    print(f"QD file: {args.rows} rows, {size:.0f} MB (written by write_qd_dat in {t_write:.1f} s)")
    print(f"{'workload':<34}{'tsclab (s)':>12}{'pandas floor (s)':>18}{'ratio':>8}")
    print(f"{'read_qd_dat, ' + str(args.rows) + ' rows':<34}{ours:>12.2f}{floor:>18.2f}"
          f"{ours / floor:>8.2f}")  # fmt: skip
    print(f"{'  (floor with float64 dtypes given)':<34}{'':>12}{typed:>18.2f}{ours / typed:>8.2f}")
    print(f"{'segment_sweeps(by=field), same file':<34}{t_seg:>12.2f}{'(no peer)':>18}")
    print(f"{'read_nanonis_spectrum, 2048x10x2':<34}{nours:>12.3f}{nfloor:>18.3f}"
          f"{nours / nfloor:>8.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
