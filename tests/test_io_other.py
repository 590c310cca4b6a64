"""Gwyddion (.gwy, text), plain text tables, musrfit tables, NetCDF and the sniffing open()."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import tsclab
from tsclab.errors import FileFormatError, ParameterError, UnsupportedFormatError
from tsclab.io import (
    read_gwy,
    read_gwyddion_text,
    read_musrfit_table,
    read_text_table,
    read_two_column,
    sniff,
    write_gwy,
    write_gwyddion_text,
    write_netcdf,
)

GWY = "tuxu__gwyfile/test.gwy"
MFM = "tobiasfarchy__MFM_ASI_GUI/aoms_db_2_sq1_250_j4_dmd_write_4rd_session_spiral_MFM.txt"
NBS2 = "janberges__nbs2cdw/Figure 3b.txt"
BARS = "maiani__percolative_supercurrent/{}.dat"


def test_gwy_real_file(data_dir):
    ds = read_gwy(data_dir / GWY)
    assert list(ds.data_vars) == ["test"]
    assert ds.test.shape == (128, 128)
    assert ds.test.attrs["long_name"] == "Test"
    assert ds.test.attrs["units"] == ""  # empty units in this file
    assert ds.attrs["pixel_size"] == pytest.approx([1.0, 1.0])  # xreal = 128 over 128 pixels
    assert ds.test.values[0, 0] == pytest.approx(0.00082494, rel=1e-4)


def test_gwy_round_trip_units(tmp_path, rng):
    img = rng.standard_normal((16, 24))
    ds = xr.Dataset(
        {"phase_deg": (("y", "x"), img, {"units": "deg"})},
        coords={
            "y": ("y", (np.arange(16) + 0.5) * 7.8, {"units": "nm"}),
            "x": ("x", (np.arange(24) + 0.5) * 7.8, {"units": "nm"}),
        },
    )
    back = tsclab.open(write_gwy(ds, tmp_path / "mfm.gwy"))
    assert back.attrs["reader"] == "gwy"
    np.testing.assert_allclose(back.phase_deg, img)
    assert back.phase_deg.attrs["units"] == "deg"
    assert back.attrs["xy_units"] == "nm"
    assert back.attrs["pixel_size"] == pytest.approx([7.8, 7.8])
    np.testing.assert_allclose(back.x, ds.x, rtol=1e-12)


def test_gwyo_refused(tmp_path):
    p = tmp_path / "old.gwy"
    p.write_bytes(b"GWYOGwyContainer\x00" + b"\x00" * 64)
    with pytest.raises(UnsupportedFormatError, match=r"Gwyddion 1\.x"):
        tsclab.open(p)


def test_gwy_corrupt(tmp_path, data_dir):
    raw = (data_dir / GWY).read_bytes()
    p = tmp_path / "c.gwy"
    p.write_bytes(raw[:300])
    with pytest.raises(FileFormatError, match=str(p).replace("\\", "\\\\")):
        read_gwy(p)


def test_mfm_bare_matrix_needs_pixel_size(data_dir):
    with pytest.raises(ParameterError, match="pixel_size_nm"):
        tsclab.open(data_dir / MFM)
    ds = tsclab.open(data_dir / MFM, pixel_size_nm=12.5)
    assert ds.attrs["reader"] == "gwyddion_text"
    assert ds.data.shape == (476, 512)
    assert ds.data.values[0, :2] == pytest.approx([0.14601, 0.21817])
    assert float(ds.data.min()) == 0.0 and float(ds.data.max()) == pytest.approx(0.37808)
    assert float(ds.x[1] - ds.x[0]) == pytest.approx(12.5)


def test_gwyddion_text_round_trip_header(tmp_path, rng):
    img = rng.random((10, 12))
    ds = xr.Dataset(
        {"z_m": (("y", "x"), img, {"units": "m"})},
        coords={"y": (np.arange(10) + 0.5) * 3.0, "x": (np.arange(12) + 0.5) * 2.0},
    )
    back = read_gwyddion_text(write_gwyddion_text(ds, tmp_path / "e.txt"))
    np.testing.assert_allclose(back.data, img, rtol=1e-9)
    assert back.attrs["pixel_size_nm"] == pytest.approx([2.0, 3.0])
    assert back.data.attrs["units"] == "m"


def test_gwyddion_text_header_units(tmp_path):
    p = tmp_path / "g.txt"
    p.write_text(
        "# Channel: Z\n# Width: 1.000 µm\n# Height: 0.5 µm\n# Value units: m\n1 2\n3 4\n",
        encoding="utf-8",
    )
    ds = read_gwyddion_text(p)
    assert ds.attrs["pixel_size_nm"] == pytest.approx([500.0, 250.0])
    p.write_text("1 2\n3\n")
    with pytest.raises(FileFormatError) as ei:
        read_gwyddion_text(p, pixel_size_nm=1.0)
    assert ei.value.line == 2


def test_text_table_nbs2(data_dir):
    ds = tsclab.open(data_dir / NBS2)
    assert ds.attrs["reader"] == "text_table"
    assert ds.sizes["point"] == 334
    assert ds.bias_mV.attrs["units"] == "mV"
    assert ds.bias_mV.values[[0, -1]] == pytest.approx([25.0, -25.0])
    assert [v for v in ds.data_vars if v.startswith("di_dv")] == [
        f"di_dv_{i}" for i in range(1, 8)
    ]
    assert ds.di_dv_1.values[0] == pytest.approx(2.059474119020521e-11)
    assert ds.di_dv_1.attrs["original_name"] == "dI/dV_1"


@pytest.mark.parametrize("n", [69, 70])
def test_text_table_bars(data_dir, n):
    ds = read_text_table(data_dir / BARS.format(n))
    assert ds.sizes["point"] == 401
    assert next(iter(ds.data_vars)) == "magnet_bpar"
    assert len(ds.data_vars) == 6
    assert float(abs(ds.magnet_bpar).max()) == pytest.approx(0.25)


def test_bars_known_row(data_dir):
    ds = read_text_table(data_dir / BARS.format(69))
    assert ds.magnet_bpar[0] == 0.25
    assert ds.lockin_1_resx[0] == pytest.approx(13552.026451)


@pytest.mark.parametrize(
    "text",
    ["# T R\n1.5, 10\n2.0, 11\n", "T\tR\n1.5\t10\n2.0\t11\n", "1.5 10\n# c\n2.0   11\n"],
)
def test_two_column_variants(tmp_path, text):
    p = tmp_path / "rt.txt"
    p.write_text(text)
    ds = read_two_column(p, "temperature", "K", "resistance_ohm", "ohm")
    assert ds.temperature.values.tolist() == [1.5, 2.0]
    assert ds.resistance_ohm.values.tolist() == [10.0, 11.0]
    assert ds.temperature.attrs["units"] == "K" and ds.resistance_ohm.attrs["units"] == "ohm"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("1 2 3\n", 1, "3 columns"),
        ("1 2\n3 x\n", 2, "non-numeric"),
        ("1 2\n3 nan\n", 2, "NaN"),
        ("a b c\n1 2\n", 1, "header"),
    ],
)
def test_two_column_errors(tmp_path, text, line, fragment):
    p = tmp_path / "bad.txt"
    p.write_text(text)
    with pytest.raises(FileFormatError) as ei:
        read_two_column(p, "x", "", "y", "")
    assert fragment in str(ei.value) and ei.value.line == line


MSR2DATA = """\
dataT        dataTErr        dataB        dataE        Asy          AsyPosErr      AsyNegErr      Sigma        SigmaPosErr    SigmaNegErr    CHISQ        NDF          CHISQred     RUN
5.0012       0.0021          100.5        4.8          0.2134       0.0031         -0.0029        0.4521       0.0152         -0.0148        1023.4       998          1.0254       2310
2.0003       0.0015          100.5        4.8          0.2011       0.0030         -0.0030        0.6123       0.0181         -0.0175        1011.9       998          1.0139       2311
"""  # noqa: E501


def test_musrfit_table(tmp_path):
    p = tmp_path / "fit.dat"
    p.write_text(MSR2DATA)
    ds = tsclab.open(p)
    assert ds.attrs["reader"] == "musrfit"
    assert ds.run.values.tolist() == [2310, 2311]
    assert ds.Sigma.values.tolist() == [0.4521, 0.6123]
    assert ds.Sigma_pos_err.values.tolist() == [0.0152, 0.0181]
    assert ds.Sigma_neg_err.values.tolist() == [0.0148, 0.0175]  # magnitude of the negative error
    assert ds.temperature_K.values.tolist() == [5.0012, 2.0003]
    assert ds.temperature_err_K.values.tolist() == [0.0021, 0.0015]
    assert ds.field_G.attrs["units"] == "G" and ds.energy_keV.values[0] == 4.8
    assert ds.CHISQred.values[1] == pytest.approx(1.0139)


def test_musrfit_errors(tmp_path):
    p = tmp_path / "fit.dat"
    p.write_text(MSR2DATA.replace("1011.9", "x"))
    with pytest.raises(FileFormatError) as ei:
        read_musrfit_table(p)
    assert ei.value.line == 3


def test_netcdf_round_trip_via_open(tmp_path, data_dir):
    ds = tsclab.open(
        data_dir / "FAIRmat-NFDI__nomad-measurements/Resistivity_Ch1_TMR_Ch2_Hall_test.dat"
    )
    path = write_netcdf(ds, tmp_path / "r.nc")
    back = tsclab.open(path)
    assert back.attrs["reader"] == "netcdf"
    np.testing.assert_array_equal(back.resistance_ohm.values, ds.resistance_ohm.values)


def test_unsupported_lists_readers(tmp_path):
    p = tmp_path / "x.bin"
    p.write_bytes(b"\x00\x01\x02binary" * 10)
    with pytest.raises(UnsupportedFormatError) as ei:
        tsclab.open(p)
    msg = str(ei.value)
    assert str(p) in msg and "read_qd_dat" in msg and "read_sxm" in msg


def test_sniff_ignores_extension(tmp_path, data_dir):
    src = data_dir / "angelo-peronio__nanonis-xarray/i_v.dat"
    p = tmp_path / "renamed.txt"
    p.write_bytes(src.read_bytes())
    assert sniff(p) == "nanonis_spectrum"
    q = tmp_path / "image.dat"
    q.write_bytes((data_dir / GWY).read_bytes())
    assert sniff(q) == "gwy"


def test_missing_file(tmp_path):
    with pytest.raises(FileFormatError, match=r"no such file|cannot be read"):
        tsclab.open(tmp_path / "nope.dat")


MSR2DATA_DB = """\
TITLE
>>>Put your title here<<<

Abstract
>>>Put your abstract here<<<

LABELS
T (K)
B (G)
Asy
Sigma
CHISQ
NDF
CHISQred
RUN

Data dataT dataB Asy Sigma CHISQ NDF CHISQred RUN
\\-e
dataT = 5.0012, 0.0021, 0.0021,\\
dataB = 100.5, 0, 0,\\
Asy = 0.2134, 0.0031, 0.0029,\\
Sigma = 0.4521, 0.0152, 0.0148,\\
CHISQ = 1023.4, 0, 0,\\
NDF = 998, 0, 0,\\
CHISQred = 1.0254, 0, 0,\\
2310,,, run title
dataT = 2.0003, 0.0015, 0.0015,\\
dataB = 100.5, 0, 0,\\
Asy = 0.2011, 0.0030, 0.0030,\\
Sigma = 0.6123, 0.0181, 0.0175,\\
CHISQ = 1011.9, 0, 0,\\
NDF = 998, 0, 0,\\
CHISQred = 1.0139, 0, 0,\\
2311,,, run title
"""


def test_musrfit_db_same_as_ascii(tmp_path):
    a, b = tmp_path / "fit.dat", tmp_path / "fit.db"
    a.write_text(MSR2DATA)
    b.write_text(MSR2DATA_DB)
    da, db = tsclab.open(a), tsclab.open(b)
    assert db.attrs["reader"] == "musrfit"
    assert db.run.values.tolist() == [2310, 2311]
    for v in (
        "Sigma",
        "Sigma_pos_err",
        "Sigma_neg_err",
        "Asy_neg_err",
        "temperature_K",
        "temperature_err_K",
        "CHISQred",
    ):
        np.testing.assert_allclose(db[v].values, da[v].values)
    bad = tmp_path / "bad.db"
    bad.write_text(MSR2DATA_DB.replace("Asy = 0.2011", "Asy = x"))
    with pytest.raises(FileFormatError) as ei:
        read_musrfit_table(bad)
    assert ei.value.line == 29 and ei.value.key == "Asy"


def test_open_rejects_options_that_do_not_apply(data_dir):
    with pytest.raises(ParameterError, match="read_gwy"):
        tsclab.open(data_dir / GWY, pixel_size_nm=2.0)


def test_musrfit_table_round_trip(tmp_path):
    from tsclab.io import write_musrfit_table

    ds = xr.Dataset(
        {
            "temperature_K": ("run", [5.0, 10.0]),
            "temperature_err_K": ("run", [0.01, 0.02]),
            "energy_keV": ("run", [3.0, 5.0]),
            "A_para": ("run", [0.2, 0.15]),
            "A_para_pos_err": ("run", [0.003, 0.004]),
            "A_para_neg_err": ("run", [0.002, 0.005]),
            "CHISQred": ("run", [1.01, 0.99]),
        },
        coords={"run": [101, 102]},
    )
    back = tsclab.open(write_musrfit_table(ds, tmp_path / "m.dat"))
    assert back.attrs["reader"] == "musrfit"
    assert back.run.values.tolist() == [101, 102]
    for v in (
        "temperature_K",
        "temperature_err_K",
        "energy_keV",
        "A_para",
        "A_para_pos_err",
        "A_para_neg_err",
        "CHISQred",
    ):
        np.testing.assert_allclose(back[v].values, ds[v].values)
