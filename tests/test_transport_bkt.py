"""BKT temperature from the Halperin–Nelson linearization."""

from __future__ import annotations

import numpy as np
import pytest

from tsclab.errors import ParameterError
from tsclab.transport import RTModelParams, sheet_resistance_ohm, t_bkt_from_rt


def test_bkt_simplified_form_with_noise(rng):
    # R = R_N exp(-b'/sqrt(T - T_BKT)): exactly linear after the transform
    tb, bp, rn = 7.3, 1.2, 500.0
    T = np.arange(7.32, 9.5, 0.01)
    R = rn * np.exp(-bp / np.sqrt(T - tb))
    R = R * (1 + 2e-4 * rng.standard_normal(T.size))
    r = t_bkt_from_rt(T, R, r_normal_ohm=rn)
    assert r.value == pytest.approx(tb, abs=0.05)
    assert r.extra["b_prime_K05"] == pytest.approx(bp, rel=0.1)
    assert r.flags == ()


def test_bkt_from_forward_model():
    # a nearly homogeneous sheet (narrow T_c distribution, p_max ~ 1) whose grains are phase
    # fluctuating: the tail is Halperin-Nelson and the linearization finds T_BKT
    p = RTModelParams(tc0_K=12.0, sigma_tc_K=0.05, p_max=1.0, t_bkt_K=11.0, hn_b=0.3,
                      al_fluctuations=False, n_uc=0.0)  # fmt: skip
    T = np.arange(10.0, 16.0, 0.005)
    r = t_bkt_from_rt(T, sheet_resistance_ohm(T, p), r_window=(1e-4, 0.1))
    assert r.value == pytest.approx(11.0, abs=0.15)


def test_bkt_flags_and_bad_input():
    T = np.linspace(2, 20, 100)
    r = t_bkt_from_rt(T, 100 + 0 * T, r_normal_ohm=100.0)
    assert r.value is None and "too_few_points" in r.flags
    with pytest.raises(ParameterError):
        t_bkt_from_rt(T, 100 + 0 * T, r_window=(0.5, 0.1))


def test_bkt_zero_inside_window_is_fit_failed_without_value():
    # (dlnR/dT)^(-2/3) flat then rising (a hockey stick, not Halperin-Nelson): the fitted
    # line's zero falls inside the window, which is no T_BKT
    T = np.linspace(5.5, 9.0, 1500)
    y = 0.3 + 3.0 * np.clip(T - 6.0, 0.0, None)
    d = y**-1.5
    lnR = np.concatenate([[0.0], np.cumsum(0.5 * (d[1:] + d[:-1]) * np.diff(T))])
    R = 100.0 * np.exp(lnR - lnR[-1] + np.log(0.29))
    T = np.concatenate([T, np.linspace(9.01, 10.0, 20)])
    R = np.concatenate([R, np.linspace(30.0, 100.0, 20)])
    r = t_bkt_from_rt(T, R, r_normal_ohm=100.0)
    assert r.flags == ("fit_failed",)
    assert r.value is None and r.stderr is None
    assert r.extra["window_K"][0] <= r.extra["fit_value"] <= r.extra["window_K"][1]
