"""Physical constants in the units tsclab uses (eV, meV, K, T, nm, ohm).

All values derive from :mod:`scipy.constants` (CODATA); none is typed by hand.

Examples
--------
>>> from tsclab.units import K_B_EV_PER_K
>>> round(K_B_EV_PER_K * 1e6, 3)  # micro-eV per kelvin
86.173
"""

from __future__ import annotations

from scipy import constants as _c

__all__ = [
    "ANGSTROM_PER_NM",
    "E_CHARGE_C",
    "FLUX_QUANTUM_WB",
    "HBAR_EV_S",
    "H_OVER_E2_OHM",
    "K_B_EV_PER_K",
    "K_B_MEV_PER_K",
    "MU_B_EV_PER_T",
    "MU_B_MEV_PER_T",
    "OE_TO_T",
    "R_Q_OHM",
]

#: Boltzmann constant, eV/K.
K_B_EV_PER_K: float = _c.k / _c.e
#: Boltzmann constant, meV/K.
K_B_MEV_PER_K: float = 1e3 * K_B_EV_PER_K
#: Bohr magneton, eV/T.
MU_B_EV_PER_T: float = _c.physical_constants["Bohr magneton in eV/T"][0]
#: Bohr magneton, meV/T.
MU_B_MEV_PER_T: float = 1e3 * MU_B_EV_PER_T
#: Superconducting flux quantum h/2e, Wb (= T m^2).
FLUX_QUANTUM_WB: float = _c.h / (2 * _c.e)
#: Elementary charge, C.
E_CHARGE_C: float = _c.e
#: Reduced Planck constant, eV s.
HBAR_EV_S: float = _c.hbar / _c.e
#: von Klitzing constant h/e^2, ohm.
H_OVER_E2_OHM: float = _c.h / _c.e**2
#: Superconducting resistance quantum h/4e^2, ohm.
R_Q_OHM: float = _c.h / (4 * _c.e**2)
#: One oersted expressed as mu0 H in tesla (CGS -> SI: 1 Oe <-> 1e-4 T).
OE_TO_T: float = _c.mu_0 * 1e3 / (4 * _c.pi)
#: Angstrom per nanometre.
ANGSTROM_PER_NM: float = _c.nano / _c.angstrom
