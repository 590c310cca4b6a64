r"""Parameter sets of the four-band k·p model of the Bi2Se3 family, with validity checks.

The bulk Hamiltonian (Zhang et al., Nat. Phys. 5, 438 (2009); Liu et al., PRB 82, 045122
(2010)) in the NP09 basis :math:`(P1^+\uparrow, P2^-\uparrow, P1^+\downarrow, P2^-\downarrow)` is

.. math::

    H(k) = \epsilon(k) + M(k)\Gamma_5 + A_1 k_z \Gamma_z + A_2(k_x\Gamma_x + k_y\Gamma_y),\quad
    \epsilon = C + D_1 k_z^2 + D_2 k_\parallel^2,\quad M(k) = M - B_1 k_z^2 - B_2 k_\parallel^2.

Units: M, C in eV; A1, A2 in eV Å; B1, B2, D1, D2 in eV Å²; lengths in Å.

Provenance of the sets (checked for this module):

* ``"Bi2Se3-NP09"``: Zhang et al. Nat. Phys. 5, 438 (2009). Verified: the identical tuple is
  quoted by independent public codes (PHYSICS.md §1.2).
* ``"Bi2Se3-L10"``: Liu et al. PRB 82, 045122 (2010), widely reproduced [R].
* ``"Bi2Te3-L10"``, ``"Sb2Te3-L10"``: Liu et al. (2010) table *as recalled* in PHYSICS.md §1.2.
  **Unverified**: a search of the stored public sources (code, web pages; Nov 2026) found the
  abstract of Liu et al. (arXiv:1005.1682) and of Zsurka et al. PRMaterials 8, 084204 (2024) but
  not their parameter tables, so these numbers could not be checked. The Bi2Te3 set fails the
  surface-state condition :math:`|D_1| < |B_1|` and is refused by :func:`get_material`; it is kept
  only as an end point of the (Bi,Sb)2Te3 virtual-crystal interpolation, which is validated
  like any set (it passes for Sb fractions x ≳ 0.35).

Validity tests (:func:`check_material`; PHYSICS.md §1.3–1.4):

1. band inversion: :math:`M B_1 > 0` and :math:`M B_2 > 0`;
2. surface state in the gap: :math:`|D_1| < |B_1|`;
3. z-lattice regularization: the lattice mass at the zone boundary :math:`M - 4B_1/a_z^2`
   must have the sign opposite to :math:`M` with a margin (default: at least 25 % of
   :math:`|M|`, below which the thick-film Dirac point is visibly wrong, e.g. L10 Bi2Se3 at one
   site per QL); otherwise use more sites per QL;
4. (square in-plane lattice only) :math:`M - 4B_2/a^2` and :math:`M - 8B_2/a^2` opposite to M.

Examples
--------
>>> p = get_material("Bi2Se3-NP09")
>>> round(p.dirac_energy_eV, 4), round(p.dirac_velocity_eVA, 3)
(0.0296, 4.065)
>>> vca = interpolate_bst(0.9)
>>> vca.name
'(Bi0.1Sb0.9)2Te3-VCA'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np

from ..errors import ParameterError

__all__ = [
    "MATERIALS",
    "MaterialParameters",
    "check_material",
    "get_material",
    "interpolate_bst",
    "min_sites_per_ql",
]

#: Fraction of |M| that the zone-boundary lattice mass must reach (test 3); see module doc.
DEFAULT_LATTICE_MARGIN = 0.25


@dataclass(frozen=True)
class MaterialParameters:
    """One parameter set of the four-band model.

    Attributes
    ----------
    name
        Label, e.g. ``"Bi2Se3-NP09"``.
    M, C
        Mass and energy offset at k = 0, eV.
    A1, A2
        Out-of-plane / in-plane velocity, eV Å.
    B1, B2, D1, D2
        Quadratic coefficients, eV Å².
    a_A
        In-plane hexagonal lattice constant, Å.
    c_A
        Hexagonal c axis (three QL), Å.
    source
        Reference.
    verified
        Whether the numbers were checked against a stored source.
    """

    name: str
    M: float
    A1: float
    A2: float
    B1: float
    B2: float
    C: float
    D1: float
    D2: float
    a_A: float
    c_A: float
    source: str = ""
    verified: bool = False

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name in ("name", "source", "verified"):
                continue
            v = getattr(self, f.name)
            if not isinstance(v, (int, float, np.floating, np.integer)) or not math.isfinite(v):
                raise ParameterError(f.name, v, "material parameters must be finite real numbers")
        if self.a_A <= 0 or self.c_A <= 0:
            raise ParameterError("a_A/c_A", (self.a_A, self.c_A), "lattice constants must be > 0")

    @property
    def ql_thickness_A(self) -> float:
        """Thickness of one quintuple layer, c/3, Å."""
        return self.c_A / 3.0

    @property
    def dirac_energy_eV(self) -> float:
        """Surface Dirac-point energy :math:`E_D = C + D_1 M / B_1`, eV (semi-infinite slab;
        Liu et al. PRB 82, 045122 (2010); PHYSICS.md §1.3)."""
        return self.C + self.D1 * self.M / self.B1

    @property
    def dirac_velocity_eVA(self) -> float:
        """Surface Dirac velocity :math:`v_D = A_2\\sqrt{1 - (D_1/B_1)^2}`, eV Å."""
        return abs(self.A2) * math.sqrt(max(0.0, 1.0 - (self.D1 / self.B1) ** 2))

    @property
    def decay_constants_invA(self) -> tuple[complex, complex]:
        r"""Surface-state decay constants :math:`\kappa_{1,2}`, 1/Å.

        :math:`\kappa_{1,2} = [A_1' \pm \sqrt{A_1'^2 - 4 M B_1}]/(2B_1)` with
        :math:`A_1' = A_1/\sqrt{1-(D_1/B_1)^2}`; :math:`\psi(z) \propto e^{-\kappa_1 z} -
        e^{-\kappa_2 z}`. Complex values mean an oscillatory decay (Liu et al., PRB 81, 041307
        (2010)).
        """
        a1p = abs(self.A1) / math.sqrt(1.0 - (self.D1 / self.B1) ** 2)
        disc = complex(a1p**2 - 4 * self.M * self.B1) ** 0.5
        return ((a1p + disc) / (2 * self.B1), (a1p - disc) / (2 * self.B1))

    def lattice_mass_eV(self, n_sub: int = 1) -> float:
        """Bulk mass at the z zone boundary, :math:`M - 4B_1/a_z^2` with
        :math:`a_z = d_{QL}/n_{sub}`, eV."""
        a_z = self.ql_thickness_A / n_sub
        return self.M - 4.0 * self.B1 / a_z**2

    def replace(self, **changes) -> MaterialParameters:
        """A copy with some parameters changed (e.g. a reduced ``M`` for Cr doping)."""
        return replace(self, **changes)


def _set(name, M, A1, A2, B1, B2, C, D1, D2, a, c, source, verified):
    return MaterialParameters(name, M, A1, A2, B1, B2, C, D1, D2, a, c, source, verified)


_NP09 = "H. Zhang et al., Nat. Phys. 5, 438 (2009)"
_L10 = "C.-X. Liu et al., Phys. Rev. B 82, 045122 (2010)"

#: Known sets by name (lattice constants: Bi2Se3 a = 4.14, c = 28.64 Å; Bi2Te3 a = 4.38,
#: c = 30.49 Å; Sb2Te3 a = 4.26, c = 30.45 Å; standard crystallographic values).
MATERIALS: dict[str, MaterialParameters] = {
    "Bi2Se3-NP09": _set(
        "Bi2Se3-NP09", 0.28, 2.2, 4.1, 10.0, 56.6, -0.0068, 1.3, 19.6, 4.14, 28.64, _NP09, True
    ),
    # B2 = 44.5 eV A^2 is Liu et al.'s Bi2Se3 value (a coincidence with the paper's 44.5 T)
    "Bi2Se3-L10": _set(
        "Bi2Se3-L10", 0.28, 2.26, 3.33, 6.86, 44.5, -0.0083, 5.74, 30.4, 4.14, 28.64, _L10, False
    ),
    "Bi2Te3-L10": _set(
        "Bi2Te3-L10", 0.30, 0.30, 2.87, 2.79, 57.38, -0.18, -6.55, 49.68, 4.38, 30.49,
        _L10 + " (as recalled; unverified)", False,
    ),
    "Sb2Te3-L10": _set(
        "Sb2Te3-L10", 0.22, 0.84, 3.40, 19.64, 48.51, 0.001, -12.39, -10.78, 4.26, 30.45,
        _L10 + " (as recalled; unverified)", False,
    ),
}  # fmt: skip

_ALIASES = {"Bi2Se3": "Bi2Se3-NP09", "Bi2Te3": "Bi2Te3-L10", "Sb2Te3": "Sb2Te3-L10"}


def min_sites_per_ql(p: MaterialParameters, margin: float = DEFAULT_LATTICE_MARGIN) -> int:
    """Smallest n_sub for which the z-lattice mass passes test 3 (see module doc).

    Examples
    --------
    >>> min_sites_per_ql(MATERIALS["Bi2Se3-L10"])
    2
    """
    # M - 4 B1 n^2/d^2 must reach -sign(M) * margin |M|  ->  n >= d sqrt((1+margin) M / (4 B1))
    ratio = (1.0 + margin) * p.M / (4.0 * p.B1)
    if ratio <= 0:
        return 1
    n = max(1, math.ceil(p.ql_thickness_A * math.sqrt(ratio) - 1e-12))
    while not _lattice_ok(p, n, margin):
        n += 1
    return n


def _lattice_ok(p: MaterialParameters, n_sub: int, margin: float) -> bool:
    m_lat = p.lattice_mass_eV(n_sub)
    return m_lat * np.sign(p.M) < 0 and abs(m_lat) >= margin * abs(p.M)


def check_material(
    p: MaterialParameters,
    n_sub: int = 1,
    inplane: str = "continuum",
    a_inplane_A: float | None = None,
    margin: float = DEFAULT_LATTICE_MARGIN,
) -> MaterialParameters:
    """Refuse a parameter set that fails the validity tests of PHYSICS.md §1.3–1.4.

    Parameters
    ----------
    p
        The set.
    n_sub
        Sites per QL of the z discretization.
    inplane
        ``"continuum"`` or ``"square"`` (then test 4 with ``a_inplane_A``).
    a_inplane_A
        Square-lattice constant, Å (default: the material's a).
    margin
        Required zone-boundary lattice mass as a fraction of |M| (test 3).

    Returns
    -------
    MaterialParameters
        ``p`` itself when all tests pass.

    Raises
    ------
    ParameterError
        Naming the failed test and what to do.

    Examples
    --------
    >>> check_material(MATERIALS["Bi2Se3-L10"], n_sub=1)
    Traceback (most recent call last):
    ...
    tsclab.errors.ParameterError: invalid n_sub = 1: ...use n_sub >= 2
    """
    if not (p.M * p.B1 > 0 and p.M * p.B2 > 0):
        raise ParameterError(
            "material",
            p.name,
            f"band-inversion test failed: need M*B1 > 0 and M*B2 > 0 (M = {p.M}, B1 = {p.B1}, "
            f"B2 = {p.B2}); this set describes a trivial insulator, check the signs",
        )
    if not abs(p.D1) < abs(p.B1):
        raise ParameterError(
            "material",
            p.name,
            f"surface-state test failed: |D1| = {abs(p.D1)} >= |B1| = {abs(p.B1)}, so the film "
            "has no in-gap surface state (PHYSICS.md §1.3); use another parameter set (e.g. "
            "'Sb2Te3-L10' or interpolate_bst(x) with a larger Sb fraction x)",
        )
    if not _lattice_ok(p, n_sub, margin):
        raise ParameterError(
            "n_sub",
            n_sub,
            f"z-lattice mass test failed for {p.name}: M - 4 B1/a_z^2 = "
            f"{p.lattice_mass_eV(n_sub):.4f} eV must have the sign opposite to M = {p.M} eV "
            f"with |.| >= {margin:g}|M| (PHYSICS.md §1.4); use n_sub >= "
            f"{min_sites_per_ql(p, margin)}",
        )
    if inplane == "square":
        a = p.a_A if a_inplane_A is None else a_inplane_A
        for label, m_zb in (("X", p.M - 4 * p.B2 / a**2), ("M", p.M - 8 * p.B2 / a**2)):
            if not m_zb * np.sign(p.M) < 0:
                raise ParameterError(
                    "a_inplane_A",
                    a,
                    f"square-lattice test failed at {label}: mass {m_zb:.4f} eV has the sign of "
                    "M; use a smaller in-plane lattice constant (PHYSICS.md §1.5)",
                )
    return p


def get_material(
    name: str | MaterialParameters, n_sub: int = 1, **check_options
) -> MaterialParameters:
    """Look up a parameter set by name (or pass one through) and validate it.

    Parameters
    ----------
    name
        A key of :data:`MATERIALS`, an alias (``"Bi2Se3"``, ``"Bi2Te3"``, ``"Sb2Te3"``), a
        ``"BST:x"`` string for :func:`interpolate_bst` with Sb fraction x, or a
        :class:`MaterialParameters`.
    n_sub
        Sites per QL, for the lattice test.
    **check_options
        Passed to :func:`check_material`.

    Examples
    --------
    >>> get_material("Bi2Te3")
    Traceback (most recent call last):
    ...
    tsclab.errors.ParameterError: invalid material = 'Bi2Te3-L10': surface-state test failed...
    """
    if isinstance(name, MaterialParameters):
        p = name
    elif isinstance(name, str) and name.upper().startswith("BST:"):
        try:
            x = float(name.split(":", 1)[1])
        except ValueError:
            raise ParameterError(
                "material", name, "write 'BST:x' with x the Sb fraction"
            ) from None
        p = interpolate_bst(x)
    else:
        key = _ALIASES.get(name, name)
        if key not in MATERIALS:
            known = ", ".join([*MATERIALS, *_ALIASES, "BST:x"])
            raise ParameterError("material", name, f"unknown material (known: {known})")
        p = MATERIALS[key]
    return check_material(p, n_sub=n_sub, **check_options)


def interpolate_bst(x_sb: float) -> MaterialParameters:
    """Virtual-crystal set of :math:`(\\mathrm{Bi}_{1-x}\\mathrm{Sb}_x)_2\\mathrm{Te}_3`.

    :math:`p(x) = x\\,p(\\mathrm{Sb_2Te_3}) + (1-x)\\,p(\\mathrm{Bi_2Te_3})` for every model
    parameter and lattice constant (PHYSICS.md §1.2). Not validated here: pass it to
    :func:`check_material` (the model does). The end points are unverified (module doc).

    Parameters
    ----------
    x_sb
        Sb fraction, 0 <= x <= 1.

    Examples
    --------
    >>> round(interpolate_bst(1.0).M, 3)
    0.22
    """
    if not (isinstance(x_sb, (int, float)) and 0.0 <= x_sb <= 1.0):
        raise ParameterError("x_sb", x_sb, "the Sb fraction must be a number in [0, 1]")
    bi, sb = MATERIALS["Bi2Te3-L10"], MATERIALS["Sb2Te3-L10"]
    vals = {
        f.name: x_sb * getattr(sb, f.name) + (1 - x_sb) * getattr(bi, f.name)
        for f in fields(MaterialParameters)
        if f.name not in ("name", "source", "verified")
    }
    return MaterialParameters(
        name=f"(Bi{1 - x_sb:.3g}Sb{x_sb:.3g})2Te3-VCA",
        source="virtual-crystal interpolation of Bi2Te3-L10 and Sb2Te3-L10 (unverified)",
        verified=False,
        **vals,
    )
