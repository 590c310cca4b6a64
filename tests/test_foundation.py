"""The package foundation: errors, units, result records, CLI contract, paper values."""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path

import pytest
from scipy import constants

import tsclab
from tsclab import units
from tsclab.cli import run
from tsclab.errors import FileFormatError, ParameterError, TsclabError
from tsclab.paper_values import PAPER_VALUES, paper_value
from tsclab.results import Result, to_dataframe, write_records

SRC = Path(tsclab.__file__).parent


def test_version_command(capsys):
    assert run(["--version"]) == 0
    assert tsclab.__version__ in capsys.readouterr().out


def test_every_command_has_help(capsys):
    import typer

    from tsclab.cli.main import app

    group = typer.main.get_command(app)

    def walk(cmd, path):
        yield path
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from walk(sub, [*path, name])

    for path in walk(group, []):
        assert run([*path, "--help"]) == 0, path
        assert "Usage" in capsys.readouterr().out


def test_errors_carry_context():
    e = FileFormatError("x.dat", "no data", line=3, key="BYAPP")
    assert "x.dat" in str(e) and "line 3" in str(e) and "BYAPP" in str(e)
    assert isinstance(e, TsclabError)
    p = ParameterError("m", -1, "must be positive")
    assert p.name == "m" and p.value == -1


def test_units_from_scipy():
    assert units.K_B_MEV_PER_K == pytest.approx(constants.k / constants.e * 1e3)
    assert units.OE_TO_T == pytest.approx(1e-4, rel=1e-9)
    assert units.R_Q_OHM == pytest.approx(6453.2, abs=0.1)
    assert units.FLUX_QUANTUM_WB == pytest.approx(2.067834e-15, rel=1e-6)


def test_result_record_rules(tmp_path):
    with pytest.raises(ParameterError):
        Result("tc_0_K", math.nan, unit="K")
    with pytest.raises(ParameterError):
        Result("tc_0_K", None, unit="K")  # undefined needs a flag
    recs = [
        Result("tc_0_K", None, unit="K", flags=("no_zero_resistance",),
               source={"file": "a.dat", "channel": "bridge1"}),
        Result("tc_onset_K", 12.3, 0.05, "K", "0.9 R_N", "rt.tc_onset", "(8,50)"),
    ]  # fmt: skip
    df = to_dataframe(recs)
    assert list(df["quantity"]) == ["tc_0_K", "tc_onset_K"]
    assert df.loc[0, "source_channel"] == "bridge1"
    for suffix in (".csv", ".json", ".nc"):
        assert write_records(recs, tmp_path / f"r{suffix}").stat().st_size > 0
    loaded = json.loads((tmp_path / "r.json").read_text())
    assert loaded[0]["value"] is None and loaded[1]["value"] == 12.3


def test_paper_values_have_sources():
    for key, v in PAPER_VALUES.items():
        assert v.source, key
        assert v.quantity in key
    assert paper_value("tc_0_K", "(8,50)").value == 11.4


def test_paper_values_only_used_for_comparison():
    """No computation may import the reference values: only the report (comparison) and the
    calibration (fits whose inputs and outputs are reported) read them."""
    allowed = {SRC / "paper_values.py"}
    allowed |= set((SRC / "report").rglob("*.py"))
    allowed.add(SRC / "study" / "calibration.py")  # fits to the paper, reported as calibrated
    offenders = []
    for path in SRC.rglob("*.py"):
        if path in allowed:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any("paper_values" in n for n in names):
                offenders.append(str(path.relative_to(SRC)))
    assert offenders == []


def test_set_and_range_parsing():
    from tsclab.cli._common import parse_range, parse_sets

    assert parse_sets(["lam=0.2", "mu=-1e-2"]) == {"lam": 0.2, "mu": -0.01}
    for bad in (["lam"], ["lam=abc"], ["=1"], ["lam=nan"]):
        with pytest.raises(ParameterError):
            parse_sets(bad)
    assert parse_range("lam:0:0.6:64") == ("lam", 0.0, 0.6, 64)
    with pytest.raises(ParameterError):
        parse_range("lam:0:0.6")


def test_reproduce_quick_runs_every_step(tmp_path):
    """The virtual study end to end (quick grids): every step done, every listed file there,
    the report and the records written, and the calibrations reported."""
    assert run(["reproduce", "--quick", "--out", str(tmp_path)]) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary and all(s["status"] == "done" for s in summary), summary
    for s in summary:
        for f in s["files"]:
            assert (tmp_path / f).exists(), f
    report = (tmp_path / "report.html").read_text()
    for needle in ("Computed vs paper", "Calibrations", "calibrated", "data:image/png;base64"):
        assert needle in report
    records = (tmp_path / "results" / "records.csv").read_text()
    for q in (
        "tc_0_K",
        "delta_meV",
        "xi_gl_nm",
        "coercive_field_T",
        "chern_N",
        "magnetic_fraction",
        "dirac_point_eV",
    ):
        assert q in records


def test_atomic_write_gives_normal_permissions(tmp_path):
    import os

    from tsclab.results import atomic_write

    umask = os.umask(0o022)
    try:
        p = atomic_write(tmp_path / "f.txt", "x")
        assert p.stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(umask)
