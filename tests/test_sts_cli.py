"""``tsclab analyze sts`` on Nanonis .dat/.3ds, text tables and two-column text."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from tsclab.cli.main import run
from tsclab.io import write_3ds, write_nanonis_spectrum
from tsclab.superconductivity.dynes import tunneling_conductance

NBS2 = Path(__file__).parent / "data" / "janberges__nbs2cdw" / "Figure 3b.txt"
BIAS = np.linspace(-5, 5, 301)


def _json(capsys) -> list[dict]:
    return json.loads(capsys.readouterr().out)


def test_nbs2_cdw_is_reported_as_poor_fit_not_gap(tmp_path, capsys):
    rc = run(["analyze", "sts", str(NBS2), "--temperature-K", "0.35", "--json",
              "--out", str(tmp_path)])  # fmt: skip
    assert rc == 0
    recs = _json(capsys)
    deltas = [r for r in recs if r["quantity"] == "delta_meV"]
    assert len(deltas) == 7
    for r in deltas:
        assert r["value"] is None and "poor_fit" in r["flags"]
        assert set(r) >= {"quantity", "value", "stderr", "unit", "criterion", "source", "flags"}
        assert r["source"]["file"] == NBS2.name
    assert (tmp_path / "sts_records.csv").exists() and (tmp_path / "sts_records.json").exists()
    assert len(list(tmp_path.glob("sts_*.png"))) == 7


def test_nanonis_file_temperature_and_modulation_from_header(tmp_path, capsys, rng):
    vrms = 0.05
    clean = tunneling_conductance(BIAS, 1.0, 0.06, 0.31, modulation_rms_mV=vrms, scale=3e-9)
    data = clean[:, None, None] + rng.normal(0, 0.02 * 3e-9, (301, 2, 2))
    ds = xr.Dataset(
        {"didv": (("bias", "sweep", "direction"), data, {"units": "S"})},
        coords={"bias": ("bias", BIAS, {"units": "mV"}), "sweep": [1, 2],
                "direction": ["fwd", "bwd"]},
        attrs={"temperature_K": 0.31, "modulation_mV": vrms * np.sqrt(2)},
    )  # fmt: skip
    f = tmp_path / "Bias-Spectroscopy001.dat"
    write_nanonis_spectrum(ds, f)
    rc = run(["analyze", "sts", str(f), "--json", "--out", str(tmp_path / "out")])
    assert rc == 0
    by = {r["quantity"]: r for r in _json(capsys)}
    assert by["delta_meV"]["value"] == pytest.approx(1.0, rel=0.02)
    assert by["gamma_meV"]["value"] == pytest.approx(0.06, rel=0.2)
    assert by["delta_meV"]["flags"] == []
    assert "0.31 K" in by["delta_meV"]["criterion"]
    assert "lock-in 0.05 mV rms" in by["delta_meV"]["criterion"]
    assert (tmp_path / "out" / "sts_Bias-Spectroscopy001_didv.png").exists()


def test_two_column_text_needs_temperature(tmp_path, capsys, rng):
    y = tunneling_conductance(BIAS, 0.8, 0.05, 0.5) + rng.normal(0, 0.02, BIAS.size)
    f = tmp_path / "spec.txt"
    np.savetxt(f, np.column_stack([BIAS, y]))
    assert run(["analyze", "sts", str(f), "--no-files"]) == 2
    assert "temperature" in capsys.readouterr().err
    assert run(["analyze", "sts", str(f), "--temperature-K", "0.5", "--json", "--no-files"]) == 0
    by = {r["quantity"]: r for r in _json(capsys)}
    assert by["delta_meV"]["value"] == pytest.approx(0.8, rel=0.02)


def test_table_output_and_bad_temperature(tmp_path, capsys, rng):
    y = tunneling_conductance(BIAS, 0.8, 0.05, 0.5) + rng.normal(0, 0.02, BIAS.size)
    f = tmp_path / "spec.csv"
    np.savetxt(f, np.column_stack([BIAS, y]), delimiter=",", header="bias (mV),dI/dV (nS)",
               comments="")  # fmt: skip
    assert run(["analyze", "sts", str(f), "--temperature-K", "0.5", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "STS Dynes fits" in out and "meV" in out and "wrote 1 figure" in out
    assert run(["analyze", "sts", str(f), "--temperature-K", "0", "--no-files"]) == 2
    assert "must be > 0" in capsys.readouterr().err


def test_3ds_grid(tmp_path, capsys, rng):
    delta = np.array([[0.9, 1.0, 1.1], [1.0, 1.2, 0.95]])
    clean = tunneling_conductance(BIAS, delta[..., None], 0.05, 0.31, scale=2e-9)
    data = clean + rng.normal(0, 0.02 * 2e-9, clean.shape)
    ds = xr.Dataset(
        {"didv": (("y", "x", "bias"), data, {"units": "S"})},
        coords={"bias": ("bias", BIAS, {"units": "mV"}), "y": [0, 1], "x": [0, 1, 2]},
        attrs={"temperature_K": 0.31, "pixel_size_nm": [1.0, 1.0]},
    )
    f = tmp_path / "grid.3ds"
    write_3ds(ds, f)
    rc = run(["analyze", "sts", str(f), "--json", "--out", str(tmp_path / "o")])
    assert rc == 0
    recs = [r for r in _json(capsys) if r["quantity"] == "delta_meV"]
    assert len(recs) == 6
    got = {(r["source"]["pixel"]["y"], r["source"]["pixel"]["x"]): r["value"] for r in recs}
    for (iy, ix), v in got.items():
        assert v == pytest.approx(delta[iy, ix], rel=0.02)
    assert (tmp_path / "o" / "sts_map_grid.nc").exists()
    assert (tmp_path / "o" / "sts_map_grid.png").exists()


def test_real_nanonis_file_without_gap_is_flagged(tmp_path, capsys):
    """A real Nanonis spectrum (FAIRmat-NFDI/pynxtools-spm, 2.46 K, +-50 mV) whose lock-in X
    is negative: no Dynes gap, flagged, and the run still writes its figure and records."""
    f = Path(__file__).parent / "data" / "FAIRmat-NFDI__pynxtools-spm"
    f = f / "Bias-Spectroscopy00015_20230420.dat"
    rc = run(["analyze", "sts", str(f), "--json", "--out", str(tmp_path)])
    assert rc == 0
    recs = _json(capsys)
    d = next(r for r in recs if r["quantity"] == "delta_meV")
    assert d["value"] is None
    assert "negative_conductance" in d["flags"]
    assert "2.4591 K" in d["criterion"]  # temperature from the header
    assert len(list(tmp_path.glob("sts_*.png"))) == 1


def test_table_with_other_columns_fits_only_the_conductance(tmp_path, capsys, rng):
    y = tunneling_conductance(BIAS, 0.9, 0.05, 0.4) + rng.normal(0, 0.02, BIAS.size)
    f = tmp_path / "table.csv"
    np.savetxt(f, np.column_stack([BIAS, 1e-10 * BIAS, y]), delimiter=",",
               header="bias (mV),current (A),dI/dV (a.u.)", comments="")  # fmt: skip
    assert run(["analyze", "sts", str(f), "--temperature-K", "0.4", "--json", "--no-files"]) == 0
    recs = _json(capsys)
    assert len(recs) == 3 and {r["source"]["channel"] for r in recs} == {"dI/dV (a.u.)"}
    assert recs[0]["value"] == pytest.approx(0.9, rel=0.02)
