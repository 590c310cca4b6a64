r"""Thin film of the four-band (Bi,Sb)2Te3 model, discretized along z, with pairing at FeTe.

Model (PHYSICS.md §1.4–1.6; Zhang et al., Nat. Phys. 5, 438 (2009); Liu et al., PRB 82, 045122
(2010)). m quintuple layers with ``n_sub`` sites per QL, :math:`N_z = m\,n_{sub}` sites at
spacing :math:`a_z = d_{QL}/n_{sub}`, hard walls. Replacing :math:`k_z` by central differences
gives a block-tridiagonal Hamiltonian (basis per site :math:`(P1^+\uparrow, P2^-\uparrow,
P1^+\downarrow, P2^-\downarrow)`, site index slowest, site 1 touches FeTe):

.. math::

    H_{jj} &= [C + 2D_1/a_z^2 + D_2 k_\parallel^2 + V_j - \mu]\,1
              + [M - 2B_1/a_z^2 - B_2 k_\parallel^2]\,\Gamma_5
              + A_2(k_x\Gamma_x + k_y\Gamma_y) + \lambda\,\sigma_z\tau_0, \\
    H_{j,j+1} &= T = -\frac{D_1}{a_z^2} + \frac{B_1}{a_z^2}\Gamma_5
                  - \frac{iA_1}{2a_z}\Gamma_z, \qquad H_{j+1,j} = T^\dagger,

with :math:`\Gamma_5 = \sigma_0\tau_z`, :math:`\Gamma_z = \sigma_z\tau_x`,
:math:`\Gamma_x = \sigma_x\tau_x`, :math:`\Gamma_y = \sigma_y\tau_x` (σ: pseudospin, τ:
orbital; σ is the slower index of the four). In-plane momenta are continuous (default, k in
1/Å) or square-lattice regularized (``inplane="square"``: :math:`k_i \to \sin(k_i a)/a`,
:math:`k_\parallel^2 \to (2/a^2)(2 - \cos k_x a - \cos k_y a)`).

Exchange field λ (eV) from Cr, uniform, :math:`\sigma_z\tau_0` (optionally
orbital-dependent, ``lam_p2_ratio``); band-bending potential
:math:`V_j` (:mod:`tsclab.models.profiles`); chemical potential μ; s-wave singlet pairing
:math:`\hat\Delta = \mathrm{diag}_j(\Delta_j)\otimes(i\sigma_y\otimes\tau_0)` localized at the
FeTe interface (optionally orbital-dependent, ``delta_p2_ratio``). The BdG Hamiltonian
comes from :func:`tsclab.models.bdg.bdg_hamiltonian`.

Symmetries used by the fast solvers (checked in the tests):

* :math:`C_{2z}` (:math:`k \to -k`) keeps every term, so each BdG spectrum is ± symmetric and
  the smallest :math:`|E|` at k is the pair of middle eigenvalues;
* on the line :math:`k_y = 0` the antiunitary :math:`\mathcal{A} = \mathrm{diag}(U, -U)K`,
  :math:`U = \sigma_z\tau_z` per site, commutes with :math:`H_\mathrm{BdG}` and squares to +1,
  so a diagonal phase change makes :math:`H_\mathrm{BdG}(k_x, 0)` real symmetric; with
  continuous in-plane momenta the spectrum depends on :math:`|k|` only, so every k is mapped
  onto that line;
* ordering the BdG basis site by site (8 components per site) makes it banded with half
  bandwidth 9, so LAPACK's banded solver (``dsbevx``) returns only the requested eigenvalues
  in :math:`O(N_z)` work per eigenvalue instead of the dense :math:`O(N_z^3)`.

Examples
--------
>>> film = ThinFilmModel(material="Bi2Se3-NP09", m=3, delta0=0.01)
>>> film.n_orbitals, film.bdg_hamiltonian(0.01, 0.0).shape
(12, (24, 24))
>>> bool(film.check_symmetries().ok())
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Literal

import numpy as np
import scipy.linalg as sla
import xarray as xr
from scipy.linalg import lapack

from ..errors import ParameterError, UnresolvedNumericsError
from .bdg import SymmetryReport, bdg_hamiltonian, check_bdg_symmetries
from .materials import MaterialParameters, get_material
from .pauli import S0, SX, SY, SZ, kron
from .profiles import layer_positions_A, pairing_profile, potential_profile

__all__ = ["ThinFilmModel", "layer_weights", "sites_per_ql_convergence"]

_G5 = kron(S0, SZ)
_GZ = kron(SZ, SX)
_GX = kron(SX, SX)
_GY = kron(SY, SX)
_ONE = np.eye(4, dtype=complex)
# Diagonal phases that make H_BdG(kx, 0) real (module doc): sqrt of diag(U, -U), U = sz tz.
_U_DIAG = np.array([1.0, -1.0, -1.0, 1.0])
_PHASE_E = np.where(_U_DIAG > 0, 1.0 + 0j, 1j)
_PHASE_H = np.where(-_U_DIAG > 0, 1.0 + 0j, 1j)

_DSBEVX = lapack.dsbevx
# Bisection tolerance 2*safmin: the most accurate setting (LAPACK dsbevx documentation).
_ABSTOL = 2 * float(lapack.dlamch("S"))

# Below this BdG size the batched dense real solver beats per-k banded LAPACK calls
# (measured crossover on a 2-core machine, benchmarks/bench_induced_gap.py).
_DENSE_REAL_MAX = 8

_OPTION_FIELDS = ("material", "V_profile", "delta_profile", "inplane", "a_inplane_A")
_ARRAY_PARAMS = ("lam", "mu", "V", "V_offset", "delta0")


@dataclass(frozen=True)
class ThinFilmModel:
    """Magnetic TI film of m QL on FeTe (4-band model discretized along z), with BdG pairing.

    Parameters
    ----------
    material
        Parameter set: a name of :data:`tsclab.models.materials.MATERIALS` (or alias, or
        ``"BST:x"``) or a :class:`~tsclab.models.materials.MaterialParameters`. Validated
        (PHYSICS.md §1.3–1.4); a failing set raises :class:`~tsclab.errors.ParameterError`.
    m
        Thickness in QL (positive integer).
    n_sub
        Sites per QL (default 1).
    lam
        Uniform exchange field λ (coefficient of :math:`\\sigma_z\\tau_0`), eV.
    lam_p2_ratio
        Orbital-dependent exchange (Yu et al., Science 329, 61 (2010)): the exchange on the
        P2− orbital is ``lam_p2_ratio * lam``,
        :math:`H_X = \\lambda[\\sigma_z(1+\\tau_z)/2 + r\\,\\sigma_z(1-\\tau_z)/2]`
        (default 1: uniform :math:`\\lambda\\sigma_z\\tau_0`).
    mu
        Chemical potential, eV (same zero as C).
    V, V_offset, V_profile, screening_length_A
        Band-bending potential (:func:`~tsclab.models.profiles.potential_profile`): the
        profile runs from −V at FeTe to +V (top), plus V_offset, eV; ``V_profile`` is
        ``"linear"``, ``"exponential"`` (length ``screening_length_A``, Å) or an array (eV).
    delta0, delta_profile, n_pair_sites, coherence_length_A
        Interface pairing (:func:`~tsclab.models.profiles.pairing_profile`), eV.
    delta_p2_ratio
        Orbital-dependent pairing :math:`i\\sigma_y\\otimes\\mathrm{diag}(1, r)` on
        (P1+, P2−) (PHYSICS.md §1.7; default 1: :math:`i\\sigma_y\\otimes\\tau_0`).
    inplane
        ``"continuum"`` (k in 1/Å) or ``"square"`` (lattice constant ``a_inplane_A``, Å,
        default the material's a).

    ``lam``, ``mu``, ``V``, ``V_offset`` and ``delta0`` may be NumPy arrays that broadcast with
    the momenta (parameter sweeps).
    """

    material: str | MaterialParameters = "Bi2Se3-NP09"
    m: int = 5
    n_sub: int = 1
    lam: float | np.ndarray = 0.0
    lam_p2_ratio: float = 1.0
    mu: float | np.ndarray = 0.0
    V: float | np.ndarray = 0.0
    V_offset: float | np.ndarray = 0.0
    V_profile: str | np.ndarray = "linear"
    screening_length_A: float = 10.0
    delta0: float | np.ndarray = 0.0
    delta_profile: str | np.ndarray = "interface"
    n_pair_sites: int = 1
    coherence_length_A: float = 10.0
    delta_p2_ratio: float = 1.0
    inplane: Literal["continuum", "square"] = "continuum"
    a_inplane_A: float | None = None

    name = "thin-film"

    def __post_init__(self) -> None:
        for key in ("m", "n_sub", "n_pair_sites"):
            val = getattr(self, key)
            ok = isinstance(val, (int, float, np.integer, np.floating)) and not isinstance(
                val, bool
            )
            if not ok or not math.isfinite(val) or val != int(val) or val < 1:
                raise ParameterError(key, val, "must be a positive integer")
            object.__setattr__(self, key, int(val))
        if self.inplane not in ("continuum", "square"):
            raise ParameterError("inplane", self.inplane, "use 'continuum' or 'square'")
        for key in ("lam_p2_ratio", "delta_p2_ratio"):
            val = getattr(self, key)
            if not (isinstance(val, (int, float, np.integer, np.floating)) and math.isfinite(val)):
                raise ParameterError(key, val, "must be a finite real number")
        if self.a_inplane_A is not None and not self.a_inplane_A > 0:
            raise ParameterError("a_inplane_A", self.a_inplane_A, "must be > 0 (Å)")
        for key in _ARRAY_PARAMS:
            v = np.asarray(getattr(self, key))
            try:
                ok = not np.iscomplexobj(v) and bool(np.all(np.isfinite(v.astype(float))))
            except (TypeError, ValueError):
                ok = False
            if not ok:
                raise ParameterError(key, getattr(self, key), "must be real and finite (eV)")
        p = get_material(
            self.material, n_sub=self.n_sub, inplane=self.inplane, a_inplane_A=self.a_inplane_A
        )
        object.__setattr__(self, "_p", p)
        # Validate the profiles once (they raise ParameterError on bad input).
        self.potential()
        self.pairing_amplitudes()

    # -- bookkeeping ------------------------------------------------------------------------------
    @classmethod
    def parameter_names(cls) -> tuple[str, ...]:
        """Numeric parameters (``--set NAME=VALUE``; all have numeric values). The options
        ``material``, ``V_profile``, ``delta_profile``, ``inplane`` and ``a_inplane_A`` are
        passed to the constructor or :meth:`with_params`."""
        return tuple(f.name for f in fields(cls) if f.name not in _OPTION_FIELDS)

    def with_params(self, **params) -> ThinFilmModel:
        """A copy with some parameters or options replaced (arrays allowed for lam, mu, V,
        V_offset, delta0)."""
        unknown = set(params) - {f.name for f in fields(self)}
        if unknown:
            name = sorted(unknown)[0]
            raise ParameterError(
                name, params[name], f"not a parameter of {self.name}: {self.parameter_names()}"
            )
        return replace(self, **params)

    @property
    def params(self) -> MaterialParameters:
        """The validated material parameter set."""
        return self._p  # type: ignore[attr-defined]

    @property
    def n_sites(self) -> int:
        """Number of z sites :math:`N_z = m\\,n_{sub}`."""
        return self.m * self.n_sub

    @property
    def n_orbitals(self) -> int:
        """Size of the normal-state Hamiltonian, :math:`4 N_z`."""
        return 4 * self.n_sites

    @property
    def a_z_A(self) -> float:
        """Site spacing :math:`a_z = d_{QL}/n_{sub}`, Å."""
        return self.params.ql_thickness_A / self.n_sub

    @property
    def lattice_constant_A(self) -> float:
        """In-plane lattice constant a, Å (``a_inplane_A`` or the material's a).

        Momenta of this model are in 1/Å; a k path given in lattice units (phase k a, e.g.
        Γ–X = 0..π) maps to k / a.
        """
        return self.params.a_A if self.a_inplane_A is None else float(self.a_inplane_A)

    @property
    def thickness_nm(self) -> float:
        """Film thickness m d_QL, nm."""
        return self.m * self.params.ql_thickness_A / 10.0

    def z_A(self) -> np.ndarray:
        """Site positions (cell centres) from the FeTe interface, Å."""
        return layer_positions_A(self.n_sites, self.a_z_A)

    def ql_index(self) -> np.ndarray:
        """QL (1..m) of each site."""
        return np.arange(self.n_sites) // self.n_sub + 1

    def top_mask(self, region: str = "half") -> np.ndarray:
        """Boolean mask of the "top" sites: ``"half"`` the upper ceil(N_z/2) sites (default of
        every top-surface analysis), ``"QL"`` the top QL."""
        nz = self.n_sites
        if region == "half":
            n_top = math.ceil(nz / 2)
        elif region == "QL":
            n_top = self.n_sub
        else:
            raise ParameterError("top", region, "use 'half' (top ceil(N_z/2) sites) or 'QL'")
        mask = np.zeros(nz, dtype=bool)
        mask[nz - n_top :] = True
        return mask

    def potential(self) -> np.ndarray:
        """Band-bending potential :math:`V_j`, eV, shape ``(..., N_z)``."""
        return potential_profile(
            self.V_profile, self.n_sites, self.a_z_A, self.V, self.V_offset,
            self.screening_length_A,
        )  # fmt: skip

    def pairing_amplitudes(self) -> np.ndarray:
        """Pairing :math:`\\Delta_j`, eV, shape ``(..., N_z)``."""
        return pairing_profile(
            self.delta_profile, self.n_sites, self.n_sub, self.a_z_A, self.delta0,
            self.n_pair_sites, self.coherence_length_A,
        )  # fmt: skip

    # -- normal state ---------------------------------------------------------------------------
    def _inplane(self, kx, ky):
        kx = np.asarray(kx, dtype=float)
        ky = np.asarray(ky, dtype=float)
        if self.inplane == "continuum":
            return kx, ky, kx**2 + ky**2
        a = self.lattice_constant_A
        k2 = (2.0 / a**2) * (2.0 - np.cos(kx * a) - np.cos(ky * a))
        return np.sin(kx * a) / a, np.sin(ky * a) / a, k2

    def hopping_block(self) -> np.ndarray:
        """Inter-site block T (coefficient of :math:`\\psi_{j+1}` in row j), 4 x 4, eV."""
        p, az = self.params, self.a_z_A
        return -(p.D1 / az**2) * _ONE + (p.B1 / az**2) * _G5 - 1j * (p.A1 / (2 * az)) * _GZ

    def onsite_blocks(self, kx, ky) -> np.ndarray:
        """On-site blocks :math:`H_{jj}(k)` (including −μ), shape ``(..., N_z, 4, 4)``, eV."""
        p, az = self.params, self.a_z_A
        qx, qy, k2 = self._inplane(kx, ky)
        eps = p.C + 2 * p.D1 / az**2 + p.D2 * k2
        mass = p.M - 2 * p.B1 / az**2 - p.B2 * k2
        v_site = self.potential() - np.asarray(self.mu, dtype=float)[..., None]  # (..., Nz)
        lam = np.asarray(self.lam, dtype=float)
        k_part = (
            (eps + 0 * lam)[..., None, None] * _ONE
            + mass[..., None, None] * _G5
            + (p.A2 * qx)[..., None, None] * _GX
            + (p.A2 * qy)[..., None, None] * _GY
            + lam[..., None, None] * self._exchange_matrix()
        )
        return k_part[..., None, :, :] + v_site[..., :, None, None] * _ONE

    def hamiltonian(self, kx, ky) -> np.ndarray:
        """Normal-state film Hamiltonian (including −μ), shape ``(..., 4N_z, 4N_z)``, eV.

        k in 1/Å (continuum) or in units of 1/a (square lattice, still 1/Å: :math:`k a` is the
        phase).
        """
        onsite = self.onsite_blocks(kx, ky)
        return _assemble_block_tridiagonal(onsite, self.hopping_block())

    def _exchange_matrix(self) -> np.ndarray:
        """:math:`\\sigma_z\\otimes\\mathrm{diag}(1, r)` (r = ``lam_p2_ratio``)."""
        return kron(SZ, np.diag([1.0, float(self.lam_p2_ratio)]))

    def _pairing_block(self) -> np.ndarray:
        """:math:`i\\sigma_y\\otimes\\mathrm{diag}(1, r)` (r = ``delta_p2_ratio``)."""
        return kron(1j * SY, np.diag([1.0, float(self.delta_p2_ratio)]))

    def pairing_matrix(self) -> np.ndarray:
        """:math:`\\hat\\Delta = \\mathrm{diag}_j(\\Delta_j) \\otimes i\\sigma_y\\tau_0`, shape
        ``(..., 4N_z, 4N_z)``."""
        d = self.pairing_amplitudes()
        nz = self.n_sites
        out = np.zeros((*d.shape[:-1], nz, nz, 4, 4), dtype=complex)
        idx = np.arange(nz)
        out[..., idx, idx, :, :] = d[..., :, None, None] * self._pairing_block()
        return np.moveaxis(out, -2, -3).reshape(*d.shape[:-1], 4 * nz, 4 * nz)

    def bdg_hamiltonian(self, kx, ky) -> np.ndarray:
        """:math:`H_\\mathrm{BdG}(k)`, shape ``(..., 8N_z, 8N_z)`` (Nambu order: all electron
        components, then all hole components; :mod:`tsclab.models.bdg`)."""
        kx = np.asarray(kx, dtype=float)
        ky = np.asarray(ky, dtype=float)
        return bdg_hamiltonian(
            self.hamiltonian(kx, ky), self.hamiltonian(-kx, -ky), self.pairing_matrix()
        )

    def check_symmetries(self, kx=None, ky=None) -> SymmetryReport:
        """Hermiticity and particle–hole symmetry of :meth:`bdg_hamiltonian` at a few k."""
        kx = np.array([0.0, 0.013, -0.041]) if kx is None else kx
        ky = np.array([0.0, 0.027, 0.009]) if ky is None else ky
        return check_bdg_symmetries(self.bdg_hamiltonian, kx, ky)

    # -- dense batched spectra ------------------------------------------------------------------
    def spectrum(self, kx, ky, *, bdg: bool = False, vectors: bool = False):
        """Eigenvalues (and vectors) of the normal or BdG Hamiltonian, batched over k.

        Returns ``energies`` of shape ``(..., n)`` (eV, ascending) or ``(energies, vectors)``
        with vectors ``(..., n, n)`` (columns), from one :func:`numpy.linalg.eigh` call on
        the stack.
        """
        h = self.bdg_hamiltonian(kx, ky) if bdg else self.hamiltonian(kx, ky)
        return np.linalg.eigh(h) if vectors else np.linalg.eigvalsh(h)

    def normal_levels_radial(self, k) -> np.ndarray:
        """Normal-state eigenvalues at radial momenta ``k`` (1/Å), from the real symmetric form.

        The normal-state analogue of :meth:`banded_bdg`: on the line :math:`k_y = 0` the
        antiunitary :math:`UK` (:math:`U = \\sigma_z\\tau_z` per site) makes H real after a
        diagonal phase change, so the batched dense solver runs in real arithmetic (about 4x
        fewer flops). Continuum model: any direction maps to (|k|, 0); square lattice: k is kx.

        Returns
        -------
        ndarray, shape ``(..., 4N_z)``, eV, ascending.
        """
        k = self._real_line_k(k, 0.0)
        h = self.hamiltonian(k, 0.0 * k)
        ph = np.tile(_PHASE_E, self.n_sites)
        return np.linalg.eigvalsh((np.conj(ph)[:, None] * h * ph[None, :]).real)

    # -- structured BdG solver (banded, real, eigenvalue subsets) -------------------------------
    def _real_line_k(self, kx, ky):
        """Map k onto the ky = 0 line where H_BdG is real (exact for the continuum model)."""
        kx = np.asarray(kx, dtype=float)
        ky = np.asarray(ky, dtype=float)
        if self.inplane == "continuum":
            return np.hypot(kx, ky)
        if np.any(ky != 0):
            raise ParameterError(
                "ky", "nonzero", "the banded solver of the square-lattice film needs ky = 0"
            )
        return kx + 0 * ky

    def banded_bdg(self, kx, ky=0.0) -> np.ndarray:
        """Real symmetric banded form of :math:`H_\\mathrm{BdG}` (upper storage, LAPACK).

        The basis is reordered site by site (e, h per site) and rephased by the diagonal
        phases of the module doc; the result has the spectrum of :meth:`bdg_hamiltonian`.

        Returns
        -------
        ndarray, shape ``(..., u + 1, 8N_z)`` with half bandwidth u = 9.
        """
        blk, hop8 = self._real_site_blocks(kx, ky)
        return _to_band_storage(blk, hop8, _BANDWIDTH)

    def _real_site_blocks(self, kx, ky):
        """Site-ordered, rephased BdG blocks (real): on-site ``(..., N_z, 8, 8)``, hopping 8x8."""
        k = self._real_line_k(kx, ky)
        zero = np.zeros_like(k)
        onsite_p = self.onsite_blocks(k, zero)  # (..., Nz, 4, 4)
        onsite_m = self.onsite_blocks(-k, zero)
        d = self.pairing_amplitudes()
        hop = self.hopping_block()
        shape = np.broadcast_shapes(onsite_p.shape[:-3], d.shape[:-1])
        nz = self.n_sites
        blk = np.zeros((*shape, nz, 8, 8), dtype=complex)
        blk[..., :4, :4] = onsite_p
        blk[..., 4:, 4:] = -np.conj(onsite_m)
        pair = d[..., :, None, None] * self._pairing_block()
        blk[..., :4, 4:] = pair
        blk[..., 4:, :4] = np.conj(np.swapaxes(pair, -1, -2))
        hop8 = np.zeros((8, 8), dtype=complex)
        hop8[:4, :4] = hop
        hop8[4:, 4:] = -np.conj(hop)
        phase = np.concatenate([_PHASE_E, _PHASE_H])
        blk = np.conj(phase)[:, None] * blk * phase[None, :]
        hop8 = np.conj(phase)[:, None] * hop8 * phase[None, :]
        return blk.real, hop8.real

    def bdg_levels_near_zero(
        self, kx, ky=0.0, n_pairs: int = 1, *, vectors: bool = False
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """The ``2 n_pairs`` BdG eigenvalues closest to E = 0, via the banded solver.

        Uses the ± symmetry of every spectrum (:math:`C_{2z}`, module doc): the middle
        ``2 n_pairs`` eigenvalues are the ones closest to zero. Loops over k in LAPACK
        (``dsbevx`` with an index range), which costs O(N_z) per eigenvalue.

        Parameters
        ----------
        kx, ky
            Momenta, 1/Å, any broadcastable shape (ky = 0 for the square lattice).
        n_pairs
            Number of ± pairs.
        vectors
            Also return the eigenvectors in the Nambu basis of :meth:`bdg_hamiltonian`.

        Returns
        -------
        energies : ndarray, shape ``(..., 2 n_pairs)``, eV, ascending
        vectors : ndarray, shape ``(..., 8N_z, 2 n_pairs)`` (only with ``vectors=True``)
        """
        band = self.banded_bdg(kx, ky)
        n = band.shape[-1]
        if not (isinstance(n_pairs, (int, np.integer)) and 1 <= n_pairs <= n // 2):
            raise ParameterError("n_pairs", n_pairs, f"need an integer in 1..{n // 2}")
        lo, hi = n // 2 - n_pairs, n // 2 + n_pairs - 1
        flat = band.reshape(-1, *band.shape[-2:])
        energies = np.empty((flat.shape[0], 2 * n_pairs))
        vecs = np.empty((flat.shape[0], n, 2 * n_pairs)) if vectors else None
        for i, ab in enumerate(flat):  # one LAPACK call per k point (subset, banded)
            if vectors:
                energies[i], vecs[i] = sla.eig_banded(
                    ab, lower=False, select="i", select_range=(lo, hi),
                    overwrite_a_band=True, check_finite=False,
                )  # fmt: skip
            else:
                energies[i] = _dsbevx_index(ab, lo, hi)
        energies = energies.reshape(*band.shape[:-2], 2 * n_pairs)
        if not vectors:
            return energies
        vecs = self._banded_to_nambu(vecs).reshape(*band.shape[:-2], n, 2 * n_pairs)
        if self.inplane == "continuum":
            vecs = self._rotate_vectors(vecs, kx, ky)
        return energies, vecs

    def min_abs_bdg_energy(self, kx, ky=0.0) -> np.ndarray:
        """Smallest :math:`|E|` of :math:`H_\\mathrm{BdG}(k)` at each k, eV (banded solver).

        By the ± symmetry of each spectrum (module doc) this is the eigenvalue of index
        :math:`4N_z` (0-based), the only one computed (``dsbevx``, one bisection).

        Examples
        --------
        >>> film = ThinFilmModel(m=2, delta0=0.01, mu=0.1)
        >>> film.min_abs_bdg_energy([0.0, 0.1]).shape
        (2,)
        """
        if 8 * self.n_sites <= _DENSE_REAL_MAX:
            # Small matrices: LAPACK call overhead dominates, so one batched real dense solve.
            blk, hop8 = self._real_site_blocks(kx, ky)
            dense = _assemble_block_tridiagonal(blk, hop8).real
            return np.abs(np.linalg.eigvalsh(dense)).min(axis=-1)
        band = self.banded_bdg(kx, ky)
        n = band.shape[-1]
        flat = band.reshape(-1, *band.shape[-2:])
        out = np.empty(flat.shape[0])
        for i, ab in enumerate(flat):  # one LAPACK call per k point (one eigenvalue)
            out[i] = _dsbevx_index(ab, n // 2, n // 2)[0]
        return np.abs(out).reshape(band.shape[:-2])

    def _banded_to_nambu(self, vecs: np.ndarray) -> np.ndarray:
        """Undo the rephasing and site-by-site ordering of :meth:`banded_bdg`."""
        nz = self.n_sites
        phase = np.concatenate([_PHASE_E, _PHASE_H])
        v = vecs.reshape(vecs.shape[0], nz, 8, vecs.shape[-1]) * phase[None, None, :, None]
        e = v[:, :, :4, :].reshape(vecs.shape[0], 4 * nz, -1)
        h = v[:, :, 4:, :].reshape(vecs.shape[0], 4 * nz, -1)
        return np.concatenate([e, h], axis=1)

    def _rotate_vectors(self, vecs, kx, ky):
        r"""Rotate states computed at (|k|, 0) to the direction of k (continuum model).

        Rotation by φ about z acts as :math:`e^{-i\varphi\sigma_z/2}` on the pseudospin of the
        electron part (and its conjugate on the hole part); ``H(k_φ) = R H(|k|,0) R^†``.
        """
        kx = np.asarray(kx, dtype=float)
        ky = np.asarray(ky, dtype=float)
        phi = np.arctan2(ky, kx) if np.any(ky != 0) else np.zeros(np.broadcast(kx, ky).shape)
        phi = np.broadcast_to(phi, vecs.shape[:-2])
        if not np.any(phi):
            return vecs
        nz = self.n_sites
        spin_sign = np.tile(np.array([1.0, 1.0, -1.0, -1.0]), nz)  # sigma_z per component
        ph_e = np.exp(-0.5j * phi[..., None] * spin_sign)
        ph = np.concatenate([ph_e, np.conj(ph_e)], axis=-1)
        return ph[..., :, None] * vecs

    # -- post-processing ------------------------------------------------------------------------
    def layer_weights(self, vectors: np.ndarray, *, per: Literal["site", "QL"] = "site"):
        """Weights of eigenstates on each site or QL (electron + hole parts for BdG).

        See :func:`layer_weights`.
        """
        return layer_weights(vectors, self.n_sites, self.n_sub if per == "QL" else 1)


def layer_weights(vectors: np.ndarray, n_sites: int, group: int = 1) -> np.ndarray:
    """Probability of each eigenvector on each site (or group of ``group`` sites, e.g. a QL).

    Parameters
    ----------
    vectors
        Columns are states, shape ``(..., n, n_states)`` with n = 4 n_sites (normal state) or
        8 n_sites (BdG, Nambu order: electrons then holes).
    n_sites
        Number of z sites.
    group
        Sites per group (``n_sub`` for weights per QL).

    Returns
    -------
    ndarray, shape ``(..., n_sites // group, n_states)``; sums to 1 over the layer axis.

    Examples
    --------
    >>> v = np.eye(8)[:, :1]
    >>> layer_weights(v, 2).ravel().tolist()
    [1.0, 0.0]
    """
    n = vectors.shape[-2]
    prob = np.abs(vectors) ** 2
    if n == 8 * n_sites:
        prob = prob[..., : n // 2, :] + prob[..., n // 2 :, :]
    elif n != 4 * n_sites:
        raise ParameterError("vectors", vectors.shape, f"need 4 or 8 x {n_sites} components")
    per_site = prob.reshape(*prob.shape[:-2], n_sites, 4, prob.shape[-1]).sum(axis=-2)
    if n_sites % group:
        raise ParameterError("group", group, f"must divide the number of sites {n_sites}")
    return per_site.reshape(*per_site.shape[:-2], n_sites // group, group, -1).sum(axis=-2)


def sites_per_ql_convergence(
    model: ThinFilmModel, n_sub_values=(1, 2, 4, 8), rtol: float = 0.05
) -> xr.Dataset:
    """Convergence check of the z discretization: Γ-point film gap and midgap energy vs n_sub.

    Sets whose lattice test fails at some n_sub are skipped (recorded in attrs).

    Parameters
    ----------
    model
        The film (its other parameters are kept).
    n_sub_values
        Sites per QL to try.
    rtol
        Relative change of the gap between the two finest grids below which ``converged``.

    Returns
    -------
    xarray.Dataset
        ``gap_meV`` and ``midgap_eV`` over dim ``n_sub``; attrs ``converged`` (0/1),
        ``skipped_n_sub``.

    Examples
    --------
    >>> ds = sites_per_ql_convergence(ThinFilmModel(m=8), n_sub_values=(1, 2))
    >>> ds.midgap_eV.round(4).values.tolist()
    [0.0296, 0.0296]
    """
    gaps, mids, used, skipped = [], [], [], []
    for ns in n_sub_values:
        try:
            mod = model.with_params(n_sub=ns)
        except ParameterError:
            skipped.append(int(ns))
            continue
        e = np.linalg.eigvalsh(mod.hamiltonian(0.0, 0.0))
        half = e.size // 2
        gaps.append(1e3 * (e[half] - e[half - 1]))
        mids.append(0.5 * (e[half] + e[half - 1]))
        used.append(int(ns))
    if not used:
        raise ParameterError("n_sub_values", n_sub_values, "no value passes the lattice test")
    conv = len(gaps) >= 2 and abs(gaps[-1] - gaps[-2]) <= rtol * max(abs(gaps[-1]), 1e-12)
    return xr.Dataset(
        {
            "gap_meV": ("n_sub", np.array(gaps), {"units": "meV", "long_name": "Γ film gap"}),
            "midgap_eV": ("n_sub", np.array(mids), {"units": "eV", "long_name": "midgap energy"}),
        },
        coords={"n_sub": ("n_sub", np.array(used), {"units": "1", "long_name": "sites per QL"})},
        attrs={"converged": int(conv), "rtol": rtol, "skipped_n_sub": str(skipped),
               "m": model.m, "material": model.params.name},
    )  # fmt: skip


# -- private helpers ----------------------------------------------------------------------------
def _assemble_block_tridiagonal(onsite: np.ndarray, hop: np.ndarray) -> np.ndarray:
    """Dense block-tridiagonal matrix from ``onsite (..., N, b, b)`` and a constant hopping
    ``hop`` (coefficient of block j+1 in row j)."""
    *batch, nz, b, _ = onsite.shape
    out = np.zeros((*batch, nz, nz, b, b), dtype=complex)
    idx = np.arange(nz)
    out[..., idx, idx, :, :] = onsite
    if nz > 1:
        out[..., idx[:-1], idx[1:], :, :] = hop
        out[..., idx[1:], idx[:-1], :, :] = np.conj(hop.T)
    return np.moveaxis(out, -2, -3).reshape(*batch, nz * b, nz * b)


def _dsbevx_index(ab: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Eigenvalues lo..hi (0-based, ascending) of a real symmetric banded matrix (LAPACK
    ``dsbevx``, bisection after band reduction; no eigenvectors)."""
    w, _, count, _, info = _DSBEVX(
        ab, 0.0, 0.0, lo + 1, hi + 1, compute_v=0, range=2, abstol=_ABSTOL, overwrite_ab=1
    )
    if info != 0 or count != hi - lo + 1:
        raise UnresolvedNumericsError(f"dsbevx failed (info = {info}) on the banded BdG matrix")
    return w[:count]


def _bandwidth_of(hop8: np.ndarray) -> int:
    rows, cols = np.nonzero(np.abs(hop8) > 0)
    return int(max(7, np.max(8 + cols - rows)))


#: Half bandwidth of the site-ordered BdG matrix: T couples equal spins only (module doc).
_BANDWIDTH = _bandwidth_of(
    np.block([[np.kron(np.eye(2), np.ones((2, 2))), np.zeros((4, 4))],
              [np.zeros((4, 4)), np.kron(np.eye(2), np.ones((2, 2)))]])
)  # fmt: skip


def _to_band_storage(blk: np.ndarray, hop8: np.ndarray, u: int) -> np.ndarray:
    """Upper band storage ``ab[u + i - j, j] = A[i, j]`` of a block-tridiagonal real matrix."""
    *batch, nz, b, _ = blk.shape
    n = nz * b
    ab = np.zeros((*batch, u + 1, n))
    # Diagonal blocks: element (r, c) of block s sits at global (s b + r, s b + c).
    r, c = np.triu_indices(b)
    for rr, cc in zip(r, c, strict=True):
        ab[..., u + rr - cc, cc::b] = blk[..., :, rr, cc]
    # Upper off-diagonal blocks: (s b + r, (s+1) b + c), within the band if b + c - r <= u.
    if nz > 1:
        rs, cs = np.nonzero(np.abs(hop8) > 0)
        for rr, cc in zip(rs, cs, strict=True):
            off = b + cc - rr
            if off > u:
                raise ParameterError("bandwidth", off, "hopping block outside the band")
            ab[..., u - off, b + cc :: b] = hop8[rr, cc]
    return ab
