"""Fuzzing of the QD and Nanonis readers with damaged real files (hypothesis).

Every damaged file must either load into a Dataset or raise one of tsclab's documented errors
naming the file and the line or key. The default run is bounded (a few seconds); the long run
is marked ``fuzz_long`` (``pytest -m fuzz_long``); ``benchmarks/fuzz_readers.py`` runs longer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tsclab.errors import FileFormatError, TsclabError
from tsclab.io import open as tsc_open
from tsclab.io import read_3ds, read_nanonis_spectrum, read_qd_dat, read_sxm

DATA = Path(__file__).parent / "data"
QD_FILES = [
    "FAIRmat-NFDI__nomad-measurements/Resistivity_Ch1_TMR_Ch2_Hall_test.dat",
    "paradimdata__project_chameleon/4-probe resistivity example file.dat",
    "RinehartGroup__MagnetoPy/mvsh3.dat",
    "RinehartGroup__MagnetoPy/mvsh9.dat",
]
NANONIS_FILES = [
    "angelo-peronio__nanonis-xarray/i_v.dat",
    "angelo-peronio__nanonis-xarray/z.dat",
    "underchemist__nanonispy/Bias-Spectroscopy002.dat",
    "FAIRmat-NFDI__pynxtools-spm/Bias-Spectroscopy00015_20230420.dat",
]
SXM_FILES = ["FAIRmat-NFDI__pynxtools-spm/Au_mica_2023_Y_A_diPAMY_195.sxm"]
GRID_FILES = ["<written>/grid.3ds"]  # no public .3ds: one written by write_3ds (see _raw)
_CACHE: dict[str, bytes] = {}


def _written_3ds() -> bytes:
    import tempfile

    import numpy as np

    from tsclab.io import write_3ds

    rng = np.random.default_rng(7)
    ds = xr.Dataset(
        {"didv": (("y", "x", "bias"), rng.random((3, 4, 16)) * 1e-12, {"units": "A"})},
        coords={"y": np.arange(3), "x": np.arange(4), "bias": np.linspace(-2, 2, 16)},
        attrs={"pixel_size_nm": [1.0, 1.0], "grid_center_nm": [0.0, 0.0]},
    )
    with tempfile.TemporaryDirectory() as tmp:
        return Path(write_3ds(ds, Path(tmp) / "g.3ds")).read_bytes()


def _raw(name: str) -> bytes:
    if name not in _CACHE:
        _CACHE[name] = (
            _written_3ds() if name.startswith("<written>") else (DATA / name).read_bytes()
        )
    return _CACHE[name]


@st.composite
def damaged(draw, names: list[str]) -> tuple[str, bytes, str]:
    """A real file damaged by truncation, byte flips, or shuffled/deleted/duplicated lines."""
    name = draw(st.sampled_from(names))
    raw = _raw(name)
    kind = draw(st.sampled_from(["truncate", "flip", "shuffle", "delete", "duplicate"]))
    if kind == "truncate":
        cut = draw(st.integers(0, len(raw)))
        return name, raw[:cut], f"truncate@{cut}"
    if kind == "flip":
        out = bytearray(raw)
        # Bias flips towards the header and the first data lines, where parsing decisions are.
        hot = min(len(raw), 12000)
        for _ in range(draw(st.integers(1, 8))):
            pos = draw(st.one_of(st.integers(0, hot - 1), st.integers(0, len(raw) - 1)))
            out[pos] ^= draw(st.integers(1, 255))
        return name, bytes(out), "flip"
    lines = raw.split(b"\n")
    n = len(lines)
    i = draw(st.integers(0, n - 1))
    j = draw(st.integers(0, n - 1))
    if kind == "shuffle":
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "delete":
        del lines[i]
    else:
        lines.insert(j, lines[i])
    return name, b"\n".join(lines), f"{kind} {i},{j}"


def _check(reader, tmp: Path, sample: tuple[str, bytes, str]) -> None:
    name, data, how = sample
    p = tmp / Path(name).name
    p.write_bytes(data)
    try:
        ds = reader(p)
    except FileFormatError as exc:
        assert exc.path == str(p), how
        assert str(p) in str(exc)
        assert exc.line is not None or exc.key is not None, f"{how}: {exc}"
        return
    except TsclabError as exc:  # ParameterError etc.: still must name the file
        assert str(p) in str(exc), how
        return
    assert isinstance(ds, xr.Dataset)


_BOUNDED = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
_LONG = settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@_BOUNDED
@given(sample=damaged(QD_FILES))
def test_fuzz_qd(tmp_path, sample):
    _check(read_qd_dat, tmp_path, sample)


@_BOUNDED
@given(sample=damaged(NANONIS_FILES))
def test_fuzz_nanonis_spectrum(tmp_path, sample):
    _check(read_nanonis_spectrum, tmp_path, sample)


@_BOUNDED
@given(sample=damaged(SXM_FILES))
def test_fuzz_sxm(tmp_path, sample):
    _check(read_sxm, tmp_path, sample)


@_BOUNDED
@given(sample=damaged(GRID_FILES))
def test_fuzz_3ds(tmp_path, sample):
    _check(read_3ds, tmp_path, sample)


@_BOUNDED
@given(sample=damaged(QD_FILES + NANONIS_FILES))
def test_fuzz_open(tmp_path, sample):
    _check(tsc_open, tmp_path, sample)


@pytest.mark.fuzz_long
@_LONG
@given(sample=damaged(QD_FILES + NANONIS_FILES + SXM_FILES + GRID_FILES))
def test_fuzz_long_all(tmp_path, sample):
    _check(tsc_open, tmp_path, sample)
