"""Quantum Design .dat reader, writer and sweep segmentation, on the real files in tests/data."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import tsclab
from tsclab.errors import FileFormatError, ParameterError
from tsclab.io import (
    cluster_values,
    qd_channels,
    read_qd_dat,
    segment_sweeps,
    write_qd_dat,
)

NOMAD = "FAIRmat-NFDI__nomad-measurements"
RES = f"{NOMAD}/Resistivity_Ch1_TMR_Ch2_Hall_test.dat"
ACT = f"{NOMAD}/ACT_Ch1_Hall_Ch2_TMR.dat"
CHAM = "paradimdata__project_chameleon/4-probe resistivity example file.dat"
MVSH9 = "RinehartGroup__MagnetoPy/mvsh9.dat"
MVSH3 = "RinehartGroup__MagnetoPy/mvsh3.dat"


def test_resistivity_option_file(data_dir):
    ds = read_qd_dat(data_dir / RES)
    assert ds.sizes["point"] == 1401
    assert ds.attrs["instrument"] == "QD PPMS Resistivity"
    assert list(ds["channel"].values) == ["bridge1", "bridge2", "bridge3", "bridge4"]
    assert list(ds["sample_name"].values[:2]) == ["TMR", "Hall"]
    assert qd_channels(ds) == ["bridge1", "bridge2"]
    # First data row of the file: T = 2.00049996376038 K, H = -10000.7678125 Oe, R1, R2.
    assert ds.temperature_K[0] == pytest.approx(2.00049996376038)
    assert ds.field_T[0] == pytest.approx(-1.00007678125)
    assert ds.field_T.attrs["units"] == "T"
    assert ds.field_T.attrs["original_name"] == "Magnetic Field (Oe)"
    r = ds.resistance_ohm.isel(point=0)
    assert r.sel(channel="bridge1") == pytest.approx(0.466511068344116)
    assert r.sel(channel="bridge2") == pytest.approx(0.22415763258934)
    assert np.isnan(r.sel(channel="bridge3"))  # empty bridge kept as NaN, not dropped
    # Geometry left at 1: the "resistivity" columns are resistances, and are flagged.
    assert ds.attrs["resistivity_is_resistance"] == ["bridge1", "bridge2"]
    # INFO records in "value, key" order with MultiVu's spaced keys.
    assert ds.attrs["info_SAMPLE1_CROSS_SECTION"] == "1"
    assert ds.attrs["info_APPNAME"] == "PPMS MultiVu Application, 1.5.11"
    assert ds.attrs["byapp"].startswith("Resistivity")


def test_act_alternating_channels_kept(data_dir):
    ds = read_qd_dat(data_dir / ACT)
    assert ds.sizes["point"] == 6035
    assert ds.attrs["instrument"] == "QD PPMS ACT"
    assert list(ds["channel"].values) == ["ch1", "ch2"]
    r = ds.resistance_ohm.transpose("point", "channel").values
    # Rows alternate between the channels: each row has exactly one of them.
    assert np.isfinite(r[0, 0]) and np.isnan(r[0, 1])
    assert np.isnan(r[1, 0]) and np.isfinite(r[1, 1])
    assert np.isfinite(r).sum(axis=0).tolist() == [3017, 3018]
    # R = rho * L / A with the INFO geometry (ohm-cm, cm, cm^2): first row of the file.
    rho1 = 8.39211453295936e-6
    assert ds.resistivity.attrs["units"] == "ohm-cm"
    assert r[0, 0] == pytest.approx(rho1 * 0.1393 / 0.0011144, rel=1e-12)
    # ... which is V/I of the same row (Volts ch1 / Excitation): an independent check.
    assert r[0, 0] == pytest.approx(1.07923080942839e-6 / 1.02880465367804e-3, rel=1e-6)
    # Values with commas in INFO (key last) survive whole.
    assert "l=1.022, w=1.393, d=0.08, L=3.06 mm" in ds.attrs["info_SAMPLE1_COMMENT"]
    assert ds.attrs["resistivity_is_resistance"] == []
    assert ds.temperature_K.min() == pytest.approx(1.99837565)


def test_partial_transition_file(data_dir):
    ds = read_qd_dat(data_dir / CHAM)
    assert ds.sizes["point"] == 359
    assert qd_channels(ds) == ["bridge3"]
    assert ds.sample_name.sel(channel="bridge3") == "EuSNb2Se4"
    # Raw bridge resistance column (not the geometry-scaled resistivity) is resistance_ohm.
    assert ds.resistance_ohm.sel(channel="bridge3")[-1] == pytest.approx(0.107216252014041)
    assert ds.temperature_K[-1] == pytest.approx(300.150512695313)
    assert ds.resistivity.attrs["units"] == "Ohm-m"
    assert ds.attrs["resistivity_is_resistance"] == []  # geometry 12.5 / 5 given


@pytest.mark.parametrize(("name", "delim", "n"), [(MVSH9, "comma", 425), (MVSH3, "tab", 141)])
def test_mpms3_files(data_dir, name, delim, n):
    ds = read_qd_dat(data_dir / name)
    assert ds.attrs["instrument"] == "QD MPMS3"
    assert ds.attrs["delimiter"] == delim
    assert ds.sizes["point"] == n
    assert ds.moment_emu.attrs["units"] == "emu"
    # The "Moment (emu)" column is empty in DC mode; the DC free-centre moment is used.
    assert ds.moment_emu.attrs["original_name"] == "DC Moment Free Ctr (emu)"
    assert np.isfinite(ds.moment_emu).all()
    assert ds.field_T.max() == pytest.approx(7.0, abs=1e-3)
    assert ds.field_T.min() == pytest.approx(-7.0, abs=1e-3)


def test_mpms3_known_rows(data_dir):
    ds9 = read_qd_dat(data_dir / MVSH9)
    assert ds9.moment_emu[1] == pytest.approx(0.174787350946045)
    assert ds9.field_T[1] == pytest.approx(0.200046301269531)
    assert ds9.attrs["info_SAMPLE_MATERIAL"] == "[Er_TMSCOT_Cl_THF]2"
    assert (
        ds9.attrs["info_APPNAME"]
        == "MPMS3 Measurement Release 1.1.16 Build 424, MultiVu Release 2.3.4.19"
    )
    ds3 = read_qd_dat(data_dir / MVSH3)
    assert ds3.temperature_K[0] == pytest.approx(5.00263834)
    assert ds3.moment_emu[1] == pytest.approx(-0.055525107)
    assert ds3.attrs["info_SAMPLE_HOLDER"] == "Straw"


def test_field_loop_segmentation(data_dir):
    ds = segment_sweeps(read_qd_dat(data_dir / RES), by="field")
    n = int(ds.sweep.max()) + 1
    assert n == 7  # up at 2.0 K, then a down/up loop at 2.1, 2.2, 2.3 K
    first = [str(ds.direction.where(ds.sweep == k, drop=True).values[0]) for k in range(n)]
    assert first == ["up", "down", "up", "down", "up", "down", "up"]
    setpoints = sorted({round(float(t), 3) for t in np.unique(ds.temperature_setpoint_K)})
    assert setpoints == pytest.approx([2.0, 2.1, 2.2, 2.3], abs=2e-3)
    # Every branch spans the whole +-1 T loop.
    for k in range(1, n):
        b = ds.field_T.where(ds.sweep == k, drop=True)
        assert float(b.max() - b.min()) == pytest.approx(2.0, abs=0.02)
    assert ds.sizes["point"] == 1401  # nothing dropped


def test_act_loops_one_per_temperature(data_dir):
    ds = segment_sweeps(read_qd_dat(data_dir / ACT), by="field")
    assert int(ds.sweep.max()) + 1 == 8
    per = [np.unique(ds.temperature_setpoint_K.where(ds.sweep == k, drop=True)) for k in range(8)]
    assert all(len(p) == 1 for p in per)
    assert [round(float(p[0]), 1) for p in per] == [2.0, 2.2, 2.4, 2.6, 2.8, 3.0, 3.2, 3.4]


def test_cooling_then_warming(data_dir):
    ds = segment_sweeps(read_qd_dat(data_dir / CHAM), by="temperature")
    assert int(ds.sweep.max()) + 1 == 2
    d0 = set(ds.direction.where(ds.sweep == 0, drop=True).values)
    d1 = set(ds.direction.where(ds.sweep == 1, drop=True).values)
    assert d0 == {"cooling"} and d1 == {"warming"}
    # The turning point (lowest T) opens the warming sweep.
    t1 = ds.temperature_K.where(ds.sweep == 1, drop=True)
    assert float(t1[0]) == pytest.approx(float(ds.temperature_K.min()))
    assert not ds.settling.any()


def test_segmentation_clusters_not_grid(rng):
    # Set points at 1.73 and 2.61 K (not on any round grid), noise 1 mK, with three transient
    # points in between: clusters are found from the values, transients flagged and kept.
    T = np.concatenate(
        [
            1.73 + 1e-3 * rng.standard_normal(50),
            [2.0, 2.2, 2.4],
            2.61 + 1e-3 * rng.standard_normal(50),
        ]
    )
    H = np.concatenate([np.linspace(-1, 1, 50), [1, 1, 1], np.linspace(1, -1, 50)])
    ds = xr.Dataset(
        {"temperature_K": ("point", T), "field_T": ("point", H)},
        coords={"point": np.arange(T.size)},
    )
    seg = segment_sweeps(ds, by="field")
    assert seg.settling.values[50:53].all() and seg.settling.sum() == 3
    sp = np.unique(seg.temperature_setpoint_K.values[np.isfinite(seg.temperature_setpoint_K)])
    assert sp == pytest.approx([1.73, 2.61], abs=2e-3)
    assert seg.sizes["point"] == T.size
    assert set(seg.direction.values[:50]) == {"up"}
    assert set(seg.direction.values[60:]) == {"down"}


def test_noise_does_not_make_sweeps(rng):
    # A plateau with noise and then a ramp: one stable run, one warming run; no spurious
    # reversals on the plateau.
    T = np.concatenate([5 + 2e-3 * rng.standard_normal(200), np.linspace(5, 10, 200)])
    ds = xr.Dataset({"temperature_K": ("point", T)}, coords={"point": np.arange(T.size)})
    seg = segment_sweeps(ds, by="temperature")
    assert int(seg.sweep.max()) == 0
    assert set(seg.direction.values[250:]) == {"warming"}


def test_cluster_values_doc():
    lab = cluster_values(np.array([2.0, 2.001, 3.0, 2.999, np.nan]), 0.01)
    assert lab.tolist() == [0, 0, 1, 1, -1]


def test_segment_bad_arguments(data_dir):
    ds = read_qd_dat(data_dir / RES)
    with pytest.raises(ParameterError):
        segment_sweeps(ds, by="angle")  # type: ignore[arg-type]
    with pytest.raises(ParameterError):
        segment_sweeps(ds.drop_vars("field_T"), by="field")


def test_round_trip_resistivity(tmp_path, rng):
    n = 300
    T = np.linspace(10, 2, n)
    R = np.where(T > 4.7, 12.0, 12.0 * (T - 2.0) / 2.7) + 1e-3 * rng.standard_normal(n)
    R2 = np.full(n, np.nan)
    R2[::2] = 3.3  # sparse second channel
    ds = xr.Dataset(
        {
            "temperature_K": ("point", T),
            "field_T": ("point", np.full(n, 0.5)),
            "resistance_ohm": (("point", "channel"), np.column_stack([R, R2])),
        },
        coords={"point": np.arange(n), "channel": ["bridge1", "bridge2"]},
    )
    path = write_qd_dat(ds, tmp_path / "sim.dat")
    back = tsclab.open(path)
    assert back.attrs["reader"] == "qd_dat"
    assert back.sizes["point"] == n
    np.testing.assert_allclose(back.temperature_K, T, rtol=1e-15)
    np.testing.assert_allclose(back.field_T, 0.5, rtol=1e-15)
    np.testing.assert_allclose(back.resistance_ohm.sel(channel="bridge1"), R, rtol=1e-15)
    np.testing.assert_array_equal(
        np.isnan(back.resistance_ohm.sel(channel="bridge2")), np.isnan(R2)
    )
    assert qd_channels(back) == ["bridge1", "bridge2"]
    assert back.attrs["resistivity_is_resistance"] == ["bridge1", "bridge2"]


def test_round_trip_vsm(tmp_path):
    H = np.concatenate([np.linspace(0, 7, 20), np.linspace(7, -7, 40), np.linspace(-7, 7, 40)])
    M = np.tanh(H) * 1e-3
    ds = xr.Dataset(
        {
            "field_T": ("point", H),
            "moment_emu": ("point", M),
            "temperature_K": ("point", 2 + 0 * H),
        },
        coords={"point": np.arange(H.size)},
    )
    back = read_qd_dat(write_qd_dat(ds, tmp_path / "mh.dat", option="VSM"))
    np.testing.assert_allclose(back.moment_emu, M, rtol=1e-15, atol=0)
    np.testing.assert_allclose(back.field_T, H, rtol=1e-14, atol=1e-15)
    seg = segment_sweeps(back, by="field")
    assert int(seg.sweep.max()) + 1 == 3


def test_latin1_and_utf8_headers(tmp_path, data_dir):
    raw = (data_dir / RES).read_bytes()
    for enc in ("latin-1", "utf-8"):
        patched = raw.replace(b"TITLE, 171224", "TITLE, µ-bridge 5 °C Å".encode(enc) + b" 171224")
        p = tmp_path / f"{enc}.dat"
        p.write_bytes(patched)
        ds = read_qd_dat(p)
        assert ds.attrs["title"].startswith("µ-bridge 5 °C Å")
        assert ds.sizes["point"] == 1401


def test_quoted_values_and_key_first_info(tmp_path):
    text = (
        "[Header]\n"
        'TITLE,"a, b"\n'
        "INFO,APPNAME,My App, 1.0\n"
        'INFO,"thin film, 10 nm",SAMPLE1_MATERIAL\n'
        "INFO,2.5,SAMPLE1_CROSS_SECTION\nINFO,0.5,SAMPLE1_LENGTH\n"
        "[Data]\nComment,Time Stamp (sec),Temperature (K),Magnetic Field (Oe),"
        "Bridge 1 Resistivity (ohm-cm)\n"
        ",1,2.0,10000,5.0\n,2,2.1,-10000,6.0\n"
    )
    p = tmp_path / "q.dat"
    p.write_text(text)
    ds = read_qd_dat(p)
    assert ds.attrs["title"] == "a, b"
    assert ds.attrs["info_APPNAME"] == "My App, 1.0"
    assert ds.attrs["info_SAMPLE1_MATERIAL"] == "thin film, 10 nm"
    # R = rho L / A with the Resistivity option's geometry in mm^2 and mm: rho [ohm-cm] * 0.5 mm
    # / 2.5 mm^2 * 10 (mm -> cm).
    assert ds.resistance_ohm.sel(channel="bridge1").values.tolist() == pytest.approx([10.0, 12.0])
    assert ds.field_T.values.tolist() == [1.0, -1.0]


def test_settling_flag_from_status(tmp_path):
    # Temperature status nibble 1 (stable), 2 (tracking), 5 (waiting for the set point).
    text = (
        "[Header]\nBYAPP, Resistivity, 2.1, 1.0\n[Data]\n"
        "Comment,Time Stamp (sec),Status (code),Temperature (K),Magnetic Field (Oe),"
        "Bridge 1 Resistance (Ohms)\n"
        ",1,4369,2.0,0,1.0\n,2,4370,2.1,0,1.1\n,3,4373,2.5,0,1.5\n"
    )
    p = tmp_path / "s.dat"
    p.write_text(text)
    ds = read_qd_dat(p)
    assert ds.settling.values.tolist() == [False, False, True]
    assert ds.sizes["point"] == 3


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [
        ("[Header]\nTITLE,x\n", None, "no [Data]"),
        ("[Header]\n[Data]\nComment,Temperature (K)\n,abc\n", 4, "non-numeric"),
        ("[Header]\n[Data]\nComment,Temperature (K)\n,1,2,3\n", 4, "fields"),
        ("[Header]\n[Data]\nComment,Temperature (K)\n", 4, "no rows"),
        ("[Data]\nComment,Temperature (K)\n,1\n", 1, "[Header]"),
    ],
)
def test_errors_name_file_and_line(tmp_path, body, line, fragment):
    p = tmp_path / "bad.dat"
    p.write_text(body)
    with pytest.raises(FileFormatError) as ei:
        read_qd_dat(p)
    assert str(p) in str(ei.value)
    assert fragment in str(ei.value)
    if line is not None:
        assert ei.value.line == line


def test_eto_columns(tmp_path):
    # ETO layout (Electrical Transport Option): per-channel resistance in ohms, ch1/ch2 labels.
    text = (
        "[Header]\nBYAPP, Electrical Transport Option, 1.2, 1.0\n"
        "INFO, Film A, Sample1 Name\nINFO, Film B, Sample2 Name\n[Data]\n"
        "Comment,Time Stamp (sec),Temperature (K),Magnetic Field (Oe),Sample Position (deg),"
        "Resistance Ch1 (Ohms),Resistance Std. Dev. Ch1 (Ohms),Phase Angle Ch1 (deg),"
        "Resistance Ch2 (Ohms)\n"
        ",1,10.0,0,45,101.5,0.1,0.2,\n,2,9.0,0,45,,,,55.0\n"
    )
    p = tmp_path / "eto.dat"
    p.write_text(text)
    ds = read_qd_dat(p)
    assert ds.attrs["instrument"] == "QD PPMS ETO"
    assert list(ds.channel.values) == ["ch1", "ch2"]
    assert list(ds.sample_name.values) == ["Film A", "Film B"]
    r = ds.resistance_ohm.transpose("point", "channel").values
    assert r[0, 0] == 101.5 and np.isnan(r[0, 1]) and r[1, 1] == 55.0
    assert ds.angle_deg.values.tolist() == [45.0, 45.0]
    assert ds.phase_deg.attrs["units"] == "deg"


def test_real_file_write_read(tmp_path, data_dir):
    ds = read_qd_dat(data_dir / RES)
    back = read_qd_dat(write_qd_dat(ds, tmp_path / "again.dat"))
    for v in ("temperature_K", "field_T", "time_s"):
        np.testing.assert_allclose(back[v], ds[v], rtol=1e-14)
    np.testing.assert_array_equal(back.resistance_ohm.values, ds.resistance_ohm.values)
    assert list(back.sample_name.values) == list(ds.sample_name.values)
    seg0, seg1 = segment_sweeps(ds, by="field"), segment_sweeps(back, by="field")
    np.testing.assert_array_equal(seg0.sweep.values, seg1.sweep.values)


def test_temperature_setpoints_one_sweep_each(rng):
    # R(T) taken at set points 2.0, 3.3, 5.1 K (20 points each, 2 mK noise) with two
    # transients on the way: three "stable" sweeps, transients flagged and attached forward.
    parts = [2.0 + 2e-3 * rng.standard_normal(20), [2.6], 3.3 + 2e-3 * rng.standard_normal(20),
             [4.2], 5.1 + 2e-3 * rng.standard_normal(20)]  # fmt: skip
    T = np.concatenate(parts)
    ds = xr.Dataset({"temperature_K": ("point", T)}, coords={"point": np.arange(T.size)})
    seg = segment_sweeps(ds, by="temperature")
    assert int(seg.sweep.max()) + 1 == 3
    assert seg.settling.values[[20, 41]].all() and int(seg.settling.sum()) == 2
    assert seg.sweep.values[20] == 1 and seg.sweep.values[41] == 2
    assert set(seg.direction.values[~seg.settling.values]) == {"stable"}
    assert seg.direction.values[20] == "warming"
    sp = [float(seg.temperature_setpoint_K.values[seg.sweep.values == k][-1]) for k in range(3)]
    assert sp == pytest.approx([2.0, 3.3, 5.1], abs=3e-3)


def test_hall_channels_and_act_hall_rows(tmp_path, data_dir):
    assert read_qd_dat(data_dir / RES).attrs["hall_channels"] == ["bridge2"]
    assert read_qd_dat(data_dir / ACT).attrs["hall_channels"] == ["ch1"]
    text = (
        "[Header]\nBYAPP,ACTRANSPORT,2.0,1.1\nINFO,Hall bar,SAMPLE1_MATERIAL\n[Data]\n"
        "Comment,Time Stamp (sec),Temperature (K),Magnetic Field (Oe),Excitation (mA),"
        "Volts ch1,Res. ch1 (ohm-cm),Hall ch1 (cm^3/coul)\n"
        ",1,2.0,10000,2.0,4e-6,,1.5e-3\n,2,2.0,10000,2.0,3e-6,7e-6,\n"
    )
    p = tmp_path / "hall.dat"
    p.write_text(text)
    ds = read_qd_dat(p)
    rxy = ds.hall_resistance_ohm.sel(channel="ch1").values
    assert rxy[0] == pytest.approx(4e-6 / 2e-3) and np.isnan(rxy[1])
    assert ds.hall_coefficient.attrs["units"] == "cm^3/coul"


def test_utf16_resave(tmp_path, data_dir):
    # Windows "Unicode text" re-save of a MultiVu file: UTF-16 with a byte-order mark.
    text = (data_dir / MVSH9).read_bytes().decode("latin-1")
    p = tmp_path / "utf16.dat"
    p.write_bytes(text.encode("utf-16"))
    ds = tsclab.open(p)
    assert ds.attrs["reader"] == "qd_dat" and ds.sizes["point"] == 425
    assert ds.moment_emu[1] == pytest.approx(0.174787350946045)


def test_resistance_from_resistivity_and_geometry(tmp_path, data_dir):
    # Drop the raw bridge-resistance columns of the chameleon file: R must be recovered from
    # rho (ohm-m) with the INFO geometry (mm^2, mm), equal to the dropped column.
    lines = (data_dir / CHAM).read_text(encoding="latin-1").split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith("Comment,"))
    cols = lines[i].split(",")
    drop = {j for j, c in enumerate(cols) if "Resistance (Ohms)" in c}
    out = [",".join(c for j, c in enumerate(ln.split(",")) if j not in drop) for ln in lines[i:]]
    p = tmp_path / "norawR.dat"
    p.write_text("\n".join(lines[:i] + out), encoding="latin-1")
    ref = read_qd_dat(data_dir / CHAM).resistance_ohm.sel(channel="bridge3").values
    got = read_qd_dat(p).resistance_ohm.sel(channel="bridge3").values
    np.testing.assert_allclose(got, ref, rtol=1e-9)


def test_write_hall_loop_as_bridge(tmp_path):
    # A simulated anomalous-Hall loop (tanh branches) and R_xx: Hall goes to bridge 2 named
    # "Hall", and comes back flagged as the Hall channel with its field loop segmented.
    H = np.concatenate([np.linspace(1, -1, 101), np.linspace(-1, 1, 101)])
    branch = np.concatenate([np.ones(101), -np.ones(101)])
    rxy = 5.0 * np.tanh((H + 0.1 * branch) / 0.02)
    ds = xr.Dataset(
        {"field_T": ("point", H), "temperature_K": ("point", np.full(H.size, 1.5)),
         "resistance_ohm": ("point", np.full(H.size, 100.0)),
         "hall_resistance_ohm": ("point", rxy)},
        coords={"point": np.arange(H.size)},
    )  # fmt: skip
    back = read_qd_dat(write_qd_dat(ds, tmp_path / "ahe.dat"))
    assert back.attrs["hall_channels"] == ["bridge2"]
    np.testing.assert_allclose(back.resistance_ohm.sel(channel="bridge2"), rxy, rtol=1e-15)
    seg = segment_sweeps(back, by="field")
    assert int(seg.sweep.max()) + 1 == 2
    assert [str(seg.direction.values[0]), str(seg.direction.values[-1])] == ["down", "up"]


def test_field_sweeps_split_by_angle():
    # Two up-sweeps at the same temperature, first at 0 deg then at 90 deg, with no field
    # reversal in between (the magnet ramps back while the rotator turns: modelled as a jump).
    H = np.concatenate([np.linspace(0, 2, 50), np.linspace(0.0, 2, 50)])
    ang = np.concatenate([np.zeros(50), np.full(50, 90.0)])
    ds = xr.Dataset(
        {"field_T": ("point", H), "angle_deg": ("point", ang),
         "temperature_K": ("point", np.full(100, 2.0))},
        coords={"point": np.arange(100)},
    )  # fmt: skip
    seg = segment_sweeps(ds, by="field")
    assert np.unique(seg.sweep.values[:50]).size == 1
    assert seg.sweep.values[49] != seg.sweep.values[50]
    assert set(seg.direction.values[55:]) == {"up"}
