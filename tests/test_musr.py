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
    assert np.all(np.abs(fit.f_layer.values - f_true) <= 4 * fit.f_layer_stderr.values + 0.02)
