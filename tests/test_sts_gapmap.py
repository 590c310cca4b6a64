"""Batched Levenberg-Marquardt gap-map fits: round trip, agreement with lmfit, flags, Dataset."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from tsclab.errors import ParameterError
from tsclab.superconductivity.dynes import tunneling_conductance
from tsclab.superconductivity.gapmap import fit_gap_map, fit_spectra, gap_map_records
from tsclab.superconductivity.sts_fit import fit_spectrum

BIAS = np.linspace(-5, 5, 301)


def _map(rng, ny=6, nx=7, noise=0.02):
    delta = rng.uniform(0.7, 1.3, (ny, nx))
    gamma = rng.uniform(0.04, 0.12, (ny, nx))
    scale = rng.uniform(0.8, 1.2, (ny, nx))
    clean = tunneling_conductance(
        BIAS, delta[..., None], gamma[..., None], 0.31, scale=scale[..., None]
    )
    return clean + rng.normal(0, noise, clean.shape) * scale[..., None], delta, gamma, scale


def test_map_round_trip(rng):
    y, delta, gamma, scale = _map(rng)
    ds = fit_gap_map(BIAS, y, temperature_K=0.31)
    assert ds["delta_meV"].dims == ("y", "x")
    assert bool(ds["ok"].all())
    assert np.allclose(ds["delta_meV"], delta, rtol=0.02)
    assert np.allclose(ds["gamma_meV"], gamma, rtol=0.20)
    assert np.allclose(ds["scale"], scale, rtol=0.01)
    pull = (ds["delta_meV"] - delta) / ds["delta_meV_stderr"]
    assert float(np.abs(pull).max()) < 5
    assert float(ds["redchi"].mean()) == pytest.approx(1.0, abs=0.3)
    assert ds["delta_meV"].attrs["units"] == "meV"
    assert ds.attrs["temperature_K"] == 0.31


def test_batched_agrees_with_lmfit_single_fits(rng):
    y, *_ = _map(rng, 2, 3)
    res = fit_spectra(BIAS, y, temperature_K=0.31)
    for i in range(2):
        for j in range(3):
            f = fit_spectrum(BIAS, y[i, j], temperature_K=0.31)
            d = f.record("delta_meV")
            # same optimum within a small fraction of the error bar (n_terms 3 vs 8)
            assert res["delta_meV"][i, j] == pytest.approx(d.value, abs=0.05 * d.stderr)
            assert res["delta_meV_stderr"][i, j] == pytest.approx(d.stderr, rel=0.05)
            g = f.record("gamma_meV")
            assert res["gamma_meV"][i, j] == pytest.approx(g.value, abs=0.1 * g.stderr)


def test_lockin_map(rng):
    clean = tunneling_conductance(
        BIAS, np.array([[0.9], [1.1]]), 0.05, 0.31, modulation_rms_mV=0.1
    )
    y = clean + rng.normal(0, 0.02, clean.shape)
    res = fit_spectra(BIAS, y, temperature_K=0.31, modulation_rms_mV=0.1)
    assert np.allclose(res["delta_meV"], [0.9, 1.1], rtol=0.02)


def test_nan_pixel_and_flat_pixel_are_flagged(rng):
    y, *_ = _map(rng, 2, 2)
    y[0, 0, 10] = np.nan
    y[1, 1] = 1.0 + rng.normal(0, 0.02, BIAS.size)
    ds = fit_gap_map(BIAS, y, temperature_K=0.31)
    assert bool(ds["invalid_input"][0, 0]) and bool(ds["fit_failed"][0, 0])
    assert bool(ds["no_gap"][1, 1]) and not bool(ds["ok"][1, 1])
    assert bool(ds["ok"][0, 1]) and bool(ds["ok"][1, 0])
    recs = gap_map_records(ds)
    assert len(recs) == 12
    bad = [r for r in recs if r.source["pixel"] == {"y": 0, "x": 0}]
    assert all(r.value is None and "fit_failed" in r.flags for r in bad)
    assert "invalid_input" in bad[0].flags
    assert bad[0].source["channel"] == "didv[y=0,x=0]"
    flat = [r for r in recs if r.source["pixel"] == {"y": 1, "x": 1} and r.quantity == "delta_meV"]
    assert flat[0].value is None and "no_gap" in flat[0].flags


def test_dataset_input_keeps_coords(rng):
    y, delta, *_ = _map(rng, 2, 3)
    da = xr.DataArray(
        y,
        dims=("y", "x", "bias"),
        coords={"y": [0.0, 1.5], "x": [0.0, 1.5, 3.0], "bias": BIAS},
        name="didv",
    )
    ds = fit_gap_map(da.to_dataset(), temperature_K=0.31)
    assert list(ds["x"].values) == [0.0, 1.5, 3.0]
    assert np.allclose(ds["delta_meV"], delta, rtol=0.02)
    # the temperature may come from the Dataset's attrs (e.g. a .3ds header)
    src = da.to_dataset()
    src.attrs["temperature_K"] = 0.31
    assert np.allclose(fit_gap_map(src)["delta_meV"], ds["delta_meV"])
    with pytest.raises(ParameterError):
        fit_gap_map(da.to_dataset())


def test_map_bad_input():
    with pytest.raises(ParameterError):
        fit_spectra(BIAS, np.ones((2, 300)), temperature_K=0.31)
    with pytest.raises(ParameterError):
        fit_spectra(BIAS[::-1][np.r_[1, 0, 2:301]], np.ones((2, 301)), temperature_K=0.31)
    with pytest.raises(ParameterError):
        fit_spectra(BIAS, np.ones((2, 301)), temperature_K=0.0)
    with pytest.raises(ParameterError):
        fit_gap_map(BIAS, np.ones((2, 301)))
    with pytest.raises(ParameterError):
        # spectra of different lengths (a ragged list)
        fit_gap_map(BIAS, [np.ones(301), np.ones(300)], temperature_K=0.31)


def test_unit_of_didv_does_not_matter(rng):
    y, *_ = _map(rng, 2, 2)
    a = fit_spectra(BIAS, y, temperature_K=0.31)
    b = fit_spectra(BIAS, 2e-9 * y, temperature_K=0.31)
    assert np.allclose(a["delta_meV"], b["delta_meV"], rtol=1e-6)
    assert np.allclose(2e-9 * a["scale"], b["scale"], rtol=1e-6)
    assert np.allclose(2e-9 * a["scale_stderr"], b["scale_stderr"], rtol=1e-4)
    assert bool(b["ok"].all())


@pytest.mark.parametrize(
    "bias",
    [np.linspace(-4, 6, 251), np.linspace(-5, 5, 300), np.linspace(5, -5, 301)],
    ids=["asymmetric", "no-zero", "descending"],
)
def test_any_bias_grid(rng, bias):
    # the |V| folding must give the same answer as a plain evaluation on any monotonic grid
    delta = np.array([0.9, 1.15])
    clean = tunneling_conductance(bias, delta[:, None], 0.06, 0.31)
    y = clean + rng.normal(0, 0.02, clean.shape)
    res = fit_spectra(bias, y, temperature_K=0.31)
    assert np.allclose(res["delta_meV"], delta, rtol=0.02)
    for i in range(2):
        f = fit_spectrum(bias, y[i], temperature_K=0.31)
        d = f.record("delta_meV")
        assert res["delta_meV"][i] == pytest.approx(d.value, abs=0.05 * d.stderr)


def test_real_nbs2_cdw_spectra_as_a_map_are_poor_fits():
    """The seven NbS2 CDW spectra (tests/data/janberges__nbs2cdw) fitted as one batch: every
    one is a poor Dynes fit, none is reported as a gap, as with the single-spectrum fit."""
    from pathlib import Path

    f = Path(__file__).parent / "data" / "janberges__nbs2cdw" / "Figure 3b.txt"
    data = np.loadtxt(f, skiprows=1)
    ds = fit_gap_map(data[:, 0], data[:, 1:].T, temperature_K=0.35)
    assert ds["delta_meV"].dims == ("spectrum",)
    assert bool(ds["poor_fit"].all()) and not bool(ds["ok"].any())
    assert float(ds["redchi"].min()) > 10
    assert all(r.value is None for r in gap_map_records(ds) if r.quantity == "delta_meV")


def test_degenerate_rows_are_flagged_without_warnings(rng):
    # all NaN (nothing to fit), all zero, constant, negative constant: flags, no exception
    y = np.stack([np.full(301, np.nan), np.zeros(301), np.ones(301), -np.ones(301)])
    res = fit_spectra(BIAS, y, temperature_K=0.31)
    assert not res["ok"].any()
    assert res["invalid_input"].tolist() == [True, False, False, False]
    assert res["fit_failed"][0] and res["fit_failed"][1]
    assert res["no_gap"][2] and res["no_gap"][3]
    none = fit_spectra(BIAS, y[:1], temperature_K=0.31)
    assert none["fit_failed"].tolist() == [True]
