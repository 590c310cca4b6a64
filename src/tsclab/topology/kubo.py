r"""Chern numbers of rotationally symmetric continuum models by radial Kubo integration.

An algorithm independent of the FHS lattice method (:mod:`tsclab.topology.chern`), used to
cross-check it (PHYSICS.md §3.1 option (b), Appendix A #9). The Berry curvature of the
occupied (negative-energy) bands,

.. math::

    \Omega(\mathbf k) = \sum_{n \in \mathrm{occ}} \sum_{m \notin \mathrm{occ}}
        \frac{2\,\mathrm{Im}[\langle n|\partial_x H|m\rangle\langle m|\partial_y H|n\rangle]}
             {(E_n - E_m)^2},

has the sign of tsclab's FHS plaquette convention, and for a model whose spectrum and Berry
curvature are isotropic :math:`N = \frac{1}{2\pi}\int \Omega\, d^2k = \int_0^\infty \Omega(k)\,
k\, dk`. The derivatives of H are central finite differences of the model's own
``bdg_hamiltonian`` (or ``hamiltonian``), so the hole block needs no separate derivation. The
continuum regularization :math:`m(k) = m_0 + B k^2` makes the integrand decay as
:math:`k^{-3}`, so a finite upper limit of a few hundred times the model's scale suffices; a
pure Dirac model (B = 0) would give half-integers.

References
----------
D. J. Thouless, M. Kohmoto, M. P. Nightingale, M. den Nijs, PRL 49, 405 (1982);
X.-L. Qi, T. L. Hughes, S.-C. Zhang, PRB 82, 184516 (2010).

Examples
--------
>>> from tsclab.models import TwoSurfaceModel
>>> m = TwoSurfaceModel(m0=0.2, lam=0.3062, delta_b=0.1, form="continuum")
>>> round(kubo_chern_radial(m), 3)
-2.0
"""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError

__all__ = ["berry_curvature", "kubo_chern_radial"]


def berry_curvature(model, kx, ky, *, kind: str = "bdg", step: float = 1e-6) -> np.ndarray:
    """Berry curvature of the negative-energy bands at (kx, ky), same shape as k (1/k²).

    Parameters
    ----------
    model
        Any tsclab model (``bdg_hamiltonian`` / ``hamiltonian``).
    kind
        ``"bdg"`` or ``"normal"``.
    step
        Finite-difference step in k.
    """
    if kind not in ("bdg", "normal"):
        raise ParameterError("kind", kind, "use 'bdg' or 'normal'")
    h = model.bdg_hamiltonian if kind == "bdg" else model.hamiltonian
    kx = np.asarray(kx, dtype=float)
    ky = np.asarray(ky, dtype=float)
    e, v = np.linalg.eigh(h(kx, ky))
    dhx = (h(kx + step, ky) - h(kx - step, ky)) / (2 * step)
    dhy = (h(kx, ky + step) - h(kx, ky - step)) / (2 * step)
    vh = np.conj(np.swapaxes(v, -1, -2))
    mx = vh @ dhx @ v  # <n|dH/dkx|m>
    my = vh @ dhy @ v
    occ = e < 0
    de = e[..., :, None] - e[..., None, :]
    pair = occ[..., :, None] & ~occ[..., None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        term = 2 * np.imag(mx * np.swapaxes(my, -1, -2)) / de**2
    return np.where(pair, term, 0.0).sum(axis=(-2, -1))


def kubo_chern_radial(
    model,
    *,
    kind: str = "bdg",
    k_max: float = 300.0,
    n_linear: int = 20001,
    n_log: int = 4001,
    k_linear: float = 2.0,
) -> float:
    """Chern number of an isotropic continuum model, :math:`\\int_0^{k_{max}} \\Omega(k) k\\,dk`.

    The radial grid is uniform on [0, ``k_linear``] (where the gap minima of the usual
    parameters lie) and logarithmic beyond. The result is returned unrounded: its distance
    from an integer measures the quadrature error.

    Raises
    ------
    ParameterError
        For a model without a continuum (isotropic) form.
    """
    if getattr(model, "form", None) != "continuum":
        raise ParameterError(
            "model",
            getattr(model, "name", model),
            "radial Kubo integration needs an isotropic continuum model "
            "(e.g. TwoSurfaceModel(form='continuum'))",
        )
    k = np.concatenate(
        [np.linspace(0.0, k_linear, n_linear), np.geomspace(k_linear, k_max, n_log)[1:]]
    )
    omega = berry_curvature(model, k, np.zeros_like(k), kind=kind)
    return float(np.trapezoid(omega * k, k))
