"""Nanonis readers and writers (.dat spectroscopy, .sxm, .3ds) on real files and round trips."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest
import xarray as xr

import tsclab
from tsclab.errors import FileFormatError
from tsclab.io import (
    read_3ds,
    read_nanonis_spectrum,
    read_sxm,
    write_3ds,
    write_nanonis_spectrum,
    write_sxm,
)

IV = "angelo-peronio__nanonis-xarray/i_v.dat"
ZSPEC = "angelo-peronio__nanonis-xarray/z.dat"
OLD = "underchemist__nanonispy/Bias-Spectroscopy002.dat"
GEN5 = "FAIRmat-NFDI__pynxtools-spm/Bias-Spectroscopy00015_20230420.dat"
SXM_AFM = "FAIRmat-NFDI__pynxtools-spm/A151216.123306-02602.sxm"
SXM_STM = "FAIRmat-NFDI__pynxtools-spm/Au_mica_2023_Y_A_diPAMY_195.sxm"


def test_iv_fwd_bwd_lockin(data_dir):
    ds = read_nanonis_spectrum(data_dir / IV)
    assert dict(ds.sizes) == {"bias": 201, "sweep": 1, "direction": 2}
    assert list(ds.direction.values) == ["fwd", "bwd"]
    assert ds.bias.attrs["units"] == "mV"
    assert ds.bias.values[[0, -1]] == pytest.approx([-8.0, 8.0])
    # First data row: Current -100.161E-12, LIX 1 omega 1.67642E-12, Current [bwd] -84.7701E-12.
    assert ds.current_A.sel(direction="fwd")[0, 0] == pytest.approx(-100.161e-12)
    assert ds.current_A.sel(direction="bwd")[0, 0] == pytest.approx(-84.7701e-12)
    assert ds.didv.sel(direction="fwd")[0, 0] == pytest.approx(1.67642e-12)
    assert ds.didv.attrs["units"] == "A"
    assert ds.attrs["temperature_K"] == pytest.approx(4.366)
    assert ds.attrs["modulation_mV"] == pytest.approx(0.15)  # Lock-in>Amplitude 150E-6 V
    assert ds.attrs["modulation_frequency_Hz"] == pytest.approx(600.0)
    assert ds.attrs["setpoint_bias_mV"] == pytest.approx(-8.0)
    assert ds.attrs["setpoint_current_A"] == pytest.approx(100e-12)
    assert ds.attrs["date"] == "14.09.2017 10:37:39"
    assert json.loads(ds.attrs["nanonis_header"])["Current>Gain"] == "LN 10^9"


def test_z_spectroscopy_numbered_sweeps(data_dir):
    ds = read_nanonis_spectrum(data_dir / ZSPEC)
    assert "z" in ds.dims and ds.z.attrs["units"] == "nm"
    assert ds.z.values[[0, -1]] == pytest.approx([-0.21, 0.49])
    assert list(ds.sweep.values) == [1, 2, 3]
    assert ds.current_A.dims == ("z", "sweep", "direction")
    assert ds.current_A_avg.dims == ("z", "direction")
    assert ds.current_A_avg.sel(direction="fwd")[0] == pytest.approx(-747.623e-12)
    assert ds.current_A.sel(sweep=2, direction="bwd")[0] == pytest.approx(-740.664e-12)
    assert ds.attrs["number_of_sweeps"] == 10


def test_old_header_filtered_nan_columns(data_dir):
    ds = read_nanonis_spectrum(data_dir / OLD)
    assert dict(ds.sizes) == {"bias": 1024, "sweep": 1, "direction": 2}
    assert ds.bias.values[[0, -1]] == pytest.approx([-200.0, 200.0])
    assert set(ds.data_vars) == {"input_3_A", "input_3_A_filt"}
    # The filtered columns start with NaN: kept, not dropped and not an error.
    assert np.isnan(ds.input_3_A_filt.values[0, 0, :]).all()
    assert ds.input_3_A_filt.values[1, 0, 0] == pytest.approx(18.0667e-12)
    assert ds.input_3_A.sel(direction="bwd")[0, 0] == pytest.approx(-150.893e-12)
    assert "temperature_K" not in ds.attrs  # the old header has none: none invented
    assert "modulation_mV" not in ds.attrs


def test_generic5_saved_date_lockin_on(data_dir):
    ds = read_nanonis_spectrum(data_dir / GEN5)
    assert dict(ds.sizes) == {"bias": 2048, "sweep": 1, "direction": 1}
    assert ds.attrs["date"] == "20.04.2023 14:55:09"  # "Saved Date" (the later "Date" is empty)
    assert ds.attrs["temperature_K"] == pytest.approx(2.4591)
    assert ds.attrs["lockin_status"] == "ON"
    assert ds.attrs["modulation_mV"] == pytest.approx(2.0)
    assert ds.attrs["modulation_frequency_Hz"] == pytest.approx(1000.0)
    assert ds.didv[0, 0, 0] == pytest.approx(-2.9149552e-12)
    assert ds.didv.attrs["original_name"] == "LI Demod 1 X (A)"
    assert ds.temperature_K[0, 0, 0] == pytest.approx(1.6252118)  # per-point column
    assert "didv_filt" in ds and "li_demod_2_x_A" in ds


def _first_floats(path, n=1):
    raw = path.read_bytes()
    start = raw.index(b"\x1a\x04", raw.index(b":SCANIT_END:")) + 2
    return struct.unpack(">" + "f" * n, raw[start : start + 4 * n])


def test_sxm_stm_down_scan_comment_temperature(data_dir):
    p = data_dir / SXM_STM
    ds = read_sxm(p)
    assert dict(ds.sizes) == {"direction": 2, "y": 256, "x": 256}
    assert set(ds.data_vars) == {"z_m", "current_A"}
    assert ds.attrs["scan_dir"] == "down"
    assert ds.attrs["pixel_size_nm"] == pytest.approx([4.0 / 256, 4.0 / 256])
    assert ds.attrs["scan_angle_deg"] == pytest.approx(135.1)
    # REC_TEMP says 290 K (placeholder); the comment says 4.4 K and wins.
    assert ds.attrs["temperature_K"] == pytest.approx(4.4)
    assert ds.attrs["temperature_source"] == "comment"
    assert ds.attrs["bias_mV"] == pytest.approx(-50.0)
    # A down scan stores the top line first: it is the last row (largest y) here.
    (z0,) = _first_floats(p)
    assert ds.z_m.sel(direction="fwd").values[-1, 0] == pytest.approx(z0, rel=1e-6)
    assert ds.x.attrs["units"] == "nm"
    assert float(ds.x[1] - ds.x[0]) == pytest.approx(4.0 / 256)


def test_sxm_afm_nine_channels(data_dir):
    p = data_dir / SXM_AFM
    ds = read_sxm(p)
    assert dict(ds.sizes) == {"direction": 2, "y": 128, "x": 128}
    assert len(ds.data_vars) == 9
    assert {"phase_deg", "frequency_shift_Hz", "amplitude_m"} <= set(ds.data_vars)
    assert ds.attrs["scan_dir"] == "up"
    assert "temperature_K" not in ds.attrs  # only the REC_TEMP placeholder: not trusted
    assert ds.attrs["rec_temp_placeholder_K"] == 290.0
    (z0,) = _first_floats(p)
    assert ds.z_m.sel(direction="fwd").values[0, 0] == pytest.approx(z0, rel=1e-6)
    assert ds.frequency_shift_Hz.attrs["units"] == "Hz"


def _spectrum(rng, nb=101, nsweep=3):
    bias = np.linspace(-5, 5, nb)
    didv = 1 - 0.8 * np.exp(-(bias**2))
    a = didv[:, None, None] + 0.01 * rng.standard_normal((nb, nsweep, 2))
    cur = np.cumsum(a, axis=0) * 1e-12
    return xr.Dataset(
        {
            "didv": (("bias", "sweep", "direction"), a * 1e-12, {"units": "A"}),
            "current_A": (("bias", "sweep", "direction"), cur, {"units": "A"}),
        },
        coords={"bias": ("bias", bias, {"units": "mV"}), "sweep": [1, 2, 3],
                "direction": ["fwd", "bwd"]},
        attrs={"temperature_K": 0.35, "modulation_mV": 0.05, "modulation_frequency_Hz": 917.0,
               "setpoint_bias_mV": -5.0, "setpoint_current_A": 1e-10},
    )  # fmt: skip


def test_spectrum_round_trip(tmp_path, rng):
    ds = _spectrum(rng)
    back = tsclab.open(write_nanonis_spectrum(ds, tmp_path / "Bias-Spectroscopy001.dat"))
    assert back.attrs["reader"] == "nanonis_spectrum"
    assert dict(back.sizes) == {"bias": 101, "sweep": 3, "direction": 2}
    np.testing.assert_allclose(back.bias, ds.bias, rtol=1e-9, atol=1e-12)
    for v in ("didv", "current_A"):
        np.testing.assert_allclose(back[v], ds[v].transpose(*back[v].dims), rtol=1e-8)
    for k in ("temperature_K", "modulation_mV", "modulation_frequency_Hz", "setpoint_bias_mV",
              "setpoint_current_A"):  # fmt: skip
        assert back.attrs[k] == pytest.approx(ds.attrs[k], rel=1e-9)


def test_sxm_round_trip(tmp_path, data_dir):
    ds = read_sxm(data_dir / SXM_STM)
    back = read_sxm(write_sxm(ds, tmp_path / "w.sxm"))
    for v in ds.data_vars:
        np.testing.assert_allclose(back[v], ds[v], rtol=1e-7)
    np.testing.assert_allclose(back.x, ds.x, rtol=1e-6)
    np.testing.assert_allclose(back.y, ds.y, rtol=1e-6)
    assert back.attrs["temperature_K"] == pytest.approx(4.4)
    assert back.attrs["bias_mV"] == pytest.approx(-50.0)


def _grid(rng, gy=4, gx=5, nb=33):
    bias = np.linspace(-3, 3, nb)
    base = 1 - 0.5 * np.exp(-(bias**2))
    didv = base[None, None, :] * (1 + 0.1 * rng.standard_normal((gy, gx, 1)))
    return xr.Dataset(
        {"didv": (("y", "x", "bias"), didv * 1e-12, {"units": "A"}),
         "current_A": (("y", "x", "bias"), np.cumsum(didv, axis=2) * 1e-12, {"units": "A"})},
        coords={"y": np.arange(gy), "x": np.arange(gx), "bias": ("bias", bias, {"units": "mV"})},
        attrs={"pixel_size_nm": [2.0, 2.0], "grid_center_nm": [10.0, 20.0],
               "temperature_K": 0.4, "modulation_mV": 0.1, "modulation_frequency_Hz": 800.0},
    )  # fmt: skip


def test_3ds_round_trip(tmp_path, rng):
    ds = _grid(rng)
    back = tsclab.open(write_3ds(ds, tmp_path / "grid.3ds"))
    assert back.attrs["reader"] == "3ds"
    assert back.didv.dims == ("y", "x", "bias")
    np.testing.assert_allclose(back.didv, ds.didv, rtol=1e-6)
    np.testing.assert_allclose(back.bias, ds.bias, rtol=1e-6, atol=1e-9)
    assert back.attrs["pixel_size_nm"] == pytest.approx([2.0, 2.0])
    assert back.attrs["temperature_K"] == pytest.approx(0.4)
    assert back.attrs["modulation_mV"] == pytest.approx(0.1)
    assert back.attrs["pixels_measured"] == 20 and not back.attrs["aborted"]
    assert back.tip_x_nm.values[0, :] == pytest.approx(np.arange(5) * 2.0 + 6.0, rel=1e-6)


def test_3ds_aborted_grid(tmp_path, rng):
    ds = _grid(rng)
    back = read_3ds(write_3ds(ds, tmp_path / "aborted.3ds", pixels=7))
    assert back.attrs["aborted"] and back.attrs["pixels_measured"] == 7
    flat = back.didv.values.reshape(20, -1)
    assert np.isfinite(flat[:7]).all() and np.isnan(flat[7:]).all()
    np.testing.assert_allclose(flat[:7], ds.didv.values.reshape(20, -1)[:7], rtol=1e-6)


@pytest.mark.parametrize(
    ("body", "line", "key"),
    [
        ("Experiment\tbias spectroscopy\t\n", None, None),
        ("Experiment\tx\t\n\n[DATA]\nBias calc (V)\tCurrent (A)\n0.1\tabc\n", 5, "Current (A)"),
        ("Experiment\tx\t\n\n[DATA]\nBias calc (V)\tCurrent (A)\n0.1\t1\t2\n", 5, None),
        ("Experiment\tx\t\n\n[DATA]\nBias calc (V)\tCurrent (A)\n0.1\n", 5, None),
        ("Experiment\tx\t\n\n[DATA]\nBias calc (V)\tCurrent (A)\nNaN\t1\n", 5, "Bias calc (V)"),
    ],
)
def test_spectrum_errors(tmp_path, body, line, key):
    p = tmp_path / "bad.dat"
    p.write_text(body)
    with pytest.raises(FileFormatError) as ei:
        read_nanonis_spectrum(p)
    assert ei.value.path == str(p)
    assert ei.value.line == line
    if key:
        assert ei.value.key == key


def test_sxm_truncated(tmp_path, data_dir):
    raw = (data_dir / SXM_STM).read_bytes()
    p = tmp_path / "t.sxm"
    p.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(FileFormatError) as ei:
        read_sxm(p)
    assert ei.value.key == "SCAN_PIXELS"


def test_avg_only_file_is_one_sweep(tmp_path):
    p = tmp_path / "avg.dat"
    p.write_text(
        "Experiment\tbias spectroscopy\t\nBias Spectroscopy>Number of sweeps\t5\t\n\n[DATA]\n"
        "Bias calc (V)\tCurrent [AVG] (A)\tLI Demod 1 X [AVG] (A)\n"
        "-1E-3\t-2E-12\t5E-13\n1E-3\t2E-12\t6E-13\n"
    )
    ds = read_nanonis_spectrum(p)
    assert ds.current_A.dims == ("bias", "sweep", "direction")
    assert ds.didv.values[:, 0, 0].tolist() == [5e-13, 6e-13]
    assert ds.attrs["number_of_sweeps"] == 5


def test_header_without_data_section_says_so(tmp_path):
    p = tmp_path / "hdr.dat"
    p.write_text("Experiment\tbias spectroscopy\t\nBias Spectroscopy>Num Pixel\t201\t\n")
    with pytest.raises(FileFormatError, match=r"\[DATA\] section is missing") as ei:
        read_nanonis_spectrum(p)
    assert ei.value.key == "[DATA]"
