"""T_c extraction: round trips through the forward model, bad input, and the real partial
transition of paradimdata/project_chameleon."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from tsclab.errors import ParameterError
from tsclab.transport import (
    RTModelParams,
    analyze_rt,
    sheet_resistance_ohm,
    split_branches,
    tc_criteria,
    zero_resistance_temperature_K,
)


def _by_q(recs):
    return {r.quantity: r for r in recs}


def _true_fraction_crossing(params: RTModelParams, frac: float) -> float:
    """Independent truth: R(T) = frac R_N(T) with R_N the same model without superconductivity
    (p_max = 0), solved by root finding on the continuous model."""
    normal = RTModelParams(**{**params.to_dict(), "p_max": 0.0})

    def f(T: float) -> float:
        return float(
            sheet_resistance_ohm(np.array([T]), params)[0]
            - frac * sheet_resistance_ohm(np.array([T]), normal)[0]
        )

    return brentq(f, params.tc0_K - 6 * params.sigma_tc_K, params.tc0_K + 6 * params.sigma_tc_K)


CASES = [
    # (tc0, sigma, p_max, normal_order): sharp, medium, broad transitions (illustrative, not
    # the paper's). The broad one extrapolates R_N over ~5 K, where the FeTe T^2 curvature
    # makes a straight line 3 % off: it needs the quadratic normal state.
    (12.0, 0.3, 0.9, 1),
    (11.0, 0.6, 0.75, 1),
    (8.0, 1.2, 0.6, 2),
]


@pytest.mark.parametrize("tc0, sigma, pmax, order", CASES)
def test_tc_round_trip_within_0p1K(rng, tc0, sigma, pmax, order):
    # AL fluctuations off so that the normal state R_N(T) is exactly known for the truth; noise
    # 0.1 % of R_N, 0.05 K steps (a typical PPMS sweep)
    p = RTModelParams(tc0_K=tc0, sigma_tc_K=sigma, p_max=pmax, al_fluctuations=False)
    T = np.arange(2.0, 25.0, 0.05)
    R0 = sheet_resistance_ohm(T, p)
    rn = float(R0.max())
    R = sheet_resistance_ohm(T, p, rng=rng, noise_ohm=1e-3 * rn)
    q = _by_q(tc_criteria(T, R, normal_order=order))
    assert q["tc_onset_K"].value == pytest.approx(_true_fraction_crossing(p, 0.9), abs=0.1)
    assert q["tc_mid_K"].value == pytest.approx(_true_fraction_crossing(p, 0.5), abs=0.1)
    assert q["tc_0_K"].value == pytest.approx(zero_resistance_temperature_K(p), abs=0.1)
    for k in ("tc_onset_K", "tc_mid_K", "tc_0_K"):
        assert q[k].unit == "K" and q[k].criterion and q[k].flags == ()
        assert q[k].stderr is not None and q[k].stderr < 0.1
    assert q["tc_0_K"].value < q["tc_mid_K"].value < q["tc_onset_K"].value


def test_tc_with_fluctuations_and_bkt_tail():
    # with AL and phase-fluctuating grains: T_c,0 is T_BKT when it lies below the percolation
    # temperature (zero resistance needs both), and percolation when it lies above
    p = RTModelParams(tc0_K=12.0, sigma_tc_K=0.3, p_max=0.9, t_bkt_K=11.5, hn_b=0.5)
    assert zero_resistance_temperature_K(p) == 11.5
    T = np.arange(2.0, 25.0, 0.02)
    q = _by_q(tc_criteria(T, sheet_resistance_ohm(T, p)))
    assert q["tc_0_K"].value == pytest.approx(11.5, abs=0.1)
    p2 = RTModelParams(tc0_K=12.0, sigma_tc_K=0.6, p_max=0.6, t_bkt_K=11.8, hn_b=0.5)
    t_perc = zero_resistance_temperature_K(RTModelParams(tc0_K=12.0, sigma_tc_K=0.6, p_max=0.6))
    assert zero_resistance_temperature_K(p2) == pytest.approx(t_perc)
    q2 = _by_q(tc_criteria(T, sheet_resistance_ohm(T, p2)))
    assert q2["tc_0_K"].value == pytest.approx(t_perc, abs=0.1)


def test_tangent_onset(rng):
    p = RTModelParams(tc0_K=10.0, sigma_tc_K=0.5, p_max=0.8, al_fluctuations=False)
    T = np.arange(2.0, 20.0, 0.05)
    R = sheet_resistance_ohm(T, p, rng=rng, noise_ohm=0.05)
    q = _by_q(tc_criteria(T, R, onset="tangent"))
    q_clean = _by_q(tc_criteria(T, sheet_resistance_ohm(T, p), onset="tangent"))
    assert q["tc_onset_K"].value == pytest.approx(q_clean["tc_onset_K"].value, abs=0.1)
    assert "tangent" in q["tc_onset_K"].criterion
    assert q["tc_mid_K"].value < q["tc_onset_K"].value


def test_cooling_and_warming_branches_separately(rng):
    # thermometer lag: the warming branch reads 0.2 K high -> its T_c's are 0.2 K higher
    p = RTModelParams(tc0_K=11.0, sigma_tc_K=0.4, p_max=0.9, al_fluctuations=False)
    Tc = np.arange(20.0, 2.0, -0.05)
    Tw = Tc[::-1]
    T = np.concatenate([Tc, Tw])
    R = np.concatenate([sheet_resistance_ohm(Tc, p), sheet_resistance_ohm(Tw - 0.2, p)])
    recs = analyze_rt(T, R)
    mids = {r.source["sweep"]: r.value for r in recs if r.quantity == "tc_mid_K"}
    assert set(mids) == {"cooling", "warming"}
    assert mids["warming"] - mids["cooling"] == pytest.approx(0.2, abs=0.02)


def test_split_branches_ignores_jitter(rng):
    T = np.concatenate([np.linspace(10, 2, 80), np.linspace(2, 10, 80)])
    T = T + 0.01 * rng.standard_normal(T.size)
    labels = [lab for lab, _ in split_branches(T)]
    assert labels == ["cooling", "warming"]
    T3 = np.concatenate([T, np.linspace(10, 2, 80)])
    assert [lab for lab, _ in split_branches(T3)] == ["cooling", "warming", "cooling2"]


def test_no_transition_is_flagged_not_invented():
    T = np.linspace(2, 30, 200)
    for R in (100 + 2 * T, 100 + 500 / T):  # metal, weak insulator
        q = _by_q(tc_criteria(T, R))
        for k in ("tc_onset_K", "tc_mid_K", "tc_0_K"):
            assert q[k].value is None
            assert "no_transition" in q[k].flags
            assert q[k].extra["reason"]


def test_partial_transition_gives_onset_and_undefined_zero():
    p = RTModelParams(tc0_K=10.0, sigma_tc_K=1.0, p_max=0.45)
    assert zero_resistance_temperature_K(p) is None
    T = np.arange(2.0, 25.0, 0.1)
    q = _by_q(tc_criteria(T, sheet_resistance_ohm(T, p)))
    assert q["tc_onset_K"].value is not None
    assert q["tc_0_K"].value is None
    assert {"no_zero_resistance", "partial_transition"} <= set(q["tc_0_K"].flags)
    assert "never falls below the floor" in q["tc_0_K"].extra["reason"]


def test_bad_input():
    T = np.linspace(2, 20, 100)
    R = 100 / (1 + np.exp(-(T - 10) / 0.3))
    with pytest.raises(ParameterError):
        tc_criteria(T, R[:-1])
    with pytest.raises(ParameterError):
        tc_criteria(np.full(5, np.nan), np.ones(5))
    with pytest.raises(ParameterError):
        tc_criteria(T - 5, R)  # T <= 0
    with pytest.raises(ParameterError):
        tc_criteria(T, R, onset_fraction=1.2)
    with pytest.raises(ParameterError):
        tc_criteria(T, R, onset="steepest")
    with pytest.raises(ParameterError):
        analyze_rt(np.full(50, 5.0), np.ones(50))  # not a sweep
    # NaNs are dropped and flagged; result unchanged
    Rn = R.copy()
    Rn[::9] = np.nan
    q = _by_q(tc_criteria(T, Rn))
    assert q["tc_mid_K"].value == pytest.approx(10.0, abs=0.02)
    assert "nan_points_dropped" in q["tc_mid_K"].flags
    # unsorted input is sorted
    perm = np.random.default_rng(1).permutation(T.size)
    assert _by_q(tc_criteria(T[perm], R[perm]))["tc_mid_K"].value == pytest.approx(
        _by_q(tc_criteria(T, R))["tc_mid_K"].value
    )


def test_transition_below_the_data_has_no_normal_state():
    T = np.linspace(2, 8, 60)
    R = 1e-6 * np.ones_like(T)  # all superconducting
    q = _by_q(tc_criteria(T, R))
    assert all(q[k].value is None for k in ("tc_onset_K", "tc_mid_K", "tc_0_K"))


def test_real_partial_transition(data_dir):
    # paradimdata/project_chameleon: 10 -> 1.8 K cooling, then warming to 300 K; a broad
    # transition (onset ~4.7 K) that never reaches zero (R(1.8 K) ~ 10 % of R_N)
    io = pytest.importorskip("tsclab.io")
    path = data_dir / "paradimdata__project_chameleon" / "4-probe resistivity example file.dat"
    if not path.exists():
        pytest.skip("fixture not copied yet")
    ds = io.read_qd_dat(path)
    chans = io.qd_channels(ds)
    assert chans == ["bridge3"]
    T = ds["temperature_K"].to_numpy()
    R = ds["resistance_ohm"].sel(channel="bridge3").to_numpy()
    recs = analyze_rt(T, R, source={"file": path.name, "channel": "bridge3"})
    by_branch: dict[str, dict] = {}
    for r in recs:
        by_branch.setdefault(r.source["sweep"], {})[r.quantity] = r
    assert set(by_branch) == {"cooling", "warming"}
    for q in by_branch.values():
        assert 4.1 < q["tc_onset_K"].value < 4.8  # 0.9 R_N; first deviation is ~4.7 K
        assert 3.0 < q["tc_mid_K"].value < 4.0
        assert q["tc_0_K"].value is None
        assert "no_zero_resistance" in q["tc_0_K"].flags


def test_full_range_curve_2_to_300K(rng):
    # a 2-300 K cooling curve: the extrapolated normal state is used only near its window (the
    # high-T FeTe crossover must not hide the transition); T_c,0 within the 0.25 K grid
    from tsclab.transport import params_for_thickness

    T = np.arange(300.0, 2.0, -0.25)
    p = params_for_thickness(50)
    R = sheet_resistance_ohm(T, p, rng=rng, noise_ohm=0.05)
    q = _by_q(analyze_rt(T, R))
    assert q["tc_onset_K"].source["sweep"] == "cooling"
    t0 = zero_resistance_temperature_K(p)
    assert abs(q["tc_0_K"].value - t0) < 0.25
    assert abs(q["tc_0_K"].value - t0) < 3 * q["tc_0_K"].stderr
    assert q["tc_0_K"].value < q["tc_mid_K"].value < q["tc_onset_K"].value < p.tc0_K + 1


def test_analyze_rt_dataset_qd_and_simulated(data_dir):
    from tsclab.transport import analyze_rt_dataset, simulate_rt

    ds = simulate_rt(np.arange(2.0, 25.0, 0.05), RTModelParams(), sample="(8,30)")
    recs = {r.quantity: r for r in analyze_rt_dataset(ds)}
    assert recs["tc_0_K"].value == pytest.approx(
        zero_resistance_temperature_K(RTModelParams()), abs=0.1
    )
    io = pytest.importorskip("tsclab.io")
    path = data_dir / "paradimdata__project_chameleon" / "4-probe resistivity example file.dat"
    if not path.exists():
        pytest.skip("fixture not copied yet")
    recs = analyze_rt_dataset(io.read_qd_dat(path))
    assert {r.source["channel"] for r in recs} == {"bridge3"}
    assert all(r.source["file"].endswith(".dat") for r in recs)
    with pytest.raises(ParameterError):
        analyze_rt_dataset(ds.drop_vars("resistance_ohm"))
