"""Magnetism: loop analysis round trips, RFIM against brute-force relaxation, MFM analysis."""

from __future__ import annotations

import numpy as np
import pytest

from tsclab.errors import ParameterError
from tsclab.magnetism import (
    LoopModel,
    analyze_loop,
    differential_magnetization,
    hall_loop,
    mfm_images,
    random_fields,
    rfim_upsweep,
    rms_contrast,
)


def _by_quantity(records):
    return {r.quantity: r for r in records}


def test_hall_loop_round_trip(rng):
    model = LoopModel(coercive_field_T=0.06, width_T=0.008, t_curie_K=20, exchange_bias_T=0.004)
    ds = hall_loop(
        model,
        2.0,
        r_ah_ohm=50.0,
        r0_ohm_per_T=-30.0,
        noise_ohm=0.5,
        rng=rng,
        max_field_T=1.0,
        n_per_branch=401,
    )
    rec = _by_quantity(
        analyze_loop(
            ds.field_T.values,
            ds.hall_resistance_ohm.values,
            ds.sweep.values,
            saturation_field_T=0.2,
        )
    )
    assert rec["coercive_field_T"].value == pytest.approx(model.coercive_field(2.0), abs=1e-3)
    assert rec["exchange_bias_T"].value == pytest.approx(0.004, abs=1e-3)
    assert rec["background_slope"].value == pytest.approx(-30.0, rel=0.05)
    assert rec["anomalous_hall_resistance_ohm"].value == pytest.approx(
        50.0 * model.saturation(2.0), rel=0.02
    )
    assert rec["remanence"].value == pytest.approx(1.0, abs=0.05)


def test_shorted_hall_has_no_coercive_field(rng):
    """Zero-resistance state: R_yx = 0 (paper Fig. 2B at 10 K) -> no invented coercive field."""
    ds = hall_loop(
        LoopModel(), 2.0, r_ah_ohm=50.0, r0_ohm_per_T=-30.0, shunt=0.0, noise_ohm=0.01, rng=rng
    )
    rec = _by_quantity(
        analyze_loop(ds.field_T.values, ds.hall_resistance_ohm.values, ds.sweep.values)
    )
    assert rec["coercive_field_T"].value is None
    assert "no_hysteresis" in rec["coercive_field_T"].flags


def test_loop_bad_input():
    with pytest.raises(ParameterError):
        analyze_loop(np.zeros(5), np.zeros(5), np.array(["up"] * 5))
    h = np.linspace(-1, 1, 40)
    with pytest.raises(ParameterError, match="up"):
        analyze_loop(h, h, np.array(["up"] * 40))


def _brute_force_m(h_random, J, fields):
    """Independent zero-T relaxation: at each field flip unstable down spins until stable."""
    s = -np.ones_like(h_random)
    out = []
    for H in fields:
        while True:
            nb = np.roll(s, 1, 0) + np.roll(s, -1, 0) + np.roll(s, 1, 1) + np.roll(s, -1, 1)
            unstable = (s < 0) & (H + h_random + J * nb > 0)
            if not unstable.any():
                break
            s[unstable] = 1.0
        out.append(s.mean())
    return np.array(out)


@pytest.mark.parametrize("disorder", [0.5, 1.45, 3.0])
def test_rfim_matches_brute_force_relaxation(disorder):
    rng = np.random.default_rng(7)
    h = random_fields(12, disorder, rng)
    fields = np.linspace(-6, 8, 141)
    ds = rfim_upsweep(h, 1.0, fields)
    m_snap = ds.spins.mean(dim=("y", "x")).values
    # a field exactly on a threshold is ambiguous between the two; the grid avoids ties a.s.
    np.testing.assert_allclose(m_snap, _brute_force_m(h, 1.0, fields), atol=1e-12)


def test_rfim_low_disorder_is_one_avalanche():
    """Low disorder: the first nucleation at 4J - max h triggers a system-spanning avalanche."""
    rng = np.random.default_rng(3)
    h = random_fields(32, 0.5, rng, kind="uniform")
    ds = rfim_upsweep(h, 1.0)
    assert ds.magnetization.size == 1 and ds.magnetization.item() == 1.0
    assert ds.avalanche_field_T.item() == pytest.approx(4.0 - h.max())


def test_rms_contrast_of_binary_domains():
    """RMS of binary domains +-a with net m is a sqrt(1 - m^2) (PHYSICS.md App. A #22)."""
    L = 64
    spins = -np.ones((3, L, L))
    spins[1, :, : L // 2] = 1  # m = 0
    spins[2, :, : L // 4] = 1  # m = -0.5
    import xarray as xr

    da = xr.DataArray(spins, dims=("field", "y", "x"), coords={"field": [0.0, 1.0, 2.0]})
    img = mfm_images(da, pixel_nm=10, film_thickness_nm=8, lift_height_nm=1, contrast_Hz=2.0)
    rms = rms_contrast(img).values
    assert rms[0] == pytest.approx(0.0, abs=1e-12)
    # a = contrast/2 = 1; the finite resolution (1 nm on 10 nm pixels) blurs the walls only
    assert rms[1] == pytest.approx(1.0, rel=0.02)
    assert rms[2] == pytest.approx(np.sqrt(1 - 0.25), rel=0.02)


def test_differential_method_recovers_rfim_magnetization():
    rng = np.random.default_rng(11)
    h = random_fields(96, 1.45, rng)
    fields = np.linspace(-0.5, 3.0, 36)
    ds = rfim_upsweep(h, 1.0, fields, start_field_T=-0.5)
    img = mfm_images(
        ds.spins,
        pixel_nm=20,
        film_thickness_nm=8,
        lift_height_nm=10,
        contrast_Hz=1.0,
        noise_Hz=0.02,
        rng=rng,
    )
    m_true = ds.spins.mean(dim=("y", "x")).values
    m_diff = differential_magnetization(img).values
    assert np.max(np.abs(m_diff - m_true)) < 0.05
    rms = rms_contrast(img).values
    # the RMS contrast peaks at the zero crossing of M/Ms (the coercive field), to within one
    # field step: the two frames around the crossing have nearly equal |m| and RMS
    k = int(np.argmax(rms))
    assert m_true[k - 1] < 0 < m_true[k + 1]


@pytest.mark.parametrize("demag", [0.5, 1.0])
def test_rfim_with_demagnetizing_field_ends_in_metastable_states(demag):
    """With H -> H - D M every snapshot must be a stable state: no down spin can flip."""
    rng = np.random.default_rng(5)
    h = random_fields(24, 1.2, rng)
    fields = np.linspace(-2, 8, 101)
    ds = rfim_upsweep(h, 1.0, fields, demag_T=demag)
    for H, s in zip(fields, ds.spins.values.astype(float), strict=True):
        nb = np.roll(s, 1, 0) + np.roll(s, -1, 0) + np.roll(s, 1, 1) + np.roll(s, -1, 1)
        local = H - demag * s.mean() + h + nb
        assert np.all(local[s < 0] <= 1e-9)

    # demagnetization shears the loop (the demagnetizing field favours reversal while M < 0 and
    # opposes it once M > 0): the field span from 1 % to 99 % reversal widens
    def span(d):
        m, hf = d.magnetization.values, d.avalanche_field_T.values
        return hf[np.searchsorted(m, 0.98)] - hf[np.searchsorted(m, -0.98)]

    assert span(ds) > span(rfim_upsweep(h, 1.0)) + 0.5 * demag


def test_loop_stderrs_match_monte_carlo_scatter():
    """Reported stderrs (background lstsq covariance; noise/slope at a single clean crossing)
    agree with the scatter of the estimates over independent noise realizations."""
    model = LoopModel(coercive_field_T=0.06, width_T=0.01, t_curie_K=20, exchange_bias_T=0.0)
    rng = np.random.default_rng(11)
    names = ("anomalous_hall_resistance_ohm", "background_slope", "coercive_field_T")
    vals = {q: [] for q in names}
    errs = {q: [] for q in names}
    for _ in range(300):
        ds = hall_loop(model, 2.0, r_ah_ohm=50.0, r0_ohm_per_T=-30.0, noise_ohm=0.2, rng=rng,
                       max_field_T=0.5, n_per_branch=201)  # fmt: skip
        h, r, sw = ds.field_T.values, ds.hall_resistance_ohm.values, ds.sweep.values
        rec = _by_quantity(analyze_loop(h, r, sw, saturation_field_T=0.2))
        for q in names:
            vals[q].append(rec[q].value)
            errs[q].append(rec[q].stderr)
    for q in names:
        assert None not in errs[q], q
        # 300 samples: the sample std is within ~10 % of the true sigma (2 sigma ~ 8 %)
        assert np.mean(errs[q]) == pytest.approx(np.std(vals[q], ddof=1), rel=0.2), q
