"""``tsclab analyze rt`` and ``tsclab analyze hc2`` end to end, on real and synthetic files."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from tsclab.cli.main import run
from tsclab.superconductivity.hc2 import hc2_par_gl, hc2_perp_gl
from tsclab.transport import RTModelParams, sheet_resistance_ohm, zero_resistance_temperature_K

KEYS = {"quantity", "value", "stderr", "unit", "criterion", "source", "flags"}

PARADIM = "paradimdata__project_chameleon/4-probe resistivity example file.dat"
NOMAD = "FAIRmat-NFDI__nomad-measurements/Resistivity_Ch1_TMR_Ch2_Hall_test.dat"


def _json(capsys, argv):
    capsys.readouterr()
    rc = run(argv)
    out = capsys.readouterr()
    assert rc == 0, out.err
    return json.loads(out.out)


def _need(data_dir, rel):
    p = data_dir / rel
    if not p.exists():
        pytest.skip(f"fixture {rel} not copied yet")
    return p


def test_rt_real_partial_transition(capsys, data_dir, tmp_path):
    path = _need(data_dir, PARADIM)
    recs = _json(capsys, ["analyze", "rt", str(path), "--json", "--out", str(tmp_path)])
    assert all(KEYS <= set(r) for r in recs)
    q = [r for r in recs if r["quantity"] == "tc_0_K"]
    assert {r["source"]["sweep"] for r in q} == {"cooling", "warming"}
    assert all(r["value"] is None and "no_zero_resistance" in r["flags"] for r in q)
    on = [r["value"] for r in recs if r["quantity"] == "tc_onset_K"]
    assert all(4.1 < v < 4.8 for v in on)
    assert all(r["source"]["channel"] == "bridge3" for r in recs)
    assert (tmp_path / "rt_records.csv").exists() and (tmp_path / "rt_records.json").exists()
    assert list(tmp_path.glob("rt_*bridge3.png"))


def test_rt_two_column_text_round_trip(capsys, tmp_path, rng):
    p = RTModelParams(tc0_K=11.0, sigma_tc_K=0.4, p_max=0.9, al_fluctuations=False)
    T = np.arange(2.0, 30.0, 0.05)
    R = sheet_resistance_ohm(T, p, rng=rng, noise_ohm=0.05)
    f = tmp_path / "rt.txt"
    f.write_text(
        "# T (K)  R (ohm)\n" + "\n".join(f"{t:.4f} {r:.6f}" for t, r in zip(T, R, strict=True))
    )
    recs = _json(capsys, ["analyze", "rt", str(f), "--json", "--no-files"])
    q = {r["quantity"]: r for r in recs}
    assert q["tc_0_K"]["value"] == pytest.approx(zero_resistance_temperature_K(p), abs=0.1)
    assert q["r_residual_ratio"]["criterion"] == "phase = superconductor"
    assert not list(tmp_path.glob("*.png"))


def test_rt_bad_input_is_one_line_error(capsys, tmp_path):
    f = tmp_path / "bad.txt"
    f.write_text("1 2 3\n4 5 6\n")
    rc = run(["analyze", "rt", str(f), "--no-files"])
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("tsclab: error:") and "Traceback" not in err
    rc = run(["analyze", "rt", str(tmp_path / "missing.dat"), "--no-files"])
    assert rc == 2
    # a flat curve (no transition) is a flagged result, not an error
    g = tmp_path / "flat.txt"
    T = np.linspace(2, 30, 100)
    g.write_text("\n".join(f"{t} {100 + t}" for t in T))
    recs = _json(capsys, ["analyze", "rt", str(g), "--json", "--no-files"])
    assert all("no_transition" in r["flags"] for r in recs if r["quantity"].startswith("tc_"))


def test_rt_refuses_field_loops_with_a_flag(capsys, data_dir):
    path = _need(data_dir, NOMAD)
    recs = _json(capsys, ["analyze", "rt", str(path), "--json", "--no-files"])
    assert recs and all(r["value"] is None and "field_swept" in r["flags"] for r in recs)
    assert "analyze hc2" in recs[0]["extra"]["reason"]


def test_hc2_real_nbse2_field_loops(capsys, data_dir, tmp_path):
    # (SnSe)1.16NbSe2 misfit, +-1 T loops at 2.0, 2.1, 2.2, 2.3 K: Hc2 decreases with T
    path = _need(data_dir, NOMAD)
    recs = _json(capsys, ["analyze", "hc2", str(path), "--json", "--out", str(tmp_path)])
    assert all(KEYS <= set(r) for r in recs)
    means = [
        r
        for r in recs
        if r["quantity"] == "hc2_T"
        and "mean" in r["source"]["sweep"]
        and r["source"]["channel"] == "bridge1"
    ]
    T = [r["extra"]["temperature_K"] for r in means]
    H = [r["value"] for r in means]
    assert [round(t, 1) for t in T] == [2.0, 2.1, 2.2, 2.3]
    assert all(0.3 < h < 0.6 for h in H)
    assert np.all(np.diff(H) < 0)
    q = {r["quantity"]: r for r in recs if r["source"]["channel"] == "bridge1"}
    assert 2.3 < q["tc_gl_K"]["value"] < 5.0
    assert q["xi_gl_nm"]["value"] > 0 and q["xi_gl_nm"]["stderr"] > 0
    assert q["hc2_over_pauli"]["value"] < 1
    assert list(tmp_path.glob("hc2_vs_T_bridge1.png"))


def test_hc2_real_al_bars(capsys, data_dir, tmp_path):
    # maiani/percolative_supercurrent: Al bars, R(B parallel) down (69) and up (70) sweeps;
    # the two widest bars never fall below 50 % R_N (series normal parts) -> flagged
    p69 = _need(data_dir, "maiani__percolative_supercurrent/69.dat")
    p70 = _need(data_dir, "maiani__percolative_supercurrent/70.dat")
    recs = _json(capsys, ["analyze", "hc2", str(p69), str(p70), "--json", "--no-files"])
    vals = [r for r in recs if r["quantity"] == "hc2_T" and r["value"] is not None]
    assert vals and all(0.1 < r["value"] < 0.25 for r in vals)
    flagged = [r for r in recs if r["value"] is None]
    assert flagged and all("no_transition" in r["flags"] for r in flagged)


def test_hc2_table_joint_gl_fit(capsys, tmp_path):
    T = np.linspace(10.5, 12.2, 8)
    f = tmp_path / "hc2.csv"
    rows = [f"{t},{hc2_perp_gl(t, 2.2, 12.4):.6f},{hc2_par_gl(t, 2.2, 10.4, 12.4):.6f}" for t in T]
    f.write_text("temperature (K),hc2_perp (T),hc2_par (T)\n" + "\n".join(rows) + "\n")
    recs = _json(capsys, ["analyze", "hc2", str(f), "--json", "--out", str(tmp_path)])
    q = {r["quantity"]: r for r in recs if r["quantity"] != "hc2_T"}
    assert q["xi_gl_nm"]["value"] == pytest.approx(2.2, rel=0.01)
    assert q["d_sc_nm"]["value"] == pytest.approx(10.4, rel=0.01)
    assert "outside_2d_gl_window" in q["d_sc_nm"]["flags"]
    assert (tmp_path / "hc2_vs_T_table.png").exists()


def test_hc2_two_column_table_and_bad_options(capsys, tmp_path):
    f = tmp_path / "t.txt"
    T = np.array([9.0, 10.0, 11.0, 12.0])
    f.write_text("\n".join(f"{t} {3.0 * (12.5 - t)}" for t in T))
    recs = _json(capsys, ["analyze", "hc2", str(f), "--json", "--no-files"])
    q = {r["quantity"]: r for r in recs if r["quantity"] != "hc2_T"}
    assert q["tc_gl_K"]["value"] == pytest.approx(12.5, abs=1e-6)
    assert q["dhc2_dt_T_per_K"]["value"] == pytest.approx(-3.0)
    assert q["hc2_orb_whh_T"]["value"] == pytest.approx(0.6927 * 12.5 * 3.0, rel=1e-3)
    assert run(["analyze", "hc2", str(f), "--orientation", "oblique", "--no-files"]) == 2
    assert run(["analyze", "hc2", str(f), "--fraction", "2", "--no-files"]) == 2


def test_hc2_rt_at_fixed_field_files(capsys, tmp_path, data_dir):
    # several QD R(T) files at fixed fields give H_c2(T) points via T_c(H)
    io = pytest.importorskip("tsclab.io")
    src = _need(data_dir, PARADIM)
    ds = io.read_qd_dat(src)
    if not hasattr(io, "write_qd_dat"):
        pytest.skip("no QD writer")
    shutil.copy(src, tmp_path / "a.dat")
    recs = _json(capsys, ["analyze", "hc2", str(tmp_path / "a.dat"), "--json", "--no-files"])
    r = [x for x in recs if x["quantity"] == "hc2_T"]
    assert len(r) == 2  # cooling and warming branch
    for x in r:
        assert 3.0 < x["extra"]["temperature_K"] < 4.0
        assert x["value"] == pytest.approx(abs(float(ds["field_T"][0])), abs=1e-6)


def test_virtual_measurement_round_trip_through_qd_files(capsys, tmp_path, rng):
    # forward model -> QD .dat (the instrument's own format, two bridges, cooling + warming)
    # -> reader -> CLI: T_c,0 within 0.1 K of the analytic value on every branch and bridge
    import xarray as xr

    io = pytest.importorskip("tsclab.io")
    p1 = RTModelParams(tc0_K=11.0, sigma_tc_K=0.4, p_max=0.9, al_fluctuations=False)
    p2 = RTModelParams(tc0_K=9.0, sigma_tc_K=0.5, p_max=0.45)  # never reaches zero
    T = np.concatenate([np.arange(25.0, 2.0, -0.05), np.arange(2.0, 25.0, 0.05)])
    R = np.stack([sheet_resistance_ohm(T, p, rng=rng, noise_ohm=0.02) for p in (p1, p2)], axis=1)
    ds = xr.Dataset(
        {
            "temperature_K": ("point", T),
            "field_T": ("point", np.zeros_like(T)),
            "resistance_ohm": (("point", "channel"), R),
        },
        coords={"channel": ["bridge1", "bridge2"]},
    )
    f = tmp_path / "virtual.dat"
    io.write_qd_dat(ds, f)
    recs = _json(capsys, ["analyze", "rt", str(f), "--json", "--no-files"])
    t0 = {
        (r["source"]["channel"], r["source"]["sweep"]): r
        for r in recs
        if r["quantity"] == "tc_0_K"
    }
    assert set(t0) == {(c, s) for c in ("bridge1", "bridge2") for s in ("cooling", "warming")}
    for s in ("cooling", "warming"):
        assert t0[("bridge1", s)]["value"] == pytest.approx(
            zero_resistance_temperature_K(p1), abs=0.1
        )
        assert t0[("bridge2", s)]["value"] is None
    phases = {
        (r["source"]["channel"], r["criterion"])
        for r in recs
        if r["quantity"] == "r_residual_ratio"
    }
    assert ("bridge1", "phase = superconductor") in phases
    assert ("bridge2", "phase = anomalous_metal") in phases


def test_hc2_angle_table(capsys, tmp_path, rng):
    from tsclab.superconductivity.hc2 import hc2_angle_tinkham

    th = np.linspace(0, 180, 61)
    H = hc2_angle_tinkham(th, 2.0, 12.0) * (1 + 0.01 * rng.standard_normal(th.size))
    f = tmp_path / "ang.csv"
    f.write_text(
        "angle (deg),hc2 (T)\n" + "\n".join(f"{a},{h}" for a, h in zip(th, H, strict=True))
    )
    recs = _json(capsys, ["analyze", "hc2", str(f), "--json", "--out", str(tmp_path)])
    q = {r["quantity"]: r for r in recs}
    assert q["hc2_par_T"]["extra"]["preferred_model"] == "tinkham_2d"
    assert q["hc2_par_T"]["value"] == pytest.approx(12.0, rel=0.03)
    assert (tmp_path / "hc2_angle_ang.png").exists()


# ------------------------------------------------------------------ header units


def _rh_table(tmp_path, header, field_scale, r_scale=1.0, name="rh.txt"):
    from tsclab.superconductivity.hc2 import resistance_vs_field_ohm

    H = np.concatenate([np.linspace(-2, 2, 201), np.linspace(2, -2, 201)])
    R = resistance_vs_field_ohm(H, 1.0, 0.03, 50.0)
    f = tmp_path / name
    rows = "\n".join(
        f"{h * field_scale:.6f}\t{r * r_scale:.8f}" for h, r in zip(H, R, strict=True)
    )
    f.write_text(header + "\n" + rows + "\n")
    return f


def test_hc2_rh_table_field_in_oe_from_header(capsys, tmp_path):
    from tsclab.units import OE_TO_T

    f = _rh_table(tmp_path, "field (Oe)\tR (kohm)", 1 / OE_TO_T, r_scale=1e-3)
    recs = _json(capsys, ["analyze", "hc2", str(f), "--json", "--no-files"])
    hc = [r for r in recs if r["quantity"] == "hc2_T" and r["value"] is not None]
    assert hc and all(r["value"] == pytest.approx(1.0, abs=2e-3) for r in hc)
    branches = [r for r in hc if "r_normal_ohm" in r["extra"]]
    assert len(branches) == 4
    assert all(r["extra"]["r_normal_ohm"] == pytest.approx(50.0, rel=1e-3) for r in branches)
    # an explicit --field-units must agree with the header
    assert run(["analyze", "hc2", str(f), "--field-units", "Oe", "--no-files"]) == 0
    capsys.readouterr()
    assert run(["analyze", "hc2", str(f), "--field-units", "T", "--no-files"]) == 2
    err = capsys.readouterr().err
    assert "'field (Oe)'" in err and "line 1" in err
    # no unit in the header: --field-units applies
    g = _rh_table(tmp_path, "field\tR", 1e3, name="rh_mT.txt")
    recs = _json(capsys, ["analyze", "hc2", str(g), "--field-units", "mT", "--json", "--no-files"])
    hc = [r["value"] for r in recs if r["quantity"] == "hc2_T" and r["value"] is not None]
    assert hc and all(v == pytest.approx(1.0, abs=2e-3) for v in hc)
    # a header unit that is not a resistance is refused, not read as ohm
    v = _rh_table(tmp_path, "field (T)\tX (V)", 1.0, name="rh_v.txt")
    assert run(["analyze", "hc2", str(v), "--no-files"]) == 2
    assert "'X (V)'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("header", "t_scale", "h_scale"),
    [("T (K)  hc2 (Oe)", 1.0, "oe"), ("T (mK)\thc2 (T)", 1e3, 1.0), ("T_K, hc2_mT", 1.0, 1e3)],
)
def test_hc2_table_units_from_header(capsys, tmp_path, header, t_scale, h_scale):
    from tsclab.units import OE_TO_T

    h_scale = 1 / OE_TO_T if h_scale == "oe" else h_scale
    sep = "," if "," in header else ("\t" if "\t" in header else " ")
    T = np.array([9.0, 10.0, 11.0, 12.0])
    f = tmp_path / "hc2.txt"
    rows = [f"{t * t_scale:.6f}{sep}{3.0 * (12.5 - t) * h_scale:.6f}" for t in T]
    f.write_text(header + "\n" + "\n".join(rows) + "\n")
    recs = _json(capsys, ["analyze", "hc2", str(f), "--json", "--no-files"])
    q = {r["quantity"]: r for r in recs if r["quantity"] != "hc2_T"}
    assert q["tc_gl_K"]["value"] == pytest.approx(12.5, abs=1e-4)
    assert q["dhc2_dt_T_per_K"]["value"] == pytest.approx(-3.0, rel=1e-4)
    hc = [r["value"] for r in recs if r["quantity"] == "hc2_T"]
    np.testing.assert_allclose(hc, 3.0 * (12.5 - T), rtol=1e-4)


def test_hc2_table_inconvertible_temperature_unit(capsys, tmp_path):
    f = tmp_path / "hc2.txt"
    f.write_text("T (T)\thc2 (T)\n9\t1\n10\t0.5\n11\t0.2\n")
    assert run(["analyze", "hc2", str(f), "--no-files"]) == 2
    assert "'T (T)'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("header", "t_scale", "r_scale"),
    [("T_mK R_ohm", 1e3, 1.0), ("T (K)\tR_kohm", 1.0, 1e-3), ("T [mK], R (MOhm)", 1e3, 1e-6)],
)
def test_rt_text_units_from_header(capsys, tmp_path, rng, header, t_scale, r_scale):
    p = RTModelParams(tc0_K=11.0, sigma_tc_K=0.4, p_max=0.9, al_fluctuations=False)
    T = np.arange(2.0, 30.0, 0.05)
    R = sheet_resistance_ohm(T, p, rng=rng, noise_ohm=0.05)
    sep = ", " if "," in header else "\t"
    f = tmp_path / "rt.txt"
    f.write_text(
        header + "\n"
        + "\n".join(f"{t * t_scale:.4f}{sep}{r * r_scale:.10g}" for t, r in zip(T, R, strict=True))
    )  # fmt: skip
    ref = tmp_path / "rt_K_ohm.txt"  # the same curve in K and ohm, no header
    ref.write_text("\n".join(f"{t:.4f} {r:.10g}" for t, r in zip(T, R, strict=True)))
    recs = _json(capsys, ["analyze", "rt", str(f), "--json", "--no-files"])
    want = _json(capsys, ["analyze", "rt", str(ref), "--json", "--no-files"])
    q = {r["quantity"]: r for r in recs}
    assert q["tc_0_K"]["value"] == pytest.approx(zero_resistance_temperature_K(p), abs=0.1)
    for w in want:
        if w["value"] is not None and w["quantity"] in ("tc_onset_K", "tc_mid_K", "r_normal_ohm"):
            assert q[w["quantity"]]["value"] == pytest.approx(w["value"], rel=1e-3)
    assert 10.0 < q["tc_onset_K"]["value"] < 14.0 and q["r_normal_ohm"]["value"] > 10.0


# ------------------------------------------------------------------ WHH slope near T_c


def test_hc2_whh_uses_the_slope_near_tc(capsys, tmp_path):
    # Hc2(T) = H0 (1 - t^2): curved at low T; dHc2/dT at Tc is -2 H0 / Tc. A line through all
    # points (2-11.8 K) gives about 0.58 of that; the near-Tc window must come within 10 %.
    tc, h0 = 12.0, 5.0
    T = np.linspace(2.0, 11.8, 15)
    f = tmp_path / "curved.txt"
    f.write_text(
        "T (K)\thc2 (T)\n" + "\n".join(f"{t}\t{h0 * (1 - (t / tc) ** 2)}" for t in T) + "\n"
    )
    recs = _json(capsys, ["analyze", "hc2", str(f), "--json", "--no-files"])
    q = {r["quantity"]: r for r in recs if r["quantity"] != "hc2_T"}
    true_slope = -2 * h0 / tc
    assert q["dhc2_dt_T_per_K"]["value"] == pytest.approx(true_slope, rel=0.1)
    whh = q["hc2_orb_whh_T"]
    assert whh["extra"]["slope_window_K"] < 0.5 * (T.max() - T.min())
    assert whh["value"] == pytest.approx(0.693 * whh["extra"]["tc_K"] * abs(true_slope), rel=0.1)
    # its error: at least the slope's relative error
    rel_slope = q["dhc2_dt_T_per_K"]["stderr"] / abs(q["dhc2_dt_T_per_K"]["value"])
    assert whh["stderr"] >= whh["value"] * rel_slope * (1 - 1e-9) and whh["stderr"] > 0


def test_hc2_fit_points_weights_by_point_errors():
    # an outlier with a large error must not pull the GL fit; equal weights would
    from tsclab.cli.analyze_hc2 import _errors, _fit_points, _Points

    T = [9.0, 9.5, 10.0, 10.5, 11.0, 11.5]
    H = [3.0 * (12.0 - t) for t in T]
    H[0] += 2.0
    err = [5.0, 0.01, 0.01, 0.01, 0.01, 0.01]
    p = _Points(T=T, H=H, err=err, orientation=["perp"] * len(T))
    q = {r.quantity: r for r in _fit_points("x", p, "", None)}
    assert q["tc_gl_K"].value == pytest.approx(12.0, abs=0.02)
    p_eq = _Points(T=T, H=H, err=[None] * len(T), orientation=["perp"] * len(T))
    q_eq = {r.quantity: r for r in _fit_points("x", p_eq, "", None)}
    assert abs(q_eq["tc_gl_K"].value - 12.0) > 0.1
    sel = np.ones(len(T), bool)
    np.testing.assert_allclose(_errors(err, sel), err)
    assert _errors([0.1, None, 0.1, 0.1, 0.1, 0.1], sel) is None
