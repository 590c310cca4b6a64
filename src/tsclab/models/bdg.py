r"""Bogoliubov–de Gennes (Nambu) construction, in one place for every model.

Convention (docs/conventions.md, PHYSICS.md §1.7): Nambu spinor
:math:`\Psi_k = (c_{k,1..N}, c^\dagger_{-k,1..N})^T` with the double-counted Hamiltonian
:math:`H = \tfrac12 \sum_k \Psi_k^\dagger H_\mathrm{BdG}(k) \Psi_k` and

.. math::

    H_\mathrm{BdG}(k) = \begin{pmatrix} h(k) & \hat\Delta \\
                        \hat\Delta^\dagger & -h(-k)^* \end{pmatrix},

where :math:`h` already contains :math:`-\mu`. The hole block is always built by evaluating the
normal-state Hamiltonian at :math:`-k` and conjugating numerically, never by hand (PHYSICS.md
§1.7 pitfall). The particle–hole operator is :math:`\mathcal{C} = \tau_x K`:
:math:`\tau_x H_\mathrm{BdG}(k)^* \tau_x = -H_\mathrm{BdG}(-k)`, so
:math:`\operatorname{spec} H_\mathrm{BdG}(k) = -\operatorname{spec} H_\mathrm{BdG}(-k)`.

Fermi statistics require :math:`\hat\Delta = -\hat\Delta^T` for k-independent (s-wave) pairing;
:func:`bdg_hamiltonian` checks it.

References
----------
P. G. de Gennes, *Superconductivity of Metals and Alloys* (Benjamin, 1966), ch. 5.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError

__all__ = [
    "SymmetryReport",
    "bdg_hamiltonian",
    "check_bdg_symmetries",
    "particle_hole_operator",
]


def bdg_hamiltonian(h_k: np.ndarray, h_minus_k: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Assemble :math:`H_\\mathrm{BdG}(k)` from normal-state blocks, batched.

    Parameters
    ----------
    h_k, h_minus_k
        Normal-state Hamiltonians (including :math:`-\\mu`) at k and -k, shape ``(..., N, N)``.
    delta
        Pairing matrix :math:`\\hat\\Delta`, shape ``(N, N)`` or ``(..., N, N)``; must be
        antisymmetric (s-wave singlet written with :math:`i\\sigma_y`).

    Returns
    -------
    ndarray, shape ``(..., 2N, 2N)``

    Examples
    --------
    >>> import numpy as np
    >>> h = np.diag([1.0, 1.0]).astype(complex)
    >>> d = np.array([[0, 0.1], [-0.1, 0]], dtype=complex)
    >>> np.linalg.eigvalsh(bdg_hamiltonian(h, h, d)).round(4)
    array([-1.005, -1.005,  1.005,  1.005])
    """
    h_k = np.asarray(h_k)
    h_minus_k = np.asarray(h_minus_k)
    delta = np.asarray(delta)
    n = h_k.shape[-1]
    if h_k.shape[-2:] != (n, n) or h_minus_k.shape[-2:] != (n, n) or delta.shape[-2:] != (n, n):
        raise ParameterError(
            "delta", delta.shape, f"pairing and normal blocks must all be {n} x {n} matrices"
        )
    if not np.allclose(delta, -np.swapaxes(delta, -1, -2), atol=1e-12):
        raise ParameterError(
            "delta", "matrix", "k-independent pairing must be antisymmetric (Fermi statistics)"
        )
    shape = np.broadcast_shapes(h_k.shape[:-2], h_minus_k.shape[:-2], delta.shape[:-2])
    out = np.empty((*shape, 2 * n, 2 * n), dtype=complex)
    out[..., :n, :n] = h_k
    out[..., :n, n:] = delta
    out[..., n:, :n] = np.conj(np.swapaxes(delta, -1, -2))
    out[..., n:, n:] = -np.conj(h_minus_k)
    return out


def particle_hole_operator(n_orbitals: int) -> np.ndarray:
    """Unitary part :math:`\\tau_x \\otimes 1_N` of :math:`\\mathcal{C} = \\tau_x K`."""
    eye = np.eye(n_orbitals, dtype=complex)
    zero = np.zeros_like(eye)
    return np.block([[zero, eye], [eye, zero]])


@dataclass(frozen=True)
class SymmetryReport:
    """Largest violations of the BdG symmetries over the k points checked.

    Attributes
    ----------
    hermiticity
        max |H - H^dagger|.
    particle_hole
        max |tau_x H(k)^* tau_x + H(-k)|.
    spectrum
        max |sort spec H(k) + sort spec H(-k) reversed|.
    """

    hermiticity: float
    particle_hole: float
    spectrum: float

    def ok(self, atol: float = 1e-10) -> bool:
        """All three within ``atol``."""
        return max(self.hermiticity, self.particle_hole, self.spectrum) <= atol


def check_bdg_symmetries(
    bdg: Callable[[np.ndarray, np.ndarray], np.ndarray], kx: np.ndarray, ky: np.ndarray
) -> SymmetryReport:
    """Check Hermiticity and particle–hole symmetry of a BdG Hamiltonian function.

    Parameters
    ----------
    bdg
        ``bdg(kx, ky) -> (..., 2N, 2N)``, batched.
    kx, ky
        Momenta to test (any broadcastable shapes).
    """
    h_p = bdg(np.asarray(kx), np.asarray(ky))
    h_m = bdg(-np.asarray(kx), -np.asarray(ky))
    n = h_p.shape[-1] // 2
    c = particle_hole_operator(n)
    herm = float(np.max(np.abs(h_p - np.conj(np.swapaxes(h_p, -1, -2)))))
    ph = float(np.max(np.abs(c @ np.conj(h_p) @ c + h_m)))
    e_p = np.linalg.eigvalsh(h_p)
    e_m = np.linalg.eigvalsh(h_m)
    spec = float(np.max(np.abs(e_p + e_m[..., ::-1])))
    return SymmetryReport(herm, ph, spec)
