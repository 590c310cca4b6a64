r"""Two-surface (top/bottom Dirac) model of a magnetic TI film with interface pairing.

Basis :math:`(t\uparrow, t\downarrow, b\uparrow, b\downarrow)`; :math:`\tau` acts on the surface
(slow index), :math:`\sigma` on spin. The **lattice-regularized form** (registered name
``"two-surface"``; the form checked against published phase diagrams) is

.. math::

    h(k) = A(\sin k_y\,\sigma_x - \sin k_x\,\sigma_y)\tau_z + m(k)\,\tau_x + \lambda\sigma_z
           + V\tau_z - \mu, \qquad m(k) = m_0 + 2B(2 - \cos k_x - \cos k_y),

with lattice constant 1 (k dimensionless, energies in the unit of A and B, eV by convention),
and s-wave pairing :math:`\hat\Delta = \mathrm{diag}(\Delta_t, \Delta_b)\otimes i\sigma_y`.
The top surface sits at :math:`+V`, the bottom at :math:`-V` (potential difference 2V).
The continuum form (``form="continuum"``) replaces :math:`\sin k \to k` and the mass by
:math:`m_0 + B k^2`.

QAH condition (normal state, :math:`\mu` in the gap): :math:`\lambda^2 > m_0^2 + V^2`, with
Chern number :math:`C = -\mathrm{sign}\,\lambda` in tsclab's FHS convention.

References
----------
R. Yu et al., Science 329, 61 (2010); X.-L. Qi, T. L. Hughes, S.-C. Zhang, PRB 82, 184516
(2010); J. Wang, Q. Zhou, B. Lian, S.-C. Zhang, PRB 92, 064520 (2015).

Examples
--------
>>> m = TwoSurfaceModel(A=1, B=1, m0=0.2, lam=0.2062, delta_b=0.1)
>>> m.bdg_hamiltonian(0.0, 0.0).shape
(8, 8)
>>> [round(float(x), 5) for x in m.critical_exchange()]
[0.15616, 0.25616]
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Literal

import numpy as np

from ..errors import ParameterError
from .bdg import bdg_hamiltonian
from .pauli import S0, SX, SY, SZ, kron

__all__ = ["TwoSurfaceModel", "critical_exchange"]

# tau (surface) (x) sigma (spin)
_G_VEL_X = kron(SZ, SX)  # multiplies A sin ky
_G_VEL_Y = -kron(SZ, SY)  # multiplies A sin kx
_G_MASS = kron(SX, S0)
_G_EXCH = kron(S0, SZ)
_G_V = kron(SZ, S0)
_G_ONE = kron(S0, S0)
_ISY = 1j * SY


@dataclass(frozen=True)
class TwoSurfaceModel:
    """Two-surface model; every parameter may be a NumPy array (broadcast with k).

    Parameters
    ----------
    A
        Dirac velocity, eV (times the lattice constant).
    B
        Quadratic mass coefficient, eV (times the lattice constant squared).
    m0
        Inter-surface hybridization at k = 0, eV.
    lam
        Exchange field (Zeeman-like, both surfaces), eV.
    V
        Structural asymmetry: top surface at +V, bottom at -V, eV.
    mu
        Chemical potential, eV.
    delta_t, delta_b
        s-wave pairing on the top / bottom (FeTe-side) surface, eV.
    form
        ``"lattice"`` (default, the checked form) or ``"continuum"``.
    """

    A: float | np.ndarray = 1.0
    B: float | np.ndarray = 1.0
    m0: float | np.ndarray = 0.2
    lam: float | np.ndarray = 0.0
    V: float | np.ndarray = 0.0
    mu: float | np.ndarray = 0.0
    delta_t: float | np.ndarray = 0.0
    delta_b: float | np.ndarray = 0.0
    form: Literal["lattice", "continuum"] = "lattice"

    n_orbitals = 4
    name = "two-surface"

    def __post_init__(self) -> None:
        if self.form not in ("lattice", "continuum"):
            raise ParameterError("form", self.form, "use 'lattice' or 'continuum'")
        for f in fields(self):
            if f.name == "form":
                continue
            try:
                v = np.asarray(getattr(self, f.name), dtype=float)
            except (TypeError, ValueError):
                raise ParameterError(f.name, getattr(self, f.name), "not a number") from None
            if not np.all(np.isfinite(v)):
                raise ParameterError(f.name, getattr(self, f.name), "must be real and finite")

    @classmethod
    def parameter_names(cls) -> tuple[str, ...]:
        """Names accepted by ``--set`` and by :meth:`with_params`."""
        return tuple(f.name for f in fields(cls) if f.name != "form")

    def with_params(self, **params) -> TwoSurfaceModel:
        """A copy with some parameters replaced (arrays allowed)."""
        unknown = set(params) - set(self.parameter_names())
        if unknown:
            name = sorted(unknown)[0]
            raise ParameterError(
                name, params[name], f"not a parameter of {self.name}: {self.parameter_names()}"
            )
        return replace(self, **params)

    # -- normal state -------------------------------------------------------------------------
    def _coefficients(self, kx, ky):
        kx = np.asarray(kx, dtype=float)
        ky = np.asarray(ky, dtype=float)
        if self.form == "lattice":
            sx, sy = np.sin(kx), np.sin(ky)
            mk = self.m0 + 2 * self.B * (2 - np.cos(kx) - np.cos(ky))
        else:
            sx, sy = kx, ky
            mk = self.m0 + self.B * (kx**2 + ky**2)
        return (
            (self.A * sy, _G_VEL_X),
            (self.A * sx, _G_VEL_Y),
            (mk, _G_MASS),
            (self.lam, _G_EXCH),
            (self.V, _G_V),
            (-np.asarray(self.mu), _G_ONE),
        )

    def hamiltonian(self, kx, ky) -> np.ndarray:
        """Normal-state :math:`h(k)` (including :math:`-\\mu`), shape ``(..., 4, 4)``."""
        terms = self._coefficients(kx, ky)
        shape = np.broadcast_shapes(*(np.shape(c) for c, _ in terms))
        h = np.zeros((*shape, 4, 4), dtype=complex)
        for coeff, gamma in terms:
            h += np.asarray(coeff, dtype=float)[..., None, None] * gamma
        return h

    def pairing_matrix(self) -> np.ndarray:
        """:math:`\\hat\\Delta = \\mathrm{diag}(\\Delta_t, \\Delta_b) \\otimes i\\sigma_y`,
        shape ``(..., 4, 4)`` (parameter arrays broadcast)."""
        dt = np.asarray(self.delta_t, dtype=float)[..., None, None]
        db = np.asarray(self.delta_b, dtype=float)[..., None, None]
        top = kron(np.diag([1.0, 0.0]), _ISY)
        bottom = kron(np.diag([0.0, 1.0]), _ISY)
        return dt * top + db * bottom

    # -- BdG ------------------------------------------------------------------------------------
    def bdg_hamiltonian(self, kx, ky) -> np.ndarray:
        """:math:`H_\\mathrm{BdG}(k)`, shape ``(..., 8, 8)`` (see :mod:`tsclab.models.bdg`)."""
        return bdg_hamiltonian(
            self.hamiltonian(kx, ky), self.hamiltonian(-np.asarray(kx), -np.asarray(ky)),
            self.pairing_matrix(),
        )  # fmt: skip

    def critical_exchange(self) -> tuple[np.ndarray, np.ndarray]:
        """Analytic k = 0 gap closings :math:`\\lambda_{c,\\pm}` (:func:`critical_exchange`)."""
        return critical_exchange(self.m0, self.V, self.mu, self.delta_t, self.delta_b)


def critical_exchange(m0, V, mu, delta_t, delta_b) -> tuple[np.ndarray, np.ndarray]:
    r"""Exchange fields :math:`\lambda_{c,\pm} \ge 0` where the BdG gap closes at k = 0.

    At k = 0 the BdG Hamiltonian splits into :math:`\pm\lambda + K` with
    :math:`K = [[h, D], [D, -h]]`, :math:`h = -\mu + m_0\tau_x + V\tau_z`,
    :math:`D = \mathrm{diag}(\Delta_t, \Delta_b)`; the gap closes when
    :math:`\lambda^4 - a\lambda^2 + \det K = 0`:

    .. math::

        a = \Delta_t^2 + \Delta_b^2 + 2(m_0^2 + V^2 + \mu^2), \\
        \det K = (m_0^2 + V^2 - \mu^2)^2 + \Delta_t^2 (V+\mu)^2 + \Delta_b^2 (V-\mu)^2
                 + \Delta_t^2\Delta_b^2 + 2\Delta_t\Delta_b m_0^2, \\
        \lambda_{c,\pm}^2 = \tfrac12\left[a \pm \sqrt{a^2 - 4\det K}\right].

    Phases (absent finite-k closings): :math:`|\lambda| < \lambda_{c,-}`: N = 0; between:
    N = -sign(lam); above :math:`\lambda_{c,+}`: N = -2 sign(lam).

    References
    ----------
    Qi, Hughes, Zhang, PRB 82, 184516 (2010); Wang, Zhou, Lian, Zhang, PRB 92, 064520 (2015);
    PHYSICS.md §2.3 (derivation checked with sympy and FHS).

    Examples
    --------
    >>> lo, hi = critical_exchange(0.2, 0.0, 0.0, 0.1, 0.1)  # equal pairing: no N = 1 window
    >>> bool(abs(hi - lo) < 1e-12)
    True
    """
    m0, V, mu, dt, db = (np.asarray(x, dtype=float) for x in (m0, V, mu, delta_t, delta_b))
    a = dt**2 + db**2 + 2 * (m0**2 + V**2 + mu**2)
    det_k = (
        (m0**2 + V**2 - mu**2) ** 2
        + dt**2 * (V + mu) ** 2
        + db**2 * (V - mu) ** 2
        + dt**2 * db**2
        + 2 * dt * db * m0**2
    )
    disc = np.sqrt(np.clip(a**2 - 4 * det_k, 0.0, None))
    lo = np.sqrt(np.clip((a - disc) / 2, 0.0, None))
    hi = np.sqrt((a + disc) / 2)
    return lo, hi
