"""BCS gap equation, tanh interpolation and Delta(T) fits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tsclab.errors import ParameterError
from tsclab.superconductivity.bcs import (
    BCS_RATIO,
    bcs_gap_meV,
    bcs_gap_reduced,
    bcs_gap_tanh_meV,
    fit_bcs_gap,
)
from tsclab.units import K_B_MEV_PER_K


def test_zero_temperature_ratio():
    # Delta(0) = pi exp(-gamma_E) kB Tc = 1.7639 kB Tc (BCS 1957)
    assert BCS_RATIO == pytest.approx(1.7639, abs=1e-4)
    assert 2 * BCS_RATIO == pytest.approx(3.528, abs=1e-3)
    assert bcs_gap_meV(0.0, 10.0) == pytest.approx(BCS_RATIO * K_B_MEV_PER_K * 10.0, rel=1e-12)
    # the solver itself, just above the low-t shortcut, agrees with the analytic T = 0 value
    assert bcs_gap_reduced(0.021) == pytest.approx(BCS_RATIO, rel=1e-9)


def test_table_of_physics_md():
    t = np.array([0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95])
    exact = np.array([0.9999, 0.9971, 0.9850, 0.9569, 0.9070, 0.8288, 0.7110, 0.5263, 0.3803])
    diff = np.array([-0.002, -0.007, -0.013, -0.017, -0.017, -0.015, -0.010, -0.004, -0.001])
    got = bcs_gap_reduced(t) / BCS_RATIO
    assert np.allclose(got, exact, atol=6e-5)
    interp = bcs_gap_tanh_meV(t, 1.0, 1.0)
    assert np.allclose(interp - got, diff, atol=6e-4)
    assert np.max(np.abs(interp - got)) < 0.018


def test_near_tc_square_root_law():
    # Delta ~ 3.063 kB Tc sqrt(1 - T/Tc) near Tc (Ginzburg-Landau regime)
    for eps in (1e-3, 1e-4, 1e-5):
        assert bcs_gap_reduced(1 - eps) / np.sqrt(eps) == pytest.approx(3.063, rel=2e-3)
    assert bcs_gap_reduced(1.0) == 0.0
    assert np.all(bcs_gap_reduced(np.array([1.0, 1.5, 10.0])) == 0.0)


@given(t1=st.floats(0.0, 1.2), t2=st.floats(0.0, 1.2))
@settings(max_examples=30, deadline=None)
def test_gap_is_monotonic_in_temperature(t1, t2):
    lo, hi = sorted((t1, t2))
    assert bcs_gap_reduced(lo) >= bcs_gap_reduced(hi) - 1e-12


def test_vectorized_shape():
    T = np.array([[0.5, 1.0], [2.0, 7.0]])
    assert bcs_gap_meV(T, 6.5).shape == (2, 2)


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan")])
def test_bad_tc(bad):
    with pytest.raises(ParameterError):
        bcs_gap_meV(1.0, bad)


def test_fit_round_trip(rng):
    T = np.linspace(0.4, 6.2, 15)
    tc = 6.5
    sig = 0.01
    gaps = bcs_gap_meV(T, tc) + rng.normal(0, sig, T.size)
    recs = fit_bcs_gap(T, np.abs(gaps), sig)
    by = {r.quantity: r for r in recs}
    assert by["tc_K"].value == pytest.approx(tc, abs=3 * by["tc_K"].stderr + 1e-3)
    assert by["tc_K"].stderr < 0.1
    assert by["delta0_meV"].value == pytest.approx(BCS_RATIO * K_B_MEV_PER_K * tc, rel=0.02)
    assert by["gap_ratio_2delta0_over_kBTc"].value == pytest.approx(3.528, rel=0.03)
    assert by["tc_K"].unit == "K" and not by["tc_K"].flags
    assert "gap closing" in by["tc_K"].criterion
    assert by["tc_K"].extra["redchi"] == pytest.approx(1.0, abs=0.8)


def test_fit_with_fixed_ratio_and_points_above_tc():
    T = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0])
    recs = fit_bcs_gap(T, bcs_gap_meV(T, 6.5), fix_ratio=True)
    assert recs[0].value == pytest.approx(6.5, rel=1e-4)


def test_fit_extrapolated_tc_is_flagged():
    T = np.linspace(0.5, 2.5, 8)
    recs = fit_bcs_gap(T, bcs_gap_meV(T, 6.5))
    assert "tc_extrapolated" in recs[0].flags


def test_fit_bad_input():
    with pytest.raises(ParameterError):
        fit_bcs_gap([1, 2, 3], [1, 1])
    with pytest.raises(ParameterError):
        fit_bcs_gap([1, 2, np.nan], [1, 1, 1])
    with pytest.raises(ParameterError):
        fit_bcs_gap([0, 1, 2], [1, 1, 1])
    with pytest.raises(ParameterError):
        fit_bcs_gap([1, 2], [1, 1])


def test_fit_without_gap_is_flagged_not_raised():
    recs = fit_bcs_gap([1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0])
    assert all(r.value is None and r.flags == ("no_gap",) for r in recs)


def test_fit_shape_spline_matches_the_solution():
    # the Delta(T) fit uses a spline of (Delta/Delta0)^2/(1 - t) built from the exact solution
    from tsclab.superconductivity.bcs import _bcs_shape

    t = np.linspace(0.0, 1.1, 551)
    assert np.max(np.abs(_bcs_shape(t) - bcs_gap_reduced(t) / BCS_RATIO)) < 2e-5
