"""Single-spectrum Dynes fits (lmfit Model): round trips, real CDW negative control, bad input."""

from __future__ import annotations

from pathlib import Path

import lmfit
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tsclab.errors import ParameterError
from tsclab.superconductivity.dynes import tunneling_conductance
from tsclab.superconductivity.sts_fit import (
    DynesModel,
    estimate_noise,
    fit_spectrum,
    guess_dynes,
)

BIAS = np.linspace(-5, 5, 301)
NBS2 = Path(__file__).parent / "data" / "janberges__nbs2cdw" / "Figure 3b.txt"


def _synthetic(rng, delta, gamma, *, scale=1.0, noise=0.02, t=0.31, vrms=0.0):
    clean = tunneling_conductance(BIAS, delta, gamma, t, scale=scale, modulation_rms_mV=vrms)
    return clean + rng.normal(0.0, noise * scale, BIAS.size)


@pytest.mark.parametrize("seed", range(6))
def test_round_trip_2pct_noise(seed):
    # acceptance: Delta within 2 %, Gamma within 20 % at 2 % noise
    rng = np.random.default_rng(seed)
    delta, gamma, scale = rng.uniform(0.6, 1.5), rng.uniform(0.04, 0.12), rng.uniform(5, 50)
    fit = fit_spectrum(BIAS, _synthetic(rng, delta, gamma, scale=scale), temperature_K=0.31)
    d, g, s = (fit.record(q) for q in ("delta_meV", "gamma_meV", "scale"))
    assert fit.ok and d.flags == ()
    assert d.value == pytest.approx(delta, rel=0.02)
    assert g.value == pytest.approx(gamma, rel=0.20)
    assert s.value == pytest.approx(scale, rel=0.01)
    assert abs(d.value - delta) < 5 * d.stderr  # the error bar is honest
    assert fit.redchi == pytest.approx(1.0, abs=0.35)
    assert d.unit == "meV" and "0.31 K" in d.criterion
    assert isinstance(fit.model_result, lmfit.model.ModelResult)


def test_round_trip_with_lockin_broadening(rng):
    y = _synthetic(rng, 1.0, 0.05, vrms=0.1)
    fit = fit_spectrum(BIAS, y, temperature_K=0.31, modulation_rms_mV=0.1)
    assert fit.record("delta_meV").value == pytest.approx(1.0, rel=0.02)
    assert fit.record("gamma_meV").value == pytest.approx(0.05, rel=0.2)
    assert "lock-in 0.1 mV rms" in fit.record("delta_meV").criterion


def test_decreasing_bias_axis_is_accepted(rng):
    y = _synthetic(rng, 1.0, 0.05)
    a = fit_spectrum(BIAS, y, temperature_K=0.31)
    b = fit_spectrum(BIAS[::-1], y[::-1], temperature_K=0.31)
    assert a.record("delta_meV").value == pytest.approx(b.record("delta_meV").value, rel=1e-6)


def test_dynes_model_is_an_lmfit_model():
    m = DynesModel(0.31)
    assert set(m.param_names) == {"delta_meV", "gamma_meV", "scale"}
    y = m.eval(bias_mV=BIAS, delta_meV=1.1, gamma_meV=0.06, scale=3.0)
    r = m.fit(y, m.guess(y, bias_mV=BIAS), bias_mV=BIAS)
    assert r.params["delta_meV"].value == pytest.approx(1.1, rel=1e-6)
    assert r.params["gamma_meV"].value == pytest.approx(0.06, rel=1e-5)


def test_guess_from_coherence_peaks(rng):
    y = np.stack([_synthetic(rng, d, 0.05) for d in (0.7, 1.0, 1.4)])
    d0, g0, s0 = guess_dynes(BIAS, y)
    assert np.allclose(d0, [0.7, 1.0, 1.4], rtol=0.1)
    assert np.all(g0 > 0) and np.allclose(s0, 1.0, rtol=0.08)  # N(5 meV) > 1


def test_noise_estimate(rng):
    assert estimate_noise(_synthetic(rng, 1.0, 0.05, noise=0.02)) == pytest.approx(0.02, rel=0.15)


def test_flat_spectrum_is_no_gap(rng):
    fit = fit_spectrum(BIAS, 1.0 + rng.normal(0, 0.02, BIAS.size), temperature_K=0.31)
    d = fit.record("delta_meV")
    assert not fit.ok
    assert d.value is None and "no_gap" in d.flags
    assert "fit_value" in d.extra


def test_real_nbs2_cdw_spectra_are_poor_dynes_fits():
    """Monolayer NbS2 at 0.35 K: a charge-density-wave gap, not superconductivity (negative
    control; janberges/nbs2cdw, CC-BY-4.0, see tests/data/SOURCES.md)."""
    data = np.loadtxt(NBS2, skiprows=1)
    bias = data[:, 0]
    for k in range(1, data.shape[1]):
        fit = fit_spectrum(bias, data[:, k], temperature_K=0.35, source={"file": NBS2.name})
        d = fit.record("delta_meV")
        assert "poor_fit" in fit.flags, (k, fit.redchi)
        assert fit.redchi > 10
        assert d.value is None and not d.ok


@pytest.mark.parametrize(
    ("bias", "didv", "kwargs"),
    [
        (BIAS, np.where(BIAS > 2, np.nan, 1.0), {}),
        (np.where(BIAS > 4, np.nan, BIAS), np.ones(301), {}),
        (np.r_[BIAS[:150], BIAS[151:], BIAS[150]], np.ones(301), {}),
        (BIAS, np.ones(300), {}),
        (BIAS, np.ones(301), {"temperature_K": 0.0}),
        (BIAS, np.ones(301), {"temperature_K": -0.3}),
        (BIAS, np.ones((2, 301)), {}),
        (BIAS[:5], np.ones(5), {}),
    ],
)
def test_bad_input_raises_parameter_error(bias, didv, kwargs):
    kw = {"temperature_K": 0.31, **kwargs}
    with pytest.raises(ParameterError):
        fit_spectrum(bias, didv, **kw)


def test_records_serialize(rng):
    fit = fit_spectrum(BIAS, _synthetic(rng, 1.0, 0.05), temperature_K=0.31, sample="(8,50)")
    d = fit.record("delta_meV").to_dict()
    assert {"quantity", "value", "stderr", "unit", "criterion", "source", "flags"} <= set(d)
    assert d["sample"] == "(8,50)" and d["method"].endswith("fit_spectrum")


@given(
    y=arrays(np.float64, 64, elements=st.floats(-1e3, 1e3, allow_nan=False)),
    t=st.floats(0.01, 20.0),
)
@settings(max_examples=25, deadline=None)
def test_fuzz_arbitrary_finite_spectra_never_crash(y, t):
    """Any finite spectrum gives records (possibly flagged), never a bare exception."""
    from tsclab.superconductivity.gapmap import fit_spectra

    b = np.linspace(-3, 3, 64)
    fit = fit_spectrum(b, y, temperature_K=t)
    for r in fit.records:
        assert r.value is None or np.isfinite(r.value)
    res = fit_spectra(b, np.stack([y, y[::-1]]), temperature_K=t, max_iter=15)
    assert res["ok"].shape == (2,)


def test_negative_lockin_signal_is_hinted(rng):
    fit = fit_spectrum(BIAS, -_synthetic(rng, 1.0, 0.05), temperature_K=0.31)
    assert "negative_conductance" in fit.flags and not fit.ok
    assert fit.record("delta_meV").value is None


def test_gap_closing_temperature_end_to_end():
    """Spectra with a BCS Delta(T) (Tc = 6.5 K) -> Dynes fits -> BCS fit gives Tc back; the
    spectrum above Tc is flagged no_gap, not fitted as a gap."""
    from tsclab.superconductivity.bcs import bcs_gap_meV, fit_bcs_gap

    rng = np.random.default_rng(7)
    temps, gaps, errs = [], [], []
    for t in (0.3, 1.0, 2.0, 3.0, 4.0, 5.0, 5.5, 6.0, 7.0):
        y = tunneling_conductance(BIAS, float(bcs_gap_meV(t, 6.5)), 0.02, t)
        fit = fit_spectrum(BIAS, y + rng.normal(0, 0.01, BIAS.size), temperature_K=t)
        d = fit.record("delta_meV")
        if t > 6.5:
            assert d.value is None and "no_gap" in d.flags
            continue
        assert d.value is not None, (t, d.flags)
        temps.append(t)
        gaps.append(d.value)
        errs.append(d.stderr)
    tc = fit_bcs_gap(temps, gaps, errs)[0]
    assert tc.value == pytest.approx(6.5, abs=max(4 * tc.stderr, 0.02))


def test_known_noise_gives_absolute_standard_errors():
    """With the true noise passed in, the stderr of Delta matches its scatter over noise
    realizations (absolute sigma); with the estimated noise it is rescaled by sqrt(redchi)."""
    import numpy as np

    from tsclab.superconductivity.dynes import tunneling_conductance
    from tsclab.superconductivity.gapmap import fit_spectra
    from tsclab.superconductivity.sts_fit import fit_spectrum

    rng = np.random.default_rng(3)
    b = np.linspace(-5, 5, 201)
    g = tunneling_conductance(b, 1.0, 0.08, 0.31)
    sigma = 0.02
    y = g + sigma * rng.standard_normal((200, b.size))
    out = fit_spectra(b, y, temperature_K=0.31, noise=sigma)
    scatter = float(np.std(out["delta_meV"]))
    assert float(np.median(out["delta_meV_stderr"])) == pytest.approx(scatter, rel=0.2)
    one_abs = fit_spectrum(b, y[0], temperature_K=0.31, noise=sigma)
    one_est = fit_spectrum(b, y[0], temperature_K=0.31)
    e_abs = {r.quantity: r for r in one_abs.records}["delta_meV"].stderr
    e_batch = float(out["delta_meV_stderr"][0])
    assert e_abs == pytest.approx(e_batch, rel=0.05)  # lmfit and the batched fitter agree
    e_est = {r.quantity: r for r in one_est.records}["delta_meV"].stderr
    assert e_est == pytest.approx(
        e_abs * np.sqrt(one_est.redchi) * one_est.noise / sigma, rel=0.05
    )
