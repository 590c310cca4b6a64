"""ARPES forward model and dispersion analysis against the analytic surface state."""

from __future__ import annotations

import numpy as np
import pytest

from tsclab.errors import ParameterError
from tsclab.models import ThinFilmModel, get_material
from tsclab.spectra.arpes import arpes_map, fit_dirac_dispersion


def test_dirac_point_and_velocity_of_a_thick_film():
    """E_D = C + D1 M / B1 and v_D = A2 sqrt(1 - (D1/B1)^2) (PHYSICS.md §1.3) from the map."""
    p = get_material("Bi2Se3-NP09")
    mu = 0.15
    film = ThinFilmModel(material="Bi2Se3-NP09", m=14, mu=mu)
    ds = arpes_map(
        film,
        np.linspace(-0.12, 0.12, 241),
        np.linspace(-0.4, 0.15, 276),
        temperature_K=30,
        k_resolution_invA=0.002,
        energy_resolution_eV=0.005,
        broadening_eV=0.005,
    )
    rec = {r.quantity: r for r in fit_dirac_dispersion(ds, (-0.1, 0.05))}
    assert rec["dirac_point_eV"].value == pytest.approx(p.C + p.D1 * p.M / p.B1 - mu, abs=3e-3)
    # resolution and the finite window bias the MDC slope by a few per cent
    v = p.A2 * np.sqrt(1 - (p.D1 / p.B1) ** 2)
    assert rec["velocity_eV_A"].value == pytest.approx(v, rel=0.05)


def test_fermi_cutoff_and_depth_weighting():
    film = ThinFilmModel(material="Bi2Se3-NP09", m=6, mu=0.1)
    k = np.linspace(-0.1, 0.1, 41)
    e = np.linspace(-0.3, 0.3, 121)
    cold = arpes_map(film, k, e, temperature_K=10)
    # nothing above E_F at 10 K (beyond the resolution tail)
    assert float(cold.intensity.sel(energy=slice(0.1, None)).max()) < 1e-3 * float(
        cold.intensity.max()
    )
    shallow = arpes_map(film, k, e, escape_depth_A=2.0)
    deep = arpes_map(film, k, e, escape_depth_A=50.0)
    assert float(shallow.intensity.sum()) < float(deep.intensity.sum())


def test_bad_grids_are_refused():
    film = ThinFilmModel(material="Bi2Se3-NP09", m=3)
    with pytest.raises(ParameterError):
        arpes_map(film, np.array([0.1, 0.0, -0.1]), np.linspace(-0.1, 0.1, 5))
    with pytest.raises(ParameterError):
        arpes_map(film, np.linspace(-0.1, 0.1, 5), np.linspace(-0.1, 0.1, 5), temperature_K=0)
