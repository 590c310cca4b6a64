"""load_spectra: bad STS input is reported against its file (path, line, column)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from tsclab.cli.main import run
from tsclab.errors import FileFormatError
from tsclab.io import write_nanonis_spectrum
from tsclab.superconductivity.sts_load import load_spectra

BIAS = np.linspace(-5, 5, 101)


def _nanonis(tmp_path: Path, *, sweeps: int = 1) -> tuple[Path, list[str], int]:
    """A clean Nanonis .dat; returns the path, its lines and the 0-based first data row."""
    didv = 1.0 + 0.1 * np.cos(BIAS)[:, None, None] * np.ones((1, sweeps, 1))
    ds = xr.Dataset(
        {"didv": (("bias", "sweep", "direction"), didv, {"units": "S"})},
        coords={"bias": ("bias", BIAS, {"units": "mV"}), "sweep": np.arange(1, sweeps + 1),
                "direction": ["fwd"]},
        attrs={"temperature_K": 0.3},
    )  # fmt: skip
    f = tmp_path / "Bias-Spectroscopy001.dat"
    write_nanonis_spectrum(ds, f)
    lines = f.read_text().split("\n")
    return f, lines, lines.index("[DATA]") + 2


def _rewrite(f: Path, lines: list[str]) -> None:
    f.write_text("\n".join(lines))


def test_clean_file_loads(tmp_path):
    f, _, _ = _nanonis(tmp_path)
    (spec,) = load_spectra(f)
    np.testing.assert_allclose(spec.bias_mV, BIAS)
    assert spec.temperature_K == pytest.approx(0.3)


def test_swapped_bias_rows_name_file_and_line(tmp_path):
    f, lines, first = _nanonis(tmp_path)
    k = first + 40
    lines[k], lines[k + 1] = lines[k + 1], lines[k]
    _rewrite(f, lines)
    with pytest.raises(FileFormatError, match="not strictly monotonic") as ei:
        load_spectra(f)
    assert ei.value.path == str(f)
    assert ei.value.line == k + 2  # 1-based line of the row that steps back
    assert "Bias" in ei.value.key


def test_constant_bias_names_file(tmp_path):
    f, lines, first = _nanonis(tmp_path)
    for i in range(first, first + BIAS.size):
        cells = lines[i].split("\t")
        lines[i] = "\t".join(["1.0E-3", *cells[1:]])
    _rewrite(f, lines)
    with pytest.raises(FileFormatError, match="constant") as ei:
        load_spectra(f)
    assert ei.value.path == str(f) and ei.value.line == first + 1


@pytest.mark.parametrize("sweeps", [1, 2])
def test_nan_row_names_file_and_line(tmp_path, sweeps):
    f, lines, first = _nanonis(tmp_path, sweeps=sweeps)
    k = first + 17
    cells = lines[k].split("\t")
    lines[k] = "\t".join([cells[0], *["NaN"] * (len(cells) - 1)])
    _rewrite(f, lines)
    with pytest.raises(FileFormatError, match="no finite dI/dV") as ei:
        load_spectra(f)
    assert ei.value.path == str(f) and ei.value.line == k + 1


def test_nan_in_one_sweep_only_is_fine(tmp_path):
    f, lines, first = _nanonis(tmp_path, sweeps=2)
    k = first + 17
    cells = lines[k].split("\t")
    cells[-1] = "NaN"  # an aborted sweep: the other sweep still has a value
    lines[k] = "\t".join(cells)
    _rewrite(f, lines)
    (spec,) = load_spectra(f)
    assert np.isfinite(spec.didv).all()


def test_header_without_data_says_data_missing(tmp_path, capsys):
    f, lines, first = _nanonis(tmp_path)
    _rewrite(f, lines[: first - 2])  # the header alone, no [DATA]
    with pytest.raises(FileFormatError, match=r"\[DATA\] section is missing") as ei:
        load_spectra(f)
    assert ei.value.path == str(f)
    assert run(["analyze", "sts", str(f), "--no-files"]) == 2
    err = capsys.readouterr().err
    assert str(f) in err and "[DATA] section is missing" in err


def test_cli_error_names_the_file(tmp_path, capsys):
    f, lines, first = _nanonis(tmp_path)
    lines[first + 3], lines[first + 4] = lines[first + 4], lines[first + 3]
    _rewrite(f, lines)
    assert run(["analyze", "sts", str(f), "--no-files"]) == 2
    err = capsys.readouterr().err
    assert str(f) in err and f"line {first + 5}" in err


def test_text_table_non_monotonic_bias_names_file(tmp_path):
    y = 1.0 + 0.1 * np.cos(BIAS)
    b = BIAS.copy()
    b[[10, 11]] = b[[11, 10]]
    f = tmp_path / "spec.txt"
    np.savetxt(f, np.column_stack([b, y]))
    with pytest.raises(FileFormatError, match="not strictly monotonic") as ei:
        load_spectra(f)
    assert ei.value.path == str(f)


def test_decreasing_bias_is_accepted(tmp_path):
    f = tmp_path / "spec.txt"
    np.savetxt(f, np.column_stack([BIAS[::-1], 1.0 + 0.1 * np.cos(BIAS)]))
    (spec,) = load_spectra(f)
    assert spec.bias_mV[0] == pytest.approx(5.0)
