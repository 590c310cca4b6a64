"""LE-muSR: constants, Kubo-Toyabe limits, wTF fit round trip, depth-profile inversion."""

from __future__ import annotations

import numpy as np
import pytest

from tsclab.errors import ParameterError
from tsclab.musr import (
    GAMMA_MU_RAD_PER_US_T,
    fit_layer_fractions,
    fit_wtf,
    gamma_profile,
    kubo_toyabe,
    layer_weights,
    wtf_asymmetry,
)


def test_muon_gyromagnetic_ratio():
    # gamma_mu / 2 pi = 135.54 MHz/T (CODATA)
    assert GAMMA_MU_RAD_PER_US_T / (2 * np.pi) == pytest.approx(135.54, abs=0.01)


def test_kubo_toyabe_limits():
    assert kubo_toyabe(0.0, 1.0) == pytest.approx(1.0)
    assert kubo_toyabe(50.0, 1.0) == pytest.approx(1 / 3, abs=1e-9)
    # minimum at sigma t = sqrt(3), value 1/3 + (2/3)(-2) e^{-3/2}
    t = np.linspace(0, 5, 50001)
    g = kubo_toyabe(t, 1.0)
    assert t[np.argmin(g)] == pytest.approx(np.sqrt(3), abs=1e-3)
    assert g.min() == pytest.approx(1 / 3 - 4 / 3 * np.exp(-1.5), abs=1e-8)  # grid step 1e-4


def test_wtf_fit_round_trip(rng):
    t = np.linspace(0, 8, 800)
    truth = (0.18, 0.35, 0.008, 0.3)
    err = np.full_like(t, 0.004)
    a = wtf_asymmetry(t, *truth) + rng.normal(0, 0.004, t.size)
    rec = {r.quantity: r for r in fit_wtf(t, a, err, field_T=truth[2])}
    assert rec["a_para"].value == pytest.approx(0.18, abs=4 * rec["a_para"].stderr)
    assert rec["relaxation_per_us"].value == pytest.approx(
        0.35, abs=4 * rec["relaxation_per_us"].stderr
    )
    assert 0.7 < rec["a_para"].extra["reduced_chi2"] < 1.3
    with pytest.raises(ParameterError):
        fit_wtf(t[:5], a[:5], err[:5], 0.008)


def test_layer_fractions_round_trip(rng):
    z = np.linspace(0, 200, 2001)
    e = np.array([1.0, 2.0, 3.5, 5.0, 7.0, 10.0, 14.0, 20.0])
    w = layer_weights(gamma_profile(z, e), [8.0, 18.0, 33.0])
    np.testing.assert_allclose(w.sum("layer"), 1.0, atol=1e-12)
    f_true = np.array([0.9, 0.4, 0.1, 0.0])
    f = w.values @ f_true
    err = np.full(e.size, 0.01)
    fit = fit_layer_fractions(f + rng.normal(0, 0.01, e.size), err, w)
    # a layer pinned at a bound has no stderr (missing); allow it the 0.02 model slack alone
    tol = np.where(fit.at_bound.values, 0.0, 4 * fit.f_layer_stderr.values) + 0.02
    assert np.all(np.abs(fit.f_layer.values - f_true) <= tol)
    assert fit.attrs["stopping_profile"] == "gamma stand-in, not TRIM.SP"
    assert not fit.attrs["fit_failed"] and fit.attrs["success"]


def _weights():
    z = np.linspace(0, 200, 2001)
    e = np.array([1.0, 2.0, 3.5, 5.0, 7.0, 10.0, 14.0, 20.0])
    return layer_weights(gamma_profile(z, e), [8.0, 18.0, 33.0])


@pytest.mark.parametrize(
    ("arg", "bad"),
    [("f_measured", np.nan), ("f_error", np.nan), ("f_error", np.inf), ("f_error", 0.0)],
)
def test_layer_fractions_rejects_non_finite_input(arg, bad):
    w = _weights()
    f = w.values @ np.array([0.9, 0.4, 0.1, 0.2])
    err = np.full(f.size, 0.01)
    (f if arg == "f_measured" else err)[3] = bad
    with pytest.raises(ParameterError) as exc:
        fit_layer_fractions(f, err, w)
    assert exc.value.name == arg


def test_layer_fractions_value_at_bound_has_no_stderr():
    w = _weights()
    # layer 0 fully magnetic (upper bound), layer 3 non-magnetic, data pushed past both bounds
    f_true = np.array([1.0, 0.4, 0.3, 0.0])
    f = w.values @ f_true + 0.05 * (w.values[:, 0] - w.values[:, 3])
    fit = fit_layer_fractions(f, np.full(f.size, 0.01), w)
    assert fit.at_bound.values.tolist() == [True, False, False, True]
    assert fit.f_layer.values[0] == pytest.approx(1.0) and fit.f_layer.values[3] == 0.0
    assert np.isnan(fit.f_layer_stderr.values[[0, 3]]).all()
    assert np.isfinite(fit.f_layer_stderr.values[[1, 2]]).all()
    assert "at_bound" in fit.attrs["flags"]


def test_layer_fractions_user_profile_is_not_labelled_stand_in():
    p = gamma_profile(np.linspace(0, 200, 2001), np.array([1.0, 3.0, 8.0, 15.0]))
    p.attrs.pop("stopping_profile")  # as a TRIM.SP array wrapped by a user would be
    w = layer_weights(p, [10.0])
    fit = fit_layer_fractions(w.values @ np.array([0.7, 0.2]), np.full(4, 0.01), w)
    assert fit.attrs["stopping_profile"] == "user-supplied"


def _wtf_data(rng, scale_err=1.0):
    t = np.linspace(0, 8, 800)
    a = wtf_asymmetry(t, 0.18, 0.35, 0.008, 0.3) + rng.normal(0, 0.004, t.size)
    return t, a, np.full_like(t, 0.004 / scale_err)


def test_wtf_absolute_sigma_vs_scaled(rng):
    # errors understated 2x: reduced chi2 ~ 4, so the scaled stderr is ~2x the absolute one
    t, a, err = _wtf_data(rng, scale_err=2.0)
    absolute = {r.quantity: r for r in fit_wtf(t, a, err, 0.008)}
    scaled = {r.quantity: r for r in fit_wtf(t, a, err, 0.008, absolute_sigma=False)}
    chi2r = absolute["a_para"].extra["reduced_chi2"]
    assert 3.0 < chi2r < 5.0
    assert scaled["a_para"].stderr / absolute["a_para"].stderr == pytest.approx(np.sqrt(chi2r))
    assert absolute["a_para"].extra["covariance"] == "absolute sigma"
    assert scaled["a_para"].extra["covariance"] == "scaled by reduced chi2"


def test_wtf_singular_covariance_gives_no_value(rng):
    # zero field: amplitude and phase enter only as a cos(phi), so they are not separable
    t = np.linspace(0, 8, 400)
    a = wtf_asymmetry(t, 0.18, 0.35, 0.0, 0.3) + rng.normal(0, 0.004, t.size)
    recs = fit_wtf(t, a, np.full_like(t, 0.004), 0.0)
    for r in recs:
        assert "singular_covariance" in r.flags
        assert r.value is None and r.stderr is None
        assert np.isfinite(r.extra["fit_value"])


def test_wtf_failed_optimizer_gives_no_value(rng, monkeypatch):
    import tsclab.musr.asymmetry as asym

    real = asym.least_squares

    def no_converge(*args, **kwargs):
        sol = real(*args, **kwargs)
        sol.success = False
        return sol

    monkeypatch.setattr(asym, "least_squares", no_converge)
    t, a, err = _wtf_data(rng)
    for r in fit_wtf(t, a, err, 0.008):
        assert r.flags == ("fit_failed",)
        assert r.value is None and r.stderr is None and "fit_value" in r.extra
