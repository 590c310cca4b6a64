"""Units stated in text-table headers are converted, or refused with the column and line."""

from __future__ import annotations

import numpy as np
import pytest

from tsclab.errors import FileFormatError
from tsclab.io import read_two_column
from tsclab.io._common import column_unit, header_unit_factor, parse_unit, unit_factor
from tsclab.units import OE_TO_T


@pytest.mark.parametrize(
    ("unit", "quantity", "factor"),
    [
        ("K", "temperature", 1.0),
        ("mK", "temperature", 1e-3),
        ("mT", "field", 1e-3),
        ("Oe", "field", OE_TO_T),
        ("kOe", "field", 1e3 * OE_TO_T),
        ("G", "field", 1e-4),
        ("ohm", "resistance", 1.0),
        ("Ω", "resistance", 1.0),
        ("kohm", "resistance", 1e3),
        ("kOhm", "resistance", 1e3),
        ("kΩ", "resistance", 1e3),
        ("MOhm", "resistance", 1e6),
        ("mOhm", "resistance", 1e-3),  # prefix case matters: milli, not mega
        ("µV", "voltage", 1e-6),
        ("V", "voltage", 1.0),
    ],
)
def test_parse_unit_known(unit, quantity, factor):
    q, f = parse_unit(unit)
    assert q == quantity
    assert f == pytest.approx(factor, rel=1e-12)


def test_parse_unit_unknown_and_cross_quantity():
    assert parse_unit("furlong") is None and parse_unit("") is None
    assert unit_factor("K", "T") is None  # a temperature is not a field
    assert unit_factor("V", "mV") == pytest.approx(1e3)
    assert unit_factor("counts", "counts") == 1.0


@pytest.mark.parametrize(
    ("label", "unit", "explicit"),
    [
        ("field (Oe)", "Oe", True),
        ("T [mK]", "mK", True),
        ("T_mK", "mK", False),
        ("R_kohm", "kohm", False),
        ("R/ohm", "ohm", False),
        ("hc2_perp", "", False),
        ("dI/dV", "", False),
        ("temperature", "", False),
    ],
)
def test_column_unit(label, unit, explicit):
    assert column_unit(label) == (unit, explicit)


def _write(tmp_path, text, name="t.txt"):
    f = tmp_path / name
    f.write_text(text)
    return f


def test_two_column_header_units_are_converted(tmp_path):
    f = _write(tmp_path, "# a comment\nT (mK)\tR (kOhm)\n1500\t2.5\n2500\t3.0\n")
    ds = read_two_column(f, "temperature", "K", "r", "ohm")
    np.testing.assert_allclose(ds["temperature"], [1.5, 2.5])
    np.testing.assert_allclose(ds["r"], [2500.0, 3000.0])
    assert ds["temperature"].attrs == {"units": "K", "original_units": "mK"}
    assert ds["r"].attrs["original_units"] == "kOhm" and ds.attrs["header_line"] == 2


def test_two_column_name_suffix_units(tmp_path):
    f = _write(tmp_path, "T_mK R_ohm\n1500 10\n2500 20\n")
    ds = read_two_column(f, "temperature", "K", "r", "ohm")
    np.testing.assert_allclose(ds["temperature"], [1.5, 2.5])
    # a suffix that is not a unit of the wanted quantity is part of the name (bridge A)
    g = _write(tmp_path, "T_K R_A\n1 10\n2 20\n", "g.txt")
    np.testing.assert_allclose(read_two_column(g, "temperature", "K", "r", "ohm")["r"], [10, 20])


def test_two_column_without_header_keeps_declared_units(tmp_path):
    f = _write(tmp_path, "1500 2.5\n2500 3.0\n")
    ds = read_two_column(f, "temperature", "mK", "r", "kohm")
    np.testing.assert_allclose(ds["temperature"], [1500, 2500])
    assert ds["temperature"].attrs["units"] == "mK"


def test_two_column_arbitrary_target_unit_keeps_header_unit(tmp_path):
    f = _write(tmp_path, "bias (V), dI/dV (nS)\n-0.01, 2\n0.01, 3\n")
    ds = read_two_column(f, "bias", "mV", "didv", "")
    np.testing.assert_allclose(ds["bias"], [-10.0, 10.0])
    np.testing.assert_allclose(ds["didv"], [2, 3])
    assert ds["didv"].attrs["original_units"] == "nS"


def test_two_column_inconvertible_header_unit_raises(tmp_path):
    f = _write(tmp_path, "# R(T)\nT (V), R (ohm)\n1, 2\n3, 4\n")
    with pytest.raises(FileFormatError) as exc:
        read_two_column(f, "temperature", "K", "r", "ohm")
    assert exc.value.line == 2 and "'T (V)'" in str(exc.value)
    with pytest.raises(FileFormatError, match="field"):
        header_unit_factor(f, "field (K)", "T", line=1)


def test_whitespace_header_with_units_names_two_columns(tmp_path):
    f = _write(tmp_path, "T (mK)  R (kohm)\n1500 2.5\n2500 3.0\n")
    ds = read_two_column(f, "temperature", "K", "r", "ohm")
    np.testing.assert_allclose(ds["temperature"], [1.5, 2.5])
    np.testing.assert_allclose(ds["r"], [2500.0, 3000.0])
    assert ds.attrs["original_columns"] == ["T (mK)", "R (kohm)"]
