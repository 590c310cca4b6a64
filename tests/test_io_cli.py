"""``tsclab inspect`` on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tsclab.cli.main import run

DATA = Path(__file__).parent / "data"

RES = "FAIRmat-NFDI__nomad-measurements/Resistivity_Ch1_TMR_Ch2_Hall_test.dat"


def test_inspect_qd_json(data_dir, capsys):
    assert run(["inspect", "--json", str(data_dir / RES)]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["reader"] == "qd_dat" and d["instrument"] == "QD PPMS Resistivity"
    assert d["dims"] == {"point": 1401, "channel": 4}
    assert d["channels_with_data"] == ["bridge1", "bridge2"]
    assert d["sweeps"]["by"] == "field" and d["sweeps"]["count"] == 7
    assert d["sweeps"]["temperature_setpoints_K"] == pytest.approx([2.0, 2.1, 2.2, 2.3], abs=1e-3)
    assert d["metadata"]["resistivity_is_resistance"] == ["bridge1", "bridge2"]
    units = {v["name"]: v["units"] for v in d["variables"]}
    assert units["field_T"] == "T" and units["resistance_ohm"] == "ohm"


def test_inspect_nanonis_text(data_dir, capsys):
    assert run(["inspect", str(data_dir / "angelo-peronio__nanonis-xarray/i_v.dat")]) == 0
    out = capsys.readouterr().out
    assert "nanonis_spectrum" in out and "didv" in out and "modulation_mV=0.15" in out


def test_inspect_bare_matrix_needs_pixel_size(data_dir, capsys):
    mfm = data_dir / "tobiasfarchy__MFM_ASI_GUI"
    path = next(mfm.glob("*.txt"))
    assert run(["inspect", str(path)]) == 2
    assert "pixel_size_nm" in capsys.readouterr().err
    assert run(["inspect", "--json", "--pixel-size-nm", "10", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["dims"] == {"y": 476, "x": 512}


def test_inspect_unsupported(tmp_path, capsys):
    p = tmp_path / "blob.bin"
    p.write_bytes(b"\x00\x01" * 50)
    assert run(["inspect", str(p)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tsclab: error:") and "Readers:" in err


_ALL = sorted(
    p.relative_to(DATA).as_posix() for p in DATA.rglob("*") if p.is_file() and p.suffix != ".md"
)


@pytest.mark.parametrize("name", _ALL)
def test_every_real_file_opens_and_inspects(name):
    from tsclab.cli.inspect_cmd import describe

    kwargs = {"pixel_size_nm": 10.0} if "MFM" in name else {}
    d = describe(DATA / name, **kwargs)
    assert d["reader"] and d["variables"]
    assert all(v["finite"] > 0 for v in d["variables"] if "finite" in v and v["dims"])
