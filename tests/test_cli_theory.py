"""Command-line contract of the theory commands (other tools script against it)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

from tsclab.cli.main import run

CASE_A = [
    "--set",
    "A=1",
    "--set",
    "B=1",
    "--set",
    "m0=0.2",
    "--set",
    "V=0",
    "--set",
    "mu=0",
    "--set",
    "delta_t=0",
    "--set",
    "delta_b=0.1",
]


def test_chern_json(capsys):
    rc = run(
        ["chern", "--model", "two-surface", *CASE_A, "--set", "lam=0.2062", "--nk", "60", "--json"]
    )
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out["N"] == -1 and isinstance(out["N"], int)
    assert out["C_normal"] == -1
    assert out["min_gap"] == pytest.approx(0.1, abs=2e-3)
    assert out["resolved"] is True and out["parameters"]["lam"] == 0.2062


def test_phase_diagram_writes_nc_and_png(tmp_path, capsys):
    out = tmp_path / "pd.nc"
    rc = run(
        [
            "phase-diagram",
            "--model",
            "two-surface",
            *CASE_A,
            "--x",
            "lam:0:0.6:12",
            "--y",
            "mu:-0.3:0.3:8",
            "--nk",
            "24",
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    assert out.exists() and out.with_suffix(".png").stat().st_size > 10_000
    ds = xr.load_dataset(out)
    assert ds["N"].dims == ("lam", "mu") and np.issubdtype(ds["N"].dtype, np.integer)
    assert "min_gap" in ds and "resolved" in ds and ds.attrs["nk"] == 24


def test_bands_and_ribbon(tmp_path):
    assert (
        run(
            [
                "bands",
                *CASE_A,
                "--set",
                "lam=0.3",
                "--path",
                "G,X,M,G",
                "--n",
                "31",
                "--out",
                str(tmp_path / "b.nc"),
            ]
        )
        == 0
    )
    assert (tmp_path / "b.png").exists()
    assert xr.load_dataset(tmp_path / "b.nc")["energy_bdg"].shape == (31, 8)
    assert (
        run(
            [
                "ribbon",
                *CASE_A,
                "--set",
                "lam=0.3062",
                "--width",
                "80",
                "--nk",
                "21",
                "--kmax",
                "0.3",
                "--out",
                str(tmp_path / "r.nc"),
            ]
        )
        == 0
    )
    ds = xr.load_dataset(tmp_path / "r.nc")
    assert (ds.attrs["edge_modes_lower"], ds.attrs["edge_modes_upper"]) == (-2, 2)
    assert (tmp_path / "r.png").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["chern", "--set", "foo=1"],
        ["chern", "--set", "lam=abc"],
        ["chern", "--set", "lam"],
        ["phase-diagram", "--x", "lam:0:1", "--y", "mu:0:1:3"],
        ["phase-diagram", "--x", "zzz:0:1:3", "--y", "mu:0:1:3"],
        ["chern", "--model", "nope"],
        ["ribbon", "--width", "1"],
        ["bands", "--path", "G,Q"],
    ],
)
def test_bad_input_is_one_line_exit_2(args, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("tsclab: error: ") and err.count("\n") == 1


def test_text_options_and_thin_film_band_units(tmp_path, capsys):
    """--set takes model options as text; the thin-film band path is in 1/Angstrom."""

    out = tmp_path / "b.nc"
    args = [
        "bands",
        "--model",
        "thin-film",
        "--set",
        "m=2",
        "--set",
        "material=Bi2Se3-NP09",
        "--path",
        "G,X",
        "--n",
        "21",
        "--kind",
        "normal",
        "--out",
        str(out),
    ]
    assert run(args) == 0
    ds = xr.load_dataset(out)
    assert ds["kx"].attrs["units"] == "1/Angstrom"
    # X = pi / a with a = 4.14 Angstrom for NP09 Bi2Se3
    assert float(ds["kx"].max()) == pytest.approx(np.pi / 4.14, rel=1e-6)
    assert run(["chern", "--model", "thin-film", "--set", "material=Nope"]) == 2
    assert "material" in capsys.readouterr().err


def test_induced_gap_command(tmp_path, capsys):
    """NP09 Bi2Se3, Delta0 = 10 meV on the interface QL, mu = C + 0.10 eV: PHYSICS.md §3.3
    regression values 10.0 and 0.427 meV for m = 1, 2."""
    out = tmp_path / "g.nc"
    args = [
        "induced-gap",
        "--set",
        "material=Bi2Se3-NP09",
        "--set",
        "delta0=0.01",
        "--set",
        "mu=0.0932",
        "--m",
        "1:2",
        "--out",
        str(out),
        "--json",
    ]
    assert run(args) == 0
    recs = json.loads(capsys.readouterr().out)
    assert [r["quantity"] for r in recs] == ["delta_top_meV"] * 2
    assert recs[0]["value"] == pytest.approx(10.0, rel=1e-3)
    assert recs[1]["value"] == pytest.approx(0.427, rel=5e-3)
    assert out.exists() and out.with_suffix(".png").exists()
    assert run(["induced-gap", "--m", "0:3", "--out", str(out)]) == 2
