"""Dynes DOS, exact thermal and lock-in broadening, normalization and averaging."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from tsclab.errors import ParameterError
from tsclab.superconductivity.dynes import (
    _thermal_dynes,
    _thermal_dynes_rows,
    average_spectrum,
    dynes_dos,
    fermi_window,
    lockin_kernel,
    normalize_conductance,
    normalize_spectrum,
    thermal_dynes_conductance,
    tunneling_conductance,
)
from tsclab.units import K_B_MEV_PER_K


def test_dos_zero_bias_known_answer():
    for d, g in [(1.0, 0.1), (0.5, 0.5), (2.0, 0.01)]:
        assert dynes_dos(0.0, d, g) == pytest.approx(g / np.hypot(g, d), rel=1e-12)


def test_dos_coherence_peak_height():
    # N(Delta) ~ sqrt(Delta/Gamma)/2 for Gamma << Delta (PHYSICS.md 4.2: 2.32 at Gamma=0.05 Delta)
    n = float(dynes_dos(1.0, 1.0, 0.05))
    assert n == pytest.approx(0.5 * np.sqrt(1 / 0.05), rel=0.05)
    assert n == pytest.approx(2.32, abs=0.01)


@given(
    e=st.floats(-50, 50),
    d=st.floats(0.01, 5),
    g=st.floats(1e-4, 2),
)
@settings(max_examples=200, deadline=None)
def test_dos_positive_and_symmetric(e, d, g):
    n = dynes_dos(e, d, g)
    assert n >= 0
    assert n == pytest.approx(dynes_dos(-e, d, g), rel=1e-10, abs=1e-14)


def test_dos_branch_negative_energy_not_naive():
    # the naive Re[z/sqrt(z^2 - D^2)] is negative for E < 0; the product form is not
    e = np.linspace(-5, -1.2, 50)
    z = e + 0.05j
    naive = (z / np.sqrt(z * z - 1.0)).real
    assert np.all(naive < 0)
    assert np.all(dynes_dos(e, 1.0, 0.05) > 0)


def test_dos_far_from_gap_and_bcs_limit():
    assert dynes_dos(1e4, 1.0, 0.1) == pytest.approx(1.0, abs=1e-6)
    e = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    bcs = np.where(np.abs(e) > 1, np.abs(e) / np.sqrt(np.abs(e**2 - 1)), 0.0)
    assert np.allclose(dynes_dos(e, 1.0, 0.0), bcs)
    assert np.allclose(dynes_dos(e, 1.0, 1e-9), bcs, atol=1e-6)
    assert np.allclose(dynes_dos(e, 0.0, 0.3), 1.0)


def test_fermi_window_area_and_fwhm():
    e = np.linspace(-3, 3, 600001)
    w = fermi_window(e, 0.31)
    assert np.trapezoid(w, e) == pytest.approx(1.0, abs=1e-9)
    half = e[w >= w.max() / 2]
    fwhm = half[-1] - half[0]
    kT = K_B_MEV_PER_K * 0.31
    assert fwhm == pytest.approx(3.5255 * kT, rel=1e-3)
    assert fwhm == pytest.approx(0.0942, abs=2e-4)  # meV at 0.31 K (PHYSICS.md 4.2)
    assert np.all(np.isfinite(fermi_window(np.array([-1e6, 1e6]), 0.01)))


def _brute_force(v, d, g, t, *, dE=2e-4, pad=1.5):
    e = np.arange(v.min() - d - pad - 5, v.max() + d + pad + 5, dE)
    n = dynes_dos(e, d, g)
    return np.array([np.trapezoid(n * fermi_window(e - vi, t), e) for vi in v])


@pytest.mark.parametrize(("d", "g", "t"), [(1.0, 0.03, 0.31), (1.0, 0.2, 0.31), (0.5, 0.02, 2.0)])
def test_thermal_matsubara_equals_brute_force_convolution(d, g, t):
    v = np.linspace(-3, 3, 61)
    exact = thermal_dynes_conductance(v, d, g, t)
    assert np.max(np.abs(exact - _brute_force(v, d, g, t))) < 2e-6


def test_thermal_bcs_gamma_zero_is_finite_and_converged():
    v = np.linspace(-3, 3, 121)
    a = thermal_dynes_conductance(v, 1.0, 0.0, 0.31, n_terms=32)
    b = thermal_dynes_conductance(v, 1.0, 0.0, 0.31, n_terms=400)
    assert np.all(np.isfinite(a))
    assert np.max(np.abs(a - b)) < 1e-7


def test_matsubara_error_falls_like_n_to_minus_4():
    v = np.linspace(-5, 5, 301)
    kT = K_B_MEV_PER_K * 0.31
    ref = _thermal_dynes(v, 1.0, 0.03, kT, 2000)
    errs = [np.max(np.abs(_thermal_dynes(v, 1.0, 0.03, kT, n) - ref)) for n in (2, 4, 8)]
    assert errs[0] < 1e-3 and errs[1] < 5e-5 and errs[2] < 3e-6
    assert errs[0] / errs[2] > 80  # ~ 4^4 = 256 for n^-4; 80 leaves room


def test_high_temperature_washes_out_gap():
    v = np.linspace(-2, 2, 41)
    g = thermal_dynes_conductance(v, 0.05, 0.01, 30.0)
    assert np.allclose(g, 1.0, atol=2e-3)


def test_jacobian_matches_finite_differences():
    v = np.linspace(-4, 4, 161)
    kT = K_B_MEV_PER_K * 0.5
    d, g, eps = 0.8, 0.07, 1e-6
    _, Gd, Gg = _thermal_dynes(v, d, g, kT, 3, jac=True)
    fd_d = (_thermal_dynes(v, d + eps, g, kT, 3) - _thermal_dynes(v, d - eps, g, kT, 3)) / 2 / eps
    fd_g = (_thermal_dynes(v, d, g + eps, kT, 3) - _thermal_dynes(v, d, g - eps, kT, 3)) / 2 / eps
    assert np.max(np.abs(Gd - fd_d)) < 1e-6 * np.max(np.abs(Gd))
    assert np.max(np.abs(Gg - fd_g)) < 1e-6 * np.max(np.abs(Gg))


def test_real_arithmetic_rows_equal_complex_form():
    v = np.linspace(-5, 5, 201)
    kT = K_B_MEV_PER_K * 0.31
    rng = np.random.default_rng(3)
    d, g = rng.uniform(0.1, 2, 50), rng.uniform(0, 0.3, 50)
    ref = _thermal_dynes(v[None, :], d[:, None], g[:, None], kT, 3, jac=True)
    new = _thermal_dynes_rows(v, d, g, kT, 3, chunk=7)
    for a, b in zip(ref, new, strict=True):
        assert np.max(np.abs(a - b)) < 1e-11


def test_lockin_kernel_and_broadening():
    x = np.linspace(-0.3, 0.3, 600001)
    k = lockin_kernel(x, 0.1)
    assert np.trapezoid(k, x) == pytest.approx(1.0, abs=1e-4)
    assert np.all(k[np.abs(x) > np.sqrt(2) * 0.1] == 0)
    # Gauss-Chebyshev quadrature of the lock-in convolution vs brute force
    v = np.linspace(-2, 2, 21)
    vrms = 0.08
    got = tunneling_conductance(v, 1.0, 0.05, 0.31, modulation_rms_mV=vrms)
    xs = np.linspace(-np.sqrt(2) * vrms, np.sqrt(2) * vrms, 4001)
    kw = lockin_kernel(xs, vrms)
    brute = np.array(
        [np.trapezoid(kw * thermal_dynes_conductance(vi - xs, 1.0, 0.05, 0.31), xs) for vi in v]
    )
    assert np.max(np.abs(got - brute)) < 2e-4
    assert got.max() < thermal_dynes_conductance(v, 1.0, 0.05, 0.31).max()


def test_forward_model_scale_and_symmetry():
    v = np.linspace(-5, 5, 301)
    g = tunneling_conductance(v, 1.0, 0.05, 0.31, scale=30.0)
    assert np.allclose(g, g[::-1], atol=1e-12)
    assert g[0] == pytest.approx(30 * dynes_dos(5.0, 1.0, 0.05), rel=1e-3)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"temperature_K": 0.0},
        {"temperature_K": -1.0},
        {"temperature_K": float("nan")},
        {"temperature_K": 0.3, "modulation_rms_mV": -0.1},
    ],
)
def test_forward_model_rejects_bad_parameters(kwargs):
    with pytest.raises(ParameterError):
        tunneling_conductance(np.linspace(-1, 1, 5), 1.0, 0.1, **kwargs)


def test_dos_rejects_negative_parameters():
    with pytest.raises(ParameterError):
        dynes_dos(0.0, -1.0, 0.1)
    with pytest.raises(ParameterError):
        dynes_dos(0.0, 1.0, -0.1)


def test_normalize_high_bias_and_setpoint():
    v = np.linspace(-10, 10, 201)
    y = 30.0 * tunneling_conductance(v, 1.0, 0.05, 0.31)
    n, gn = normalize_conductance(v, y, window_mV=(5, 10))
    sel = (np.abs(v) >= 5) & (np.abs(v) <= 10)
    assert gn == pytest.approx(np.mean(y[sel]), rel=1e-12)
    assert gn == pytest.approx(30.0, rel=0.02)  # N(E) -> 1 slowly (Delta^2/2E^2)
    assert np.mean(n[sel]) == pytest.approx(1.0, rel=1e-12)
    _, gn2 = normalize_conductance(v, y, method="setpoint", setpoint_bias_mV=10.0)
    assert gn2 == pytest.approx(y[-1])
    both = np.stack([y, 2 * y])
    nb, gnb = normalize_conductance(v, both, method="setpoint", setpoint_bias_mV=10.0)
    assert np.allclose(nb[0], nb[1]) and gnb.shape == (2,)
    with pytest.raises(ParameterError):
        normalize_conductance(v, y, method="setpoint")
    with pytest.raises(ParameterError):
        normalize_conductance(v, y, window_mV=(50, 60))
    with pytest.raises(ParameterError):
        normalize_conductance(v[::-1][np.r_[0:100, 101:201, 100]], y)  # non-monotonic


def _nanonis_like(rng, nsweep=3):
    v = np.linspace(-5, 5, 101)
    clean = tunneling_conductance(v, 1.0, 0.05, 0.31, scale=2e-9)
    data = clean[:, None, None] + rng.normal(0, 2e-11, (101, nsweep, 2))
    return xr.Dataset(
        {"didv": (("bias", "sweep", "direction"), data, {"units": "S"})},
        coords={"bias": ("bias", v, {"units": "mV"}), "sweep": np.arange(1, nsweep + 1),
                "direction": ["fwd", "bwd"]},
        attrs={"source_file": "x.dat"},
    )  # fmt: skip


def test_average_spectrum(rng):
    ds = _nanonis_like(rng)
    avg = average_spectrum(ds)
    assert avg["didv"].dims == ("bias",)
    assert np.allclose(avg["didv"], ds["didv"].mean(("sweep", "direction")))
    assert float(avg["didv_sem"].mean()) == pytest.approx(2e-11 / np.sqrt(6), rel=0.2)
    ds["didv"][5, 0, 0] = np.nan  # an aborted point is skipped
    assert np.isfinite(average_spectrum(ds)["didv"]).all()
    ds["didv"][7] = np.nan
    with pytest.raises(ParameterError):
        average_spectrum(ds)
    norm = normalize_spectrum(average_spectrum(_nanonis_like(rng)))
    assert norm["didv"].attrs["units"] == "G_N"
    assert float(norm["didv"][0]) == pytest.approx(1.0, rel=0.03)


@pytest.mark.parametrize(("d", "g"), [(1.0, 0.05), (0.7, 0.0), (1.2, 0.3)])
def test_spectral_weight_sum_rule(d, g):
    # N - 1 has the antiderivative Re[s(E + i Gamma)] - E, s = sqrt(z - D) sqrt(z + D), so
    # int_{-L}^{L} (N - 1) dE = Re[s(L + iG) - s(-L + iG)] - 2L -> -D^2/L: the weight missing
    # in the gap sits in the coherence peaks; thermal broadening conserves it.
    L = 40.0
    v = np.linspace(-L, L, 400001)

    def s(z):
        return np.sqrt(z - d) * np.sqrt(z + d)

    exact = float((s(L + 1j * g) - s(-L + 1j * g)).real - 2 * L)
    assert exact == pytest.approx(-(d**2) / L, rel=0.01)
    if g > 0:
        assert np.trapezoid(dynes_dos(v, d, g) - 1, v) == pytest.approx(exact, abs=2e-4)
    thermal = thermal_dynes_conductance(v, d, g, 0.31, n_terms=8)
    assert np.trapezoid(thermal - 1, v) == pytest.approx(exact, abs=2e-3)
